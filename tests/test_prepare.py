"""A scan is upscaled as far as its measured text calls for (``ocr.prepare``), on pages drawn here with a
Debian CJK font at a 300-dpi and a 150-dpi scan's sizes of the same 10.5 pt text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cwn_ocr.ocr.prepare import SCAN_UPSCALE, line_height, prepare

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
LINES = ["安顺市严格执行三区三线管理，加强自然保护地监督检查", "Forest cover rose from 39.9% to 61.8% over 6,442 km²",
         "开展跨区域联动执法监管行动（2024 年），强化生态系统保护",
         "推进国土绿化实施营造林 63,363 亩，修复森林公园 30 处"]


def _scan(dpi: int) -> np.ndarray:
    """An A4 page of ``LINES`` at 10.5 pt, as a ``dpi`` scan sees it (grayscale)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    image = Image.new("L", (int(595 * scale), int(842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), round(10.5 * scale))
    for i, text in enumerate(LINES * 3):
        draw.text((int(60 * scale), int((80 + 18 * i) * scale)), text, font=font, fill=0)
    return np.asarray(image)


@pytest.mark.skipif(not FONT.exists(), reason="fonts-noto-cjk is not installed")
def test_a_300_dpi_scan_is_read_as_it_is_and_a_150_dpi_one_upscaled() -> None:
    fine, coarse = _scan(300), _scan(150)
    assert 38 <= line_height(fine) <= 48  # type: ignore[operator]
    assert 18 <= line_height(coarse) <= 25  # type: ignore[operator]
    assert prepare(fine, scanned=True).image.shape == fine.shape
    prepared = prepare(coarse, scanned=True)
    assert prepared.image.shape[0] == pytest.approx(coarse.shape[0] * SCAN_UPSCALE, abs=1)
    # the map back to the scan's pixels undoes the upscale (and whatever small rotation deskewing found)
    assert float(np.sqrt(abs(np.linalg.det(prepared.matrix[:, :2])))) == pytest.approx(1 / SCAN_UPSCALE, rel=0.01)


def test_a_page_without_lines_is_upscaled_as_before() -> None:
    blank = np.full((400, 300), 255, np.uint8)
    assert line_height(blank) is None
    assert prepare(blank, scanned=True).image.shape == (600, 450)
