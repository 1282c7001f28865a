"""Text comparison for the corpus checks and `make eval`: CER, Han/Latin CER, line matching.

CER is as in bench/run.py (and dinglehopper): Levenshtein distance over the truth's length, on NFC text with
all whitespace removed. Pages are compared with their lines put in the truth's order first
(:func:`in_truth_order`): a two-column page read across the gutter by one tool and down the columns by
another holds the same characters, and a reading-order difference is not a character error. Putting noisy
lines in order is a guess: :func:`page_distance` takes the closer of the two orders, the output's and the
truth's.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

HAN = regex.compile(r"\p{Han}")
LATIN = regex.compile(r"[\p{Latin}\p{Nd}]")


def squeeze(text: str) -> str:
    """NFC text with every whitespace character removed.

    >>> squeeze(" 年均 气温\\n15.6℃ ")
    '年均气温15.6℃'
    """
    return "".join(unicodedata.normalize("NFC", text).split())


def distance(hypothesis: str, reference: str) -> tuple[int, int]:
    """(Levenshtein distance, reference length), whitespace-insensitive.

    >>> distance("安项市", "安顺市")
    (1, 3)
    """
    ref = squeeze(reference)
    return Levenshtein.distance(squeeze(hypothesis), ref), len(ref)


def bag_distance(hypothesis: str, reference: str) -> tuple[int, int]:
    """(distance ignoring order, reference length), whitespace-insensitive: the characters read
    but not in the reference or missing from it, whichever are more (counted with their
    multiplicity). A lower bound of the Levenshtein distance that no reading order changes: an
    extractor reading a two-column page across the gutter scores 0, one reading text twice or
    garbled does not.

    >>> bag_distance("市顺安", "安顺市"), bag_distance("安顺市安顺市", "安顺市"), bag_distance("安项市", "安顺市")
    ((0, 3), (3, 3), (1, 3))
    """
    ref, hyp = Counter(squeeze(reference)), Counter(squeeze(hypothesis))
    return max((ref - hyp).total(), (hyp - ref).total()), ref.total()


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate, whitespace-insensitive.

    >>> cer("安顺市", "安顺市"), round(cer("安项市", "安顺市"), 3)
    (0.0, 0.333)
    """
    d, n = distance(hypothesis, reference)
    return d / max(1, n)


def only(pattern: regex.Pattern[str], text: str) -> str:
    """The characters of ``text`` that ``pattern`` matches (one character each).

    >>> only(HAN, "CO₂ 排放 2015 年"), only(LATIN, "CO₂ 排放 2015 年")
    ('排放年', 'CO2015')
    """
    return "".join(pattern.findall(unicodedata.normalize("NFC", text)))


def lines_of(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def in_truth_order(hypothesis: str, truth: str) -> str:
    """``hypothesis``'s lines re-ordered to follow the truth: each goes where its most similar truth line
    is (stable for ties), so reading order does not count as character errors.

    >>> in_truth_order("right column\\nleft column", "left column\\nright column")
    'left column\\nright column'
    >>> in_truth_order("人口\\n8,529,909\\n人\\n年降水量\\n1,125\\nmm", "人口 8,529,909 人\\n年降水量 1,125 mm").split()
    ['人口', '8,529,909', '人', '年降水量', '1,125', 'mm']
    """
    hyp, ref = lines_of(hypothesis), lines_of(truth)
    if len(hyp) < 2 or not ref:
        return "\n".join(hyp)
    squeezed = [squeeze(r) for r in ref]
    # exact matches first, each truth line taken once (a repeated line keeps its own place)
    free: dict[str, list[int]] = {}
    for index, line in enumerate(squeezed):
        free.setdefault(line, []).append(index)
    places: list[float] = []
    inexact = []
    for i, line in enumerate(hyp):
        slots = free.get(squeeze(line))
        if slots:
            places.append(slots.pop(0))
        else:
            places.append(-1)
            inexact.append(i)
    if inexact:
        scores = dict(zip(inexact, process.cdist([squeeze(hyp[i]) for i in inexact], squeezed,
                                                 scorer=fuzz.partial_ratio)))
        last = -1.0
        for i in range(len(hyp)):
            if i not in scores:
                last = places[i]
                continue
            row = scores[i]
            # a fragment (a table cell, "16.4") matches many truth lines about as well: among those within a
            # few points of its best it goes with the first at or after where the line before it went, so a
            # row read cell by cell stays together; after that line's own place
            near = [j for j in range(len(row)) if row[j] >= row.max() - 5]
            after = [j for j in near if j >= int(last)]
            places[i] = (after[0] if after else int(row.argmax())) + 0.5
            last = places[i]
    order = sorted(range(len(hyp)), key=lambda i: (places[i], i))
    return "\n".join(hyp[i] for i in order)


def page_distance(hypothesis: str, truth: str, pattern: regex.Pattern[str] | None = None) -> tuple[int, int]:
    """(distance, truth length) of one page, lines in the truth's order or as they are, whichever is closer
    (putting noisy lines in order is a guess, and a wrong guess must not count as errors the text does not
    have); ``pattern`` keeps only Han or Latin.

    >>> page_distance("甲乙丙丁\\n戊己庚辛", "戊己庚辛\\n甲乙丙丁"), page_distance("a\\nb", "a\\nb")
    ((0, 8), (0, 2))
    """
    best: tuple[int, int] | None = None
    for hyp in (in_truth_order(hypothesis, truth), hypothesis):
        ref = truth
        if pattern is not None:
            hyp, ref = only(pattern, hyp), only(pattern, truth)
        found = distance(hyp, ref)
        best = found if best is None or found[0] < best[0] else best
    assert best is not None
    return best


def exact_lines(hypothesis_lines: list[str], truth_lines: list[str]) -> int:
    """How many truth lines the hypothesis reproduces as whole lines (whitespace-insensitive, as multisets).

    >>> exact_lines(["a b", "c", "c"], ["ab", "c", "d"])
    2
    """
    have = Counter(squeeze(line) for line in hypothesis_lines if squeeze(line))
    want = Counter(squeeze(line) for line in truth_lines if squeeze(line))
    return sum(min(count, have[line]) for line, count in want.items())


def _breaks(text: str) -> tuple[str, set[int]]:
    """NFC ``text`` without white space, and the places white space stood (before the ``k``-th character left)."""
    chars: list[str] = []
    breaks: set[int] = set()
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            if chars:
                breaks.add(len(chars))
        else:
            chars.append(char)
    return "".join(chars), breaks


def _letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def word_spacing(hypothesis_lines: list[str], truth_lines: list[str]) -> tuple[int, int]:
    """(places spaced otherwise than the truth, places) between two ASCII letters, or between such a letter and
    a closing ``, . ; : ! ?``, on the output lines that equal a truth line but for white space: English words an
    OCR split (``betwee n``) or glued (``suchas``), which the whitespace-insensitive CER does not see.

    >>> word_spacing(["Increase connectivity betwee n areas", "suchas 截至2024年"],
    ...              ["Increase connectivity between areas", "such as 截至 2024 年", "unmatched"])
    (2, 36)
    """
    truth = {}
    for line in truth_lines:
        squeezed, breaks = _breaks(line)
        truth.setdefault(squeezed, breaks)
    wrong = places = 0
    for line in hypothesis_lines:
        squeezed, breaks = _breaks(line)
        if squeezed not in truth:
            continue
        for k in range(1, len(squeezed)):
            before, after = squeezed[k - 1], squeezed[k]
            if _letter(before) and (_letter(after) or after in ",.;:!?"):
                places += 1
                wrong += (k in breaks) != (k in truth[squeezed])
    return wrong, places
