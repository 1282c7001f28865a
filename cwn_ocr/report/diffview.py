"""Character-level differences between an original line and its repair, as plain data for the
review page and the terminal view. Pure.

>>> [(s.text, s.changed) for s in sides("ab FERAIT cd", "ab 安顺市 cd")[1]]
[('ab ', False), ('安顺市', True), (' cd', False)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool
    uncertain: bool = False


def _coalesce(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if out and out[-1].changed == seg.changed and out[-1].uncertain == seg.uncertain:
            out[-1] = Segment(out[-1].text + seg.text, seg.changed, seg.uncertain)
        else:
            out.append(seg)
    return out


def sides(original: str, repaired: str) -> tuple[list[Segment], list[Segment]]:
    """The original and the repaired line cut into unchanged and changed segments.

    Lines with little in common are shown as wholly changed, and a lone character that happens
    to match inside a change is shown as part of it, so a reviewer is not sent chasing noise.

    >>> [(s.text, s.changed) for s in sides("RIMMAT WERE", "安顺市通过创建")[0]]
    [('RIMMAT WERE', True)]
    """
    if original and repaired and Levenshtein.normalized_distance(original, repaired) > 0.7:
        return [Segment(original, True)], [Segment(repaired, True)]
    ops = Levenshtein.opcodes(original, repaired)
    left: list[Segment] = []
    right: list[Segment] = []
    for i, op in enumerate(ops):
        same = op.tag == "equal"
        if same and op.src_end - op.src_start < 3 and 0 < i < len(ops) - 1:
            same = False  # a stray match between two changes
        left.append(Segment(original[op.src_start:op.src_end], not same))
        right.append(Segment(repaired[op.dest_start:op.dest_end], not same))
    return _coalesce(left), _coalesce(right)


def mark_uncertain(segments: Sequence[Segment], words: Sequence[str]) -> list[Segment]:
    """Split segments so that each occurrence of an uncertain OCR word is its own segment.

    >>> [(s.text, s.uncertain) for s in mark_uncertain([Segment("安顺市严格", True)], ["严格"])]
    [('安顺市', False), ('严格', True)]
    """
    marked = list(segments)
    for word in sorted(set(w for w in words if w.strip()), key=len, reverse=True):
        out: list[Segment] = []
        for seg in marked:
            if seg.uncertain or word not in seg.text:
                out.append(seg)
                continue
            pieces = seg.text.split(word)
            for i, piece in enumerate(pieces):
                if piece:
                    out.append(Segment(piece, seg.changed))
                if i < len(pieces) - 1:
                    out.append(Segment(word, seg.changed, True))
        marked = out
    return marked
