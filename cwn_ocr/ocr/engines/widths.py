"""Full-width or ASCII punctuation, told by the room the mark takes on the line (pure, numpy).

PP-OCR's recognizer reads ``，`` and ``,`` (``（``/``(``, ``：``/``:``, ``；``/``;``) from the mark's shape,
and the shapes are nearly the same: on the stress corpus's scans (both seeds) it read the other form
for about one mark in twenty, either way, in every font. What tells them apart is the room the mark
takes: a full-width mark fills an em cell, wherever its ink sits in it; an ASCII mark takes its
advance, half an em at most (AR PL's half-width cells; 0.25-0.36 em in Noto's, WenQuanYi's and
DejaVu's proportional ones). The room is measured between the mark's neighbours: between the
centres of Han characters (each centred in its em), less that em; to the ink of a letter, digit or
symbol (whose side bearing adds a little).

Measured on PP-OCR's readings of the 30 scan and mixed-page documents of both seeds (line crops as
the pipeline cuts them, aligned with the truth; six CJK fonts), without a space or another mark
beside it: full-width marks take 0.70-1.5 em (0.82 and more beside a letter or digit), ASCII ones
0.23-0.77 (a few, the ASCII mark with a space the recognizer did not read, more). A mark is made
full-width from ``FULL_ROOM``, ASCII up to ``ASCII_ROOM``; between them it stays as read. Left as
read: a mark at the line's start, beside another punctuation mark (CJK typesetting squeezes ``）。`` to
half its room), and a mark between two letters or digits made full-width (``Currently, the``: an ASCII
comma and a space in a half-width font take an em). A space read beside an ASCII comma or opening bracket
is measured over only where ``_spaced`` says (after a digit, symbol or unit and before an em-wide
character, and a few places like it; ``SPACED_FULL_ROOM``): the only such cases measured (other marks read
with a space stay as read). A line's last mark, which nothing after it measures, stays as read, but an
ASCII ``,`` or ``;`` is made full-width where the line's measured marks all are, and a last ``;`` after Han
on a line with no other ASCII mark (``end_full_width``: the recognizer's slip there).

What the room cannot tell: an ASCII mark and a space in a font with half-width ASCII (AR PL's, SimSun,
MingLiU) take an em, as a full-width mark does; the recognizer reads both as the full-width mark, and
so does the repair (a comma and a space read after a Latin word, ``perlre, 否则``, are left as read).
And a document set with compressed punctuation (Word's 压缩标点, xeCJK's half-width styles) gives its
full-width marks half an em mid-line: they come out ASCII.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cwn_ocr.layer.charsets import FULL_WIDTH_MARKS, is_ideograph
from cwn_ocr.ocr.engines.forms import han_em, ink_pixels, pixel_centres

if TYPE_CHECKING:
    import numpy as np

#: ASCII marks and their full-width forms; and the other way, with ``．`` (never made: a full stop that
#: takes an em may be ``。`` as well).
FORMS = FULL_WIDTH_MARKS
_ASCII = {**{full: ascii_ for ascii_, full in FORMS.items()}, "．": "."}


def ascii_form(mark: str) -> str:
    """A full-width mark's ASCII form (of ``FORMS``, and ``．``); any other character as it is.

    >>> ascii_form("；"), ascii_form("．"), ascii_form(","), ascii_form("安")
    (';', '.', ',', '安')
    """
    return _ASCII.get(mark, mark)


#: The room (ems) from which a mark is full-width, and up to which it is ASCII.
FULL_ROOM = 0.85
ASCII_ROOM = 0.65
#: An ASCII comma read with a space beside it, after a digit, a symbol or a unit and before a Han character
#: (``2.18, 均匀度``, ``3.04 ,均匀度``, ``mg/L, 氨氮``), is full-width from this room over the mark and the
#: space: the recognizer reads the white a full-width comma leaves as a space. On the corpus's scans such
#: marks take 1.03-1.43 em when full-width, 0.63-0.88 when ASCII and a space (proportional fonts). Between
#: two Han characters with the space after the comma (``安顺, 均匀``) the two overlap (0.95-1.31 against
#: 0.75-0.98 on the noisy Chinese-layer scans): left as read. The other places ``_spaced`` measures (a space
#: before the mark, spaces on both sides, an opening bracket before a digit) take this room too.
SPACED_FULL_ROOM = 0.95


def _em_wide(char: str) -> bool:
    """A character set in an em cell: one Unicode calls wide or full-width that is no punctuation
    (ideographs, kana, Hangul, ``ＡＢＣ１２３``, ``＋``).

    >>> [_em_wide(c) for c in "安Ａ＋A，μ"]
    [True, True, True, False, False, False]
    """
    return unicodedata.east_asian_width(char) in ("W", "F") and not unicodedata.category(char).startswith("P")


def _measurable(char: str) -> bool:
    """A neighbour whose ink bounds a mark's room: not a space, not punctuation (``%`` and ``#`` are; the
    marks of ``FORMS`` both ways are punctuation).

    >>> [_measurable(c) for c in "安A%，( "]
    [True, True, True, False, False, False]
    """
    return not char.isspace() and (not unicodedata.category(char).startswith("P") or char in "%#&*@/\\")


def room(text: str, at: int, spans: Sequence[tuple[float, float] | None], em: float, *,
         before: int = 1, beyond: int = 1) -> float | None:
    """The room, in ems, the mark ``text[at]`` takes between its neighbours' ink (``spans``: where each
    character's ink begins and ends, in the units of ``em``): the characters at ``at - before`` and
    ``at + beyond`` (2 over a space read beside the mark). None where a neighbour is missing, a space,
    punctuation or without ink.

    >>> round(room("时间,单位", 2, [(0.2, 3.8), (4.2, 7.8), (8.3, 8.8), (9.4, 13.0), (13.4, 17.0)], 4.0), 3)
    0.3
    >>> round(room("时间，单位", 2, [(0.2, 3.8), (4.2, 7.8), (8.3, 8.8), (12.2, 15.8), (16.2, 19.8)], 4.0), 3)
    1.0
    """
    first, after = at - before, at + beyond
    if not 0 <= first < at < after < len(text) or not (_measurable(text[first]) and _measurable(text[after])) \
            or any(not char.isspace() for char in text[first + 1:at] + text[at + 1:after]):
        return None
    left, right = spans[first], spans[after]
    if left is None or right is None:
        return None
    # a Han character's centre stands half an em inside its cell; a narrow glyph's ink bounds the room
    start = (left[0] + left[1]) / 2 + em / 2 if _em_wide(text[first]) else left[1]
    end = (right[0] + right[1]) / 2 - em / 2 if _em_wide(text[after]) else right[0]
    return (end - start) / em


def mark_widths(text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
    """``text`` (a recognizer's reading of the grayscale crop ``gray``, character ``i`` peaking at CTC
    column ``columns[i]``, ``cell`` pixels a column) with each ASCII or full-width mark of ``FORMS``
    in the form its room on the line shows (``room``): full-width from ``FULL_ROOM`` ems (not between
    two characters that are not em-wide: ``Currently, the``), ASCII up to ``ASCII_ROOM``; a comma or an
    opening bracket read with a space beside it where ``_spaced`` says (after a digit, symbol or unit and
    before Han, and the like), full-width from ``SPACED_FULL_ROOM`` over the mark and its spaces. A bracket whose
    room cannot be measured (at the line's end, beside another mark) takes the form of the one it pairs with
    where that one's was (``bracket_pairs``; where the two were told apart, a form told by the room alone wins
    over one told over spaces); a line's last ASCII comma or semicolon is made full-width where
    ``end_full_width`` says. The em is the median pitch of the line's Han characters (``han_em``); a line with
    fewer than three pairs of them is left as read.

    >>> import numpy as np
    >>> def line(*cells):  # Han characters 40 px wide at these x, a comma's ink at 162-167
    ...     gray = np.full((40, 260), 255, np.uint8); gray[28:35, 162:168] = 0
    ...     for x in cells: gray[5:35, x + 2:x + 38] = 0
    ...     return gray
    >>> mark_widths("安顺市生,态保", [2, 7, 12, 17, 20, 27, 32], 8.0, line(0, 40, 80, 120, 200, 240))
    '安顺市生，态保'
    >>> mark_widths("安顺市生，态保", [2, 7, 12, 17, 20, 23, 28], 8.0, line(0, 40, 80, 120, 172, 212))
    '安顺市生,态保'
    """
    if not any(char in FORMS or char in _ASCII for char in text):
        return text
    pixels = ink_pixels(text, columns, cell, gray < 128)
    em = han_em(text, pixel_centres(pixels, columns, cell), cell)
    if em is None:
        return text
    spans = [(float(span[0]), span[1] + 1.0) if span else None for span in pixels]  # the ink's edges, in pixels
    told: dict[int, bool] = {}  # the marks whose room told their form: full-width or not
    over_spaces: set[int] = set()  # ... those told by their room over the spaces read beside them
    for at, char in enumerate(text):
        if char not in FORMS and char not in _ASCII:
            continue
        taken = room(text, at, spans, em)
        if taken is not None and taken >= FULL_ROOM and not _both_narrow(text, at):
            told[at] = True
        elif taken is not None and taken <= ASCII_ROOM:
            told[at] = False
        elif char in ",(" and (sides := _spaced(text, at)):
            spaced = room(text, at, spans, em, before=sides[0], beyond=sides[1])
            if spaced is not None and spaced >= SPACED_FULL_ROOM:
                told[at] = True
                over_spaces.add(at)
    for opening, closing in bracket_pairs(text):  # a pair is set in one form: one told, the other follows
        if (opening in told) != (closing in told):
            known, other = (opening, closing) if opening in told else (closing, opening)
            told[other] = told[known]
        elif opening in told and told[opening] != told[closing] \
                and (opening in over_spaces) != (closing in over_spaces):
            weaker, other = (opening, closing) if opening in over_spaces else (closing, opening)
            told[weaker] = told[other]
    if end_full_width(text, told):
        told[len(text.rstrip()) - 1] = True
    out = list(text)
    for at, full in told.items():
        out[at] = FORMS.get(text[at], text[at]) if full else ascii_form(text[at])
    return "".join(out)


#: The ASCII marks that a line's last mark, unmeasured (nothing stands after it), is made full-width from.
_END_MARKS = ",;"


def end_full_width(text: str, told: dict[int, bool]) -> bool:
    """Whether the mark that ends ``text``, an ASCII comma or semicolon ``told`` (the marks whose room told their
    form, by place) says nothing of (nothing stands after it to measure it by), is the full-width one: where it
    follows a character that is no Latin letter or punctuation (Han, a digit, ``%``) and the line's measured marks
    are all full-width (at least one); or where it is a semicolon right after Han on a line with no other ASCII
    mark. PP-OCR's recognizer reads a line's last ``；`` as ``;``: on the stress corpus's scans and mixed pages
    (seeds 1, 2, 5, 6) a last ``;`` read after Han was ``；`` 18 times and ``;`` once (a man page's
    ``不是不可或缺;``), none of them on a line with another ASCII mark; and a last ``,`` or ``;`` on a line whose
    measured marks were all full-width was full-width 11 times of 11 (not after a Latin word: ``Currently,``).

    >>> end_full_width("森林覆盖率69.18%，较上年提高0.5%,", {11: True}), end_full_width("保护地规划; ", {})
    (True, True)
    >>> end_full_width("读入,但是如此,", {2: False}), end_full_width("他说Currently,", {11: True})
    (False, False)
    >>> end_full_width("规划,", {}), end_full_width("安顺, 市规划;", {}), end_full_width("保护地规划;", {5: True})
    (False, False, False)
    """
    body = text.rstrip()
    if len(body) < 2 or body[-1] not in _END_MARKS or len(body) - 1 in told:
        return False
    before = body[-2]
    if not _measurable(before) or (before.isalpha() and not _em_wide(before)):
        return False
    forms = set(told.values())
    return forms == {True} or (body[-1] == ";" and is_ideograph(before) and not forms
                               and not any(char in FORMS for char in body[:-1]))


def bracket_pairs(text: str) -> list[tuple[int, int]]:
    """The places of the round brackets in ``text`` that close each other, ASCII or full-width, nested.

    >>> bracket_pairs("（见(上)表）和(a"), bracket_pairs(")和（")
    ([(2, 4), (0, 6)], [])
    """
    pairs, open_ = [], []
    for at, char in enumerate(text):
        if char in "(（":
            open_.append(at)
        elif char in ")）" and open_:
            pairs.append((open_.pop(), at))
    return pairs


def _spaced(text: str, at: int) -> tuple[int, int] | None:
    """How far ``text[at]``'s neighbours stand (``room``'s ``before`` and ``beyond``) where a space was read on
    one side of it, after a digit, symbol or unit and before an em-wide character (``2.18, 均匀度``,
    ``3.04 ,均匀度``: how the recognizer reads a full-width comma's white), or before it between two em-wide
    characters (``基团 ,用``: on the stress corpus's scans, seeds 1, 2, 5, 6, such commas were full-width 49
    times of 50, at 0.99-1.28 em, the ASCII one at 0.74), or on both sides after a digit, symbol, unit or
    full-width letter or digit and before an em-wide character (``2.86 , 均匀度``, ``ＡＢＮ２２９ , 批次``:
    full-width 21 times of 21); None otherwise: after a Latin word, where a comma and a space are as likely
    ASCII (``perlre, 否则``), and after Han with a space after it (``安顺, 均匀``, ``操作 , 而是``: the man pages'
    ASCII comma with its spaces takes as much room in AR PL's fonts). An opening bracket read with a space
    before it, after an em-wide character and before a digit (``溶液 (1.73``, ``公报 (2018``: full-width 11 times
    of 11, at 1.02-1.36 em; the ASCII ones read so at 0.72-0.81); not before Han or a Latin letter (``格式切换
    (连接``, an ASCII one at 1.03 em).

    >>> _spaced("2.18, 均匀度", 4), _spaced("3.04 ,均匀度", 5), _spaced("mg/L, 氨氮", 4), _spaced("基团 ,用", 3)
    ((1, 2), (2, 1), (1, 2), (2, 1))
    >>> _spaced("2.86 , 均匀", 5), _spaced("kJ/mol , 产物", 7), _spaced("ＡＢＮ２２９ , 批次", 7), _spaced("5 , 8", 2)
    ((2, 2), (2, 2), (2, 2), None)
    >>> _spaced("安顺, 均匀", 2), _spaced("操作 , 而是", 3), _spaced("perlre, 否则", 6), _spaced("on ,注意", 3)
    (None, None, None, None)
    >>> _spaced("溶液 (1.73", 3), _spaced("切换 (连接", 3), _spaced("flex (1)", 5)
    ((2, 1), None, None)
    """
    def wide(i: int) -> bool:
        return 0 <= i < len(text) and _em_wide(text[i])

    if text[at] == "(":
        digit = text[at + 1:at + 2]
        return (2, 1) if text[at - 1:at] == " " and wide(at - 2) and digit.isascii() and digit.isdigit() else None
    if text[at + 1:at + 2] == " " and _after_unit(text, at - 1) and wide(at + 2):
        return 1, 2
    if text[at - 1:at] == " " and (_after_unit(text, at - 2) or wide(at - 2)) and wide(at + 1):
        return 2, 1
    if text[at - 1:at] == text[at + 1:at + 2] == " " and wide(at + 2) \
            and (_after_unit(text, at - 2) or (wide(at - 2) and not is_ideograph(text[at - 2]))):
        return 2, 2
    return None


def _after_unit(text: str, end: int) -> bool:
    """Whether ``text[end]`` is a character that is not em-wide and ends no Latin word: a digit, a symbol, or
    a run of ASCII letters and digits holding a digit or ``/`` or a single letter (``2.18``, ``℃``, ``mg/L``,
    ``km2``; not ``perlre``)."""
    if not 0 <= end < len(text) or text[end].isspace() or _em_wide(text[end]):
        return False
    start = end
    while start > 0 and (text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] == "/")):
        start -= 1
    token = text[start:end + 1]
    return not (token.isascii() and token.isalpha() and len(token) >= 2)


def _both_narrow(text: str, at: int) -> bool:
    """Whether neither neighbour of ``at`` is em-wide: a letter or digit on both sides."""
    return not _em_wide(text[at - 1]) and not _em_wide(text[at + 1])
