"""Primes (``′``) in OCR readings: the minutes of an angle (``北纬 26°35′``) and a letter's prime before an
equals sign (``H′ = 3.98``).

Engines seldom read them: PP-OCR's dictionary has ``′`` but the recognizer drops the mark or reads ``'``,
Tesseract reads ``'`` or ``’``, and in the fonts most pages use (Noto CJK, WenQuanYi Micro Hei) the prime
*is* the apostrophe's glyph, upright and at the same height, so the ink cannot tell one from the other.
Where the mark stands can: after the minutes of ``26°35`` a tick is the minute sign, and a tick between a
lone letter and ``=`` in Chinese text is that letter's prime (an apostrophe there would close no quotation
and shorten no word). So

- ``read_as_primes``: an apostrophe-like mark an engine read in one of those two places is written ``′``
  (pure text, applied to OCR readings only: a text layer's ``'`` is what its author typed), unless it
  closes a quotation opened before it on the line (``‘北纬26°35’``, ``「26°35」``, ``cut -d'='``);
- ``dropped_primes``: where PP-OCR read nothing in one of those places, a ``′`` is put only when the line's
  crop shows a tick there: one short stroke of ink at the top of the line, without a hole, standing alone
  in its columns (the detached top of a ``5`` or of ``℃`` has the rest of its character below it), between
  the character before and the one after;
- ``merged_primes``: a letter ``J`` with its prime that PP-OCR read as a closing bracket closing nothing,
  before ``=`` (``均匀度」=0.57``, ``均匀度」'=0.57`` for ``均匀度J′=0.57``): the bracket is the letter, and
  the prime is the tick the crop shows in its place, or the mark read apart.

On the stress corpus's 30 scanned and mixed-page documents (both seeds) primes were about a tenth of the
character errors left (98 of 977); with both rules, as first written, the errors went from 977 to 895, no
document worse; the ink and quotation checks two reviews added left that unchanged (885 with full-width angles,
before and after). ``J′`` read as a bracket, later: 865 -> 853, no document worse.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import regex

from cwn_ocr.layer.charsets import is_ideograph
from cwn_ocr.ocr.engines.forms import char_window, han_measure

if TYPE_CHECKING:
    import numpy as np

PRIME, DOUBLE_PRIME = "\u2032", "\u2033"
#: What engines make of a prime: apostrophes, an acute or grave accent, a corner bracket, a double quote that
#: closes nothing (PP-OCR reads the tick ``"``: ``38°12"。``; ``“`` opens a quotation, and minutes are never
#: followed by one), and a tilde where a range cannot go on (``35°10～-23°17～。``; ``3°5~6°``, ``35°10～ 36°20``
#: and a tilde ending the line, the range going on on the next, are ranges). Not ``”``: a quotation opened on the
#: line before may close right after minutes.
_APOSTROPHES = "'\u2019\u2018\uff07`\u00b4"
_MINUTES = regex.compile(r"(?<=\d°\d{1,2})(?:[" + _APOSTROPHES + r"\u300d\u201c\"]"
                         r"|[\uff5e~](?=[-\u2013\u2014。，,；;、]))")
#: Seconds: an angle's minutes written with a prime (or what an engine makes of one: ``26°35'12"``), digits, then a
#: double quote (``26°35′12"``).
_SECONDS = regex.compile(r'(?<=\d°\d{1,2}[\u2032' + _APOSTROPHES + r']\d{1,2}(?:\.\d+)?)["\u201c\u201d\uff02]')
#: A letter's prime: a lone ASCII letter after a space, an ideograph or Chinese punctuation (not a quote, a
#: dash or a letter: ``'a'``, ``-d'='``), the mark, then ``=`` not opening a quotation.
_LONE_LETTER = r"(?:(?<=^)|(?<=[\s\p{Han}，、；：（(]))[A-Za-z]"
_LETTER = regex.compile(rf"(?<={_LONE_LETTER})[{_APOSTROPHES}](?=\s*=(?!\s*[{_APOSTROPHES}\"“”]))")
#: Quotation marks that open what the mark after minutes would close: it stays. Straight marks pair with
#: nothing for sure (a minute mark the line before the degrees lost is one): after minutes they are primes.
_OPENERS = {"\u300d": "\u300c", "\u2019": "\u2018"}


def read_as_primes(text: str) -> str:
    """``text`` (an OCR reading) with the apostrophe-like marks after an angle's minutes and between a lone
    letter and ``=`` written as primes (the letter's only on lines with Han), and a double quote after its
    seconds as ``″``.

    >>> read_as_primes("北纬 26°35'-43°41’。指数 H'=1.98，均匀度 J’ = 0.57")
    '北纬 26°35′-43°41′。指数 H′=1.98，均匀度 J′ = 0.57'
    >>> read_as_primes("35°10～-23°17」。东经 104°3'27“，26°35′12″")
    '35°10′-23°17′。东经 104°3′27″，26°35′12″'
    >>> read_as_primes("他说：「位于北纬26°35」。‘北纬26°35’，35°10～ 36°20，3°5~6°，北纬26°35～")
    '他说：「位于北纬26°35」。‘北纬26°35’，35°10～ 36°20，3°5~6°，北纬26°35～'
    >>> read_as_primes('25°22′-38°12“。称“北纬26°35”，北纬 26°35"，东经 104°30"，称"北纬26°35"的地区')
    '25°22′-38°12′。称“北纬26°35”，北纬 26°35′，东经 104°30′，称"北纬26°35"的地区'
    >>> read_as_primes('the "26°35" and "104°30" lines, 称“北纬26°35"的地区，北纬26°35”的地区')
    'the "26°35" and "104°30" lines, 称“北纬26°35"的地区，北纬26°35”的地区'
    >>> read_as_primes("用 cut -d'=' -f2 取值，if 'a' == ch，‘x’ = 1，称‘变量 y’=常数，Xi'an, it's 'quoted' = no")
    "用 cut -d'=' -f2 取值，if 'a' == ch，‘x’ = 1，称‘变量 y’=常数，Xi'an, it's 'quoted' = no"
    """
    if "°" in text:
        text = _SECONDS.sub(DOUBLE_PRIME, _MINUTES.sub(lambda m: m.group() if _closes(text, m.start())
                                                       else PRIME, text))
    if "=" in text and any(is_ideograph(c) for c in text):
        text = _LETTER.sub(lambda m: m.group() if _closes(text, m.start()) else PRIME, text)
    return text


def _closes(text: str, at: int) -> bool:
    """Whether the mark at ``at`` (``」``, ``’`` or a double quote) closes a quotation opened before it on the
    line: an opening mark of its kind before it that no closing one follows (``_open_before``); for a straight
    quote or a ``“`` (a closing one misread), the double quotes before it left open (``quote_open``).

    >>> _closes('称"北纬26°35"，', 9), _closes('北纬26°35"，称"甲"', 7), _closes('称“北纬26°35“，', 9)
    (True, False, True)
    """
    if text[at] in '"\u201c':
        return quote_open(text, at)
    opener = _OPENERS.get(text[at])
    return opener is not None and _open_before(text, at, opener)


def quote_open(text: str, at: int) -> bool:
    """Whether a double quotation is open at ``at`` (``double_quotes``: the state the last double quote before
    ``at`` leaves).

    >>> quote_open('the "26°35" and "104°30', 23), quote_open('26°35" and "甲', 13), quote_open('称“北纬26°35', 9)
    (True, True, True)
    >>> quote_open('26°35"，称', 8), quote_open('38°12“。称', 8), quote_open('称"甲"，', 5)
    (False, False, False)
    """
    open_ = False
    for place, _opened, _tick, now_open in double_quotes(text):
        if place >= at:
            break
        open_ = now_open
    return open_


def double_quotes(text: str) -> Iterator[tuple[int, bool, bool, bool]]:
    """Each double quote of ``text``, left to right: its place, whether a quotation was open before it, whether it
    is a tick after an angle's minutes or seconds (``26°35"``, ``26°35′12"``, ``26°35“``), and whether one is open
    after it. ``“`` opens, ``”`` closes, a straight ``"`` does what the open one calls for; a tick neither opens
    nor toggles, but closes what is open (``"北纬26°35"``). ``curly_quotes`` (PP-OCR's straight quotes made curly)
    and ``quote_open`` read a line's quotes so.

    >>> [(at, opened, tick) for at, opened, tick, _now in double_quotes('26°35"，称"甲"')]
    [(5, False, True), (8, False, False), (10, True, False)]
    >>> [tick for _at, _opened, tick, _now in double_quotes('东经104°3\\'27"，称"甲"')]  # minutes read as ``'``
    [True, False, False]
    """
    open_ = False
    for at, char in enumerate(text):
        if char not in '"\u201c\u201d':
            continue
        tick = bool(_MINUTES.match(text, at) or _SECONDS.match(text, at))
        opened = open_
        if char == "\u201d" or (tick and open_ and char == '"'):
            open_ = False
        elif not tick:
            open_ = True if char == "\u201c" else not open_
        yield at, opened, tick, open_


def _open_before(text: str, at: int, opener: str) -> bool:
    """Whether an ``opener`` before ``at`` on the line is still open there: no mark like ``text[at]`` closes
    it in between. An opener right after minutes opens nothing (it is a prime); a closing mark there closes
    what is open (``“北纬26°35”``), and closes nothing where nothing is.

    >>> _open_before("「甲」，度」", 5, "「"), _open_before("「甲，度」", 4, "「")
    (False, True)
    >>> _open_before("38°12“。称“26°35”，26°35”", 21, "“"), _open_before("‘26°35’，26°35’", 13, "‘")
    (False, False)
    """
    depth = 0
    for i in range(at):
        if text[i] == opener and not _MINUTES.match(text, i):
            depth += 1
        elif text[i] == text[at]:
            depth = max(0, depth - 1)
    return depth > 0


def prime_gaps(text: str) -> list[int]:
    """Indices of ``text`` after which a prime belongs but nothing was read: after an angle's minutes
    (``26°35-43°41。``) and after a lone letter followed by ``=`` (``H=3.98``; on lines with Han). Not
    before a mark an engine read there (a quote, an apostrophe: ``“北纬26°35”``).

    >>> prime_gaps("北纬26°35-43°41。指数H=1.98，J = 0.5，3°5~6°，Ha=1，“26°35”")
    [6, 12, 16, 23]
    """
    gaps = [m.end() - 1 for m in regex.finditer(
        rf"\d°\d{{1,2}}(?![\d°.{PRIME}{DOUBLE_PRIME}{_APOSTROPHES}\u300d\uff5e~\"“”＂]|\s*[,，]?\d)", text)]
    if any(is_ideograph(c) for c in text):
        gaps += [m.start() for m in regex.finditer(rf"{_LONE_LETTER}(?=\s*=)", text)]
    return sorted(gaps)


#: Closing brackets a recognizer reads for a letter ``J`` and its prime (``J′``) run together, and what each
#: would close.
_MERGED = {"\u300d": "\u300c", "]": "[", "\u3011": "\u3010"}


_BRACKET = regex.compile(rf"(?:(?<=^)|(?<=[\s\p{{Han}}，、；：（(]))[\u300d\]\u3011]"
                         rf"(?=[{_APOSTROPHES}{PRIME}]?\s*=(?!\s*[{_APOSTROPHES}\"“”]))")


def merged_primes(text: str) -> list[int]:
    """Indices of ``text`` (with Han) where a closing bracket that closes nothing still open before it on the
    line stands before ``=`` (an apostrophe between them or not; the ``=`` opening no quotation) at the start
    or after a space, an ideograph or Chinese punctuation: where a recognizer reads the letter ``J`` as a
    bracket, with its prime or apart from it (``均匀度」=0.57``, ``均匀度」'=0.57``; ``J′`` in Noto and
    WenQuanYi; ``]`` and ``】`` on degraded scans). ``a[i]=``, ``「甲」=`` close what they opened.

    >>> merged_primes("指数H′=1.98，均匀度」=0.57"), merged_primes("「甲」，均匀度」'=0.57")
    ([13], [7])
    >>> merged_primes("数组a[i]=1，「甲」=乙"), merged_primes("x」=1"), merged_primes("设定」='a'")
    ([], [], [])
    """
    if not any(is_ideograph(c) for c in text):
        return []
    return [m.start() for m in _BRACKET.finditer(text) if not _open_before(text, m.start(), _MERGED[m.group()])]


#: A tick's height, as shares of the line's Han characters' extent (Noto Sans's prime 0.12-0.3 of it, Noto
#: Serif's 0.36, AR PL Mingti's wedge 0.14; a raised ``²`` 0.4 and more).
TICK_MIN, TICK_MAX = 0.1, 0.38
#: It starts in the top part of the line and ends above its middle.
TICK_TOP, TICK_BOTTOM = 0.25, 0.55
#: It is narrow: at most this share of an em wide, and at most ``TICK_SLANT`` times as wide as high (a serif
#: face's prime is a wedge leaning right).
TICK_WIDTH, TICK_SLANT = 0.35, 2.5
#: Its shape, by font (measured at 30 and 44 px): an upright stroke at most ``UPRIGHT`` times as wide as
#: high (Noto, WenQuanYi Micro Hei: 0.3-0.42; a raised ``²`` 0.56 and more); or a small mark at most
#: ``SMALL_TICK`` em high (WenQuanYi Zen Hei, AR PL: 0.13-0.2 em, a wedge or a hook; on the stress corpus's
#: degraded scans every prime is a dot of 2-6 pixels, 0.05-0.11 em). An asterisk or a degree sign is as wide
#: as high and 0.25-0.45 em. A speck of dust at the very place of a prime, in one of its two places, passes.
UPRIGHT, SMALL_TICK = 0.5, 0.2
#: It is one short stroke: its ink no more than this many of the line's stroke widths times its length (a
#: star, a ring or a digit is several strokes' worth); and it has no hole (a degree sign).
ONE_STROKE = 1.6
#: An ideograph's ink starts this many ems left of its CTC peak at the most (its own strokes are no tick).
HAN_START = 0.3


def stroke_width(ink: np.ndarray) -> float:
    """The width of a line's strokes in pixels: the median length of the runs of ink along its rows
    (``ink`` a boolean mask of the line's Han band); 1 without ink.

    >>> import numpy as np
    >>> ink = np.zeros((10, 40), bool); ink[:, 5:8] = ink[:, 20:23] = ink[4:6, 5:23] = True
    >>> stroke_width(ink)
    3.0
    """
    import numpy as np

    padded = np.pad(ink.astype(np.int8), ((0, 0), (1, 1)))
    edges = np.diff(padded, axis=1)
    lengths = np.flatnonzero(edges.ravel() == -1) - np.flatnonzero(edges.ravel() == 1)
    return float(np.median(lengths)) if lengths.size else 1.0


def _tick(piece: np.ndarray, area: int, stroke: float, em: float) -> bool:
    """Whether a piece of ink (its boolean mask, cut to its box) is shaped as a prime: one stroke without a
    hole (``ONE_STROKE``), upright or small (``UPRIGHT``, ``SMALL_TICK``); ``stroke`` the line's stroke width
    and ``em`` its em, in pixels.

    >>> import numpy as np
    >>> tick, ring, star = np.ones((10, 3), bool), np.ones((6, 6), bool), np.zeros((12, 12), bool)
    >>> ring[2:4, 2:4] = False
    >>> star[5:7, :] = star[:, 5:7] = True; star[range(12), range(12)] = star[range(12), range(11, -1, -1)] = True
    >>> _tick(tick, 30, 3.0, 40.0), _tick(ring, 32, 3.0, 40.0), _tick(star, int(star.sum()), 2.0, 40.0)
    (True, False, False)
    """
    import cv2
    import numpy as np

    h, w = piece.shape
    if area > ONE_STROKE * stroke * float(np.hypot(w, h)):
        return False
    if not (w <= UPRIGHT * h or (h <= SMALL_TICK * em and w <= TICK_SLANT * h)):
        return False
    _contours, hierarchy = cv2.findContours(piece.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    return hierarchy is None or not any(int(node[3]) >= 0 for node in hierarchy[0])


def dropped_primes(text: str, columns: Sequence[int], probs: Sequence[float], cell: float, gray: np.ndarray
                   ) -> tuple[str, list[int], list[float]]:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]`` with probability ``probs[i]``, ``cell`` pixels a column) with a ``′`` put in each of
    ``prime_gaps`` where the crop shows a tick, and each bracket of ``merged_primes`` written ``J`` where the
    prime was read apart after it, ``J′`` where a tick stands in its place right of its peak; and the columns
    and probabilities of the result (a ``′`` put in has the probability of the character before it). Only on
    lines whose Han characters give the measure (``han_measure``: a tick is measured against their extent).

    >>> import numpy as np
    >>> gray = np.full((40, 230), 255, np.uint8)
    >>> for x in (0, 30, 60, 90):                            # four Han characters, strokes 4 px wide
    ...     gray[5:35, x:x + 4] = gray[5:35, x + 22:x + 26] = gray[18:22, x:x + 26] = 0
    >>> gray[5:35, 130:134] = gray[5:35, 138:142] = gray[18:22, 130:142] = 0  # "H"
    >>> gray[18:21, 170:190] = 0; gray[24:27, 170:190] = 0   # "="
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)[0]  # no tick
    '安顺市区H='
    >>> gray[6:15, 148:152] = 0                              # a tick
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)
    ('安顺市区H′=', [1, 5, 9, 13, 17, 20, 23], [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    >>> gray[6:15, 146:154] = 0; gray[9:12, 149:151] = 255    # a ring: a degree sign
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)[0]
    '安顺市区H='
    >>> gray[6:15, 146:154] = 255; gray[6:15, 148:152] = gray[15:35, 148:152] = 0  # part of a taller character
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)[0]
    '安顺市区H='

    A ``J``'s peak lies on its stem, at its right edge; its prime a stroke's width of paper right of it or more:

    >>> gray = np.full((50, 300), 255, np.uint8)
    >>> for x in (0, 40, 80, 120):                           # four Han characters, an em of 40 px
    ...     gray[5:45, x:x + 4] = gray[5:45, x + 30:x + 34] = gray[23:27, x:x + 34] = 0
    >>> gray[5:45, 170:178] = 0; gray[22:25, 200:220] = gray[29:32, 200:220] = 0  # "J" (its stem), "="
    >>> gray[6:16, 183:186] = 0                              # the tick: 5 px right of the stem, 9.5 of the peak
    >>> dropped_primes("安顺市区J=", [0, 4, 8, 12, 17, 21], [0.9] * 6, 10.0, gray)[0]
    '安顺市区J′='
    >>> gray[6:16, 183:186] = 255; gray[6:16, 179:182] = 0  # a crack apart: a piece of the letter's own
    >>> dropped_primes("安顺市区J=", [0, 4, 8, 12, 17, 21], [0.9] * 6, 10.0, gray)[0]
    '安顺市区J='
    """
    import cv2
    import numpy as np

    out_text, out_columns, out_probs = list(text), list(columns[:len(text)]), list(probs[:len(text)])
    usable = len(columns) >= len(text) and gray.ndim == 2
    gaps, merged = (prime_gaps(text), set(merged_primes(text))) if usable else ([], set())
    measure = han_measure(text, columns, cell, gray, least=8) if gaps or merged else None
    if measure is None:
        return text, out_columns, out_probs
    em, top, bottom = measure
    span = bottom - top
    ink = gray < 128
    stroke = stroke_width(ink[int(top):int(round(bottom))])
    count, labels, stats, _centroids = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    ticks = []
    for k in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[k, :5])
        if not (max(2.0, TICK_MIN * span) <= h <= TICK_MAX * span and w <= TICK_WIDTH * em and area >= 3):
            continue
        if y > top + TICK_TOP * span or y + h > top + TICK_BOTTOM * span or y <= 0:
            continue
        # alone in its columns: ink below it down to the line's bottom is the rest of a character
        if np.count_nonzero(ink[y + h:int(round(bottom)), x:x + w]) > 0.25 * area:
            continue
        if _tick(labels[y:y + h, x:x + w] == k, area, stroke, em):
            ticks.append((x, x + w / 2))
    # the pieces of full characters (taller than any tick; not cut by the crop's top, a stroke of the line above):
    # a letter's own ink, which a tick right of it is clear of
    tall = [(int(stats[k, 0]), int(stats[k, 0] + stats[k, 2])) for k in range(1, count)
            if stats[k, 3] > TICK_MAX * span and 0 < stats[k, 1]]
    inserted = 0
    for i in sorted([*gaps, *merged]):
        at = i + inserted
        if i in merged and text[i + 1] in _APOSTROPHES + PRIME:
            out_text[at] = "J"  # the letter read as a bracket, its prime apart (``均匀度」'=``): ``read_as_primes``
            continue
        if i in merged:
            # a letter and its prime read as one closing bracket (``均匀度」=0.57`` for ``均匀度J′=0.57``): a tick
            # in the bracket's place makes it the letter and the prime
            left, right = char_window(columns[:len(text)], cell, i, 0.5 * em)
            found = [t for _, t in ticks if max(left, (columns[i] + 0.5) * cell) <= t <= right]
        else:
            after = (columns[i] + 0.5) * cell  # the character before the gap, its peak
            until = (columns[i + 1] + 0.5) * cell if i + 1 < len(text) else after + em
            # right of the character's own middle by a quarter of an em at least (its own top is not a tick), or
            # a stroke's width of paper or more right of the ink of the letter its peak stands on (a ``J``'s peak
            # lies at its right edge, where its stem is, and its prime a fifth of an em on; a piece of a ``T``'s arm
            # the scan broke off touches the rest, a crack apart), and left of where an ideograph after it starts
            # (the top dot of 兴, the arm of 丫 are its own)
            if i + 1 < len(text) and is_ideograph(text[i + 1]):
                until -= HAN_START * em
            own = max((x1 for x0, x1 in tall if x0 <= after <= x1), default=None)
            clear = None if own is None else own + stroke
            found = [t for x0, t in ticks if (after + em / 4 <= t or (clear is not None and x0 >= clear)) and t < until]
        if len(found) != 1:
            continue
        if i in merged:
            out_text[at] = "J"
        out_text.insert(at + 1, PRIME)
        out_columns.insert(at + 1, int(round(found[0] / cell - 0.5)))
        out_probs.insert(at + 1, out_probs[at])
        inserted += 1
    return "".join(out_text), out_columns, out_probs
