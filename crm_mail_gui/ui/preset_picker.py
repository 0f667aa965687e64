"""The provider box of the form, with the chosen provider's notes and the offer of a preset."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.core.presets import (
    Preset,
    load_presets,
    preset_for_address,
    preset_for_server,
)
from crm_mail_gui.ui import theme
from crm_mail_gui.ui.fields import WrapLabel
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.translations import fill

CUSTOM = "custom"
GUIDANCE_STYLE = (  # the provider's notes
    "#guidancePanel { background: {note_bg}; border: 1px solid {note_border};"
    " border-radius: 4px; padding: 8px; color: {note_text}; }"
)
OFFER_STYLE = "#presetOffer { background: {offer_bg}; border-radius: 4px; }"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


class PresetPicker(QWidget):
    """The preset box; below it the provider's notes and, when an address fits, an offer.

    Signals:
        chosen(): the user picked a preset (in the box or by accepting the offer).
        followed(): the box followed the server name typed into the field (see follow).
        linkOpened(str): a link to the provider's help was clicked (the URL, one of the preset's).
    """

    chosen = Signal()
    followed = Signal()
    linkOpened = Signal(str)

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.presets: list[Preset] = load_presets()
        self._dismissed: set[str] = set()
        self._offered: Preset | None = None
        self._shown: Preset | None = None  # whose notes are shown
        self.previous: Preset | None = None  # the preset before the last pick (None: Custom)
        self.presetCombo = QComboBox()
        self.presetCombo.setObjectName("presetCombo")
        for preset in self.presets:
            self.presetCombo.addItem(preset.text("name", self.lang), preset.id)
        self.guidance = WrapLabel()
        self.guidance.setObjectName("guidancePanel")
        set_enum(self.guidance, "textFormat", "RichText")
        set_enum(
            self.guidance,
            "textInteractionFlags",
            "LinksAccessibleByMouse|LinksAccessibleByKeyboard",
        )
        self.guidance.linkActivated.connect(self._link_activated)
        self.guidance.hide()  # styled when first shown: a style sheet costs even hidden
        self.offer = self._build_offer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.presetCombo)
        layout.addWidget(self.guidance)
        layout.addWidget(self.offer)
        self.presetCombo.activated.connect(self._picked)
        self.offer_apply.clicked.connect(self._apply_offer)
        self.offer_close.clicked.connect(self._dismiss_offer)

    def _build_offer(self) -> QFrame:
        offer = QFrame()
        offer.setObjectName("presetOffer")  # styled when first shown (as the notes)
        offer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.offer_label = WrapLabel()
        set_enum(self.offer_label, "textFormat", "PlainText")  # it quotes the typed domain
        self.offer_apply = QPushButton(self.tr("Use it"))
        self.offer_apply.setObjectName("presetOfferApply")
        self.offer_close = QToolButton()
        self.offer_close.setText("×")
        self.offer_close.setAutoRaise(True)
        self.offer_close.setToolTip(self.tr("Dismiss the suggestion"))
        self.offer_close.setAccessibleName(self.tr("Dismiss the suggestion"))
        offer_layout = QHBoxLayout(offer)
        offer_layout.setContentsMargins(8, 4, 4, 4)
        offer_layout.addWidget(self.offer_label, 1)
        offer_layout.addWidget(self.offer_apply)
        offer_layout.addWidget(self.offer_close)
        offer.hide()
        return offer

    def focus_chain(self) -> tuple[QWidget, ...]:
        """Its widgets in tab order."""
        return (self.presetCombo, self.offer_apply, self.offer_close)

    def current(self) -> Preset | None:
        """The preset chosen in the box (None for Custom)."""
        preset_id = self.presetCombo.currentData()
        return next((p for p in self.presets if p.id == preset_id and p.id != CUSTOM), None)

    def select_for(self, server: str) -> None:
        """Show the preset whose host this is (else Custom), without the `chosen` signal."""
        self._select(preset_for_server(server, self.presets))

    def follow(self, server: str) -> bool:
        """Follow the server name in the field: Custom for a host not the preset's, the preset
        for a host that belongs to one; the current one while its host fits. True if changed."""
        found = preset_for_server(server, self.presets, self.current())
        if found == self.current():
            return False
        self._select(found)
        self.followed.emit()
        return True

    def _select(self, preset: Preset | None) -> None:
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(preset.id if preset else CUSTOM))
        self._show_guidance(self.current())

    def choose(self, preset_id: str) -> None:
        """Choose a preset as if picked in the box."""
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(preset_id))
        self._picked()

    def reset_offers(self) -> None:
        """Forget dismissed offers and hide the offer (a new visit of the form)."""
        self._dismissed.clear()
        self.offer.hide()

    def set_running(self, running: bool) -> None:
        """No choosing while a test runs."""
        self.presetCombo.setEnabled(not running)
        self.offer_apply.setEnabled(not running)

    def offer_for(self, *addresses: str) -> None:
        """Offer the preset of the first of `addresses` that one fits (unless dismissed or chosen)."""
        found, domain = None, ""
        for address in addresses:
            found = preset_for_address(address.strip())
            if found is not None:  # the text names the domain that matched, not another's
                domain = address.strip().rpartition("@")[2]
                break
        current = self.current()
        if found is None or found.id in self._dismissed or (current and current.id == found.id):
            self.offer.hide()
            return
        self._offered = found
        self.offer_label.setText(
            fill(
                self.tr("“%1” is a %2 address. Use the %2 settings?"),
                domain,
                found.text("name", self.lang),
            )
        )
        theme.set_style(self.offer, OFFER_STYLE)
        self.offer.show()

    def _picked(self, *_args: object) -> None:
        self.previous = self._shown
        self._show_guidance(self.current())
        self.chosen.emit()

    def _link_activated(self, url: str) -> None:
        shown = self._shown
        if shown is not None and url in (link.url for link in shown.links):
            self.linkOpened.emit(url)

    def _apply_offer(self) -> None:
        if self._offered is not None:
            self.choose(self._offered.id)
        self.offer.hide()

    def _dismiss_offer(self) -> None:
        if self._offered is not None:
            self._dismissed.add(self._offered.id)
        self.offer.hide()

    def _show_guidance(self, preset: Preset | None) -> None:
        """The provider's notes: its guidance (the one instruction about a placeholder), the
        user name, a warning when unverified, and links to its own help pages."""
        self._shown = preset
        if preset is None:
            self.guidance.hide()
            return
        parts = [f"<b>{_escape(preset.text('name', self.lang))}</b>"]
        parts.append(_escape(preset.text("guidance", self.lang)))
        user_label = self.tr("User name:")  # not inside the f-string: lupdate would miss it
        parts.append(f"{_escape(user_label)} {_escape(preset.text('user_hint', self.lang))}")
        if not preset.verified:
            parts.append(
                "<span style='color:{note_warning}'>"
                + _escape(
                    self.tr("Not confirmed first-hand: check these values with the provider.")
                )
                + "</span>"
            )
        if preset.links:
            links = " · ".join(
                f'<a href="{_escape(link.url)}">{_escape(link.text(self.lang))}</a>'
                for link in preset.links
            )
            help_label = self.tr("Provider help (opens in the browser):")  # lupdate: no f-string
            parts.append(f"{_escape(help_label)} {links}")
        theme.set_rich_text(self.guidance, "<br>".join(parts))  # {note_warning}: ui.theme
        theme.set_style(self.guidance, GUIDANCE_STYLE)
        self.guidance.show()
