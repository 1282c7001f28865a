"""One garbled page from pixels to checked OCR lines in PDF points: rasterize, prepare, OCR,
check every reading with the garble detector and re-read the lines it flags.

Tesseract's chi_sim+eng mode sometimes reads a run of Han characters as Latin pseudo-words
even on a clean page (measured: ``生态环境管控和生态保护红线等空间管控`` -> ``SAMRBRMNEARPARSTSE``);
such lines are cropped and read again as a single line, with and without the English model,
and the reading the detector likes best (then the more confident one) is kept.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from cwn_ocr.errors import OcrError
from cwn_ocr.layer.garble import LATIN_TOKEN, judge_line
from cwn_ocr.layer.textfix import fix_text
from cwn_ocr.model import BBox, Line, PageOcr, Word
from cwn_ocr.ocr.prepare import Prepared, prepare
from cwn_ocr.ocr.raster import rasterize_page
from cwn_ocr.ocr.tessdata import find_tessdata
from cwn_ocr.ocr.tesseract import OcrSettings, read_lines, read_stacked, shift


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


def read_chinese_first(images: list[np.ndarray], settings: OcrSettings) -> list[list[Line]]:
    """``read_stacked`` for images of mostly Chinese text, faster: all of them with the Chinese
    model alone (measured: 1.9 s against 3.0 s with chi_sim+eng on one page), then only the lines
    in which it saw Latin words again, with every language, in one more call. A line read again
    keeps only what lies on it (not bits of its neighbours caught in the crop's margin)."""
    extra = settings.lang != "chi_sim" and "chi_sim" in settings.lang.split("+")
    if not extra or "chi_sim" not in find_tessdata().languages:
        return read_stacked(images, settings, gap=_GAP)
    readings = read_stacked(images, settings, lang="chi_sim", gap=_GAP)
    latin = [(k, i) for k, lines in enumerate(readings) for i, line in enumerate(lines)
             if LATIN_TOKEN.search(line.text)]
    crops = [_crop(images[k], readings[k][i].bbox) for k, i in latin]
    again = read_stacked([crop for crop, _, _ in crops], settings, gap=_GAP)
    for (k, i), (_, dx, dy), lines in zip(latin, crops, again):
        old = readings[k][i].bbox
        words = [w for line in lines for w in shift(line, dx, dy).words
                 if old.y0 <= (w.bbox.y0 + w.bbox.y1) / 2 <= old.y1]
        if words:
            readings[k][i] = Line.from_words(words)
    return readings


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
            readings = [shift(c, dx, dy) for c in read_lines(crop, settings, lang=lang, psm=psm)]
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


#: A band with less ink than this (share of dark pixels) holds no text: the layer's boxes are wrong.
MIN_INK = 0.002
_GAP = 24  # white pixels between stacked bands


def text_profile(ink: np.ndarray, *, stroke: int) -> np.ndarray:
    """Dark pixels per row of a binary ink mask, not counting vertical strokes longer than
    ``stroke`` pixels (rules, frames, a scan's dark edge), which would join every text line
    they cross into one.

    >>> ink = np.zeros((60, 40), np.uint8)
    >>> ink[10:14, 5:30] = ink[40:44, 5:30] = 1  # two lines of text
    >>> ink[:, 35] = 1  # a vertical rule
    >>> ink_runs(text_profile(ink, stroke=20))
    [(10, 14), (40, 44)]
    """
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(3, stroke), 1), np.uint8))
    return np.count_nonzero(ink & ~rules.astype(bool), axis=1)


def ink_runs(profile: np.ndarray, *, floor: int = 2) -> list[tuple[int, int]]:
    """Half-open ``(top, bottom)`` runs of pixel rows with ink (more than ``floor`` dark pixels):
    on a deskewed page, its text lines.

    >>> ink_runs(np.array([0, 5, 6, 0, 0, 9, 0]))
    [(1, 3), (5, 6)]
    """
    inked = np.concatenate(([False], profile > floor, [False]))
    edges = np.flatnonzero(inked[1:] != inked[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def band_rows(runs: list[tuple[int, int]], top: float, bottom: float, height: int) -> tuple[int, int]:
    """The pixel rows to crop for a band planned from ``top`` to ``bottom``: the text lines
    (``runs``) whose middle lies in the band, each whole, with half the gap to the next line
    around them, so that no neighbouring line is cut through (the layer's boxes of a skewed
    scan overlap their neighbours); never more than half the band's height beyond it (a run
    that tall is not one line). The planned rows when no line is found.

    >>> band_rows([(10, 30), (40, 60), (70, 90)], 35.0, 66.0, 100)
    (35, 65)
    >>> band_rows([(0, 100)], 35.0, 66.0, 100)  # one run over everything: at most half a band more
    (19, 82)
    """
    slack = (bottom - top) / 2
    inside = [k for k, (a, b) in enumerate(runs) if top <= (a + b) / 2 <= bottom]
    if not inside:
        y0 = min(height, max(0, int(top)))
        return y0, max(y0, min(height, int(bottom) + 1))
    first, last = inside[0], inside[-1]
    above = runs[first - 1][1] if first > 0 else 0
    below = runs[last + 1][0] if last + 1 < len(runs) else height
    y0 = max((runs[first][0] + above + 1) // 2, int(top - slack), 0)
    y1 = min((runs[last][1] + below + 1) // 2, int(bottom + slack) + 1, height)
    return y0, max(y0, y1)


def _read_bands(prepared: Prepared, scale: float, regions: tuple[BBox, ...], settings: OcrSettings
                ) -> tuple[list[Line], str]:
    """OCR the ``regions`` (PDF points) of the prepared page with one stack; lines in prepared
    pixels. The reason to read the whole page instead, when the page image contradicts the
    layer's geometry (a band without ink, or most bands reading as nothing), else ""."""
    h, w = prepared.image.shape[:2]
    ppi = scale * 72 / max(1e-6, float(np.hypot(prepared.matrix[0, 0], prepared.matrix[1, 0])))
    profiles: dict[tuple[int, int], list[tuple[int, int]]] = {}
    crops, origins = [], []
    for box in regions:
        corners = [prepared.from_input((x * scale, y * scale)) for x, y in
                   ((box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1))]
        x0, x1 = max(0, int(min(c[0] for c in corners))), min(w, int(max(c[0] for c in corners)) + 1)
        middle = (box.x0 + box.x1) / 2 * scale  # where a skewed band's edges are where they were planned
        top, bottom = (prepared.from_input((middle, y * scale))[1] for y in (box.y0, box.y1))
        if (x0, x1) not in profiles:  # rules longer than 0.4 inch are not text
            ink = (prepared.image[:, x0:x1] < 128).astype(np.uint8)
            profiles[(x0, x1)] = ink_runs(text_profile(ink, stroke=int(0.4 * ppi))) if x1 > x0 else []
        y0, y1 = band_rows(profiles[(x0, x1)], top, bottom, h)
        crop = prepared.image[y0:y1, x0:x1]
        if crop.size == 0 or np.count_nonzero(crop < 128) < MIN_INK * crop.size:
            return [], f"no ink where the layer has text (y {box.y0:.0f}-{box.y1:.0f} pt)"
        crops.append(crop)
        origins.append((x0, y0))
    readings = read_chinese_first(crops, settings)
    if sum(1 for lines in readings if not lines) * 2 > len(readings):
        return [], "most bands read as nothing"
    return [shift(line, x, y) for (x, y), lines in zip(origins, readings) for line in lines], ""


def ocr_page(pdf: Path, number: int, width: float, height: float, *, dpi: int, settings: OcrSettings,
             password: str | None = None, second_reading: bool = False, regions: tuple[BBox, ...] = ()) -> PageOcr:
    """Rasterize page ``number`` and return its checked OCR lines (runs in a worker process).

    With ``regions`` (PDF points) only those parts of the page are read (``regions``), unless
    the page image shows the layer's boxes are wrong: then the whole page is, and ``note``
    says why. With ``second_reading`` the page is also read with the Chinese model alone, for
    voting against a previous OCR layer (``vote``)."""
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
    note = ""
    lines: list[Line] = []
    try:
        if regions:
            lines, note = _read_bands(prepared, page.scale, regions, remaining())
        if not regions or note:
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
                   tuple(second), note)
