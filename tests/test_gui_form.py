"""The form: presets with their notes and offer, live validation, the advanced panel, layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fakes.smtp_servers import TestCerts
from gui_support import (
    child,
    shown,
)
from gui_window import (
    PASSWORD,
    USER,
    choose_preset,
    fill,
    next_tab_stop,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import MainWindow
from crm_mail_gui.ui.fields import NoteLabel

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin (headless runs) says this when a shown dialog's minimum
    # size changes; real platforms implement it. Every other Qt warning still fails a test.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]


def test_preset_switching_keeps_user_input(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    user = child(window, "userEdit", QLineEdit)
    password = child(window, "passwordEdit", QLineEdit)
    from_edit = child(window, "fromEdit", QLineEdit)
    server = child(window, "serverEdit", QLineEdit)
    assert not child(window, "guidancePanel", QLabel).isVisible()  # Custom: no notes yet
    qtbot.keyClicks(user, "taro@example.co.jp")
    qtbot.keyClicks(password, "app-pass-1234")
    qtbot.keyClicks(from_edit, "noreply@example.co.jp")

    choose_preset(window, "gmail")
    assert server.text() == "ssl://smtp.gmail.com:465"
    guidance = child(window, "guidancePanel", QLabel)
    assert guidance.isVisible() and "アプリパスワード" in guidance.text()
    assert child(window, "authCheck", QCheckBox).isChecked()

    choose_preset(window, "microsoft365")
    assert server.text() == "tls://smtp.office365.com:587"
    assert "アプリパスワード" not in guidance.text()
    assert user.text() == "taro@example.co.jp"
    assert password.text() == "app-pass-1234"
    assert from_edit.text() == "noreply@example.co.jp"
    # Microsoft 365 defaults to OAuth2 (basic authentication is being switched off): Save waits
    # for a sign-in; going back to the password method uses the password typed earlier.
    method = child(window, "authMethodCombo", QComboBox)
    assert method.currentData() == "oauth2"
    assert child(window, "oauthPanel", QWidget).isVisible()
    assert not child(window, "saveButton", QPushButton).isEnabled()
    window.form.set_auth_method("password")
    assert child(window, "saveButton", QPushButton).isEnabled()


def test_a_known_address_domain_offers_its_preset(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """An offer, not a change: Use it applies the preset, × dismisses it for good."""
    window = make_window("en")
    assert not child(window, "presetOffer").isVisible()  # nothing offered yet
    qtbot.keyClicks(child(window, "userEdit", QLineEdit), "taro@gmail.com")
    offer = child(window, "presetOffer")
    assert offer.isVisible() and "Gmail" in offer.findChild(QLabel).text()
    assert child(window, "presetCombo", QComboBox).currentData() == "custom"  # not forced
    assert next_tab_stop(child(window, "presetCombo")) is child(window, "presetOfferApply")

    qtbot.mouseClick(child(window, "presetOfferApply", QPushButton), Qt.MouseButton.LeftButton)
    assert child(window, "presetCombo", QComboBox).currentData() == "gmail"
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://smtp.gmail.com:465"
    assert not offer.isVisible()

    child(window, "userEdit", QLineEdit).setText("hanako@outlook.jp")
    assert offer.isVisible() and "Outlook" in offer.findChild(QLabel).text()
    close = next(b for b in offer.findChildren(QAbstractButton) if b.text() == "×")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not offer.isVisible()
    child(window, "userEdit", QLineEdit).setText("hanako@hotmail.com")  # same preset: dismissed
    assert not offer.isVisible()
    assert child(window, "presetCombo", QComboBox).currentData() == "gmail"


def test_preset_placeholder_is_selected_and_blocks_save(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    fill(window, "", user="info@example.jp", from_addr="info@example.jp", to="")
    server = child(window, "serverEdit", QLineEdit)
    save = child(window, "saveButton", QPushButton)

    choose_preset(window, "xserver")
    assert server.text() == "ssl://svNNNN.xserver.jp:465"
    assert server.selectedText() == "svNNNN"
    assert not save.isEnabled()
    # calm until the user moves on (the provider's notes say it once): issue 13
    assert window.findChild(QLabel, "serverEditMessage") is None
    window.form.reveal_errors()  # as Enter (Save asked for) does
    message = child(window, "serverEditMessage", QLabel)
    assert message.isVisible() and "svNNNN" in message.text()

    qtbot.keyClicks(server, "sv1234")  # typing replaces the selected placeholder
    assert server.text() == "ssl://sv1234.xserver.jp:465"
    assert save.isEnabled()
    assert not message.isVisible()

    # Back to the placeholder, then "Custom": the preset's server name goes with the preset
    # (issue 13: no silent svNNNN), and Save agrees at once.
    choose_preset(window, "xserver")
    assert not save.isEnabled() and not message.isVisible()  # calm again until left
    choose_preset(window, "custom")
    assert server.text() == "" and not message.isVisible()
    assert not save.isEnabled()
    assert save.isEnabled() == window.form.validate()


# --------------------------------------------------------------------------- 6. full width


def test_live_validation_messages_and_fix_button(
    qtbot: QtBot, make_window: Callable[..., MainWindow], certs: TestCerts
) -> None:
    window = make_window("ja")
    fill(window, "ssl://smtp.example.com:465", certs)
    save = child(window, "saveButton", QPushButton)
    assert save.isEnabled()

    from_edit = child(window, "fromEdit", QLineEdit)
    from_edit.clear()
    qtbot.keyClicks(from_edit, "Evil <a@b>")
    from_message = child(window, "fromEditMessage", QLabel)
    assert from_message.isVisible()
    assert (
        from_message.text() == "メールアドレスだけを入力してください(表示名や < > は使えません)。"
    )
    assert from_edit.property("state") == "error"
    assert not save.isEnabled()
    assert "表示名" in save.toolTip()
    from_edit.setText(USER)
    assert not from_message.isVisible() and save.isEnabled()

    server = child(window, "serverEdit", QLineEdit)
    server.setText("ssl://smtp.example.com:70000")
    server_message = child(window, "serverEditMessage", QLabel)
    assert server_message.isVisible()
    assert server_message.text() == "ポート番号 70000 は範囲外です(1〜65535)。"
    assert server.property("state") == "error"
    assert not save.isEnabled()

    server.setText("tls://smtp.example.com:465")
    assert server.property("state") == "warning"
    assert "ssl://" in server_message.text()
    assert save.isEnabled()  # a warning, not an error
    fix = child(window, "serverEditFixButton", QPushButton)
    assert fix.isVisible() and "ssl://smtp.example.com:465" in fix.text()
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert server.text() == "ssl://smtp.example.com:465"
    assert not fix.isVisible() and not server_message.isVisible()
    assert server.property("state") == ""


def test_live_validation_in_english(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("en")
    server = child(window, "serverEdit", QLineEdit)
    qtbot.keyClicks(server, "ssl://smtp.example.com:70000")
    assert child(window, "serverEditMessage", QLabel).text() == (
        "Port 70000 is out of range (1 to 65535)."
    )
    assert not child(window, "saveButton", QPushButton).isEnabled()


# --------------------------------------------------------------------------- 8. languages


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_wrapped_labels_get_the_height_their_width_needs(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str
) -> None:
    """No wrapped text is clipped or padded, at the smallest window size and at a wide one."""
    window = make_window(lang)
    window.form.apply_preset("microsoft365")  # the guidance panel and the OAuth2 panel too
    qtbot.waitUntil(lambda: child(window, "storeNote", QLabel).isVisible(), timeout=3000)
    for width in (window.minimumWidth(), 1100):
        window.resize(width, 800)
        qtbot.wait(50)  # the layouts settle on the next event-loop turns
        labels = [
            label
            for label in window.findChildren(QLabel)
            if label.wordWrap() and label.isVisible() and label.text()
        ]
        assert {"windowSubtitle", "storeNote"} <= {label.objectName() for label in labels}
        for label in labels:
            needed = label.heightForWidth(label.width())
            assert label.height() == needed, (width, label.objectName(), label.text()[:30])


def test_note_label_measures_once_per_width_text_and_font(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NoteLabel keeps its heights per width (start-up rule 11), for its current text and font."""
    label, plain = NoteLabel("word " * 40), QLabel("word " * 40)  # plain: Qt's answer, not kept
    plain.setWordWrap(True)
    for widget in (label, plain):
        qtbot.addWidget(widget)
    measured: list[int] = []
    qt_height_for_width = QLabel.heightForWidth

    def counting(self: QLabel, width: int) -> int:
        if self is label:
            measured.append(width)
        return qt_height_for_width(self, width)

    monkeypatch.setattr(QLabel, "heightForWidth", counting)
    heights = []
    for change in (
        lambda widget: None,
        lambda widget: widget.setText("word " * 80),  # twice the text: more lines
        lambda widget: widget.setStyleSheet("font-size: 30px;"),  # a bigger font: more lines
    ):
        for widget in (label, plain):
            change(widget)
            widget.ensurePolished()  # a style sheet's font applies from polish on
        for _ in range(3):  # a layout pass asks again and again
            assert label.heightForWidth(200) == plain.heightForWidth(200)
        heights.append(label.heightForWidth(200))
    assert heights[0] < heights[1] < heights[2]  # each change needed a new measurement
    assert measured == [200, 200, 200]  # and only one per width, text and font


def test_advanced_panel_is_built_when_opened_and_keeps_stored_values(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    """Closed, the panel does not exist yet; a stored timeout survives until it is opened."""
    settings = build_settings(
        {"server": "ssl://smtp.example.com:465", "user": USER, "from": USER, "timeout": 7}
    )
    Store(config_dir).save(settings, PASSWORD)
    window = make_window("en")
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    assert not shown(window, "advancedPanel")  # no CA file: stays closed (not built)
    assert window.form.settings().timeout == 7 and not window.form.is_dirty()

    qtbot.mouseClick(child(window, "advancedButton", QAbstractButton), Qt.MouseButton.LeftButton)
    panel = child(window, "advancedPanel")
    qtbot.waitUntil(panel.isVisible, timeout=1000)
    assert child(window, "timeoutSpin", QSpinBox).value() == 7
    # what "per step" means: one answer; the upload only fails without progress (issue 11, 9)
    assert "without any progress" in child(window, "timeoutSpin", QSpinBox).toolTip()
    assert not window.form.is_dirty()
    expected = [
        "advancedButton",
        "timeoutSpin",
        "caFileEdit",
        "caBrowseButton",
        "oauthAuthorityEdit",
        "backButton",
    ]
    chain, widget = [], child(window, "advancedButton")
    while len(chain) < len(expected):  # Tab from the button walks the panel, then the buttons
        if widget.objectName() in expected and widget.objectName() not in chain:
            chain.append(widget.objectName())
        elif widget.objectName() in ("saveButton", "checkButton", "presetCombo"):
            break  # walked past the panel
        widget = widget.nextInFocusChain()
    assert chain == expected
    child(window, "timeoutSpin", QSpinBox).setValue(9)
    assert window.form.settings().timeout == 9 and window.form.is_dirty()


def test_tab_order_follows_the_layout(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    """Tab walks the fields top to bottom, the OAuth2 panel (built later) in its place."""
    window = make_window("en")
    window.form.apply_preset("microsoft365")  # OAuth2: the panel replaces the password row
    expected = [
        "presetCombo",
        "serverEdit",
        "userEdit",
        "authMethodCombo",
        "oauthClientIdEdit",
        "oauthTenantEdit",
        "signInButton",
        "fromEdit",
        "authCheck",
        "testRecipientEdit",
        "advancedButton",
        "backButton",
        "saveButton",
    ]
    seen: list[str] = []
    widget = window.form.presetCombo
    for _ in range(200):
        if widget.objectName() in expected and widget.objectName() not in seen:
            seen.append(widget.objectName())
        widget = widget.nextInFocusChain()
    assert seen == expected
