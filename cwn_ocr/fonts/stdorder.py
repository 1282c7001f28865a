"""The Macintosh standard glyph order, a guess the page image confirms (pure, fontTools' table).

Many TrueType fonts keep their first glyphs in the order a format-1 post table names them (glyph 3
the space, 36 ``A``, 68 ``a``, 112 ``eacute``, 192 ``fi``), and subsets that keep the original glyph
ids keep that order too: a composite font drawn by glyph id whose program names nothing (no cmap, no
post names) then still says, through its glyph ids, what most codes are. It is a guess: a font may
leave a glyph out of the order (Georgia has no separate ``nonbreakingspace``, so from glyph 172 on its
glyphs are the order's next one) or not follow it at all. So it is only taken where what the page
image taught of the font's codes (``learned``: OCR's readings, voted) confirms it, glyph id by glyph
id: each code the image read as letters or digits anchors the order at an offset (0, ±1, ±2) where
the order's glyph has those letters, accents aside; the offset holds between two anchors that agree
on it. Then the order gives what OCR cannot: accents (OCR's English model reads ``é`` as ``e``),
ligatures (``fi``, which OCR reads as one letter or two), typographic marks (``’ « –`` where OCR
reads ``' < -``), and the codes no line read clearly.

>>> gids = {code: code for code in range(3, 120)}  # an Identity font: code = glyph id
>>> learned = {c: standard_text(c) for c in range(36, 60)}  # OCR read A-X right...
>>> learned |= {112: "e", 113: "e"}  # ...and é, è without accents
>>> order = confirmed_order(gids, learned)
>>> order[112], order[113], order[69]  # the accents, and a code no line read clearly
('é', 'è', 'b')
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache

#: Offsets from the standard order a font's glyph ids may have (a glyph or two left out, or added).
SHIFTS = (0, 1, -1, 2, -2)
#: The guess is looked at only when at least this many codes the image read as letters anchor it...
MIN_ANCHORS = 8
#: ... and it is dropped when more than this share of those codes fits it at no offset.
MAX_CONFLICTS = 0.1
#: What a ligature glyph stands for in extracted text (a ToUnicode map gives its letters).
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


@cache
def standard_text(gid: int) -> str:
    """The text of the standard order's glyph ``gid`` ("" for the first three, none past 257).

    >>> standard_text(3), standard_text(36), standard_text(112), standard_text(192), standard_text(300)
    (' ', 'A', 'é', 'fi', '')
    """
    from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

    from cwn_ocr.fonts.program import glyph_name_text

    if not 3 <= gid < len(standardGlyphOrder):
        return ""
    text = glyph_name_text(standardGlyphOrder[gid])
    return _LIGATURES.get(text, text)


def letters(text: str) -> str:
    """The letters and digits of ``text`` without accents, case kept: what OCR's reading of a glyph
    must share with the order's.

    >>> letters("é"), letters("fi"), letters("’"), letters("Œ")
    ('e', 'fi', '', 'Œ')
    """
    return "".join(c for c in unicodedata.normalize("NFD", text) if c.isalnum())


def _anchors(gids: Mapping[int, int], learned: Mapping[int, str]) -> tuple[list[tuple[int, set[int]]], int, int]:
    """Per learned code the offsets at which the order's glyph reads like it (glyph id, offsets), the
    number of codes read as letters that anchor it, and of those that fit no offset."""
    anchors: list[tuple[int, set[int]]] = []
    by_letters = conflicts = 0
    for code, char in learned.items():
        gid = gids.get(code)
        if gid is None or not char.strip():
            continue
        key = letters(char)
        if not key:  # a mark: only where the order has that very mark
            fits = {d for d in SHIFTS if standard_text(gid + d) == char}
        else:
            fits = {d for d in SHIFTS if standard_text(gid + d) and letters(standard_text(gid + d)) == key}
            if fits:
                by_letters += 1
            elif not any(standard_text(gid + d).startswith(char) for d in SHIFTS):
                conflicts += 1  # (a ligature read as its first letter neither fits nor contradicts)
        if fits:
            anchors.append((gid, fits))
    return sorted(anchors, key=lambda item: item[0]), by_letters, conflicts


def confirmed_order(gids: Mapping[int, int], learned: Mapping[int, str]) -> dict[int, str]:
    """Code -> text from the standard order where the image's readings (``learned``) confirm it:
    each code whose glyph id lies between two anchors that agree on the offset, or is one; a code the
    image read keeps its reading unless the order's text has the same letters (accents, ligatures)
    or both are marks. Nothing when too few codes anchor the order or too many contradict it.

    >>> confirmed_order({c: c for c in range(36, 60)}, {c: "x" for c in range(36, 60)})
    {}
    """
    anchors, by_letters, conflicts = _anchors(gids, learned)
    if by_letters < MIN_ANCHORS or conflicts > MAX_CONFLICTS * (by_letters + conflicts):
        return {}
    placed: list[tuple[int, int]] = []  # (glyph id, offset), in glyph id order
    shift = 0
    for gid, fits in anchors:
        if shift not in fits:
            shift = min(fits, key=lambda d: (abs(d - shift), abs(d)))
        placed.append((gid, shift))
    out: dict[int, str] = {}
    for code, gid in gids.items():
        offset = _offset(placed, gid)
        if offset is None:
            continue
        text = standard_text(gid + offset)
        read = learned.get(code)
        if not text or read == text:
            continue
        if read is None or (read.strip() and (letters(read) == letters(text) if letters(read) else not letters(text))):
            out[code] = text
    return out


def _offset(placed: list[tuple[int, int]], gid: int) -> int | None:
    """The offset at ``gid``: an anchor's own, or that of the anchors either side when they agree."""
    below = [shift for g, shift in placed if g <= gid]
    above = [shift for g, shift in placed if g >= gid]
    if below and above and below[-1] == above[0]:
        return below[-1]
    return None
