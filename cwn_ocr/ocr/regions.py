"""Which parts of a garbled page to OCR: the bands of its garbled rows, or the whole page. Pure.

OCR time grows with the text read (measured here, chi_sim+eng, psm 6, one 300-dpi page of
``no_tounicode``: 0.32 s for a tenth of the page, 1.47 s for half, 2.71 s for all; a blank
image costs 0.26 s of start-up). So a page whose layer is garbled only in places is read
only there: each run of consecutive garbled rows becomes a band across the page's text
width, with a margin that stops halfway to the next row, and the bands are stacked into one
image for one Tesseract call. Runs of clean rows between them are not read at all.

The layer's geometry has to be right for that: a band drawn from a layer line must hold
that line's ink. ``ocrpage`` checks each band against the page image and reads the whole
page when one is blank; the planner itself reads the whole page when the bands would cover
most of the text anyway (the saving is small, and a whole-page reading also finds text the
layer lacks).

A page's bands can be split between workers (``split``) so that a document with fewer
garbled pages than cores still keeps every core busy.

>>> from cwn_ocr.model import BBox, Row, Verdict, Label, CLEAN_VERDICT
>>> bad = Verdict(Label.GARBLED, 1.0)
>>> rows = [Row((i,), "x", BBox(50, 100 + 20 * i, 500, 112 + 20 * i), bad if i in (3, 4, 9) else CLEAN_VERDICT)
...         for i in range(12)]
>>> plan = plan_regions(rows, 595, 842)
>>> [(b.rows, round(b.bbox.y0), round(b.bbox.y1)) for b in plan.bands]
[((3, 4), 156, 196), ((9,), 276, 296)]
>>> round(plan.share, 2)
0.26
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from cwn_ocr.layer.garble import doubtful
from cwn_ocr.model import BBox, Label, Row

#: Above this share of the page's text height the whole page is read: bands would save little.
MAX_SHARE = 0.75
#: Margin around a band, in line heights (never more than half the gap to the next row).
MARGIN = 0.5
#: Horizontal margin beyond the text's extent, in line heights (lines the layer cut short).
SIDE_MARGIN = 1.5


@dataclass(frozen=True)
class Band:
    rows: tuple[int, ...]  # indices into the page's rows, top to bottom
    bbox: BBox  # PDF points, margin included


@dataclass(frozen=True)
class RegionPlan:
    bands: tuple[Band, ...]  # empty: read the whole page
    share: float  # of the page's text height the bands cover
    reason: str  # why this plan
    trusted: bool = True  # the layer's boxes can be used to cut the page (into bands or slices)

    @property
    def whole_page(self) -> bool:
        return not self.bands


def _line_height(rows: Sequence[Row]) -> float:
    heights = [r.bbox.height for r in rows if r.bbox.height > 0]
    return median(heights) if heights else 12.0


def _centre(row: Row) -> float:
    return (row.bbox.y0 + row.bbox.y1) / 2


def _band(rows: Sequence[Row], members: Sequence[int], x0: float, x1: float, height: float,
          page_height: float) -> Band:
    """The box of rows ``members`` (consecutive, top to bottom) from ``x0`` to ``x1``, with a
    margin that stops halfway to the middle of the nearest other row above and below (middles,
    not edges: the layer's boxes of a skewed scan overlap their neighbours)."""
    top = min(rows[i].bbox.y0 for i in members)
    bottom = max(rows[i].bbox.y1 for i in members)
    first = min(_centre(rows[i]) for i in members)
    last = max(_centre(rows[i]) for i in members)
    inside = set(members)
    above = [_centre(r) for i, r in enumerate(rows) if i not in inside and _centre(r) < first]
    below = [_centre(r) for i, r in enumerate(rows) if i not in inside and _centre(r) > last]
    margin = MARGIN * height
    y0 = max(top - margin, (max(above) + first) / 2) if above else top - margin
    y1 = min(bottom + margin, (min(below) + last) / 2) if below else bottom + margin
    return Band(tuple(members), BBox(x0, max(0.0, y0), x1, min(page_height, y1)))


def _to_read(row: Row) -> bool:
    """Garbled rows are read, and so are clean-looking ones in doubt (``doubtful``)."""
    return row.verdict.label is Label.GARBLED or doubtful(row.text)


def _consecutive(indices: Sequence[int]) -> list[list[int]]:
    """Increasing ``indices`` in maximal runs of consecutive numbers.

    >>> _consecutive([1, 2, 3, 7, 9, 10])
    [[1, 2, 3], [7], [9, 10]]
    """
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def plan_regions(rows: Sequence[Row], page_width: float, page_height: float) -> RegionPlan:
    """The bands to read on a page with garbled rows, or the whole page (no bands) when the
    bands would cover more than ``MAX_SHARE`` of its text or the layer's boxes are unusable."""
    boxes = [r.bbox for r in rows if r.text.strip()]
    runs = _consecutive([i for i, row in enumerate(rows) if _to_read(row)])
    if not any(row.verdict.label is Label.GARBLED for row in rows):
        return RegionPlan((), 1.0, "no garbled rows")
    if any(b.width <= 0 or b.height <= 0 or b.x1 < 0 or b.y1 < 0 or b.x0 > page_width or b.y0 > page_height
           for b in boxes):
        return RegionPlan((), 1.0, "layer boxes outside the page", trusted=False)
    height = _line_height(rows)
    x0 = max(0.0, min(b.x0 for b in boxes) - SIDE_MARGIN * height)
    x1 = min(page_width, max(b.x1 for b in boxes) + SIDE_MARGIN * height)
    bands = tuple(_band(rows, run, x0, x1, height, page_height) for run in runs)
    text_height = max(b.y1 for b in boxes) - min(b.y0 for b in boxes)
    share = min(1.0, sum(b.bbox.height for b in bands) / max(text_height, 1e-6))
    if share > MAX_SHARE:
        return RegionPlan((), share, f"garbled rows cover {share:.0%} of the text")
    return RegionPlan(bands, share, f"garbled rows cover {share:.0%} of the text")


def split(rows: Sequence[Row], plan: RegionPlan, parts: int, page_height: float) -> list[tuple[Band, ...]]:
    """The plan's bands in up to ``parts`` groups of about equal height (a band is cut between
    two of its rows when needed), top to bottom, for parallel workers.

    >>> from cwn_ocr.model import BBox, Row, Verdict, Label
    >>> bad = Verdict(Label.GARBLED, 1.0)
    >>> rows = [Row((i,), "x", BBox(50, 100 + 20 * i, 500, 112 + 20 * i), bad) for i in range(10)]
    >>> plan = RegionPlan((Band(tuple(range(10)), BBox(44, 94, 506, 298)),), 0.5, "")
    >>> [[b.rows for b in group] for group in split(rows, plan, 2, 842)]
    [[(0, 1, 2, 3, 4)], [(5, 6, 7, 8, 9)]]
    """
    if parts <= 1 or not plan.bands:
        return [plan.bands] if plan.bands else []
    members = [i for band in plan.bands for i in band.rows]
    parts = min(parts, len(members))
    total = sum(rows[i].bbox.height for i in members)
    groups: list[list[int]] = [[]]
    filled = 0.0
    for i in members:
        if groups[-1] and filled >= total * len(groups) / parts and len(groups) < parts:
            groups.append([])
        groups[-1].append(i)
        filled += rows[i].bbox.height
    x0, x1 = plan.bands[0].bbox.x0, plan.bands[0].bbox.x1
    height = _line_height(rows)
    return [tuple(_band(rows, run, x0, x1, height, page_height) for run in _consecutive(group)) for group in groups]


def whole_width(boxes: Iterable[BBox], page_width: float) -> bool:
    """Whether each of ``boxes`` (PDF points) spans the page's whole width: the parts are slices of the whole
    page (``slices``), each read in its own reading order, not bands of rows.

    >>> whole_width([BBox(0, 0, 595, 400), BBox(0, 400, 595, 842)], 595), whole_width([BBox(40, 90, 560, 130)], 595)
    (True, False)
    """
    return all(box.x0 <= 0 and box.x1 >= page_width - 0.5 for box in boxes)


def slices(rows: Sequence[Row], parts: int, page_width: float, page_height: float) -> list[tuple[Band, ...]]:
    """The whole page in up to ``parts`` horizontal slices of about equal text height, cut
    halfway between two rows, for parallel workers. Together they cover the whole page.

    >>> from cwn_ocr.model import BBox, Row, CLEAN_VERDICT
    >>> rows = [Row((i,), "x", BBox(50, 100 + 20 * i, 500, 112 + 20 * i), CLEAN_VERDICT) for i in range(10)]
    >>> [[(b.rows, b.bbox.y0, b.bbox.y1) for b in part] for part in slices(rows, 2, 595, 842)]
    [[((0, 1, 2, 3, 4), 0.0, 196.0)], [((5, 6, 7, 8, 9), 196.0, 842.0)]]

    Two columns whose rows interleave leave no cut that crosses no row but the one under a heading,
    and a heading alone is no half of the work: such a page stays whole.

    >>> heading = [Row((0,), "x", BBox(50, 60, 500, 75), CLEAN_VERDICT)]
    >>> columns = [Row((i,), "x", BBox(50 + 250 * (i % 2), 100 + 10 * i, 290 + 250 * (i % 2), 112 + 10 * i),
    ...                CLEAN_VERDICT) for i in range(1, 30)]
    >>> len(slices(heading + columns, 2, 595, 842))
    1
    """
    order = sorted(range(len(rows)), key=lambda i: rows[i].bbox.y0)
    if parts <= 1 or len(order) < 2:
        return [(Band(tuple(order), BBox(0.0, 0.0, page_width, page_height)),)]
    top, bottom = rows[order[0]].bbox.y0, max(r.bbox.y1 for r in rows)
    cuts: list[tuple[float, int]] = []  # (y, index in order after which the cut falls)
    for k in range(1, parts):
        target = top + (bottom - top) * k / parts
        gaps = [(abs((rows[a].bbox.y1 + rows[b].bbox.y0) / 2 - target), n)
                for n, (a, b) in enumerate(zip(order, order[1:]))
                if max(rows[i].bbox.y1 for i in order[:n + 1]) < rows[b].bbox.y0]
        if gaps:
            n = min(gaps)[1]
            cut = (max(rows[i].bbox.y1 for i in order[:n + 1]) + rows[order[n + 1]].bbox.y0) / 2
            if all(n != c[1] for c in cuts):
                cuts.append((cut, n))
    cuts.sort()
    # a part with much less than its share of the height the rows span (a heading above two columns whose rows
    # interleave, so that no other cut crosses no row) saves no time: it is read with its neighbour
    edges = [top] + [cut for cut, _ in cuts] + [bottom]
    if any(b - a < (bottom - top) / (2 * parts) for a, b in zip(edges, edges[1:])):
        cuts = []
    out: list[tuple[Band, ...]] = []
    start_y, start_n = 0.0, 0
    for cut, n in cuts + [(float(page_height), len(order) - 1)]:
        out.append((Band(tuple(order[start_n:n + 1]), BBox(0.0, start_y, page_width, cut)),))
        start_y, start_n = cut, n + 1
    return out
