"""Presets that follow the server field, one calm instruction, provider help links (issue 13)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gui_support import child
from gui_window import choose_preset, fill, full_width, type_keys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.presets import load_presets, preset_by_id
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]


def leave(qtbot: QtBot, window: MainWindow, editor: QWidget) -> None:
    """Move the focus on from `editor` (as Tab does), with the window active."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    child(
        window, "testRecipientEdit" if editor.objectName() != "testRecipientEdit" else "fromEdit"
    ).setFocus()
    qtbot.waitUntil(lambda: not editor.hasFocus(), timeout=2000)


def server_message(window: MainWindow) -> str:
    """The text under the server field ("" when none is shown)."""
    label = window.findChild(QLabel, "serverEditMessage")
    return label.text() if label is not None and label.isVisible() else ""


def test_xserver_says_it_once_and_calmly_until_the_field_is_left(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    server = child(window, "serverEdit", QLineEdit)
    choose_preset(window, "xserver")
    assert server.text() == "ssl://svNNNN.xserver.jp:465"
    assert server.selectedText() == "svNNNN"
    # nothing red before anything was typed, and the instruction appears once in the window
    assert server.property("state") in ("", None)
    assert server_message(window) == ""
    texts = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    assert sum(text.count("svNNNN") for text in texts) == 1, texts
    assert not child(window, "saveButton", QPushButton).isEnabled()

    leave(qtbot, window, server)  # moved on with the placeholder still there: now it is marked
    assert server.property("state") == "error"
    assert "svNNNN" in server_message(window)

    server.setFocus()
    server.setSelection(6, 6)
    type_keys(server, "sv1234")
    assert server.text() == "ssl://sv1234.xserver.jp:465"
    assert server.property("state") in ("", None) and server_message(window) == ""
    assert child(window, "presetCombo", QComboBox).currentData() == "xserver"


def test_another_placeholder_preset_starts_calm_again(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    server = child(window, "serverEdit", QLineEdit)
    choose_preset(window, "xserver")
    leave(qtbot, window, server)  # e.g. to the provider box
    assert "svNNNN" in server_message(window)
    choose_preset(window, "sakura")
    assert server.text() == "tls://INITIAL-DOMAIN.sakura.ne.jp:587"
    assert server_message(window) == "" and server.property("state") in ("", None)


def test_enter_with_the_placeholder_marks_the_field(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """Save asked for (Enter in a field) shows the problem at once."""
    window = make_window("en")
    fill(window, "", user="info@example.jp", from_addr="info@example.jp", to="")
    choose_preset(window, "xserver")
    assert server_message(window) == ""
    window.form.reveal_errors()
    assert "svNNNN" in server_message(window)


def test_typing_a_host_not_the_presets_switches_to_custom(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    combo = child(window, "presetCombo", QComboBox)
    guidance = child(window, "guidancePanel", QLabel)
    server = child(window, "serverEdit", QLineEdit)
    choose_preset(window, "gmail")
    assert guidance.isVisible() and "アプリパスワード" in guidance.text()
    server.selectAll()
    type_keys(server, "ssl://mail.example.co.jp:465")
    assert combo.currentData() == "custom"
    assert combo.currentText() == "カスタム"
    assert not guidance.isVisible()

    # a host that belongs to a preset selects it, typed in full width too
    server.selectAll()
    type_keys(server, full_width("tls://smtp.office365.com:587"))
    assert combo.currentData() == "microsoft365"
    assert guidance.isVisible() and "SMTP AUTH" in guidance.text()
    # the preset's other server names and ports keep it
    server.selectAll()
    type_keys(server, "smtp.office365.com:25")
    assert combo.currentData() == "microsoft365"
    server.selectAll()
    type_keys(server, "sv42.xserver.jp")
    assert combo.currentData() == "xserver"


def test_back_to_custom_leaves_no_silent_placeholder(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    fill(window, "", user="info@example.jp", from_addr="info@example.jp", to="")
    server = child(window, "serverEdit", QLineEdit)
    save = child(window, "saveButton", QPushButton)
    choose_preset(window, "xserver")
    choose_preset(window, "custom")  # the preset's own server name goes with the preset
    assert server.text() == ""
    assert not save.isEnabled()

    # a placeholder the user kept (the port changed) is named under Custom too
    choose_preset(window, "xserver")
    server.setText("ssl://svNNNN.xserver.jp:4650")
    choose_preset(window, "custom")
    assert server.text() == "ssl://svNNNN.xserver.jp:4650"
    leave(qtbot, window, server)
    assert "svNNNN" in server_message(window)
    assert not save.isEnabled()


def test_stored_host_of_a_placeholder_preset_shows_that_preset(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("en")
    window.form.set_server("ssl://sv9876.xserver.jp:465")
    assert child(window, "presetCombo", QComboBox).currentData() == "xserver"
    window.form.picker.select_for("tls://smtp.mail.me.com:587")
    assert child(window, "presetCombo", QComboBox).currentData() == "icloud"
    window.form.picker.select_for("smtp.example.com")
    assert child(window, "presetCombo", QComboBox).currentData() == "custom"


@pytest.mark.parametrize(
    ("preset_id", "expected"),
    [
        ("gmail", "https://support.google.com/accounts/answer/185833"),
        (
            "microsoft365",
            "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/"
            "authenticated-client-smtp-submission",
        ),
        ("xserver", "https://www.xserver.ne.jp/manual/man_mail_setting.php"),
    ],
)
def test_provider_notes_link_to_the_providers_help(
    qtbot: QtBot, make_window: Callable[..., MainWindow], preset_id: str, expected: str
) -> None:
    opened: list[str] = []
    window = make_window("ja", open_url=opened.append)
    choose_preset(window, preset_id)
    guidance = child(window, "guidancePanel", QLabel)
    assert f'href="{expected}"' in guidance.text()
    assert guidance.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByMouse
    assert not guidance.openExternalLinks()  # through the window's seam, not Qt's
    guidance.linkActivated.emit(expected)
    assert opened == [expected]
    guidance.linkActivated.emit("https://evil.example/")  # not one of the preset's links
    assert opened == [expected]


def test_microsoft_notes_link_smtp_auth_and_entra_registration() -> None:
    preset = preset_by_id("microsoft365")
    assert preset is not None
    urls = [link.url for link in preset.links]
    assert any("authenticated-client-smtp-submission" in url for url in urls)
    assert any("by-using-oauth" in url for url in urls)  # registering the app in Entra
    for candidate in load_presets():
        for link in candidate.links:
            assert link.url.startswith("https://")
            assert link.text("ja") and link.text("en")


def test_no_italics_in_the_notes(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("ja")
    guidance = child(window, "guidancePanel", QLabel)
    for preset in load_presets():
        choose_preset(window, preset.id)
        assert "<i>" not in guidance.text() and "italic" not in guidance.text()


# --------------------------------------------------------------------------- full width


@pytest.mark.parametrize(
    ("name", "typed", "shown"),
    [
        (
            "serverEdit",
            "ｓｓｌ：／／ｓｍｔｐ．ｅｘａｍｐｌｅ．ｃｏｍ：４６５",
            "ssl://smtp.example.com:465",
        ),
        ("userEdit", "ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "alice@example.com"),
        ("fromEdit", "ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "alice@example.com"),
        ("testRecipientEdit", "ｂｏｂ＠ｅｘａｍｐｌｅ．ｏｒｇ　", "bob@example.org"),
    ],
)
def test_full_width_input_is_shown_as_stored_when_the_field_is_left(
    qtbot: QtBot, make_window: Callable[..., MainWindow], name: str, typed: str, shown: str
) -> None:
    """Typed as a Japanese IME in full-width mode does (real key events: qtbot.keyClicks maps
    characters through Latin-1, see gui_window.type_keys), then Tab away."""
    window = make_window("ja")
    editor = child(window, name, QLineEdit)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    type_keys(editor, typed)
    assert editor.text() == typed  # left alone while typing
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not editor.hasFocus(), timeout=2000)
    assert editor.text() == shown


def test_the_password_is_never_folded(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("ja")
    password = child(window, "passwordEdit", QLineEdit)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    password.setFocus()
    qtbot.waitUntil(password.hasFocus, timeout=2000)
    type_keys(password, "ｐａｓｓ１ ")
    qtbot.keyClick(password, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not password.hasFocus(), timeout=2000)
    assert password.text() == "ｐａｓｓ１ "


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ja", "「gmail.com」は Gmail / Google Workspace のアドレスです。"),
        ("en", "“gmail.com” is a Gmail / Google Workspace address."),
    ],
)
def test_the_offer_names_the_domain_that_matched_the_preset(
    make_window: Callable[..., MainWindow], lang: str, expected: str
) -> None:
    """User on a domain no preset knows, From on gmail.com: the offer speaks of gmail.com."""
    window = make_window(lang)
    child(window, "userEdit", QLineEdit).setText("taro@b.onmicrosoft.com")
    child(window, "fromEdit", QLineEdit).setText("hanako@gmail.com")
    offer = child(window, "presetOffer")
    text = offer.findChild(QLabel).text()
    assert offer.isVisible() and text.startswith(expected), text
    assert "onmicrosoft" not in text
