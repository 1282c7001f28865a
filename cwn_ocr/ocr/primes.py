"""Primes (``′``) in OCR readings: the minutes of an angle (``北纬 26°35′``) and a letter's prime before an
equals sign (``H′ = 3.98``).

No engine reads them: PP-OCR's dictionary has no ``′`` (it drops the mark or reads ``'``), Tesseract reads
``'`` or ``’``, and in the fonts most pages use (Noto CJK, WenQuanYi Micro Hei) the prime *is* the
apostrophe's glyph, upright and at the same height, so the ink cannot tell one from the other. Where the
mark stands can: after the minutes of ``26°35`` a tick is the minute sign, and a tick between a lone letter
and ``=`` is that letter's prime (an apostrophe there would close no quotation and shorten no word). So

- ``read_as_primes``: an apostrophe-like mark an engine read in one of those two places is written ``′``
  (pure text, applied to OCR readings only: a text layer's ``'`` is what its author typed);
- ``dropped_primes``: where PP-OCR read nothing in one of those places, a ``′`` is put only when the line's
  crop shows a tick there: a small piece of ink at the top of the line, standing alone in its columns (the
  detached top of a ``5`` or of ``℃`` has the rest of its character below it), between the character
  before and the one after.

On the stress corpus's 30 scanned and mixed-page documents (both seeds) primes were about a tenth of the
character errors left (98 of 977); with both rules the errors went from 977 to 895, no document worse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import regex

from cwn_ocr.ocr.engines.forms import han_band, han_em

if TYPE_CHECKING:
    import numpy as np

PRIME = "\u2032"
#: What engines make of a prime: apostrophes and quotes, an acute or grave accent, a corner bracket, a
#: tilde (``35°10～-23°17～``; a tilde followed by a digit is a range and stays).
_MARKS = "'\u2019\u2018\uff07`\u00b4\u300d\uff5e~"
#: Minutes: degrees, one or two digits, then the mark (a tilde not before a digit: ``26°35'`` and ``26°35'12"``
#: but not ``3°5~6°``).
_MINUTES = regex.compile(r"(?<=\d°\d{1,2})(?:['\u2019\u2018\uff07`\u00b4\u300d]|[\uff5e~](?!\d))")
#: Seconds: an angle's minutes written with a prime, digits, then a double quote (``26°35′12"``).
_SECONDS = regex.compile(r'(?<=\d°\d{1,2}′\d{1,2}(?:\.\d+)?)["\u201d\uff02]')
#: A letter's prime: a lone ASCII letter (no letter before it), the mark, then ``=``.
_LETTER = regex.compile(r"(?<=(?<![A-Za-z])[A-Za-z])['\u2019\u2018\uff07`\u00b4](?=\s*=)")


def read_as_primes(text: str) -> str:
    """``text`` (an OCR reading) with the apostrophe-like marks after an angle's minutes and between a lone
    letter and ``=`` written as primes, and a double quote after its seconds as ``″``.

    >>> read_as_primes("北纬 26°35'-43°41’。指数 H'=1.98，均匀度 J’ = 0.57")
    '北纬 26°35′-43°41′。指数 H′=1.98，均匀度 J′ = 0.57'
    >>> read_as_primes("35°10～-23°17」。东经 104°3'27”")
    '35°10′-23°17′。东经 104°3′27″'
    >>> read_as_primes("Xi'an, it's 'quoted' = no; 3°5~6° stays; 1998'= no")
    "Xi'an, it's 'quoted' = no; 3°5~6° stays; 1998'= no"
    """
    if "°" in text:
        text = _SECONDS.sub("\u2033", _MINUTES.sub(PRIME, text))
    if "=" in text:
        text = _LETTER.sub(PRIME, text)
    return text


def prime_gaps(text: str) -> list[int]:
    """Indices of ``text`` after which a prime belongs but nothing was read: after an angle's minutes
    (``26°35-43°41。``) and after a lone letter followed by ``=`` (``H=3.98``).

    >>> prime_gaps("北纬26°35-43°41。指数H=1.98，J = 0.5，3°5~6°，Ha=1")
    [6, 12, 16, 23]
    """
    gaps = [m.end() - 1 for m in regex.finditer(rf"\d°\d{{1,2}}(?![\d°.{PRIME}\u2033{_MARKS}]|\s*[,，]?\d)", text)]
    gaps += [m.start() for m in regex.finditer(r"(?<![A-Za-z])[A-Za-z](?=\s*=)", text)]
    return sorted(gaps)


#: A tick's height, as shares of the line's Han characters' extent (Noto's prime is about 0.3 of it, AR PL
#: Mingti's wedge 0.14).
TICK_MIN, TICK_MAX = 0.1, 0.5
#: It starts in the top part of the line and ends above its middle.
TICK_TOP, TICK_BOTTOM = 0.25, 0.55
#: It is narrow: at most this share of an em wide, and at most ``TICK_SLANT`` times as wide as high (a serif
#: face's prime is a wedge leaning right).
TICK_WIDTH, TICK_SLANT = 0.35, 2.5


def dropped_primes(text: str, columns: Sequence[int], probs: Sequence[float], cell: float, gray: np.ndarray
                   ) -> tuple[str, list[int], list[float]]:
    """``text`` (a recognizer's reading of the grayscale line crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]`` with probability ``probs[i]``, ``cell`` pixels a column) with a ``′`` put in each of
    ``prime_gaps`` where the crop shows a tick; and the columns and probabilities of the result. Only on
    lines with three Han characters or more (a tick is measured against their extent).

    >>> import numpy as np
    >>> gray = np.full((40, 230), 255, np.uint8)
    >>> for x in (0, 30, 60, 90): gray[5:35, x:x + 26] = 0   # four Han characters
    >>> gray[5:35, 130:142] = 0                              # "H"
    >>> gray[18:21, 170:190] = 0; gray[24:27, 170:190] = 0   # "="
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)[0]  # no tick
    '安顺市区H='
    >>> gray[6:15, 148:152] = 0                              # a tick
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)[:2]
    ('安顺市区H′=', [1, 5, 9, 13, 17, 20, 23])
    >>> gray[15:35, 148:152] = 0                             # ink under it: part of a taller character
    >>> dropped_primes("安顺市区H=", [1, 5, 9, 13, 17, 23], [0.9] * 6, 7.5, gray)[0]
    '安顺市区H='
    """
    import cv2
    import numpy as np

    out_text, out_columns, out_probs = list(text), list(columns[:len(text)]), list(probs[:len(text)])
    gaps = prime_gaps(text) if len(columns) >= len(text) and gray.ndim == 2 else []
    em = han_em(text, columns, cell) if gaps else None
    ink = gray < 128
    band = han_band(ink, text, columns, cell, em) if em else None
    if em is None or band is None or band[1] - band[0] < 8:
        return text, out_columns, out_probs
    top, bottom = band
    span = bottom - top
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    ticks = []
    for k in range(1, count):
        x, y, w, h = (int(v) for v in stats[k, :4])
        if not (TICK_MIN * span <= h <= TICK_MAX * span and w <= TICK_WIDTH * em and w <= TICK_SLANT * h):
            continue
        if y > top + TICK_TOP * span or y + h > top + TICK_BOTTOM * span or y <= 0:
            continue
        # alone in its columns: ink below it down to the line's bottom is the rest of a character
        if np.count_nonzero(ink[y + h:int(round(bottom)), x:x + w]) > 0.25 * stats[k, cv2.CC_STAT_AREA]:
            continue
        ticks.append(x + w / 2)
    inserted = 0
    for i in gaps:
        after = (columns[i] + 0.5) * cell  # the character before the gap, its peak
        until = (columns[i + 1] + 0.5) * cell if i + 1 < len(text) else after + em
        # right of the character's own middle by a quarter of an em at least (its own top is not a tick)
        found = [t for t in ticks if after + em / 4 <= t < until]
        if len(found) != 1:
            continue
        at = i + 1 + inserted
        out_text.insert(at, PRIME)
        out_columns.insert(at, int(round(found[0] / cell - 0.5)))
        out_probs.insert(at, 1.0)
        inserted += 1
    return "".join(out_text), out_columns, out_probs
