"""One garbled page from pixels to checked OCR lines in PDF points: rasterize, prepare, OCR,
check every reading with the garble detector and re-read the lines it flags.

Tesseract's chi_sim+eng mode sometimes reads a run of Han characters as Latin pseudo-words
even on a clean page (measured: ``生态环境管控和生态保护红线等空间管控`` -> ``SAMRBRMNEARPARSTSE``);
such lines are cropped and read again as a single line, with and without the English model,
and the reading the detector likes best (then the more confident one) is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from cwn_ocr.errors import OcrError
from cwn_ocr.garble import judge_line
from cwn_ocr.model import BBox, Line, Word
from cwn_ocr.ocr import OcrSettings, read_lines
from cwn_ocr.preprocess import Prepared, prepare
from cwn_ocr.raster import rasterize_page
from cwn_ocr.tessdata import find_tessdata
from cwn_ocr.textfix import fix_text


@dataclass(frozen=True)
class PageOcr:
    lines: tuple[Line, ...]  # in PDF points, text-fixed, in Tesseract's reading order
    dpi: float
    scanned: bool
    rereads: int  # lines read again
    improved: int  # of those, lines whose second reading was kept
    seconds: float
    second: tuple[Line, ...] = ()  # an independent second reading of the page, when asked for


def _quality(line: Line) -> tuple[int, float, float]:
    """Sort key, best first: fewer garbled characters, then higher confidence."""
    verdict = judge_line(line.text)
    return (verdict.label.rank if verdict.label.rank == 2 else 0, verdict.score, -(line.confidence or 0.0))


def _crop(image: np.ndarray, box: BBox, *, pad: int = 12) -> tuple[np.ndarray, float, float]:
    """The box with a margin of half its height, on a white border; and the crop's origin."""
    margin = max(4.0, box.height * 0.5)
    h, w = image.shape[:2]
    x0, y0 = max(0, int(box.x0 - margin)), max(0, int(box.y0 - margin * 0.6))
    x1, y1 = min(w, int(box.x1 + margin)), min(h, int(box.y1 + margin * 0.6))
    crop = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), 255, np.uint8)
    crop[pad:pad + y1 - y0, pad:pad + x1 - x0] = image[y0:y1, x0:x1]
    return crop, x0 - pad, y0 - pad


def _shift(line: Line, dx: float, dy: float) -> Line:
    words = tuple(Word(w.text, BBox(w.bbox.x0 + dx, w.bbox.y0 + dy, w.bbox.x1 + dx, w.bbox.y1 + dy), w.confidence)
                  for w in line.words)
    return Line.from_words(words) if words else line


def reread(image: np.ndarray, line: Line, settings: OcrSettings) -> Line:
    """The best of the first reading and single-line re-readings of the line's crop."""
    crop, dx, dy = _crop(image, line.bbox)
    languages = [settings.lang]
    if "chi_sim" in settings.lang and settings.lang != "chi_sim" and "chi_sim" in find_tessdata().languages:
        languages.append("chi_sim")
    candidates = [line]
    for lang in languages:
        # measured on a line Tesseract had read as "Lilt IKHMSA Ret.": as one block (psm 6) the
        # crop came out nearly right, as one line (psm 7) much worse; both are tried
        for psm in (6, 7):
            readings = [_shift(c, dx, dy) for c in read_lines(crop, settings, lang=lang, psm=psm)]
            if readings:
                candidates.append(Line.from_words([w for r in readings for w in r.words]))
    return min(candidates, key=_quality)


def _to_points(line: Line, prepared: Prepared, scale: float) -> Line:
    words = []
    for word in line.words:
        corners = [prepared.to_input(p) for p in ((word.bbox.x0, word.bbox.y0), (word.bbox.x1, word.bbox.y0),
                                                   (word.bbox.x0, word.bbox.y1), (word.bbox.x1, word.bbox.y1))]
        box = BBox(min(c[0] for c in corners) / scale, min(c[1] for c in corners) / scale,
                   max(c[0] for c in corners) / scale, max(c[1] for c in corners) / scale)
        words.append(Word(word.text, box, word.confidence))
    return Line.from_words(words)


def ocr_page(pdf: Path, number: int, width: float, height: float, *, dpi: int, settings: OcrSettings,
             password: str | None = None, second_reading: bool = False) -> PageOcr:
    """Rasterize page ``number`` and return its checked OCR lines (runs in a worker process).

    With ``second_reading`` the page is also read with the Chinese model alone, for voting
    against a previous OCR layer (``vote``)."""
    started = time.perf_counter()
    deadline = started + settings.timeout

    def remaining() -> OcrSettings:
        """The settings with what is left of the page's time as the next call's timeout."""
        left = deadline - time.perf_counter()
        if left <= 0:
            raise OcrError(f"OCR of the page took longer than {settings.timeout:.0f} s (--page-timeout)",
                           path=pdf, page=number)
        return replace(settings, timeout=left)

    page = rasterize_page(pdf, number, width, height, dpi=dpi, password=password, timeout=settings.timeout)
    prepared = prepare(page.pixels, scanned=page.scanned)
    try:
        lines = read_lines(prepared.image, remaining())
    except OcrError as exc:
        raise OcrError(exc.message, path=pdf, page=number) from exc
    checked, rereads, improved = [], 0, 0
    for line in lines:
        if judge_line(line.text).label.rank == 2:
            rereads += 1
            try:
                better = reread(prepared.image, line, remaining())
            except OcrError:
                better = line  # out of time or a failed re-read: the first reading stands
            improved += better is not line
            line = better
        text, _steps = fix_text(line.text)
        pts = _to_points(line, prepared, page.scale)
        checked.append(Line(text, pts.bbox, pts.words, pts.confidence))
    second: list[Line] = []
    if second_reading and "chi_sim" in find_tessdata().languages:
        try:
            for line in read_lines(prepared.image, remaining(), lang="chi_sim"):
                pts = _to_points(line, prepared, page.scale)
                second.append(Line(fix_text(line.text)[0], pts.bbox, pts.words, pts.confidence))
        except OcrError:
            second = []  # out of time: vote with one reading
    return PageOcr(tuple(checked), page.dpi, page.scanned, rereads, improved, time.perf_counter() - started,
                   tuple(second))
