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
from rapidfuzz import fuzz

from cwn_ocr.columns import plan_columns
from cwn_ocr.errors import MissingDependencyError, OcrError
from cwn_ocr.layer.charsets import HAN, is_ideograph, squeeze
from cwn_ocr.layer.garble import LATIN_TOKEN, judge_line
from cwn_ocr.layer.textfix import fix_text
from cwn_ocr.model import BBox, Line, PageOcr, Reading, Word, distinct
from cwn_ocr.ocr.bullets import (
    ON_A_BULLET,
    SQUARES,
    Bullet,
    leading_bullet,
    misread,
    shown,
    squares_by_page,
    with_bullet,
)
from cwn_ocr.ocr.engines import CORROBORATED, SURE_ALONE, corroborated, surely_read
from cwn_ocr.ocr.engines.choose import (
    PP_UNSURE,
    choose,
    kept_despite_marks,
    settled_beside,
    tesseract_settles,
    widen,
    widths_taken,
    widths_unread,
    with_mark_widths,
)
from cwn_ocr.ocr.engines.told import joined
from cwn_ocr.ocr.inkrows import SPECKS, blank_row, ink_level, ink_rows
from cwn_ocr.ocr.prepare import Prepared, prepare
from cwn_ocr.ocr.primes import read_as_primes
from cwn_ocr.ocr.raster import rasterize_page
from cwn_ocr.ocr.regions import whole_width
from cwn_ocr.ocr.script import ForeignScriptError, foreign_script
from cwn_ocr.ocr.tessdata import find_tessdata
from cwn_ocr.ocr.tesseract import OcrSettings, read_lines, read_stacked, shift


def _quality(line: Line) -> tuple[int, float, float]:
    """Sort key, best first: fewer garbled characters, then higher confidence."""
    verdict = judge_line(line.text)
    return (verdict.label.rank if verdict.label.rank == 2 else 0, verdict.score, -(line.confidence or 0.0))


def _crop(image: np.ndarray, box: BBox, *, pad: int = 12, binarized: bool = False) -> tuple[np.ndarray, float, float]:
    """The box with a margin of half its height, on a white border; and the crop's origin. With ``binarized``
    the page's pixels are thresholded first (Otsu's, over them alone: not over the white border)."""
    margin = max(4.0, box.height * 0.5)
    h, w = image.shape[:2]
    x0, y0 = max(0, int(box.x0 - margin)), max(0, int(box.y0 - margin * 0.6))
    x1, y1 = min(w, int(box.x1 + margin)), min(h, int(box.y1 + margin * 0.6))
    region = image[y0:y1, x0:x1]
    if binarized and region.size:
        _, region = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    crop = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), 255, np.uint8)
    crop[pad:pad + y1 - y0, pad:pad + x1 - x0] = region
    return crop, x0 - pad, y0 - pad


#: Margins of a line's crop for a second engine, in line heights: tight, so that no part of a
#: neighbouring line comes in (on a skewed scan Tesseract's boxes are tall already), and wide
#: enough left and right for the first and last characters.
CROP_PAD_Y, CROP_PAD_X = 0.1, 0.3
#: Margins of the crop PP-OCR's detector looks in: whole neighbouring lines may come in, it finds
#: them and only the rows whose middle is in the box are kept.
DETECT_PAD = 0.6
#: The line height (pixels) PP-OCR's detector gets to see: it costs by the pixel, and finds the
#: same lines at 48 px as at 60-90 (a degraded scan's 25 unsure lines: 0.20 s a line against 0.32,
#: the same text but for spaces and one letter); at 32 px it lost part of a line.
DETECT_HEIGHT = 48.0


def line_crop(image: np.ndarray, box: BBox, *, pad_y: float = CROP_PAD_Y, pad_x: float = CROP_PAD_X
              ) -> tuple[np.ndarray, float, float]:
    """The pixels of ``box`` with margins of ``pad_y`` and ``pad_x`` times its height (inside the
    image), and the crop's origin.

    >>> crop, dx, dy = line_crop(np.zeros((100, 200), np.uint8), BBox(50, 40, 150, 60))
    >>> crop.shape, dx, dy
    ((25, 113), 44, 38)
    """
    h, w = image.shape[:2]
    x0, y0 = max(0, int(box.x0 - pad_x * box.height)), max(0, int(box.y0 - pad_y * box.height))
    x1, y1 = min(w, int(box.x1 + pad_x * box.height) + 1), min(h, int(box.y1 + pad_y * box.height) + 1)
    return image[y0:max(y0, y1), x0:max(x0, x1)], x0, y0


def detector_crop(image: np.ndarray, box: BBox) -> tuple[np.ndarray, float, float]:
    """The crop PP-OCR's detector reads for ``box``, and its origin."""
    return line_crop(image, box, pad_y=DETECT_PAD, pad_x=DETECT_PAD)


def rows_inside(lines: list[Line], box: BBox, dx: float, dy: float, *, engine: str) -> Line:
    """The lines a detector found in a crop at ``(dx, dy)`` whose middle lies inside ``box``, as
    one line (top to bottom, left to right); the rest are neighbours caught in the margins.

    >>> rows = [Line.from_words([Word("a", BBox(0, 0, 5, 8), 90.0)]),
    ...         Line.from_words([Word("b", BBox(0, 20, 5, 28), 80.0)])]
    >>> rows_inside(rows, BBox(0, 15, 50, 35), 0, 0, engine="ppocr").text
    'b'
    """
    kept = [shift(line, dx, dy) for line in lines if box.y0 <= (line.bbox.y0 + line.bbox.y1) / 2 + dy <= box.y1]
    words = [w for line in kept for w in line.words]
    if not words:
        return Line("", box, engine=engine)
    confs = [line.confidence for line in lines if line.confidence is not None
             and box.y0 <= (line.bbox.y0 + line.bbox.y1) / 2 + dy <= box.y1]
    return replace(Line.from_words(words), engine=engine, confidence=sum(confs) / len(confs) if confs else None,
                   choice=joined([line.choice for line in kept]))


def rows_apart(lines: list[Line], box: BBox, dx: float, dy: float, *, height: float) -> list[Line]:
    """The detector's lines (found in a crop at ``(dx, dy)``) whose middle lies inside ``box``, each
    a line of its own, top to bottom, when there are two or more printed lines there: rows of at
    least half the page's line ``height``, none overlapping another by more than a third of its
    height (pieces of one line side by side are not two lines). Otherwise none.

    >>> rows = [Line.from_words([Word("是数据库", BBox(0, 0, 80, 20), 99.0)]),
    ...         Line.from_words([Word("者。", BBox(0, 26, 30, 46), 98.0)])]
    >>> [line.text for line in rows_apart(rows, BBox(0, 0, 90, 50), 0, 0, height=20)]
    ['是数据库', '者。']
    >>> rows_apart(rows[:1], BBox(0, 0, 90, 50), 0, 0, height=20)
    []
    """
    kept = sorted((shift(line, dx, dy) for line in lines if line.text.strip()
                   and box.y0 <= (line.bbox.y0 + line.bbox.y1) / 2 + dy <= box.y1
                   and line.bbox.height >= height / 2), key=lambda line: line.bbox.y0)
    for above, below in zip(kept, kept[1:]):
        if above.bbox.y1 - below.bbox.y0 > min(above.bbox.height, below.bbox.height) / 3:
            return []
    return kept if len(kept) >= 2 else []


def _holds(box: BBox, row: BBox) -> bool:
    """Whether ``box`` holds most of ``row``'s height and some of its width."""
    return min(box.y1, row.y1) - max(box.y0, row.y0) >= row.height / 2 and min(box.x1, row.x1) > max(box.x0, row.x0)


def words_by_row(line: Line, rows: list[Line]) -> list[Line]:
    """``line``'s words given to the row (of ``rows``) whose height holds their middle, each row's as
    a line of its own (an empty one where none falls); a word over two rows is neither's.

    >>> line = Line.from_words([Word("a", BBox(0, 0, 5, 10)), Word("b", BBox(0, 30, 5, 40)),
    ...                         Word("ab", BBox(0, 0, 5, 40))])
    >>> rows = [Line("x", BBox(0, 0, 9, 12)), Line("y", BBox(0, 28, 9, 40))]
    >>> [part.text for part in words_by_row(line, rows)]
    ['a', 'b']
    """
    parts: list[list[Word]] = [[] for _ in rows]
    for word in line.words:
        k = _row_of(word, rows)
        if k is not None:
            parts[k].append(word)
    return [replace(Line.from_words(words), engine=line.engine) if words else Line("", row.bbox, engine=line.engine)
            for words, row in zip(parts, rows)]


def lost_words(line: Line, rows: list[Line]) -> list[Word]:
    """``line``'s words that no row holds (``words_by_row``) and that do not run over two of them
    either (a word Tesseract made of both lines' ink is theirs, not lost): text splitting the line
    into ``rows`` would drop.

    >>> rows = [Line("x", BBox(0, 0, 9, 12)), Line("y", BBox(0, 28, 9, 40))]
    >>> line = Line.from_words([Word("a", BBox(0, 0, 5, 10)), Word("ab", BBox(0, 2, 5, 38))])
    >>> lost_words(line, rows)
    []
    >>> [w.text for w in lost_words(Line.from_words([Word("c", BBox(0, 50, 5, 60))]), rows)]
    ['c']
    """
    def over(word: Word) -> int:
        return sum(1 for row in rows if min(row.bbox.y1, word.bbox.y1) > max(row.bbox.y0, word.bbox.y0))

    return [word for word in line.words if _row_of(word, rows) is None and over(word) < 2]


def _row_of(word: Word, rows: list[Line]) -> int | None:
    """The first of ``rows`` whose height holds ``word``'s middle."""
    middle = (word.bbox.y0 + word.bbox.y1) / 2
    return next((k for k, row in enumerate(rows) if row.bbox.y0 <= middle <= row.bbox.y1), None)


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
    """The best of the first reading and single-line re-readings of the line's crop by Tesseract.
    A re-reading Tesseract fails on (Debian's 5.3.0 dies of a floating-point exception with
    ``--psm 7`` on some crops, every time on the same ones) is left out, the others still count;
    a timeout ends the re-reading with what it has.

    A line PP-OCR read surely without a Han character has none: a re-reading that brings Han in is Tesseract's
    Chinese model reading symbols (pdfminer's issue-1061, a paper on privacy: ``A : E →`` re-read ``4 : 媚作``
    and kept, because the detector flags the arrow and not the Han) and is no candidate; nor is one that reads
    other letters and digits (``same_letters``: ``∀e ∃d : |x − y| < d`` re-read ``Ve 46 : |x — y| < 6``, which the
    detector liked better). One that reads them alike but for spaces and marks is (PyMuPDF test_3362's Polish
    ``2.Administrator danychosobowychwyznaczyt`` at 98, re-read ``2. Administrator danych osobowych wyznaczyt``)."""
    crop, dx, dy = _crop(image, line.bbox)
    no_han = line.engine == "ppocr" and (line.confidence or 0.0) >= PP_UNSURE and not HAN.search(line.text)
    languages = [settings.lang]
    if "chi_sim" in settings.lang and settings.lang != "chi_sim" and "chi_sim" in find_tessdata().languages \
            and not no_han:
        languages.append("chi_sim")
    candidates = [line]
    failures = []
    deadline = time.perf_counter() + settings.timeout
    for lang in languages:
        # measured on a line Tesseract had read as "Lilt IKHMSA Ret.": as one block (psm 6) the
        # crop came out nearly right, as one line (psm 7) much worse; both are tried
        for psm in (6, 7):
            try:
                readings = [shift(c, dx, dy) for c in read_lines(crop, settings, lang=lang, psm=psm)]
            except OcrError as exc:
                if time.perf_counter() >= deadline:  # out of time: the caller keeps the first reading
                    raise
                failures.append(f"--psm {psm} -l {lang}: {exc.message}")
                continue
            if readings:
                candidates.append(replace(Line.from_words([w for r in readings for w in r.words]),
                                          engine="tesseract"))
    if no_han:  # only a reading of the same letters and digits, without Han, may stand for it
        candidates = [c for c in candidates
                      if c is line or (not HAN.search(c.text) and same_letters(c.text, line.text))]
    best = min(candidates, key=_quality)
    if failures and best is not line:
        return replace(best, choice="; ".join(failures))
    return best


#: How alike (rapidfuzz ratio, 0-100) two readings' letters and digits are to be the same (``same_letters``).
SAME_LETTERS = 90.0


def same_letters(text: str, other: str) -> bool:
    """Whether two readings of a line read the same letters and digits (``SAME_LETTERS``), whatever their spaces
    and marks.

    >>> same_letters("2. Administrator danych osobowych", "2.Administrator danychosobowych")
    True
    >>> same_letters("Ve 46 : |x — y| < 6 = |f(x) — fly)|", "∀e ∃d : |x − y| < d ⇒ |f(x) − f(y)|")
    False
    """
    mine = "".join(c for c in text.casefold() if c.isalnum())
    theirs = "".join(c for c in other.casefold() if c.isalnum())
    return fuzz.ratio(mine, theirs) >= SAME_LETTERS


#: A line PP-OCR read surely with fewer visible characters than this is added where no layer line stands for it
#: only when Tesseract reads it alike (``merge.splice.decide_orphan``: a page footer ``- 1 -``).
WITNESS_LENGTH = 4


def wants_witness(line: Line) -> bool:
    """Whether Tesseract reads the line's crop again, binarized (``witnessed``), where it is ``alone`` in its band:
    PP-OCR read it surely and it is short (under ``WITNESS_LENGTH`` visible characters, ``CORROBORATED`` at least),
    and Tesseract's reading of the page read nothing like it. On a scan's paper, a line alone in its stretch of
    white (a page footer) is what Tesseract's own binarization fails on: the grain of a crop that is mostly paper
    becomes ink.

    >>> from cwn_ocr.model import BBox
    >>> footer = Line("-1-", BBox(0, 0, 1, 1), confidence=99.6, engine="ppocr",
    ...               alternatives=(Reading("tesseract", "区", 1.0),))
    >>> [wants_witness(line) for line in (footer, replace(footer, confidence=90.0), replace(footer, text="-1-2"))]
    [True, False, False]
    """
    visible = sum(1 for char in line.text if not char.isspace())
    return (line.engine == "ppocr" and (line.confidence or 0.0) >= SURE_ALONE
            and CORROBORATED <= visible < WITNESS_LENGTH and not corroborated(line) and not surely_read(line))


def alone(line: Line, lines: list[Line]) -> bool:
    """Whether no other of the page's ``lines`` comes within the line's own height of it, above, below or beside:
    a page footer or number in its stretch of white, not a table's cell, whose readings the vote on the row weighs
    (pdfplumber's pr-136: Tesseract reading the header cell ``被担保`` again held back PP-OCR's ``单位``, the line
    below it in the cell, which the old layer lacks).

    >>> from cwn_ocr.model import BBox
    >>> cell, below = Line("被担保", BBox(0, 0, 30, 10)), Line("单位", BBox(0, 12, 20, 22))
    >>> alone(cell, [cell, below]), alone(cell, [cell, Line("第1页", BBox(0, 30, 30, 40))])
    (False, True)
    """
    top, bottom = line.bbox.y0 - line.bbox.height, line.bbox.y1 + line.bbox.height
    return not any(other is not line and other.bbox.y1 > top and other.bbox.y0 < bottom for other in lines)


def witnessed(image: np.ndarray, line: Line, settings: OcrSettings) -> Line:
    """``line`` with Tesseract's reading of its crop binarized (Otsu's threshold over the crop alone, then a white
    border) in place of Tesseract's reading of the page, where that reading has letters or digits; the line as it
    was where Tesseract fails or reads nothing. Measured on seed 1's degraded_06 footer: ``2``, ``feats``, ``pas``
    as the page, the crop and the crop with its paper flattened gave it to Tesseract; ``-1-`` binarized."""
    pad = 12
    crop, _, _ = _crop(image, line.bbox, pad=pad, binarized=True)
    if min(crop.shape) <= 2 * pad:  # no pixel of the page in it
        return line
    try:
        found = read_lines(crop, settings, psm=7)
    except OcrError:
        return line
    text = " ".join(found_line.text for found_line in found).strip()
    if not any(char.isalnum() for char in text):
        return line
    confidence = sum(found_line.confidence or 0.0 for found_line in found) / len(found)
    kept = tuple(other for other in line.alternatives if other.engine != "tesseract")
    return replace(line, alternatives=(Reading("tesseract", text, confidence),) + kept,
                   choice=f"{line.choice}; Tesseract read the crop binarized: {text!r}".lstrip("; "))


def worth_rereading(line: Line) -> bool:
    """Whether Tesseract reads the line's crop again (``reread``): the detector calls the kept reading garbled.
    Not a line both engines read alike, which is the image's text (Tesseract alone reading it again could only
    make it look tidier, not truer), nor a sure PP-OCR's Chinese line flagged for a stray symbol only
    (``choose.kept_despite_marks``).

    >>> from cwn_ocr.model import BBox
    >>> line = Line("使用头标(~G)和八进制", BBox(0, 0, 1, 1), confidence=98.0, engine="ppocr")
    >>> worth_rereading(line), worth_rereading(replace(line, choice="agree: both read it the same"))
    (True, False)
    >>> worth_rereading(replace(line, alternatives=(Reading("tesseract", "使用头标 (*G) 和和八进制", 81.0),)))
    False
    """
    return judge_line(line.text).label.rank == 2 and not corroborated(line) and not kept_despite_marks(line)


def _to_points(line: Line, prepared: Prepared, scale: float) -> Line:
    words = []
    for word in line.words:
        corners = [prepared.to_input(p) for p in ((word.bbox.x0, word.bbox.y0), (word.bbox.x1, word.bbox.y0),
                                                   (word.bbox.x0, word.bbox.y1), (word.bbox.x1, word.bbox.y1))]
        box = BBox(min(c[0] for c in corners) / scale, min(c[1] for c in corners) / scale,
                   max(c[0] for c in corners) / scale, max(c[1] for c in corners) / scale)
        words.append(Word(word.text, box, word.confidence))
    if not words:
        return replace(line, bbox=BBox(0, 0, 0, 0))
    points = Line.from_words(words)
    return replace(line, bbox=points.bbox, words=points.words)


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


def slice_rows(runs: list[tuple[int, int]], top: float, bottom: float, height: int, *, first: bool,
               last: bool) -> tuple[int, int]:
    """The pixel rows of a slice of the page planned from ``top`` to ``bottom``: the text lines (``runs``)
    whose middle lies in it (a line on the planned cut is the lower slice's), cut halfway between them and
    the next lines either side, so that the slices above and below, planned at the same rows, take every
    line whole and once; the page's edge where the slice is the ``first`` or the ``last``. A slice with no
    line's middle in it keeps its planned rows, short of the lines its neighbours take.

    >>> runs = [(10, 30), (40, 60), (70, 90)]
    >>> slice_rows(runs, 0.0, 45.0, 100, first=True, last=False), slice_rows(runs, 45.0, 100.0, 100, first=False,
    ...                                                                        last=True)
    ((0, 35), (35, 100))
    >>> slice_rows([], 20.0, 60.0, 100, first=False, last=False), slice_rows(runs, 32.0, 38.0, 100, first=False,
    ...                                                                        last=False)
    ((20, 61), (32, 39))
    """
    inside = [k for k, (a, b) in enumerate(runs) if (first or top <= (a + b) / 2) and (last or (a + b) / 2 < bottom)]
    if not inside:  # no line of ink here (grey text the profile misses, or a layer off the image): the planned
        # rows are read, short of the lines the slices either side take
        y0 = 0 if first else min(height, max(0, int(top)))
        y1 = height if last else min(height, int(bottom) + 1)
        for a, b in runs:
            if not first and (a + b) / 2 < top and b > y0:
                y0 = b
            if not last and (a + b) / 2 >= bottom and a < y1:
                y1 = a
        return y0, max(y0, y1)
    k0, k1 = inside[0], inside[-1]
    y0 = 0 if first else (runs[k0][0] + (runs[k0 - 1][1] if k0 > 0 else 0) + 1) // 2
    y1 = height if last else (runs[k1][1] + (runs[k1 + 1][0] if k1 + 1 < len(runs) else height) + 1) // 2
    return y0, max(y0, y1)


def _text_lines(prepared: Prepared, scale: float, x0: int, x1: int) -> list[tuple[int, int]]:
    """The text lines (``ink_runs``) of the prepared page's columns ``x0`` to ``x1`` (pixels); rules longer
    than 0.4 inch are not text."""
    ppi = scale * 72 / max(1e-6, float(np.hypot(prepared.matrix[0, 0], prepared.matrix[1, 0])))
    return ink_runs(text_profile((prepared.image[:, x0:x1] < 128).astype(np.uint8), stroke=int(0.4 * ppi)))


def _read_bands(prepared: Prepared, scale: float, regions: tuple[BBox, ...], settings: OcrSettings,
                *, chinese_only: bool = False) -> tuple[list[Line], str]:
    """OCR the ``regions`` (PDF points) of the prepared page with one stack; lines in prepared
    pixels. The reason to read the whole page instead, when the page image contradicts the
    layer's geometry (a band without ink, or most bands reading as nothing), else ""."""
    h, w = prepared.image.shape[:2]
    profiles: dict[tuple[int, int], list[tuple[int, int]]] = {}
    crops, origins = [], []
    for box in regions:
        corners = [prepared.from_input((x * scale, y * scale)) for x, y in
                   ((box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1))]
        x0, x1 = max(0, int(min(c[0] for c in corners))), min(w, int(max(c[0] for c in corners)) + 1)
        middle = (box.x0 + box.x1) / 2 * scale  # where a skewed band's edges are where they were planned
        top, bottom = (prepared.from_input((middle, y * scale))[1] for y in (box.y0, box.y1))
        if (x0, x1) not in profiles:
            profiles[(x0, x1)] = _text_lines(prepared, scale, x0, x1) if x1 > x0 else []
        y0, y1 = band_rows(profiles[(x0, x1)], top, bottom, h)
        crop = prepared.image[y0:y1, x0:x1]
        if crop.size == 0 or np.count_nonzero(crop < 128) < MIN_INK * crop.size:
            return [], f"no ink where the layer has text (y {box.y0:.0f}-{box.y1:.0f} pt)"
        crops.append(crop)
        origins.append((x0, y0))
    if chinese_only:
        readings = read_stacked(crops, settings, lang="chi_sim", gap=_GAP)
    else:
        readings = read_chinese_first(crops, settings)
    if sum(1 for lines in readings if not lines) * 2 > len(readings):
        return [], "most bands read as nothing"
    # (rows side by side that poppler gives apart make bands of one strip: each of its lines once)
    return distinct([shift(line, x, y) for (x, y), lines in zip(origins, readings) for line in lines]), ""


def _read_whole(image: np.ndarray, settings: OcrSettings, *, lang: str) -> list[Line]:
    """The lines of a whole page, in reading order: a page with columns (``columns.plan_columns``
    over the rows of ink the image shows, ``inkrows``) is read one column at a time, with what
    lies above and below the columns (titles, footers) read across the page, all in one
    Tesseract call on the parts stacked; any other page is read whole."""
    plan = plan_columns(ink_rows(image), image.shape[1])
    if plan is None:
        return read_lines(image, settings, lang=lang)
    reach = max(1, int(plan.bottom - plan.top) // 20)
    level = ink_level(image)  # grey text above or below the columns is text too
    top = blank_row(image, max(0, int(plan.top) - 1), -1, reach, level=level)
    bottom = blank_row(image, min(image.shape[0], int(plan.bottom)), 1, reach, level=level)
    parts = [(0, 0, image[:top])] + [(int(x0), top, image[top:bottom, int(x0):int(x1)]) for x0, x1 in plan.columns]
    parts.append((0, bottom, image[bottom:]))
    parts = [(x, y, crop) for x, y, crop in parts if crop.size and np.count_nonzero(crop < level) > SPECKS]
    readings = read_stacked([crop for _, _, crop in parts], settings, lang=lang)
    return [shift(line, x, y) for (x, y, _), lines in zip(parts, readings) for line in lines]


def slice_bounds(prepared: Prepared, scale: float, regions: tuple[BBox, ...], page_height: float
                 ) -> list[tuple[int, int]]:
    """The pixel rows of each slice of the whole page (``regions``, PDF points, the page's full width: a part
    of a page read by several workers), cut where the image has a gap between two lines of ink
    (``slice_rows``), never through a printed line, whatever the old layer's boxes say: the workers reading
    the other slices cut at the same rows, so that each line is read once (the cut is planned at the page's
    middle, not from the corners of a skewed page's rows, which would make two slices share a line)."""
    h, w = prepared.image.shape[:2]
    runs = _text_lines(prepared, scale, 0, w)
    bounds = []
    for box in regions:
        middle = (box.x0 + box.x1) / 2 * scale
        planned_top, planned_bottom = (prepared.from_input((middle, y * scale))[1] for y in (box.y0, box.y1))
        bounds.append(slice_rows(runs, planned_top, planned_bottom, h, first=box.y0 <= 0,
                                 last=box.y1 >= page_height - 0.5))
    return bounds


def _read_slices(image: np.ndarray, bounds: list[tuple[int, int]], settings: OcrSettings, *,
                 lang: str) -> list[Line]:
    """The slices of the page ``image`` at the pixel rows ``bounds`` (``slice_bounds``), each read as a whole
    page is (``_read_whole``: columns one at a time)."""
    lines: list[Line] = []
    for top, bottom in bounds:
        if bottom > top:
            lines += [shift(line, 0, top) for line in _read_whole(image[top:bottom], settings, lang=lang)]
    return lines


#: With a second engine, Tesseract finds the lines with this model alone ("" for every language).
LAYOUT_LANG = "chi_sim"
#: A line box this many times taller than the page's median line holds more than one line.
TALL_BOX = 1.6


def second_engine(image: np.ndarray, lines: list[Line], *, prefer: str = "auto",
                  deadline: float | None = None, every: bool = False) -> list[Line]:
    """Tesseract's ``lines`` (prepared pixels, cwn-ocr's reading order) each read again by PP-OCR
    from a tight crop, and by PP-OCR's detector inside the box where the box holds more than one
    line or the recognizer is unsure; per line the reading ``choose`` keeps (``prefer``: "auto" or
    "ppocr"), in the same order. PP-OCR failing leaves Tesseract's lines, each saying why; so does
    the page's time running out (``deadline``, ``time.perf_counter()``) for the lines not read yet.
    With ``every`` PP-OCR reads every line, those Tesseract reads surely too (``tesseract_settles``), where
    its reading is kept only when the two agree (``settled_beside``). Without it, PP-OCR reads the lines
    Tesseract is sure of that hold a mark beside Han (``widths_unread``) for the marks' forms alone
    (``with_mark_widths``; after the other lines, which the page's time goes to first, and without the detector)."""
    from cwn_ocr.ocr.engines.ppocr import PpOcrEngine

    engine = PpOcrEngine()
    settled = [tesseract_settles(line) for line in lines]  # (judged once: asked, chosen and witnessed below)
    asked = [k for k, sure in enumerate(settled) if every or prefer == "ppocr" or not sure]
    # a settled line's punctuation beside Han: PP-OCR measures its form (``widths_unread``), nothing else
    marks_only = set() if every or prefer == "ppocr" else \
        {k for k, (line, sure) in enumerate(zip(lines, settled)) if sure and widths_unread(line)}
    asked += sorted(marks_only)
    try:
        readings: list[Line] = []
        for start in range(0, len(asked), 8):  # the page's time is looked at every few lines
            if deadline is not None and time.perf_counter() > deadline:
                asked = asked[:start]
                break
            crops = [line_crop(image, lines[k].bbox) for k in asked[start:start + 8]]
            readings += [shift(r, dx, dy) for r, (_, dx, dy) in
                         zip(engine.read_lines([c for c, _, _ in crops]), crops)]
        heights = sorted(line.bbox.height for line in lines)
        median = heights[len(heights) // 2]
        detected: list[Line | None] = []
        apart: dict[int, list[Line]] = {}  # a box over two printed lines: the lines the detector found
        for k, reading in zip(asked, readings):
            box = lines[k].bbox
            if (deadline is not None and time.perf_counter() > deadline) or k in marks_only:
                detected.append(None)
            elif box.height > TALL_BOX * median or not reading.text or (reading.confidence or 0.0) < PP_UNSURE:
                crop, dx, dy = detector_crop(image, box)
                rows = engine.read_region(crop, scale=DETECT_HEIGHT / max(1.0, min(box.height, median)))
                detected.append(rows_inside(rows, box, dx, dy, engine=engine.name))
                if box.height > TALL_BOX * median:
                    # a line another of Tesseract's boxes holds is that box's (no line read twice)
                    found = [replace(row, engine=engine.name) for row in rows_apart(rows, box, dx, dy, height=median)
                             if not any(j != k and _holds(other.bbox, row.bbox) for j, other in enumerate(lines))]
                    # and only where the rows hold every word Tesseract read in the box (none lost)
                    if len(found) >= 2 and not lost_words(lines[k], found):
                        apart[k] = found
            else:
                detected.append(None)
    except (OcrError, MissingDependencyError) as exc:  # a harmless outcome: Tesseract's readings stand
        return [replace(line, choice=f"tesseract: PP-OCR could not read the page ({exc.message})") for line in lines]
    chosen = [replace(line, choice=f"sure: Tesseract ({line.confidence or 0:.0f}), PP-OCR not asked"
                      if sure else "tesseract: out of the page's time before PP-OCR read it")
              for line, sure in zip(lines, settled)]
    for k, reading, inside in zip(asked, readings, detected):
        if k in marks_only:
            chosen[k] = with_mark_widths(lines[k], reading)
            continue
        chosen[k] = choose(lines[k], reading, detected=inside, prefer=prefer)
        if every and prefer != "ppocr" and settled[k]:  # read for the vote's second witness
            chosen[k] = settled_beside(lines[k], chosen[k])
    out: list[Line] = []
    for k, (line, tesseract) in enumerate(zip(chosen, lines)):
        if k not in apart:
            # capitals and digits the page prints full-width, from Tesseract's word boxes (no engine reads the forms)
            out.append(widen(line, tesseract))
            continue
        # one box over two printed lines (Tesseract's, on a skewed or noisy scan): read alone, the box's
        # crop gives PP-OCR's recognizer one of them; each line the detector found is a line of its own,
        # read by it and by Tesseract's words on it
        for row, part in zip(apart[k], words_by_row(tesseract, apart[k])):
            alone = f"ppocr: one of {len(apart[k])} lines PP-OCR's detector found in one box"
            one = choose(part, row, prefer=prefer) if part.text else \
                replace(row, choice=f"{alone}; {row.choice}" if row.choice else alone)
            out.append(widen(one, part))
    return out


def bulleted(image: np.ndarray, lines: list[Line]) -> list[Line]:
    """``lines`` (pixels of ``image``) with the list bullets no engine read put at their starts
    (``bullets``; the line's ``choice`` says so), and a line an engine made of a bullet alone dropped.

    Only lines with Han are looked at (a bullet's size is measured against the Han characters' height), and a small
    mark the shape calls a bullet (``•``, ``▪``, a small ``◆``) must have more than its shape for it, since one
    round speck of dust is shaped like a bullet: an engine read something of it (``。`` glued to the text, ``@@`` on
    a line of its own), or another line of the page starts with the same bullet (a square of either size for a
    square) of the same size at the same place (a list; ``_same_mark``). Where the squares the page puts out come in
    two sizes, the smaller are ``▪`` (``bullets.squares_by_page``). A large one of any shape (``Bullet.large``: 0.45
    of the text's height or more, as the fonts' ``● ■ ◆`` stand, and within the band around the line
    ``leading_bullet`` looks in) is no speck: alone on its page, with nothing read of it, it is a bullet all the
    same, where no other line stands on its ink or on its row between it and the line (``_alone_before``): on the
    stress corpus's English-layer, degraded, noisy-layer and mixed-page scans (seeds 1-6) 37 large bullets were left
    out before, 12 after, and no bullet came out where the page has none.

    >>> page = np.full((150, 300), 255, np.uint8)
    >>> for top in (15, 95):
    ...     page[top + 7:top + 21, 20:34] = 0
    ...     page[top:top + 30, 60:90] = page[top:top + 30, 100:130] = 0
    >>> items = [Line.from_words([Word("截至", BBox(60, top, 130, top + 30), 99.0)]) for top in (15, 95)]
    >>> [(line.text, line.choice) for line in bulleted(page, items)]
    [('■ 截至', 'bullet ■ told by the shape of its ink'), ('■ 截至', 'bullet ■ told by the shape of its ink')]
    >>> [line.text for line in bulleted(page, items[:1])]  # one large mark alone, nothing read of it
    ['■ 截至']
    >>> junk = Line.from_words([Word("@@", BBox(19, 21, 35, 37), 40.0)])
    >>> [line.text for line in bulleted(page, [junk, items[0]])]
    ['■ 截至']
    >>> page[22:36, 20:34] = 255; page[26:32, 24:30] = 0  # one small mark alone: a speck?
    >>> [line.text for line in bulleted(page, items[:1])]
    ['截至']
    """
    if not lines:
        return lines
    ink = image < ink_level(image)
    found = [leading_bullet(ink, line.bbox) if any(is_ideograph(c) for c in line.text) else None for line in lines]
    # a mark another line holds is that line's (a table's cell ending in ``●``), not a bullet of this one
    found = [None if bullet is not None and any(j != k and len(other.text.strip()) > 2 and _on(bullet.box, other.bbox)
                                                 for j, other in enumerate(lines)) else bullet
             for k, bullet in enumerate(found)]
    # one mark, one line: the line nearest to its right (a row Tesseract cut in two finds it from both)
    for k, bullet in enumerate(found):
        if bullet is not None and any(j != k and other is not None and other.box == bullet.box
                                      and (lines[j].bbox.x0, j) < (lines[k].bbox.x0, k)
                                      for j, other in enumerate(found)):
            found[k] = None
    # a line of its own that is what an engine made of a bullet (``@@``, ``图``, ``•``): no dot, digit or dash
    junk = [k for k, line in enumerate(lines) if found[k] is None and 0 < len(line.text.strip()) <= 2
            and all(c in ON_A_BULLET for c in line.text.strip())]
    kept: list[Bullet | None] = []
    for k, (line, bullet) in enumerate(zip(lines, found)):
        if bullet is None:
            kept.append(None)
            continue
        listed = any(j != k and _same_mark(bullet, other, line.bbox.height) for j, other in enumerate(found))
        on_it = [lines[j] for j in junk if _inside(lines[j].bbox, bullet.box)]
        alone = bullet.large and _alone_before(bullet, k, lines)
        kept.append(bullet if listed or on_it or misread(line, bullet) or alone else None)
    marked_lines = [with_bullet(line, bullet) for line, bullet in zip(lines, kept)]
    # ``▪`` beside ``■``: by their sizes, among the bullets that come out (a mark kept but left to an engine's
    # reading of it, ``12截至``, tells nothing); a line whose bullet that makes ``▪`` is marked again
    told = squares_by_page([bullet if bullet is not None and shown(marked, bullet) else None
                            for marked, bullet in zip(marked_lines, kept)])
    resized = {k for k, (bullet, new) in enumerate(zip(kept, told)) if bullet and new and new.char != bullet.char}
    kept = [new if new is not None else bullet for bullet, new in zip(kept, told)]
    marked_lines = [with_bullet(line, kept[k]) if k in resized else marked
                    for k, (line, marked) in enumerate(zip(lines, marked_lines))]
    placed = [bullet.box for line, bullet, marked in zip(lines, kept, marked_lines)
              if bullet is not None and marked is not line]
    out = []
    for k, (line, bullet, marked) in enumerate(zip(lines, kept, marked_lines)):
        if k in junk and any(_inside(line.bbox, mark) for mark in placed):
            continue  # the bullet, read as a line of its own, now at the start of the line it heads
        if marked is not line and bullet is not None:
            why = f"bullet {bullet.char} told by the shape of its ink" + (", beside the page's larger squares"
                                                                           if k in resized else "")
            marked = replace(marked, choice=f"{line.choice}; {why}" if line.choice else why)
        out.append(marked)
    return out


#: A line holds another's ink when it covers this share of the other's height and of its width.
SAME_INK = 0.8


def read_twice(lines: list[Line]) -> list[Line]:
    """``lines`` without those that are part of another line's ink read a second time: a line of two
    characters or more whose box lies within a longer line's (``SAME_INK`` of its height and of its width,
    its middle in the middle half of that line's height), whose text the characters of that line over it
    hold (each word's characters placed evenly across its box, one character's width of slack either side).
    Tesseract gives some printed lines two boxes, the whole line's and a part's (a heading in a large face:
    ``二 Ye。`` inside ``贵阳市生态环境状况公报（2018年）``, which PP-OCR then read as ``贵阳市生态环境状况``);
    kept, the part comes out twice. The line kept says so in its ``choice``.

    >>> whole = Line.from_words([Word("贵阳市生态环境状况公报（2018年）", BBox(46, 47, 304, 63))])
    >>> part = Line.from_words([Word("贵阳市生态环境状况", BBox(49, 48, 182, 58))])
    >>> [(line.text, line.choice) for line in read_twice([part, whole])]
    [('贵阳市生态环境状况公报（2018年）', 'a part of it read again as a line of its own, 贵阳市生态环境状况, dropped')]
    >>> below = Line.from_words([Word("贵阳市", BBox(49, 70, 120, 80))])  # the same words on another row
    >>> [line.text for line in read_twice([whole, below])]
    ['贵阳市生态环境状况公报（2018年）', '贵阳市']
    >>> skewed = Line.from_words([Word("推动经济社会发展", BBox(0, 0, 1500, 92))])  # a tall box on a skewed page
    >>> [line.text for line in read_twice([skewed, Line.from_words([Word("发展", BBox(20, 60, 100, 100))])])]
    ['推动经济社会发展', '发展']
    """
    def over(other: Line, box: BBox) -> str:
        """The characters of ``other``'s words whose places lie over ``box``'s columns."""
        chars = []
        for word in other.words:
            text = squeeze(word.text)
            pitch = word.bbox.width / max(1, len(text))
            chars += [c for k, c in enumerate(text)
                      if box.x0 - pitch <= word.bbox.x0 + (k + 0.5) * pitch <= box.x1 + pitch]
        return "".join(chars)

    def holds(other: Line, line: Line) -> bool:
        a, b = line.bbox, other.bbox
        text = squeeze(line.text)
        if len(text) < 2 or len(text) >= len(squeeze(other.text)) or a.height <= 0 or a.width <= 0:
            return False
        if min(a.y1, b.y1) - max(a.y0, b.y0) < SAME_INK * a.height \
                or min(a.x1, b.x1) - max(a.x0, b.x0) < SAME_INK * a.width:
            return False
        if not b.y0 + b.height / 4 <= (a.y0 + a.y1) / 2 <= b.y1 - b.height / 4:
            return False
        return text in over(other, a)

    holders = [next((k for k, other in enumerate(lines) if k != j and holds(other, line)), None)
               for j, line in enumerate(lines)]
    if all(k is None for k in holders):
        return lines
    out = []
    for k, (line, holder) in enumerate(zip(lines, holders)):
        if holder is not None:
            continue
        why = "; ".join(f"a part of it read again as a line of its own, {part.text}, dropped"
                        for part, h in zip(lines, holders) if h == k)
        out.append(replace(line, choice=f"{line.choice}; {why}" if line.choice and why else line.choice or why))
    return out


def _same_mark(bullet: Bullet, other: Bullet | None, height: float) -> bool:
    """True when ``other`` is another item's bullet of the list ``bullet`` heads a line of: the same
    character (or both squares: a square measured ``■`` against one line's text and ``▪`` against another's, which
    ``bullets.squares_by_page`` tells apart by the page's sizes where it has two), on another row, at the same place
    (within a quarter of a line's height) and of the same size (within a quarter), as a list's bullets stand;
    specks of dust match so seldom.

    >>> a, b = Bullet("■", BBox(10, 10, 29, 29), 0.45), Bullet("▪", BBox(11, 90, 29, 108), 0.32)
    >>> _same_mark(a, b, 60.0), _same_mark(Bullet("●", a.box, 0.45), Bullet("•", b.box, 0.32), 60.0)
    (True, False)
    """
    if other is None or (other.char != bullet.char and not {other.char, bullet.char} <= SQUARES) \
            or other.box.vertical_overlap(bullet.box) > 0:
        return False
    a, b = bullet.box, other.box
    return abs(a.x0 - b.x0) <= 0.25 * height and 0.75 <= a.width / max(b.width, 1.0) <= 1.33 \
        and 0.75 <= a.height / max(b.height, 1.0) <= 1.33


def _alone_before(bullet: Bullet, k: int, lines: list[Line]) -> bool:
    """True when no line but ``lines[k]`` stands on ``bullet``'s ink (an engine read something there: ``12``), nor
    on its row anywhere from the mark's left edge to where ``lines[k]`` starts (a row Tesseract cut in two: the
    mark heads the first piece).

    >>> mark = Bullet("■", BBox(10, 10, 20, 20), 0.7)
    >>> row = [Line.from_words([Word(text, BBox(x0, 8, x1, 22), 99.0)]) for text, x0, x1 in (("截", 30, 40),
    ...                                                                                      ("至今", 44, 70))]
    >>> _alone_before(mark, 0, row), _alone_before(mark, 1, row)
    (True, False)
    """
    box, mark = lines[k].bbox, bullet.box
    return not any(j != k and (_on(mark, other.bbox) or (other.bbox.x1 > mark.x0 and other.bbox.x0 < box.x0
                                                         and other.bbox.vertical_overlap(box) > 0.5))
                   for j, other in enumerate(lines))


def _on(mark: BBox, box: BBox) -> bool:
    """True when ``mark``'s middle lies inside ``box``."""
    x, y = (mark.x0 + mark.x1) / 2, (mark.y0 + mark.y1) / 2
    return box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1


def _inside(box: BBox, mark: BBox) -> bool:
    """True when ``box``'s middle lies on ``mark`` (a bullet's ink, a little wider)."""
    grow = 0.25 * max(mark.width, mark.height)
    return _on(box, BBox(mark.x0 - grow, mark.y0 - grow, mark.x1 + grow, mark.y1 + grow))


def ocr_page(pdf: Path, number: int, width: float, height: float, *, dpi: int, settings: OcrSettings,
             password: str | None = None, second_reading: bool = False, regions: tuple[BBox, ...] = (),
             engine: str = "tesseract") -> PageOcr:
    """Rasterize page ``number`` and return its checked OCR lines (runs in a worker process).

    Tesseract finds the lines (its layout, whole page or stacked bands); with ``engine`` "auto" or
    "ppocr" (resolved: installed) each line is also read by PP-OCR and the reading kept is chosen
    per line (``second_engine``; each line's ``engine``, ``choice`` and ``alternatives`` say which
    and why). A line still garbled then, and not read alike by both engines, is re-read by Tesseract
    alone, line by line.

    With ``regions`` (PDF points) only those parts of the page are read (``regions``), unless
    the page image shows the layer's boxes are wrong: then the whole page is, and ``note``
    says why. With ``second_reading`` the page (or the slices of it ``regions`` name) is also read
    with the Chinese model alone, for voting against a previous OCR layer (``vote``)."""
    started = time.perf_counter()
    deadline = started + settings.timeout

    def remaining() -> OcrSettings:
        """The settings with what is left of the page's time as the next call's timeout."""
        left = deadline - time.perf_counter()
        if left <= 0:
            raise OcrError(f"OCR of the page took longer than {settings.timeout:g} s (--page-timeout)",
                           path=pdf, page=number)
        return replace(settings, timeout=left)

    layout = settings.lang
    if engine != "tesseract" and LAYOUT_LANG and LAYOUT_LANG in settings.lang.split("+") \
            and LAYOUT_LANG in find_tessdata().languages:
        layout = LAYOUT_LANG
    page = rasterize_page(pdf, number, width, height, dpi=dpi, password=password, timeout=settings.timeout)
    prepared = prepare(page.pixels, scanned=page.scanned)
    note = ""
    lines: list[Line] = []
    sliced = bool(regions) and whole_width(regions, width)
    bounds = slice_bounds(prepared, page.scale, regions, height) if sliced else []
    try:
        if sliced:
            lines = _read_slices(prepared.image, bounds, remaining(), lang=layout)
        elif regions:
            lines, note = _read_bands(prepared, page.scale, regions, remaining(), chinese_only=layout == "chi_sim")
        if not regions or note:  # the whole page, its columns one at a time
            lines = _read_whole(prepared.image, remaining(), lang=layout)
    except OcrError as exc:
        raise OcrError(exc.message, path=pdf, page=number) from exc
    lines = [replace(line, engine="tesseract") for line in lines]
    # with a second engine the whole page (or this worker's slice of it) was read with the Chinese
    # model alone: that reading is the independent second one a previous OCR layer is voted against
    # (another Tesseract call would read the same)
    chinese = lines if layout == "chi_sim" and (sliced or not regions or note) else None
    if engine != "tesseract" and lines:
        # on a previous OCR layer voted on (``second_reading``) a layer's word gives way only to two different
        # engines reading the same (``merge.vote``): a line Tesseract alone reads, however surely, leaves the
        # layer's misreadings standing, so PP-OCR reads every line there
        lines = second_engine(prepared.image, lines, prefer=engine, deadline=deadline, every=second_reading)
        for i, line in enumerate(lines):
            if wants_witness(line) and alone(line, lines):
                try:
                    lines[i] = witnessed(prepared.image, line, remaining())
                except OcrError:  # out of time: the line as read
                    pass
    # a page in a script the languages do not read (Cyrillic read as Latin look-alikes) is no reading: before
    # its garbled lines are read again, one by one
    left = deadline - time.perf_counter()  # (out of time, the re-reading below ends the page as read)
    foreign = foreign_script(prepared.image, [line.bbox for line in lines], [line.text for line in lines],
                             settings.lang, left) if left > 0 else None
    if foreign:
        raise ForeignScriptError(foreign, path=pdf, page=number)
    read, rereads, improved = [], 0, 0
    for line in lines:
        if worth_rereading(line):
            rereads += 1
            try:
                better = reread(prepared.image, line, remaining())
            except OcrError:
                better = line  # out of time or a failed re-read: the first reading stands
            if better is not line:
                improved += 1
                kept = (Reading(line.engine, line.text, line.confidence),) if line.text else ()
                better = replace(better, alternatives=kept + line.alternatives, choice="garbled: Tesseract's "
                                 "re-reading of the crop" + (f"; {better.choice}" if better.choice else ""))
            line = better
        read.append(line)
    checked = []
    for line in read_twice(bulleted(prepared.image, read)):  # after the re-reads: their crops stay the lines' own
        # PP-OCR's punctuation has its width from the room each mark takes (engines/widths.py): it stands, in
        # PP-OCR's readings and in Tesseract's that took their marks' forms from them (``with_mark_widths``)
        text, _steps = fix_text(line.text, widths_read=line.engine == "ppocr" or widths_taken(line))
        text = read_as_primes(text)  # the page's minutes and primes, which no engine reads as such
        pts = _to_points(line, prepared, page.scale)
        checked.append(replace(pts, text=text))
    second: list[Line] = []
    if second_reading and "chi_sim" in find_tessdata().languages:
        try:
            if chinese is None:
                chinese = (_read_slices(prepared.image, bounds, remaining(), lang="chi_sim") if sliced
                           else _read_whole(prepared.image, remaining(), lang="chi_sim"))
            for line in chinese:
                pts = _to_points(line, prepared, page.scale)
                second.append(Line(fix_text(line.text)[0], pts.bbox, pts.words, pts.confidence))
        except OcrError:
            second = []  # out of time: vote with one reading
    return PageOcr(tuple(checked), page.dpi, page.scanned, rereads, improved, time.perf_counter() - started,
                   tuple(second), note)
