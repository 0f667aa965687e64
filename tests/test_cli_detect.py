"""`crm-mail-gui detect` and `set --detect` against the local DNS and SMTP servers (issue 14)."""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path

import pytest
from discovery_fixtures import *  # noqa: F403 (fixtures: dns, smtp_ports, named_certs)
from discovery_fixtures import LOCAL

from crm_mail_gui.cli import main

pytestmark = pytest.mark.e2e
XSERVER_ZONE = {
    "xs.example.jp": {"MX": [(10, "sv1234.xserver.jp")]},
    "sv1234.xserver.jp": {"A": LOCAL},
}


def cli(capsys: pytest.CaptureFixture[str], *args: str, lang: str = "en") -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--lang", lang, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_detect_prints_the_ranked_candidates_and_exits_0(dns, smtp_ports, capsys) -> None:
    dns(XSERVER_ZONE)
    code, out, _ = cli(
        capsys, "detect", "taro@xs.example.jp", "--no-ispdb", "--ca-file", smtp_ports.ca_file
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("✓ ssl://sv1234.xserver.jp:465  [mx]  Xserver  TLS ✓, AUTH ")
    assert any(line.startswith("✗ ssl://smtp.xs.example.jp:465  [guess]") for line in lines)
    assert "  MX: sv1234.xserver.jp → Xserver" in lines
    assert "  ISPDB: off (the ISPDB lookup is switched off)" in lines


def test_detect_json(dns, smtp_ports, capsys) -> None:
    dns(XSERVER_ZONE)
    code, out, _ = cli(
        capsys,
        "detect",
        "taro@xs.example.jp",
        "--json",
        "--no-ispdb",
        "--ca-file",
        smtp_ports.ca_file,
    )
    data = json.loads(out)
    assert code == 0 and data["best"] == "ssl://sv1234.xserver.jp:465"
    first = data["candidates"][0]
    assert first["verified"] and first["preset"] == "xserver" and first["sources"] == ["mx"]
    assert first["username"] == "taro@xs.example.jp" and not first["foreign"]
    assert {s["label"]: s["status"] for s in data["sources"]}["MX"] == "found"


def test_detect_exits_3_when_nothing_is_reachable(dns, capsys) -> None:
    dns({"none.example.jp": {}})
    code, _, err = cli(
        capsys, "detect", "a@none.example.jp", "--no-ispdb", "--deadline", "2", lang="ja"
    )
    assert code == 3
    assert "見つかりませんでした" in err


@pytest.mark.parametrize("address", ["no-at-sign", "a@b@c", "taro@exa mple.jp", "\x1b[31m@x.jp"])
def test_detect_exits_2_for_an_invalid_address(address: str, capsys) -> None:
    code, out, err = cli(capsys, "detect", address)
    assert code == 2 and out == ""
    assert err.startswith("Cannot detect from this mail address:")
    assert "\x1b" not in err


def test_set_detect_uses_the_best_candidate(
    dns, smtp_ports, capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring
) -> None:
    dns(XSERVER_ZONE)
    monkeypatch.setattr(sys, "stdin", StringIO("pw-123\n"))
    code, _, err = cli(
        capsys,
        "--config-dir",
        str(tmp_path),
        "set",
        "--detect",
        "taro@xs.example.jp",
        "--ca-file",
        smtp_ports.ca_file,
        "--password-stdin",
        "--no-test",
    )
    assert code == 0, err
    assert "Using the detected server ssl://sv1234.xserver.jp:465 (mx)" in err
    stored = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert stored["server"] == "ssl://sv1234.xserver.jp:465"
    assert stored["user"] == stored["from"] == "taro@xs.example.jp" and stored["auth"] is True
    assert list(memory_keyring.entries.values()) == ["pw-123"]  # kept in the credential store


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            ["The user name for Yahoo! JAPAN", "--user", "Yahoo! JAPAN ID", "Nothing was saved"],
        ),
        (
            "ja",
            ["Yahoo! JAPAN", "ユーザ名はメールアドレスではありません", "--user", "Yahoo! JAPAN ID"],
        ),
    ],
)
def test_set_detect_asks_for_the_yahoo_id_instead_of_filling_the_address(
    dns,
    smtp_ports,
    capsys,
    tmp_path: Path,
    memory_keyring,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    words: list[str],
) -> None:
    """Yahoo! JAPAN's preset (by domain): the user name is the Yahoo ID, never the address."""
    dns({"yahoo.co.jp": {}, "smtp.mail.yahoo.co.jp": {"A": LOCAL}})
    args = ["--config-dir", str(tmp_path), "set", "--detect", "taro@yahoo.co.jp", "--no-ispdb"]
    args += ["--ca-file", smtp_ports.ca_file, "--no-test", "--password-stdin"]
    monkeypatch.setattr(sys, "stdin", StringIO("pw-123\n"))
    code, _, err = cli(capsys, *args, lang=lang)
    assert code == 2, err
    assert "ssl://smtp.mail.yahoo.co.jp:465" in err  # what was found is said first
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "settings.json").exists()

    monkeypatch.setattr(sys, "stdin", StringIO("pw-123\n"))
    code, _, err = cli(capsys, *args, "--user", "taro_yid", lang=lang)
    assert code == 0, err
    stored = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert stored["server"] == "ssl://smtp.mail.yahoo.co.jp:465"
    assert stored["user"] == "taro_yid" and stored["from"] == "taro@yahoo.co.jp"


def test_set_detect_without_a_verified_candidate_stores_nothing(
    dns, capsys, tmp_path: Path
) -> None:
    dns({"none.example.jp": {}})
    code, _, err = cli(
        capsys, "--config-dir", str(tmp_path), "set", "--detect", "a@none.example.jp", "--no-test"
    )
    assert code == 3
    assert "  MX: no record" in err.splitlines()  # what was tried
    assert not (tmp_path / "settings.json").exists()


def test_a_malformed_test_seam_is_named(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_MAIL_GUI_DNS_SERVER", "127.0.0.1")
    code, _, err = cli(capsys, "detect", "a@example.jp")
    assert code == 2 and "CRM_MAIL_GUI_DNS_SERVER must be host:port" in err


FOREIGN_ZONE = {
    "solo.example.jp": {},
    "_submissions._tcp.solo.example.jp": {"SRV": [(0, 1, 465, "smtp.evil.example.net")]},
    "smtp.evil.example.net": {"A": LOCAL},
}


def test_set_detect_sends_no_password_to_a_foreign_server_it_was_not_told(
    dns, smtp_ports, capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring
) -> None:
    """The window asks before it uses a foreign server; the command line needs --server."""
    dns(FOREIGN_ZONE)
    monkeypatch.setattr(sys, "stdin", StringIO("pw-123\n"))
    code, _, err = cli(
        capsys,
        "--config-dir",
        str(tmp_path),
        "set",
        "--detect",
        "taro@solo.example.jp",
        "--ca-file",
        smtp_ports.ca_file,
        "--password-stdin",
    )
    assert code == 2, err
    assert "smtp.evil.example.net is neither under solo.example.jp" in err
    assert "give --server ssl://smtp.evil.example.net:465 to use it" in err
    assert not (tmp_path / "settings.json").exists()
    assert memory_keyring.entries == {}
