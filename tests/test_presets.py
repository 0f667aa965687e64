"""Tests for the provider presets in resources/providers.json and their loader."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crm_mail_gui.core.address import parse_server
from crm_mail_gui.core.presets import (
    FIELDS,
    Preset,
    PresetsError,
    load_presets,
    preset_by_id,
    preset_for_address,
    preset_for_server,
    stray_placeholder,
)
from crm_mail_gui.core.resources import resource_path

EXPECTED_IDS = [
    "gmail",
    "microsoft365",
    "outlook",
    "xserver",
    "sakura",
    "lolipop",
    "conoha",
    "onamae",
    "yahoo_jp",
    "icloud",
    "zoho_jp",
    "sendgrid",
    "ses_tokyo",
    "custom",
]


@pytest.fixture(scope="module")
def presets() -> list[Preset]:
    """The shipped presets."""
    return load_presets()


@pytest.fixture
def raw() -> dict:
    """The shipped JSON, decoded, for tests that break it."""
    return json.loads(resource_path("providers.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: object) -> Path:
    """Write `data` as a presets file and return its path."""
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_file_loads_in_order(presets: list[Preset]) -> None:
    assert [p.id for p in presets] == EXPECTED_IDS


def test_ids_unique_and_custom_last(presets: list[Preset]) -> None:
    ids = [p.id for p in presets]
    assert len(ids) == len(set(ids))
    assert ids[-1] == "custom"
    custom = presets[-1]
    assert custom.server == ""
    assert custom.auth is True
    assert custom.placeholder is None


@pytest.mark.parametrize("field", ["name", "user_hint", "guidance"])
def test_every_preset_has_both_languages(presets: list[Preset], field: str) -> None:
    for preset in presets:
        for lang in ("ja", "en"):
            assert getattr(preset, field)[lang].strip(), (preset.id, field, lang)
            assert preset.text(field, lang) == getattr(preset, field)[lang]


def test_text_falls_back_to_english(presets: list[Preset]) -> None:
    gmail = presets[0]
    assert gmail.text("guidance", "fr") == gmail.guidance["en"]
    assert gmail.text("guidance", "ja_JP") == gmail.guidance["ja"]
    with pytest.raises(ValueError):
        gmail.text("server", "en")


def test_main_servers_exact() -> None:
    assert preset_by_id("gmail").server == "ssl://smtp.gmail.com:465"
    assert "tls://smtp.gmail.com:587" in preset_by_id("gmail").alternatives
    assert preset_by_id("microsoft365").server == "tls://smtp.office365.com:587"
    assert preset_by_id("nope") is None


def test_placeholders_occur_in_servers(presets: list[Preset]) -> None:
    with_placeholder = {p.id: p.placeholder for p in presets if p.placeholder}
    assert with_placeholder == {
        "xserver": "svNNNN",
        "sakura": "INITIAL-DOMAIN",
        "conoha": "mailNN",
        "onamae": "YOUR-DOMAIN",
    }
    for preset in presets:
        if preset.placeholder:
            assert preset.placeholder in preset.server
            assert preset.has_placeholder(parse_server(preset.server).canonical())
            assert not preset.has_placeholder(preset.server.replace(preset.placeholder, "x1"))


def test_every_server_parses(presets: list[Preset]) -> None:
    for preset in presets:
        for server in preset.servers:
            parse_server(server)


def test_flags(presets: list[Preset]) -> None:
    by_id = {p.id: p for p in presets}
    assert {p.id for p in presets if p.oauth2} == {"gmail", "microsoft365", "outlook"}
    assert {p.id for p in presets if not p.verified} == {"sakura", "lolipop", "conoha"}
    assert by_id["sendgrid"].username_fixed == "apikey"
    assert all(p.source.strip() for p in presets)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("taro@GMAIL.com", "gmail"),
        ("Taro <taro@googlemail.com>", "gmail"),
        ("hanako@hotmail.co.jp", "outlook"),
        ("a@b@me.com", "icloud"),
        ("taro@yahoo.co.jp", "yahoo_jp"),
        ("taro＠ｇｍａｉｌ．ｃｏｍ", "gmail"),
        ("a@yourcompany.co.jp", None),
        ("gmail.com", None),
        ("", None),
    ],
)
def test_preset_for_address(address: str, expected: str | None) -> None:
    found = preset_for_address(address)
    assert (found.id if found else None) == expected


def test_default_load_is_cached() -> None:
    first, second = load_presets(), load_presets()
    assert first == second
    assert first is not second
    assert all(a is b for a, b in zip(first, second, strict=True))


def test_explicit_path_loads(tmp_path: Path, raw: dict) -> None:
    assert [p.id for p in load_presets(write(tmp_path, raw))] == EXPECTED_IDS


@pytest.mark.parametrize("field", FIELDS)
def test_missing_field_names_entry_and_field(tmp_path: Path, raw: dict, field: str) -> None:
    del raw["presets"][1][field]
    with pytest.raises(PresetsError, match=rf"preset #2.*'{field}'"):
        load_presets(write(tmp_path, raw))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("auth", "yes", "'auth' must be true or false"),
        ("server", "ssl://smtp gmail.com:465", "'server'.*does not parse"),
        ("server", "ssl://smtp.gmail.com:587", "'server'.*suspicious"),
        ("alternatives", ["smtp.gmail.com:99999"], "'alternatives'.*does not parse"),
        ("placeholder", "NOT-THERE", "'placeholder'.*does not occur"),
        ("placeholder", "sv NNNN", "'placeholder' may use only"),
        ("name", {"ja": "", "en": "Gmail"}, "'name' needs a non-empty 'ja'"),
        ("domains", ["Gmail.com"], "'domains'"),
        ("id", "microsoft365", "duplicate id"),
        ("server", "", "'server' must not be empty"),
    ],
)
def test_wrong_values(tmp_path: Path, raw: dict, field: str, value: object, message: str) -> None:
    raw["presets"][0][field] = value
    with pytest.raises(PresetsError, match=message):
        load_presets(write(tmp_path, raw))


def test_broken_files(tmp_path: Path, raw: dict) -> None:
    path = tmp_path / "providers.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PresetsError, match="not valid JSON"):
        load_presets(path)
    with pytest.raises(PresetsError, match="cannot read"):
        load_presets(tmp_path / "missing.json")
    raw["version"] = 2
    with pytest.raises(PresetsError, match="version"):
        load_presets(write(tmp_path, raw))
    raw["version"] = 1
    raw["presets"][0]["extra"] = 1
    with pytest.raises(PresetsError, match="unknown field"):
        load_presets(write(tmp_path, raw))


def test_core_presets_do_not_import_qt() -> None:
    code = "import sys, crm_mail_gui.core.presets; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False, timeout=30).returncode == 0


# --------------------------------------------------------------------------- issue 13


@pytest.mark.parametrize(
    ("server", "current", "expected"),
    [
        ("ssl://smtp.gmail.com:465", None, "gmail"),
        ("ｓｍｔｐ．ｇｍａｉｌ．ｃｏｍ", None, "gmail"),  # full width, as an IME types it
        ("ssl://sv1234.xserver.jp:465", None, "xserver"),
        ("ssl://svNNNN.xserver.jp:465", None, "xserver"),
        ("tls://example.sakura.ne.jp:587", None, "sakura"),
        ("ssl://smtp.example.co.jp:465", "onamae", "onamae"),  # fits the chosen preset
        ("ssl://smtp.example.co.jp:465", None, None),  # but does not claim every smtp.* host
        ("ssl://s", "gmail", None),
        ("", "gmail", "gmail"),  # nothing typed yet: the choice stays
        ("ssl://.xserver.jp:465", None, None),
        ("[::1]:2525", None, None),
    ],
)
def test_preset_for_server(server: str, current: str | None, expected: str | None) -> None:
    found = preset_for_server(server, current=preset_by_id(current) if current else None)
    assert (found.id if found else None) == expected


def test_stray_placeholder() -> None:
    assert stray_placeholder("ssl://svNNNN.xserver.jp:4650") == "svNNNN"
    assert stray_placeholder("ssl://smtp.example.com:465") is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://support.google.com/accounts/answer/185833", "https://"),
        ("https://user@evil.example/", "characters"),
        ("https://support.google.com:8443/x", "no port"),
        ("https:///path", "name a host"),
        ("https://support.google.com/a b", "characters"),
        ("https://support.google.com/\x1b[2J", "characters"),
        ("javascript:alert(1)", "https://"),
    ],
)
def test_links_must_be_plain_https(tmp_path: Path, raw: dict, url: str, message: str) -> None:
    raw["presets"][0]["links"] = [{"title": {"ja": "ヘルプ", "en": "Help"}, "url": url}]
    with pytest.raises(PresetsError, match=rf"'links' #1.*{re.escape(message)}"):
        load_presets(write(tmp_path, raw))


def test_links_need_both_titles(tmp_path: Path, raw: dict) -> None:
    raw["presets"][0]["links"] = [{"title": {"en": "Help"}, "url": "https://example.com/"}]
    with pytest.raises(PresetsError, match="'title' needs a non-empty 'ja'"):
        load_presets(write(tmp_path, raw))
    raw["presets"][0]["links"] = [{"url": "https://example.com/"}]
    with pytest.raises(PresetsError, match="exactly 'title' and 'url'"):
        load_presets(write(tmp_path, raw))


def test_links_are_https_pages_of_the_cited_sources(presets: list[Preset]) -> None:
    """Every link is one of the provider's own pages that PROVIDERS.md's sources name."""
    hosts = {
        "gmail": {"support.google.com"},
        "microsoft365": {"learn.microsoft.com"},
        "outlook": {"learn.microsoft.com"},
        "xserver": {"www.xserver.ne.jp"},
        "onamae": {"help.onamae.com"},
        "sendgrid": {"www.twilio.com"},
        "ses_tokyo": {"docs.aws.amazon.com"},
    }
    for preset in presets:
        found = {link.url.split("/")[2] for link in preset.links}
        assert found == hosts.get(preset.id, set()), preset.id


def test_the_user_name_a_preset_fills_for_an_address(presets: list[Preset]) -> None:
    """Detection fills the address only where the preset says the user name is the address."""
    by_id = {p.id: p for p in presets}
    assert by_id["gmail"].username_for("taro@gmail.com") == "taro@gmail.com"
    assert by_id["sendgrid"].username_for("taro@example.jp") == "apikey"
    assert by_id["yahoo_jp"].username_for("taro@yahoo.co.jp") is None  # the Yahoo ID: typed
    assert by_id["ses_tokyo"].username_for("taro@example.jp") is None


def test_a_fixed_user_name_is_not_the_address(tmp_path: Path, raw: dict) -> None:
    sendgrid = next(p for p in raw["presets"] if p["id"] == "sendgrid")
    sendgrid["username_is_address"] = True
    with pytest.raises(PresetsError, match="'username_is_address' must be false"):
        load_presets(write(tmp_path, raw))
