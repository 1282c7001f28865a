"""Printed lines from a page's lines: pieces that one printed line was read in, joined again. Pure.

A reader splits a printed line where a gap is wide: poppler gives each table cell a line of its own
(``人口`` / ``557,711`` / ``人``), Tesseract a block. A parser downstream that reads one line per
printed line (a table row, a label and its value) then sees three. Lines that come one after the
other in reading order, share a band and a baseline on the page and run on to the right are one
printed line: they are joined, each piece's text unchanged, with one space where the page shows a
gap. Lines stacked above each other (a column read down) are never joined, nor are lines a reader
put out of order, vertical writing, or two columns' lines side by side across a gutter, so a
two-column page keeps its lines.

>>> from cwn_ocr.model import BBox
>>> cells = [("人口", BBox(70, 100, 90, 110)), ("557,711", BBox(200, 100, 236, 110)),
...          ("人", BBox(300, 100, 310, 110)), ("森林覆盖率", BBox(70, 114, 120, 124))]
>>> printed_lines(cells)
['人口 557,711 人', '森林覆盖率']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cwn_ocr.columns import Gutter, column_of
from cwn_ocr.model import BBox

SAME_BAND = 0.6  # vertical overlap (over the smaller height) of two pieces of one printed line
SIZES = 1.6  # at most this ratio between their heights (Noto's boxes are 1.23 times DejaVu's at one size)
BASELINE = 0.15  # their bottoms at most this many heights apart (a heading beside body text: 0.24)
BACKSTEP = 0.1  # a piece may start this many heights left of where the one before ends (kerning)
NO_GAP = 0.1  # a gap under this many heights is no space
LEADING = 0.5  # lines of one paragraph are at most this many heights apart (a table stands off its text)
FILLED = 8.0  # a column's text is at least this many line heights wide (eight Han characters; cells are shorter)
GUTTER = 1.5  # a gutter between columns is at least this many heights wide (``columns``)


def same_line(left: BBox, right: BBox) -> bool:
    """``right`` continues the printed line ``left`` is on: same band, same baseline (the boxes'
    bottoms), further right; and not two pieces that each fill a column (``FILLED`` heights) across
    a gutter (``GUTTER`` heights).

    >>> same_line(BBox(0, 0, 10, 10), BBox(50, 1, 60, 11)), same_line(BBox(0, 0, 10, 10), BBox(0, 12, 10, 22))
    (True, False)
    >>> same_line(BBox(0, 0, 200, 10), BBox(230, 0, 430, 10))  # two columns' lines, side by side
    False
    """
    low, high = sorted((left.height, right.height))
    if low <= 0 or left.width <= 0 or right.width <= 0 or high > SIZES * low or \
            abs(left.y1 - right.y1) > BASELINE * low:
        return False
    if min(left.width, right.width) >= FILLED * low and right.x0 - left.x1 >= GUTTER * low:
        return False
    return left.vertical_overlap(right) >= SAME_BAND and right.x0 >= left.x1 - BACKSTEP * low


def vertical(text: str, box: BBox) -> bool:
    """A piece of vertical writing: several characters in a box taller than wide (a column of a
    Japanese page; its neighbour is the next column, not the rest of a line).

    >>> vertical("風景や", BBox(0, 0, 12, 40)), vertical("人", BBox(0, 0, 10, 11))
    (True, False)
    """
    return len(text.strip()) > 1 and box.height > box.width


def stacked(upper: BBox, lower: BBox) -> bool:
    """``lower`` is the next line down in the same column as ``upper``: below it, same left edge.

    >>> stacked(BBox(0, 0, 90, 10), BBox(1, 13, 60, 23)), stacked(BBox(0, 0, 90, 10), BBox(100, 13, 160, 23))
    (True, False)
    """
    return lower.y0 >= upper.y1 - 0.2 * upper.height and abs(lower.x0 - upper.x0) <= max(upper.height, 1.0)


def _column_foot(above: BBox, left: BBox, right: BBox) -> bool:
    """``left`` goes on a paragraph of column text (``above`` fills its column, at a line's leading
    above it) that ends short of ``right``."""
    return (stacked(above, left) and left.y0 - above.y1 <= LEADING * above.height
            and above.width >= FILLED * above.height and above.x1 < right.x0)


#: A heading stands at most this many of its heights above its column's text (or a paragraph's last line below it).
BESIDE_TEXT = 1.5


def _across(left: BBox, right: BBox, gutters: Sequence[Gutter], boxes: Sequence[BBox]) -> bool:
    """``left`` and ``right`` each lie in a column of their own (neither spans a gutter), and each is a
    column's: a line that fills that column (``FILLED`` heights) stands right below or above it (a
    heading over its column's text, a paragraph's short last line). Cells of a table across the page,
    a form's label and value, a footer, have no column text beside them: they stay one printed line.

    >>> from cwn_ocr.columns import Gutter
    >>> prose = [BBox(0, 22, 95, 32), BBox(150, 22, 245, 32)]
    >>> _across(BBox(0, 0, 50, 10), BBox(150, 0, 200, 10), [Gutter(100, 140)], prose)
    True
    >>> _across(BBox(0, 60, 50, 70), BBox(150, 60, 200, 70), [Gutter(100, 140)], prose)  # a table's row below
    False
    >>> _across(BBox(0, 0, 50, 10), BBox(60, 0, 200, 10), [Gutter(100, 140)], prose)  # the right one spans it
    False
    """
    if not gutters:
        return False
    columns = column_of(left, gutters), column_of(right, gutters)
    if None in columns or columns[0] == columns[1]:
        return False

    def beside_column_text(box: BBox, column: int | None) -> bool:
        for other in boxes:
            if other is box or other.width < FILLED * other.height or column_of(other, gutters) != column:
                continue
            gap = other.y0 - box.y1 if other.y0 >= box.y1 else box.y0 - other.y1
            if 0 <= gap <= BESIDE_TEXT * box.height:
                return True
        return False

    return beside_column_text(left, columns[0]) and beside_column_text(right, columns[1])


def printed_lines(lines: Iterable[tuple[str, BBox]], gutters: Sequence[Gutter] = ()) -> list[str]:
    """The texts of ``lines`` (in reading order, with their boxes), one per printed line.

    Where the first piece goes on a paragraph whose line above it fills its column (``FILLED`` line
    heights, at a line's leading) and ends short of the second piece, the two are the foot of one
    column and the head of the next that happen to share a band (a table's cells are no paragraph's
    lines): kept apart.

    >>> printed_lines([("a1", BBox(0, 0, 90, 10)), ("a2", BBox(0, 13, 60, 23)), ("b1", BBox(120, 13, 200, 23))])
    ['a1', 'a2', 'b1']

    So are two pieces in two of the page's columns (``gutters``, ``columns.find_gutters``), however
    short, each beside its column's text (``_across``): two headings side by side, each at the head of
    its column.

    >>> from cwn_ocr.columns import Gutter
    >>> headings = [("Chapter 2", BBox(57, 260, 118, 272)), ("Chapter 1.3", BBox(320, 260, 420, 272)),
    ...             ("left column's text", BBox(57, 277, 263, 289)), ("right column's text", BBox(320, 277, 526, 289))]
    >>> printed_lines(headings)[0], printed_lines(headings, [Gutter(264, 320)])[:2]
    ('Chapter 2 Chapter 1.3', ['Chapter 2', 'Chapter 1.3'])
    """
    items = list(lines)
    boxes = [box for _, box in items]
    out: list[str] = []
    for i, (text, box) in enumerate(items):
        before = items[i - 1] if i else None
        if before is None or not text.strip() or not before[0].strip() or not same_line(before[1], box) \
                or vertical(text, box) or vertical(*before) \
                or (i >= 2 and _column_foot(items[i - 2][1], before[1], box)) \
                or _across(before[1], box, gutters, boxes):
            out.append(text)
            continue
        last = before[1]
        gap = box.x0 - last.x1
        out[-1] += (" " if gap >= NO_GAP * min(last.height, box.height) else "") + text
    return out
