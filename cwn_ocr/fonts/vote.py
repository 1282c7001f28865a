"""A broken font's codes learned from the page image: each line the font draws is read by OCR, its codes
are paired with the reading's characters one to one by position, and every code takes the character
its readings agree on over the whole document. Pure.

A line pairs only where the alignment is unambiguous: the line's own characters (drawn by sound fonts)
anchor it, and a run of unknown codes pairs with a run of the reading of the same length; a reading one
character short or long says nothing about that run. A code is accepted when its readings agree
(``AGREE``) and it was read twice, or once with confidence; codes never read with confidence stay
unknown, and the lines that draw them are read from the image as any garbled line is.

>>> line = [("F", 4), ("F", 5), "，", ("F", 6)]
>>> pair(line, "其他，参")
[(('F', 4), '其'), (('F', 5), '他'), (('F', 6), '参')]
>>> pair(line, "其他，参数")  # the last run read one long: no pair for it
[(('F', 4), '其'), (('F', 5), '他')]
>>> votes = tally([(pair(line, "其他，参"), 0.95), (pair(line, "其池，参"), 0.6)])
>>> accepted(votes)[("F", 4)], ("F", 5) in accepted(votes)
('其', False)
>>> ("F", 4) in accepted(tally([(pair(line, "其他，参"), 0.95)]), {("F", 4): 3})  # drawn in three lines: read once
False
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Levenshtein

from cwn_ocr.layer.charsets import is_ideograph

Code = tuple[str, int]  # (font key, code)

#: Share of a code's reading weight its winning character must have.
AGREE = 0.75
#: A code read once is accepted when that reading was at least this sure (0..1).
SURE_ONCE = 0.9
_UNKNOWN = "\ufffc"


def pair(codes: Sequence[Code | str], reading: str) -> list[tuple[Code, str]]:
    """The (code, character) pairs that ``reading`` of a line gives, the line being ``codes`` (its
    characters, each code of a probed font as a (font, code) pair); spaces are ignored on both sides."""
    return [(code, char) for _index, code, char in aligned(codes, reading)]


def aligned(codes: Sequence[Code | str], reading: str) -> list[tuple[int, Code, str]]:
    """``pair``'s pairs with the index of each code in ``codes``: what the reading says each
    unknown code of this very line is.

    >>> aligned(["安", ("F", 9), " ", ("F", 9), "市"], "安顺 顺市")
    [(1, ('F', 9), '顺'), (3, ('F', 9), '顺')]

    A run whose Latin letters the reading dropped (an italic ``x`` of a formula, which
    a reader of Chinese does not see) still pairs its unknown codes, when the reading holds exactly as
    many characters there as the run has unknown codes, all of them Han (not a digit misread):

    >>> aligned(["不", ("F", 1), "设", "x", "1", "=", "0", ("G", 2), "x", "1"], "不妨设1=0或1")
    [(1, ('F', 1), '妨'), (7, ('G', 2), '或')]
    >>> aligned(["共", ("F", 3), "1", "项"], "共l项"), aligned(["共", ("F", 3), "-", "项"], "共一项")
    ([], [])
    """
    where = [i for i, item in enumerate(codes) if not (isinstance(item, str) and item.isspace())]
    items = [codes[i] for i in where]
    source = "".join(_UNKNOWN if isinstance(item, tuple) else item for item in items)
    target = "".join(reading.split())
    blocks: list[list[int]] = []  # [src start, src end, dest start, dest end] between equal anchors
    for op in Levenshtein.opcodes(source, target):
        if op.tag == "equal":
            blocks.append([])
        elif blocks and blocks[-1]:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    pairs: list[tuple[int, Code, str]] = []
    for block in blocks:
        if not block:
            continue
        run = range(block[0], block[1])
        codes_in = [(k, item) for k in run if isinstance(item := items[k], tuple)]
        if block[1] - block[0] == block[3] - block[2]:
            pairs += [(where[k], code, target[block[2] + k - block[0]]) for k, code in codes_in]
            continue
        dropped = [str(items[k]) for k in run if not isinstance(items[k], tuple)]
        # otherwise a run read longer or shorter than it is: which character is whose is a guess
        read = target[block[2]:block[3]]
        if codes_in and len(codes_in) == len(read) and all(map(is_ideograph, read)) and all(map(_droppable, dropped)):
            pairs += [(where[k], code, target[block[2] + n]) for n, (k, code) in enumerate(codes_in)]
    return pairs


def _droppable(char: str) -> bool:
    """A character a reader of Chinese may leave out without a Han character taking its place: a Latin
    letter, not one shaped like a stroke or a box (``I l O o``: read as 工 丨 口 〇)."""
    return char.isascii() and char.isalpha() and char not in "IlOo"


def tally(readings: Iterable[tuple[list[tuple[Code, str]], float]]) -> dict[Code, dict[str, list[float]]]:
    """Per code, the weights (reading confidences, 0..1) each character it was read as got."""
    votes: dict[Code, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for pairs, weight in readings:
        for code, char in pairs:
            votes[code][char].append(weight)
    return votes


def accepted(votes: dict[Code, dict[str, list[float]]], lines_with: dict[Code, int] | None = None) -> dict[Code, str]:
    """The codes whose readings agree, with their character. A code the document draws in more than
    one line (``lines_with``) must have been read the same twice; one drawn in a single line can
    only be read once, and is taken when that reading was sure."""
    out = {}
    for code, chars in votes.items():
        total = sum(sum(weights) for weights in chars.values())
        char, weights = max(chars.items(), key=lambda item: sum(item[1]))
        once = (lines_with or {}).get(code, 1) <= 1 and max(weights) >= SURE_ONCE
        if total and sum(weights) >= AGREE * total and (len(weights) >= 2 or once):
            out[code] = char
    return out


def choose_lines(lines: Sequence[Sequence[Code | str]], wanted: set[Code], budget: int, *, times: int = 2) -> list[int]:
    """Indices of at most ``budget`` lines that cover the ``wanted`` codes ``times`` over, greedily
    (the line with the most codes still wanted first): few lines read, every code seen.

    >>> choose_lines([[("F", 1)], [("F", 1), ("F", 2)], [("F", 3)]], {("F", 1), ("F", 2), ("F", 3)}, 2, times=1)
    [1, 2]
    """
    need = dict.fromkeys(wanted, times)
    chosen: list[int] = []
    left = set(range(len(lines)))
    while len(chosen) < budget and left and any(need.values()):
        best = max(sorted(left), key=lambda i: sum(1 for c in set(_codes(lines[i])) if need.get(c, 0) > 0))
        gain = sum(1 for c in set(_codes(lines[best])) if need.get(c, 0) > 0)
        if not gain:
            break
        chosen.append(best)
        left.discard(best)
        for code in set(_codes(lines[best])):
            if need.get(code, 0) > 0:
                need[code] -= 1
    return chosen


def _codes(line: Sequence[Code | str]) -> list[Code]:
    return [item for item in line if isinstance(item, tuple)]
