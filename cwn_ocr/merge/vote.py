"""Correct a previous OCR layer with new readings of the page, one disputed piece at a time. Pure.

A layer that an earlier OCR engine made is mostly right and wrong in places (``说阴`` for 说明,
``报笛`` for 报告, ``ZOq5`` for 2015). Replacing it with a new reading would trade its errors for
the new engine's (which reads 关于 as 天于 on the same scan). So the layer is kept, and each
piece where a new reading differs is decided on its own:

1. a candidate the garble detector rejects loses (``ZOq5``), unless PP-OCR read it so where
   Tesseract's reading was kept (``vouched``: an engine the layer is unlikely to be the work of;
   Tesseract reading an old layer's junk again, ``~|~``, is no such evidence); the layer's piece of
   marks alone (``= `$``, ``{}``) loses so only to a reading a second engine or a sure PP-OCR confirms;
2. Han in the layer is not replaced by something without Han;
3. a digit the old OCR read as a letter or an ideograph next to other digits (孔500, 20I5) gives
   way to the digits every new reading sees;
4. the document's own vocabulary protects the layer: a piece whose character pairs recur in the
   layer of the whole document (神鹰集团 on every page) stays;
5. for Chinese, the candidate that makes the surrounding words clearly more frequent wins when
   the layer's words are rare (wordfreq's Chinese list, tokenised by jieba: 的说明 4.3 against
   的说阴 2.2; a word with a character the list lacks, 桑葚 or a name's 龑, gives no opinion, and a
   reading needs words of zipf 1 or more against it; readings are compared with each other
   unclipped, and the kept reading's piece stands unless another's words are clearly more frequent;
   where the kept reading reads the layer's Han, or no Han, or has no opinion, no other reading's
   frequencies overrule the layer); two new readings agreeing is not enough on its own,
   because the same engine makes the same mistakes twice (贰亿 read as 址亿, 有息 as 有上县); but
   two *different* engines (Tesseract and PP-OCR, whose mistakes differ) reading the same Han, or
   the same digits where the layer has letters among digits, decide the piece before rules 3 to 5
   (rule 4 still protects the document's own words, not one the layer spells three ways); and before the
   frequencies, a piece whose Han differs from the kept reading's in two ideographs or more, one of them one
   modern Chinese does not use and none of the others part of a word (``old_ocr_noise``: ``吊法急咊`` for
   合法性和), gives way to the reading's ordinary Han;
6. Latin (two letters or more) where the page shows Han gives way; a symbol, a Greek letter or a
   lone letter that a reading makes Han (``■`` 国, ``μ`` 以, ``λ`` 入) stays: that is OCR's look-alike;
7. otherwise the layer stays.

>>> vote_line("2015 年年度报告中有关财务事项的说阴", ["2015 年年度报告中有关财务事项的说明"])
'2015 年年度报告中有关财务事项的说明'
>>> vote_line("《关于对 2015 年年度报告", ["《天于对 2015 年年度报告", "《天于对 2015 年年度报告"])
'《关于对 2015 年年度报告'
>>> vote_line("ZOq5 年年度报告", ["2015 年年度报告"])
'2015 年年度报告'
>>> vote_line("1q98年3月", ["1998年3月"]), vote_line("较 2O05 年", ["较 2005 年"])
('1998年3月', '较 2005 年')
>>> vote_line("《关于对 20I5 年浙江", ["《关于对 2015年浙江"])
'《关于对 2015 年浙江'
>>> vote_line("浓度 8 μg/m³，取 λ = 0.78", ["浓度 8以g/m³，取 入= 0.78", "浓度 8以g/m³，取 入= 0.78"])
'浓度 8 μg/m³，取 λ = 0.78'
>>> known = vocabulary(["神鹰集团"] * 5)
>>> vote_line("神鹰集团的财务状况", ["神应集团的财务状况", "神应集团的财务状况"], known)
'神鹰集团的财务状况'
>>> vote_line("绞筸推违河长制工作任务落实。", ["统筹推进河长制工作任务落实。"])
'统筹推进河长制工作任务落实。'
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import regex
from rapidfuzz.distance import Levenshtein

from cwn_ocr.layer.charsets import HAN, readable_share, squeeze, unaccented
from cwn_ocr.layer.garble import judge_line

_LATIN = regex.compile(r"[A-Za-z]")

#: How much more frequent (zipf, log10) the words around one candidate must be to decide.
PLAUSIBILITY_MARGIN = 1.0
CONTEXT = 2  # characters of the layer on each side of a disputed piece

#: With a sure PP-OCR's reading alone confirming a piece (``trusted``, no second engine), the layer's Han stays
#: when its words are this much more frequent (zipf): one engine's look-alike (鸟类 3.1 read as 乌类 2.2).
CONFIRMED_MARGIN = 0.5

#: The layer's words count as known when their character pairs occur this often in the document.
KNOWN = 3
#: Above this zipf the layer's words are ordinary Chinese, and frequency alone does not overrule them.
ORDINARY = 3.5



def vocabulary(texts: Iterable[str]) -> Counter[str]:
    """How often each pair of adjacent Han characters occurs in ``texts`` (the document's layer), and each run
    of three (``spelt_otherwise``; ``_support`` counts the pairs).

    >>> known = vocabulary(["神鹰集团", "神鹰集团 2015"])
    >>> known["神鹰"], known["神鹰集"]
    (2, 2)
    """
    pairs: Counter[str] = Counter()
    for text in texts:
        han = "".join(c if HAN.match(c) else " " for c in text)
        for word in han.split():
            pairs.update(word[i:i + 2] for i in range(len(word) - 1))
            pairs.update(word[i:i + 3] for i in range(len(word) - 2))
    return pairs


class Elsewhere:
    """The document's vocabulary without one line's own pairs: a line's words are no evidence for
    themselves (a noisy layer's ``牧秏丰寊`` occurs once, in the line being voted on).

    >>> Elsewhere(vocabulary(["神鹰集团", "神鹰"]), "神鹰集团")["神鹰"], Elsewhere(vocabulary(["集团"]), "集团")["集团"]
    (1, 0)
    """

    def __init__(self, known: Counter[str], line: str) -> None:
        self.known, self.own = known, vocabulary([line])

    def __getitem__(self, pair: str) -> int:
        return self.known[pair] - self.own[pair]

    def __bool__(self) -> bool:
        return bool(self.known)


def _support(window: str, known: Counter[str] | Elsewhere | None) -> int:
    if not known:
        return 0
    return sum(min(known[p], 10) for p in vocabulary([window]) if len(p) == 2)


def spelt_otherwise(left: str, mine: str, right: str, known: Counter[str] | Elsewhere | None) -> bool:
    """Whether the layer writes two other ideographs or more between the same two neighbours as an ideograph of
    the piece ``mine`` (``known``: the document's ``vocabulary``, whose runs of three say so), one that makes no
    word of the dictionary with them: a word the layer spells three ways or more is an old OCR's habit of
    misreading one character, not the document's own word, and its recurrences protect none of the spellings
    (pr-136's 诸暨, written 诸蟹, 诸譬, 诸璧, 诸蛰 and 诸皆 by its old OCR). 神鹰集团 is spelt one way; 第一章, 第二章
    and 第三章 are words.

    >>> known = vocabulary(["在诸蟹市", "诸蟹市", "诸譬市", "诸璧市", "神鹰集团", "神华集团", "见第一章", "第二章",
    ...                     "第三章"])
    >>> spelt_otherwise("位于诸", "蟹", "市", known), spelt_otherwise("公司", "鹰", "集团", known)
    (True, False)
    >>> spelt_otherwise("见第", "一", "章", known)
    False
    """
    counts = known.known if isinstance(known, Elsewhere) else known
    if not counts:
        return False
    text = left + mine + right
    for k in range(len(left), len(left) + len(mine)):
        before = next((c for c in reversed(text[:k]) if not c.isspace()), "")
        after = next((c for c in text[k + 1:] if not c.isspace()), "")
        if not (HAN.match(before) and HAN.match(text[k]) and HAN.match(after)) or _in_a_word_at(text, k):
            continue
        rivals = {run[1] for run, count in counts.items() if count and len(run) == 3 and run[0] == before
                  and run[2] == after and run[1] != text[k]}
        if len(rivals) >= 2:
            return True
    return False


#: wordfreq divides a phrase's frequency by this for every word break jieba had to infer (its own rule).
INFERRED_BREAK = 10.0


@lru_cache(maxsize=4096)
def chinese_zipf(text: str) -> float | None:
    """wordfreq's frequency of ``text`` read as Chinese words, on the zipf scale (log10 per billion
    words), as wordfreq combines a phrase's words and divides by ``INFERRED_BREAK`` per break between
    them (words being what holds a letter, digit or ideograph: ``≥`` is no word, where wordfreq's own
    figure makes any phrase with one 0); None when one of its words is not in the list (no opinion: a
    character the list lacks, 葚 of 桑葚, 鼢 of 鼢鼠, or an old OCR's odd one); 0 when it has no Chinese
    word, or without wordfreq.

    Not clipped at 0, as ``zipf_frequency`` is: a long phrase falls below 0 there, and two readings'
    words are compared unclipped (``_floored`` gives wordfreq's own figure, for the layer's).

    >>> chinese_zipf("的说明") > chinese_zipf("的说阴") + 2, chinese_zipf("种植桑葚") is None
    (True, True)
    >>> -1 < chinese_zipf("性合法性和对人") < 1, chinese_zipf("、。≥ 8")
    (True, 0.0)
    >>> chinese_zipf("溶解氧≥8") == chinese_zipf("溶解氧8")
    True
    """
    try:
        import jieba  # imported when first needed: it costs 0.1 s at start-up (pkg_resources),
        from wordfreq import tokenize, word_frequency  # and wordfreq 0.05 s more

        jieba.setLogLevel(logging.WARNING)  # wordfreq tokenises Chinese with jieba, which is chatty
        words = [w for w in tokenize(text, "zh") if regex.search(r"\w", w)]
        frequencies = [word_frequency(w, "zh", minimum=0.0) for w in words]
    except Exception:  # wordfreq needs jieba for Chinese: without it, no opinion  # noqa: BLE001
        return 0.0
    if not any(HAN.search(w) for w in words):
        return 0.0
    if not all(frequencies):
        return None
    combined = 1 / sum(1 / f for f in frequencies) / INFERRED_BREAK ** (len(words) - 1)
    return math.log10(combined) + 9


#: A line of jieba's dictionary (``word frequency tag``) whose word is two ideographs or more.
_DICTIONARY_WORD = regex.compile(r"^(\p{Han}{2,}) ", regex.M)


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """jieba's full dictionary, which wordfreq ships (349,046 words, 桑葚, 珙桐 and 诸暨 among them; wordfreq's
    own list splits most rare words into characters): its words of two ideographs or more (337,394; 0.1-0.2 s to
    read, once, and only where the vote weighs Han); empty without it."""
    try:
        import wordfreq

        text = (Path(wordfreq.__file__).parent / "data" / "jieba_zh_orig.txt").read_text("utf-8")
    except (ImportError, OSError):
        return frozenset()
    return frozenset(_DICTIONARY_WORD.findall(text))


def in_a_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a word of the dictionary (``_dictionary``) that ``text`` holds.

    >>> in_a_word("是国家一级保护植物珙桐", 9, 10), in_a_word("国有诸蛰神鹰", 3, 4), in_a_word("国有诸暨神鹰", 3, 4)
    (True, False, True)
    """
    words = _dictionary()
    return any(text[i:j] in words for i in range(max(0, start - 7), end)
               for j in range(max(i + 2, start + 1), min(len(text), i + 8) + 1))


def _floored(text: str) -> float:
    """``chinese_zipf`` as wordfreq's own ``zipf_frequency`` gives it: at least 0, and 0 with no opinion.

    >>> _floored("入前缀的命") == 0.0 > chinese_zipf("入前缀的命"), _floored("种植桑葚")
    (True, 0.0)
    """
    score = chinese_zipf(text)
    return 0.0 if score is None else max(0.0, score)


def _piece_of(layer: str, other: str, start: int, end: int,
              disputes: Sequence[tuple[int, int, int, int]] | None = None) -> str:
    """What ``other`` reads where ``layer`` has ``layer[start:end]``: its own disputes with the
    layer (``disputes``, when found already) that overlap the piece, with the layer's text where
    ``other`` agrees with it."""
    overlapping = [d for d in (_disputes(layer, other) if disputes is None else disputes)
                   if d[0] < end and d[1] > start or (d[0] == d[1] and start <= d[0] <= end)]
    if not overlapping:
        return layer[start:end]
    first, last = overlapping[0], overlapping[-1]
    middle = other[first[2]:last[3]]
    return layer[start:max(start, first[0])] + middle + layer[min(end, last[1]):end]

def _garbled_at(text: str, start: int, end: int) -> bool:
    """Does the detector find a garbled span of ``text`` touching ``[start, end)``?"""
    verdict = judge_line(text)
    return any(span.start < max(end, start + 1) and span.end > start for span in verdict.garbled_spans)


def choose(left: str, right: str, candidates: Sequence[str], known: Counter[str] | Elsewhere | None = None,
           confirmed: int | None = None, witnessed: bool = False, vouched: bool = False, alone: bool = False) -> int:
    """Index of the winning candidate (0 is the layer's) for a piece of a line, ``left`` and
    ``right`` being the rest of the line around it (see the module docstring for the rules);
    ``confirmed``: the candidate a second, different engine read too; ``witnessed``: another engine
    read the layer's piece as it is; ``vouched``: ... and that engine is not one the layer may be
    the work of (PP-OCR: an old layer is often Tesseract's, whose mistakes Tesseract makes again);
    ``alone``: ``confirmed`` is a sure PP-OCR's reading alone, no second engine's."""
    near_left, near_right = left[-CONTEXT:], right[:CONTEXT]
    bad = {i for i, c in enumerate(candidates) if _garbled_at(left + c + right, len(left), len(left) + len(c))}

    def duplicate(piece: str) -> bool:  # an alignment slip: more text than the layer's, repeating the text next
        squeezed = squeeze(piece)  # to it (a digit for a letter, ``1q98`` read ``1998``, adds nothing)
        return len(squeezed) > len(squeeze(candidates[0])) and (
            squeeze(left).endswith(squeezed) or squeeze(right).startswith(squeezed))

    alive = [i for i in range(1, len(candidates)) if i not in bad and not duplicate(candidates[i])]
    if not alive:
        return 0
    mine = candidates[0]
    # an independent engine reading the layer's piece as it is outweighs its looks; and a piece of marks alone
    # (``= `$``, `` {} ``) is no OCR artefact by its looks: a reading that drops or misreads thin marks on a
    # noisy scan (PP-OCR's ``=s``) replaces it only when a second engine or a sure PP-OCR confirms it
    if 0 in bad and not vouched and (confirmed in alive or _LETTERS.search(mine)):
        return alive[0]
    if confirmed in alive and _independent(mine, candidates[confirmed], left, right):
        # two engines that make different mistakes read the same against the layer: unless the
        # document's own words protect the layer's piece, it was the old OCR's error
        # (the pairs the piece is part of: a common word beside it, 名字 after 迚行皂, protects nothing; nor do
        # pairs the layer spells three ways or more, ``spelt_otherwise``). Word frequencies have no say against
        # two engines: on the stress corpus's noisy layers (seeds 1-4) every piece they kept so was the layer's
        # error (上线一单 for 三线一单, 基因 for 基团, 2.8三个 for 2.8万个); against a sure PP-OCR alone the layer's
        # clearly more frequent Han words stand (``CONFIRMED_MARGIN``; a character the layer lacks is no
        # look-alike; frequencies as wordfreq's own figure gives them: clipped at 0, and 0 for a character it lacks)
        theirs = candidates[confirmed]  # type: ignore[index]
        support = _support(left[-1:] + mine + right[:1], known)
        protected = support >= KNOWN and support >= 2 * _support(left[-1:] + theirs + right[:1], known) \
            and not spelt_otherwise(left, mine, right, known)
        # (a piece whose Han both sides read alike is about its digits or letters, ``5 月 I6`` against ``5月16``:
        # word frequencies know nothing about those)
        frequent = alone and bool(HAN.search(mine)) and HAN.findall(mine) != HAN.findall(theirs) and (
            _floored(squeeze(near_left + mine + near_right)) >= _floored(squeeze(near_left + theirs + near_right))
            + CONFIRMED_MARGIN)
        if not protected and not frequent:
            return confirmed  # type: ignore[return-value]
    digits_near = bool(regex.search(r"\d", near_left + near_right))
    numeric = [i for i in alive if regex.fullmatch(r"[\d.,，\s]+", candidates[i]) and squeeze(candidates[i])]
    if digits_near and numeric and not regex.fullmatch(r"[\d.,，\s]*", mine) and not _beside_letter(left, right) \
            and not _SYMBOLIC.search(mine):  # (a Greek letter or a symbol is no misread digit: γ is not 7)
        # a digit the old OCR read as a letter or an ideograph (孔500 for 9,500): take the digits when
        # every new reading says the same
        if len({squeeze(candidates[i]) for i in alive}) == 1 and len(HAN.findall(mine)) <= 2:
            return numeric[0]
    if HAN.search(mine):
        # Han only gives way to Han, and not to more Han where the layer has Greek letters or symbols
        # (``• 取 μ =`` read ``。 取 -大``: OCR's look-alike of μ, whatever the word frequencies say)
        # (and only to other Han: a piece whose Han a reading reads alike is about its symbols, ``是 ``10``
        # against ``是‘10``, which word frequencies know nothing about)
        if len(candidates) < 2 or not HAN.search(candidates[1]) or HAN.findall(candidates[1]) == HAN.findall(mine):
            # the kept reading reads the layer's Han, or no Han there (its alignment put the layer's 稠州 beside
            # its own, pr-136): another reading's word frequencies alone do not overrule the layer (Tesseract's 笛州)
            return 0
        alive = [i for i in alive if HAN.search(candidates[i]) and HAN.findall(candidates[i]) != HAN.findall(mine)
                 and not _han_over_symbols(mine, candidates[i])]
        support = _support(near_left + mine + near_right, known)
        if not alive or (support >= KNOWN and all(
                support >= 2 * _support(near_left + candidates[i] + near_right, known) for i in alive)):
            return 0
        # an ideograph modern Chinese does not use in a piece the old OCR misread in more places than that one
        # is its noise (``old_ocr_noise``: ``吊法急咊`` for 合法性和): the kept reading's Han stands there,
        # whatever the word frequencies (a rare character alone, a name's 龑 read 龚, stays)
        if 1 in alive and old_ocr_noise(left, mine, candidates[1], right):
            return 1
        # spaces left out: the layer's spacing (鸟类 273, a reading's 乌类273) is no evidence about words
        # (readings compared with each other unclipped; a character the list lacks gives no opinion, and the kept
        # reading without one is not overruled by another's)
        found = {i: chinese_zipf(squeeze(near_left + candidates[i] + near_right)) for i in alive}
        scores = {i: score for i, score in found.items() if score is not None}
        if not scores or (1 in found and found[1] is None):
            return 0
        best = max(scores, key=lambda i: scores[i])
        if 1 in scores and scores[best] < scores[1] + PLAUSIBILITY_MARGIN:
            best = 1  # the kept reading's, unless another's words are clearly more frequent (溶解所 against 溶解氧)
        # ... against the layer's unclipped where its piece makes no word of the dictionary (诸蛰, 吊法急咊), as
        # wordfreq's own figure gives it (at least 0) where it does: wordfreq splits most rare words into
        # characters (珙桐, 赘述, 氙灯), which score below 0 unclipped, and a common look-alike would overrule them
        window = squeeze(near_left + mine + near_right)
        layer_score = _floored(window) if _makes_a_word(near_left, mine, near_right) else chinese_zipf(window)
        if layer_score is None:
            layer_score = 0.0
        if scores[best] >= layer_score + PLAUSIBILITY_MARGIN and layer_score < ORDINARY:
            return best
        return 0
    if HAN.search(candidates[alive[0]]) and len(_LATIN.findall(mine)) >= 2 and not witnessed and not any(
            squeeze(other) == squeeze(mine) for other in candidates[2:]):  # (unless another reading reads
        # the layer's Latin: ``church. I`` against one engine's ``churceh，工`` in an English book)
        return alive[0]  # Latin where the page shows Han: the layer was wrong there (but a symbol, a Greek
        # letter or a lone letter read as Han, ■ as 国, μ as 以, λ as 入, is OCR's confusion, not the layer's)
    return 0


_SYMBOLIC = regex.compile(r"[\p{Greek}\p{Sm}\p{So}•·]")
#: What a piece must hold for its looks to count against it: a letter, digit or ideograph (``ZOq5``).
_LETTERS = regex.compile(r"[\p{L}\p{N}]")
#: Spaces between two ideographs (Tesseract's Chinese model writes one between every two).
_HAN_GAP = regex.compile(r"(?<=\p{Han})\s+(?=\p{Han})")


def _han_over_symbols(mine: str, theirs: str) -> bool:
    """``theirs`` puts more Han where ``mine`` has Greek letters or symbols (``μ`` read as ``大``)."""
    return bool(_SYMBOLIC.search(mine)) and len(HAN.findall(theirs)) > len(HAN.findall(mine))


#: Letters an old OCR reads for digits.
_NUMBER_LOOKALIKES = "lIOoZSBzsbgq"


def _independent(mine: str, theirs: str, left: str, right: str) -> bool:
    """Pieces on which two engines' agreement decides: other Han than the layer's, or Han where it has
    nothing (a look-alike ideograph of the old OCR's, one it dropped; a piece whose Han both read alike
    is about its symbols, ``● 取 δ`` against ``取8``), or digits where the layer has letters in a number
    (``1O,787``, ``-Z88.3``, ``92.O%``; not ``CO2``, a letter beside a letter, but ``PMZ.5``, a decimal).

    >>> _independent("六", "公", "状况", "报"), _independent("● 取 δ ", "取8", "", "= 0.66")
    (True, False)
    >>> _independent("O", "0", "1", ",787"), _independent("O", "0", "C", "2")
    (True, False)
    >>> _independent("lq", "19", "年均浓度 ", " μg/m³"), _independent("lo", "10", "hel", " world")
    (True, False)
    >>> _independent("• 取 μ ", "。 取 -大 ", "当 ", "= 0.5")
    False
    >>> _independent(" 5 月 I", "5月1", "2013 年", "6 日")
    True
    >>> _independent("Z", "2", "记录 PM", ".5 浓度"), _independent("Z.S", "2.5", "记录 PM", " 浓度")
    (True, True)
    >>> [_independent(a, b, l, r) for a, b, l, r in [(" I 类 II", " 1 类 11", "水质", " 类"),
    ...     (" 号B", "号8", "3", "座"), (" 个 S", "个5", "共 3", " 型弯")]]
    [False, False, False]
    """
    if _han_over_symbols(mine, theirs):
        return False  # a look-alike engines share (μ read as 大)
    if HAN.search(theirs) and HAN.findall(mine) != HAN.findall(theirs) and (HAN.search(mine) or not squeeze(mine)):
        return True
    if HAN.search(mine) and HAN.findall(mine) == HAN.findall(theirs):
        # the Han both read alike is the piece's context (``5 月 I6`` against ``5月16``), and only letters
        # that stand right beside a digit are in a number (not ``II 类``, ``3 个 S 型``, ``3 号B座``)
        text = left + mine + right
        for i in range(len(left), len(left) + len(mine)):
            if text[i] in _NUMBER_LOOKALIKES and not any(
                    0 <= j < len(text) and text[j].isdigit() for j in (i - 1, i + 1)):
                return False
        mine, theirs = HAN.sub(" ", mine), HAN.sub(" ", theirs)
    if not (regex.fullmatch(r"[\d.,:]+", squeeze(theirs)) and regex.search(r"\d", theirs)
            and regex.fullmatch(rf"[\d{_NUMBER_LOOKALIKES}.,:]+", squeeze(mine))
            and regex.search(f"[{_NUMBER_LOOKALIKES}]", mine)):
        return False
    before, after = left.rstrip(" .,")[-1:], right.lstrip(" .,")[:1]
    # inside a number (``1.S0``), or a number of its own (``浓度 lq μg``: no word is spelt so, where two
    # engines read digits)
    # (the characters right beside it: none where the piece has a space at that edge)
    next_left, next_right = "" if mine[:1].isspace() else left[-1:], "" if mine[-1:].isspace() else right[:1]
    whole = not regex.match(r"[\w.,]", next_left) and not regex.match(r"[\w.,]", next_right)
    # a piece read as a decimal with what follows it is a number's, after a letter too (``PMZ.5``, ``PMZ.S``)
    if _DECIMAL.match(squeeze(theirs) + (right[:2] if next_right else "")):
        return True
    return (before.isdigit() or after.isdigit() or whole) and not _beside_letter(next_left, next_right)


#: Digits with a decimal point and a digit after it: a number, whatever letter stands before it.
_DECIMAL = regex.compile(rf"\d+\.[\d{_NUMBER_LOOKALIKES}]")


def _beside_letter(left: str, right: str) -> bool:
    """A Latin letter right next to the piece: ``O`` in ``CO2`` is a formula's, whatever digit follows."""
    return bool(regex.match(r"[A-Za-z]", left[-1:]) or regex.match(r"[A-Za-z]", right[:1]))


# marks OCR reads as their look-alikes: the same mark, for the vote (one character for one)
_MARK_FOLD = str.maketrans({**dict.fromkeys("′‘’`´", "'"), **dict.fromkeys("″“”", '"'),
                            **dict.fromkeys("‐‑‒–—―", "-")})


def odd_han(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds an ideograph that modern Chinese does not use: one that wordfreq's
    list lacks (it is built from large corpora of today's writing) and that makes no word of the dictionary
    with the characters beside it (``in_a_word``). An old OCR's engine, choosing among tens of thousands of
    ideographs, writes such ones for noise (``吊法急咊``, ``绞筸推违``); but so is a name's rare character
    (龑), a drug's (䓬 of 苯二氮䓬) or an Extension B one, which no engine may read: ``old_ocr_noise`` asks
    for more than one.

    >>> odd_han("吊法急咊对人们", 0, 4), odd_han("种植桑葚的农户", 2, 4), odd_han("合法性和对人们", 0, 4)
    (True, False, False)
    """
    return any(_odd_at(text, k) for k in range(start, end))


def _odd_at(text: str, k: int) -> bool:
    """Whether ``text[k]`` is an ideograph wordfreq's list lacks, in no dictionary word with its neighbours."""
    return bool(HAN.match(text[k])) and chinese_zipf(text[k]) is None and not _in_a_word_at(text, k)


def _makes_a_word(left: str, piece: str, right: str) -> bool:
    """``in_a_word`` for ``piece`` between ``left`` and ``right``, spaces left out.

    >>> _makes_a_word("在诸", "暨", "市房"), _makes_a_word("在 诸", " 蟹", "市房")
    (True, False)
    """
    start = len(squeeze(left))
    return in_a_word(squeeze(left + piece + right), start, start + len(squeeze(piece)))


def _in_a_word_at(text: str, k: int) -> bool:
    """``in_a_word`` for ``text[k]``, spaces left out (Tesseract's ``刘 龑 先 生``)."""
    before = [c for c in text[:k] if not c.isspace()][-7:]
    after = [c for c in text[k + 1:] if not c.isspace()][:7]
    return in_a_word("".join(before) + text[k] + "".join(after), len(before), len(before) + 1)


def old_ocr_noise(left: str, mine: str, theirs: str, right: str) -> bool:
    """Whether the layer's piece ``mine`` (between ``left`` and ``right``) is an old OCR's noise where a reading
    has ``theirs``: their Han differ in two characters or more, one of the layer's differing characters is odd
    (``odd_han``), every other one makes no word of the dictionary with its neighbours, and the reading's Han has
    nothing odd. A rare character alone may be right (a name's 龑 read 龚), and so may one beside a character
    of a word (``刘龑表示`` read ``刘龚衣示``: 表示 is right, and the layer with it).

    >>> old_ocr_noise("、", "吊法急咊", "合法性和", "对人"), old_ocr_noise("董事长刘", "龑", "龚", "先生")
    (True, False)
    >>> old_ocr_noise("董事长刘", "龑表", "龚衣", "示"), old_ocr_noise("董事长刘", "龑、", "龚，", "总经理")
    (False, False)
    """
    text = left + mine + right
    hans = [k for k in range(len(left), len(text) - len(right)) if HAN.match(text[k])]
    ours, read = "".join(text[k] for k in hans), "".join(HAN.findall(theirs))
    if Levenshtein.distance(ours, read) < 2 or odd_han(left + theirs + right, len(left), len(left) + len(theirs)):
        return False
    differing = [hans[h] for op in Levenshtein.opcodes(ours, read) if op.tag in ("replace", "delete")
                 for h in range(op.src_start, op.src_end)]
    odd = [k for k in differing if _odd_at(text, k)]
    return bool(odd) and not any(_in_a_word_at(text, k) for k in differing if k not in odd)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return (folded if len(folded) == 1 else char).translate(_MARK_FOLD)


def fold(text: str) -> str:
    """``text`` as the vote compares it, one character for one: NFKC where it gives one character
    (full-width letters and digits, ``³`` and ``₂``), primes and quotes alike, dashes alike. A layer's
    ``ＡＭＣ９７６`` or ``H′`` is what a reading's ``AMC976`` or ``H’`` says: nothing to decide.

    >>> fold("样品编号 ＡＭＣ９７６，H′ = 3 μg/m³")
    "样品编号 AMC976,H' = 3 μg/m3"
    """
    return "".join(_fold_char(c) for c in text)


def _case_or_accents(mine: str, theirs: str) -> bool:
    """Whether two pieces with letters differ in their letters' case and Latin accents alone, which no reading
    settles (``comparable`` folds them: small capitals print a word's case alike, and neither engine's model
    reads accents): PyMuPDF test_4790's old Spanish layer ``GARCÍA``, in small capitals, read ``Garcia``.

    >>> _case_or_accents("GARCÍA", "Garcia"), _case_or_accents("GARCIA", "GARCÍA"), _case_or_accents("l", "I")
    (True, True, False)
    """
    return any(char.isalpha() for char in mine) and squeeze(unaccented(mine)).casefold() == squeeze(
        unaccented(theirs)).casefold()


def _same_text(text: str) -> str:
    """``text`` as pieces are compared: folded (``fold``), without spaces.

    >>> _same_text("( 毫 克 )") == _same_text("（毫克）")
    True
    """
    return squeeze(fold(text))


def _disputes(layer: str, reading: str, *, whole: bool = True) -> list[tuple[int, int, int, int]]:
    """Where ``reading`` differs from ``layer``, as ``(i1, i2, j1, j2)``, compared ``fold``-ed;
    differences separated by at most one character or by spaces only are one dispute, so a piece is
    judged whole. Without ``whole``, each difference on its own: what another reading says inside a
    piece (Tesseract's ``5， 均 匀 度`` confirms ``匀`` for the layer's ``勿`` beside ``S，``)."""
    disputes: list[list[int]] = []
    for op in Levenshtein.opcodes(fold(layer), fold(reading)):
        if op.tag == "equal":
            continue
        if disputes and whole:
            gap = layer[disputes[-1][1]:op.src_start]
            if len(squeeze(gap)) <= 1:
                disputes[-1][1], disputes[-1][3] = op.src_end, op.dest_end
                continue
        disputes.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [(a, b, c, d) for a, b, c, d in disputes]


def read_alike(layer: str, reading: str, lang: str = "chi_sim+eng") -> str:
    """``layer``, an old OCR's line where the page's new reading leads, with each piece that ``reading``,
    what two engines read alike there (``ocr.engines.corroborated``), reads otherwise in a way only the
    page can: text the layer lacks (a line the old OCR left unfinished), other Han for its Han, Han for its
    Latin (two letters or more: an English-only OCR's guess at Chinese). Left as the layer has them, since
    two engines share these confusions: its symbols, marks and Greek letters (``×`` read ``x``, ``°`` ``0``,
    ``Δ`` ``A``), letters for its digits or digits for its letters (``B8`` read ``88``), other Latin for its
    Latin (``CBI`` read ``CBl``), what the OCR's languages cannot read, and what the reading leaves out
    (a box cut short).

    >>> read_alike("69.39% which contribu", "69.39% which contributes to carbon")
    '69.39% which contributes to carbon'
    >>> read_alike("骊。", "验。"), read_alike("% RH 2024 年", "% 合格 2024 年")
    ('验。', '% 合格 2024 年')
    >>> [read_alike(old, new) for old, new in [("Index (CBI) is", "Index (CBl) is"), ("20 × 30 m", "20 x 30 m"),
    ...                                        ("Sample B8", "Sample 88"), ("Δt = 5 s", "At = 5 s"),
    ...                                        ("over 6,853 km?,", "over 6,853 km2."), ("CBI) is a", "CBI)")]]
    ['Index (CBI) is', '20 × 30 m', 'Sample B8', 'Δt = 5 s', 'over 6,853 km?,', 'CBI) is a']
    """
    pieces: list[str] = []
    position = 0
    for i1, i2, j1, j2 in _disputes(layer, reading):
        mine, theirs = layer[i1:i2], reading[j1:j2]
        pieces.append(layer[position:i1])
        position = i2
        if not _read_otherwise(mine, theirs, lang):
            pieces.append(mine)
        elif not mine.strip():  # text the layer lacks, with the reading's spaces (none doubled, none at an end)
            before = "".join(pieces)
            added = theirs.lstrip() if not before or before.endswith(" ") else theirs
            pieces.append(added.rstrip() if i2 == len(layer) or layer[i2:i2 + 1] == " " else added)
        else:  # the layer's spacing at the piece's edges stays
            pieces.append(mine[:len(mine) - len(mine.lstrip())] + theirs.strip() + mine[len(mine.rstrip()):])
    pieces.append(layer[position:])
    return "".join(pieces)


def _read_otherwise(mine: str, theirs: str, lang: str) -> bool:
    """A piece two engines read alike as ``theirs`` where an old OCR's layer has ``mine`` is the page's text
    (``read_alike``'s rules)."""
    if not any(c.isalnum() for c in theirs):
        return False  # marks only: what "alike" does not compare
    if not mine.strip():
        return True
    if not all(c.isalnum() or c.isspace() for c in mine) or readable_share(mine, lang) < 1.0:
        return False
    if HAN.search(theirs) and all(HAN.match(c) or c.isspace() for c in mine):
        return True
    return bool(HAN.search(theirs)) and len(_LATIN.findall(mine)) >= 2 and not regex.search(r"\d", mine)


def _spaced_as(mine: str, theirs: str) -> str:
    """``mine`` with what ``theirs`` writes otherwise, spacing aside: the layer's spaces stay.

    >>> _spaced_as(" 5 月 I", "5月1"), _spaced_as("l O 日", "10日")
    (' 5 月 1', '10 日')
    """
    at = [i for i, c in enumerate(mine) if not c.isspace()]  # squeezed index -> index in mine
    out, position = [], 0
    for op in Levenshtein.opcodes(squeeze(mine), squeeze(theirs)):
        if op.tag == "equal":
            continue
        start = at[op.src_start] if op.src_start < len(at) else len(mine)
        end = at[op.src_end - 1] + 1 if op.src_end > op.src_start else start
        out += [mine[position:start], squeeze(theirs)[op.dest_start:op.dest_end]]
        position = end
    out.append(mine[position:])
    return "".join(out)


def vote_line(layer: str, readings: Sequence[str], known: Counter[str] | None = None, other: str | None = None,
              trusted: bool = False, witness: str | None = None, independent: bool = False,
              doubted: bool = True) -> str:
    """``layer`` with each piece where ``readings[0]`` differs decided by ``choose``; ``known`` is
    the document's vocabulary (``vocabulary`` of its layer); ``other`` is another engine's reading of
    the line (PP-OCR's beside Tesseract's), whose agreement with ``readings[0]`` on a piece decides it;
    ``trusted``: ``readings[0]`` is a reader's whose confidence tracks its errors, sure of this line
    (PP-OCR at ``splice.TRUSTED``): its pieces count as confirmed unless ``other`` reads the layer's.
    ``witness``, another engine's reading, keeps the layer's Latin where it reads it so, and, when it is
    ``independent`` (PP-OCR's, the engine an old layer is unlikely to be the work of), its pieces the
    detector calls garbled (``choose``). Not ``doubted`` (a layer whose Han the page image mostly reads alike:
    ``splice.CONFIRMED_PAGE``), ``other``'s agreement decides only Han pieces where the reading's makes a word
    of the dictionary and the layer's none (``words_against``): two engines' shared misreading of a right layer
    makes none (``鸟类`` read ``乌类``).

    >>> vote_line("驱动，$output = `$", ["驱动，%output = s"], witness="驱动，$output=`$", independent=True)
    '驱动，$output = `$'
    >>> vote_line("总人口 ~|~ 万人", ["总人口 247 万人"], other="总人口 247 万人", witness="总 人口 ~|~ 万 人")
    '总人口 247 万人'

    A piece of marks alone that looks garbled gives way only to a reading another engine (or a sure PP-OCR,
    ``trusted``) confirms: PP-OCR drops and misreads thin marks on a noisy scan.

    >>> vote_line("驱动，$output = `$", ["驱动，%output = s"]), vote_line("总人口 ~|~ 万人", ["总人口 247 万人"])
    ('驱动，$output = `$', '总人口 ~|~ 万人')

    >>> vote_line("安顺市生态环 状况六报", ["安顺市生态环境状况公报"], other="安顺市生态环境状况公报")
    '安顺市生态环境状况公报'
    >>> vote_line("安顺市生态环 状况六报", ["安顺市生态环境状况公报"], other="安顺市生态环 状况六报")
    '安顺市生态环 状况六报'

    The other engine's reading confirms a piece inside a stretch where it differs throughout (Tesseract's
    spaces between Han characters, ``]`` for ``J′``):

    >>> vote_line("指数 H′ = 2.2S，均勿度 J′", ["指数 H′= 2.25，均匀度J′"], other="指 数 H' = 2.25， 均 匀 度 ]")
    '指数 H′ = 2.25，均匀度 J′'

    Compared finely, only its agreement with the kept reading counts: a garbled reading "reads" the layer's text
    wherever its own differences fall elsewhere, and that must not hold back a trusted reading (pr-136):

    >>> vote_line("被担保 金融机构 资金额", ["被担保 单位金融机构资金额"], other="人 本 爹 融 机 构", trusted=True)
    '被担保 单位金融机构 资金额'

    Pieces are compared folded, as the disputes are found: Tesseract's ``(`` confirms beside PP-OCR's ``（``.

    >>> vote_line("测定浓庋（亳克每升）", ["测定浓度（毫克每升）"], other="测 定 浓 度 ( 毫 克 每 升 )")
    '测定浓度（毫克每升）'
    """
    if not readings or not readings[0]:
        return layer
    first = readings[0]
    elsewhere = Elsewhere(known, layer) if known else None
    # every other reading's differences with the layer one by one, found once for all of the line's pieces: its
    # piece is what it reads inside the layer's (Tesseract's spaced ``11 月 8 日`` says ``8`` for ``B``, not ``月 8``)
    others = [(again, _disputes(layer, again, whole=False)) for again in readings[1:]]
    second = (other, _disputes(layer, other)) if other else None
    # its differences one by one too: its piece inside a stretch where it differs throughout can be the
    # kept reading's (only agreement on text counts so: a garbled reading aligned finely "reads" the
    # layer's text, or drops it, wherever its differences happen to fall)
    finely = (other, _disputes(layer, other, whole=False)) if other else None
    witnessing = second if second and witness == other else (witness, _disputes(layer, witness)) if witness else None
    pieces: list[str] = []
    position = 0
    for i1, i2, j1, j2 in _disputes(layer, first):
        pieces.append(layer[position:i1])
        mine, theirs = layer[i1:i2], first[j1:j2]
        # compared folded, as the disputes are found (Tesseract's ``(`` is PP-OCR's ``（``)
        mine_text, theirs_text = _same_text(mine), _same_text(theirs)
        if mine_text == theirs_text or _case_or_accents(mine, theirs):
            pieces.append(mine)
        else:
            candidates = [mine, theirs] + [_piece_of(layer, again, i1, i2, found) for again, found in others]
            # the other engine confirms the kept reading's piece only (``readings[1:]`` may be readings of
            # the other engine itself: Tesseract agreeing with Tesseract is no second opinion)
            seen = _same_text(_piece_of(layer, second[0], i1, i2, second[1])) if second else None
            agrees = finely is not None and bool(theirs_text) and _same_text(  # text read alike, not its absence
                _piece_of(layer, finely[0], i1, i2, finely[1])) == theirs_text
            twice = (seen == theirs_text or agrees) and (doubted or words_against("".join(pieces), mine, theirs,
                                                                               layer[i2:]))
            confirmed = 1 if twice or (trusted and seen != mine_text) else None
            witnessed = witnessing is not None and _same_text(
                _piece_of(layer, witnessing[0], i1, i2, witnessing[1])) == mine_text
            index = choose("".join(pieces), layer[i2:], candidates, elsewhere, confirmed, witnessed,
                           witnessed and independent, alone=confirmed is not None and not twice)
            # another reading's piece comes without the spaces Tesseract writes between ideographs (``说 明``)
            won = candidates[index] if index < 2 else _HAN_GAP.sub("", candidates[index])
            if won is not mine and won.strip() and mine.strip():
                if HAN.search(mine) and HAN.findall(won) == HAN.findall(mine):
                    won = _spaced_as(mine, won)  # its digits or letters, in the layer's spacing (``5 月 16``)
                else:  # the layer's spacing at the piece's edges stays: a reading that writes no spaces
                    # (``2015年``) is no evidence about them
                    won = mine[:len(mine) - len(mine.lstrip())] + won.strip() + mine[len(mine.rstrip()):]
            pieces.append(won)
        position = i2
    pieces.append(layer[position:])
    return numbers_read_alike("".join(pieces), readings, witness)


#: A run of digits, letters an old OCR reads for digits, points and commas, after no letter of an alphabet, digit
#: or underscore (none in ``Fe2O3``, ``PMZ.S``, ``GB3838``, ``ＣO2``; an ideograph may stand before it, and a unit
#: after it: ``年降水量l5,232mm``).
_NUMBER_RUN = regex.compile(rf"(?<![\p{{Latin}}\p{{Greek}}\p{{Cyrillic}}\p{{N}}_.,])[0-9{_NUMBER_LOOKALIKES}.,]++")


def words_against(left: str, mine: str, theirs: str, right: str) -> bool:
    """Whether the Han piece ``theirs`` makes a word of the dictionary with its neighbours (``CONTEXT``
    characters of ``left`` and ``right``, spaces left out) where the layer's ``mine`` makes none (``in_a_word``):
    what lets two engines' agreement correct a layer the page image mostly confirms (pr-136's 诸蟹 for the city
    诸暨, 迫索权 for 追索权, 末出现 for 未出现), and not their shared misreading of a right one (鸟类 read 乌类;
    协同窑 read 协同密, no word either way). A character in no word of the dictionary (a function character,
    ``强化对自然``) is not protected by it: only two engines misreading it alike into a word change it.

    >>> words_against("年 1 月在诸", "蟹", "暨", "市房地产"), words_against("国家保护", "鸟", "乌", "类 273 种")
    (True, False)
    >>> words_against("平坝台泥水泥协同", "窑", "密", "进行处置"), words_against("数量 ", "12", "13", " 种")
    (False, False)
    >>> words_against("种 植 猕 猴 ", "挑", "桃", " ， 面")
    True
    """
    if not (HAN.search(mine) and HAN.search(theirs)):
        return False
    near_left, near_right = squeeze(left)[-CONTEXT:], squeeze(right)[:CONTEXT]
    return _makes_a_word(near_left, theirs, near_right) and not _makes_a_word(near_left, mine, near_right)


def misread_number(run: str) -> bool:
    """Whether ``run`` (a ``_NUMBER_RUN``, without the points and commas at its ends) is a number with letters an old
    OCR read for some of its digits: at least two digits and no more letters than digits, and a letter inside the
    number or a point or comma in it (``O.97``, ``1.8l``, ``l5,232``, ``3b7``, ``2O2O``). A code of one letter at an
    end (``B1``, ``S20``, ``O2O``, ``2B``, ``B101``) is no such number: engines read its letters as digits as
    readily as an old OCR did the other way.

    >>> [misread_number(r) for r in ("O.97", "1.8l", "l5,232", "3b7", "2O2O", "B101", "O2O", "6b", "B.4", "1998")]
    [True, True, True, True, True, False, False, False, False, False]
    """
    digits = sum(c.isdigit() for c in run)
    letters = [k for k, c in enumerate(run) if c in _NUMBER_LOOKALIKES]
    inside = any(0 < k < len(run) - 1 and run[k - 1].isdigit() and run[k + 1].isdigit() for k in letters)
    return bool(letters) and digits >= 2 and len(letters) <= digits and (inside or bool(regex.search(r"[.,]", run)))


def read_there(text: str, start: int, end: int, reading: str) -> str | None:
    """What ``reading`` reads where ``text`` has ``text[start:end]`` (no spaces in it), spaces left out of both:
    the characters the alignment of the two pairs one for one with it; None where it pairs them otherwise.

    >>> read_there("■ 取 μ = O.97。", 8, 12, "■取μ=0.97。"), read_there("取 μ = O.97", 6, 10, "国 取 bb=0.97")
    ('0.97', '0.97')
    >>> read_there("噪声 ＜ 6b dB", 5, 7, "噪声 66 dB") is None
    True
    """
    kept = [k for k, c in enumerate(text) if not c.isspace()]
    first = next(i for i, k in enumerate(kept) if k >= start)
    last = first + (end - start)
    ours, theirs = fold("".join(text[k] for k in kept)), fold("".join(reading.split()))
    out = []
    for op in Levenshtein.opcodes(ours, theirs):
        low, high = max(first, op.src_start), min(last, op.src_end)
        if low >= high:
            continue
        if op.tag not in ("equal", "replace") or op.src_end - op.src_start != op.dest_end - op.dest_start:
            return None
        out.append(theirs[op.dest_start + low - op.src_start:op.dest_start + high - op.src_start])
    return "".join(out)


def numbers_read_alike(text: str, readings: Sequence[str], witness: str | None = None) -> str:
    """``text`` (a voted line) with each number in which it has letters for digits (``misread_number``) written as
    every reading reads it in its place (``read_there``): the same digits, points and commas, a digit where ``text``
    has a letter, and all readings alike; not where another engine's reading (``witness``) reads the letters. The
    vote judges a piece whole where its differences stand close, and a symbol, an ideograph or spaces beside the
    number (``μ = O.97`` against ``μ=0.97``, ``玉 ≤ O.37`` against ``率≤ 0.37``) kept the layer's letters in it too.

    >>> numbers_read_alike("■ 取 μ = O.97。", ["■取μ=0.97。", "国取 bb=0.97。"])
    '■ 取 μ = 0.97。'
    >>> numbers_read_alike("国土面积 l5,232 km²", ["国土面积15,232 km²", "国土面积 5D232 kms"])  # not every reading
    '国土面积 l5,232 km²'
    >>> numbers_read_alike("B1 层共 21 个", ["B1 层共 21 个"]), numbers_read_alike("值 O.97", ["值 0.97"], "值 O.97")
    ('B1 层共 21 个', '值 O.97')
    """
    out = list(text)
    for match in _NUMBER_RUN.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start] in ".,":
            start += 1
        while end > start and text[end - 1] in ".,":
            end -= 1
        run = text[start:end]
        if not misread_number(run):
            continue
        read = {read_there(text, start, end, reading) for reading in readings}
        number = read.pop() if len(read) == 1 else None
        if number is None or len(number) != len(run) or not all(
                c.isascii() and c.isdigit() if o in _NUMBER_LOOKALIKES else c == o for o, c in zip(run, number)):
            continue
        if witness and read_there(text, start, end, witness) == fold(run):
            continue
        out[start:end] = number
    return "".join(out)
