"""What a screen reader is told, asked through QAccessible as a screen reader asks, in ja and en."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gui_support import child
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from crm_mail_gui.ui import MainWindow, accessibility
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.steps import StepState

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("restored_language")]

Role = QAccessible.Role
NAME = QAccessible.Text.Name

FIELD_NAMES = {
    "ja": {
        "presetCombo": "プロバイダ",
        "serverEdit": "サーバ名",
        "userEdit": "ユーザ名",
        "passwordEdit": "パスワード",
        "fromEdit": "差出人",
        "testRecipientEdit": "テストメールの送信先",
        "timeoutSpin": "1ステップのタイムアウト",
        "caFileEdit": "追加の CA ファイル",
    },
    "en": {
        "presetCombo": "Provider",
        "serverEdit": "Server name",
        "userEdit": "User name",
        "passwordEdit": "Password",
        "fromEdit": "From",
        "testRecipientEdit": "Test recipient",
        "timeoutSpin": "Timeout per step",
        "caFileEdit": "Extra CA file",
    },
}


def interface(widget: QWidget) -> QAccessibleInterface:
    found = QAccessible.queryAccessibleInterface(widget)
    assert found is not None and found.isValid()
    return found


def spoken_name(widget: QWidget) -> str:
    """The name a screen reader reads for a field.

    A combo box is the exception: on Linux Qt names it by its current item and points to the
    label by a relation; elsewhere its accessible name is its name. Both come from accessibleName.
    """
    if isinstance(widget, QComboBox):
        assert interface(widget).text(QAccessible.Text.Value) == widget.currentText()
        return widget.accessibleName()
    return interface(widget).text(NAME)


def ready(qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str) -> MainWindow:
    """A window after its idle work (the roles are installed then, ui.accessibility)."""
    window = make_window(lang)
    qtbot.waitUntil(accessibility.installed, timeout=3000)
    return window


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_field_is_named_by_its_label(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str
) -> None:
    window = ready(qtbot, make_window, lang)
    window.form.advancedButton.setChecked(True)
    names = {name: spoken_name(child(window, name)) for name in FIELD_NAMES[lang]}
    expected = dict(FIELD_NAMES[lang])
    if lang == "ja":  # the advanced panel's labels: their own wording, without mnemonic and colon
        for name in ("timeoutSpin", "caFileEdit"):
            text = names[name]
            assert text and "&" not in text and not text.endswith((":", "：")), name
            expected[name] = text
    assert names == expected
    assert interface(child(window, "authCheck")).text(NAME) == window.form.authCheck.text().replace(
        "&", ""
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Se&rver name:", "Server name"),
        ("サーバ名(&R):", "サーバ名"),
        ("差出人(&F)：", "差出人"),
        ("Tom && Jerry:", "Tom & Jerry"),
    ],
)
def test_label_names_lose_mnemonic_and_colon(text: str, name: str) -> None:
    assert accessibility.label_name(text) == name


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_error_banner_is_an_alert_with_its_text(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = ready(qtbot, make_window, lang)
    sent: list[tuple[QAccessible.Event, object]] = []
    original = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        sent.append((event.type(), event.object()))
        original(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    banner = window.errorBanner
    banner.show_message(BannerKind.ERROR, "認証に失敗しました。", "手順: 認証\n535 5.7.8")
    assert (QAccessible.Event.Alert, banner) in sent
    shown = interface(banner)
    assert shown.role() == Role.AlertMessage
    assert shown.text(NAME) == "認証に失敗しました。"
    assert shown.text(QAccessible.Text.Description) == "手順: 認証\n535 5.7.8"
    close = interface(banner.close_button)
    assert close.text(NAME) == {"ja": "メッセージを閉じる", "en": "Close the message"}[lang]
    sent.clear()
    banner.clear()
    assert sent == [] or all(kind != QAccessible.Event.Alert for kind, _ in sent)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ja", ["接続: 完了", "TLS: 失敗", "認証: 省略", "送信: 未実行"]),
        ("en", ["Connect: done", "TLS: failed", "Authenticate: skipped", "Send: not yet run"]),
    ],
)
def test_the_step_list_reads_as_a_list(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str, expected: list[str]
) -> None:
    window = ready(qtbot, make_window, lang)
    steps = window.form.stepList
    steps.show()
    for index, state in enumerate(
        (StepState.OK, StepState.FAIL, StepState.SKIPPED, StepState.PENDING)
    ):
        steps._set(index, state)
    listed = interface(steps)
    assert listed.role() == Role.List
    assert listed.text(NAME) == {"ja": "テストの手順", "en": "Test steps"}[lang]
    items = [listed.child(i) for i in range(listed.childCount())]
    spoken = [item.text(NAME) for item in items if item.role() == Role.ListItem]
    assert spoken == expected
    assert {item.role() for item in items} <= {Role.ListItem, Role.Separator}
    steps._set(0, StepState.RUNNING)
    assert (
        interface(steps.labels[0]).text(NAME)
        == {"ja": "接続: 実行中", "en": "Connect: running"}[lang]
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_icon_only_buttons_have_names(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str
) -> None:
    """A button whose text is a symbol (×, …) or empty is named in words."""
    window = ready(qtbot, make_window, lang)
    window.errorBanner.show_message(BannerKind.ERROR, "x", "y", transcript="t")
    window.form.picker.offer_for("someone@gmail.com")
    assert window.form.picker.offer.isVisible()
    for button in window.findChildren(QAbstractButton):
        words = "".join(ch for ch in button.text() if ch.isalnum())
        if button.isVisible() and not words:
            name = interface(button).text(NAME)
            assert any(ch.isalpha() for ch in name), (button.objectName(), button.text(), name)
