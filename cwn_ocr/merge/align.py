"""Pair the layer's garbled rows with the OCR's lines. Pure.

Both sides are in PDF points (the OCR boxes were mapped back through the image preparation),
so rows and OCR lines are paired by geometry first: an OCR line belongs to the row it
overlaps most (of the fragments of one printed line, the one it overlaps over the greatest width; the
others it covers are placed by no content). Alignment is many-to-many: an English-only OCR layer cuts one Chinese line
into fragments that poppler may report as several rows, and one OCR line can cover them
all; the OCR may also split a row in two. Garbled rows that geometry leaves alone are paired
by content: clean rows are anchored to the OCR lines that read the same (rapidfuzz), and the
garbled rows between two anchors take the unused OCR lines between their partners; where the
anchors lie where their partners do (the page's geometry holds), only those near the rows (``NEAR``:
a picture's labels elsewhere on the page are not the row's text).

>>> from cwn_ocr.model import BBox, Line, Row, Verdict, Label, CLEAN_VERDICT
>>> bad = Verdict(Label.GARBLED, 1.0)
>>> rows = [Row((0,), "Description", BBox(0, 0, 100, 10), CLEAN_VERDICT),
...         Row((1,), "FERAIT PEARR", BBox(0, 12, 90, 22), bad),
...         Row((2,), "SEXERENNGE", BBox(95, 13, 200, 21), bad)]
>>> ocr = [Line("Description", BBox(0, 0, 100, 10)), Line("安顺市严格执行", BBox(0, 12, 200, 22))]
>>> match_rows(rows, ocr)
[Match(rows=(0,), ocr=(0,), method='geometry'), Match(rows=(1, 2), ocr=(1,), method='geometry')]
>>> unmatched_ocr(match_rows(rows, ocr), ocr)
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from cwn_ocr.layer.charsets import squeeze
from cwn_ocr.merge.rows import BASELINE, SAME_BAND
from cwn_ocr.model import BBox, Label, Line, Row

#: Share of the smaller height two boxes must overlap vertically to be on the same line.
MIN_OVERLAP = 0.3
#: rapidfuzz ratio from which a clean row and an OCR line read the same (anchors).
ANCHOR_RATIO = 85.0


@dataclass(frozen=True)
class Match:
    rows: tuple[int, ...]  # indices into the page's rows, top to bottom
    ocr: tuple[int, ...]  # indices into the OCR lines, in reading order
    method: str  # "geometry" or "content"


def _overlap(a: BBox, b: BBox) -> float:
    """Vertical overlap share, and zero unless the boxes also meet horizontally."""
    if a.x1 < b.x0 or b.x1 < a.x0:
        return 0.0
    return a.vertical_overlap(b)


def _width_in(a: BBox, b: BBox) -> float:
    """How wide ``a`` and ``b`` overlap horizontally (at least a little: boxes that only touch count).

    >>> _width_in(BBox(0, 0, 100, 10), BBox(90, 0, 300, 10)), _width_in(BBox(0, 0, 10, 10), BBox(10, 0, 20, 10))
    (10, 0.01)
    """
    return max(0.01, min(a.x1, b.x1) - max(a.x0, b.x0))


def _fragments(a: BBox, b: BBox) -> bool:
    """Whether boxes ``a`` and ``b`` may be pieces of one printed line: in one band, on one baseline
    (``rows.same_line``'s measures, whatever their sizes: a sliver of two ideographs is shorter than a
    piece with digits and capitals).

    >>> _fragments(BBox(306, 137.5, 320, 150.5), BBox(335, 127.6, 500, 149))
    True
    >>> _fragments(BBox(0, 0, 9, 18), BBox(20, 9, 99, 27))  # the next line's, on a skewed page
    False
    """
    low = max(1e-6, min(a.height, b.height))
    return a.vertical_overlap(b) >= SAME_BAND and abs(a.y1 - b.y1) <= BASELINE * low


def _fully_garbled(row: Row) -> bool:
    return row.verdict.label is Label.GARBLED and row.verdict.score >= 0.99


def match_rows(rows: Sequence[Row], ocr_lines: Sequence[Line]) -> list[Match]:
    """Matches for every row that has an OCR counterpart (see the module docstring); clean
    rows are matched too, so that the merge can check them against the page."""
    owner: dict[int, int] = {}  # OCR line -> the row it belongs to
    covered: set[int] = set()  # rows on a printed line an OCR line reads: no content match takes another for them
    for o, line in enumerate(ocr_lines):
        overlaps = [(_overlap(line.bbox, row.bbox), r) for r, row in enumerate(rows)]
        best, r = max(overlaps, default=(0.0, -1))
        if best >= MIN_OVERLAP:
            # of the fragments of that row's printed line it overlaps, the one it overlaps over the greatest
            # width (then the best aligned): an English-only OCR that cut a printed line into pieces made a sliver
            # of one (``RH`` for 格率) as well aligned as the rest
            pieces = [(_width_in(line.bbox, rows[k].bbox), share, k) for share, k in overlaps
                      if share >= MIN_OVERLAP and _fragments(rows[r].bbox, rows[k].bbox)]
            owner[o] = max(pieces)[2]
            covered.update(k for *_, k in pieces)
    # union rows that share an OCR line: fully garbled rows it also covers join its owner's group
    parent = list(range(len(rows)))

    def find(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for o, r in owner.items():
        if rows[r].verdict.label is not Label.GARBLED:
            continue
        for other, row in enumerate(rows):
            if other != r and _fully_garbled(row) and _fully_garbled(rows[r]) \
                    and _overlap(ocr_lines[o].bbox, row.bbox) >= MIN_OVERLAP:
                parent[find(other)] = find(r)
    groups: dict[int, tuple[set[int], set[int]]] = {}
    for o, r in owner.items():
        members, lines = groups.setdefault(find(r), (set(), set()))
        lines.add(o)
    for r in range(len(rows)):
        root = find(r)
        if root in groups:
            groups[root][0].add(r)
    # a match's OCR lines in the reading's own order (``ocr_page`` gives a page's lines in reading order:
    # Tesseract's, columns one after the other); sorted by their boxes (heights rounded, then x) two
    # neighbours of a skewed scan swapped places: the lower, taller one fell into the same height slot
    matches = [Match(tuple(sorted(rs)), tuple(sorted(os_)), "geometry") for rs, os_ in groups.values()]
    matched_rows = {r for m in matches for r in m.rows} | covered
    used = set(owner)
    matches += _match_by_content(rows, ocr_lines, matched_rows, used)
    return sorted(matches, key=lambda m: m.rows[0])


def _match_by_content(rows: Sequence[Row], ocr_lines: Sequence[Line], matched_rows: set[int],
                      used_ocr: set[int]) -> list[Match]:
    """Garbled rows that geometry left alone, placed between anchors that read the same."""
    lonely = [r for r, row in enumerate(rows) if row.verdict.label is Label.GARBLED and r not in matched_rows]
    if not lonely:
        return []
    order = sorted(range(len(ocr_lines)), key=lambda o: (ocr_lines[o].bbox.y0, ocr_lines[o].bbox.x0))
    position = {o: i for i, o in enumerate(order)}
    anchors: list[tuple[int, int]] = [(-1, -1)]  # (row, position in OCR order), monotonic
    for r, row in enumerate(rows):
        if row.verdict.label is not Label.CLEAN or len(squeeze(row.text)) < 4:
            continue
        best = max(((fuzz.ratio(squeeze(row.text), squeeze(ocr_lines[o].text)), o) for o in order
                    if position[o] > anchors[-1][1]), default=(0.0, -1))
        if best[0] >= ANCHOR_RATIO:
            anchors.append((r, position[best[1]]))
    # where the anchors lie where their readings are, the page's geometry holds, and a row takes only
    # readings near it; where it does not (boxes mapped wrong), content alone places them
    placed = [_overlap(rows[r].bbox, ocr_lines[order[p]].bbox) >= MIN_OVERLAP for r, p in anchors[1:]]
    trusted = bool(placed) and 2 * sum(placed) >= len(placed)
    anchors.append((len(rows), len(order)))
    matches = []
    for (row_a, pos_a), (row_b, pos_b) in zip(anchors, anchors[1:]):
        between_rows = tuple(r for r in lonely if row_a < r < row_b)
        bands = [_band(rows[r].bbox) for r in between_rows] if trusted else []
        between_ocr = tuple(o for o in order[pos_a + 1:pos_b] if o not in used_ocr
                            and (not bands or any(low <= _middle(ocr_lines[o].bbox) <= high for low, high in bands)))
        if between_rows and between_ocr:
            matches.append(Match(between_rows, between_ocr, "content"))
    return matches


#: A row placed by content takes OCR lines no further than this many of its heights above or below it
#: (a skewed scan's lines stray a little; a figure's labels a page away are not the row's text).
NEAR = 3.0


def _middle(box: BBox) -> float:
    return (box.y0 + box.y1) / 2


def _band(box: BBox) -> tuple[float, float]:
    """The heights within ``NEAR`` row heights of the row at ``box``.

    >>> _band(BBox(0, 100, 10, 110))
    (70.0, 140.0)
    """
    height = max(box.height, 1.0)
    return box.y0 - NEAR * height, box.y1 + NEAR * height


def unmatched_ocr(matches: Sequence[Match], ocr_lines: Sequence[Line]) -> list[int]:
    """OCR lines that no row took: text the page shows and the layer lacks."""
    taken = {o for m in matches for o in m.ocr}
    return [o for o in range(len(ocr_lines)) if o not in taken]
