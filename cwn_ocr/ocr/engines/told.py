"""What a PP-OCR reading of a line owes to cwn-ocr's passes over the recognizer's output, said for the
reviewer (pure).

The recognizer's output is not what the report shows as PP-OCR's reading: the passes of ``engines/ppocr.py``
change it where the crop's ink says otherwise (a Greek letter its dictionary lacks put in from the letter's
shape, ``＜`` for ``<`` from the angle's size, ``，`` for ``,`` from the room the mark takes, characters read
over blank paper dropped), and undo a few slips of the recognizer in Chinese text (a text rule). None of these
is an engine's reading: a character put there so stands on cwn-ocr's measurements alone, and a reviewer deciding
whether to trust a line wants to know which. ``told`` says it in the line's ``choice`` (the report's ``why``,
the review's note on the engines), each change quoted in ``‹ ›`` with what made it. (Words ``choose`` takes
from Tesseract's reading of the line, ``choose.correct``, are that rule's, not this note's.)

>>> note = told([("greek", "取=0.72，入<1.3", "取γ=0.72，λ<1.3"), ("size", "取γ=0.72，λ<1.3", "取γ=0.72，λ＜1.3")])
>>> note.startswith(NOTE + ": "), note[len(NOTE) + 2:]
(True, "+‹γ›, ‹入›→‹λ› (the ink: a Greek letter's shape); ‹<›→‹＜› (the ink: the mark's size)")
>>> told([("room", "安顺, 贵阳, 遵义", "安顺， 贵阳， 遵义"), ("gaps", "a  b", "a b")])
"not as PP-OCR's recognizer read it: ‹,›→‹，› ×2 (the ink: the room the mark takes)"
>>> told([("room", "安顺", "安顺")])
''
"""

from __future__ import annotations

from collections import Counter
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
#: Changes named per kind at most (repeats counted as one: ``‹,›→‹，› ×3``); more are counted.
SHOWN = 6
#: Characters of one change's text shown at most.
LONGEST = 10


def _quoted(text: str) -> str:
    return f"‹{text if len(text) <= LONGEST else text[:LONGEST] + '…'}›"


def edits(before: str, after: str) -> list[str]:
    """The changes from ``before`` to ``after``, white space aside, each run quoted in ``‹ ›``: ``‹a›→‹b›`` for a
    replacement, ``+‹b›`` for what was put in, ``-‹a›`` for what was dropped.

    >>> edits("取=0.72，入", "取γ=0.72，λ"), edits("人口個4,539", "人口 4,539"), edits("a b", "ab")
    (['+‹γ›', '‹入›→‹λ›'], ['-‹個›'], [])
    >>> edits("a-b, x+y", "ab， x y"), edits("人口" + "個" * 20, "人口")
    (['-‹-›', '‹,›→‹，›', '-‹+›'], ['-‹個個個個個個個個個個…›'])
    """
    if before == after:
        return []
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        old, new = "".join(before[i1:i2].split()), "".join(after[j1:j2].split())
        if tag == "equal" or old == new:
            continue
        out.append(f"{_quoted(old)}→{_quoted(new)}" if old and new else f"+{_quoted(new)}" if new
                   else f"-{_quoted(old)}")
    return out


def told(steps: Sequence[tuple[str, str, str]]) -> str:
    """The note on a PP-OCR reading for its ``choice``: each step (the pass's kind, a key of ``REASONS``, the
    text before it, the text after) that changed more than white space, its changes and what made them; ""
    when none did."""
    parts = []
    for reason, before, after in steps:
        changes = edits(before, after)
        if not changes:
            continue
        named = [change + (f" ×{n}" if n > 1 else "") for change, n in Counter(changes).items()]  # first seen first
        shown = ", ".join(named[:SHOWN]) + (f" and {len(named) - SHOWN} more" if len(named) > SHOWN else "")
        parts.append(f"{shown} ({REASONS[reason]})")
    return f"{NOTE}: " + "; ".join(parts) if parts else ""


def joined(notes: Sequence[str]) -> str:
    """The notes of several readings made one line (a detector's rows of one box): each kind of change once.

    >>> greek, angle = f"{NOTE}: +‹γ› (the ink: a Greek letter's shape)", f"{NOTE}: ‹<›→‹＜› (the ink: the mark's size)"
    >>> joined([greek, "", angle, greek]) == greek + "; " + angle[len(NOTE) + 2:]
    True
    """
    parts = [part for note in notes if note.startswith(NOTE + ": ") for part in note[len(NOTE) + 2:].split("; ")]
    return f"{NOTE}: " + "; ".join(dict.fromkeys(parts)) if parts else ""
