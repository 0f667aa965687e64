"""The window's size and place: a first size that fits the screen, remembered in the config folder.

The geometry is kept in `window.json` beside settings.json (the one config folder of
core.store, so `--config-dir` and the tests' temporary folders hold it too), never in
QSettings' own location. Sizes are device-independent pixels, as Qt's geometry is.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize

from crm_mail_gui.core.store import ConfigError, atomic_write_text, read_json_file

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

GEOMETRY_NAME = "window.json"
# The smallest window: it fits a 1366×768 laptop at 200 % (683×384 device-independent pixels)
# with its title bar and a task bar (the form scrolls, the buttons stay).
MINIMUM = QSize(520, 320)
FRAME = QSize(16, 40)  # room kept for the window frame and title bar (unknown before shown)
PREFERRED_WIDTH = 760
SCREEN_SHARE = 0.9  # a first window takes at most this share of the screen's free area
VISIBLE_STRIP = QSize(80, 24)  # this much of the window's top must be on a screen to stay there


def geometry_path(directory: Path) -> Path:
    """Where the window's geometry is kept in the config folder `directory`."""
    return directory / GEOMETRY_NAME


def minimum_size(available: QRect) -> QSize:
    """MINIMUM, or less on a screen too small for it (the frame still fits)."""
    return MINIMUM.boundedTo(available.size() - FRAME)


def first_size(wanted: QSize, available: QRect) -> QSize:
    """`wanted` (the contents' size), at most the screen's share, at least the minimum size."""
    width = min(max(wanted.width(), PREFERRED_WIDTH), int(available.width() * SCREEN_SHARE))
    height = min(wanted.height(), int(available.height() * SCREEN_SHARE))
    return QSize(width, height).expandedTo(minimum_size(available))


def placed(frame: QRect, screens: list[QRect], primary: QRect) -> QRect:
    """`frame` moved (and shrunk) to lie inside a screen's free area.

    The screen is the one showing most of the window's top strip; when none shows enough of
    it (a screen unplugged, a resolution changed), the primary screen, centred there.
    """
    strip = QRect(frame.topLeft(), QSize(frame.width(), VISIBLE_STRIP.height()))

    def shown(area: QRect) -> int:
        part = strip.intersected(area)
        return part.width() if part.height() >= VISIBLE_STRIP.height() else 0

    best = max(screens, key=shown, default=primary)
    area = best if shown(best) >= VISIBLE_STRIP.width() else None
    target = area or primary
    size = frame.size().boundedTo(target.size())
    if area is None:
        left = target.left() + (target.width() - size.width()) // 2
        top = target.top() + (target.height() - size.height()) // 2
    else:
        left = min(max(frame.left(), target.left()), target.right() + 1 - size.width())
        top = min(max(frame.top(), target.top()), target.bottom() + 1 - size.height())
    return QRect(QPoint(left, top), size)


def read_geometry(path: Path) -> QRect | None:
    """The remembered frame position and inner size (None: none, or not readable).

    Read as the settings are (core.store.read_json_file: a regular file, size-capped, strict
    JSON without deep nesting): a hostile window.json never stops the window from opening.
    """
    try:
        data = read_json_file(path)
    except (FileNotFoundError, ConfigError):
        return None
    if not isinstance(data, dict) or not all(k in data for k in ("x", "y", "width", "height")):
        return None
    values = [data[key] for key in ("x", "y", "width", "height")]
    if not all(isinstance(v, int) and not isinstance(v, bool) and abs(v) < 1 << 20 for v in values):
        return None
    x, y, width, height = values
    return QRect(x, y, max(width, 1), max(height, 1))


def write_geometry(path: Path, window: QWidget) -> None:
    """Remember the window's position and size (of its normal state when maximised)."""
    rect = window.normalGeometry() if window.isMaximized() else QRect(window.pos(), window.size())
    data = {"x": rect.x(), "y": rect.y(), "width": rect.width(), "height": rect.height()}
    with contextlib.suppress(OSError):  # a read-only folder: the next start opens at first size
        atomic_write_text(path, json.dumps(data) + "\n")


def apply_geometry(window: QWidget, path: Path, contents: QSize) -> None:
    """Give `window` its remembered place (brought onto a screen), else a first size that fits."""
    from PySide6.QtGui import QGuiApplication

    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    window.setMinimumSize(minimum_size(available))
    remembered = read_geometry(path)
    if remembered is None:
        window.resize(first_size(contents, available))
        return
    areas = [s.availableGeometry() for s in QGuiApplication.screens()]
    frame = QRect(remembered.topLeft(), remembered.size() + FRAME)  # the window with its frame
    where = placed(frame, areas, available)
    window.move(where.topLeft())
    window.resize((where.size() - FRAME).expandedTo(window.minimumSize()))
