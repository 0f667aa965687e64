"""The window's status icons, one flat family drawn here: banner, step list and dialogs use them.

Drawn with QPainter at the screen's pixel ratio (sharp at 200 %) in ui.theme's icon colours
for the scheme in effect, so no style's glossy icon (Fusion's check) sits next to a flat one. No `Qt` enum is used (ui.startup, rule 1): a banner
about the stored settings can be part of the first paint.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import TYPE_CHECKING

from crm_mail_gui.ui import theme

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QPainter, QPixmap


class Icon(StrEnum):
    """What an icon says."""

    ERROR = "error"
    WARNING = "warning"
    SUCCESS = "success"
    INFO = "info"
    PENDING = "pending"
    RUNNING = "running"
    SKIPPED = "skipped"


# The ui.theme colour of each icon's shape (a light and a dark one, >= 3:1 on the window and
# the banners); the mark on it is "icon_mark".
COLOURS = {
    Icon.ERROR: "icon_error",
    Icon.WARNING: "icon_warning",
    Icon.SUCCESS: "icon_success",
    Icon.INFO: "icon_info",
    Icon.PENDING: "icon_pending",
    Icon.RUNNING: "icon_info",
    Icon.SKIPPED: "icon_pending",
}


def pixmap(kind: Icon | str, size: int, ratio: float = 1.0) -> QPixmap:
    """The icon `kind`, `size` device-independent pixels square, for a screen of pixel `ratio`.

    Drawn once per look (kind, size, ratio and the scheme's colours): the step list sets an icon
    at every step of a test, on the GUI thread (bench_responsiveness.py). The drawing is kept
    as a QImage, which needs no application to be freed at exit.
    """
    from PySide6.QtGui import QPixmap

    kind = Icon(kind)
    colours = theme.color(COLOURS[kind]), theme.color("icon_mark")
    picture = QPixmap.fromImage(_drawn(kind, size, ratio, *colours))
    picture.setDevicePixelRatio(ratio)
    return picture


@functools.lru_cache(maxsize=64)
def _drawn(kind: Icon, size: int, ratio: float, colour: str, mark: str) -> QImage:
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QColor, QPainter, QPixmap

    picture = QPixmap(round(size * ratio), round(size * ratio))
    picture.setDevicePixelRatio(ratio)
    picture.fill(QColor.fromRgba(0))  # transparent
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 24, size / 24)  # drawn on a 24×24 grid
    pen = Pen(painter)
    if kind is Icon.WARNING:
        pen.fill_polygon(colour, (12, 1.5), (23, 21.5), (1, 21.5))
    elif kind in (Icon.PENDING, Icon.SKIPPED):
        pen.ring(colour, QRectF(3, 3, 18, 18), 2.2)
    else:
        pen.disc(colour, QPointF(12, 12), 10)
    if kind is Icon.SUCCESS:
        pen.line(mark, 2.6, (7, 12.5), (10.5, 16), (17, 8.5))
    elif kind is Icon.ERROR:
        pen.line(mark, 2.6, (8, 8), (16, 16))
        pen.line(mark, 2.6, (16, 8), (8, 16))
    elif kind is Icon.WARNING:
        pen.line(mark, 2.6, (12, 8), (12, 14))
        pen.disc(mark, QPointF(12, 17.6), 1.5)
    elif kind is Icon.INFO:
        pen.line(mark, 2.6, (12, 10.5), (12, 17))
        pen.disc(mark, QPointF(12, 7.2), 1.5)
    elif kind is Icon.RUNNING:
        for x in (7, 12, 17):
            pen.disc(mark, QPointF(x, 12), 1.6)
    elif kind is Icon.SKIPPED:
        pen.line(colour, 2.2, (8, 12), (16, 12))
    painter.end()
    return picture.toImage()


class Pen:
    """Fills and strokes with paths only: QPainter.setPen and setBrush would build `Qt`."""

    def __init__(self, painter: QPainter) -> None:
        from PySide6.QtGui import QPen

        self.painter = painter
        self.pen = QPen()

    def _brush(self, colour: str):
        from PySide6.QtGui import QColor

        self.pen.setColor(QColor.fromString(colour))  # a ui.theme colour
        return self.pen.brush()  # a solid brush of that colour

    def disc(self, colour: str, centre, radius: float) -> None:
        """A filled circle."""
        from PySide6.QtGui import QPainterPath

        path = QPainterPath()
        path.addEllipse(centre, radius, radius)
        self.painter.fillPath(path, self._brush(colour))

    def ring(self, colour: str, rect, width: float) -> None:
        """A circle's outline."""
        from PySide6.QtGui import QPainterPath

        path = QPainterPath()
        path.addEllipse(rect)
        self._brush(colour)
        self.pen.setWidthF(width)
        self.painter.strokePath(path, self.pen)

    def fill_polygon(self, colour: str, *points: tuple[float, float]) -> None:
        """A filled polygon with rounded corners."""
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPainterPath, QPolygonF

        path = QPainterPath()
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
        path.closeSubpath()
        self.painter.fillPath(path, self._brush(colour))

    def line(self, colour: str, width: float, *points: tuple[float, float]) -> None:
        """A polyline with round ends and joins (dots on the points: no cap style enum)."""
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPainterPath, QPolygonF

        path = QPainterPath()
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
        self._brush(colour)
        self.pen.setWidthF(width)
        self.painter.strokePath(path, self.pen)
        for x, y in points:
            self.disc(colour, QPointF(x, y), width / 2)
