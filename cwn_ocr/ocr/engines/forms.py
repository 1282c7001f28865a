"""Raised and lowered digits, told by where their ink sits on the line (pure, numpy and OpenCV).

PP-OCR's recognizer reads a line squeezed to 48 pixels high and says what each character is, not
where it sits: ``km²`` and ``CO₂`` come out ``km2`` and ``CO2`` (the stress corpus's scans, both
seeds: every subscript and a third of the superscripts after a letter). The line's own pixels say
which: a superscript's ink ends in the upper part of the line, a subscript's starts in the lower
part, each a little over half a Han character high; a digit of normal size spans the line. The
line's extent is its Han characters' ink (the median top and bottom over the windows at their
CTC peaks), so the test needs three Han characters on the line and holds in any font and size.

Only an ASCII digit right after an ASCII letter, and not followed by another digit, is looked at
(``m²``, ``CO₂``, ``H₂SO₄``; ``PM2.5`` when the page prints it so), and only made raised or
lowered: a form the recognizer read is never undone, and ink that is broken or unclear leaves the
digit as read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cwn_ocr.layer.charsets import is_ideograph

if TYPE_CHECKING:
    import numpy as np

SUPERSCRIPTS = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
SUBSCRIPTS = dict(zip("0123456789", "₀₁₂₃₄₅₆₇₈₉"))

#: Where the ink of a raised or lowered digit lies, as shares of the Han characters' extent (0 their
#: top, 1 their bottom). Measured on the stress corpus's scans (PP-OCR's readings aligned with the
#: truth, both seeds): superscripts end at 0.41-0.62, subscripts start at 0.25-0.71 and end at
#: 0.8-1.2, digits of normal size start at 0.03-0.3 and end at 0.8-1.0; both small forms stand
#: 0.4-0.55 high. Broken or blurred ink (shorter than ``MIN_HEIGHT``) decides nothing.
SUP_BOTTOM = 0.62
SUB_TOP = 0.38
SUB_BOTTOM = 0.8
MIN_HEIGHT = 0.35
MAX_HEIGHT = 0.62


def han_band(ink: np.ndarray, text: str, columns: Sequence[int], cell: float, em: float) -> tuple[float, float] | None:
    """The top and bottom pixel rows of the line's Han characters: the medians over windows 0.6 em
    wide at their CTC peaks (``cell`` pixels a column), or None with fewer than three.

    >>> import numpy as np
    >>> ink = np.zeros((40, 100), bool); ink[5:35, 0:90] = True
    >>> han_band(ink, "安顺市", [1, 5, 9], 8.0, 32.0)
    (5.0, 35.0)
    """
    import numpy as np

    tops, bottoms = [], []
    half = max(1.0, 0.3 * em)
    for i, char in enumerate(text):
        if not is_ideograph(char):
            continue
        x = (columns[i] + 0.5) * cell
        rows = np.flatnonzero(ink[:, max(0, int(x - half)):int(x + half) + 1].any(axis=1))
        if rows.size:
            tops.append(float(rows[0]))
            bottoms.append(float(rows[-1] + 1))
    if len(tops) < 3:
        return None
    return float(np.median(tops)), float(np.median(bottoms))


def han_em(text: str, columns: Sequence[int], cell: float) -> float | None:
    """The line's em in pixels: the median distance between the CTC peaks of neighbouring Han
    characters, or None with fewer than three such pairs.

    >>> han_em("安顺市生态", [0, 5, 10, 14, 20], 8.0), han_em("安顺 km2", [0, 5, 7, 8, 9, 10], 8.0)
    (40.0, None)
    """
    pitches = sorted(columns[i + 1] - columns[i] for i in range(len(text) - 1)
                     if is_ideograph(text[i]) and is_ideograph(text[i + 1]))
    return pitches[len(pitches) // 2] * cell if len(pitches) >= 3 else None


def placed(top: float, bottom: float) -> str | None:
    """"sup", "sub" or None (as read) for a digit whose ink runs from ``top`` to ``bottom``, shares
    of the Han characters' extent.

    >>> placed(0.05, 0.55), placed(0.45, 0.95), placed(0.1, 0.9), placed(0.2, 0.45)
    ('sup', 'sub', None, None)
    """
    height = bottom - top
    if not MIN_HEIGHT <= height <= MAX_HEIGHT:
        return None
    if bottom <= SUP_BOTTOM:
        return "sup"
    if top >= SUB_TOP and bottom >= SUB_BOTTOM:
        return "sub"
    return None


def script_digits(text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking
    at CTC column ``columns[i]``, ``cell`` pixels a column) with the digits the crop shows raised or
    lowered after a letter in their superscript or subscript forms.

    >>> import numpy as np
    >>> gray = np.full((40, 200), 255, np.uint8)
    >>> for x in (0, 30, 60, 90): gray[5:35, x:x + 26] = 0           # four Han characters
    >>> gray[5:35, 122:132] = 0; gray[14:35, 136:150] = 0             # "km"
    >>> gray[5:19, 154:160] = 0                                       # a digit, raised
    >>> script_digits("总面积为km2", [1, 5, 9, 13, 16, 19, 20], 7.5, gray)
    '总面积为km²'
    >>> gray[5:19, 154:160] = 255; gray[8:35, 154:160] = 0             # a digit of normal size
    >>> script_digits("总面积为km2", [1, 5, 9, 13, 16, 19, 20], 7.5, gray)
    '总面积为km2'
    """
    import cv2
    import numpy as np

    if len(columns) < len(text) or gray.ndim != 2:
        return text  # no place for each character, or not one channel: nothing to measure
    candidates = [i for i, char in enumerate(text) if char in SUPERSCRIPTS and 0 < i
                  and text[i - 1].isascii() and text[i - 1].isalpha()
                  and not (i + 1 < len(text) and text[i + 1].isdigit())]
    if not candidates:
        return text
    em = han_em(text, columns, cell)
    ink = gray < 128
    band = han_band(ink, text, columns, cell, em) if em else None
    if em is None or band is None or band[1] - band[0] < 4:
        return text
    top, bottom = band
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    out = list(text)
    for i in candidates:
        x = (columns[i] + 0.5) * cell
        left = ((columns[i - 1] + columns[i]) / 2 + 0.5) * cell
        right = ((columns[i] + columns[i + 1]) / 2 + 0.5) * cell if i + 1 < len(text) else x + 0.35 * em
        parts = [k for k in range(1, count) if left <= stats[k, 0] + stats[k, 2] / 2 <= right
                 and stats[k, 2] <= 1.2 * (right - left) and stats[k, 4] >= 3]
        if not parts:
            continue
        y0 = min(int(stats[k, 1]) for k in parts)
        y1 = max(int(stats[k, 1] + stats[k, 3]) for k in parts)
        form = placed((y0 - top) / (bottom - top), (y1 - top) / (bottom - top))
        if form:
            out[i] = (SUPERSCRIPTS if form == "sup" else SUBSCRIPTS)[text[i]]
    return "".join(out)
