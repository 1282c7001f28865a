"""The whole font a subset was cut from, when it is installed on this machine: each glyph the PDF draws
is found, outline for outline, in the installed font, whose cmap knows its character.

A subset that lost its cmap and glyph names (Noto CJK subsets are bare CID-keyed CFF programs; many
TrueType subsets keep neither) still carries every glyph's outline. Where the installed font of the
same name draws the very same outline (the same points in the same order, moved at most ``SHIFT``
units: subsetters recompute bounding boxes and some shift a glyph by a unit), its character is the
code's character: exact evidence, no image read. A different version of the font (other outlines)
matches nothing, and its codes stay unknown.

Candidates are the installed faces (fontconfig's ``fc-list``) whose PostScript name the subset's base
name is or contains; glyphs are looked up by name where the subset kept the installed font's names
(CID-keyed CFF keeps its CIDs, ``cid12345``), and otherwise by the shape of their contours (the
contours' end points, which subsetting does not change) and then compared whole.

>>> _normal("ABCDEF+NotoSansCJKsc-Regular"), _normal("7E9ba1WenQuanYiZenHei,Medium")
('notosanscjksc', '7e9ba1wenquanyizenheimedium')
>>> [face.postscript for face in named("MPDFAA+NotoSansCJKSCBold", [
...     Face("a.ttc", 2, "NotoSansCJKsc-Bold"), Face("a.ttc", 1, "NotoSansCJKsc-Regular"), Face("b.ttf", 0, "Foo")])]
['NotoSansCJKsc-Bold', 'NotoSansCJKsc-Regular']
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cwn_ocr.layer.charsets import LOOKALIKE_IDEOGRAPH

#: A glyph moved by at most this many font units is the same glyph (subsetters shift some by one).
SHIFT = 4
#: Glyphs of the installed font compared with one subset glyph at most (contours alike): beyond, unknown.
MAX_COMPARED = 2000
#: Installed faces tried for one font at most.
MAX_FACES = 4
_STYLE_WORDS = re.compile(r"(regular|book|normal|roman|plain)$")
#: The installed fonts are opened once and shared (fontTools reads and expands them lazily, without
#: locks): one document at a time asks them (a batch repairs documents in threads).
_LOCK = threading.Lock()
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Face:
    """One face of an installed font file (``index`` within a .ttc collection)."""

    path: str
    index: int
    postscript: str


def _normal(name: str) -> str:
    """A font name compared: no subset prefix, lower case, letters and digits only, no trailing
    "Regular"/"Book"."""
    name = _SUBSET_PREFIX.sub("", name)
    return _STYLE_WORDS.sub("", re.sub(r"[^a-z0-9]", "", name.lower()))


@lru_cache(maxsize=1)
def installed_faces() -> tuple[Face, ...]:
    """The faces fontconfig knows on this machine (none without ``fc-list``)."""
    program = shutil.which("fc-list")
    if not program:
        return ()
    try:
        out = subprocess.run([program, "--format", "%{file}\t%{index}\t%{postscriptname}\n"], capture_output=True,
                             text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = []
    for row in out.splitlines():
        parts = row.split("\t")
        if len(parts) == 3 and parts[1].isdigit() and parts[2]:
            faces.append(Face(parts[0], int(parts[1]), parts[2]))
    return tuple(faces)


def named(base_font: str, faces: Sequence[Face] | None = None) -> list[Face]:
    """The installed faces a font called ``base_font`` may have been cut from: the same PostScript
    name first, then faces whose name the base name contains (``WenQuanYiZenHei`` in
    ``7E9ba1WenQuanYiZenHei,Medium``), longest first; at most ``MAX_FACES``."""
    wanted = _normal(base_font)
    if len(wanted) < 4:
        return []
    scored = []
    for face in installed_faces() if faces is None else faces:
        name = _normal(face.postscript)
        if name == wanted:
            scored.append((0, 0, face))
        elif len(name) >= 6 and name in wanted:
            scored.append((1, -len(name), face))
    scored.sort(key=lambda item: (item[0], item[1], item[2].path, item[2].index))
    return [face for *_, face in scored][:MAX_FACES]


@lru_cache(maxsize=8)
def _open(face: Face) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(face.path, fontNumber=face.index, lazy=True)


#: Legacy character sets whose repertoire is what documents are mostly written in: of two code points
#: one glyph stands for, the one more of them can encode is the likelier (－ before ‒, ～ before 〜).
_LEGACY = ("ascii", "cp1252", "gbk", "big5", "shift_jis", "euc_kr")


def _encodable(char: str) -> int:
    count = 0
    for codec in _LEGACY:
        try:
            char.encode(codec)
            count += 1
        except UnicodeEncodeError:
            pass
    return count


def ranked(points: Iterable[int]) -> tuple[str, ...]:
    """The characters a glyph stands for, likeliest first: a unified ideograph before its look-alike
    radical or compatibility form, then the character more legacy character sets encode, then the
    lowest code point.

    >>> ranked([0x2F00, 0x4E00]), ranked([0x2012, 0x2013]), ranked([0x301C, 0xFF5E]), ranked([0x20, 0xA0])[0]
    (('一', '⼀'), ('–', '‒'), ('～', '〜'), ' ')
    """
    return tuple(chr(p) for p in sorted(points, key=lambda p: (bool(LOOKALIKE_IDEOGRAPH.match(chr(p))),
                                                                -_encodable(chr(p)), p)))


@lru_cache(maxsize=8)
def _characters(face: Face) -> dict[str, tuple[str, ...]]:
    """Glyph name -> the characters it stands for, likeliest first, from the installed face's Unicode
    cmap (private use left out)."""
    font = _open(face)
    points: dict[str, list[int]] = {}
    for point, name in (font.getBestCmap() or {}).items():
        if point >= 0x20 and not 0xE000 <= point <= 0xF8FF:
            points.setdefault(name, []).append(point)
    return {name: ranked(found) for name, found in points.items()}


@lru_cache(maxsize=8)
def _by_contours(face: Face) -> dict[bytes, list[int]]:
    """The installed TrueType face's glyph ids by the end points of their contours (read from the raw
    table: no glyph decompiled); composite glyphs are not indexed."""
    font = _open(face)
    if "glyf" not in font or "loca" not in font:
        return {}
    raw = font.reader["glyf"]
    loca = font["loca"]
    index: dict[bytes, list[int]] = {}
    for gid in range(len(loca) - 1):
        start, end = loca[gid], loca[gid + 1]
        if end - start < 12:
            continue
        (count,) = struct.unpack(">h", raw[start:start + 2])
        if count > 0:
            index.setdefault(raw[start + 10:start + 10 + 2 * count], []).append(gid)
    return index


def outline(glyphs: Any, name: str) -> tuple[tuple[Any, ...], tuple[float, float]]:
    """A glyph's outline (components drawn in), every point relative to its first, and where its first
    point is: the same shape anywhere compares equal, and the offset says how far it moved."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen

    pen = DecomposingRecordingPen(glyphs)
    glyphs[name].draw(pen)
    first = next((args[0] for _op, args in pen.value if args and args[0] is not None), (0, 0))
    shape = tuple((op, tuple(None if p is None else (p[0] - first[0], p[1] - first[1]) for p in args))
                  for op, args in pen.value)
    return shape, (first[0], first[1])


def same_glyph(one: tuple[tuple[Any, ...], tuple[float, float]] | None,
               other: tuple[tuple[Any, ...], tuple[float, float]] | None) -> bool:
    """Whether two outlines are one glyph: the same points in the same order, moved at most ``SHIFT``.

    >>> square = (("moveTo", ((0, 0),)), ("lineTo", ((0, 10),)), ("lineTo", ((10, 10),)), ("closePath", ()))
    >>> same_glyph((square, (5, 0)), (square, (6, 0))), same_glyph((square, (5, 0)), (square, (5, 300)))
    (True, False)
    """
    if one is None or other is None:
        return False
    return bool(one[0]) and one[0] == other[0] and abs(one[1][0] - other[1][0]) <= SHIFT \
        and abs(one[1][1] - other[1][1]) <= SHIFT


def installed_map(base_font: str, program: Any, names: Mapping[int, str], *, hints: Mapping[int, str] | None = None,
                  faces: Sequence[Face] | None = None) -> tuple[dict[int, str], str]:
    """Code -> character for the codes whose glyph (``names[code]`` in the subset ``program``, a
    TTFont or a bare CFF program's face) an installed face of the font draws identically, and that
    face's PostScript name; nothing when no face of that name is installed or none draws the glyphs.
    A glyph that stands for several characters (· • ‧ ・ are one glyph in Noto CJK) takes the one
    ``hints`` gives its code (the font's own map) when it is among them, else the likeliest."""
    best: tuple[dict[int, str], str] = ({}, "")
    with _LOCK:
        for face in named(base_font, faces):
            try:
                found = _match(face, program, names, hints or {})
            except Exception:  # noqa: BLE001  (a font fontTools cannot read is no evidence)
                continue
            if len(found) > len(best[0]):
                best = (found, face.postscript)
            if len(found) == len(names):
                break
    return best


def _match(face: Face, program: Any, names: Mapping[int, str], hints: Mapping[int, str]) -> dict[int, str]:
    font = _open(face)
    cff = "glyf" not in program
    if cff != ("CFF " in font):
        return {}
    characters = _characters(face)
    found: dict[int, str] = {}
    if cff:  # CID-keyed CFF keeps the CIDs as names: the installed glyph of the same name, if any
        top = program["CFF "].cff
        glyphs, installed = top[top.fontNames[0]].CharStrings, font.getGlyphSet()
        for code, name in names.items():
            if name in characters and same_glyph(outline(glyphs, name), outline(installed, name)):
                found[code] = _pick(characters[name], hints.get(code))
        return found
    # TrueType subsets renumber their glyphs: those of the installed font with the same contours
    table, by_contours, order, own = program["glyf"], _by_contours(face), font.getGlyphOrder(), font["glyf"]
    for code, name in names.items():
        mine = points(table, name)
        if mine is None:
            continue
        candidates = by_contours.get(mine[0][0], [])
        if len(candidates) > MAX_COMPARED:
            continue
        chars = {characters[order[gid]] for gid in candidates
                 if order[gid] in characters and same_glyph(mine, points(own, order[gid]))}
        if len(chars) == 1:
            found[code] = _pick(chars.pop(), hints.get(code))
    return found


def _pick(ranking: tuple[str, ...], hint: str | None) -> str:
    return hint if hint in ranking else ranking[0]


def points(table: Any, name: str) -> tuple[tuple[Any, ...], tuple[float, float]] | None:
    """A simple TrueType glyph's outline as ``outline`` gives it (the contours' end points packed as the
    table stores them first, then which points are on the curve, then the points relative to the
    first), from its ``glyf`` table: no pen, no components; None for a composite or empty glyph."""
    glyph = table[name]
    if glyph.numberOfContours <= 0:
        return None
    coordinates = glyph.coordinates
    x0, y0 = coordinates[0]
    ends = struct.pack(f">{glyph.numberOfContours}H", *glyph.endPtsOfContours)
    return (ends, bytes(flag & 1 for flag in glyph.flags), tuple((x - x0, y - y0) for x, y in coordinates)), (x0, y0)
