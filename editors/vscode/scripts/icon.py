"""Draws images/icon.png (128x128): a page of prose with one term highlighted, on a blue tile.

Plain Python (zlib), so anyone can redraw it: `python3 scripts/icon.py`.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIZE = 128
TILE = (31, 111, 235)
PAGE = (255, 255, 255)
INK = (60, 72, 88)
TERM = (255, 196, 0)


def inside_rounded(
    x: float, y: float, left: float, top: float, right: float, bottom: float, r: float
) -> bool:
    cx = min(max(x, left + r), right - r)
    cy = min(max(y, top + r), bottom - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and left <= x <= right and top <= y <= bottom


def colour_at(x: float, y: float) -> tuple[int, int, int, int]:
    if not inside_rounded(x, y, 0, 0, SIZE - 1, SIZE - 1, 24):
        return (0, 0, 0, 0)
    if inside_rounded(x, y, 26, 18, 102, 110, 8):
        lines = [(34, 94, 36), (34, 80, 50), (34, 90, 64), (34, 70, 78), (34, 86, 92)]
        for left, right, top in lines:
            if left <= x <= right and top <= y <= top + 5:
                is_term = top == 64 and 48 <= x <= 78
                return (*(TERM if is_term else INK), 255)
        if 46 <= x <= 80 and 61 <= y <= 72:
            return (*TERM, 255)
        return (*PAGE, 255)
    return (*TILE, 255)


def pixel(x: int, y: int) -> bytes:
    # 4x4 supersampling: smooth edges
    samples = [colour_at(x + (i + 0.5) / 4, y + (j + 0.5) / 4) for i in range(4) for j in range(4)]
    alpha = sum(s[3] for s in samples)
    if alpha == 0:
        return bytes(4)
    rgb = [round(sum(s[c] * s[3] for s in samples) / alpha) for c in range(3)]
    return bytes([*rgb, round(alpha / len(samples))])


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\0" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    rows = [b"".join(pixel(x, y) for x in range(SIZE)) for y in range(SIZE)]
    target = Path(__file__).resolve().parent.parent / "images" / "icon.png"
    target.write_bytes(png(SIZE, SIZE, rows))


if __name__ == "__main__":
    main()
