"""Small images of the page beside each changed block of the review page: rendered at a low
resolution, cropped to the block with a margin, reduced to 16 grays, PNG, base64."""

from __future__ import annotations

import base64
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from cwn_ocr.model import BBox
from cwn_ocr.ocr.raster import render_pages

if TYPE_CHECKING:  # OpenCV and numpy are imported when a page is rendered (a cached re-run never does)
    import numpy as np

    from cwn_ocr.ocr.cache import OcrCache

PREVIEW_DPI = 110
MAX_WIDTH = 560  # pixels; wider crops are scaled down
#: Bump when crops change (resolution, margin, encoding), to retire the cached ones.
CROP_FORMAT = 1


def crop_images(pdf: Path, pages: dict[int, tuple[float, float]], boxes: dict[int, list[BBox]], *,
                password: str | None = None, cache: OcrCache | None = None) -> dict[int, list[str]]:
    """Per page (number -> size in points), the ``data:`` URIs of its ``boxes``, in order. Pages
    are rendered together, crops encoded in parallel; with ``cache``, a page's crops are kept
    by what the page draws and the boxes, and a page whose crops are all there is not rendered.
    Pages poppler cannot render are left out."""
    out: dict[int, list[str]] = {}
    keys: dict[int, str] = {}
    if cache is not None:
        from cwn_ocr.ocr.cache import page_keys

        prints = page_keys(pdf, list(pages), password=password)
        for number in pages:
            keys[number] = cache.key(prints[number], {
                "review_crops": CROP_FORMAT, "dpi": PREVIEW_DPI,
                "boxes": [[round(v, 1) for v in box.as_list()] for box in boxes[number]]})
            hit = cache.get_json(keys[number])
            if isinstance(hit, list) and len(hit) == len(boxes[number]) and all(isinstance(u, str) for u in hit):
                out[number] = hit
    missing = {number: size for number, size in pages.items() if number not in out}
    previews = PagePreview.render_all(pdf, missing, password=password) if missing else {}
    jobs = [(number, box) for number in missing if number in previews for box in boxes[number]]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # OpenCV encodes without holding the GIL
        uris = list(pool.map(lambda job: previews[job[0]].crop(job[1]), jobs))
    for number in previews:
        out[number] = []
    for (number, _), uri in zip(jobs, uris):
        out[number].append(uri)
    if cache is not None:
        for number in previews:
            cache.put_json(keys[number], out[number])
    return out


class PagePreview:
    """One page rendered for the review, cropped as often as needed."""

    def __init__(self, pixels: np.ndarray, width: float) -> None:
        self.pixels = pixels
        self.scale = self.pixels.shape[1] / width  # pixels per point

    @classmethod
    def render_all(cls, pdf: Path, pages: dict[int, tuple[float, float]], *, password: str | None = None
                   ) -> dict[int, PagePreview]:
        """Previews of several pages (number -> size in points), rendered together."""
        images = render_pages(pdf, pages, dpi=PREVIEW_DPI, password=password)
        return {number: cls(pixels, pages[number][0]) for number, pixels in images.items()}

    def crop(self, box: BBox, *, margin: float = 4.0) -> str:
        """A ``data:`` URI of the PNG crop of ``box`` (PDF points) with ``margin`` points around it."""
        import cv2
        import numpy as np

        h, w = self.pixels.shape
        x0 = max(0, int((box.x0 - margin) * self.scale))
        y0 = max(0, int((box.y0 - margin) * self.scale))
        x1 = min(w, int((box.x1 + margin) * self.scale) + 1)
        y1 = min(h, int((box.y1 + margin) * self.scale) + 1)
        piece = self.pixels[y0:y1, x0:x1] if x1 > x0 and y1 > y0 else np.full((8, 8), 255, np.uint8)
        if piece.shape[1] > MAX_WIDTH:
            factor = MAX_WIDTH / piece.shape[1]
            piece = cv2.resize(piece, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        return png_data_uri(piece)


def png_data_uri(gray: np.ndarray) -> str:
    """``gray`` as a compact PNG data URI (16 levels of gray compress several times better than 256).

    >>> import numpy as np
    >>> png_data_uri(np.full((2, 2), 255, np.uint8)).startswith("data:image/png;base64,")
    True
    """
    import cv2
    import numpy as np

    levels = (gray.astype(np.uint16) * 15 // 255 * 17).astype(np.uint8)
    # run-length strategy: measured 1.3 ms and 23.6 KB for a 500 x 300 crop, against 20.5 ms and
    # 23.2 KB with zlib's default strategy at level 9
    ok, encoded = cv2.imencode(".png", levels, [cv2.IMWRITE_PNG_COMPRESSION, 9,
                                                cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE])
    if not ok:
        raise ValueError("PNG encoding failed")
    return "data:image/png;base64," + base64.b64encode(encoded.tobytes()).decode("ascii")
