"""The extra CA file (settings.check_ca_file): absolute at validation, a loadable PEM bundle.

End to end: a CA file given by a relative path is never looked up again in whatever folder a later
command runs from (a folder holding another `ca.pem` would otherwise decide whom the password goes
to).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes.smtp_servers import HOST, FaultServer, TestCerts

from crm_mail_gui.cli import main
from crm_mail_gui.core.settings import (
    MAX_CA_FILE_BYTES,
    FieldError,
    SettingsInvalid,
    build_settings,
    check_ca_file,
)
from crm_mail_gui.core.store import CONFIG_NAME, Store

USER, PASSWORD = "alice@example.com", "s3cret-パス"
GOOD = {"server": "tls://mail.example.jp:587", "user": USER, "from": USER}
FaultFactory = Callable[..., FaultServer]


# -- absolute paths ----------------------------------------------------------------------------


def test_relative_path_becomes_absolute_at_validation(
    tmp_path: Path, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(certs.ca_file, tmp_path / "ca.pem")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    assert check_ca_file("ca.pem") == str(tmp_path / "ca.pem")
    assert check_ca_file("./sub/../ca.pem") == str(tmp_path / "ca.pem")
    monkeypatch.chdir(tmp_path / "sub")
    assert check_ca_file("../ca.pem") == str(tmp_path / "ca.pem")
    assert build_settings({**GOOD, "ca_file": "../ca.pem"}).ca_file == str(tmp_path / "ca.pem")


def test_home_relative_path_is_expanded(
    tmp_path: Path, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(certs.ca_file, tmp_path / "ca.pem")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check_ca_file("~/ca.pem") == str(tmp_path / "ca.pem")


def test_a_bundle_with_comments_and_several_certificates(tmp_path: Path, certs: TestCerts) -> None:
    # what certifi and the distributions ship: comments (some not ASCII) between the blocks
    bundle = tmp_path / "bundle.pem"
    text = Path(certs.ca_file).read_text(encoding="ascii")
    other = Path(certs.untrusted_ca_file).read_text(encoding="ascii")
    bundle.write_text(
        f"# Issuer: CN=NetLock Arany (Class Gold) Főtanúsítvány\n{text}\n# 二つ目\n{other}",
        encoding="utf-8",
    )
    assert check_ca_file(str(bundle)) == str(bundle)


def test_a_changed_file_is_checked_again(tmp_path: Path, certs: TestCerts) -> None:
    ca = tmp_path / "ca.pem"
    shutil.copy(certs.ca_file, ca)
    assert check_ca_file(str(ca)) == str(ca)
    ca.write_text("no longer a certificate\n", encoding="ascii")
    with pytest.raises(FieldError) as info:
        check_ca_file(str(ca))
    assert info.value.key == "ca_not_pem"


# -- refused at the field ----------------------------------------------------------------------

Maker = Callable[[Path, TestCerts], None]


def _write(data: bytes) -> Maker:
    return lambda path, _certs: path.write_bytes(data)


def _pem_body(certs: TestCerts) -> str:
    return Path(certs.ca_file).read_text(encoding="ascii")


def _der(path: Path, certs: TestCerts) -> None:
    import ssl

    path.write_bytes(ssl.PEM_cert_to_DER_cert(_pem_body(certs)))


def _corrupt_base64(path: Path, certs: TestCerts) -> None:
    lines = _pem_body(certs).splitlines()
    lines[3] = "A" * len(lines[3])
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def _truncated(path: Path, certs: TestCerts) -> None:
    path.write_text(_pem_body(certs)[:300], encoding="ascii")


def _key_only(path: Path, certs: TestCerts) -> None:
    path.write_bytes(certs.ca.private_key_pem.bytes())


def _fifo(path: Path, _certs: TestCerts) -> None:
    os.mkfifo(path)


def _symlink_to_fifo(path: Path, _certs: TestCerts) -> None:
    os.mkfifo(path.with_name("pipe"))
    path.symlink_to(path.with_name("pipe"))


def _dev_zero(path: Path, _certs: TestCerts) -> None:
    path.symlink_to("/dev/zero")


def _folder(path: Path, _certs: TestCerts) -> None:
    path.mkdir()


def _sparse(path: Path, _certs: TestCerts) -> None:
    with path.open("wb") as handle:
        handle.truncate(MAX_CA_FILE_BYTES + 1)


def _padded(path: Path, certs: TestCerts) -> None:
    # a loadable bundle, one byte over the limit: only the limit refuses it
    body = _pem_body(certs)
    path.write_text(body + "#" * (MAX_CA_FILE_BYTES + 1 - len(body)), encoding="ascii")


def _dangling(path: Path, _certs: TestCerts) -> None:
    path.symlink_to(path.with_name("gone.pem"))


BAD_CA_FILES: list[tuple[str, Maker, str]] = [
    ("missing", lambda path, _certs: None, "ca_missing"),
    ("dangling symlink", _dangling, "ca_missing"),
    ("folder", _folder, "ca_not_file"),
    ("fifo", _fifo, "ca_not_file"),
    ("symlink to fifo", _symlink_to_fifo, "ca_not_file"),
    ("/dev/zero", _dev_zero, "ca_not_file"),
    ("sparse past the limit", _sparse, "ca_too_large"),
    ("bundle past the limit", _padded, "ca_too_large"),
    ("empty", _write(b""), "ca_not_pem"),
    ("plain text", _write(b"this is my CA\n"), "ca_not_pem"),
    ("CP932 text", _write("証明書".encode("cp932")), "ca_not_pem"),
    ("BEGIN line only", _write(b"-----BEGIN CERTIFICATE-----\n"), "ca_not_pem"),
    ("truncated PEM", _truncated, "ca_not_pem"),
    ("DER, not PEM", _der, "ca_not_pem"),
    ("private key only", _key_only, "ca_not_pem"),
    (
        "garbage in the block",
        _write(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        "ca_bad_pem",
    ),
    ("corrupt base64", _corrupt_base64, "ca_bad_pem"),
]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("make", "key"), [c[1:] for c in BAD_CA_FILES], ids=[c[0] for c in BAD_CA_FILES]
)
def test_unusable_ca_file_is_refused_at_the_field(
    tmp_path: Path, certs: TestCerts, make: Maker, key: str
) -> None:
    path = tmp_path / "ca.pem"
    make(path, certs)
    with pytest.raises(FieldError) as info:
        check_ca_file(str(path))
    error = info.value
    assert (error.field, error.key) == ("ca_file", key)
    for lang in ("ja", "en"):
        assert str(path) in error.message(lang)
    assert error.message("ja") != error.message("en")
    with pytest.raises(SettingsInvalid) as invalid:
        build_settings({**GOOD, "ca_file": str(path)})
    assert invalid.value.errors["ca_file"].key == key


def test_unreadable_ca_file_says_why(tmp_path: Path, certs: TestCerts) -> None:
    # a path through a regular file: "Not a directory" from the system, named in the message
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="ascii")
    with pytest.raises(FieldError) as info:
        check_ca_file(str(blocker / "ca.pem"))
    assert info.value.key == "ca_unreadable"
    assert str(blocker / "ca.pem") in info.value.message("en")
    assert "Not a directory" in info.value.message("en")


# -- stored settings with a relative path --------------------------------------------------------


def _write_config(config: Path, ca_file: str) -> None:
    config.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, **GOOD, "ca_file": ca_file}
    (config / CONFIG_NAME).write_text(json.dumps(data), encoding="utf-8")


def test_stored_relative_path_is_never_resolved(
    tmp_path: Path, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "cwd"
    here.mkdir()
    shutil.copy(certs.untrusted_ca_file, here / "ca.pem")  # a ca.pem in the current folder
    monkeypatch.chdir(here)
    config = tmp_path / "config"
    _write_config(config, "ca.pem")
    before = (config / CONFIG_NAME).read_bytes()
    result = Store(config).load()
    assert result.settings is not None and result.settings.ca_file is None
    assert result.set_aside is None
    assert result.notice is not None and "ca.pem" in result.notice
    assert "relative" in result.notice
    assert (config / CONFIG_NAME).read_bytes() == before  # kept: the rest of it is fine


def test_import_with_a_relative_ca_file_leaves_it_out(
    tmp_path: Path,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(certs.untrusted_ca_file, tmp_path / "ca.pem")
    source = tmp_path / "import.json"
    source.write_text(json.dumps({"version": 1, **GOOD, "ca_file": "ca.pem"}), encoding="utf-8")
    config = tmp_path / "config"
    assert main(["--config-dir", str(config), "--lang", "en", "import", str(source)]) == 0
    err = capsys.readouterr().err
    assert "ca.pem" in err and "relative path" in err
    stored = json.loads((config / CONFIG_NAME).read_text(encoding="utf-8"))
    assert stored["ca_file"] is None


def run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--config-dir", str(config), "--lang", "en", *args])
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    return code, out + err


def test_test_from_another_folder_does_not_trust_its_ca_pem(
    tmp_path: Path,
    certs: TestCerts,
    fault_server: FaultFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The admin's folder holds the real CA; the server presents a certificate of another CA,
    # and the folder `test` runs from holds that other CA as ca.pem.
    admin, elsewhere, config = tmp_path / "admin", tmp_path / "elsewhere", tmp_path / "config"
    admin.mkdir()
    elsewhere.mkdir()
    shutil.copy(certs.ca_file, admin / "ca.pem")
    shutil.copy(certs.untrusted_ca_file, elsewhere / "ca.pem")
    server = fault_server("starttls_untrusted")
    monkeypatch.chdir(admin)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, _ = run(
        config, capsys, "set", "--server", f"tls://{HOST}:{server.port}", "--user", USER,
        "--from", USER, "--ca-file", "ca.pem", "--password-stdin", "--no-test", "--timeout", "3",
    )  # fmt: skip
    assert code == 0
    stored = json.loads((config / CONFIG_NAME).read_text(encoding="utf-8"))
    assert stored["ca_file"] == str(admin / "ca.pem")

    monkeypatch.chdir(elsewhere)
    code, text = run(config, capsys, "test")
    assert code == 3, text
    assert "certificate" in text.lower()
    assert not any(line.upper().startswith("AUTH") for line in server.lines)
    assert server.auth_attempts == []


def test_set_refuses_a_ca_file_that_is_not_pem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ca.pem").write_text("not a certificate\n", encoding="ascii")
    code, text = run(
        tmp_path / "config", capsys, "set", "--server", "tls://mail.example.jp:587",
        "--no-auth", "--from", USER, "--ca-file", "ca.pem", "--no-test",
    )  # fmt: skip
    assert code == 2
    assert f"Extra CA file: The CA file “{tmp_path / 'ca.pem'}” contains no PEM" in text
    assert not (tmp_path / "config" / CONFIG_NAME).exists()
