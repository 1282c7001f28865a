"""Symbols an English-only OCR wrote as ASCII, taken from the page image's reading. Pure.

An old OCR layer made by an engine that reads no Han (``splice.han_blind``: Congjiang's English-only model)
reads English lines well and writes the symbols it has no class for as the nearest ASCII: ``±`` as ``+``,
``≥`` and ``≈`` as ``=``, ``km²`` as ``km2`` or ``kmz``, ``CO₂`` as ``COz``, an angle's ``′`` as ``'``. Such a
line looks clean and is kept, the stand-ins with it. Where the reading of the page image has, at the place of
one of those stand-ins, the symbol it stands for (``STAND_INS``, each in the context it stands in: ``²`` after
an area's ``m``, ``₂`` in a formula, ``′`` after an angle's digits), and the reading is sure of it (PP-OCR's
word there read with confidence 95 or more: the word's mean, which a long word glued together dilutes; for
``₂`` and ``′``, which PP-OCR's dictionary lacks, it is the digit's or the mark's that the raised-digit and
prime rules rewrote from the ink and the context), or Tesseract's reading has the same symbol at the same
place (not where Tesseract reads the line's letters and digits as PP-OCR does: its reading is not kept beside
PP-OCR's then, and only the confidence counts), the symbol is taken. A ``²`` or ``₂`` needs a word read at
``INK_TOLD_SURE`` only (``INK_TOLD``): where it sits, not what it is, makes it one, which PP-OCR tells from the
ink (its recognizer, or ``ocr.engines.forms.script_digits`` after it), while the layer's stand-in is the glyph an
English-only engine could not place (on the corpus's English-layer scans, seeds 1, 2, 5, 6, PP-OCR's words holding
the ``km²`` or ``CO₂`` of such a line were read at 85-98, the symbol right in each). Nothing else changes: the layer's
letters, digits, spacing and every other mark stay, and a pair not in the table (ASCII's full-width forms,
quotes, dashes, Chinese punctuation, Han for a mark: ``一`` for ``-``, ``十`` for ``+``; and what was not
measured: ``³``, ``μ``, ``″``) is never taken: engines read those either way.

>>> symbols_read("rainfall 1,013 mm (+4.9%).", "rainfall 1,013mm (±4.9%).", confidence=[99.0] * 25)
'rainfall 1,013 mm (±4.9%).'
>>> symbols_read("protect = 33% (= 4,971 km2).", "protect ≥ 33% (≈ 4,971 km²).", confidence=[97.0] * 28)
'protect ≥ 33% (≈ 4,971 km²).'

Not without a sure reading there, or Tesseract's reading the same symbol at the same place:

>>> symbols_read("(+4.9%)", "(±4.9%)", confidence=[90.0] * 7)
'(+4.9%)'
>>> symbols_read("(+4.9%) (+6%)", "(±4.9%) (±6%)", witness="( ± 4.9%) (+6%)")
'(±4.9%) (+6%)'

But a raised or lowered digit, which the reading places from its ink, needs less (``INK_TOLD_SURE``):

>>> symbols_read("over 6,442 km?. COz fell", "over 6,442 km². CO₂ fell", confidence=[85.0] * 24)
'over 6,442 km². CO₂ fell'
>>> symbols_read("over 6,442 km?. COz fell", "over 6,442 km². CO₂ fell", confidence=[70.0] * 24)
'over 6,442 km?. COz fell'

Nor anything outside the table, nor a stand-in out of its context:

>>> symbols_read("Xi'an, 44°19', China's area 1: 2019-2020. pH 7.0",
...              "Xi′an, 44°19′, China′s area 工: 2019一2020。 pH 7。0", confidence=[99.0] * 52)
"Xi'an, 44°19′, China's area 1: 2019-2020. pH 7.0"
>>> symbols_read("area 5 mm2, 12 units, urban, G2", "area 5 m², 1² units, μrban, G²", confidence=[99.0] * 32)
'area 5 mm2, 12 units, urban, G2'
"""

from __future__ import annotations

from collections.abc import Sequence

import regex
from rapidfuzz.distance import Levenshtein

#: What an English-only engine writes for a symbol it has no class for, and where: each symbol with its ASCII
#: stand-ins and the context the stand-in must stand in (a regex matched at its place, "" for anywhere). Only
#: what was measured: the English-only layers' lines kept as clean on the stress corpus's scans (seeds 1, 2, 5,
#: 6) had ``+`` for ``±``, ``=`` for ``≥ ≈`` (and so ``≤``), ``2 ? z`` for a unit's ``²``, ``z 2`` for a
#: formula's ``₂``, ``'`` (``’``) for an angle's ``′``.
STAND_INS: dict[str, tuple[str, str]] = {
    "±": ("+", ""),
    "≥": ("=", ""),
    "≤": ("=", ""),
    "≈": ("=", ""),
    "²": ("2?z", r"(?<=(?<![A-Za-z])[kcdh]?m)"),  # an area: km², m², hm²
    "₂": ("2z", r"(?<=(?<![A-Za-z])(?:[A-Z][a-z]?)+)"),  # a formula: CO₂, H₂SO₄, SO₂
    "′": ("'’", r"(?<=\d°\d{1,2})"),  # an angle's minutes: 44°19′
}
_CONTEXT = {mark: regex.compile(before) for mark, (_, before) in STAND_INS.items()}
#: What Tesseract's Chinese model reads for a symbol of ``STAND_INS``, as its witness: ``±`` (a cross over a bar)
#: as ``土``. On the stress corpus's English-layer scans (seeds 1, 2, 5, 6) PP-OCR read the ``±`` of four lines the
#: layer has ``+`` in unsure (90-93), and Tesseract read ``土`` in each; a plain ``+`` it reads ``+`` or ``十``.
WITNESS_READS = {"土": "±"}
#: Symbols a reading tells by where their ink sits (raised, lowered), taken from a word read at ``INK_TOLD_SURE``.
INK_TOLD = "²₂"
INK_TOLD_SURE = 80.0


def stands_in(layer: str, at: int, mark: str) -> bool:
    """Whether ``layer[at]`` is what an English-only engine writes for ``mark`` where it stands (``STAND_INS``).

    >>> stands_in("km2 in 2020", 2, "²"), stands_in("km2 in 2020", 10, "²"), stands_in("Route G2", 7, "²")
    (True, False, False)
    >>> stands_in("COz and H2SO4", 2, "₂"), stands_in("Guizhou", 4, "₂"), stands_in("a + b", 2, "十")
    (True, False, False)
    >>> stands_in("44°19'", 5, "′"), stands_in("44°19’", 5, "′"), stands_in("Xi'an", 2, "′")
    (True, True, False)
    """
    if mark not in STAND_INS or layer[at] not in STAND_INS[mark][0]:
        return False
    return bool(_CONTEXT[mark].match(layer, at))


def symbols_read(layer: str, reading: str, *, confidence: Sequence[float] = (), witness: str | None = None,
                 sure: float = 95.0) -> str:
    """``layer`` (a clean-looking line of an English-only OCR's layer) with each stand-in (``stands_in``) for
    which ``reading`` has the symbol at its place taken from it: where the reading's character there was read
    with ``sure`` confidence or more (``confidence``: one value per character of ``reading``, 0..100), or where
    ``witness`` (another engine's reading of the line) has the same symbol at the same place of the layer.

    >>> symbols_read("44°19'-43°18', Fig. 3", "44°19′-43°18′。 Fig.8", witness="44°19′-43°18′。 Fig. 3")
    '44°19′-43°18′, Fig. 3'

    Tesseract's Chinese model witnesses a ``±`` as ``土`` (``WITNESS_READS``), never a plain ``+`` so:

    >>> symbols_read("rainfall 858 mm (+8.2%).", "rainfall 858 mm (±8.2%).", witness="rainfall 858 mm ( 土 8.2%).")
    'rainfall 858 mm (±8.2%).'
    >>> symbols_read("rainfall 858 mm (+8.2%).", "rainfall 858 mm (±8.2%).", witness="rainfall 858 mm ( 十 8.2%).")
    'rainfall 858 mm (+8.2%).'
    """
    if not any(char in STAND_INS for char in reading):
        return layer
    witnessed = _places(layer, witness) if witness else {}
    out = list(layer)
    for at, (char, where) in _places(layer, reading).items():
        if stands_in(layer, at, char) and (
                (where < len(confidence) and confidence[where] >= (INK_TOLD_SURE if char in INK_TOLD else sure))
                or _witnessed(witnessed, at) == char):
            out[at] = char
    return "".join(out)


def _witnessed(witnessed: dict[int, tuple[str, int]], at: int) -> str:
    """The symbol the witness's reading has at the layer's position ``at`` (``WITNESS_READS`` undone), or "".

    >>> _witnessed({1: ("土", 2), 5: ("≥", 7)}, 1), _witnessed({1: ("土", 2), 5: ("≥", 7)}, 5), _witnessed({}, 3)
    ('±', '≥', '')
    """
    char = witnessed.get(at, ("",))[0]
    return WITNESS_READS.get(char, char)


def _places(layer: str, reading: str) -> dict[int, tuple[str, int]]:
    """Where ``reading`` has another character in place of one of ``layer``'s: layer position -> (the reading's
    character, its position), over the pieces where the two differ (``_pieces``) by as many characters, white
    space aside, neither with a space inside.

    >>> _places("(+4.9%) a,b", "( ±4.9%) a，b")
    {1: ('±', 2), 9: ('，', 10)}
    """
    places: dict[int, tuple[str, int]] = {}
    for start, end, dest_start, dest_end in _pieces(layer, reading):
        ours, theirs = layer[start:end], reading[dest_start:dest_end]
        if not ours.strip() or len(ours.split()) != 1 or len(theirs.split()) != 1 \
                or len(ours.strip()) != len(theirs.strip()):
            continue
        first, dest = start + len(ours) - len(ours.lstrip()), dest_start + len(theirs) - len(theirs.lstrip())
        places.update((first + k, (reading[dest + k], dest + k)) for k in range(len(ours.strip())))
    return places


def _pieces(layer: str, reading: str) -> list[tuple[int, int, int, int]]:
    """Where ``layer`` and ``reading`` differ: runs of the edits between equal stretches, as ``(start, end)`` in
    the layer and in the reading.

    >>> _pieces("km/?).", "km²).")
    [(2, 4, 2, 3)]
    """
    pieces: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(layer, reading):
        if op.tag == "equal":
            continue
        if pieces and pieces[-1][1] == op.src_start and pieces[-1][3] == op.dest_start:
            pieces[-1] = (pieces[-1][0], op.src_end, pieces[-1][2], op.dest_end)
        else:
            pieces.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    return pieces
