"""Make Ally's application icons from ``resources/ally.svg``, at build time:

    python packaging/icons.py [--out build/icons] [--svg resources/ally.svg]

writes into the output folder

- ``ally-<size>.png`` for 16, 24, 32, 48, 64, 128, 256 and 512 pixels (the Linux
  ``hicolor`` theme, the window and the tray take these);
- ``ally.ico``: Windows' icon, PNG-compressed entries of 16 to 256 pixels (Vista and
  later read PNG entries; 256 is the largest an ICO can say);
- ``ally.icns``: macOS's icon, PNG entries from 16 to 1024 pixels (``icp4`` … ``ic10``).

The PNGs are drawn by Qt's own SVG renderer (``QtSvg``, part of PySide6-Essentials),
so they are the same pixels Ally draws at run time. The two containers are simple
enough to write by hand (a directory of PNGs behind a small header), which spares a
dependency such as Pillow; ``read_ico`` and ``read_icns`` parse them back for the tests.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "ally.svg"
OUT = ROOT / "build" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, and their pixel size (Apple's "Icon Composer"
# table): the @2x types (ic11 …) let Retina screens pick twice the pixels.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"ic11", 32),
    (b"icp5", 32),
    (b"ic12", 64),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_pngs(svg: Path, sizes: Iterable[int]) -> dict[int, bytes]:
    """The SVG drawn at each size, as PNG file contents."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not an SVG Qt can draw")
    pngs: dict[int, bytes] = {}
    for size in sorted(set(sizes)):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"png"))
        if not writer.write(image.convertToFormat(QImage.Format.Format_ARGB32)):
            raise SystemExit(f"could not encode the {size}-pixel icon: {writer.errorString()}")
        buffer.close()
        pngs[size] = bytes(data.data())
    return pngs


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- ICO ---------------------------------------------------------------------------------------
def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file of PNG entries: ICONDIR (reserved 0, type 1, count), one 16-byte
    ICONDIRENTRY per image (width and height as a byte, 0 meaning 256; no palette; one
    plane; 32 bits; size; offset), then the PNGs, all little-endian."""
    sizes = sorted(pngs)
    if any(size > 256 for size in sizes):
        raise ValueError("an ICO entry is at most 256 pixels")
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        side = size % 256  # 256 is written as 0
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(pngs[size]), offset)
        offset += len(pngs[size])
    return header + entries + b"".join(pngs[size] for size in sizes)


def read_ico(data: bytes) -> list[tuple[int, bytes]]:
    """(size, PNG) of each entry of an ICO written by ``ico_bytes``; checks the layout."""
    reserved, kind, count = struct.unpack_from("<HHH", data)
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError("not an icon file")
    entries = []
    for index in range(count):
        width, height, colors, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        image = data[offset : offset + length]
        if len(image) != length or colors != 0 or planes != 1 or bits != 32:
            raise ValueError(f"entry {index} is malformed")
        side = width or 256
        if (width, height) != (side % 256, side % 256) or png_size(image) != (side, side):
            raise ValueError(f"entry {index} says {side} pixels, its PNG is not")
        entries.append((side, image))
    return entries


# --- ICNS --------------------------------------------------------------------------------------
def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: the magic ``icns`` and the whole length, then elements of a type,
    their length (header included) and PNG data, all big-endian."""
    body = b""
    for kind, size in ICNS_TYPES:
        if size in pngs:
            body += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def read_icns(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, PNG) of each element of an ICNS file; checks the lengths and PNG sizes."""
    if data[:4] != b"icns" or struct.unpack(">I", data[4:8])[0] != len(data):
        raise ValueError("not an icns file, or its length is wrong")
    expected = dict(ICNS_TYPES)
    elements = []
    position = 8
    while position < len(data):
        kind = data[position : position + 4]
        (length,) = struct.unpack(">I", data[position + 4 : position + 8])
        if length < 8 or position + length > len(data):
            raise ValueError(f"element {kind!r} runs past the end")
        image = data[position + 8 : position + length]
        size = expected.get(kind)
        if size is None or png_size(image) != (size, size):
            raise ValueError(f"element {kind!r} is not a {size}-pixel PNG")
        elements.append((kind, image))
        position += length
    return elements


# --- the command -------------------------------------------------------------------------------
def make_icons(svg: Path = SVG, out: Path = OUT) -> list[Path]:
    """Write the PNGs, the ICO and the ICNS into ``out``; returns the files written."""
    needed = set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    pngs = render_pngs(svg, needed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = out / f"ally-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    ico = out / "ally.ico"
    ico.write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    icns = out / "ally.icns"
    icns.write_bytes(icns_bytes(pngs))
    return [*written, ico, icns]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make Ally's PNG, ICO and ICNS icons.")
    parser.add_argument("--svg", type=Path, default=SVG, help=f"default: {SVG.relative_to(ROOT)}")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    for path in make_icons(args.svg, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
