"""Merge the OCR's reading into the layer: keep every clean character, replace every garbled one
(on an old OCR layer the new reading leads: ``decide``'s rules 3b and 7b). Pure.

A partly garbled line keeps its clean text byte for byte; only its garbled spans are replaced,
by the part of the OCR line that the clean text around them does not account for (found by
aligning the two strings with rapidfuzz's Levenshtein opcodes, as dinglehopper does):

>>> splice("plans targetingllZX—#%EE, A, E5IES invasive species.", [(15, 34)],
...        "plans targeting加拿大一枝黄花、紫茎泽兰等invasive species.")
'plans targeting加拿大一枝黄花、紫茎泽兰等 invasive species.'
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, reduce

import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from cwn_ocr.columns import Gutter, column_of, find_gutters
from cwn_ocr.decide import AGREEMENT, SAME_LINE, SHORT_LINE, Action, Decision, Evidence, Origin, Reading, decide
from cwn_ocr.layer.charsets import HAN, common_chinese, comparable, readable_share, unaccented, visible_length
from cwn_ocr.layer.garble import judge_line, no_text_share
from cwn_ocr.layer.textfix import DECODERS, Step, fix_text
from cwn_ocr.merge.align import Match, unmatched_ocr
from cwn_ocr.merge.numbers import layer_commas
from cwn_ocr.merge.spacing import spaced_as_read
from cwn_ocr.merge.symbols import symbols_read
from cwn_ocr.merge.vote import in_a_word, read_alike, vote_line
from cwn_ocr.model import BBox, Label, Line, Row, Verdict
from cwn_ocr.ocr.engines import AGREE, CORROBORATED, ENGINE_NAMES, agreed, corroborated, surely_read
from cwn_ocr.ocr.engines.choose import kept_despite_marks, tesseract_beside, widths_taken
from cwn_ocr.ocr.engines.told import NOTE
from cwn_ocr.ocr.verify import agreement, compared, leaves_out, whole_agreement


class Source:
    """Where a repaired line's text comes from."""

    LAYER = "layer"  # the text layer, unchanged
    TEXTFIX = "textfix"  # the text layer, repaired without OCR
    FONTMAP = "fontmap"  # the text layer read again with a broken font's recovered map (``fonts``)
    OCR = "ocr"  # the OCR's reading of the line
    MERGED = "merged"  # the layer's clean text with OCR in place of its garbled spans
    UNREPAIRED = "unrepaired"  # garbled, but no usable OCR reading was found for it: kept and flagged
    REMOVED = "removed"  # an old OCR layer's line the page image does not show: dropped (text "")


@dataclass(frozen=True)
class RepairedLine:
    text: str
    source: str
    original: str  # the layer text this line stands for ("" for a continuation of an OCR block)
    layer_lines: tuple[int, ...]  # indices of the page's layer lines it replaces
    bbox: BBox
    reasons: tuple[str, ...] = ()
    confidence: float | None = None
    steps: tuple[Step, ...] = field(default=())
    uncertain: tuple[str, ...] = ()  # OCR words read with less than UNCERTAIN confidence
    rule: str = ""  # the rule of ``decide`` that chose what this line is
    evidence: Evidence | None = None  # what the rule was given
    engines: tuple[EngineReading, ...] = ()  # each OCR engine's reading, where two read it (or ``widths_taken``)

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass(frozen=True)
class EngineReading:
    """What one OCR engine read where a line is, and whether it is the reading kept (and why)."""

    engine: str
    text: str
    confidence: float | None
    kept: bool
    why: str = ""  # the kept reading's: why it was chosen (``ocr.engines.choose``)
    as_read: str = ""  # the engine's own reading, where ``text`` is otherwise (``Line.as_read``: the other's breaks)

    def to_dict(self) -> dict[str, object]:
        return {"engine": self.engine, "text": self.text, "confidence": self.confidence, "kept": self.kept,
                **({"why": self.why} if self.why else {}), **({"as_read": self.as_read} if self.as_read else {})}


def engine_readings(readings: Sequence[Line], *, spaced: bool = False) -> tuple[EngineReading, ...]:
    """Every engine's reading of the OCR lines ``readings`` (joined per engine, in their order, one piece
    per line): the engines whose reading was kept first, with why; nothing unless two engines read them, or
    Tesseract's reading took its marks' forms from PP-OCR's (``choose.widths_taken``).

    >>> from cwn_ocr.model import Reading as Other
    >>> pp = Line("反应 △H = -288.3", BBox(0, 0, 9, 9), (), 96.0, engine="ppocr", choice="han: PP-OCR (96) first",
    ...           alternatives=(Other("tesseract", "国反应 AH =-288.3", 81.0),))
    >>> [(r.engine, r.text, r.kept) for r in engine_readings([pp])]
    [('ppocr', '反应 △H = -288.3', True), ('tesseract', '国反应 AH =-288.3', False)]
    >>> engine_readings([Line("合计金额", BBox(0, 0, 9, 9), (), 96.0, engine="tesseract", choice="sure: Tesseract")])
    ()
    >>> [(r.engine, r.why) for r in engine_readings([Line("合计,金额", BBox(0, 0, 9, 9), (), 96.0, engine="tesseract",
    ...                                                  choice="widths: Tesseract (96), its marks' forms")])]
    [('tesseract', "widths: Tesseract (96), its marks' forms")]

    nor unless a reading has characters the recognizer did not read (``engines.told``):

    >>> [(r.engine, r.why) for r in engine_readings([Line("取γ=0.72", BBox(0, 0, 9, 9), (), 96.0, engine="ppocr",
    ...     choice="only: PP-OCR alone read it; not as PP-OCR's recognizer read it: +γ (the ink: …)")])]
    [('ppocr', "only: PP-OCR alone read it; not as PP-OCR's recognizer read it: +γ (the ink: …)")]

    With ``spaced`` (a line whose spaces the engines' readings set, ``merge.spacing``), each engine's own reading where
    the text shown is otherwise (``Line.as_read``: both read it alike but for spaces, or PP-OCR's reading took
    Tesseract's word breaks):

    >>> alike = Line("between natural", BBox(0, 0, 9, 9), (), 96.0, engine="ppocr", choice="agree: both read it",
    ...              as_read=(Other("ppocr", "betweennatural"), Other("tesseract", "between natural")))
    >>> [(r.engine, r.text, r.as_read) for r in engine_readings([alike], spaced=True)]
    [('ppocr', 'between natural', 'betweennatural'), ('tesseract', 'between natural', '')]
    >>> [r.as_read for r in engine_readings([alike])]
    ['', '']
    """
    texts: dict[str, list[str]] = {}
    scores: dict[str, list[float]] = {}
    kept: set[str] = set()
    for reading in readings:
        kept.add(reading.engine)
        for engine, (text, confidence) in _by_engine(reading).items():
            texts.setdefault(engine, []).append(text)
            if confidence is not None:
                scores.setdefault(engine, []).append(confidence)
    if len(texts) < 2 and not any(widths_taken(r) or NOTE in r.choice for r in readings):
        return ()
    why = "; ".join(dict.fromkeys(r.choice for r in readings if r.choice))
    raw = _as_read(readings) if spaced else {}

    def as_read(engine: str, text: str) -> str:
        own = " ".join(raw.get(engine, ()))
        return own if own != text else ""

    return tuple(EngineReading(engine, " ".join(found),
                               round(sum(scores[engine]) / len(scores[engine]), 1) if scores.get(engine) else None,
                               engine in kept, why if engine in kept else "", as_read(engine, " ".join(found)))
                 for engine, found in sorted(texts.items(), key=lambda item: item[0] not in kept))


def read_verbatim(layer: str, readings: Sequence[Line], *, by: Sequence[str] = ENGINE_NAMES) -> bool:
    """One of the engines ``by`` read the OCR lines ``readings`` (joined, in order) exactly as the layer
    line has it, white space aside, sure of each (``TRUSTED``), and it holds ``CORROBORATED`` letters,
    digits or ideographs at least: the page image shows the line, however odd it looks (``decide``, rule
    "read verbatim"). Over an earlier OCR's layer only PP-OCR's reading counts (``VERBATIM_OVER_OCR``):
    the layer may be Tesseract's own, whose errors Tesseract makes again.

    >>> from cwn_ocr.model import Reading as Other
    >>> tess = Line("/usrlib/passdb/mysql.sSo 十十十", BBox(0, 0, 9, 9), (), 75.8, engine="tesseract",
    ...             choice="garbled: PP-OCR's reading is garbled",
    ...             alternatives=(Other("ppocr", "/usr/lib/passdb/mysql.so+++", 97.9),))
    >>> read_verbatim("/usr/lib/passdb/mysql.so+++", [tess]), read_verbatim("/usr/lib/passdb/mysql.so", [tess])
    (True, False)
    >>> read_verbatim("- 1 -", [Line("-1-", BBox(0, 0, 9, 9), (), 90.0, engine="tesseract")])
    False
    >>> read_verbatim("/usr/lib/passdb/mysql.so+++", [tess], by=("tesseract",))
    False
    >>> unsure = replace(tess, alternatives=(Other("ppocr", "/usr/lib/passdb/mysql.so+++", 21.0),))
    >>> read_verbatim("/usr/lib/passdb/mysql.so+++", [unsure])
    False

    Latin letters' accents aside, which neither engine's models read (an old Spanish OCR layer's
    ``INTRODUCCIÓN``, read ``INTRODUCCION``: PyMuPDF's test_4790):

    >>> pp = Line("INTRODUCCION DE", BBox(0, 0, 9, 9), (), 98.0, engine="ppocr")
    >>> read_verbatim("INTRODUCCIÓN DE", [pp]), read_verbatim("INTRODUCCIÓN DEL", [pp])
    (True, False)
    """
    target = "".join(layer.split())
    if sum(char.isalnum() for char in target) < CORROBORATED:
        return False
    bare = unaccented(target)
    return any("".join("".join(pieces).split()) in (target, bare) for engine, pieces in _sure_readings(readings).items()
               if engine in by)


def _sure_readings(readings: Sequence[Line]) -> dict[str, list[str]]:
    """Per engine, its reading of each of the OCR lines ``readings``, for the engines sure of every one of them
    (``TRUSTED``: an unsure reading that matches the layer is chance)."""
    texts: dict[str, list[str]] = {}
    for reading in readings:
        for engine, (text, score) in _by_engine(reading).items():
            if (score or 0.0) >= TRUSTED:
                texts.setdefault(engine, []).append(text)
    return {engine: pieces for engine, pieces in texts.items() if len(pieces) == len(readings)}


#: The engines whose verbatim reading of an earlier OCR's layer line confirms it (``read_verbatim``).
VERBATIM_OVER_OCR = ("ppocr",)


def _by_engine(reading: Line) -> dict[str, tuple[str, float | None]]:
    """Each engine's reading of one OCR line (text, confidence): the kept one's first, then the other
    engines' alternatives; where both engines read it alike, the other's reading is the kept text."""
    found = {reading.engine: (reading.text, reading.confidence)}
    for alt in reading.alternatives:
        found.setdefault(alt.engine, (alt.text, alt.confidence))
    if reading.choice.startswith(AGREE):
        for engine in ENGINE_NAMES:
            found.setdefault(engine, (reading.text, None))
    return found


#: A reading agreeing this well (0..100) with another line of the layer is a reading of that line.
ELSEWHERE = 85.0
#: ... when that line has this many letters, digits and ideographs at least (a short line is in many),
#: and is this share of the reading at least (the reading is that line, or two lines, not a word more).
ELSEWHERE_LENGTH = 6
ELSEWHERE_SHARE = 0.4


@dataclass(frozen=True)
class PageContext:
    """What holds for every line of a page when it is decided."""

    origin: Origin = Origin.FONT
    lang: str = "chi_sim+eng"  # the OCR's languages: the scripts a reading is evidence about
    readable: bool = True  # the page's layer is (nearly) all in scripts the OCR reads
    originals: tuple[str, ...] = ()  # per line, the PDF's own layer text, where a font's map was recovered
    alone: bool | str | None = None  # the encoding of the page's mojibake, if any (``garble.mojibake_page``): a lone
    # mojibake character counts too
    texts: tuple[str, ...] = ()  # the page's layer lines (a reading of one of them is no reading of another)
    boxes: tuple[BBox, ...] = ()  # their boxes (``elsewhere`` places readings by them on a font's page)
    doubted: bool = False  # an old OCR layer most of whose lines the image reads otherwise (``doubted``)
    confirmed: float = 1.0  # share of an old OCR layer's Han lines whose Han the image reads alike (``confirmed``)
    reading_first: bool = False  # the page's new reading leads (``merge_reading_first``): its lines come out once
    han_blind: bool = False  # an old OCR layer made by an engine that reads no Han (``han_blind``)
    # every character of the page is drawn by a glyph of its own (``provenance.PageProvenance.glyph_per_character``):
    # text-fix makes no character of several
    glyph_per_character: bool = False
    # a broken font's page only by the looks of some rows, which does not say which lines that font draws
    # (``run.pipeline.PageScan.unattributed``): a line nothing flags may be another, sound font's
    unattributed: bool = False

    def elsewhere(self, text: str, reading: str, where: BBox | None = None) -> bool:
        """``reading`` holds another line of the layer (one that ``text`` does not hold itself): the
        image was read beside the line, or across two lines (a skewed scan under a straight layer).
        Where the layer's boxes are a font's (not an old OCR layer's guess) and the reading lies on the line
        (``where``: its box, given where it overlaps the line's row), only a line in the band the reading's
        box covers counts: a running header that repeats the title, read at the top of the page, is no
        reading of the title further down. (Not for a reading of fewer than ``ELSEWHERE_LENGTH`` letters,
        digits and ideographs, which is in many lines wherever it is; nor where a box has no height.)

        >>> context = PageContext(texts=("安顺市严格执行三区三线管理", "加强自然保护地监督管理"))
        >>> context.elsewhere("安顺市严格执行三区三线管理", "加强自然保护地监督管理")
        True
        >>> context.elsewhere("安顺市严格执行三区三线管理", "安顺市严格执行三区三线管理 加强自然保护地监督管理")
        True
        >>> context.elsewhere("安顺市严格执行三区三线管理", "安顺市严格执行三区三线管理")
        False

        A word of the reading that is also a line (a fragment) somewhere is not enough:

        >>> PageContext(texts=("command.",)).elsewhere("RPT SREB HRCI", "command。安顺市的城市基础设施的维护")
        False

        >>> title = "Overview of the Technology Acceptance Model"
        >>> boxes = (BBox(90, 68, 497, 79), BBox(169, 104, 431, 115))
        >>> broken = PageContext(Origin.BROKEN_FONT, texts=("\x12\x98\x87\x94", title), boxes=boxes)
        >>> [broken.elsewhere("\x12\x98\x87\x94", title, where=BBox(91, 69, 496, 79.5)),
        ...  broken.elsewhere("\x12\x98\x87\x94", title, where=BBox(169, 100, 431, 116))]
        [False, True]
        """
        least = max(ELSEWHERE_LENGTH, ELSEWHERE_SHARE * len(comparable(reading)))
        read = comparable(fix_text(reading)[0])  # as ``agreement`` compares it, once for all lines
        # (a reading of fewer letters than a line must have to be placed by its text stays where its text puts it:
        # ``√≤√ (3)`` read over a formula is ``3`` to compare, in many lines of the page)
        placed = (where if where is not None and where.height > 0 and self.origin is not Origin.OCR_LAYER
                  and len(self.boxes) == len(self.texts) and len(read) >= ELSEWHERE_LENGTH else None)
        return any(other != text and len(form) >= least and compared(form, read) >= ELSEWHERE
                   and agreement(other, text) < AGREEMENT
                   and (placed is None or self.boxes[i].height <= 0 or placed.vertical_overlap(self.boxes[i]) > 0)
                   for i, (other, form) in enumerate(self._forms))

    @cached_property
    def _forms(self) -> tuple[tuple[str, str], ...]:
        """The page's layer lines and their ``comparable`` forms, made once per page."""
        return tuple((text, comparable(text)) for text in self.texts)

    def layer_text(self, indices: Sequence[int], decoded: str) -> str:
        """What the PDF's own layer has for lines ``indices`` (their text ``decoded`` when no font
        of theirs was repaired)."""
        if not self.originals:
            return decoded
        return " ".join(self.originals[i] for i in indices if i < len(self.originals))

    def covered(self, text: str, reading: str = "") -> bool:
        """A reading is evidence about ``text``: the text of a broken source says nothing of the
        script the page shows; a sound one must be wholly in scripts the OCR reads. On a page broken only
        by the looks of some rows (``unattributed``), a line whose letters are all of another alphabet than
        the ones text gives or wrong maps of Chinese fonts leave (not Latin, not Han, kana or Hangul; no
        digit), with nothing in it that no map of a font's text gives (control, private-use, replacement
        characters), is another font's, in its own script, when the ``reading`` shows no Han: PyMuPDF
        bug1945's Persian, read ``cll'l`` at 64. (A wrong map whose codes land in Cyrillic or Greek, read
        as Chinese, is still read.)

        >>> context = PageContext(Origin.BROKEN_FONT, unattributed=True)
        >>> context.covered("یمخز و هتشک رفن", "cll'l"), context.covered("ДЖЗЙКЛ МНОП", "管理办法第三条")
        (False, True)
        >>> context.covered("ëìíéîïðñ", "x"), context.covered("\x12 \x13", ""), context.covered("Depth 2 m", "")
        (True, True, True)
        >>> PageContext(Origin.BROKEN_FONT).covered("یمخز و هتشک رفن", "cll'l")
        True
        """
        if self.origin.broken and self.unattributed and _other_alphabet(text) and no_text_share(text) == 0.0 \
                and not HAN.search(reading):
            return False
        return self.origin.broken or (self.readable and readable_share(text, self.lang) >= 1.0)


#: Letters and digits text is made of, or that wrong maps of Chinese fonts leave (mojibake, glyph codes read as
#: Latin-1, rare ideographs, byte-swapped Han in Hangul)
_COMMON_SCRIPTS = regex.compile(r"[\p{Latin}\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{N}]")


def _other_alphabet(text: str) -> bool:
    """Whether ``text`` has letters, and none of them of ``_COMMON_SCRIPTS``.

    >>> _other_alphabet("یمخز و هتشک"), _other_alphabet("αβγ 2"), _other_alphabet("ÿþ"), _other_alphabet("·—")
    (True, False, False, False)
    """
    letters = [char for char in text if char.isalnum()]
    return bool(letters) and not any(_COMMON_SCRIPTS.match(char) for char in letters)


def _opcodes(source: str, destination: str) -> list[tuple[str, int, int, int, int]]:
    """Levenshtein's edit operations from ``source`` to ``destination`` as tuples (``_map_position``'s input)."""
    return [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
            for op in Levenshtein.opcodes(source, destination)]


def _map_position(opcodes: Sequence[tuple[str, int, int, int, int]], position: int, *, end: bool) -> int:
    """Where ``position`` of the source string falls in the destination string."""
    for tag, i1, i2, j1, j2 in opcodes:
        inside = i1 < position <= i2 if end else i1 <= position < i2
        if not inside:
            continue
        if tag == "equal":
            return j1 + position - i1
        if tag == "replace":
            return j1 + round((position - i1) * (j2 - j1) / (i2 - i1))
        return j1 if not end else j2  # delete: the deleted text has no counterpart
    return opcodes[-1][4] if opcodes else 0


def splice(layer: str, spans: Sequence[tuple[int, int]], ocr: str) -> str:
    """``layer`` with each ``[start, end)`` span replaced by the matching part of ``ocr``.

    A code that is no text (a control or private-use character, what a font maps its space glyph to
    when its map is wrong) at a span's edge, which the reading reads as a space, stays a space
    (``_edge_spaces``): the words either side stay apart.

    >>> line = "Overview\x02of\x02the\x02Technology\x02\x02"
    >>> splice(line, [(8, 12), (15, 16), (26, 28)], "Overview of the Technology")
    'Overview of the Technology'
    """
    if not spans:
        return layer
    opcodes = _opcodes(layer, ocr)
    pieces = []
    position = 0
    for start, end in sorted(spans):
        o_start = _map_position(opcodes, start, end=False)
        o_end = _map_position(opcodes, end, end=True)
        # OCR text inserted exactly at a span's edges belongs to the span
        for tag, i1, _i2, j1, j2 in opcodes:
            if tag == "insert" and i1 == start:
                o_start = min(o_start, j1)
            if tag == "insert" and i1 == end:
                o_end = max(o_end, j2)
        read = ocr[o_start:o_end]
        piece = read.strip()
        if comparable(piece) == comparable(layer[start:end]):
            # the page reads what the layer has: the layer's characters stay, but for a replacement character
            # or a control code, which ``comparable`` drops as it drops the mark read in its place
            piece = _no_text_filled(layer[start:end], piece)
        pieces += [layer[position:start], _edge_spaces(layer, start, end, read, piece)]
        position = end
    pieces.append(layer[position:])
    return "".join(pieces)


def _edge_spaces(layer: str, start: int, end: int, read: str, piece: str) -> str:
    """``piece`` (the reading ``read`` of the layer's span ``[start, end)``, stripped) with a space on each
    side where ``read`` has one in place of a code of the span's edge that is no text (``no_text_share``),
    between two characters of the layer that are none (a space the layer has already is not doubled; at
    the line's ends nothing is added). A span read as nothing but a space is one space.

    >>> _edge_spaces("Overview\x02of\x02the", 8, 12, " of ", "of")
    ' of '
    >>> _edge_spaces("Model\x02Use", 5, 6, " ", ""), _edge_spaces("Model\x02 Use", 5, 6, " ", "")
    (' ', '')
    >>> _edge_spaces("安顺\x05ABC", 2, 3, "市 ", "市")  # a code read as a character: no space of its own
    '市'

    Not beside a character set in an em (Han, kana, full-width marks): the space an engine reads between
    Chinese characters is none the page prints.

    >>> _edge_spaces("标题\x05\x05内容", 2, 4, " ", "")
    ''
    """
    span = layer[start:end]
    lead = no_text_share(span[:1]) == 1.0
    trail = no_text_share(span[-1:]) == 1.0
    letters = [c for c in span if not c.isspace() and no_text_share(c) < 1.0]
    # the reading holds no more characters than the span's text: its edge codes were read as nothing but the space
    if span != span.strip() or not (lead or trail) or len(piece.replace(" ", "")) > len(letters):
        return piece
    before = (read[:1].isspace() and lead and start > 0 and not layer[start - 1].isspace()
              and not _wide(layer[start - 1]) and not _wide(piece[:1]))
    after = (read[-1:].isspace() and trail and end < len(layer) and not layer[end].isspace()
             and not _wide(layer[end]) and not _wide(piece[-1:]))
    if not piece:
        return " " if before and after else ""
    return (" " if before else "") + piece + (" " if after else "")


def _wide(char: str) -> bool:
    """A character set in an em cell (Unicode's wide and full-width: Han, kana, ``，``); False for "".

    >>> _wide("安"), _wide("，"), _wide("A"), _wide("")
    (True, True, False, False)
    """
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")


def _no_text_filled(span: str, read: str) -> str:
    """``span`` (a layer line's flagged piece) with each run of characters that are no text (replacement,
    control, private-use) that ``read`` (the reading of that piece) reads as something in its place taken from
    it; every other character as the layer has it.

    >>> _no_text_filled("d’activité\ufffd", "d'activite:"), _no_text_filled("B \ufffd", "B")
    ('d’activité:', 'B \ufffd')
    """
    if not no_text_share(span):
        return span
    out: list[str] = []
    for op in Levenshtein.opcodes(span, read):
        mine, theirs = span[op.src_start:op.src_end], read[op.dest_start:op.dest_end]
        if op.tag == "replace" and no_text_share(mine) == 1.0:
            out.append(theirs)
        elif op.tag == "replace" and len(mine) == len(theirs):  # character for character
            out += [b if no_text_share(a) else a for a, b in zip(mine, theirs)]
        elif op.tag != "insert":
            out.append(mine)
    return "".join(out)


_DECODERS = frozenset(fixer.__name__ for fixer in DECODERS)


def text_fix_evidence(text: str, verdict: Verdict, *, font: bool, ocr_layer: bool = False,
                      alone: bool | str | None = False, glyph_per_character: bool = False
                      ) -> tuple[str | None, bool, tuple[Step, ...]]:
    """What text-fix makes of a flagged line: the fixed text (None when it changes nothing or the
    line is not flagged), whether the detector calls the result clean (judged as ``font``-drawn text
    or not), and the steps. A line drawn by a font is only decoded (``textfix.DECODERS``): its
    punctuation is the document's; an old OCR layer's (``ocr_layer``) is OCR's, and is tidied too.
    A line the detector calls garbled counts as fixed only when a decoder changed it: punctuation
    alone is no repair of garbage. Clean lines are never text-fixed.

    >>> from cwn_ocr.layer.garble import judge_line
    >>> text_fix_evidence("å®‰é¡ºå¸‚", judge_line("å®‰é¡ºå¸‚"), font=True)[:2]
    ('安顺市', True)
    >>> text_fix_evidence("规划;开展", judge_line("规划;开展"), font=True)
    (None, False, ())

    Where each character of the page is a glyph of its own (``glyph_per_character``), no ideograph is made of
    several characters (GBK's or UTF-8's bytes): the page draws them apart, whatever it shows is not that.

    >>> text_fix_evidence("¢£¤¥§¨©ª«¬®¯", judge_line("¢£¤¥§¨©ª«¬®¯"), font=True)[:2]
    ('╯丰夾帚型悖', True)
    >>> text_fix_evidence("¢£¤¥§¨©ª«¬®¯", judge_line("¢£¤¥§¨©ª«¬®¯"), font=True, glyph_per_character=True)
    (None, False, ())
    """
    if verdict.label is Label.CLEAN and not verdict.fixable_spans:
        return None, False, ()
    fixed, steps = fix_text(text, decode_only=not ocr_layer, alone=alone)
    if fixed == text or (verdict.label is Label.GARBLED and not _DECODERS & {s.fixer for s in steps}):
        return None, False, ()
    if glyph_per_character and _joined_into_han(text, fixed):
        return None, False, ()
    return fixed, judge_line(fixed, font=font, alone=alone).label is Label.CLEAN, tuple(steps)


def _joined_into_han(text: str, fixed: str) -> bool:
    """Whether ``fixed`` has ideographs ``text`` lacks, made of more characters than they are: a multi-byte
    decoding (not a look-alike's one for one, ``⼀`` for ``一``).

    >>> _joined_into_han("°²Ë³", "安顺"), _joined_into_han("⼀个", "一个"), _joined_into_han("42?15'", "42°15′")
    (True, False, False)
    """
    more_han = len(HAN.findall(fixed)) > len(HAN.findall(text))
    return more_han and visible_length(fixed) < visible_length(text)


def merge_lines(lines: Sequence[Line], verdicts: Sequence[Verdict], context: PageContext = PageContext()
                ) -> list[RepairedLine]:
    """A page that was not read from its image: each line kept, text-fixed, or (when it is flagged
    and comes from a broken source) kept and marked unrepaired, as ``decide`` says."""
    repaired = []
    for index, (line, verdict) in enumerate(zip(lines, verdicts)):
        fixed, fixed_clean, steps = text_fix_evidence(line.text, verdict, font=not context.origin.broken,
                                                      ocr_layer=context.origin is Origin.OCR_LAYER, alone=context.alone,
                                                      glyph_per_character=context.glyph_per_character)
        original = context.layer_text((index,), line.text)
        evidence = Evidence(context.origin, verdict, fixed, fixed_clean, decoded=original != line.text)
        decision = decide(evidence)
        source = {Action.TEXTFIX: Source.TEXTFIX, Action.UNREPAIRED: Source.UNREPAIRED,
                  Action.DECODE: Source.FONTMAP}.get(decision.action, Source.LAYER)
        text = fixed if decision.action is Action.TEXTFIX and fixed is not None else line.text
        repaired.append(RepairedLine(text, source, original, (index,), line.bbox, verdict.reasons, None,
                                     steps if source == Source.TEXTFIX else (), (), decision.rule, evidence))
    return repaired


#: OCR words below this confidence (0..100) are marked for a reviewer's attention.
UNCERTAIN = 60.0
#: An OCR line the layer lacks is added when the detector finds it clean, Tesseract is this sure,
#: and it has a few characters at least (stamps and logos give short, confident noise; a shorter line
#: is read by both engines, ``decide.SHORT_LINE``, and added when they read it alike).
ORPHAN_CONFIDENCE = 70.0
ORPHAN_LENGTH = SHORT_LINE


def disagreements(layer: str, ocr: str, *, han: int = 2) -> list[tuple[int, int]]:
    """Spans of ``layer`` with no Han where the page shows Han text (``han`` ideographs or more in one
    place): the layer is wrong there, whatever its letters look like (an English-only OCR layer
    sometimes spells plausible words). One ideograph is not enough where the layer's engine could
    have read it (OCR makes ``入`` of ``λ``); where that engine reads no Han at all
    (``PageContext.han_blind``) it is: ``hk`` where the page shows 取 is that engine's best guess.

    >>> layer = "FOE ARP ALE of the city's policies"
    >>> [layer[s:e] for s, e in disagreements(layer, "和生态保护红线等 of the city's policies")]
    ['FOE ARP ALE']
    >>> disagreements("Protect, connect and restore", "Protect, comnect and restore")
    []
    >>> [disagreements("@ hk n=0.81,", "取π=0.81。", han=n) for n in (2, 1)]
    [[], [(0, 6)]]

    A single ideograph counts only against two letters or digits: a dash read as ``一`` is a look-alike,
    whoever made the layer:

    >>> disagreements("Results — see Table 2", "Results 一 see Table 2", han=1)
    []
    """
    opcodes = Levenshtein.opcodes(layer, ocr)

    def weak(i: int) -> bool:  # Latin text next to a strong block, that the page does not show either
        op = opcodes[i]
        return op.tag in ("replace", "delete") and not HAN.search(layer[op.src_start:op.src_end])

    def extent(i: int) -> tuple[int, int]:  # the layer span of opcode ``i`` and its weak neighbours
        first, last = i, i
        while first > 0 and weak(first - 1):
            first -= 1
        while last + 1 < len(opcodes) and weak(last + 1):
            last += 1
        return opcodes[first].src_start, opcodes[last].src_end

    def strong_at(i: int) -> bool:
        op = opcodes[i]
        piece, read = layer[op.src_start:op.src_end], HAN.findall(ocr[op.dest_start:op.dest_end])
        if op.tag != "replace" or HAN.search(piece) or not piece.strip() or len(read) < han:
            return False
        # one ideograph: against letters or digits, the piece's weak neighbours counted
        return len(read) >= 2 or sum(c.isalnum() for c in layer[slice(*extent(i))]) >= 2

    spans: list[tuple[int, int]] = []
    for i in (i for i in range(len(opcodes)) if strong_at(i)):
        start, end = extent(i)
        if spans and start - spans[-1][1] <= 3 and not HAN.search(layer[spans[-1][1]:start]):
            start = spans.pop()[0]
        spans.append((start, end))
    return [(s + len(layer[s:e]) - len(layer[s:e].lstrip()), e - (len(layer[s:e]) - len(layer[s:e].rstrip())))
            for s, e in spans]


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def spans_read(layer: str, spans: list[tuple[int, int]], ocr: str) -> bool:
    """Whether the reading shows each flagged span of the layer line as the layer has it: the span's
    letters, digits and ideographs (``comparable``) are all there, in the reading. A span of symbols
    alone confirms nothing (``£`` for ``≤``, which ``comparable`` drops on both sides).

    >>> spans_read("LE THÉÂTRE VITAL", [(0, 16)], "LE THEATRE VITAL")
    True
    >>> spans_read("其中城镇人口 䶮䶯 万人", [(7, 9)], "其中城镇人口城镇万人")
    False
    >>> spans_read("温度 x £ 5", [(5, 6)], "温度x≤5"), spans_read("ΤΗΕ KEY", [(0, 7)], "THE KEY")
    (False, False)
    """
    if not spans or not ocr:
        return False
    read = comparable(ocr)
    for start, end in spans:
        part = comparable(layer[start:end])
        if not part or part not in read:
            return False
        if _GREEK.search(layer[start:end]) and not _GREEK.search(ocr):
            return False  # Greek capitals compare as the Latin ones they print like: the image cannot tell
    return True


_GREEK = regex.compile(r"\p{Greek}")


def spans_read_surely(layer: str, spans: list[tuple[int, int]], readings: Sequence[Line],
                      disagree: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether an engine sure of its reading (``TRUSTED``) read the line as the same line (``SAME_LINE``) and
    shows each flagged span as the layer has it: its letters, digits and ideographs (``spans_read``), and a
    span of symbols alone character for character, in its place (``_read_in_place``), which no look-alike
    reading does by chance; and the letters, digits and ideographs of each span where the kept reading
    disagrees with the layer (``disagree``; a mark read as another, ``’`` as ``'``, is OCR's own). The kept
    reading need not be that engine's: the choice between engines judged their looks, and a layer's odd
    symbols read as they are look as odd (pdfplumber issue-71's ``+++``, read ``+ 二二`` by the engine kept,
    ``+++`` by PP-OCR at 96).

    >>> from cwn_ocr.model import Reading as Other
    >>> tess = Line("traitement de la cause + 二二", BBox(0, 0, 9, 9), (), 68.9, engine="tesseract",
    ...             alternatives=(Other("ppocr", ">traitement de la cause +++", 96.0),))
    >>> spans_read_surely("traitement de la cause +++", [(23, 26)], [tess], [(24, 26)])
    True
    >>> spans_read_surely("traitement de la cause ++", [(23, 25)], [replace(tess, alternatives=())])
    False
    >>> unsure = replace(tess, alternatives=(Other("ppocr", ">traitement de la cause +++", 80.0),))
    >>> spans_read_surely("traitement de la cause +++", [(23, 26)], [unsure])
    False
    >>> spans_read_surely("温度 x £ 5", [(5, 6)], [Line("温度x≤5", BBox(0, 0, 9, 9), (), 99.0, engine="ppocr")])
    False
    >>> spans_read_surely("If ¬x£y then z", [(3, 7)], [Line("If ¬x≤y then z", BBox(0, 0, 9, 9), (), 99.0,
    ...                                                      engine="ppocr")])
    False

    The kept reading's ``Cita, 1.`` where the layer and PP-OCR have ``Cirac, J. I.`` (pymupdf test_3780):

    >>> tess = Line("5. Cita, 1. & Zoller, P Quantum", BBox(0, 0, 9, 9), (), 83.0, engine="tesseract",
    ...             alternatives=(Other("ppocr", "5. Cirac, J. I & Zoller, P. Quantum", 96.7),))
    >>> spans_read_surely("5. Cirac, J. I. & Zoller, P. Quantum", [(6, 27)], [tess], [(3, 15)])
    True
    """
    if not spans or not readings:
        return False
    # a span's symbols in their place: all of a span of symbols alone, and in a span with letters the marks
    # beyond ASCII (``¬x£y`` read ``¬x≤y``: the letters are there, the ``£`` is not)
    marks = [i for start, end in spans for i in range(start, end)
             if not comparable(layer[start:end]) and not layer[i].isspace()
             or not layer[i].isascii() and not layer[i].isalnum() and not layer[i].isspace()]
    lettered = [(start, end) for start, end in [*spans, *disagree] if comparable(layer[start:end])]
    for pieces in _sure_readings(readings).values():
        text = " ".join(pieces)
        if min(agreement(layer, text), whole_agreement(layer, text)) >= SAME_LINE and _read_in_place(
                layer, marks, text) and all(spans_read(layer, [span], text) for span in lettered):
            return True
    return False


def _read_in_place(layer: str, positions: Sequence[int], text: str) -> bool:
    """Whether ``text`` has the characters of ``layer`` at ``positions`` where it has the rest of the line:
    each of them aligned with one and the same character of ``text`` (``Levenshtein.opcodes``, white space
    aside). No position asks nothing.

    >>> _read_in_place("a +++ b", [2, 3, 4], "a+++b"), _read_in_place("a + b +", [2], "a b +")
    (True, False)
    """
    keep = [i for i, char in enumerate(layer) if not char.isspace()]
    squeezed = "".join(layer[i] for i in keep)
    at = set(positions)
    wanted = {k for k, i in enumerate(keep) if i in at}
    if not wanted:
        return True
    same: set[int] = set()
    for op in Levenshtein.opcodes(squeezed, "".join(text.split())):
        if op.tag == "equal":
            same.update(range(op.src_start, op.src_end))
    return wanted <= same


def _confirmed(layer: str, spans: list[tuple[int, int]], ocr: str) -> bool:
    """Does the OCR read the layer's kept parts too? (Otherwise the row is not what it seems.) A kept part
    read otherwise only in OCR's usual look-alikes (``comparable``: a bullet ``•`` read ``·``) is read.

    >>> _confirmed("• A et B \ufffd Avis fiables.", [(7, 10)], "· A et B : Avis fiables.")
    True
    >>> _confirmed("Rapport annuel \ufffd Avis", [(15, 16)], "安顺市生态环境 : Avis")
    False
    """
    squeezed_ocr = "".join(ocr.split())
    compared_ocr = comparable(ocr)
    position = 0
    for start, end in spans + [(len(layer), len(layer))]:
        kept = "".join(layer[position:start].split())
        if len(kept) >= 4 and fuzz.partial_ratio(kept, squeezed_ocr) < 80:
            letters = comparable(layer[position:start])
            if (len(letters) >= 4 and fuzz.partial_ratio(letters, compared_ocr) < 80) or (
                    _GREEK.search(kept) and not _GREEK.search(ocr)):  # (Greek compares as the Latin it prints like)
                return False
        position = end
    return True


#: An old OCR layer whose lines agree this little (median, 0..100) with the page image's readings of
#: them is not "mostly right": the readings replace its lines instead of voting on them piece by piece.
DOUBTED = 50.0
#: ... judged on this many lines at least.
DOUBTED_LINES = 5


def doubted(rows: Sequence[Row], ocr_lines: Sequence[Line], matches: Sequence[Match]) -> bool:
    """An old OCR layer that most of its page image contradicts: the median agreement of its rows
    with their readings is under ``DOUBTED`` (a layer that an engine made of noise, ``说阴`` for 说明
    in every other word; a right layer agrees with any fair reading of it far more).

    >>> from cwn_ocr.layer.garble import judge_rows
    >>> rows = judge_rows([Line(t, BBox(0, 20 * i, 100, 20 * i + 10)) for i, t in enumerate("甲乙丙丁戊")])
    >>> readings = [Line(t, BBox(0, 20 * i, 100, 20 * i + 10)) for i, t in enumerate("子丑寅卯辰")]
    >>> doubted(rows, readings, [Match((i,), (i,), "geometry") for i in range(5)])
    True
    """
    agreements = sorted(agreement(row, reading) for row, reading in _row_readings(rows, ocr_lines, matches))
    return len(agreements) >= DOUBTED_LINES and agreements[len(agreements) // 2] < DOUBTED


def _row_readings(rows: Sequence[Row], ocr_lines: Sequence[Line],
                  matches: Sequence[Match]) -> Iterator[tuple[str, str]]:
    """(row text, its reading) for each match of one row with OCR lines."""
    for m in matches:
        if len(m.rows) == 1 and m.ocr:
            yield rows[m.rows[0]].text, " ".join(ocr_lines[o].text for o in m.ocr)


#: An old OCR layer whose Han the page image reads alike on more than this share of its lines is a good OCR:
#: where the engines read a line's Han otherwise, they are as likely wrong as it (measured on the stress corpus:
#: clean Chinese OCR layers 0.85-1.0 a page, noisy ones 0.0-0.22).
CONFIRMED_PAGE = 0.5
#: ... counted on lines with this many ideographs at least.
CONFIRMED_HAN = 4


def confirmed(rows: Sequence[Row], ocr_lines: Sequence[Line], matches: Sequence[Match]) -> float:
    """The share of an old OCR layer's lines (those with ``CONFIRMED_HAN`` ideographs or more, matched to
    a reading) whose ideographs the reading reads exactly alike, in order; 1.0 when there are none.

    >>> from cwn_ocr.layer.garble import judge_rows
    >>> def lines(*texts): return [Line(t, BBox(0, 20 * i, 100, 20 * i + 10)) for i, t in enumerate(texts)]
    >>> rows = judge_rows(lines("鸟类 306 种动物", "生态环 状况六报"))
    >>> readings = lines("鸟类306种动物", "生态环境状况公报")
    >>> confirmed(rows, readings, [Match((i,), (i,), "geometry") for i in range(2)])
    0.5
    """
    counted = same = 0
    for row, reading in _row_readings(rows, ocr_lines, matches):
        mine = HAN.findall(row)
        if len(mine) >= CONFIRMED_HAN:
            counted += 1
            same += mine == HAN.findall(reading)
    return same / counted if counted else 1.0


#: Lines of a page's new reading holding two ideographs or more that show the page is Chinese text.
HAN_LINES = 3


def han_blind(rows: Sequence[Row], ocr_lines: Sequence[Line]) -> bool:
    """An old OCR layer without a single ideograph on a page whose image shows Chinese (``HAN_LINES``
    lines of two ideographs or more): the engine that made it reads no Han (Congjiang's English-only
    OCR). A page of English whose new reading has a stray ideograph or two is no such page.

    >>> from cwn_ocr.layer.garble import judge_rows
    >>> def lines(*texts): return [Line(t, BBox(0, 20 * i, 100, 20 * i + 10)) for i, t in enumerate(texts)]
    >>> rows = judge_rows(lines("Au 6,556,597 A", "Action area 1", "FERAIT SEXERENNGE", "REAR T"))
    >>> han_blind(rows, lines("人口 6,556,597 人", "Action area 1", "安顺市严格执行", "草海湿地"))
    True
    >>> han_blind(rows, lines("Population 6,556,597", "Action area 工", "Protect 生态", "Nature"))
    False
    >>> han_blind(rows, lines("2019一2020 一一", "Fig. 3 一一", "Table 4 一 一", "Nature"))  # dashes read as 一
    False
    """
    return (not any(HAN.search(row.text) for row in rows)
            and sum(1 for line in ocr_lines  # (``一`` aside: what engines read a dash or a rule as)
                    if len(HAN.findall(line.text.replace("一", ""))) >= 2 and not _over_sure(line, ocr_lines))
            >= HAN_LINES)


def _sure(line: Line) -> bool:
    """A reading line that is evidence of text where the layer has none: read at ``ORPHAN_CONFIDENCE`` or
    more, or alike by two engines."""
    return line.confidence is None or line.confidence >= ORPHAN_CONFIDENCE or corroborated(line)


def _over_sure(line: Line, lines: Sequence[Line]) -> bool:
    """An unsure reading line over the ink of a sure one (across half the narrower of the two, overlapping in
    height): an engine's second look at a printed line another reading holds, not a line of its own (Tesseract
    reads a struck-through English line's strokes as ``下丁乓 7 下基生和三互民`` at 26, under PP-OCR's sure
    reading of its words). An unsure line beside a sure one (a table's next cell) is a line of its own.

    >>> def read(text, x0, x1, conf): return Line(text, BBox(x0, 0, x1, 10), (), conf)
    >>> sure, strokes = read("Norasia", 50, 300, 96.0), read("下丁乓", 50, 300, 26.0)
    >>> cell = read("草海", 320, 560, 65.0)
    >>> _over_sure(strokes, [sure, strokes, cell]), _over_sure(cell, [sure, strokes, cell])
    (True, False)
    """
    if _sure(line):
        return False
    box = line.bbox
    for other in lines:
        if other is line or not _sure(other) or other.bbox.vertical_overlap(box) <= 0:
            continue
        across = min(box.x1, other.bbox.x1) - max(box.x0, other.bbox.x0)
        if across >= 0.5 * min(box.width, other.bbox.width):
            return True
    return False


def _judged_layer(context: PageContext, rows: Sequence[Row], ocr_lines: Sequence[Line],
                  matches: Sequence[Match]) -> PageContext:
    """``context`` with what the page's new reading says of its old OCR layer as a whole."""
    return replace(context, han_blind=han_blind(rows, ocr_lines), doubted=doubted(rows, ocr_lines, matches),
                   confirmed=confirmed(rows, ocr_lines, matches))


def merge_rows(rows: Sequence[Row], ocr_lines: Sequence[Line], matches: Sequence[Match], *,
               context: PageContext = PageContext(), second: dict[int, str] | None = None,
               known: Counter[str] | None = None) -> list[RepairedLine]:
    """A page read from its image: rows top to bottom, each decided (``decide``) from its evidence,
    the reading of the OCR line(s) matched to it among them.

    ``ocr_lines`` are the OCR's readings, already text-fixed. With ``second`` (the layer is a
    previous OCR; row index -> a second reading) rows are corrected piece by piece (``vote``).
    OCR lines that no row took (text the layer lacks) are added where they stand when
    ``decide_orphan`` says so.
    """
    if context.origin is Origin.OCR_LAYER:
        context = _judged_layer(context, rows, ocr_lines, matches)
    match_of = {m.rows[0]: m for m in matches}
    consumed = {r for m in matches for r in m.rows[1:]}
    repaired: list[RepairedLine] = []
    for r, row in enumerate(rows):
        if r in consumed:
            continue
        match = match_of.get(r)
        members = [rows[i] for i in match.rows] if match else [row]
        readings = [ocr_lines[o] for o in match.ocr] if match else []
        if context.origin is not Origin.OCR_LAYER:
            readings = [kept for kept in (own_words(line, members, rows) for line in readings) if kept is not None]
        voting = second is not None and len(members) == 1 and bool(readings) and row.verdict.score < 0.99
        repaired += _merge_match(members, readings, context, second=second.get(r) if voting and second else None,
                                 voting=voting, known=known)
    for o in unmatched_ocr(matches, ocr_lines):
        line = ocr_lines[o]
        decision = decide_orphan(context.origin, line.text, line.confidence, twice=corroborated(line),
                                 sure=surely_read(line), unattributed=context.unattributed)
        if decision.action is not Action.ADD:
            continue
        added = RepairedLine(line.text, Source.OCR, "", (), line.bbox, ("missing from the layer",),
                             line.confidence, (), _uncertain([line]), decision.rule, engines=engine_readings([line]))
        at = next((i for i, done in enumerate(repaired) if done.bbox.y0 > line.bbox.y0), len(repaired))
        repaired.insert(at, added)
    return repaired


#: How far (PDF points) a reading's word may stick out of a row beside the matched ones and still be that row's.
BESIDE_SLACK = 2.0


def own_words(line: Line, members: Sequence[Row], rows: Sequence[Row]) -> Line | None:
    """The reading ``line`` matched to ``members`` without its words that stand within another row beside them
    (at their height, clear of them) whose text nothing flags: a font's rows are where its glyphs are drawn, and
    such words are that row's, which comes out as it is. Tesseract's layout joins two columns' lines at one height
    into one, and PyMuPDF test_2957_1's ``check here ~~~~`` took ``9c Unrecaptured section 1250 gain`` from the
    next column, which kept its own line: the text came out twice. (Not a garbled row's: its text comes out
    only as its own reading gives it, and that may be the words this line's reading holds.) The line as it is
    when no word goes, or when another row's words stand amid this one's; None when all go. Its
    ``alternatives`` (the other engine's reading of the whole box) stay as they are: a trimmed line is no longer
    one both engines read alike, and counts as read once.

    >>> from cwn_ocr.model import Word
    >>> left = Row((0,), "check here ~~~~", BBox(40, 100, 300, 110), Verdict(Label.GARBLED, 0.1))
    >>> right = Row((1,), "9c gain", BBox(320, 100, 500, 110), Verdict(Label.CLEAN, 0.0))
    >>> read = Line.from_words([Word("check", BBox(40, 99, 80, 111)), Word("here", BBox(85, 99, 120, 111)),
    ...                         Word("9c", BBox(322, 99, 340, 111)), Word("gain", BBox(345, 99, 380, 111))])
    >>> own_words(read, [left], [left, right]).text
    'check here'
    >>> own_words(read, [left], [left]) is read
    True

    The text kept is the line's own, as text-fixed, cut where the kept words end:

    >>> han = Line("财政收入，增长 5′ 9c", BBox(40, 99, 340, 111), (Word("财", BBox(40, 99, 52, 111)),
    ...            Word("政", BBox(52, 99, 64, 111)), Word("收入,", BBox(64, 99, 100, 111)),
    ...            Word("增长", BBox(100, 99, 130, 111)), Word("5'", BBox(135, 99, 150, 111)),
    ...            Word("9c", BBox(322, 99, 340, 111))))
    >>> own_words(han, [left], [left, right]).text
    '财政收入，增长 5′'
    """
    span = reduce(BBox.union, (member.bbox for member in members))
    beside = [other.bbox for other in rows if all(other is not member for member in members)
              and other.verdict.label is Label.CLEAN and other.bbox.vertical_overlap(span) >= SAME_PLACE
              and (other.bbox.x0 >= span.x1 or other.bbox.x1 <= span.x0)]
    if not beside or not line.words:
        return line
    # (a word only in part over such a row may be this one's, its box a guess)
    own = [not any(box.x0 - BESIDE_SLACK <= word.bbox.x0 and word.bbox.x1 <= box.x1 + BESIDE_SLACK for box in beside)
           for word in line.words]
    if all(own):
        return line
    if not any(own):
        return None
    first, last = own.index(True), len(own) - 1 - own[::-1].index(True)
    if not all(own[first:last + 1]):
        return line  # words of another row amid this one's: no cut says which characters are whose
    # the line's text is its words' as text-fixed (``，`` for ``,``, ``′``, no space between Han): cut where the
    # kept words' characters fall in it
    raw = " ".join(word.text for word in line.words)
    start = sum(len(word.text) + 1 for word in line.words[:first])
    end = start + len(" ".join(word.text for word in line.words[first:last + 1]))
    opcodes = _opcodes(raw, line.text)
    text = line.text[_map_position(opcodes, start, end=False):_map_position(opcodes, end, end=True)].strip()
    if not text:
        return None
    kept = line.words[first:last + 1]
    return replace(line, text=text, bbox=Line.from_words(kept).bbox, words=kept)


def _same_printed_line(row: Row, line: Line, match: Match | None, rows: Sequence[Row]) -> bool:
    """Whether the OCR line ``line``, matched by ``match`` (None: unmatched), at ``row``'s place reads the
    printed line ``row`` is on: it is matched to no row, or to one at the same height, or (a skewed line's
    other end) it is matched to rows ``row`` stands beside (``_beside``) and its words run through ``row``
    (``read_at``); not a line above or below the matched rows that a reading box ran into its own."""
    if match is None or any(rows[r].bbox.vertical_overlap(row.bbox) >= 0.3 for r in match.rows):
        return True
    return _beside(row, match, rows) and read_at(row.bbox, line)


#: How much of a row's height the words a reading line has over the row's width must share with it (``read_at``).
SAME_PLACE = 0.5


def read_at(box: BBox, line: Line) -> bool:
    """Whether the reading ``line`` runs through ``box`` (an old row's): its words over the row's width stand
    at the row's height (``SAME_PLACE`` of the smaller of the two). On a skewed scan a printed line's two ends
    stand at different heights, and the row the reading was matched to, at one end, says nothing of the
    other's. The words narrow the line's box down to the row's width as far as they go: Tesseract's are its
    words; PP-OCR's are its runs between spaces, each as high as the line's crop (a line of Han without a
    space is one word, its box the line's).

    >>> from cwn_ocr.model import Word
    >>> tilted = Line("安顺市 1.43 mg/L", BBox(50, 140, 510, 172), (Word("安顺市", BBox(50, 156, 200, 172)),
    ...               Word("1.43", BBox(330, 145, 380, 160)), Word("mg/L", BBox(380, 143, 430, 158))))
    >>> read_at(BBox(332, 141, 502, 160), tilted), read_at(BBox(332, 162, 502, 178), tilted)
    (True, False)
    """
    under = [word.bbox for word in line.words if word.bbox.x0 < box.x1 and box.x0 < word.bbox.x1]
    return bool(under) and reduce(BBox.union, under).vertical_overlap(box) >= SAME_PLACE


def _beside(row: Row, match: Match, rows: Sequence[Row]) -> bool:
    """Whether ``row`` stands left or right of every row ``match`` (an OCR line's) holds, clear of them: the other
    end of the printed line they are on, not a line above or below them that a reading box ran into its own."""
    return all(rows[r].bbox.x1 <= row.bbox.x0 or row.bbox.x1 <= rows[r].bbox.x0 for r in match.rows)


def merge_reading_first(rows: Sequence[Row], ocr_lines: Sequence[Line], matches: Sequence[Match], *,
                        context: PageContext, second: dict[int, str] | None = None,
                        known: Counter[str] | None = None) -> list[RepairedLine]:
    """An earlier OCR's layer on a page read whole from its image: the new reading leads. Lines come
    in the image's reading order, each OCR line once; the old layer's rows it overlaps are decided
    against it as any row is (``decide``: kept where they agree, voted piece by piece where the old
    layer is mostly right, replaced where garbled); the page's text the old layer lacks is added;
    and old rows the image does not show at all (fragments an English-only engine made of pictures
    and noise) are dropped, each recorded as ``removed``, so that no text comes out twice. Old rows no
    reading line stands for go where they are printed (``place_in_column``).

    >>> from cwn_ocr.layer.garble import judge_rows
    >>> from cwn_ocr.merge.align import match_rows
    >>> from cwn_ocr.model import Word
    >>> def line(text, y, conf=None):
    ...     box = BBox(50, y, 400, y + 12)
    ...     return Line(text, box, (Word(text, box, conf),), conf)
    >>> rows = judge_rows([line("Action area 1", 100), line("FERAIT PEARRMEB SEXERENNGE", 120),
    ...                    line("RRSOOUEURE GRECHIE", 300)])
    >>> ocr = [line("Action area 1", 100, 96), line("安顺市严格执行三区三线管理", 120, 93),
    ...        line("草海湿地", 302, 90)]
    >>> [(r.source, r.text) for r in merge_reading_first(rows, ocr, match_rows(rows, ocr),
    ...                                                   context=PageContext(Origin.OCR_LAYER))]
    [('layer', 'Action area 1'), ('ocr', '安顺市严格执行三区三线管理'), ('ocr', '草海湿地')]
    """
    context = replace(_judged_layer(context, rows, ocr_lines, matches), reading_first=True)
    match_of_ocr = {o: m for m in matches for o in m.ocr}
    done: set[int] = set()
    repaired: list[RepairedLine] = []
    for o, reading in enumerate(ocr_lines):
        match = match_of_ocr.get(o)
        if match is None:
            decision = decide_orphan(context.origin, reading.text, reading.confidence,
                                    twice=corroborated(reading), sure=surely_read(reading),
                                    unattributed=context.unattributed)
            if decision.action is Action.ADD:
                repaired.append(RepairedLine(reading.text, Source.OCR, "", (), reading.bbox,
                                             ("missing from the layer",), reading.confidence, (),
                                             _uncertain([reading]), decision.rule,
                                             engines=engine_readings([reading])))
            continue
        if match.rows[0] in done:
            continue
        done.add(match.rows[0])
        members = [rows[i] for i in match.rows]
        voting = second is not None and len(members) == 1 and members[0].verdict.score < 0.99
        repaired += _merge_match(members, [ocr_lines[i] for i in match.ocr], context,
                                 second=second.get(match.rows[0]) if voting and second else None, voting=voting,
                                 known=known)
    matched = {r for m in matches for r in m.rows}
    said = comparable(" ".join(line.text for line in repaired))  # what the reading's lines put out (read_in_passing)
    leftovers: list[RepairedLine] = []  # rows no reading line stands for, put in their place below
    for r, row in enumerate(rows):
        if r in matched:
            continue
        # the image shows nothing of it only where its reading has lines at that place (which other
        # rows took): where the reading has none, the OCR missed that part of the page (a line of
        # the other column at the same height does not count, nor a reading that ran two printed
        # lines into one and is matched to the other, unless the row stands beside the rows it is matched
        # to and the reading's words run through it: a skewed line's other end, ``read_at``), and the old
        # text is all there is
        there = [line for o, line in enumerate(ocr_lines)
                 if line.bbox.vertical_overlap(row.bbox) >= 0.3 and line.bbox.x0 < row.bbox.x1
                 and row.bbox.x0 < line.bbox.x1 and _same_printed_line(row, line, match_of_ocr.get(o), rows)]
        # nor, for a row nothing flags, where a line read there holds its text and the output does not
        # (``read_in_passing``; a garbled row's words read there are pieces of the line the reading stands for)
        read_there = bool(there) and not (row.verdict.label is Label.CLEAN
                                          and read_in_passing(row.text, there, said))
        # nor a row nothing flags, in common Chinese an engine that reads Chinese put there (not an English-only
        # OCR's): a line the page's reading missed beside a seal or a signature (pr-136 p6's ``专此说明， 请予察核。``,
        # where the reading there is the seal's), not one the image lacks
        if read_there and row.verdict.label is Label.CLEAN and not context.han_blind and chinese_words(row.text) \
                and comparable(row.text) not in said:  # (not a line the output holds already)
            read_there = False
        evidence = Evidence(context.origin, row.verdict, page_read=read_there)
        decision = decide(evidence)
        original = context.layer_text(row.lines, row.text)
        if decision.action is Action.REMOVE:
            leftovers.append(RepairedLine("", Source.REMOVED, original, row.lines, row.bbox,
                                          row.verdict.reasons + ("the page image shows no such line",),
                                          rule=decision.rule, evidence=evidence))
        else:
            leftovers += _merge_match([row], [], context)
    gutters = find_gutters(ocr_lines)
    for line in leftovers:
        # the reading's lines and the rows kept so far steer, not rows the image does not show
        anchors = [k for k, other in enumerate(repaired) if other.source != Source.REMOVED]
        repaired.insert(place_in_column(line.bbox, [repaired[k].bbox for k in anchors], gutters,
                                        at=anchors + [len(repaired)]), line)
    return repaired


#: How much of an old row a reading line must hold (``fuzz.partial_ratio`` of their ``comparable`` forms) to have
#: read it in passing, and how long (letters, digits, ideographs) the row must be for that to be no chance: a
#: table cell's ``289 mg/L`` or ``2,959,786 A`` is all but held by any line with a number in the same unit
#: (seeds 1 and 2: five such fragments, 6-16 long, would have stayed as duplicates; the rows read in passing on
#: seeds 3 and 4 and on the real caption are 26-40 long).
HELD = 90.0
HELD_LENGTH = 20


def read_in_passing(text: str, there: Sequence[Line], said: str) -> bool:
    """Whether the old row ``text``, which no reading line stands for, is read inside one of the reading lines
    ``there`` (at its place, taken by other rows) while the page's output (``said``: its text in ``comparable``
    form) holds it nowhere: the page shows it, and
    dropping it as "not in the image" would lose it. A small-print caption beside a column, which the reading
    runs together with the column's lines at another pitch (pypdf's ``Seige_of_Vicksburg_Sample_OCR.pdf``:
    ``ble, and the edges of the tin are with saw-dust. The heads are mova-`` under the old rows ``ble, and the
    edge? of the tin are privations…`` and ``with saw-dust. The heads are mova-``); the row taking that reading
    kept its own old text. A row shorter than ``HELD_LENGTH`` is no such evidence.

    >>> def read(text): return Line(text, BBox(0, 0, 300, 10))
    >>> caption = "with saw-dust. The heads are mova-"
    >>> merged = "ble, and the edges of the tin are with saw-dust. The heads are mova-"
    >>> read_in_passing(caption, [read(merged)], "")
    True
    >>> read_in_passing(caption, [read(merged)], comparable(merged))  # the output has it already
    False
    >>> read_in_passing("289 mg/L", [read("溶解氧 ≥ 8.9 mg/L")], "")
    False
    """
    own = comparable(text)
    if len(own) < HELD_LENGTH or not any(_holds(line.text, text) for line in there):
        return False
    # held anywhere in the output as one run (words alone, ``the`` and ``river``, are found on any page)
    return fuzz.partial_ratio(own, said) < HELD


def _holds(reading: str, text: str) -> bool:
    """Whether ``reading`` holds ``text``: as one run (``HELD``), or, for a row of three words of three letters
    or more, four fifths of its words' letters in words it holds (the reading may have run another line's words
    between them: ``cast iron, and are 28 in number. six around. These balls … It is rumored in camp``).

    >>> _holds("cast iron, and are 28 in number. six around. It is rumored in camp that Grant",
    ...        "cast iron, and are 2* in number. It is rumored in camp that Grant"), _holds("安顺市", "草海")
    (True, False)
    >>> _holds("heads", "with saw-dust. The heads are mova-")
    False
    """
    own, read = comparable(text), comparable(reading)
    if len(read) < len(own):  # a shorter reading holds none of it (``partial_ratio`` would seek it in the row)
        return False
    if fuzz.partial_ratio(own, read) >= HELD:
        return True
    words = [word for word in (comparable(w) for w in text.split()) if len(word) >= 3]
    if len(words) < 3:
        return False
    return sum(len(word) for word in words if word in read) >= 0.8 * sum(len(word) for word in words)


def place_in_column(box: BBox, boxes: Sequence[BBox], gutters: Sequence[Gutter] = (), *,
                    at: Sequence[int] | None = None) -> int:
    """Where a line at ``box`` goes among lines at ``boxes`` (reading order; the page's columns split by
    ``gutters``, ``columns.find_gutters``): after the nearest line above it in its column or on its row left of it
    (a table's cells), else before the nearest one below it there, else before the first line of a column right of
    its own or, for a line across the columns, the first below it; else at the end. ``at`` maps those positions to a
    list's (``at[k]``: where the line ``k`` stands, and one past the last). A row of the old layer the new reading
    has no line for (a full stop alone on a wrapped line, which no line finding keeps; a column the reading lost)
    stays where it is printed, not after the page's footer.

    >>> from cwn_ocr.columns import Gutter
    >>> gutter = [Gutter(300, 320)]
    >>> page = [BBox(50, 80, 560, 92), BBox(50, 100, 300, 112), BBox(50, 120, 300, 132),  # heading, left column
    ...         BBox(320, 100, 560, 112), BBox(320, 140, 560, 152), BBox(250, 780, 330, 790)]  # right, footer
    >>> place_in_column(BBox(320, 122, 330, 132), page, gutter), place_in_column(BBox(50, 140, 60, 150), page, gutter)
    (4, 3)
    >>> lost = place_in_column(BBox(320, 100, 560, 112), page[:3], gutter)  # the reading lost the right column
    >>> lost, place_in_column(BBox(50, 10, 560, 20), page, gutter)
    (3, 0)
    >>> table = [BBox(50, 340, 290, 358), BBox(50, 362, 235, 377), BBox(55, 382, 307, 400)]
    >>> place_in_column(BBox(279, 367, 284, 377), table)  # the last cell of the middle row
    2
    """
    positions = list(at) if at is not None else list(range(len(boxes) + 1))
    column = column_of(box, gutters)
    middle = (box.y0 + box.y1) / 2

    def centre(k: int) -> float:
        return (boxes[k].y0 + boxes[k].y1) / 2

    columns = [column_of(other, gutters) for other in boxes]
    same = [k for k in range(len(boxes)) if columns[k] == column]
    mine = [k for k in same if boxes[k].x0 <= box.x1 and box.x0 <= boxes[k].x1]
    # before it: the lines above it in its column, and those on its own row left of it (a table's cells)
    above = [k for k in mine if centre(k) <= middle] + [
        k for k in same if boxes[k].x1 <= box.x0 and boxes[k].vertical_overlap(box) >= 0.5]
    if above:
        return positions[max(above, key=lambda k: (centre(k) if centre(k) <= middle else middle, boxes[k].x1)) + 1]
    below = [k for k in mine if centre(k) > middle]
    if below:
        return positions[min(below, key=centre)]
    for k, other in enumerate(columns):
        # a line across the columns below it, or (for a line of its own column) the first of a column right of it
        if (centre(k) > middle and (column is None or other is None)) \
                or (column is not None and other is not None and other > column):
            return positions[k]
    return positions[len(boxes)]


def _doubted_line(context: PageContext, reading: str) -> bool:
    """Whether the old OCR layer is doubted on a line read as ``reading``: the whole layer is (most of its
    lines read otherwise), or it was made by an engine that reads no Han (``han_blind``) and the image shows
    Han here. Such a layer's table cells and English lines may agree with the new reading; each line the
    image shows Han on was misread (``pH ﬃ 8.5+0.5`` for ``pH值 8.5±0.5``, a cell ``hm?`` for
    ``湿地面积374.38hm²``), and its English lines are its own engine's strength. Where the reading leads, a
    garbled row under such a reading is no row a reading of its neighbour was paired off from (``_reading``'s
    ``elsewhere``).

    >>> blind = PageContext(Origin.OCR_LAYER, han_blind=True)
    >>> _doubted_line(blind, "湿地面积374.38hm²"), _doubted_line(blind, "Fig.8")
    (True, False)
    """
    return context.doubted or (context.han_blind and bool(HAN.search(reading)))


def _reading(text: str, readings: Sequence[Line], context: PageContext, *, flagged: bool = False,
             voting: bool = False, row: BBox | None = None) -> Reading | None:
    """The evidence ``readings`` give about the layer's ``text`` (``flagged``: the detector calls it garbled;
    ``voting``: an old OCR layer's line to be corrected piece by piece; ``row``: the layer line's box)."""
    if not readings:
        return None
    where = reduce(BBox.union, (line.bbox for line in readings))
    reading = " ".join(line.text for line in readings)
    agrees = agreement(text, reading)
    # where the reading leads over a layer it mostly contradicts, each reading line comes out once, in its
    # place: that it holds another layer line (a table cell the old OCR read apart) is no sign that it was
    # read beside this one (over a layer it confirms, it is: a skewed page's rows paired one line off); nor, for
    # a garbled row, where the reading shows Han an engine that reads none made the layer of (``_doubted_line``):
    # the row is that engine's garbage from Han, not a line a reading of its neighbour was paired off from (a
    # clean English row of such a layer may be, and stays so guarded)
    # what two engines read alike is the image's text, however odd it looks: statistics flag a reading
    # only where no second engine confirms it
    twice = all(corroborated(line) for line in readings)
    # (only against a layer that is no source: a sound font's odd-looking line stays unless a clean reading
    # contradicts it); and what a sure PP-OCR read of a Chinese line but for a stray symbol (``kept_despite_marks``)
    # against an old OCR layer that is voted on (the vote keeps the layer's piece where the reading's looks
    # garbled) or that an engine reading no Han made (whose line where the page shows Han is that engine's
    # garbage: seed 5's ``Bia AH = -136.3 kJ/mol.`` for ``■反应 △H= -136.3 kJ/mol。``)
    marks = [kept_despite_marks(line) for line in readings] \
        if (voting or context.han_blind) and context.origin is Origin.OCR_LAYER else []
    marked = any(marks) and all(mark or corroborated(line) for mark, line in zip(marks, readings))
    verdict = judge_line(reading)
    garbled = verdict.label is Label.GARBLED and not (twice and context.origin.broken) and not marked
    return Reading(reading, _mean_confidence(readings), garbled, agrees, context.covered(text, reading),
                   not (context.reading_first and (context.doubted or (flagged and _doubted_line(context, reading))))
                   and context.elsewhere(text, reading, where if row is not None and where.vertical_overlap(row) > 0
                                         else None),
                   whole_agreement(text, reading) if context.reading_first or context.origin is Origin.BROKEN_FONT
                   else 100.0, twice,
                   verdict.score if garbled else 0.0, leaves_out(text, reading),
                   context.reading_first and twice and read_alike(text, reading, context.lang) != text)


#: Readings covering less than this share of a font's line along its run (the layer's box: the font's own
#: advance widths) are of something printed on the line, not of the line (``Reading.part``): no evidence
#: about the whole of it. pdf.js freeculture p4: a bar of 130 dingbats ``❚❘❙`` across the page, read ``十``
#: from a crop mark 9 pt wide (2 %), had been "contradicted" and replaced. Not for an old OCR layer, whose
#: boxes are an earlier engine's guess.
PART_OF_ROW = 0.2


def covered_share(box: BBox, readings: Sequence[Line]) -> float:
    """The share of ``box`` along its run (its longer side) that the ``readings``' boxes cover.

    >>> row = BBox(0, 0, 500, 12)
    >>> covered_share(row, [Line("十", BBox(233, 0, 243, 12))])
    0.02
    >>> covered_share(row, [Line("a", BBox(-5, 0, 200, 12)), Line("b", BBox(150, 0, 300, 12))])
    0.6
    """
    vertical = box.height > box.width
    start, end = (box.y0, box.y1) if vertical else (box.x0, box.x1)
    if end - start <= 0:
        return 1.0
    spans = sorted((max(start, r.bbox.y0 if vertical else r.bbox.x0), min(end, r.bbox.y1 if vertical else r.bbox.x1))
                   for r in readings)
    covered, reach = 0.0, start
    for lo, hi in spans:
        lo = max(lo, reach)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return round(covered / (end - start), 6)


def chinese_words(text: str) -> bool:
    """``text`` is Chinese prose: in common characters (``layer.charsets.common_chinese``), most of its
    ideographs in words of the dictionary (``merge.vote.in_a_word``): an old OCR layer's line, not its
    reading of a seal (``｜ w 镰曹潞脚``).

    >>> chinese_words("专此说明， 请予察核。"), chinese_words("｜ w 镰曹潞脚")
    (True, False)

    Nor a rule or a box read as a run of one ideograph (``一一一一一一``, ``口口口口``, ``中一一，一上一一一一上``):

    >>> chinese_words("一一一一一一"), chinese_words("口口口口口"), chinese_words("中一一，一上一一一一上")
    (False, False, False)
    """
    if not common_chinese(text):
        return False
    squeezed = "".join(text.split())
    han = [i for i, char in enumerate(squeezed) if HAN.match(char)]
    if len({squeezed[i] for i in han}) * 4 < len(han) * 3:  # three in four of its ideographs different
        return False
    return sum(in_a_word(squeezed, i, i + 1) for i in han) * 2 >= len(han)


def _merge_match(members: Sequence[Row], readings: Sequence[Line], context: PageContext, *,
                 second: str | None = None, voting: bool = False, known: Counter[str] | None = None
                 ) -> list[RepairedLine]:
    """The repaired line(s) for rows ``members`` (one row, or the fragments of one garbled line that
    the OCR read as one) and the OCR lines matched to them (none: the page image was not read there)."""
    layer_lines = tuple(i for member in members for i in member.lines)
    original = " ".join(member.text for member in members)  # the layer, decoded where a font was repaired
    layer_text = context.layer_text(layer_lines, original)  # the PDF's own layer
    reasons = tuple(dict.fromkeys(x for member in members for x in member.verdict.reasons))
    box = members[0].bbox
    for member in members[1:]:
        box = box.union(member.bbox)
    verdict = members[0].verdict if len(members) == 1 else Verdict(Label.GARBLED, 1.0, reasons)
    font = not context.origin.broken
    fixed, fixed_clean, steps = text_fix_evidence(original, verdict, font=font,
                                                  ocr_layer=context.origin is Origin.OCR_LAYER, alone=context.alone,
                                                  glyph_per_character=context.glyph_per_character)
    readings, left_out = sure_beside(readings)
    reading = _reading(original, readings, context, flagged=verdict.label is Label.GARBLED, voting=voting, row=box)
    if reading is not None and context.origin is not Origin.OCR_LAYER and covered_share(box, readings) < PART_OF_ROW:
        reading = replace(reading, part=True)
    ocr_text = reading.text if reading else ""
    bad: list[tuple[int, int]] = []
    disagree: list[tuple[int, int]] = []
    flagged: list[tuple[int, int]] = []
    if reading is not None and len(members) == 1:
        spans = flagged = [(s.start, s.end) for s in verdict.garbled_spans]
        # (a reading of a small part of the line says nothing of where the rest disagrees)
        disagree = (disagreements(original, ocr_text, han=1 if context.han_blind else 2)
                    if context.origin.broken and not reading.part else [])
        if disagree:
            reasons += ("layer disagrees with the page image",)
        bad = _union(spans + disagree)
    share = (1.0 if len(members) > 1 else
             sum(visible_length(original[s:e]) for s, e in bad) / max(1, visible_length(original)))
    spliced = splice(original, bad, ocr_text) if reading is not None and bad and share < 1.0 else None
    witnesses = VERBATIM_OVER_OCR if context.origin is Origin.OCR_LAYER else ENGINE_NAMES
    evidence = Evidence(context.origin, verdict, fixed, fixed_clean, reading, voting, share,
                        _confirmed(original, bad, ocr_text) if reading else True,
                        spliced is None or judge_line(spliced, font=font).label is not Label.GARBLED,
                        decoded=layer_text != original, doubted=_doubted_line(context, ocr_text),
                        proven_share=no_text_share(original),
                        spans_read=spans_read(original, bad if len(members) == 1 else [(0, len(original))], ocr_text)
                        or (len(members) == 1 and spans_read_surely(original, flagged, readings, disagree)),
                        visible=visible_length(original),
                        alike=bool(readings) and all(agreed(r) for r in readings),
                        verbatim=read_verbatim(original, readings, by=witnesses),
                        disagrees=bool(disagree), unattributed=context.unattributed,
                        stand_ins=_stand_ins(original, readings, reading) if context.han_blind and len(members) == 1
                        else None)
    decision = decide(evidence)
    if left_out:  # said in the report of every line this match gives
        reasons += tuple(f"an unsure reading beside the sure one left out: {r.text!r} ({r.confidence or 0:.0f})"
                         for r in left_out)

    def line(text: str, source: str, *, why: tuple[str, ...] = reasons, fix: tuple[Step, ...] = (),
             spaced: bool = False) -> RepairedLine:
        if text == original and source not in (Source.UNREPAIRED, Source.FONTMAP):
            source = Source.FONTMAP if original != layer_text else Source.LAYER
        return RepairedLine(text, source, layer_text, layer_lines, box, why,
                            reading.confidence if reading and source in (Source.OCR, Source.MERGED) else None,
                            fix, tuple(w for w in _uncertain(readings) if w in text) if source == Source.MERGED else (),
                            decision.rule, evidence, engine_readings(readings, spaced=True) if spaced else engines)

    engines = engine_readings(readings)
    action = decision.action
    if action is Action.TEXTFIX and fixed is not None:
        return [line(fixed, Source.TEXTFIX, fix=steps)]
    if action is Action.UNREPAIRED:
        return [line(original, Source.UNREPAIRED)]
    if action is Action.REPLACE_LINE:
        why = reasons + {"contradicted": ("layer disagrees with the page image",),
                         "layer contradicted": ("the page image reads most of this OCR layer otherwise",)
                         if context.doubted else ("an engine that reads no Han made this OCR layer, and the page "
                                                  "image shows Han here",),
                         "read alike twice": ("both engines read the page image otherwise",),
                         "old OCR misread": ("the page image leads where the old OCR misread",),
                         "less garbled": ("the page image's reading is far less garbled than the old OCR's",)
                         }.get(decision.rule, ())
        # an old OCR's thousands commas where blur made the new reading's points (``numbers``)
        texts = [layer_commas(r.text, original) if context.origin is Origin.OCR_LAYER else r.text for r in readings]
        return [RepairedLine(text, Source.OCR, layer_text if k == 0 else "", layer_lines, r.bbox,
                             why + (("thousands commas as the old OCR layer read them",) if text != r.text else ()),
                             r.confidence, (), _uncertain([r]), decision.rule, evidence, engine_readings([r]))
                for k, (r, text) in enumerate(zip(readings, texts))]
    if action is Action.REPLACE_SPANS and decision.rule == "vote":
        # a second engine's word counts unless the image reads more than half the layer's Han lines alike
        # (``confirmed``): on a layer it mostly confirms, the engines' remaining disputes are as likely their
        # own errors, but where their piece makes a word of the dictionary and the layer's none
        # (``vote.words_against``). Half is not mostly: pr-136's page 2, 12 of its 26 Han lines read alike,
        # came to 13 when PP-OCR no longer read made-up characters in a table's gaps, and its table lost the
        # corrections two engines agree on (诸璧艾行 for 诸暨支行)
        doubtful = context.confirmed <= CONFIRMED_PAGE
        other = _other_engine(readings)
        text = vote_line(original, [ocr_text] + ([second] if second else []), known,
                         other=other, witness=other, doubted=doubtful,
                         # the engines whose reading ``other`` is: the one not kept, per OCR line
                         independent=all(engine in VERBATIM_OVER_OCR for r in readings for engine in _by_engine(r)
                                         if engine != r.engine),
                         trusted=doubtful and bool(readings) and all(
                             r.engine == "ppocr" and (r.confidence or 0) >= TRUSTED for r in readings))
        return [line(text, Source.MERGED, why=reasons + ("previous OCR layer corrected where the page reads otherwise",)
                     if text != original else reasons)]
    if action is Action.REPLACE_SPANS and decision.rule == "stand-ins" and evidence.stand_ins is not None:
        return [line(evidence.stand_ins, Source.MERGED,
                     why=reasons + ("symbols the English-only OCR wrote as ASCII, as the page image shows them",))]
    if action is Action.REPLACE_SPANS and decision.rule == "read twice in part":
        alike = read_alike(original, ocr_text, context.lang)
        # the pieces kept are the old layer's (the rule is an old OCR layer's), with its spaces inside Latin words
        respaced = spaced_as_read(alike, _engine_texts(readings))
        return [line(respaced, Source.MERGED, why=reasons + ("both engines read part of the page image otherwise",)
                     + ((RESPACED,) if respaced != alike else ()), spaced=respaced != alike)]
    if action is Action.REPLACE_SPANS:
        return [line(spliced or original, Source.MERGED)]
    if action is Action.DECODE:
        return [line(original, Source.FONTMAP)]
    if decision.rule in ("read verbatim", "clean") and context.origin is Origin.OCR_LAYER:
        # the old OCR's spaces inside Latin words, where both engines read the page image otherwise (``spacing``)
        respaced = spaced_as_read(original, _engine_texts(readings))
        if respaced != original:
            return [line(respaced, Source.MERGED, why=reasons + (RESPACED,), spaced=True)]
    return [line(original, Source.LAYER)]


#: The reason a line gives whose spaces between letters the engines' own readings set (``merge.spacing``).
RESPACED = "spaces between letters as both engines read the page image"


def _engine_texts(readings: Sequence[Line]) -> list[list[str]]:
    """Each engine's reading of each of the OCR lines ``readings`` as it spaced it (``_as_read``), for
    ``spacing.spaced_as_read``.

    >>> from cwn_ocr.model import Reading as Other
    >>> pp = Line("Increase connectivity", BBox(0, 0, 9, 9), (), 96.0, engine="ppocr", choice="latin: PP-OCR (96)",
    ...           as_read=(Other("ppocr", "Increase connectivity"), Other("tesseract", "lncrease connectivity")))
    >>> agreed = Line("between", BBox(0, 0, 9, 9), (), 96.0, engine="ppocr", choice="agree: both read it the same",
    ...               as_read=(Other("ppocr", "between"), Other("tesseract", "betwee n")))
    >>> _engine_texts([pp, agreed])
    [['Increase connectivity', 'between'], ['lncrease connectivity', 'betwee n']]
    >>> _engine_texts([pp, replace(agreed, as_read=())])
    []
    """
    return list(_as_read(readings).values())


def _as_read(readings: Sequence[Line]) -> dict[str, list[str]]:
    """Per engine, its reading of each of the OCR lines ``readings`` as it spaced it (``Line.as_read``: the two
    readings ``choose`` had), for the engines that read every one of them. A line read otherwise (a re-reading, a
    line Tesseract settled, one engine's reading) is none's: its kept text may hold the other engine's word breaks."""
    texts: dict[str, list[str]] = {}
    for reading in readings:
        for other in reading.as_read:
            texts.setdefault(other.engine, []).append(other.text)
    return {engine: pieces for engine, pieces in texts.items() if len(pieces) == len(readings)}


def _stand_ins(original: str, readings: Sequence[Line], reading: Reading | None) -> str | None:
    """``original`` (an English-only OCR's line) with the symbols ``readings`` show where it has ASCII stand-ins
    (``merge.symbols``), when that changes it; else None. A symbol counts where PP-OCR's word there was read
    surely (``TRUSTED``), or where Tesseract's reading, beside PP-OCR's kept one, has it at the same place."""
    if reading is None or not reading.usable:
        return None
    confidence: list[float] = []
    for line in readings:
        if confidence:
            confidence.append(0.0)  # the space the lines are joined with
        confidence += _char_confidences(line)
    witnesses = [tesseract_beside(line) if line.engine == "ppocr" else None for line in readings]
    witness = " ".join(w.text for w in witnesses if w is not None) if None not in witnesses else None
    taken = symbols_read(original, reading.text, confidence=confidence, witness=witness, sure=TRUSTED)
    return taken if taken != original else None


def _char_confidences(line: Line) -> list[float]:
    """One confidence per character of PP-OCR's ``line``: its word's (PP-OCR's words are its runs between spaces,
    each with its characters' mean probability), 0 for a space and for any other engine's line.

    >>> from cwn_ocr.model import Word
    >>> line = Line("ab (±4%)", BBox(0, 0, 1, 1), (Word("ab", BBox(0, 0, 1, 1), 99.0), Word("(±4%)", BBox(0, 0, 1, 1),
    ...             91.0)), 95.0, engine="ppocr")
    >>> _char_confidences(line)
    [99.0, 99.0, 0.0, 91.0, 91.0, 91.0, 91.0, 91.0]
    """
    confidence = [0.0] * len(line.text)
    runs = list(regex.finditer(r"\S+", line.text))
    # (text-fix may change a word's characters, not how many words there are)
    if line.engine == "ppocr" and len(runs) == len(line.words):
        for run, word in zip(runs, line.words):
            confidence[run.start():run.end()] = [word.confidence or 0.0] * len(run.group())
    return confidence


def sure_beside(readings: Sequence[Line]) -> tuple[list[Line], list[Line]]:
    """The reading lines a line is replaced by, and those left out: where several reading lines stand for
    one layer line, a line the engine is unsure of over the ink of a sure one (``_over_sure``: read at
    ``ORPHAN_CONFIDENCE`` or more, or alike by two engines) holds no more evidence of text than an orphan would
    (a struck-through line read as ``下丁乓 7 下基生和三互民`` at 26 under a sure ``Norasia Container Line
    Ltd.``). An unsure line beside the sure ones, or among lines none of which is sure, is kept: it is what the
    page image offers there.

    >>> def read(text, conf, x0=0):
    ...     return Line(text, BBox(x0, 0, x0 + 100, 10), (), conf)
    >>> [[r.text for r in part] for part in sure_beside([read("Norasia Container Line Ltd.", 96.0), read("T", 56.0)])]
    [['Norasia Container Line Ltd.'], ['T']]
    >>> [[r.text for r in part] for part in sure_beside([read("安顺市", 93.0), read("草海", 65.0, x0=120)])]
    [['安顺市', '草海'], []]
    """
    over = [_over_sure(r, readings) for r in readings]
    return [r for r, out in zip(readings, over) if not out], [r for r, out in zip(readings, over) if out]


#: A PP-OCR line reading this sure (0..100) outvotes an old OCR layer on its own: PP-OCR's confidence
#: tracks its line errors (issue 21: correlation -0.90), unlike Tesseract's.
TRUSTED = 95.0


def _other_engine(readings: Sequence[Line]) -> str | None:
    """The line as the engine whose reading was not kept read it (the kept one's text where both read
    it alike), when every OCR line of the match was read by two engines; else None."""
    texts = []
    for reading in readings:
        other = next((text for engine, (text, _) in _by_engine(reading).items() if engine != reading.engine), None)
        if other is None:
            return None
        texts.append(other)
    return " ".join(texts) if texts else None


def decide_orphan(origin: Origin, text: str, confidence: float | None, *, twice: bool = False,
                  sure: bool = False, unattributed: bool = False) -> Decision:
    """Whether an OCR line that no layer line stands for is added: text the layer lacks. Never on a
    page whose text a sound font draws (a stamp, a logo or a picture's text is not the layer's to
    gain); elsewhere when the detector finds it clean, the OCR is sure, and it has a few characters
    (stamps and logos give short, confident noise), or, shorter, when two engines read it alike
    (``twice``: ``ocr.engines.corroborated``; a page footer ``第 1 页`` is short, and text all the same)
    or, on a page whose layer is an earlier OCR's (the page image is its text), when both found text
    there and PP-OCR is sure of its reading (``sure``: ``ocr.engines.surely_read``).

    >>> decide_orphan(Origin.OCR_LAYER, "生态保护红线", 91.0).action.value
    'add'
    >>> [decide_orphan(Origin.OCR_LAYER, "第1页", 99.0, twice=both).rule for both in (False, True)]
    ['unsure orphan', 'read alike twice']
    >>> [decide_orphan(origin, "第1页", 99.6, sure=True).rule for origin in (Origin.OCR_LAYER, Origin.BROKEN_FONT)]
    ['read surely', 'unsure orphan']
    >>> decide_orphan(Origin.FONT, "生态保护红线", 91.0).rule
    "sound font: not the layer's"

    Nor when it holds no letter, digit or ideograph (icons read as punctuation: ``）（★）（``).

    >>> decide_orphan(Origin.BROKEN_FONT, "）（★）（", 95.0).rule
    'no letters'

    On a broken font's page whose evidence does not say which lines that font draws (``unattributed``), most of
    the page is sound fonts' text: only a line two engines read alike is added (rotated text and rules read
    as ``- I-.-.- -1-.-.-`` are not).

    >>> [decide_orphan(Origin.BROKEN_FONT, "生态保护红线", 91.0, twice=both, unattributed=True).rule
    ...  for both in (False, True)]
    ['unsure orphan', 'missing from the layer']
    """
    if not origin.broken:
        return Decision(Action.KEEP, "sound font: not the layer's")
    if not any(char.isalnum() for char in text):
        return Decision(Action.KEEP, "no letters")
    if unattributed and not twice:
        return Decision(Action.KEEP, "unsure orphan")
    if judge_line(text).label is Label.CLEAN and (confidence or 0) >= ORPHAN_CONFIDENCE:
        if visible_length(text) >= ORPHAN_LENGTH:
            return Decision(Action.ADD, "missing from the layer")
        if twice:
            return Decision(Action.ADD, "read alike twice")
        if sure and origin is Origin.OCR_LAYER:
            return Decision(Action.ADD, "read surely")
    return Decision(Action.KEEP, "unsure orphan")


def _uncertain(lines: Sequence[Line]) -> tuple[str, ...]:
    return tuple(w.text for line in lines for w in line.words if w.confidence is not None and w.confidence < UNCERTAIN)


def _mean_confidence(lines: Sequence[Line]) -> float | None:
    confs = [line.confidence for line in lines if line.confidence is not None]
    return round(sum(confs) / len(confs), 1) if confs else None
