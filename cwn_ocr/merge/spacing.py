"""An earlier OCR layer's spaces inside English words, as both engines read the page image (pure).

A layer line the new readings of the page image read verbatim, white space aside (``decide``'s rule
"read verbatim"), or that looks clean and is read about alike (rule "clean"), is kept as the layer has it.
An earlier OCR engine's layer splits words and glues them, though, and such a line still reads verbatim:
``Increase connectivity betwee n natural areas``, ``people and nature to flouri sh.``, ``Increase the carbon
se questration`` on the stress corpus's degraded English-layer scans (issue 20's ``acros s``, ``valu ed``,
``suchas``), where both engines read ``between``, ``flourish``, ``sequestration``. Such a space is the old
OCR's, not the page's: it goes, and a space both engines read where the layer glues two words comes in.

Only where two engines read the page (PP-OCR and Tesseract: their mistakes differ, and the layer may be
Tesseract's own, so one engine reading it again is no evidence), each as it spaced it (a line both read
alike carries both engines' own readings, ``Line.as_read``), each reading about the whole line (not a part of
it, which would align anywhere), both read the characters either side alike, and both read the space alike
(both with it, or both without; the place where two OCR lines of one layer line meet is read by neither):
where they differ (PP-OCR glues ``treecover`` where Tesseract reads ``tree cover``) the layer stays. Two engines
can err alike, though: in a CJK font's Latin glyphs, whose spaces are narrow, both read ``ofthe``,
``countthem`` (a reviewer's renders in Noto Sans CJK). So a space goes only where the letters it splits are
one English word, more frequent than the rarer of its two parts, or than either where both are common words
(``betwee n``, ``In dex``, ``tree s``; not ``of the``, ``wild life``, ``per cent``; never beside a lone ``a``:
``a round``), and comes in only where the layer's run is no word and its two parts are (``suchas``; not
``wildlife``): the page's reading finds the place, wordfreq's list only vetoes (a review's renders of English
prose in Noto Sans and Serif CJK, 14 sizes and blurs: no correct line changed). And only
between two ASCII letters, never beside a token of one letter spelled apart (``A B C``, ``E X E C U T I V E``),
or a space taken out before a comma or full stop after a letter that ends its token (which no Latin script
sets; not ``the .NET``): around digits, symbols and Han the corpus's pages set spaces the engines drop
(``截至 2024 年``, ``H′ = 2.40``), and the layer's are kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from cwn_ocr.layer.charsets import unaccented
from cwn_ocr.layer.garble import WORD_ZIPF, english_zipf

#: A space before these after a letter is in no Latin script's spacing (French sets one before ``; : ! ?``).
_CLOSING = frozenset(",.")
#: A reading is of the whole line when it is this alike the layer (normalized similarity, white space aside)...
WHOLE = 0.8
#: ... and of its length within this share.
LENGTH = 0.1


def _letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _places(text: str) -> tuple[str, set[int]]:
    """``text`` without white space, and the places of its breaks: ``k`` where white space stood before the
    ``k``-th character left.

    >>> _places("ab  c d")
    ('abcd', {2, 3})
    """
    chars: list[str] = []
    breaks: set[int] = set()
    for char in text:
        if char.isspace():
            if chars:
                breaks.add(len(chars))
        else:
            chars.append(char)
    breaks.discard(len(chars))
    return "".join(chars), breaks


def _run(squeezed: str, breaks: set[int], k: int, way: int) -> str:
    """The letters before (``way`` -1) or from (1) place ``k``, up to a break or a character not a letter.

    >>> _run("acrossthe", {5, 6}, 5, -1), _run("acrossthe", {5, 6}, 5, 1), _run("acrossthe", set(), 5, -1)
    ('acros', 's', 'acros')
    """
    if way < 0:
        start = k
        while start > 0 and _letter(squeezed[start - 1]) and (start == k or start not in breaks):
            start -= 1
        return squeezed[start:k]
    end = k
    while end < len(squeezed) and _letter(squeezed[end]) and (end == k or end not in breaks):
        end += 1
    return squeezed[k:end]


#: Two parts this frequent (zipf) or more are both words of their own: their join must be more frequent than either.
COMMON = 4.0
#: The English words of one letter; any other letter alone is a piece of a word (wordfreq lists ``s``, ``n``).
_ONE_LETTER_WORDS = frozenset("aAI")


def _zipf(token: str) -> float:
    """``token``'s English frequency (``garble.english_zipf``), none for a letter alone that is no word.

    >>> _zipf("s"), _zipf("a") > 7
    (0.0, True)
    """
    return 0.0 if len(token) == 1 and token not in _ONE_LETTER_WORDS else english_zipf(token)


def _one_word(*pieces: str) -> bool:
    """Whether ``pieces``, which spaces split, are one English word: joined they are a word (``garble.WORD_ZIPF``)
    more frequent than the rarest of them (``betwee n``, ``In dex``, ``tree s``, ``up lo ad s``; not ``of the`` nor
    ``count them``, which two engines may both read glued in a CJK font's narrow spaces, nor ``wild life``), or than
    each where all are ``COMMON`` words (not ``per cent``, ``my self``, ``web site``, ``for ever more``); never with
    ``a`` or ``I`` alone (``a round``, ``a gain``, ``a venue``: both engines glue a lone ``a`` in such fonts).

    >>> _one_word("betwee", "n"), _one_word("In", "dex"), _one_word("tree", "s"), _one_word("of", "the")
    (True, True, True, False)
    >>> _one_word("wild", "life"), _one_word("per", "cent"), _one_word("a", "round"), _one_word("A", "gain")
    (False, False, False, False)
    >>> _one_word("up", "lo", "ad", "s"), _one_word("for", "ever", "more")
    (True, False)
    """
    if any(piece in _ONE_LETTER_WORDS for piece in pieces):
        return False
    joined, parts = english_zipf("".join(pieces)), [_zipf(piece) for piece in pieces]
    return joined >= WORD_ZIPF and joined > (max(parts) if min(parts) >= COMMON else min(parts))


def _split_words(left: str, right: str) -> bool:
    """Whether ``left + right``, which the layer glues, is two English words and no word itself (``suchas``; not
    ``wildlife``, ``cannot``).

    >>> _split_words("such", "as"), _split_words("wild", "life"), _split_words("getElement", "ById")
    (True, False, False)
    """
    return english_zipf(left + right) < WORD_ZIPF and min(_zipf(left), _zipf(right)) >= WORD_ZIPF


def _letters_apart(squeezed: str, breaks: set[int], k: int) -> bool:
    """Whether the break before ``squeezed[k]`` stands between two tokens of one letter each (``A B C``, spelled out
    or a list of labels: both engines may read them glued, and nothing tells the page's spacing there).

    >>> _letters_apart("ABC", {1, 2}, 1), _letters_apart("betwee n".replace(" ", ""), {6}, 6)
    (True, False)
    """
    return (k - 1 == 0 or k - 1 in breaks) and (k + 1 == len(squeezed) or k + 1 in breaks)


def _ends_token(squeezed: str, breaks: set[int], k: int) -> bool:
    """Whether the mark ``squeezed[k]`` ends its token: white space, the line's end or a character neither a letter,
    a digit nor another mark after it (not ``.NET``, ``.txt``, ``. . .``).

    >>> _ends_token("legal,x", {6}, 5), _ends_token("the.NET", {3}, 3), _ends_token("on...", {2, 3, 4}, 2)
    (True, False, False)
    """
    after = k + 1
    return after == len(squeezed) or (after in breaks and squeezed[after] not in _CLOSING) \
        or not (squeezed[after].isalnum() or squeezed[after] in _CLOSING)


def _read(pieces: Sequence[str], plain: str) -> tuple[set[int], set[int]] | None:
    """The places of the layer's ``plain`` (white space out, unaccented) that one engine's reading (its ``pieces``,
    one per OCR line, in order) saw, with the same character either side, and those it put a break at; None
    where the reading is not of about the whole line (``WHOLE``, ``LENGTH``)."""
    theirs, breaks, joins = "", set(), set()
    for piece in pieces:
        squeezed, own = _places(unaccented(piece))
        if theirs and squeezed:
            joins.add(len(theirs))
        breaks |= {len(theirs) + k for k in own}
        theirs += squeezed
    if not plain or abs(len(theirs) - len(plain)) > LENGTH * len(plain) \
            or Levenshtein.normalized_similarity(theirs, plain) < WHOLE:
        return None
    seen: set[int] = set()
    put: set[int] = set()
    for op in Levenshtein.opcodes(theirs, plain):
        if op.tag != "equal":
            continue
        for k in range(op.dest_start + 1, op.dest_end):
            at = op.src_start + k - op.dest_start
            if at in joins:
                continue
            seen.add(k)
            if at in breaks:
                put.add(k)
    return seen, put


def _spelled_out(squeezed: str, breaks: set[int], known: Sequence[set[int]], spaced: Sequence[set[int]]) -> set[int]:
    """The breaks of a word the layer cut in three pieces or more (``up lo ad s``, ``Pr of il e``) where no reading
    breaks it (the places each saw alike, ``known``, and those it broke at, ``spaced``): all of them, where the
    pieces are one English word (``_one_word``: not ``for ever more``, no lone ``a`` or ``I``), no two pieces
    side by side are single letters (``A B C``) and no
    piece after the first begins with a capital unless all are capitals (``Con Fu Cius``, ``Tian An Men``: names,
    set apart on purpose or not, that the joined word would keep capitals inside; ``PR OF IL E`` is joined). Cut one
    break at a time, no two pieces make a word (``up lo``, ``re so``).

    >>> squeezed, breaks = _places("No up lo ad s or re so ur ce s")
    >>> seen = set(range(1, len(squeezed)))
    >>> sorted(_spelled_out(squeezed, breaks, [seen, seen], [{2, 9, 11}, {2, 9, 11}]))
    [4, 6, 8, 13, 15, 17, 19]
    >>> _spelled_out(*_places("a ro un d"), [set(range(1, 7))] * 2, [set(), set()])  # a lone ``a``: never
    set()
    >>> _spelled_out(*_places("Con Fu Cius"), [set(range(1, 9))] * 2, [set(), set()])  # capitals inside
    set()
    >>> sorted(_spelled_out(*_places("PR OF IL E"), [set(range(1, 7))] * 2, [set(), set()]))
    [2, 4, 6]
    """
    out: set[int] = set()
    start = 0
    while start < len(squeezed):
        end = start + 1
        while end < len(squeezed) and _letter(squeezed[end - 1]) and _letter(squeezed[end]) \
                and all(end in seen for seen in known) and not any(end in put for put in spaced):
            end += 1
        cuts = sorted(k for k in breaks if start < k < end)  # a run of two pieces or more is all letters
        if len(cuts) >= 2:
            pieces = [squeezed[a:b] for a, b in zip([start, *cuts], [*cuts, end])]
            if _one_word(*pieces) and not any(len(a) == len(b) == 1 for a, b in zip(pieces, pieces[1:])) \
                    and (squeezed[start:end].isupper() or not any(piece[0].isupper() for piece in pieces[1:])):
                out.update(cuts)
        start = end
    return out


def spaced_as_read(layer: str, readings: Sequence[Sequence[str]]) -> str:
    """``layer`` with the spaces between two ASCII letters that every one of ``readings`` (two engines' readings of
    the page image there, or more; each its pieces, one per OCR line) reads otherwise: taken out where none reads
    one, put in where all do; and a space before a comma or full stop after a letter taken out where none reads
    it. Only where each reading is of about the whole line and has the same characters as the layer on both
    sides. Every other character and space of ``layer`` stays as it is.

    >>> spaced_as_read("connectivity betwee n natural areas", [["connectivity between natural areas"]] * 2)
    'connectivity between natural areas'
    >>> spaced_as_read("suchas the city,wo men", [["such as the city, women"], ["such as the city,women"]])
    'such as the city,women'
    >>> spaced_as_read("The city has tree cover of", [["The city has treecover of"], ["The city has tree cover of"]])
    'The city has tree cover of'
    >>> spaced_as_read("sustainable , legal", [["sustainable, legal"], ["sustainab1e, legal"]])
    'sustainable, legal'
    >>> spaced_as_read("sustainable, legal", [["sustainable , legal"]] * 2)  # never put in before a comma
    'sustainable, legal'
    >>> spaced_as_read("截至 2024 年，H′ = 2.40", [["截至2024年，H′=2.40"]] * 2)  # not between digits, symbols, Han
    '截至 2024 年，H′ = 2.40'
    >>> spaced_as_read("Points A B C and the .NET runtime", [["Points ABC and the.NET runtime"]] * 2)
    'Points A B C and the .NET runtime'
    >>> spaced_as_read("betwee n", [["between"]])  # one reading: no evidence
    'betwee n'
    >>> spaced_as_read("every day is an everyday thing", [["everyday thing"]] * 2)  # a part of the line
    'every day is an everyday thing'
    >>> spaced_as_read("Increase connectivity between", [["Increase connectivity betw", "een"]] * 2)  # two OCR lines
    'Increase connectivity between'
    >>> spaced_as_read("No up lo ad s or re so ur ce s", [["No uploads or resources"]] * 2)  # spelled out
    'No uploads or resources'
    """
    if len(readings) < 2:
        return layer
    squeezed, breaks = _places(layer)
    plain = unaccented(squeezed)
    known, spaced = [], []
    for pieces in readings:
        read = _read(pieces, plain)
        if read is None:
            return layer
        known.append(read[0])
        spaced.append(read[1])
    add, drop = set(), set()
    for k in range(1, len(squeezed)):
        if not _letter(squeezed[k - 1]) or not all(k in seen for seen in known):
            continue
        if _letter(squeezed[k]):
            if _letters_apart(squeezed, breaks, k):
                continue
            left, right = _run(squeezed, breaks, k, -1), _run(squeezed, breaks, k, 1)
            if all(k in put for put in spaced) and k not in breaks and _split_words(left, right):
                add.add(k)
            elif not any(k in put for put in spaced) and k in breaks and _one_word(left, right):
                drop.add(k)
        elif squeezed[k] in _CLOSING and k in breaks and _ends_token(squeezed, breaks, k) \
                and not any(k in put for put in spaced):
            drop.add(k)
    drop |= _spelled_out(squeezed, breaks, known, spaced)
    if not add and not drop:
        return layer
    out: list[str] = []
    count = 0  # characters of ``squeezed`` passed
    for char in layer:
        if char.isspace():
            if count not in drop:
                out.append(char)
            continue
        if count in add:
            out.append(" ")
        out.append(char)
        count += 1
    return "".join(out)
