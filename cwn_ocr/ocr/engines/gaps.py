"""Characters PP-OCR's recognizer reads where a line's crop shows blank paper (pure).

The recognizer reads a crop whole, left to right; over blank paper several characters wide, such as
the gap between a table row's cells (``人口      4,539,833      人``), it reads characters the page
does not show: ``人口個4,539,833個人``, ``年降水量729²mm``, ``PM2.5年均浓度22宝μg/m³``. Each character's
CTC peak says where it is. On the stress corpus's scans (seeds 1-4, 8,000 characters of six pages
measured) a character of the page peaks on its ink or within 0.2 text heights of it (a comma's peak
right of its dot); the made-up ones peak 0.45 to 4 text heights from any ink, in the middle of a gap
between cells. A character is dropped only there: inside a blank run between inked columns wider
than ``WIDE`` text heights (wider than any space in a line of text), ``AWAY`` text heights or more
from ink. A full stop after the last ink (a line's end, where a faint or blurred ``。`` peaks off its
ink) is never dropped. The only other change is a space between two cells' characters where PP-OCR read
none (never beside a comparison sign).

(Tried first and not kept: narrowing such gaps, or reading each cell alone. Both rid the rows of the
made-up characters, but read alone a cell loses what the line around it measures ``km²``'s raised
digit and ``—`` against, and a line with its gaps narrowed came out surer, so PP-OCR's detector no
longer read it cell by cell where that reads better: more characters were lost than won.)

A pixel is ink when it is darker than the paper (the crop's median) by ``PAPER_MARGIN`` grey levels,
which measures the text's height; a column counts as blank only when no pixel in it is darker than the
paper by ``FAINT`` (grey text, a faded stroke keep their column; a degraded scan's paper between cells
varies by up to 37 levels). A run of ink smaller than half the text's height both ways (a speck, a
rule's end) makes no cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: a run that reads nothing by PP-OCR never imports numpy
    import numpy as np

#: A pixel is ink when it is this many grey levels darker than the paper (the crop's median).
PAPER_MARGIN = 64
#: ... and a column is blank when none of its pixels is this many grey levels darker than the paper.
FAINT = 40
#: A blank run between inked columns wider than this many text heights (the crop's inked rows) is a gap
#: between cells: measured on the stress corpus's scans (seeds 1-2, every line Tesseract found), the widest
#: blank in a line of text, justified lines with Latin words in them included, is 0.8-1.4 text heights (2.0
#: after a bullet); between a table row's cells 4-12.
WIDE = 3.0
#: A character peaking this many text heights or more from any ink, inside such a gap, is not on the page...
AWAY = 0.3
#: ... unless the recognizer is sure of it (this probability or more: made-up characters measured 0.17-0.66) and
#: it peaks within a text height of a cell: a cell's first character can peak early, its last late.
SURE = 0.9
#: No space is put beside these: the garble detector calls a lone one a stray symbol (``噪声 < 55 dB(A)``).
_COMPARISONS = frozenset("<>=≤≥＜＞")


def across_gaps(text: str, columns: Sequence[int], probs: Sequence[float], cell: float, gray: np.ndarray
                ) -> tuple[str, list[int], list[float]]:
    """``text`` (a recognizer's reading of the grey crop ``gray``, character ``i`` peaking at CTC column
    ``columns[i]`` with probability ``probs[i]``, ``cell`` pixels a column) without the characters that
    peak on blank paper inside a gap between cells (``WIDE``, ``AWAY``) where both cells beside it have a
    character of their own (the first character after a gap can peak early, in the gap: where its cell has
    no other, it is that cell's), and with a space between two cells' characters where the reading has none
    (PP-OCR reads no space between Han and digits, however wide the gap: ``人口4,539,833人`` for a row of
    three cells), unless one of them is a comparison sign; and the columns and probabilities of the result.

    >>> import numpy as np
    >>> crop = np.full((20, 200), 255, np.uint8)
    >>> crop[5:15, 10:30] = crop[5:15, 150:170] = 0  # two cells 120 px apart, text 10 px high
    >>> across_gaps("人個口", [1, 10, 15], [0.9, 0.4, 0.9], 10.0, crop)  # 個 peaks at x 105, 45 px from ink
    ('人 口', [1, 8, 15], [0.9, 1.0, 0.9])
    >>> across_gaps("人口", [1, 12], [0.9, 0.9], 10.0, crop)[0]  # 口 peaks in the gap: its cell has no other
    '人 口'
    >>> across_gaps("人個口", [1, 10, 15], [0.9, 0.4, 0.9], 10.0, crop[:, :120])[0]  # one cell: nothing to do
    '人個口'
    """
    import numpy as np

    if gray.size == 0 or not text or len(columns) != len(text) or len(probs) != len(text):
        return text, list(columns), list(probs)
    paper = float(np.median(gray))
    rows = np.flatnonzero((gray < paper - PAPER_MARGIN).any(axis=1))
    faint = gray < paper - FAINT
    inked = np.flatnonzero(faint.any(axis=0))
    if rows.size == 0 or inked.size < 2:
        return text, list(columns), list(probs)
    height = float(rows[-1] - rows[0] + 1)
    # the row's cells: runs of inked columns more than WIDE text heights apart, none a speck
    bounds = [0, *(np.flatnonzero(np.diff(inked) - 1 > WIDE * height) + 1).tolist(), inked.size]
    runs = [(int(inked[i]), int(inked[j - 1])) for i, j in zip(bounds, bounds[1:])]
    runs = [(a, b) for a, b in runs if b - a + 1 >= height / 2
            or np.flatnonzero(faint[:, a:b + 1].any(axis=1)).size >= height / 2]
    if len(runs) < 2:
        return text, list(columns), list(probs)
    starts, ends = [float(a) for a, _ in runs], [float(b) for _, b in runs]
    reach = AWAY * height
    places = [(column + 0.5) * cell for column in columns]

    def on_cell(x: float) -> int | None:
        return next((c for c, (a, b) in enumerate(zip(starts, ends)) if a - reach <= x <= b + reach), None)

    def nearest(x: float) -> int:
        return min(range(len(starts)), key=lambda c: max(starts[c] - x, x - ends[c], 0.0))

    cells = [None if char.isspace() else on_cell(x) for char, x in zip(text, places)]
    held = {c for c in cells if c is not None}
    kept: list[tuple[str, int, float, int | None]] = []
    for char, column, prob, x, on in zip(text, columns, probs, places, cells):
        if char.isspace():
            if not kept or not kept[-1][0].isspace():  # one space where a dropped character stood between two
                kept.append((char, column, prob, None))
            continue
        if on is None:
            near = nearest(x)
            gap = near if x > ends[near] else near - 1  # the gap after cell ``gap``, if x lies between two cells
            if 0 <= gap < len(starts) - 1 and starts[gap + 1] > x > ends[gap]:
                beside = min(x - ends[gap], starts[gap + 1] - x) < height and prob >= SURE
                if gap in held and gap + 1 in held and not beside:
                    continue  # on blank paper between two cells that have their characters: made up
                if gap + 1 not in held:
                    on = gap + 1
                elif gap not in held:
                    on = gap
                else:
                    on = gap if x - ends[gap] < starts[gap + 1] - x else gap + 1
            else:
                on = near
        last = kept[-1] if kept else None  # the character before, unless a space is
        # (not beside a comparison sign: ``噪声< 55`` spaced ``噪声 < 55`` is a stray symbol to the detector)
        if last is not None and last[3] is not None and last[3] != on and not {last[0], char} & _COMPARISONS:
            middle = int((ends[min(last[3], on)] + starts[max(last[3], on)]) / 2 / cell)
            kept.append((" ", min(max(middle, last[1]), column), 1.0, None))  # between its neighbours' columns
        kept.append((char, column, prob, on))
    return "".join(c for c, _, _, _ in kept), [col for _, col, _, _ in kept], [p for _, _, p, _ in kept]
