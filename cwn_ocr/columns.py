"""Column gutters of a page read whole, and its lines in reading order.

Tesseract's uniform-block layout (``--psm 6``, the pipeline's: it reads a clean page better than
the automatic layout) takes a two-column page for one block, and each of its lines runs across
the gutter: the left column's line and the right column's at the same height come out as one
line, and the page's text comes out interleaved. What the image shows settles it: a gutter is a
gap far wider than a word space (``GUTTER`` line heights) at the same place in many lines
(``MIN_LINES``), with text filling the lines on both sides (a table's cells leave gaps too, but
short cells on either side, and a table is read row by row). Lines are cut at the gutters and
put in reading order: a column top to bottom, then the next; a line that spans a gutter (a
title, a footer) ends the columns above it.

All functions are pure and work in any unit (pixels or points), one page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise
from math import ceil
from statistics import median

from cwn_ocr.model import BBox, Line, Word

#: A gutter is at least this many line heights wide (a word space is well under one; the corpus's
#: and the CitiesWithNature profiles' gutters are four to six).
GUTTER = 1.5
#: Lines whose gap a gutter must be, at the least: a few wide gaps in one place are chance.
MIN_LINES = 3
#: The text on each side of a gutter fills its column: a quarter of the pieces beside it are at
#: least this many line heights wide (eight Han characters; a table's cells are shorter).
FILLED = 8.0


@dataclass(frozen=True)
class Gutter:
    x0: float  # where the left column's text ends at the latest
    x1: float  # where the right column's text starts at the earliest

    @property
    def middle(self) -> float:
        """Left of it is one column, right of it the next (a skewed scan's lines end and start
        a little left or right of the gap all of them leave)."""
        return (self.x0 + self.x1) / 2


def _words(line: Line) -> list[Word]:
    return sorted(line.words, key=lambda w: w.bbox.x0)


def _union(boxes: Sequence[BBox]) -> BBox:
    box = boxes[0]
    for other in boxes[1:]:
        box = box.union(other)
    return box


#: A word whose box is smaller than this share of the text's height both ways is a speck (a dot of
#: noise an engine reads as ``、`` or ``.``, a comma): it neither ends nor starts a column's text.
SPECK = 0.5


def _solid(line: Line, height: float) -> list[Word]:
    """The line's words left to right, specks left out (``SPECK``).

    >>> line = Line.from_words([Word("、", BBox(0, 30, 8, 38)), Word("安顺", BBox(50, 0, 130, 40))])
    >>> [w.text for w in _solid(line, 40.0)]
    ['安顺']
    """
    return [w for w in _words(line) if max(w.bbox.width, w.bbox.height) >= SPECK * height]


def _sides(lines: Sequence[Line], wide: float, height: float) -> list[tuple[BBox, BBox]]:
    """Text side by side at one height with a gap of at least ``wide`` between: the words of one
    line on either side of such a gap, or a line and the nearest line right of it at about its
    height (Tesseract keeps the columns' lines apart where their baselines differ). Specks count for
    neither side: read at a scan's own resolution, noise between the lines comes out as ``、``
    words far left of the text they are put in line with, which would make a gap of every space."""
    sides = []
    spans = []
    for line in lines:
        words = _solid(line, height)
        if not words:
            continue
        spans.append(_union([w.bbox for w in words]))
        for k in range(1, len(words)):
            if words[k].bbox.x0 - words[k - 1].bbox.x1 >= wide:
                sides.append((_union([w.bbox for w in words[:k]]), _union([w.bbox for w in words[k:]])))
    for span in spans:
        # at its height, give or take half a line: beside a column set half a line lower (its own
        # baselines), the ink of its lines sits between the lines of the other
        reach = BBox(span.x0, span.y0 - height / 2, span.x1, span.y1 + height / 2)
        right = [other for other in spans if other.x0 >= span.x1 + wide and other.vertical_overlap(reach) >= 0.3]
        if right:
            sides.append((span, min(right, key=lambda box: box.x0)))
    return sides


def _height(lines: Sequence[Line]) -> float:
    """The text's height: its words' median (a line's box grows with the specks it takes in)."""
    heights = [word.bbox.height for line in lines for word in line.words] or [line.bbox.height for line in lines]
    return median(heights) if heights else 0.0


def find_gutters(lines: Sequence[Line]) -> list[Gutter]:
    """The gutters between the columns of a page's lines, left to right: where many wide gaps
    overlap and few words are (specks an engine reads as words in a gutter do not hide it).

    >>> def line(*spans):
    ...     words = tuple(Word("字" * int((x1 - x0) / 10), BBox(x0, y, x1, y + 10)) for x0, x1, y in spans)
    ...     return Line.from_words(words)
    >>> page = [line((0, 100, y), (140, 240, y)) for y in range(0, 60, 12)]
    >>> find_gutters(page)
    [Gutter(x0=100.0, x1=140.0)]
    >>> apart = [line((0, 100, y)) for y in range(0, 60, 12)] + [line((140, 240, y + 5)) for y in range(0, 60, 12)]
    >>> find_gutters(apart)
    [Gutter(x0=100.0, x1=140.0)]
    >>> lower = [line((0, 100, y)) for y in range(0, 120, 24)] + [line((140, 240, y + 11)) for y in range(0, 120, 24)]
    >>> find_gutters(lower)  # the right column's lines between the left's: none overlaps one of them
    [Gutter(x0=100.0, x1=140.0)]
    >>> ragged = [line((0, 80, y), (84, 100, y), (160, 260, y)) for y in range(0, 36, 12)] + [
    ...     line((0, 82, y), (160, 260, y)) for y in range(36, 72, 12)]  # short lines end in the long ones' space
    >>> find_gutters(ragged)
    [Gutter(x0=100.0, x1=160.0)]
    >>> table = [line((0, 30, y), (140, 170, y)) for y in range(0, 60, 12)]  # short cells
    >>> find_gutters(table)
    []
    """
    worded = [line for line in lines if line.words]
    height = _height(worded)
    if len(worded) < MIN_LINES or height <= 0:
        return []
    sides = _sides(worded, GUTTER * height, height)
    if len(sides) < MIN_LINES:
        return []
    size = int(max(max(line.bbox.x1, *(w.bbox.x1 for w in line.words)) for line in worded)) + 2

    def at(x: float, up: bool = False) -> int:  # an index of the difference arrays
        return min(size, max(0, ceil(x) if up else int(x)))

    inside, crossing = [0] * (size + 1), [0] * (size + 1)
    for left, right in sides:  # per unit of x, through difference arrays (no numpy on the clean path)
        inside[at(left.x1, up=True)] += 1
        inside[at(right.x0)] -= 1
    for line in worded:
        for word in line.words:
            crossing[at(word.bbox.x0)] += 1
            crossing[at(word.bbox.x1, up=True)] -= 1
    inside, crossing = list(accumulate(inside))[:size], list(accumulate(crossing))[:size]
    good = [n >= MIN_LINES and n >= 3 * c for n, c in zip(inside, crossing)]
    gutters = []
    x = 0
    while x < size:
        if good[x]:
            end = x
            while end + 1 < size and good[end + 1]:
                end += 1
            gutters.append(Gutter(float(x), float(end + 1)))
            x = end
        x += 1
    # a gap no wider than a character is word spaces that line up by chance (a column's short lines
    # end where its long ones leave a space): a gutter is wider than the widest of them
    return [g for g in gutters if g.x1 - g.x0 >= height and _filled(worded, g, height)]


def _filled(lines: Sequence[Line], gutter: Gutter, height: float) -> bool:
    """Text on both sides of ``gutter`` fills its column (not a table's short cells): a quarter of
    the pieces of lines next to it on either side, specks aside, are ``FILLED`` line heights wide
    (a column of prose with a table in it still has its prose lines). A line is in pieces wherever
    it leaves a gutter's gap, so the cells of a table with four columns are pieces of their own, and
    its middle gap is no gutter because two cells together are wide.

    >>> def line(*spans):
    ...     return Line.from_words(tuple(Word("字", BBox(x0, 0, x1, 10)) for x0, x1 in spans))
    >>> _filled([line((0, 100), (140, 240))] * 3, Gutter(100, 140), 10)
    True
    >>> cells = [line((0, 30), (70, 100), (140, 170), (210, 240))] * 3
    >>> _filled(cells, Gutter(100, 140), 10)
    False
    >>> table_in_a_column = [line((0, 100), (140, 240))] * 2 + [line((0, 100), (140, 160), (190, 210))] * 4
    >>> _filled(table_in_a_column, Gutter(100, 140), 10)
    True
    """
    left: list[float] = []
    right: list[float] = []
    for line in lines:
        words = _solid(line, height)
        pieces: list[list[Word]] = [words[:1]] if words else []
        for before, after in pairwise(words):
            if after.bbox.x0 - before.bbox.x1 >= GUTTER * height:
                pieces.append([])
            pieces[-1].append(after)
        boxes = [_union([w.bbox for w in piece]) for piece in pieces]
        before_it = [box for box in boxes if box.x1 <= gutter.middle]
        after_it = [box for box in boxes if box.x0 >= gutter.middle]
        if before_it and before_it[-1].width >= 2 * height:
            left.append(before_it[-1].width)
        if after_it and after_it[0].width >= 2 * height:
            right.append(after_it[0].width)
    def upper_quartile(widths: list[float]) -> float:
        return sorted(widths)[(3 * len(widths)) // 4]

    return bool(left and right) and min(upper_quartile(left), upper_quartile(right)) >= FILLED * height


def _cut(line: Line, gutters: Sequence[Gutter]) -> list[Line]:
    """``line`` in pieces, one per column, cut only where its own gap is a gutter's width (a
    title or footer across the columns, a word over a gutter's middle, keep their line whole).

    >>> words = [Word("左", BBox(0, 0, 90, 10)), Word("右", BBox(150, 0, 240, 10))]
    >>> [p.text for p in _cut(Line.from_words(words), [Gutter(90, 150)])]
    ['左', '右']
    >>> words = [Word("第", BBox(100, 0, 118, 10)), Word("1", BBox(122, 0, 130, 10))]
    >>> [p.text for p in _cut(Line.from_words(words), [Gutter(90, 150)])]
    ['第 1']
    """
    words = _words(line)
    if len(words) < 2:
        return [line]
    pieces: list[list[Word]] = [[words[0]]]
    for before, after in pairwise(words):
        at = [g for g in gutters if before.bbox.x1 <= g.middle <= after.bbox.x0]
        if at and after.bbox.x0 - before.bbox.x1 >= (at[0].x1 - at[0].x0) / 2:
            pieces.append([])
        pieces[-1].append(after)
    if len(pieces) < 2:
        return [line]
    return [replace(Line.from_words(p), engine=line.engine) for p in pieces]


def column_of(box: BBox, gutters: Sequence[Gutter]) -> int | None:
    """The column ``box`` sits in (0 the leftmost), or None when it spans a gutter.

    >>> column_of(BBox(150, 0, 200, 10), [Gutter(100, 140)]), column_of(BBox(0, 0, 200, 10), [Gutter(100, 140)])
    (1, None)
    """
    column = 0
    for gutter in gutters:
        if box.x0 >= gutter.middle:
            column += 1
        elif box.x1 > gutter.middle:
            return None
    return column


def reading_order(boxes: Sequence[BBox], gutters: Sequence[Gutter]) -> list[int]:
    """Indices of ``boxes`` in reading order: each column top to bottom, then the next; a box
    spanning a gutter (a title, a footer) ends the columns above it.

    >>> boxes = [BBox(0, 0, 90, 10), BBox(150, 0, 240, 10), BBox(0, 12, 90, 22), BBox(0, 30, 240, 40)]
    >>> reading_order(boxes, [Gutter(100, 140)])
    [0, 2, 1, 3]
    """
    ordered: list[int] = []
    block: list[tuple[int, float, int]] = []
    for index in sorted(range(len(boxes)), key=lambda i: (boxes[i].y0, boxes[i].x0)):
        column = column_of(boxes[index], gutters)
        if column is None:
            ordered += [i for _, _, i in sorted(block)]
            block = []
            ordered.append(index)
        else:
            block.append((column, boxes[index].y0, index))
    return ordered + [i for _, _, i in sorted(block)]


def in_columns(lines: Sequence[Line]) -> list[Line]:
    """``lines`` (one page, as an engine found them) cut at the page's gutters and put in reading
    order; a page without gutters comes back as it was.

    >>> def line(*spans):
    ...     words = tuple(Word(t * 12, BBox(x0, y, x0 + 120, y + 10)) for t, x0, y in spans)
    ...     return Line.from_words(words)
    >>> page = [line(("T", 0, 0))] + [line(("L", 0, y), ("R", 160, y)) for y in (20, 32, 44)]
    >>> [l.text[0] + str(l.bbox.y0) for l in in_columns(page)]
    ['T0', 'L20', 'L32', 'L44', 'R20', 'R32', 'R44']
    """
    gutters = find_gutters(lines)
    if not gutters:
        return list(lines)
    pieces = [p for line in lines for p in _cut(line, gutters)]
    return [pieces[i] for i in reading_order([p.bbox for p in pieces], gutters)]


def in_reading_order(lines: Sequence[Line]) -> list[Line]:
    """``lines`` (one page, from parts read apart: slices of the page, each in its own reading order)
    put in the page's reading order by the gutters all of them show: the columns' block (``plan_columns``:
    from the first line with a gutter's gap to the last) each column top to bottom, then the next,
    until a line that spans a gutter; the lines above and below the block where they were. Lines are
    not cut; a page without gutters comes back as it was. Two slices of a two-column page, each read
    column by column, would otherwise come out as the left column's top, the right's top, the left's
    bottom, the right's bottom.

    >>> def line(t, x0, y, x1=None):
    ...     return Line.from_words((Word(t * 12, BBox(x0, y, x1 or x0 + 120, y + 10)),))
    >>> top = [line("H", 160, -20), line("L", 0, 0), line("L", 0, 12), line("R", 160, 0), line("R", 160, 12)]
    >>> bottom = [line("L", 0, 24), line("R", 160, 24), line("F", 0, 40, 280)]  # a footer across both
    >>> [l.text[0] + str(l.bbox.y0) for l in in_reading_order(top + bottom)]
    ['H-20', 'L0', 'L12', 'L24', 'R0', 'R12', 'R24', 'F40']
    """
    plan = plan_columns(lines, max(line.bbox.x1 for line in lines)) if lines else None
    if plan is None:
        return list(lines)
    outside = set(plan.kept)
    block = [i for i in range(len(lines)) if i not in outside]
    above = [i for i in plan.kept if lines[i].bbox.y1 <= plan.bottom]
    below = [i for i in plan.kept if lines[i].bbox.y1 > plan.bottom]
    ordered = [block[k] for k in reading_order([lines[i].bbox for i in block], plan.gutters)]
    return [lines[i] for i in above + ordered + below]


def split_rows(rows: Sequence[Sequence[tuple[int, BBox]]],
               gutters: Sequence[Gutter] | None = None) -> list[list[int]] | None:
    """Rows of a text layer's fragments (``(id, box)``, grouped by height, left to right) cut at the
    gutters the rows show (or at ``gutters``, found elsewhere: in the page image's reading), in
    reading order: the ids of each group; None when there is no gutter.

    >>> rows = [[(2 * y, BBox(0, y, 100, y + 10)), (2 * y + 1, BBox(140, y, 240, y + 10))] for y in (0, 12, 24)]
    >>> split_rows(rows)
    [[0], [24], [48], [1], [25], [49]]
    >>> short = [[(2 * y, BBox(0, y, 20, y + 10)), (2 * y + 1, BBox(140, y, 160, y + 10))] for y in (0, 12, 24)]
    >>> split_rows(short), split_rows(short, [Gutter(100, 140)])  # fragments too short to show a gutter
    (None, [[0], [24], [48], [1], [25], [49]])
    """
    if gutters is None:
        gutters = find_gutters([Line.from_words([Word("", box) for _, box in row]) for row in rows if row])
    if not gutters:
        return None
    groups: list[list[int]] = []
    boxes: list[BBox] = []
    for row in rows:
        columns = [column_of(box, gutters) for _, box in row]
        used = sorted({c for c in columns if c is not None})
        parts = ([list(row)] if None in columns or len(used) < 2
                 else [[f for f, c in zip(row, columns) if c == k] for k in used])
        for part in parts:
            groups.append([i for i, _ in part])
            box = part[0][1]
            for _, other in part[1:]:
                box = box.union(other)
            boxes.append(box)
    return [groups[i] for i in reading_order(boxes, gutters)]


@dataclass(frozen=True)
class ColumnPlan:
    """Where a page with columns is read again, one column at a time (``plan_columns``)."""

    top: float  # the columns' block, from here...
    bottom: float  # ...to here
    columns: tuple[tuple[float, float], ...]  # each column's x range, left to right
    kept: tuple[int, ...]  # the first reading's lines above or below the block (titles, footers)
    gutters: tuple[Gutter, ...] = field(default=(), repr=False)  # the gutters the columns are parted at


#: A line of one column under the columns' block continues that column when the gap above it is no
#: wider than this many times the column's own gap between lines (a paragraph's last line when one column
#: is a line longer than the other, read across the page, would come after the other column); a heading
#: or a footer stands further off. Never more than ``COLUMN_REACH`` text heights.
COLUMN_PITCH = 1.5
COLUMN_REACH = 1.5


def _column_end(lines: Sequence[Line], gutters: Sequence[Gutter], top: float, bottom: float,
                height: float) -> float:
    """The bottom of the columns' block from ``top`` to ``bottom``, grown by the lines next under it that
    stay in one column and follow that column's lines at their own gap (``COLUMN_PITCH``); a line across a
    gutter, or further off, ends the growth; a row of specks neither grows nor ends it. (Not over the
    block: there a line of one column is as often a heading or a running head of the page, read first.)

    >>> def line(x0, y, x1):
    ...     return Line.from_words((Word("x" * 12, BBox(x0, y, x1, y + 10)),))
    >>> left = [line(0, y, 120) for y in (20, 34, 48)]
    >>> right = [line(160, y, 280) for y in (20, 34, 48)]
    >>> gutters = [Gutter(125, 155)]
    >>> _column_end(left + right + [line(0, 62, 120)], gutters, 20, 58, 10)  # the left column's last line
    72
    >>> _column_end(left + right + [line(0, 76, 60)], gutters, 20, 58, 10)  # a heading after a blank line
    58
    """
    rows: dict[int, list[BBox]] = {}  # each column's text on each line of the block
    for line in lines:
        if top <= (line.bbox.y0 + line.bbox.y1) / 2 <= bottom:
            _add_rows(rows, _solid(line, height), gutters)
    for line in sorted((line for line in lines if line.bbox.y0 >= bottom), key=lambda line: line.bbox.y0):
        solid = _solid(line, height)
        if not solid:
            continue  # specks
        box = _union([word.bbox for word in solid])
        own = column_of(box, gutters)
        if own is None:
            break  # across a gutter
        mine = sorted(rows.get(own, []), key=lambda row: row.y0)
        gaps = [after.y0 - before.y1 for before, after in pairwise(mine) if after.y0 > before.y1]
        if not gaps or box.y0 - max(row.y1 for row in mine) > min(COLUMN_REACH * height,
                                                                  COLUMN_PITCH * median(gaps)):
            break
        rows[own].append(box)
        bottom = max(bottom, box.y1)
    return bottom


def _add_rows(rows: dict[int, list[BBox]], words: Sequence[Word], gutters: Sequence[Gutter]) -> None:
    """Each column's part of one line (its ``words``) added to ``rows``, by column."""
    parts: dict[int, list[BBox]] = {}
    for word in words:
        column = column_of(word.bbox, gutters)
        if column is not None:
            parts.setdefault(column, []).append(word.bbox)
    for column, boxes in parts.items():
        rows.setdefault(column, []).append(_union(boxes))


def plan_columns(lines: Sequence[Line], width: float) -> ColumnPlan | None:
    """How to read a page with columns again: its columns' block (from the first line with a
    gutter's gap to the last), each column on its own, and the first reading's lines outside the
    block kept; None when the page has no gutter. Read as one block, the columns' lines run into
    each other wherever their baselines differ (a heading in one column), and cutting the lines
    afterwards cannot part what Tesseract already joined.

    >>> def line(*spans):
    ...     words = tuple(Word(t * 12, BBox(x0, y, x0 + 120, y + 10)) for t, x0, y in spans)
    ...     return Line.from_words(words)
    >>> page = [line(("T", 0, 0))] + [line(("L", 0, y), ("R", 160, y)) for y in (20, 32, 44)]
    >>> plan_columns(page, 300)
    ColumnPlan(top=20, bottom=54, columns=((0, 140.0), (140.0, 300)), kept=(0,))

    The left column a line longer: that line is the column's, not read after the right column.

    >>> plan_columns(page + [line(("L", 0, 56))], 300).bottom
    66
    """
    gutters = find_gutters(lines)
    if not gutters:
        return None
    worded = [line for line in lines if line.words]
    height = _height(worded)
    sides = [box for pair in _sides(worded, GUTTER * height, height) for box in pair
             if any(pair[0].x1 <= g.middle <= pair[1].x0 for g in gutters)]
    top = min(box.y0 for box in sides)
    bottom = _column_end(worded, gutters, top, max(box.y1 for box in sides), height)
    edges = [0, *(g.middle for g in gutters), width]
    kept = tuple(i for i, line in enumerate(lines)
                 if not top <= (line.bbox.y0 + line.bbox.y1) / 2 <= bottom)
    return ColumnPlan(top, bottom, tuple(pairwise(edges)), kept, tuple(gutters))
