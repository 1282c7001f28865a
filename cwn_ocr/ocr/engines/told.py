"""What a PP-OCR reading of a line owes to cwn-ocr's own passes, said for the reviewer (pure).

The recognizer's output is not what the report shows as PP-OCR's reading: the passes of ``engines/ppocr.py``
change it where the crop's ink says otherwise (a Greek letter its dictionary lacks put in from the letter's
shape, ``＜`` for ``<`` from the angle's size, ``，`` for ``,`` from the room the mark takes, characters read
over blank paper dropped), and undo a few slips of the recognizer in Chinese text. None of these is a second
engine's reading: a character told so stands on cwn-ocr's measurements alone, and a reviewer deciding whether to
trust a line wants to know which. ``told`` says it in the line's ``choice`` (the report's ``why``, the review's
line about the engines), each change with what made it.

>>> told([("greek", "取=0.72，入<1.3", "取γ=0.72，λ<1.3"), ("size", "取γ=0.72，λ<1.3", "取γ=0.72，λ＜1.3")])
"not as PP-OCR's recognizer read it: +γ, 入→λ (the ink: a Greek letter's shape); <→＜ (the ink: the mark's size)"
>>> told([("room", "安顺, 贵阳", "安顺， 贵阳"), ("gaps", "a  b", "a b")])
"not as PP-OCR's recognizer read it: ,→， (the ink: the room the mark takes)"
>>> told([("room", "安顺", "安顺")])
''
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

#: What made each kind of change (the pass's name in ``engines/ppocr.py`` -> the words the note says it with).
REASONS = {
    "slip": "the text: a slip of the recognizer's in Chinese",
    "gaps": "the ink: read over blank paper",
    "script": "the ink: raised or lowered on the line",
    "bars": "the ink: the mark's bars",
    "size": "the ink: the mark's size",
    "height": "the ink: the mark's height on the line",
    "reread": "the ink: read again alone",
    "codes": "the ink: full-width cells",
    "room": "the ink: the room the mark takes",
    "primes": "the ink: a prime's place",
    "greek": "the ink: a Greek letter's shape",
}
#: How the note begins.
NOTE = "not as PP-OCR's recognizer read it"
#: Changes named per kind at most; more are counted.
SHOWN = 6


def edits(before: str, after: str) -> list[str]:
    """The changes from ``before`` to ``after``, white space aside: ``a→b`` for a replacement, ``+b`` for what
    was put in, ``-a`` for what was dropped.

    >>> edits("取=0.72，入", "取γ=0.72，λ"), edits("人口個4,539", "人口 4,539"), edits("a b", "ab")
    (['+γ', '入→λ'], ['-個'], [])
    """
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        old, new = "".join(before[i1:i2].split()), "".join(after[j1:j2].split())
        if tag == "equal" or old == new:
            continue
        out.append(f"{old}→{new}" if old and new else f"+{new}" if new else f"-{old}")
    return out


def told(steps: Sequence[tuple[str, str, str]]) -> str:
    """The note on a PP-OCR reading for its ``choice``: each step (the pass's kind of ``REASONS``, the text
    before it, the text after) that changed more than white space, its changes and what made them; "" when
    none did."""
    parts = []
    for reason, before, after in steps:
        changes = edits(before, after)
        if not changes:
            continue
        shown = ", ".join(changes[:SHOWN]) + (f" and {len(changes) - SHOWN} more" if len(changes) > SHOWN else "")
        parts.append(f"{shown} ({REASONS.get(reason, reason)})")
    return f"{NOTE}: " + "; ".join(parts) if parts else ""
