"""`set --preset ID` for every id `presets` lists, and the `presets` table lined up in ja and en."""

from __future__ import annotations

import json
import re

import pytest
from cli_support import PASSWORD, USER, Cli
from fakes.smtp_servers import HOST, AioSMTPServer, TestCerts

from crm_mail_gui.core import display_width
from crm_mail_gui.core.presets import load_presets, preset_by_id

pytestmark = pytest.mark.e2e
PRESET_IDS = [preset.id for preset in load_presets()]


def stored(cli: Cli) -> dict[str, object]:
    return json.loads(cli.config_file.read_text(encoding="utf-8"))


def test_the_listed_ids_are_the_presets(cli: Cli) -> None:
    assert cli("presets", "--json") == 0
    assert [row["id"] for row in json.loads(cli.out)] == PRESET_IDS
    assert len(PRESET_IDS) >= 14


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_set_preset_for_every_listed_id(cli: Cli, preset_id: str) -> None:
    """A preset gives the server name and authentication; one with a placeholder asks for it."""
    preset = preset_by_id(preset_id)
    assert preset is not None
    args = ["set", "--preset", preset_id, "--from", USER, "--no-test"]
    if preset.username_fixed is None:
        args += ["--user", USER]
    code = cli(*args, password=PASSWORD)
    if preset.placeholder:
        assert code == 2
        assert f"“{preset.placeholder}”" in cli.err and f"--server {preset.server}" in cli.err
        assert not cli.config_file.exists()
        own = preset.server.replace(preset.placeholder, "example1")
        assert cli(*args, "--server", own, password=PASSWORD) == 0, cli.err
        assert stored(cli)["server"] == own
    elif not preset.server:  # custom
        assert code == 2
        assert "--server" in cli.err and not cli.config_file.exists()
        assert cli(*args, "--server", "tls://mail.example.jp:587", password=PASSWORD) == 0
        assert stored(cli)["server"] == "tls://mail.example.jp:587"
    else:
        assert code == 0, cli.err
        assert stored(cli)["server"] == preset.server
    assert stored(cli)["auth"] is preset.auth
    assert stored(cli)["user"] == (preset.username_fixed or USER)


def test_an_option_wins_over_the_preset(cli: Cli) -> None:
    args = ["set", "--preset", "sendgrid", "--user", USER, "--from", USER, "--no-test"]
    assert cli(*args, password=PASSWORD) == 0
    assert stored(cli)["user"] == USER  # not SendGrid's "apikey"
    assert stored(cli)["server"] == "tls://smtp.sendgrid.net:587"


def test_an_unknown_preset_says_where_the_ids_are(cli: Cli) -> None:
    assert cli("set", "--preset", "gmial", "--user", USER, "--from", USER) == 2
    assert "gmial" in cli.err and "crm-mail-gui presets" in cli.err
    assert cli("set", "--preset", "gmial", "--user", USER, lang="ja") == 2
    assert "プリセット「gmial」はありません" in cli.err
    assert not cli.config_file.exists()


def test_a_placeholder_preset_in_japanese(cli: Cli) -> None:
    assert cli("set", "--preset", "xserver", "--user", USER, "--from", USER, lang="ja") == 2
    assert "「svNNNN」は契約ごとに違う部分です" in cli.err
    assert "--server ssl://svNNNN.xserver.jp:465" in cli.err


def test_set_preset_with_its_server_replaced_tests_and_stores(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    server = f"ssl://{HOST}:{ssl_server.port}"
    args = ["set", "--preset", "xserver", "--server", server, "--user", USER, "--from", USER]
    assert cli(*args, "--ca-file", certs.ca_file, password=PASSWORD) == 0, cli.err
    assert len(ssl_server.messages) == 1
    assert stored(cli)["server"] == server and stored(cli)["auth"] is True


def column_starts(line: str) -> list[int]:
    """The display column where each cell starts (cells are separated by 2+ spaces)."""
    starts: list[int] = []
    column = 0
    for index, char in enumerate(line):
        if char != " " and (index == 0 or line[index - 2 : index] == "  "):
            starts.append(column)
        column += display_width.char_width(char)
    return starts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_presets_table_columns_line_up(cli: Cli, lang: str) -> None:
    """Widths from the data, by display width: ses_tokyo's long server name overflows nothing."""
    assert cli("presets", lang=lang) == 0
    lines = cli.out.splitlines()
    assert len(lines) == len(PRESET_IDS) + 1  # a header and one row per preset
    header = column_starts(lines[0])
    assert len(header) == 3
    for line, preset_id in zip(lines[1:], PRESET_IDS, strict=True):
        assert line.startswith(f"{preset_id} ")
        assert column_starts(line) == header, line
    ses = next(line for line in lines if line.startswith("ses_tokyo"))
    assert ses.endswith("tls://email-smtp.ap-northeast-1.amazonaws.com:587")
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line) for line in lines) or lang == "en"
