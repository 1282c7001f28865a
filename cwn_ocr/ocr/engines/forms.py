"""Raised and lowered digits, told by where their ink sits on the line (pure, numpy and OpenCV).

PP-OCR's recognizer reads a line squeezed to 48 pixels high and says what each character is, not
where it sits: ``km²`` and ``CO₂`` come out ``km2`` and ``CO2`` (the stress corpus's scans, both
seeds: every subscript and a third of the superscripts after a letter). The line's own pixels say
which: a superscript's ink ends in the upper part of the line, a subscript's starts in the lower
part, each a little over half a Han character high; a digit of normal size spans the line. The
line's extent is its Han characters' ink (the median top and bottom over the windows at their
CTC peaks), so the test needs Han characters side by side on the line (``han_measure``: three pairs)
and holds in any font and size. A line without them (``Forest cover rose … over 6,442 km²``) is measured
against its letters' ink instead (``latin_band``: capitals and ascenders for the top, letters without
descenders for the baseline; not digits, which old-style figures set at three heights), for superscripts
only: an old-style figure (``0 1 2`` reach the x-height, as in Georgia, Constantia, Garamond) stands where a
subscript starts, and a line without Han has no larger character to tell them by.

Only an ASCII digit right after an ASCII letter, and not followed by another digit, is looked at
(``m²``, ``CO₂``, ``H₂SO₄``; ``PM2.5`` when the page prints it so), and only made raised or
lowered: a form the recognizer read is never undone, and ink that is broken or unclear leaves the
digit as read. Nor the digits of a formula the recognizer read a ``z`` in (``HzSO4``: ``₂`` is not in
its dictionary): half of it lowered (``HzSO₄``) is a non-word the garble detector flags.

Capitals and digits printed full-width (``样品编号 ＴＨＭ５６０``) the recognizer mostly reads as ASCII
(``THM560``, ``T H M 5 6 0``); where their ink sits says which (``full_width_codes``): a full-width
form fills an em, as a Han character does, an ASCII capital or digit a half to three quarters of one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import regex

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


def han_band(ink: np.ndarray, text: str, columns: Sequence[int], cell: float, em: float, *, chars: int = 3
             ) -> tuple[float, float] | None:
    """The top and bottom pixel rows of the line's Han characters: the medians over windows 0.6 em
    wide at their CTC peaks (``cell`` pixels a column), or None with fewer than ``chars`` of them.

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
    if len(tops) < chars:
        return None
    return float(np.median(tops)), float(np.median(bottoms))


def han_em(text: str, columns: Sequence[float], cell: float, *, pairs: int = 3) -> float | None:
    """The line's em in pixels: the median distance between the places (CTC peaks, or ink centres:
    ``ink_centres``) of neighbouring Han characters, ``cell`` pixels a unit; None with fewer than
    ``pairs`` such pairs.

    >>> han_em("安顺市生态", [0, 5, 10, 14, 20], 8.0), han_em("安顺 km2", [0, 5, 7, 8, 9, 10], 8.0)
    (40.0, None)
    >>> han_em("噪声 <46", [0, 5, 7, 8, 9, 10], 8.0, pairs=1)
    40.0
    """
    pitches = sorted(columns[i + 1] - columns[i] for i in range(len(text) - 1)
                     if is_ideograph(text[i]) and is_ideograph(text[i + 1]))
    return pitches[len(pitches) // 2] * cell if len(pitches) >= pairs else None


def han_measure(text: str, columns: Sequence[int], cell: float, gray: np.ndarray, *, least: float, pairs: int = 3
                ) -> tuple[float, float, float] | None:
    """The line's em and its Han characters' top and bottom rows (``han_em``, ``han_band``) in the grayscale
    crop ``gray``, or None when there are too few Han characters or they stand under ``least`` pixels high:
    what marks are measured against.

    >>> import numpy as np
    >>> gray = np.full((40, 130), 255, np.uint8); gray[5:35, 0:120] = 0
    >>> han_measure("安顺市区", [1, 5, 9, 13], 8.0, gray, least=4), han_measure("安顺市", [1, 5, 9], 8.0, gray, least=4)
    ((32.0, 5.0, 35.0), None)
    """
    em = han_em(text, columns, cell, pairs=pairs)
    band = han_band(gray < 128, text, columns, cell, em, chars=min(3, pairs + 1)) if em else None
    if em is None or band is None or band[1] - band[0] < least:
        return None
    return em, band[0], band[1]


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


#: A superscript against the line's letters (``latin_band``: 0 the top of its capitals and ascenders, 1 its
#: baseline), for a line without Han to measure by. Measured on the stress corpus's scans (seeds 1 and 2, PP-OCR's
#: readings of such lines, aligned with the truth; against digits and capitals, which stand as high as
#: capitals and ascenders within a pixel or two): superscripts end at 0.52-0.56, digits of normal size run
#: from -0.05-0.05 to 0.93-1.11. A full-size figure of any style reaches the baseline or below it. Subscripts
#: (they start at 0.42-0.45 there) are not told: an old-style ``0 1 2`` starts at 0.25-0.39 (the x-height) in
#: the faces that print them so, a pixel adds 0.05 on small type, and nothing on such a line tells them apart.
LATIN_SUP_BOTTOM = 0.7
LATIN_MAX_HEIGHT = 0.8
#: Letters the band's top and its baseline are each measured over, at least.
LATIN_REFERENCES = 2
#: The letters that reach the top of the band (capitals and ascenders) and that stand on the baseline (all but
#: those that descend: ``g j p q y``, and ``J`` and ``Q``, which do in some faces).
TOP_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZbdfhkl")
BASE_LETTERS = frozenset("ABCDEFGHIKLMNOPRSTUVWXYZabcdefhiklmnorstuvwxz")


def placed_by_letters(top: float, bottom: float) -> str | None:
    """"sup" or None (as read) for a digit whose ink runs from ``top`` to ``bottom``, shares of the line's
    letters' extent (``latin_band``): never "sub" (``LATIN_SUP_BOTTOM``).

    >>> placed_by_letters(0.0, 0.55), placed_by_letters(0.43, 1.1), placed_by_letters(0.0, 1.0)
    ('sup', None, None)
    >>> placed_by_letters(0.3, 1.0), placed_by_letters(0.3, 1.3), placed_by_letters(0.0, 1.0)  # old-style 2, 3, 6
    (None, None, None)
    """
    height = bottom - top
    return "sup" if MIN_HEIGHT <= height <= LATIN_MAX_HEIGHT and bottom <= LATIN_SUP_BOTTOM else None


def latin_band(text: str, columns: Sequence[int], cell: float, stats: np.ndarray, count: int
               ) -> tuple[float, float] | None:
    """The top and the baseline, in pixel rows, of the line's ASCII letters: the median top of its capitals and
    ascenders (``TOP_LETTERS``) and the median bottom of its letters without descenders (``BASE_LETTERS``), each
    over its pieces of ink (OpenCV component ``stats``, ``count`` of them with the background; a letter's ink
    is the pieces centred in its window, ``char_window``). None with fewer than ``LATIN_REFERENCES`` of either
    or a band under 4 pixels. Digits are no measure: old-style figures stand at three heights.

    >>> import cv2, numpy as np
    >>> ink = np.zeros((40, 100), np.uint8); ink[10:30, 2:12] = 1; ink[10:30, 22:32] = 1; ink[16:30, 42:48] = 1
    >>> count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    >>> latin_band("km2", [0, 3, 5], 8.0, stats, count), latin_band("kmx", [0, 3, 5], 8.0, stats, count)
    (None, None)
    >>> latin_band("Kkx", [0, 3, 5], 8.0, stats, count)
    (10.0, 30.0)
    """
    import numpy as np

    tops, bottoms = [], []
    for i, char in enumerate(text[:len(columns)]):
        if char not in TOP_LETTERS and char not in BASE_LETTERS:
            continue
        parts = _pieces(stats, count, char_window(columns[:len(text)], cell, i, 4.0 * cell))
        if parts:
            if char in TOP_LETTERS:
                tops.append(min(int(stats[k, 1]) for k in parts))
            if char in BASE_LETTERS:
                bottoms.append(max(int(stats[k, 1] + stats[k, 3]) for k in parts))
    if len(tops) < LATIN_REFERENCES or len(bottoms) < LATIN_REFERENCES:
        return None
    top, bottom = float(np.median(tops)), float(np.median(bottoms))
    return (top, bottom) if bottom - top >= 4 else None


def char_window(columns: Sequence[int], cell: float, i: int, reach: float) -> tuple[float, float]:
    """The pixels of a crop character ``i`` owns, from the midpoint to its left neighbour's CTC peak to the
    midpoint to its right one's (``cell`` pixels a column); ``reach`` pixels from its own peak at either end
    of the line.

    >>> char_window([1, 5, 9], 8.0, 1, 10.0), char_window([1, 5, 9], 8.0, 2, 10.0)
    ((28.0, 60.0), (60.0, 86.0))
    """
    x = (columns[i] + 0.5) * cell
    left = ((columns[i - 1] + columns[i]) / 2 + 0.5) * cell if i else x - reach
    right = ((columns[i] + columns[i + 1]) / 2 + 0.5) * cell if i + 1 < len(columns) else x + reach
    return left, right


def _pieces(stats: np.ndarray, count: int, window: tuple[float, float]) -> list[int]:
    """The connected pieces of ink (OpenCV component stats, ``count`` of them with the background) centred in
    a character's ``window`` and no wider than 1.2 of it, specks of under 3 pixels left out."""
    left, right = window
    return [k for k in range(1, count) if left <= stats[k, 0] + stats[k, 2] / 2 <= right
            and stats[k, 2] <= 1.2 * (right - left) and stats[k, 4] >= 3]


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
                  and not (i + 1 < len(text) and text[i + 1].isdigit())
                  and not _in_formula_read_z(text, i)]
    if not candidates:
        return text
    ink = gray < 128
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    measure = han_measure(text, columns, cell, gray, least=4)
    if measure is not None:
        em, top, bottom = measure
        reach, judge = 0.35 * em, placed
    else:  # no Han side by side to measure against: the line's letters (superscripts only)
        band = latin_band(text, columns, cell, stats, count)
        if band is None:
            return text
        top, bottom = band
        reach, judge = 0.5 * (bottom - top), placed_by_letters
    out = list(text)
    for i in candidates:
        parts = _pieces(stats, count, char_window(columns[:len(text)], cell, i, reach))
        if not parts:
            continue
        y0 = min(int(stats[k, 1]) for k in parts)
        y1 = max(int(stats[k, 1] + stats[k, 3]) for k in parts)
        form = judge((y0 - top) / (bottom - top), (y1 - top) / (bottom - top))
        if form:
            out[i] = (SUPERSCRIPTS if form == "sup" else SUBSCRIPTS)[text[i]]
    return "".join(out)


#: A run of ASCII letters and digits (a formula, a code, a word).
ASCII_RUN = regex.compile(r"[A-Za-z0-9]+")


def _in_formula_read_z(text: str, at: int) -> bool:
    """Whether ``text[at]`` is in a run of ASCII letters and digits with a ``z`` between two capitals: a formula
    whose lowered ``2`` the recognizer read as ``z`` (``HzSO4`` for H₂SO₄; its dictionary has no ``₂``).

    >>> _in_formula_read_z("用 HzSO4 溶液", 6), _in_formula_read_z("NazSO4", 5), _in_formula_read_z("用 H2SO4", 6)
    (True, True, False)
    >>> _in_formula_read_z("Hz 50", 1)
    False
    """
    word = next((m.group() for m in ASCII_RUN.finditer(text) if m.start() <= at < m.end()), "")
    return regex.search(r"[A-Z][a-y]?z[A-Z]", word) is not None


#: Marks the recognizer reads as their simpler look-alikes, and what the crop shows that makes them
#: the other: ``≡`` (not in PP-OCR's dictionary) is three bars where ``=`` is two; ``≤`` and ``≥`` are ``<``
#: and ``>`` with a bar beneath (PP-OCR mostly reads ``<`` for ``≤``). A bar is a piece of ink at least
#: ``BAR`` times as wide as high.
STACKED = {"=": "≡", "<": "≤", ">": "≥"}
#: What the recognizers read for ``±`` (a cross over a bar), neither of which is two pieces of ink one above the
#: other: ``+`` (one piece), and the Han look-alikes ``士`` and ``土``, one piece each (the upright meets the lower
#: bar); those only where a tolerance stands (``_tolerance_at``: ``误差士2.1%``), where the ink is a cross and a bar
#: beneath it as wide.
PLUS_MINUS = {"+": "±", "士": "±", "土": "±"}
#: A ``±``'s bar over its cross's width: 1.00-1.03 in the CJK fonts of the stress corpus.
PLUS_MINUS_WIDTHS = (0.92, 1.1)
#: A ``士`` or ``土`` broken above its lower bar (a faint scan) is two such pieces as well, at 0.92-1.08 in Noto
#: Sans CJK and WenQuanYi (``博士2人``, ``黏土2类``): either is taken for ``±`` only after a number, a symbol or a
#: letter, or after one of these, which a tolerance follows (``误差±2.1%``, ``约±3``, ``为±0.5``).
BEFORE_PLUS_MINUS = "差约为"
BAR = 2.5


def stacked_marks(text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking at
    CTC column ``columns[i]``, ``cell`` pixels a column) with each ``=`` whose ink is three bars one
    above the other written ``≡``, each ``<`` or ``>`` whose ink is the angle and a bar beneath it
    written ``≤`` or ``≥``, and a ``+`` (or, where a tolerance stands, ``士``, ``土``: ``_tolerance_at``) whose
    ink is a cross and a bar beneath it ``±`` (``PLUS_MINUS``). Ink that runs together (blur) or holds anything
    else leaves the mark as read.

    >>> import numpy as np
    >>> gray = np.full((40, 120), 255, np.uint8)
    >>> gray[5:35, 0:26] = 0; gray[5:35, 90:116] = 0                  # two Han characters
    >>> for y in (12, 18, 24): gray[y:y + 3, 40:60] = 0                # three bars
    >>> stacked_marks("安=顺", [1, 6, 12], 8.0, gray)
    '安≡顺'
    >>> gray[24:27, 40:60] = 255                                       # two bars
    >>> stacked_marks("安=顺", [1, 6, 12], 8.0, gray)
    '安=顺'
    >>> gray[10:30, 40:60] = 255; gray[10:22, 49:52] = 0; gray[15:18, 43:58] = 0  # a cross
    >>> stacked_marks("安+顺", [1, 6, 12], 8.0, gray)
    '安+顺'
    >>> gray[25:28, 43:58] = 0                                         # and a bar beneath it
    >>> stacked_marks("安+顺", [1, 6, 12], 8.0, gray), stacked_marks("差士5", [1, 6, 12], 8.0, gray)
    ('安±顺', '差±5')
    >>> stacked_marks("安士顺", [1, 6, 12], 8.0, gray), stacked_marks("博士5", [1, 6, 12], 8.0, gray)
    ('安士顺', '博士5')
    """
    import cv2
    import numpy as np

    candidates = [i for i, char in enumerate(text) if char in STACKED
                  or (char in PLUS_MINUS and (char == "+" or _tolerance_at(text, i)))]
    if not candidates or len(columns) < len(text) or gray.ndim != 2:
        return text
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8), connectivity=8)
    out = list(text)
    for i in candidates:
        # its pieces: not cut by the crop's top or bottom (a stroke of the line above or below)
        parts = sorted((stats[k] for k in _pieces(stats, count, char_window(columns[:len(text)], cell, i,
                                                                            0.5 * gray.shape[0]))
                        if stats[k, 1] > 0 and stats[k, 1] + stats[k, 3] < gray.shape[0]),
                       key=lambda part: int(part[1]))
        bars = [part for part in parts if part[2] >= BAR * part[3]]
        if text[i] == "=" and len(parts) == 3 and len(bars) == 3 and _stacked(bars) and _alike(bars):
            out[i] = STACKED["="]
        elif (text[i] in "<>" or text[i] in PLUS_MINUS) and len(parts) == 2 and parts[1][2] >= BAR * parts[1][3] \
                and parts[0][2] < BAR * parts[0][3] and _stacked(parts):
            # the bar as wide as the angle (no underline), as the cross (``PLUS_MINUS_WIDTHS``)
            low, high = (0.7, 1.4) if text[i] in "<>" else PLUS_MINUS_WIDTHS
            if low <= parts[1][2] / parts[0][2] <= high:
                out[i] = STACKED.get(text[i]) or PLUS_MINUS[text[i]]
    return "".join(out)


def _tolerance_at(text: str, at: int) -> bool:
    """Whether ``text[at]`` (a ``士`` or ``土`` read) stands where a ``±`` would: a digit follows it (a space between
    them at most), and before it a character that is no ideograph, or one of ``BEFORE_PLUS_MINUS``.

    >>> _tolerance_at("误差士2.1%", 2), _tolerance_at("在 83士2℃", 4), _tolerance_at("误差 土 4.9%", 3)
    (True, True, True)
    >>> _tolerance_at("博士2人", 1), _tolerance_at("国土面积", 1), _tolerance_at("士2", 0)
    (False, False, False)
    """
    rest, before = text[at + 1:at + 3].lstrip(" "), text[:at].rstrip(" ")
    return bool(rest) and rest[0].isdigit() and bool(before) and (
        not is_ideograph(before[-1]) or before[-1] in BEFORE_PLUS_MINUS)


#: ``＜`` and ``＞`` (full-width) are drawn as large as a Han character in Noto Sans and Serif CJK: 0.76-0.79 em wide
#: and high, 0.83-0.86 of the Han characters' height, where ``<`` and ``>`` are 0.45-0.48 em wide and 0.51-0.59 of
#: it. An angle at least ``WIDE_ANGLE`` of the Han characters' height wide and high is the full-width one. Not less:
#: TeX's ``<`` (cmmi10, any LaTeX document) is 0.61 em wide and 0.59-0.66 of the Han height, a bold Latin one as
#: much, and one more pixel of ink each way on a scan adds a tenth; so AR PL Mingti's ``＜`` (0.60 em, 0.68) and
#: WenQuanYi's (drawn as its ``<``) stay as read.
WIDE_ANGLE = 0.78
#: The angle's size is measured against the Han characters of its line, from one pair of them side by side
#: (``噪声 ＜ 46 dB(A)``, a card's row): only their height is wanted, which two give as well as ten. Measured on
#: the stress corpus's scan and mixed-page documents (both seeds): three ``＜`` more come out as printed, no other
#: character changes, the controls and the real PDFs byte-identical.
ANGLE_PAIRS = 1


def wide_angles(text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]``, ``cell`` pixels a column) with each ``<`` or ``>`` whose ink, one piece shaped as the
    angle (``_angle``), is as large as a full-width one's (``WIDE_ANGLE``) written ``＜`` or ``＞``: PP-OCR
    reads ``μ ＜ 1.38`` as ``μ<1.38``. Only on lines whose Han characters give the measure of the mark's size
    (``han_measure``: a pair of them side by side, 8 pixels high or more: ``ANGLE_PAIRS``).

    >>> import numpy as np
    >>> gray = np.full((40, 240), 255, np.uint8)
    >>> for x in (0, 32, 64, 160, 192): gray[5:35, x:x + 28] = 0    # five Han characters
    >>> for r in range(26): gray[7 + r, 100 + 2 * abs(13 - r):104 + 2 * abs(13 - r)] = 0  # an angle as large
    >>> wide_angles("安顺市<生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市＜生态'
    >>> gray[:, 96:135] = 255
    >>> for r in range(14): gray[13 + r, 104 + abs(7 - r) // 2:108 + abs(7 - r) // 2] = 0  # a small one
    >>> wide_angles("安顺市<生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市<生态'
    """
    found = _mark_pieces(text, "<>", columns, cell, gray, pairs=ANGLE_PAIRS)
    if found is None:
        return text
    _em, top, bottom, labels, stats, pieces = found
    out = list(text)
    for i, parts in pieces.items():
        if len(parts) != 1:
            continue
        x, y, w, h = (int(v) for v in stats[parts[0], :4])
        if min(w, h) >= WIDE_ANGLE * (bottom - top) and _angle(labels[y:y + h, x:x + w] == parts[0], text[i] == "<"):
            out[i] = chr(ord(text[i]) + 0xFEE0)
    return "".join(out)


#: A ring read as ``°`` whose ink begins this far down the Han characters' extent (a share of it) or lower
#: is the full stop ``。``, not the degree sign: a degree sign stands at the top (its ink begins at -0.02 to
#: 0.21 of the extent, measured on 24 read on the stress corpus's scans), a full stop at the foot of its cell
#: (mainland fonts: 0.55) or, in AR PL's fonts, in its middle (0.36-0.38). Both recognizers read ``。``
#: before digits as ``°`` on scans (``修复城市绿地19处°5.5.4``).
LOW_RING = 0.3
#: Ink smaller than this many ems across is a speck, no ring (a blurred full stop on the degraded scans: 0.11).
MIN_RING = 0.1


def stops_read_as_degrees(text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]``, ``cell`` pixels a column) with each ``°`` whose ink, one piece a tenth to half an em
    across, stands lower on the line than a degree sign (``LOW_RING``) written ``。``. Only on lines whose Han
    characters give the measure (``han_measure``: three pairs of them side by side, 8 pixels high or more).

    >>> import numpy as np
    >>> gray = np.full((40, 240), 255, np.uint8)
    >>> for x in (0, 32, 64, 160, 192): gray[5:35, x:x + 28] = 0    # five Han characters
    >>> gray[26:35, 100:109] = 0; gray[29:32, 103:106] = 255        # a ring on the line
    >>> stops_read_as_degrees("安顺市°生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市。生态'
    >>> gray[:, 96:135] = 255; gray[5:14, 100:109] = 0; gray[8:11, 103:106] = 255  # a raised one
    >>> stops_read_as_degrees("安顺市°生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市°生态'
    """
    found = _mark_pieces(text, "°", columns, cell, gray)
    if found is None:
        return text
    em, top, bottom, _labels, stats, pieces = found
    out = list(text)
    for i, whole in pieces.items():
        # its ink: one piece, specks beside it aside (a third of its ink or less), itself no speck; where it
        # begins: the highest of them (a ring broken in two begins at its upper part)
        parts = sorted(whole, key=lambda k: -int(stats[k, 4]))
        if not parts or any(3 * stats[k, 4] > stats[parts[0], 4] for k in parts[1:]):
            continue
        _x, _y, w, h = (int(v) for v in stats[parts[0], :4])
        y = min(int(stats[k, 1]) for k in parts)
        if MIN_RING * em <= max(w, h) <= 0.5 * em and (y - top) / (bottom - top) >= LOW_RING:
            out[i] = "。"
    return "".join(out)


#: A closing quote whose ink begins this low on the line (a share of the Han characters' extent, 0 their
#: top) is a comma: a quote hangs from the top of the line (quotes, apostrophes and primes begin at -0.16 to
#: 0.19 in six CJK fonts at 20-44 px), a comma sits on the baseline (0.65-0.84) or, in a font that centres its
#: full-width punctuation (AR PL UKai), in the middle of the line (0.30-0.37), where PP-OCR's recognizer reads
#: it as ``’`` even on a clean render (``0.25’μ`` for ``0.25，μ``). One that begins above ``BASELINE`` is such a
#: centred full-width comma; lower, its width is the room's to tell (``widths``).
LOW_QUOTE = 0.3
BASELINE = 0.6
#: A comma's ink is this tall, as a share of the Han characters' extent (a letter's stroke or a whole letter
#: that a faded quote leaves in its place is taller).
COMMA_HEIGHT = (0.12, 0.45)


def commas_read_as_quotes(text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]``, ``cell`` pixels a column) with each ``’`` whose ink all begins lower on the line than
    a quote's (``LOW_QUOTE``), the piece at its place comma-sized (``COMMA_HEIGHT``), written as the comma it
    is: ``，`` in the middle of the line, ``,`` on its baseline (``BASELINE``). Left as read: a ``’`` between
    two Latin letters (``Tom’s``: an apostrophe whose ink may have faded, leaving a letter's stroke in its
    place), one with ink cut by the crop's edge in its place (a piece of it unmeasured), and every ASCII ``'``
    (no recognizer was seen reading a comma so). Only on lines whose Han characters give the measure
    (``han_measure``).

    >>> import numpy as np
    >>> gray = np.full((40, 240), 255, np.uint8)
    >>> for x in (0, 32, 64, 160, 192): gray[5:35, x:x + 28] = 0    # five Han characters
    >>> gray[17:27, 102:108] = 0                                     # a mark in the middle of the line
    >>> commas_read_as_quotes("安顺市’生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市，生态'
    >>> gray[:, 96:135] = 255; gray[28:38, 102:106] = 0             # one on the baseline
    >>> commas_read_as_quotes("安顺市’生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市,生态'
    >>> gray[:, 96:135] = 255; gray[6:14, 103:106] = 0              # one that hangs from the top
    >>> commas_read_as_quotes("安顺市’生态", [1, 5, 9, 13, 21, 25], 8.0, gray)
    '安顺市’生态'
    """
    found = _mark_pieces(text, "\u2019", columns, cell, gray)
    if found is None:
        return text
    em, top, bottom, _labels, stats, pieces = found
    extent = bottom - top
    out = list(text)
    for i, parts in pieces.items():
        if not parts or _between_letters(text, i) or len(parts) < len(
                _pieces(stats, len(stats), char_window(columns[:len(text)], cell, i, 0.5 * em))):
            continue
        peak = (columns[i] + 0.5) * cell
        own = min(parts, key=lambda k: abs(stats[k, 0] + stats[k, 2] / 2 - peak))  # the piece at its place
        begins = (min(int(stats[k, 1]) for k in parts) - top) / extent
        if begins >= LOW_QUOTE and COMMA_HEIGHT[0] <= stats[own, 3] / extent <= COMMA_HEIGHT[1]:
            out[i] = "，" if begins < BASELINE else ","
    return "".join(out)


def _between_letters(text: str, at: int) -> bool:
    """Whether ``text[at]`` stands between two Latin letters (``Tom’s``, ``don’t``).

    >>> _between_letters("Tom’s", 3), _between_letters("0.25’μ", 4), _between_letters("m’北", 1)
    (True, False, False)
    """
    return 0 < at < len(text) - 1 and all(c.isascii() and c.isalpha() for c in (text[at - 1], text[at + 1]))


def _mark_pieces(text: str, marks: str, columns: Sequence[int], cell: float, gray: np.ndarray, *, pairs: int = 3
                 ) -> tuple[float, float, float, np.ndarray, np.ndarray, dict[int, list[int]]] | None:
    """What ``wide_angles``, ``stops_read_as_degrees`` and ``commas_read_as_quotes`` measure a mark by: the line's
    em and its Han characters' top and bottom rows (``han_measure``), the crop's ink labelled (labels, OpenCV component
    stats), and for each character of ``text`` among ``marks`` the whole pieces of ink (none cut by the
    crop's top or bottom: a stroke of the line above or below) centred in its window; None when ``text``
    has no such character or the line too few Han characters to measure by.

    >>> import numpy as np
    >>> gray = np.full((40, 240), 255, np.uint8)
    >>> for x in (0, 32, 64, 160, 192): gray[5:35, x:x + 28] = 0
    >>> gray[26:35, 100:109] = 0
    >>> found = _mark_pieces("安顺市°生态", "°", [1, 5, 9, 13, 21, 25], 8.0, gray)
    >>> found[:3], {i: [tuple(int(v) for v in found[4][k][:4]) for k in parts] for i, parts in found[5].items()}
    ((32.0, 5.0, 35.0), {3: [(100, 26, 9, 9)]})
    """
    import cv2
    import numpy as np

    candidates = [i for i, char in enumerate(text) if char in marks]
    if not candidates or len(columns) < len(text) or gray.ndim != 2:
        return None
    measure = han_measure(text, columns, cell, gray, least=8, pairs=pairs)
    if measure is None:
        return None
    em, top, bottom = measure
    count, labels, stats, _centroids = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8), connectivity=8)
    pieces = {i: [k for k in _pieces(stats, count, char_window(columns[:len(text)], cell, i, 0.5 * em))
                  if stats[k, 1] > 0 and stats[k, 1] + stats[k, 3] < gray.shape[0]] for i in candidates}
    return em, top, bottom, labels, stats, pieces


def _angle(piece: np.ndarray, opening_left: bool) -> bool:
    """Whether a piece of ink (its boolean mask, cut to its box) is shaped as ``<`` (``opening_left``: its point
    at the left) or ``>``: the column at the point has ink only about the middle, the column at the open side
    only near the top and the bottom (not a letter's stem run into it: ``i>`` in ``<i>`` on a blurred scan).

    >>> import numpy as np
    >>> angle = np.zeros((21, 11), bool)
    >>> for r in range(21): angle[r, abs(10 - r)] = True            # <
    >>> _angle(angle, True), _angle(angle, False), _angle(np.ones((21, 11), bool), True)
    (True, False, False)
    """
    import numpy as np

    h, w = piece.shape
    point, open_side = (piece[:, 0], piece[:, -1]) if opening_left else (piece[:, -1], piece[:, 0])
    rows_point, rows_open = np.flatnonzero(point), np.flatnonzero(open_side)
    if not rows_point.size or not rows_open.size:
        return False
    middle = (h - 1) / 2
    return bool(np.all(np.abs(rows_point - middle) <= 0.25 * h)
                and np.all(np.abs(rows_open - middle) >= 0.25 * h))


def _alike(bars: Sequence[Any]) -> bool:
    """Three bars (component stats, top to bottom) of one width (within 30 %) and evenly spaced (the two
    gaps within half of each other): ``≡``, not an ``=`` over an underline or a rule."""
    widths = [int(bar[2]) for bar in bars]
    gaps = [int(lower[1]) - int(upper[1]) for upper, lower in zip(bars, bars[1:])]
    return max(widths) <= 1.3 * min(widths) and max(gaps) <= 1.5 * min(gaps)


def _stacked(parts: Sequence[Any]) -> bool:
    """Pieces of ink (OpenCV component stats, top to bottom) one above the other: each below the last,
    overlapping it left to right by half the narrower one."""
    for upper, lower in zip(parts, parts[1:]):
        if lower[1] < upper[1] + upper[3] - 1:
            return False
        overlap = min(upper[0] + upper[2], lower[0] + lower[2]) - max(upper[0], lower[0])
        if overlap < 0.5 * min(upper[2], lower[2]):
            return False
    return True


#: Raised digits PP-OCR's dictionary holds: any other raised digit it reads as one of these (``m³`` comes
#: out ``m²``: ``³`` is not in it), so what such a digit is, its own ink says (``raised_digit_crops``).
READ_RAISED = "²"
#: A raised digit's ink in at most this many pieces (``one_glyph``): a thin face's ``³`` breaks in three or four.
MAX_PIECES = 4


def one_glyph(stats: np.ndarray, parts: Sequence[int]) -> list[int]:
    """Of the pieces of ink ``parts`` (OpenCV component stats' rows) found in one character's window, those of
    one glyph: the largest, and each piece within a third of the glyph's height of it above or below (a broken
    stroke of it), grown piece by piece; a neighbour's stroke lower or higher on the line is left out.

    >>> import numpy as np
    >>> stats = np.array([[0, 0, 0, 0, 0], [114, 22, 3, 4, 10], [113, 29, 5, 11, 40], [107, 36, 2, 3, 5],
    ...                   [98, 50, 3, 4, 9]])
    >>> one_glyph(stats, [1, 2, 3, 4])
    [1, 2, 3]
    """
    if not parts:
        return []
    group = [max(parts, key=lambda k: int(stats[k, 4]))]
    grown = True
    while grown:
        grown = False
        top = min(int(stats[k, 1]) for k in group)
        bottom = max(int(stats[k, 1] + stats[k, 3]) for k in group)
        reach = max(2.0, (bottom - top) / 3)
        for k in parts:
            if k not in group and top - reach <= stats[k, 1] + stats[k, 3] and stats[k, 1] <= bottom + reach:
                group.append(k)
                grown = True
    return sorted(group)


def raised_digit_crops(text: str, columns: Sequence[int], cell: float, gray: np.ndarray
                       ) -> list[tuple[int, np.ndarray, bool]]:
    """For each raised digit of ``READ_RAISED`` in ``text`` (a recognizer's reading of the grayscale
    line crop ``gray``, character ``i`` peaking at CTC column ``columns[i]``, ``cell`` pixels a column):
    its index and its ink alone, on white, scaled up to the line's height, for the recognizer to read as
    a digit of normal size. Its ink is the pieces of one glyph in its window (``one_glyph``: a scan
    breaks a thin face's strokes; the grey about them is kept, across gaps of a pixel or two), none cut by the
    crop's top or bottom edge (the lines above and below); more than ``MAX_PIECES`` of them, or none, give no
    crop. With each crop: whether it is all the ink in the window, in one piece or two (else it is a glyph
    put together from broken or crowded ink: weaker evidence).

    >>> import numpy as np
    >>> gray = np.full((40, 200), 255, np.uint8)
    >>> gray[5:35, 0:26] = 0; gray[5:19, 40:48] = 0
    >>> [(i, crop.shape, whole) for i, crop, whole in raised_digit_crops("安²", [1, 5], 8.0, gray)]
    [(1, (40, 36), True)]
    """
    import cv2
    import numpy as np

    candidates = [i for i, char in enumerate(text) if char in READ_RAISED]
    if not candidates or len(columns) < len(text) or gray.ndim != 2:
        return []
    count, labels, stats, _centroids = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8), connectivity=8)
    height = gray.shape[0]
    out = []
    for i in candidates:
        window = _pieces(stats, count, char_window(columns[:len(text)], cell, i, 0.3 * height))
        inside = [k for k in window if 0 < stats[k, 1] and stats[k, 1] + stats[k, 3] < height]  # not the lines
        parts = one_glyph(stats, inside)  # above and below
        if not 1 <= len(parts) <= MAX_PIECES:
            continue
        x0, y0 = min(int(stats[k, 0]) for k in parts), min(int(stats[k, 1]) for k in parts)
        x1 = max(int(stats[k, 0] + stats[k, 2]) for k in parts)
        y1 = max(int(stats[k, 1] + stats[k, 3]) for k in parts)
        if y1 - y0 < 4 or y1 - y0 > 0.7 * height:
            continue  # a speck, or a digit of normal size
        ink = np.isin(labels[y0:y1, x0:x1], parts)
        if len(parts) > 2:  # thin strokes broken apart: the grey about them, across a pixel or two, is the digit's
            ink = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        digit = np.where(ink, gray[y0:y1, x0:x1], 255).astype(np.uint8)
        scale = 0.7 * height / (y1 - y0)
        big = cv2.resize(digit, (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale))),
                         interpolation=cv2.INTER_CUBIC)
        pad_y, pad_x = (height - big.shape[0]) // 2, max(4, height // 4)
        crop = np.full((height, big.shape[1] + 2 * pad_x), 255, np.uint8)
        crop[pad_y:pad_y + big.shape[0], pad_x:pad_x + big.shape[1]] = big
        out.append((i, crop, len(parts) <= 2 and parts == sorted(window)))  # (one_glyph sorts)
    return out


#: A code (a run of capitals and digits, both) is full-width when its neighbouring characters' ink
#: centres (``ink_centres``) stand, in the lower median, ``FULL_PITCH`` of the line's em apart or
#: more, none closer than ``MIN_PITCH``, and its digits' neighbours ``DIGIT_PITCH`` on average: an
#: ASCII digit is half an em wide in CJK fonts, so even beside a W (an em wide in serif faces) it
#: stands under 0.8 em from it. The line's CTC em must span ``MIN_EM_COLUMNS`` columns or more (with
#: fewer the windows the ink is looked for in are too coarse). Measured on the stress corpus's seed 1
#: (scans with an English layer, mixed pages; PP-OCR's readings; 43 runs): full-width codes 0.93-1.07
#: em in the lower median, 0.72 or more each, their digits' neighbours 0.98-1.06; ASCII formulas and
#: units 0.43-0.71 (by CTC peaks alone the two overlapped: codes 0.75 apart, ASCII 0.83). Runs of
#: capitals alone or digits alone stay as read: ``WWW`` in a serif face, or ``1 2 3`` with wide spaces,
#: stand an em apart in ASCII too.
FULL_PITCH = 0.9
MIN_PITCH = 0.7
DIGIT_PITCH = 0.85
MIN_EM_COLUMNS = 3
#: A run ends where its characters stand this far apart (in ems) or more: a space beside a
#: full-width character (a narrow space, 0.25 em, may go unnoticed), or a table's next cell
#: (neighbouring full-width characters' peaks were 0.75-1.25 em apart: a column of jitter either way).
SPACED = 1.3
#: A run's first or last character right beside an ideograph belongs to it only when that ideograph
#: stands this far from it (in ems): a full-width one is an em from it, an ASCII one three quarters
#: (``ＡＢＣ１２３ 3台``, a quantity after a code, read with or without the space).
BESIDE_HAN = 0.9
#: What the recognizer makes of a full-width digit it does not read as one (``３`` as Cyrillic ``З``,
#: ``０`` as ``〇``), undone inside a full-width code.
DIGIT_SLIPS = {"\u0417": "\uff13", "\u3007": "\uff10"}


def _code_char(char: str) -> bool:
    return ("A" <= char <= "Z" or "0" <= char <= "9" or "\uff21" <= char <= "\uff3a"
            or "\uff10" <= char <= "\uff19" or char in DIGIT_SLIPS)


def _joined(text: str, at: int, step: int) -> bool:
    """Whether the character at ``at`` (beside a run, on the side ``step`` points to) joins the run to
    more ASCII: a letter or digit, or ``.``, ``/``, ``-`` with one beyond it (``PM2.5``, ``GB/T``)."""
    if not 0 <= at < len(text):
        return False
    char = text[at]
    if char.isascii() and char.isalnum():
        return True
    beyond = at + step
    return char in ".-/" and 0 <= beyond < len(text) and text[beyond].isascii() and text[beyond].isalnum()


def code_runs(text: str, columns: Sequence[float], em: float) -> list[list[int]]:
    """Indices (spaces left out) of the runs of capitals and digits in ``text`` that may be one code:
    characters at most one space apart and under ``SPACED`` ems apart, joined to no other ASCII
    (``iOS17``, ``ABC12x``, ``PM2.5``: words and numbers), with an end character left out where the
    ideograph right beside it stands closer than a full-width character would (``BESIDE_HAN``).

    >>> code_runs("号T H M 5 6 0，", [0, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 28], 4.0)
    [[1, 3, 5, 7, 9, 11]]
    >>> code_runs("备ABC123 3台", [0, 4, 8, 12, 16, 20, 24, 26, 28, 31], 4.0)  # 3 stands 0.75 em from 台
    [[1, 2, 3, 4, 5, 6]]
    >>> code_runs("iOS17和ABC12x和PM2.5", list(range(0, 72, 4)), 4.0)
    []
    """
    runs: list[list[int]] = []
    i, n = 0, len(text)
    while i < n:
        if not _code_char(text[i]):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n:
            k = j + 1 if text[j] == " " else j
            if k >= n or not _code_char(text[k]) or (columns[k] - columns[run[-1]]) / em >= SPACED:
                break
            run.append(k)
            j = k + 1
        start, i = i, j
        if _joined(text, start - 1, -1) or _joined(text, j, 1):
            continue
        for piece in _narrow_cut(columns, em, run):
            if _han_closer(text, columns, em, piece[-1], 1):
                piece.pop()
            if piece and _han_closer(text, columns, em, piece[0], -1):
                piece.pop(0)
            piece = _lone_ends(text, columns, em, piece)
            if len(piece) >= 3:
                runs.append(piece)
    return runs


def _narrow_cut(columns: Sequence[float], em: float, run: list[int]) -> list[list[int]]:
    """``run`` cut where two characters stand closer than ``MIN_PITCH``, both of them left out: two
    ASCII characters (a quantity after a code the recognizer read without the space, ``ＡＢＣ１２３ 12``);
    a full-width character stands three quarters of an em from an ASCII one at the least.

    >>> _narrow_cut([0, 4, 8, 12, 16, 18, 22, 26], 4.0, [0, 1, 2, 3, 4, 5, 6, 7])
    [[0, 1, 2, 3], [6, 7]]
    """
    pieces: list[list[int]] = [[]]
    skip = False
    for a, b in zip(run, run[1:] + [None]):
        narrow = b is not None and (columns[b] - columns[a]) / em < MIN_PITCH
        if not skip and not narrow:
            pieces[-1].append(a)
        if narrow:
            pieces.append([])
        skip = narrow
    return [piece for piece in pieces if piece]


def _lone_ends(text: str, columns: Sequence[float], em: float, run: list[int]) -> list[int]:
    """``run`` without a lone character a read space away from a longer piece of it, unless what
    stands right beside it outside the run shows it is an em wide: an ideograph ``BESIDE_HAN`` away,
    or full-width punctuation ``BESIDE_MARK`` away. A full-width character and an ASCII one a space
    apart stand an em apart as two full-width ones do (``ＡＢＣ１２３ 3 台``, ``第 3 ＡＢＣ１２３``);
    a run the recognizer spaced all through (``T H M 5 6 0``) has no longer piece to set it apart."""
    if len(run) >= 3 and run[-1] - run[-2] > 1 and run[-2] - run[-3] == 1 \
            and not _wide_beside(text, columns, em, run[-1], 1):
        run = run[:-1]
    if len(run) >= 3 and run[1] - run[0] > 1 and run[2] - run[1] == 1 \
            and not _wide_beside(text, columns, em, run[0], -1):
        run = run[1:]
    return run


#: Full-width punctuation's ink sits in one side of its em (``，`` at the left): it stands 0.65-0.75 em
#: from a full-width character before it, 0.4-0.5 from an ASCII one.
BESIDE_MARK = 0.6


def _han_closer(text: str, columns: Sequence[float], em: float, at: int, step: int) -> bool:
    """Whether the character next to ``at`` (on the side ``step`` points to, no space between) is an
    ideograph standing closer than an em-wide character at ``at`` leaves it (``BESIDE_HAN``)."""
    other = at + step
    return 0 <= other < len(text) and is_ideograph(text[other]) \
        and abs(columns[other] - columns[at]) / em < BESIDE_HAN


def _wide_beside(text: str, columns: Sequence[float], em: float, at: int, step: int) -> bool:
    """Whether the character next to ``at`` (on the side ``step`` points to, no space between) is an
    ideograph or full-width punctuation standing as far as an em-wide character at ``at`` leaves it."""
    other = at + step
    if not 0 <= other < len(text):
        return False
    char, gap = text[other], abs(columns[other] - columns[at]) / em
    if is_ideograph(char):
        return gap >= BESIDE_HAN
    wide = unicodedata.east_asian_width(char) in ("W", "F") and unicodedata.category(char).startswith("P")
    return wide and gap >= BESIDE_MARK


def ink_centres(text: str, columns: Sequence[int], cell: float, ink: np.ndarray) -> list[float]:
    """Where each character's ink is centred, in CTC columns: the middle of the inked pixel columns
    between the midpoints to its neighbours' peaks (``cell`` pixels a column); its peak where no ink
    is there (a space). A peak places a character to a column, a third or a quarter of an em; its ink
    places it to a pixel, which tells an em-wide cell from a half-em character and a space.

    >>> import numpy as np
    >>> ink = np.zeros((10, 40), bool); ink[:, 9:16] = ink[:, 25:30] = True  # centred 12 and 27 px
    >>> ink_centres("a b", [1, 2, 3], 8.0, ink)
    [1.0, 2.0, 2.875]
    """
    return pixel_centres(ink_pixels(text, columns, cell, ink), columns, cell)


def pixel_centres(pixels: Sequence[tuple[int, int] | None], columns: Sequence[int], cell: float) -> list[float]:
    """``ink_centres`` from each character's ``ink_pixels``.

    >>> pixel_centres([(9, 15), None], [1, 2], 8.0)
    [1.0, 2.0]
    """
    return [(span[0] + span[1]) / 2 / cell - 0.5 if span else float(column) for column, span in zip(columns, pixels)]


def ink_pixels(text: str, columns: Sequence[int], cell: float, ink: np.ndarray) -> list[tuple[int, int] | None]:
    """Each character's first and last inked pixel column, looked for between the midpoints to its
    neighbours' peaks (CTC columns, ``cell`` pixels a column); None for a space or where no ink is there.

    >>> import numpy as np
    >>> ink = np.zeros((10, 40), bool); ink[:, 9:16] = ink[:, 25:30] = True
    >>> ink_pixels("a b", [1, 2, 3], 8.0, ink)
    [(9, 15), None, (25, 29)]
    """
    import numpy as np

    inked = np.asarray(ink.any(axis=0))
    out: list[tuple[int, int] | None] = []
    for i, column in enumerate(columns):
        left = (columns[i - 1] + column) / 2 + 0.5 if i else 0.0
        right = (column + columns[i + 1]) / 2 + 0.5 if i + 1 < len(columns) else len(inked) / cell
        x0, x1 = max(0, int(round(left * cell))), min(len(inked), int(round(right * cell)))
        span = _own_ink(inked[x0:x1]) if x1 > x0 and not text[i].isspace() else None
        out.append((x0 + span[0], x0 + span[1]) if span else None)
    return out


#: An inked stretch at a window's edge narrower than this share of the window is a neighbour's ink
#: reaching over the midpoint between two peaks (a Han character's stroke beside a code's letter).
SPILL = 0.25


def _own_ink(inked: np.ndarray) -> tuple[int, int] | None:
    """The first and last inked pixel column of a window, leaving out a narrow stretch of ink at
    either edge (``SPILL``) when there is more ink; None without ink.

    >>> import numpy as np
    >>> _own_ink(np.array([1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0], bool))  # a neighbour's stroke at the left
    (4, 6)
    """
    import numpy as np

    xs = np.flatnonzero(inked)
    if not xs.size:
        return None
    breaks = np.flatnonzero(np.diff(xs) > 1)
    starts, ends = np.concatenate(([xs[0]], xs[breaks + 1])), np.concatenate((xs[breaks], [xs[-1]]))
    first, last, narrow = 0, len(starts) - 1, SPILL * len(inked)
    if last > first and starts[0] == 0 and ends[0] - starts[0] + 1 < narrow:
        first += 1
    if last > first and ends[-1] == len(inked) - 1 and ends[-1] - starts[-1] + 1 < narrow:
        last -= 1
    return int(starts[first]), int(ends[last])


def full_width_codes(text: str, columns: Sequence[int], *, cell: float = 1.0,
                     gray: np.ndarray | None = None) -> tuple[str, list[int]]:
    """``text`` (a recognizer's reading of the grayscale crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]``, ``cell`` pixels a column; without ``gray``, placed at its peak) with
    each code of three or more capitals and digits whose characters stand an em apart written in
    full-width forms, without the spaces the recognizer read between them; and the indices of
    ``text`` the result keeps (its characters' columns and probabilities are those). The em is the
    median pitch of the line's Han characters (``han_em``); a line with fewer than three pairs of
    them is left as read.

    >>> spaced = [0, 4, 8, 12, 16, 17, 20, 21, 24, 25, 28, 29, 32, 33, 36, 40, 44, 48]
    >>> full_width_codes("样品编号T H M 5 6 0，批次", spaced)
    ('样品编号ＴＨＭ５６０，批次', [0, 1, 2, 3, 4, 6, 8, 10, 12, 14, 15, 16, 17])
    >>> full_width_codes("样品编号THM560，批次", [0, 4, 8, 12, 15, 17, 20, 22, 24, 26, 28, 32, 36])[0]
    '样品编号THM560，批次'
    >>> serif = [0, 4, 8, 12, 15, 19, 22, 26, 29, 33, 37, 41, 45, 49, 53]  # a serif W is an em wide
    >>> full_width_codes("合作公司WW2和WWW集团项目", serif)[0]
    '合作公司WW2和WWW集团项目'
    >>> full_width_codes("采购设备ABC123 3台", [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 38, 40, 43])[0]
    '采购设备ＡＢＣ１２３ 3台'
    """
    keep = list(range(len(text)))
    columns_em = han_em(text, columns, 1.0)
    if columns_em is None or columns_em < MIN_EM_COLUMNS or not any(_code_char(c) for c in text):
        return text, keep
    places = ink_centres(text, columns, cell, gray < 128) if gray is not None else [float(c) for c in columns]
    em = han_em(text, places, 1.0)
    if em is None:  # as many Han pairs as by the peaks: never
        return text, keep
    out = list(text)
    dropped: set[int] = set()
    for chars in code_runs(text, places, em):
        code = [DIGIT_SLIPS.get(text[i], text[i]) for i in chars]
        if not any(c.isdigit() for c in code) or not any(c.isalpha() for c in code):
            continue
        gaps = [(places[b] - places[a]) / em for a, b in zip(chars, chars[1:])]
        digits = [g for k, g in enumerate(gaps) if code[k].isdigit() or code[k + 1].isdigit()]
        # ``code_runs`` cut every run where two characters stand closer than MIN_PITCH
        if sorted(gaps)[(len(gaps) - 1) // 2] < FULL_PITCH or sum(digits) / len(digits) < DIGIT_PITCH:
            continue
        for i, char in zip(chars, code):
            out[i] = chr(ord(char) + 0xFEE0) if char.isascii() else char
        dropped.update(i for a, b in zip(chars, chars[1:]) for i in range(a + 1, b))
    keep = [i for i in keep if i not in dropped]
    return "".join(out[i] for i in keep), keep
