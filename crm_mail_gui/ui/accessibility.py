"""What screen readers are told: roles Qt does not give a widget by itself, names from labels, alerts.

A widget asks for a role with `set_role(widget, "AlertMessage")` (a key of QAccessible.Role, kept
in a property, so nothing here touches QAccessible before the first paint); `install_roles`, run
in the window's idle work, installs the factory that answers with it. The error banner is an
alert (and `alert` tells the screen reader when it shows), the step list a list of items.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QAccessibleInterface

ROLE_PROPERTY = "accessibleRole"

_MNEMONIC = r"\(&.\)|&(?=[^&])"  # compiled on first use (after the first paint)
_installed: list[bool] = []


def label_name(text: str) -> str:
    """A form label as an accessible name: "Se&rver name:" -> "Server name", "サーバ名(&R):" -> "サーバ名"."""
    return re.sub(_MNEMONIC, "", text).replace("&&", "&").strip().rstrip(":：").strip()


def name_fields(root: QWidget) -> None:
    """Give every field of `root` that a label names (its buddy) the label's text as its name."""
    from PySide6.QtWidgets import QLabel

    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text():
            buddy.setAccessibleName(label_name(label.text()))


def set_role(widget: QWidget, role: str) -> None:
    """Have screen readers see `widget` in this role (a QAccessible.Role key, e.g. "List")."""
    widget.setProperty(ROLE_PROPERTY, role)


def _factory(_key: str, target: QObject) -> QAccessibleInterface | None:
    """The interface of a widget that asked for a role (see set_role); None: Qt's own."""
    if not isinstance(target, QWidget):
        return None
    role = target.property(ROLE_PROPERTY)
    if not role:
        return None
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAccessibleWidget

    return QAccessibleWidget(target, getattr(QAccessible.Role, role))


def install_roles() -> None:
    """Let the roles of set_role take effect (once; the window's idle work after its first paint)."""
    if not _installed:
        from PySide6.QtGui import QAccessible

        QAccessible.installFactory(_factory)
        _installed.append(True)


def installed() -> bool:
    """True once install_roles has run."""
    return bool(_installed)


def alert(widget: QWidget) -> None:
    """Tell screen readers that `widget` (an alert) has just appeared or changed."""
    from PySide6.QtGui import QAccessible, QAccessibleEvent

    install_roles()
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
