"""Draw the application icon (an envelope with a check mark) as PNG, ICO and ICNS in resources/icons/.

QT_QPA_PLATFORM=offscreen python scripts/make_icons.py
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"


def draw(size: int) -> QImage:
    """The icon at `size` pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#1565c0"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    body = QRectF(40 * s, 70 * s, 176 * s, 124 * s)
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(body, 12 * s, 12 * s)
    flap = QPainterPath(QPointF(body.left(), body.top()))
    flap.lineTo(QPointF(body.center().x(), body.top() + 70 * s))
    flap.lineTo(QPointF(body.right(), body.top()))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor("#90caf9"), 10 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(flap)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#2e7d32"))
    p.drawEllipse(QPointF(188 * s, 182 * s), 46 * s, 46 * s)
    p.setPen(QPen(QColor("#ffffff"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    check = QPainterPath(QPointF(166 * s, 184 * s))
    check.lineTo(QPointF(182 * s, 200 * s))
    check.lineTo(QPointF(210 * s, 166 * s))
    p.drawPath(check)
    p.end()
    return image


def main() -> None:
    """Write app.png (256), app.ico and app.icns."""
    _app = QGuiApplication([])
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw(256)
    big.save(str(OUT / "app.png"))
    draw(64).save(str(OUT / "app-64.png"))
    big.save(str(OUT / "app.ico"))
    big.save(str(OUT / "app.icns"))
    for name in ("app.png", "app.ico", "app.icns"):
        print(OUT / name, (OUT / name).stat().st_size)


if __name__ == "__main__":
    main()
