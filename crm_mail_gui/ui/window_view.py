"""What a controller sees of the window it wires: its parts and the state its flows share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from crm_mail_gui.ui.main_window import MainWindow


def _window_attribute(name: str) -> Any:
    """A read-only view of the window's `name` (it builds nothing: the window owns its parts)."""
    return property(lambda self: getattr(self.window, name))


class WindowView:
    """The base of the window's controllers (GUI thread only); `tr` texts use its class name.

    A plain class, not a QObject: each PySide6 subclass costs its type set-up at start-up.
    """

    form = _window_attribute("form")
    errorBanner = _window_attribute("errorBanner")
    infoBanner = _window_attribute("infoBanner")
    store = _window_attribute("store")
    lang = _window_attribute("lang")
    jobs = _window_attribute("jobs")
    deliver_fn = _window_attribute("deliver_fn")
    open_url = _window_attribute("open_url")

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def tr(self, text: str) -> str:
        """`text` in the window's language (context: the controller's class, as lupdate reads it)."""
        return QCoreApplication.translate(type(self).__name__, text)

    def confirm_unencrypted(self, _parent: object) -> bool:
        """Ask the window's question (modal on the window)."""
        return self.window.confirm_unencrypted(self.window)

    @property
    def _credentials_known(self) -> bool:
        return self.window._credentials_known

    @_credentials_known.setter
    def _credentials_known(self, known: bool) -> None:
        self.window._credentials_known = known

    def _ask_store(self, question: Any, then: Any, name: str = "credential-store-query") -> Any:
        return self.window._ask_store(question, then, name)

    def _show_store_failure(self, error: Any, transcript: list[str] | None = None) -> None:
        self.window._show_store_failure(error, transcript)
