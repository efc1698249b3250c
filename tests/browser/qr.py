"""Scan the QR code a page shows, as a banking app would see it: the inline SVG drawn by the browser on a white
canvas, read back as grey pixels and decoded by zxing-cpp (part 1's dev dependency)."""

from __future__ import annotations

from typing import Any

import zxingcpp

_DRAW = """async (selector) => {
  const svg = document.querySelector(selector);
  const xml = new XMLSerializer().serializeToString(svg);
  const img = new Image();
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(xml);
  await img.decode();
  const size = 480, canvas = document.createElement('canvas');
  canvas.width = size; canvas.height = size;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, size, size);
  ctx.drawImage(img, 20, 20, size - 40, size - 40);
  const data = ctx.getImageData(0, 0, size, size).data;
  const grey = new Array(size * size);
  for (let i = 0; i < size * size; i++) grey[i] = data[i * 4];
  return [size, grey];
}"""


def scan_qr(page: Any, selector: str) -> str:
    """The text of the QR code in the SVG at `selector` (exactly one code)."""
    size, grey = page.evaluate(_DRAW, selector)
    image = memoryview(bytes(grey)).cast("B", (size, size))
    (found,) = zxingcpp.read_barcodes(image)
    return str(found.text)
