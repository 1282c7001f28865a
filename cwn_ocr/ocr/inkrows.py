"""A page's text rows found in its image, before any OCR: where its columns are.

A page with columns used to be read whole first, only to find its gutters from Tesseract's lines
(``columns.plan_columns``), and then again one column at a time: two readings of every column,
half of a two-column page's OCR time thrown away. The image tells the same without reading it:
ink is thresholded (Otsu: a scan's grey strokes count), closed over the gaps between a line's
characters and words (well under an em) but not over a gutter (``columns.GUTTER`` line heights),
and the pieces of ink that come out are grouped into rows by their height on the page. Those
rows are lines for ``plan_columns`` as Tesseract's were: the same gutter rules decide, on the
image's evidence instead of a first reading's (which on a degraded scan can leave gaps that look
like a gutter where the page has none).

>>> import numpy as np
>>> page = np.full((200, 400), 255, np.uint8)
>>> for y in range(20, 180, 30):
...     page[y:y + 16, 10:180] = page[y:y + 16, 230:390] = 0  # two columns of text lines
>>> rows = ink_rows(page)
>>> len(rows), [(w.bbox.x0, w.bbox.x1) for w in rows[0].words]
(6, [(10.0, 180.0), (230.0, 390.0)])
"""

from __future__ import annotations

import cv2
import numpy as np

from cwn_ocr.model import BBox, Line, Word

#: The text's height is read off the taller part of the ink's connected components (a Han
#: character falls apart into strokes and radicals, a Latin letter does not): this quantile.
TALL_SHARE = 0.75
#: Ink is joined across gaps narrower than this share of the text's height (a word space is about
#: a third, a gutter at least one and a half)...
JOIN_ACROSS = 0.6
#: ...and over vertical gaps narrower than this share (the strokes of 三), never across lines.
JOIN_DOWN = 0.15
#: Pieces smaller than this share of the text's height both ways are specks (noise, a comma).
SPECK = 0.5
#: A piece is in a row when this share of the lower one's height lies at the row's height.
SAME_ROW = 0.5
#: A piece this many times the text's height (a figure, a tall bracket) is in no row.
TALL = 1.5
#: A pixel row with no more dark pixels than this is blank (a scan's specks aside).
SPECKS = 2


def text_height(ink: np.ndarray) -> int:
    """The height of the text in a binary ``ink`` mask (pixels; 0 when there is little ink).

    >>> ink = np.zeros((100, 100), np.uint8)
    >>> for x in range(0, 100, 10):
    ...     ink[10:30, x:x + 6] = 1
    >>> text_height(ink)
    20
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = np.sort(heights[(heights >= 4) & (stats[1:, cv2.CC_STAT_WIDTH] >= 2)])
    return int(heights[int(len(heights) * TALL_SHARE)]) if len(heights) >= 10 else 0


def ink_rows(image: np.ndarray) -> list[Line]:
    """The rows of ink pieces of a page image (8-bit grey or colour), top to bottom, each a line
    whose words are the pieces (no text): what ``columns.plan_columns`` needs of a reading."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height = text_height(ink)
    if not height:
        return []
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(JOIN_ACROSS * height)),
                                                        max(1, int(JOIN_DOWN * height))))
    _, _, stats, _ = cv2.connectedComponentsWithStats(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel), connectivity=8)
    pieces = sorted((BBox(float(x), float(y), float(x + w), float(y + h)) for x, y, w, h, _ in stats[1:]
                     if max(w, h) >= SPECK * height), key=lambda box: box.y0)
    rows: list[tuple[list[float], list[BBox]]] = []  # ([top, bottom], pieces)
    for piece in pieces:
        if piece.height > TALL * height:
            continue  # a figure, a rule's frame, a tall bracket: no line of text, and no row's height
        best, share = None, 0.0
        for row in rows[-8:]:  # rows further up are done: pieces come top first
            (top, bottom), _ = row
            overlap = BBox(piece.x0, top, piece.x1, bottom).vertical_overlap(piece)
            if overlap > share:
                best, share = row, overlap
        if best is None or share < SAME_ROW:
            rows.append(([piece.y0, piece.y1], [piece]))
            continue
        span, members = best
        members.append(piece)
        span[0], span[1] = min(span[0], piece.y0), max(span[1], piece.y1)
    return [Line.from_words(tuple(Word("", box) for box in sorted(members, key=lambda b: b.x0)))
            for _, members in rows]


def ink_level(image: np.ndarray) -> int:
    """The grey level below which a pixel of ``image`` (8-bit grey) is ink: Otsu's threshold, so that
    grey or coloured text (a #999 footer, an orange heading) counts; at least 128.

    >>> page = np.full((20, 20), 255, np.uint8)
    >>> page[5:10, 5:15] = 153  # grey text
    >>> ink_level(page) > 153
    True
    """
    level, _ = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return max(128, int(level) + 1)  # Otsu's class of ink is the levels up to its threshold


def blank_row(image: np.ndarray, start: int, step: int, reach: int, *, level: int = 128) -> int:
    """The first pixel row from ``start`` on (``step`` -1 up, 1 down, at most ``reach`` rows) with
    no ink (no more than ``SPECKS`` pixels darker than ``level``): where a block of text can be cut
    off without cutting a line; ``start`` when none is.

    >>> page = np.full((50, 20), 255, np.uint8)
    >>> page[10:20, 2:18] = 0
    >>> blank_row(page, 15, -1, 10), blank_row(page, 15, 1, 10), blank_row(page, 15, 1, 3)
    (9, 20, 15)
    """
    for row in range(start, start + step * reach, step):
        if not 0 <= row < image.shape[0]:
            break
        if int(np.count_nonzero(image[row] < level)) <= SPECKS:
            return row
    return start
