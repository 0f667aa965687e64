"""Japanese wording (issue 13): サーバー written one way, no italics, no promise of delivery."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_mail_gui.core import messages
from crm_mail_gui.core.resources import resource_path

ROOT = Path(__file__).resolve().parents[1]
TS_FILE = ROOT / "resources" / "translations" / "crm_mail_gui_ja.ts"

# The CRM's own label (サーバ名, see /work/shared/seed/) stays as the CRM writes it; so does a
# provider's product name.
KEPT = ("サーバ名", "さくらのレンタルサーバ")
SHORT_FORM = re.compile(r"サーバ(?!ー)")


def japanese_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every Japanese text: .ts translations, the catalogue, the providers."""
    for message in ET.parse(TS_FILE).getroot().iter("message"):
        source = message.findtext("source") or ""
        yield f"ts: {source[:40]!r}", message.findtext("translation") or ""
    for key in messages.all_keys():
        yield f"catalogue: {key}", messages.entry(key)["ja"]
    oauth = json.loads(resource_path("oauth_providers.json").read_text(encoding="utf-8"))
    for provider in oauth["providers"]:
        yield f"oauth_providers.json: {provider['id']}.name", provider["name"]["ja"]
    data = json.loads(resource_path("providers.json").read_text(encoding="utf-8"))
    for preset in data["presets"]:
        for field in ("name", "user_hint", "guidance"):
            yield f"providers.json: {preset['id']}.{field}", preset[field]["ja"]
        for number, link in enumerate(preset["links"], start=1):
            yield f"providers.json: {preset['id']}.links#{number}", link["title"]["ja"]


def short_forms(text: str) -> list[str]:
    """The places where サーバ is written without the long vowel, the kept labels aside."""
    for kept in KEPT:
        text = text.replace(kept, "")
    return [text[max(0, m.start() - 8) : m.end() + 8] for m in SHORT_FORM.finditer(text)]


def test_short_form_finder() -> None:
    assert short_forms("サーバの応答") == ["サーバの応答"]
    assert short_forms("サーバーの応答、サーバ名、さくらのレンタルサーバ") == []


def test_server_is_written_one_way_in_every_japanese_text() -> None:
    texts = list(japanese_texts())
    assert len(texts) > 300  # every source was read
    found = [f"{where}: …{hit}…" for where, text in texts for hit in short_forms(text)]
    assert found == [], "\n".join(found)


def test_the_crm_labels_stay_as_the_crm_writes_them() -> None:
    translations = {
        message.findtext("source"): message.findtext("translation")
        for message in ET.parse(TS_FILE).getroot().iter("message")
    }
    assert translations["Se&rver name:"].startswith("サーバ名")
    assert translations["Outgoing mail server (SMTP)"].startswith("送信メールサーバー")


@pytest.mark.parametrize("marker", ["<i>", "&lt;i&gt;", "italic", "<em>", "&lt;em&gt;"])
def test_no_italics_in_japanese_text(marker: str) -> None:
    found = [where for where, text in japanese_texts() if marker in text]
    assert found == []


def test_no_promise_of_delivery() -> None:
    """A test mail proves the server accepted it for delivery, not that it arrived."""
    texts = list(japanese_texts())
    assert [where for where, text in texts if "本当に届く" in text] == []
    subtitle = next(text for where, text in texts if "CRM が自動送信する" in text)
    assert "受け付けた" in subtitle
