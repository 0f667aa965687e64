"""`--self-check` passes on a complete install and fails when a translation or the presets are missing."""
# `qapp` (pytest-qt) makes sure the one QApplication of the test run exists before the check runs.

from __future__ import annotations

from pathlib import Path

import pytest

from crm_mail_gui import cli
from crm_mail_gui.core import presets
from crm_mail_gui.ui import translations


def test_self_check_passes(qapp: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--self-check"]) == 0
    out = capsys.readouterr().out
    assert "[NG]" not in out
    for needle in (
        "crm-mail-gui: ",
        "Qt: 6.",
        "presets: 14 providers",
        "crm_mail_gui_ja.qm",
        "保存(&S)",
    ):
        assert needle in out


def test_missing_translation_fails_it(
    qapp: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(translations, "app_translation_file", lambda lang: tmp_path / "gone.qm")
    assert cli.main(["--self-check"]) == 1
    out = capsys.readouterr().out
    assert "[NG] translation crm_mail_gui_ja.qm: missing" in out


def test_broken_presets_fail_it(
    qapp: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    broken = tmp_path / "providers.json"
    broken.write_text('{"version": 1, "presets": [{"id": "x"}]}', encoding="utf-8")
    real = presets.load_presets
    monkeypatch.setattr("crm_mail_gui.selfcheck.load_presets", lambda: real(broken))
    assert cli.main(["--self-check"]) == 1
    assert "[NG] presets" in capsys.readouterr().out


def test_a_backend_that_fails_to_load_is_reported_not_raised(
    qapp: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring

    def broken() -> None:
        raise RuntimeError("no D-Bus session")  # what Secret Service does on a headless PC

    monkeypatch.setattr(keyring, "get_keyring", broken)
    assert cli.main(["--self-check"]) == 1
    captured = capsys.readouterr()
    assert "[NG] credential store: unusable backend (RuntimeError)" in captured.out
    assert "Traceback" not in captured.err
