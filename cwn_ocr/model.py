"""Plain, frozen data shared by every stage.

Coordinates are PDF points with the origin at the top-left of the page (the
convention of ``pdftotext -bbox-layout``), so a box reads like pdfplumber's
``x0, top, x1, bottom``.

>>> box = BBox(10, 20, 110, 32)
>>> box.width, box.height
(100, 12)
>>> box.union(BBox(0, 25, 50, 40))
BBox(x0=0, y0=20, x1=110, y1=40)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class BBox:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def union(self, other: BBox) -> BBox:
        return BBox(min(self.x0, other.x0), min(self.y0, other.y0),
                    max(self.x1, other.x1), max(self.y1, other.y1))

    def scaled(self, factor: float) -> BBox:
        """The same box in another unit, e.g. points -> pixels at ``dpi / 72``."""
        return BBox(self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor)

    def vertical_overlap(self, other: BBox) -> float:
        """Overlap of the two boxes' vertical extents over the smaller height (0..1).

        >>> BBox(0, 0, 10, 10).vertical_overlap(BBox(0, 5, 10, 20))
        0.5
        """
        inter = min(self.y1, other.y1) - max(self.y0, other.y0)
        smaller = min(self.height, other.height)
        if inter <= 0 or smaller <= 0:
            return 0.0
        return inter / smaller

    def as_list(self) -> list[float]:
        return [round(self.x0, 2), round(self.y0, 2), round(self.x1, 2), round(self.y1, 2)]


@dataclass(frozen=True)
class Word:
    text: str
    bbox: BBox
    confidence: float | None = None  # OCR words only, 0..100


@dataclass(frozen=True)
class Reading:
    """One OCR engine's reading of a line, kept beside the reading chosen for it (``Line.alternatives``)."""

    engine: str  # "tesseract", "ppocr"
    text: str
    confidence: float | None = None  # 0..100


@dataclass(frozen=True)
class Line:
    """One line of text in reading order; ``text`` is its words joined by single spaces."""

    text: str
    bbox: BBox
    words: tuple[Word, ...] = ()
    confidence: float | None = None  # mean word confidence for OCR lines
    engine: str = ""  # OCR lines: the engine whose reading this is ("tesseract", "ppocr")
    choice: str = ""  # OCR lines read by several engines: why this reading was chosen
    alternatives: tuple[Reading, ...] = ()  # the other engines' readings, where they differ from ``text``
    # a line ``choose`` had two engines' readings of: each one's reading as it spaced it (PP-OCR's before
    # Tesseract's word breaks were added to it): what ``merge.spacing`` weighs
    as_read: tuple[Reading, ...] = ()

    @classmethod
    def from_words(cls, words: tuple[Word, ...] | list[Word]) -> Line:
        words = tuple(words)
        box = words[0].bbox
        for word in words[1:]:
            box = box.union(word.bbox)
        confs = [w.confidence for w in words if w.confidence is not None]
        conf = sum(confs) / len(confs) if confs else None
        return cls(" ".join(w.text for w in words), box, words, conf)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float  # points
    height: float
    lines: tuple[Line, ...]


#: What the review's ``images`` may ask for: page images beside lines read from the image, beside
#: every change, or none (``report.review``; here so that the command line knows them without
#: importing the review).
IMAGE_CHOICES = ("ocr", "all", "none")


class Label(StrEnum):
    """How much a piece of text can be trusted, from best to worst."""

    CLEAN = "clean"
    FIXABLE = "fixable"  # text-only repair will do
    GARBLED = "garbled"  # needs the page image

    @property
    def rank(self) -> int:
        return {"clean": 0, "fixable": 1, "garbled": 2}[self.value]

    def worst(self, other: Label) -> Label:
        return self if self.rank >= other.rank else other


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of a line with its label and reasons."""

    start: int
    end: int
    label: Label
    reasons: tuple[str, ...]

    def text_of(self, line: str) -> str:
        return line[self.start:self.end]


@dataclass(frozen=True)
class Verdict:
    label: Label
    score: float  # share of the line's non-space characters in bad spans, 0..1
    reasons: tuple[str, ...] = ()
    spans: tuple[Span, ...] = field(default=())

    @property
    def garbled_spans(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.label is Label.GARBLED)

    @property
    def fixable_spans(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.label is Label.FIXABLE)


CLEAN_VERDICT = Verdict(Label.CLEAN, 0.0)


@dataclass(frozen=True)
class Row:
    """One physical row of a page: the layer lines side by side at the same height, joined
    by spaces, with the verdict of the row as a whole."""

    lines: tuple[int, ...]  # indices of the page's layer lines, left to right
    text: str
    bbox: BBox
    verdict: Verdict


@dataclass(frozen=True)
class PageOcr:
    """What OCR of one page gives (``ocrpage.ocr_page``, in a worker process)."""

    lines: tuple[Line, ...]  # in PDF points, text-fixed, in Tesseract's reading order
    dpi: float
    scanned: bool
    rereads: int  # lines read again
    improved: int  # of those, lines whose second reading was kept
    seconds: float
    second: tuple[Line, ...] = ()  # an independent second reading of the page, when asked for
    note: str = ""  # why the whole page was read when bands were asked for
    # why the page's reading is none: it is printed in a script the OCR languages do not read (``ocr.script``)
    foreign: str = ""


def distinct(lines: Sequence[Line]) -> list[Line]:
    """``lines`` without those that repeat one before them: the same text over the same place (their boxes
    overlapping over half the smaller one). Bands of a page's rows are cut across its text, and rows side
    by side that poppler gives apart (a row of cards, a table's cells) make several bands of one strip, read
    as many times: PyMuPDF test_3197's row of tickers came out five times.

    >>> row = Line("GM RIVN NIO", BBox(16, 321, 731, 328))
    >>> [line.text for line in distinct([row, Line("GM RIVN NIO", BBox(16, 320, 730, 329)), row])]
    ['GM RIVN NIO']
    >>> len(distinct([row, Line("GM RIVN NIO", BBox(16, 421, 731, 428)), Line("GM RIVN", BBox(16, 321, 500, 328))]))
    3
    """
    kept: list[Line] = []
    for line in lines:
        text = "".join(line.text.split())
        if not any("".join(other.text.split()) == text and _shared(line.bbox, other.bbox) for other in kept):
            kept.append(line)
    return kept


def _shared(a: BBox, b: BBox) -> bool:
    """Whether ``a`` and ``b`` overlap over half the smaller one's area."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    smaller = min(a.width * a.height, b.width * b.height)
    return width > 0 and height > 0 and width * height > 0.5 * smaller


def combine(parts: list[PageOcr]) -> PageOcr:
    """One page's OCR from the results of its parts (bands read by different workers, top to
    bottom). A part that fell back to the whole page stands alone: it read everything.

    >>> a = PageOcr((Line("a", BBox(0, 0, 1, 1)),), 300, False, 1, 1, 2.0)
    >>> b = PageOcr((Line("b", BBox(0, 5, 1, 6)),), 300, False, 0, 0, 1.0)
    >>> whole = combine([a, b])
    >>> [line.text for line in whole.lines], whole.rereads, whole.seconds, whole.note
    (['a', 'b'], 1, 3.0, '')
    """
    fallback = [part for part in parts if part.note]
    if fallback:
        return fallback[0]
    first = parts[0]
    return PageOcr(tuple(distinct([line for part in parts for line in part.lines])), first.dpi, first.scanned,
                   sum(p.rereads for p in parts), sum(p.improved for p in parts), sum(p.seconds for p in parts),
                   tuple(distinct([line for part in parts for line in part.second])))
