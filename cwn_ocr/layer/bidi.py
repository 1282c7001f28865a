"""Right-to-left lines from visual order back to logical order (pure).

``pdftotext -bbox-layout`` writes each line's words, and the characters in them, in the order they
stand on the page, left to right: a Hebrew or Arabic line comes out backwards (``הקלחמ`` for מחלקה),
where poppler's plain output, and every reader after it, has the order it is read in. Reordering
for display (the Unicode bidirectional algorithm's rule L2: reverse every run at or above each
embedding level, highest first) is its own inverse once the levels are known, and the levels follow
from the characters' bidirectional types and their neighbours, which reversal keeps: so the same
reordering, with levels resolved on the visual text, gives the logical text back. Resolution is the
algorithm's simple core (no explicit embeddings): strong letters, numbers at the level above their
context, neutrals between two of one direction in it, else in the line's; the line's direction is
its majority of strong letters.

>>> visual_to_logical(": הקלחמ")[0]
'מחלקה :'
>>> visual_to_logical("Arabic يبرع 2024")[0]
'Arabic عربي 2024'
>>> visual_to_logical("Plain text")
('Plain text', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
"""

from __future__ import annotations

import unicodedata

_RTL = frozenset({"R", "AL"})
_NUMBER = frozenset({"EN", "AN"})
_NUMBER_SEPARATOR = frozenset({"ES", "ET", "CS"})


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana...).

    >>> has_rtl("שלום"), has_rtl("安顺市 2024")
    (True, False)
    """
    return any(unicodedata.bidirectional(char) in _RTL for char in text)


def visual_to_logical(text: str) -> tuple[str, list[int]]:
    """``text`` in visual order (left to right as drawn) in logical order, and for each character
    of the result its index in ``text``. Text without right-to-left letters is returned as it is.

    >>> visual_to_logical("00:ףגא")[0]  # the number stays left to right inside the Hebrew
    'אגף:00'
    """
    if not has_rtl(text):
        return text, list(range(len(text)))
    kinds = [unicodedata.bidirectional(char) for char in text]
    rtl_letters = sum(kind in _RTL for kind in kinds)
    rtl_base = rtl_letters >= sum(kind == "L" for kind in kinds)
    # strong direction of each character, None for neutrals: numbers run left to right inside
    # right-to-left text and count as right-to-left around them (rules W7 and N1)
    strong: list[str | None] = []
    for k, kind in enumerate(kinds):
        if kind == "L":
            strong.append("L")
        elif kind in _RTL:
            strong.append("R")
        elif kind in _NUMBER:
            strong.append("N")
        elif kind in _NUMBER_SEPARATOR and 0 < k < len(kinds) - 1 and kinds[k - 1] in _NUMBER \
                and kinds[k + 1] in _NUMBER:
            strong.append("N")  # 1,234.5 and 12:30 are one number
        else:
            strong.append(None)
    levels = [0] * len(text)
    base = "R" if rtl_base else "L"
    numbers = [k for k, direction in enumerate(strong) if direction == "N"]
    for k in numbers:  # in a left-to-right line, a number is part of right-to-left text only inside it
        inside = all((_nearest(strong, k, step=step, skip="N") or base) == "R" for step in (-1, 1))
        levels[k] = 2 if rtl_base or inside else 0
    for k in numbers:
        strong[k] = "R" if levels[k] else "L"
    for k, direction in enumerate(strong):
        if direction is None:  # a neutral takes its neighbours' direction when they share one, else the line's
            left, right = _nearest(strong, k, step=-1), _nearest(strong, k, step=1)
            side = left if left == right and left is not None else ("R" if rtl_base else "L")
            levels[k] = 1 if side == "R" else (2 if rtl_base else 0)
        elif kinds[k] == "L":
            levels[k] = 2 if rtl_base else 0
        elif kinds[k] in _RTL:
            levels[k] = 1
    order = list(range(len(text)))
    for level in range(max(levels), 0, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] < level:
                k += 1
                continue
            end = k
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[k:end] = order[k:end][::-1]
            k = end
    return "".join(text[k] for k in order), order


def _nearest(strong: list[str | None], k: int, *, step: int, skip: str = "") -> str | None:
    """The first strong direction from ``k`` going ``step``, passing over neutrals and ``skip``;
    None at the line's edge."""
    k += step
    while 0 <= k < len(strong):
        if strong[k] is not None and strong[k] != skip:
            return strong[k]
        k += step
    return None
