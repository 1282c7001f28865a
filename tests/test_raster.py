"""Page images: pdfium, used where poppler draws a page wrong, draws the same frame as poppler."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pikepdf
import pytest

from cwn_ocr.ocr.raster import pdfium_available, render_pages, render_pdfium
from tests.conftest import SAMPLES


@pytest.mark.skipif(not pdfium_available(), reason="pypdfium2 is not installed: run `make setup`")
def test_pdfium_draws_a_cropped_page_in_the_frame_poppler_draws(tmp_path: Path) -> None:
    """A page with a crop box inside its media box: poppler draws the media box, and the layer's boxes are the
    media box's; pdfium, left to itself, draws the crop box, so lines cut from its image would stand off their
    rows. Both images must be the same size with the ink in the same place."""
    cropped = tmp_path / "cropped.pdf"
    with pikepdf.open(SAMPLES / "clean_mixed.pdf") as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].mediabox)
        pdf.pages[0].obj["/CropBox"] = pikepdf.Array([x0 + 50, y0 + 80, x1 - 30, y1 - 60])
        pdf.save(cropped)
    poppler = render_pages(cropped, {1: (x1 - x0, y1 - y0)}, dpi=100)[1]
    pdfium = render_pdfium(cropped, 1, dpi=100)
    assert pdfium is not None
    assert pdfium.shape == poppler.shape
    for axis in (0, 1):  # the first and last inked row and column, within two pixels
        a, b = (np.flatnonzero((image < 128).any(axis=axis)) for image in (poppler, pdfium))
        assert abs(int(a[0]) - int(b[0])) <= 2 and abs(int(a[-1]) - int(b[-1])) <= 2
