"""One page to pixels, through pdf2image (poppler), at the resolution that serves OCR best.

A scanned page is rendered at its image's own resolution: resampling a 200-dpi JPEG to
300 dpi was measured here to raise Tesseract's CER from 9.6 % to about 25 %, while the
upscaling done later in ``preprocess`` (on clean pixels) lowers it. A born-digital page is
rendered at ``dpi`` (300 by default).

A page poppler draws wrong is pdfium's (``pypdfium2``): one that draws a ``legacy multibyte`` font
(``fonts.classify.misdrawn_pages``: GBK codes in a simple font with a Chinese name, which poppler
draws as Latin-1 mojibake, so that OCR of its image reads the mojibake the layer already has).
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cwn_ocr.errors import BadInputError, MissingDependencyError
from cwn_ocr.interrupts import run_program
from cwn_ocr.layer.textlayer import poppler_passwords

if TYPE_CHECKING:  # numpy, OpenCV and pdf2image (PIL) are imported by the functions that make pixels:
    import numpy as np  # reading pdfimages' list (provenance) must not cost their 0.15 s

#: Never rasterize more pixels than this for one page (an A2 sheet at 300 dpi; an A4 page at 300 dpi
#: is 8.7 million); larger pages get a lower resolution instead of exhausting memory.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class PageImage:
    pixels: np.ndarray  # grayscale, uint8, shape (height, width)
    dpi: float  # pixels per inch of ``pixels``
    scanned: bool  # the page is one full-page image (a scan)

    @property
    def scale(self) -> float:
        """Pixels per PDF point."""
        return self.dpi / 72.0


_IMAGE_ROW = re.compile(r"^\s*(\d+)\s+\d+\s+image\s+(\d+)\s+(\d+)\s+.*?\s(\d+)\s+(\d+)\s+\S+\s+\S+\s*$")


def page_images(pdf: Path, *, password: str | None = None, page: int | None = None
                ) -> dict[int, list[tuple[int, int, int, int]]]:
    """``pdfimages -list``: per page, each image's ``(width, height, x-ppi, y-ppi)`` in pixels."""
    cmd = ["pdfimages", "-list"] + (["-f", str(page), "-l", str(page)] if page else [])
    cmd += poppler_passwords(password) + [str(pdf)]
    try:
        out = run_program(cmd, timeout=120).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return {}
    images: dict[int, list[tuple[int, int, int, int]]] = {}
    for row in out.splitlines():
        match = _IMAGE_ROW.match(row)
        if match:
            number, width, height, xppi, yppi = (int(match.group(i)) for i in range(1, 6))
            images.setdefault(number, []).append((width, height, xppi, yppi))
    return images


def covering_image(images: list[tuple[int, int, int, int]], page_width_pt: float,
                   page_height_pt: float) -> tuple[int, int, int, int] | None:
    """The first image of ``images`` (``pdfimages -list`` rows) that alone covers 90 % of the page (a
    scan's), else None.

    >>> covering_image([(200, 100, 72, 72), (1728, 1143, 204, 98)], 609.9, 839.8)
    (1728, 1143, 204, 98)
    >>> covering_image([(200, 100, 72, 72)], 595.4, 842.0) is None
    True
    """
    for width, height, xppi, yppi in images:
        if xppi <= 0 or yppi <= 0:
            continue
        covered = (width / xppi * 72) * (height / yppi * 72) / max(page_width_pt * page_height_pt, 1)
        if covered >= 0.9:
            return width, height, xppi, yppi
    return None


#: A page-covering image of less than this resolution is no scan to read at its own resolution: a
#: background or a screen capture (a 72-ppi overlay over a page of vector text: rendered at 72 dpi,
#: the text drawn over it was illegible to OCR). The stress corpus's roughest scans are 150 dpi.
MIN_SCAN_PPI = 120.0


def scan_resolution(pdf: Path, page: int, page_width_pt: float, page_height_pt: float,
                    *, password: str | None = None) -> float | None:
    """The resolution of the image that covers page ``page``, when the page is a scan (an image of
    ``MIN_SCAN_PPI`` or more in its finer direction), else None."""
    images = page_images(pdf, password=password, page=page).get(page, [])
    image = covering_image(images, page_width_pt, page_height_pt)
    # the finer direction decides (a standard fax is 204 × 98 ppi: a scan)
    if image is None or max(image[2], image[3]) < MIN_SCAN_PPI:
        return None
    return float(min(image[2], image[3]))


def rasterize_page(pdf: Path, page: int, page_width_pt: float, page_height_pt: float, *, dpi: int = 300,
                   password: str | None = None, timeout: float = 120) -> PageImage:
    """Page ``page`` (1-based) of ``pdf`` as grayscale pixels."""
    native = scan_resolution(pdf, page, page_width_pt, page_height_pt, password=password)
    pixels = render(pdf, page, page_width_pt, page_height_pt, dpi=native if native else float(dpi),
                    password=password, timeout=timeout)
    # the actual scale: poppler rounds the pixel size
    actual_dpi = pixels.shape[1] / (page_width_pt / 72.0)
    return PageImage(pixels, actual_dpi, native is not None)


def capped_dpi(page_width_pt: float, page_height_pt: float, dpi: float) -> float:
    """``dpi``, lowered so that the page stays within MAX_PIXELS.

    >>> capped_dpi(595, 842, 300)  # A4
    300
    >>> round(capped_dpi(14400, 14400, 300))  # 200 x 200 inches
    32
    """
    area_in = max(page_width_pt / 72.0 * page_height_pt / 72.0, 1e-6)
    if area_in * dpi * dpi > MAX_PIXELS:
        return float((MAX_PIXELS / area_in) ** 0.5)
    return dpi


def misdrawn(pdf: Path, page: int, *, password: str | None = None) -> bool:
    """Whether poppler draws page ``page`` wrong and pdfium, installed, right (``fonts.classify.misdrawn_pages``;
    worked out once per file and version of it)."""
    try:
        stat = pdf.stat()
        return page in _misdrawn_pages(str(pdf), stat.st_mtime, stat.st_size, password or "")
    except Exception:  # noqa: BLE001  (an unreadable file is poppler's to report)
        return False


@lru_cache(maxsize=32)
def _misdrawn_pages(pdf: str, _mtime: float, _size: int, password: str) -> frozenset[int]:
    import pikepdf

    from cwn_ocr.fonts.classify import misdrawn_pages
    from cwn_ocr.fonts.inventory import list_fonts

    if not pdfium_available():
        return frozenset()
    with pikepdf.open(pdf, password=password) as document:
        return misdrawn_pages(list_fonts(document))


def pdfium_available() -> bool:
    """Whether pypdfium2 can be imported."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def render_pdfium(pdf: Path, page: int, *, dpi: float, password: str | None = None) -> np.ndarray | None:
    """Page ``page`` as grayscale pixels at ``dpi``, drawn by pdfium; None when it cannot. The media box is
    drawn, as poppler draws it (``pdftoppm``) and as poppler's boxes place the layer's words: pdfium alone
    would draw the crop box, and on a cropped page every line cut from its image would stand off its row.
    (pdfium is not thread-safe: one call at a time per process.)"""
    import numpy as np

    try:
        import pypdfium2 as pdfium

        with _PDFIUM:
            document = pdfium.PdfDocument(str(pdf), password=password or None)
            try:
                drawn = document[page - 1]
                drawn.set_cropbox(*drawn.get_mediabox())  # (in the document open here, not in the file)
                bitmap = drawn.render(scale=dpi / 72.0, grayscale=True)
                pixels = np.array(bitmap.to_numpy(), dtype=np.uint8)
            finally:
                document.close()
    except Exception:  # noqa: BLE001  (poppler's image then, as for every other page)
        return None
    return pixels[:, :, 0] if pixels.ndim == 3 else pixels


_PDFIUM = threading.Lock()


def render(pdf: Path, page: int, page_width_pt: float, page_height_pt: float, *, dpi: float,
           password: str | None = None, timeout: float = 120) -> np.ndarray:
    """Page ``page`` as grayscale pixels at ``dpi`` (lowered when the page would exceed MAX_PIXELS);
    pdfium's where poppler would draw it wrong (``misdrawn``)."""
    import numpy as np
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError

    chosen = capped_dpi(page_width_pt, page_height_pt, dpi)
    if misdrawn(pdf, page, password=password):
        drawn = render_pdfium(pdf, page, dpi=int(chosen + 1e-6), password=password)
        if drawn is not None:
            return drawn
    try:
        extra: dict[str, Any] = {"userpw": password, "ownerpw": password} if password else {}
        # pdf2image takes whole seconds: rounded up (int() made 0.5 s no time at all)
        images = convert_from_path(str(pdf), dpi=int(chosen + 1e-6), first_page=page, last_page=page, grayscale=True,
                                   timeout=max(1, math.ceil(timeout)), thread_count=1, **extra)
    except PDFInfoNotInstalledError as exc:
        raise MissingDependencyError("poppler (pdftoppm, pdfinfo) is not installed",
                                     advice="install it with: apt-get install poppler-utils") from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise BadInputError(f"poppler cannot render it ({exc})", path=pdf, page=page) from exc
    except (PDFPopplerTimeoutError, subprocess.TimeoutExpired) as exc:  # (pdf2image's own, having killed poppler)
        raise BadInputError(f"rendering took longer than {timeout:g} s", path=pdf, page=page) from exc
    if not images:
        raise BadInputError("poppler rendered nothing", path=pdf, page=page)
    return np.asarray(images[0].convert("L"), dtype=np.uint8)


def render_pages(pdf: Path, pages: dict[int, tuple[float, float]], *, dpi: float, password: str | None = None,
                 timeout: float = 120, jobs: int | None = None) -> dict[int, np.ndarray]:
    """Several pages (number -> size in points) as grayscale pixels at ``dpi``: one ``pdftoppm``
    run per stretch of consecutive pages instead of one per page (a poppler start-up and a
    ``pdfinfo`` each), ``jobs`` runs at once (default: one per core). Pages that would exceed
    MAX_PIXELS go through ``render`` at a lower resolution. Pages poppler cannot render are
    left out."""
    import cv2

    out: dict[int, np.ndarray] = {}
    plain = sorted(n for n, (w, h) in pages.items() if capped_dpi(w, h, dpi) == dpi)
    for number in sorted(set(pages) - set(plain)):
        try:
            out[number] = render(pdf, number, *pages[number], dpi=dpi, password=password, timeout=timeout)
        except (BadInputError, MissingDependencyError):
            pass
    stretches: list[list[int]] = []
    for number in plain:
        if stretches and number == stretches[-1][-1] + 1:
            stretches[-1].append(number)
        else:
            stretches.append([number])
    workers = max(1, min(jobs or os.cpu_count() or 1, len(plain)))
    size = -(-len(plain) // workers)  # long stretches are cut so that every core renders
    pieces = [stretch[i:i + size] for stretch in stretches for i in range(0, len(stretch), size)]

    def run(k: int, piece: list[int], folder: str) -> dict[int, np.ndarray]:
        cmd = ["pdftoppm", "-f", str(piece[0]), "-l", str(piece[-1]), "-r", str(int(dpi)), "-gray"]
        cmd += poppler_passwords(password) + [str(pdf), f"{folder}/s{k}"]
        try:
            run_program(cmd, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            return {}
        images = {}
        for path in Path(folder).glob(f"s{k}-*.pgm"):
            number = int(path.stem.rsplit("-", 1)[1])
            pixels = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if pixels is not None and number in pages:
                images[number] = pixels
        return images

    with tempfile.TemporaryDirectory(prefix="cwn-render-") as tmp, ThreadPoolExecutor(workers) as pool:
        for images in pool.map(lambda item: run(item[0], item[1], tmp), enumerate(pieces)):
            out.update(images)
    return out
