"""Hostile local files as settings.json and as import files: never a hang, a flood or a traceback.

Each input of the corpus is tried four ways: `Store.load` (the file is renamed aside with a notice
naming it), `Store.read_export` (ConfigError naming it), and the CLI's `show` and `import` (a
message and the documented exit code; an import changes nothing).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crm_mail_gui.cli import main
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import CONFIG_NAME, MAX_CONFIG_BYTES, ConfigError, Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")

GOOD = {
    "version": 1,
    "server": "ssl://smtp.example.jp:465",
    "user": "taro@example.jp",
    "from": "noreply@example.jp",
    "auth": True,
    "to": "admin@example.jp",
    "timeout": 20.0,
}
GOOD_TEXT = json.dumps(GOOD, ensure_ascii=False)
EXIT_OTHER, EXIT_INVALID = 1, 2


def _with(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False).encode("utf-8")


def _raw(text: str) -> bytes:
    return text.encode("utf-8")


def _field(key: str, literal: str) -> bytes:
    """GOOD with `key` set to a raw JSON literal (one json.dumps never writes)."""
    return _raw(json.dumps({**GOOD, key: "<raw>"}).replace('"<raw>"', literal))


def _twice(key: str, literal: str) -> bytes:
    """GOOD with a second `key` (a raw JSON literal) at the end."""
    return _raw(GOOD_TEXT[:-1] + f', "{key}": {literal}' + "}")


Maker = Callable[[Path], None]


def content(data: bytes) -> Maker:
    return lambda path: path.write_bytes(data)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def symlink_to_fifo(path: Path) -> None:
    target = path.with_name("pipe")
    os.mkfifo(target)
    path.symlink_to(target)


def dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def directory(path: Path) -> None:
    path.mkdir()
    (path / "settings.json").write_text(GOOD_TEXT, encoding="utf-8")


def sparse_gigabyte(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(1 << 30)


def padded_past_limit(path: Path) -> None:
    # valid JSON, one byte over the limit: only the limit refuses it
    text = GOOD_TEXT + " " * (MAX_CONFIG_BYTES + 1 - len(GOOD_TEXT))
    path.write_text(text, encoding="utf-8")


DEEP = 5000
# (id, how to make it, a word the message must contain)
HOSTILE: list[tuple[str, Maker, str]] = [
    # not a regular file, or too large to be settings
    ("fifo", fifo, "named pipe"),
    ("symlink to fifo", symlink_to_fifo, "named pipe"),
    ("/dev/zero", dev_zero, "device"),
    ("directory", directory, "folder"),
    ("sparse 1 GiB", sparse_gigabyte, "larger than 1 MiB"),
    ("valid JSON past the limit", padded_past_limit, "larger than 1 MiB"),
    # parser bombs
    ("5000-deep arrays", content(_raw("[" * DEEP + "]" * DEEP)), "nested too deeply"),
    ("5000-deep objects", content(_raw('{"a":' * DEEP + "1" + "}" * DEEP)), "nested too deeply"),
    ("deep array in oauth", content(_field("oauth", "[" * DEEP + "]" * DEEP)), "nested too deeply"),
    ("5000-digit version", content(_raw('{"version": ' + "1" * DEEP + "}")), "digits"),
    ("5000-digit timeout", content(_field("timeout", "9" * DEEP)), "digits"),
    ("negative 5000-digit", content(_field("timeout", "-" + "9" * DEEP)), "digits"),
    ("NaN timeout", content(_field("timeout", "NaN")), "NaN"),
    ("Infinity timeout", content(_field("timeout", "Infinity")), "Infinity"),
    ("-Infinity timeout", content(_field("timeout", "-Infinity")), "Infinity"),
    ("1e999 timeout", content(_field("timeout", "1e999")), "between 1 and 300 seconds"),
    ("duplicate server", content(_twice("server", '"ssl://evil.example:465"')), "twice"),
    (
        "duplicate nested key",
        content(_field("oauth", '{"provider": "a", "provider": "b"}')),
        "twice",
    ),
    # encodings
    ("CP932", content(GOOD_TEXT.replace("taro", "太郎").encode("cp932")), "not UTF-8"),
    ("Latin-1", content(GOOD_TEXT.replace("taro", "tarö").encode("latin-1")), "not UTF-8"),
    ("UTF-16 with BOM", content(GOOD_TEXT.encode("utf-16")), "not UTF-8"),
    ("lone surrogate", content(_raw(GOOD_TEXT.replace("taro@", "\\ud800taro@"))), "control"),
    (
        "lone surrogate in server",
        content(_raw(GOOD_TEXT.replace("smtp.", "\\udcffsmtp."))),
        "server",
    ),
    ("NUL in JSON text", content(b'{"version": 1,\0 "server": "x"}'), "not valid JSON"),
    ("empty", content(b""), "not valid JSON"),
    ("BOM only", content(b"\xef\xbb\xbf"), "not valid JSON"),
    ("whitespace", content(b" \n\t "), "not valid JSON"),
    # the top level and "version"
    ("top-level null", content(b"null"), "not a JSON object"),
    ("top-level number", content(b"465"), "not a JSON object"),
    ("top-level list", content(_raw(f"[{GOOD_TEXT}]")), "not a JSON object"),
    ("version float", content(_with(version=1.0)), "version"),
    ("version null", content(_with(version=None)), "version"),
    ("version list", content(_with(version=[1])), "version"),
    ("version negative", content(_with(version=-1)), "version"),
    # every field of the wrong JSON type
    ("server null", content(_with(server=None)), "server"),
    ("server list", content(_with(server=["ssl://smtp.example.jp:465"])), "server"),
    ("server object", content(_with(server={"host": "x"})), "server"),
    ("server huge", content(_with(server="ssl://" + "a" * 900_000 + ".jp:465")), "server"),
    ("user bool", content(_with(user=True)), '"user"'),
    ("user object", content(_with(user={})), '"user"'),
    ("from number", content(_with(**{"from": 1})), '"from"'),
    ("to list", content(_with(to=["a@example.jp"])), '"to"'),
    ("to number", content(_with(to=0)), '"to"'),
    ("ca_file number", content(_with(ca_file=1)), '"ca_file"'),
    ("ca_file list", content(_with(ca_file=["/etc/ssl/ca.pem"])), '"ca_file"'),
    ("ca_file true", content(_with(ca_file=True)), '"ca_file"'),
    ("auth number", content(_with(auth=1)), '"auth"'),
    ("auth null", content(_with(auth=None)), '"auth"'),
    ("allow_unencrypted_auth string", content(_with(allow_unencrypted_auth="true")), "allow_"),
    ("timeout string", content(_with(timeout="20")), '"timeout"'),
    ("timeout object", content(_with(timeout={"s": 20})), '"timeout"'),
    ("timeout bool", content(_with(timeout=False)), '"timeout"'),
    ("oauth list", content(_with(oauth=["microsoft"])), '"oauth"'),
    ("oauth string", content(_with(oauth="microsoft")), '"oauth"'),
    ("oauth number", content(_with(oauth=1)), '"oauth"'),
    ("oauth provider number", content(_with(oauth={"provider": 1, "client_id": "c"})), "oauth"),
    (
        "oauth client_id list",
        content(_with(oauth={"provider": "google", "client_id": ["c"]})),
        "oauth",
    ),
    (
        "oauth tenant object",
        content(_with(oauth={"provider": "microsoft", "client_id": "c", "tenant": {}})),
        "oauth",
    ),
    ("format list", content(_with(format=["crm-mail-gui-settings"])), '"format"'),
]
IDS = [case[0] for case in HOSTILE]
CASES = [case[1:] for case in HOSTILE]


def hostile_count() -> int:
    """How many hostile files the corpus holds (for the report)."""
    return len(HOSTILE)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


def run_cli(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config-dir", str(config), "--lang", "en", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("make", "word"), CASES, ids=IDS)
def test_load_sets_a_hostile_settings_file_aside(config: Path, make: Maker, word: str) -> None:
    path = config / CONFIG_NAME
    make(path)
    kind = os.lstat(path).st_mode
    result = Store(config).load()
    assert result.settings is None
    assert result.notice is not None and word in result.notice, result.notice
    assert str(path) in result.notice
    assert len(result.notice) < 500
    assert result.set_aside is not None and result.set_aside.name in result.notice
    assert os.lstat(result.set_aside).st_mode == kind  # moved as it was, never opened for writing
    assert not os.path.lexists(path)
    assert Store(config).load() == Store(config).load()  # next start: a clean first run


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("make", "word"), CASES, ids=IDS)
def test_read_export_refuses_a_hostile_file(tmp_path: Path, make: Maker, word: str) -> None:
    source = tmp_path / "import.json"
    make(source)
    with pytest.raises(ConfigError) as info:
        Store.read_export(source)
    message = str(info.value)
    assert word in message, message
    assert str(source) in message
    assert len(message) < 500


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("make", "word"), CASES, ids=IDS)
def test_cli_show_with_a_hostile_settings_file(
    config: Path, capsys: pytest.CaptureFixture[str], make: Maker, word: str
) -> None:
    make(config / CONFIG_NAME)
    code, out, err = run_cli(capsys, config, "show", "--json")
    assert code == EXIT_OTHER  # "not configured", as after any set-aside file
    assert out.strip() == "{}"
    assert word in err and "renamed to settings.json.corrupt-" in err


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("make", "word"), CASES, ids=IDS)
def test_cli_import_of_a_hostile_file_changes_nothing(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Maker, word: str
) -> None:
    existing = build_settings({**GOOD, "user": "hanako@example.jp"})
    Store(config).save(existing)
    before = (config / CONFIG_NAME).read_bytes()
    source = tmp_path / "import.json"
    make(source)
    code, _out, err = run_cli(capsys, config, "import", str(source))
    assert code == EXIT_INVALID
    assert word in err and str(source) in err
    assert (config / CONFIG_NAME).read_bytes() == before
    assert sorted(p.name for p in config.iterdir()) == [CONFIG_NAME]


def test_cli_import_of_dev_zero_itself(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(capsys, config, "import", "/dev/zero")
    assert code == EXIT_INVALID
    assert "/dev/zero: a device; only a regular file is read" in err
    assert not (config / CONFIG_NAME).exists()


# -- a BOM is fine -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [GOOD_TEXT, GOOD_TEXT.replace("taro", "太郎")])
def test_settings_file_with_a_utf8_bom_loads(config: Path, text: str) -> None:
    (config / CONFIG_NAME).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = Store(config).load()
    assert result.notice is None and result.set_aside is None
    assert result.settings is not None and result.settings.user == json.loads(text)["user"]


def test_import_file_with_a_utf8_bom(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notepad.json"
    source.write_bytes(b"\xef\xbb\xbf" + GOOD_TEXT.encode("utf-8"))
    code, out, _err = run_cli(capsys, config, "import", str(source))
    assert code == 0 and "Settings imported" in out
    loaded = Store(config).load().settings
    assert loaded is not None and loaded.server.canonical() == GOOD["server"]


def test_config_file_exactly_at_the_limit_is_read(config: Path) -> None:
    text = GOOD_TEXT + " " * (MAX_CONFIG_BYTES - len(GOOD_TEXT))
    (config / CONFIG_NAME).write_text(text, encoding="utf-8")
    assert Store(config).load().settings is not None


def test_long_integers_within_bounds_still_validate(config: Path) -> None:
    # a number the parser accepts but the field does not: the field's own message
    (config / CONFIG_NAME).write_bytes(_with(timeout=10**19))
    result = Store(config).load()
    assert result.settings is None and result.notice is not None and "timeout" in result.notice


@pytest.mark.parametrize("option", ["--user", "--ca-file", "--to"])
def test_cli_argument_that_is_not_text(
    config: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    # a non-UTF-8 byte on a POSIX command line arrives as a lone surrogate (surrogateescape)
    args = ["set", "--server", "ssl://smtp.example.jp:465", "--no-auth", "--from", "a@example.jp"]
    code, _out, err = run_cli(capsys, config, *args, option, "x\udcffy", "--no-test")
    assert code == EXIT_INVALID, err
    assert "control characters" in err
    assert not (config / CONFIG_NAME).exists()


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("make", "word"), CASES, ids=IDS)
def test_a_hostile_window_file_is_no_remembered_place(config: Path, make: Maker, word: str) -> None:
    """window.json is read as the settings are: bounded, strict, never an exception."""
    from crm_mail_gui.ui.window_geometry import read_geometry

    make(config / "window.json")
    assert read_geometry(config / "window.json") is None


def test_a_window_file_nested_past_the_recursion_limit_is_no_remembered_place(
    config: Path,
) -> None:
    from crm_mail_gui.ui.window_geometry import read_geometry

    (config / "window.json").write_text("[" * 100_000, encoding="ascii")
    assert read_geometry(config / "window.json") is None
