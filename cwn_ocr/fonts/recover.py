"""Recover broken fonts' maps, cheapest evidence first, and decode the pages they draw on.

For each font whose map is not sound (``classify``) and whose codes poppler does not read plainly
anyway (``ordinary_share`` of what it reads now), in order:

1. the map's own targets with their bytes swapped back (``byte-swapped``), or look-alike targets
   unified (``look-alike targets``);
2. the font program's cmap table or glyph names (``program``), then the installed font the subset was
   cut from, glyph by glyph where its outlines are the subset's (``installed``);
3. a legacy two-byte encoding of a simple Chinese font's strings (GBK, then Big5), decoded from the
   string bytes themselves, not from what poppler made of them;
4. the page image: the lines the font draws are read by OCR, a few chosen to see every code twice
   (at most a tenth of those lines), and each code takes the character its readings agree on
   (``vote``).

Codes never read with confidence stay unknown: lines that draw them are read from the image as any
garbled line is. Every page a repaired font draws on is read again by poppler from a copy of the PDF
that carries the recovered maps (``decoded``): the text is exact where the map is known, with poppler's
own lines and spaces, and the same maps go into the repaired PDF.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import pikepdf

from cwn_ocr.fonts import classify as status
from cwn_ocr.fonts.cmaps import tounicode_cmap
from cwn_ocr.fonts.inventory import FontRef, list_fonts
from cwn_ocr.fonts.order import named_text, numbered_fonts
from cwn_ocr.fonts.probe import ProbeLine, allocate, probe, probe_codes, read_layer, write_with_maps
from cwn_ocr.fonts.program import blank_codes, em_wide_misreads, installed_font_map, one_byte_char, program_map
from cwn_ocr.fonts.vote import accepted, aligned, choose_lines, pair, tally
from cwn_ocr.layer.charsets import HAN, to_unified
from cwn_ocr.layer.provenance import MANY_TO_ONE, analyse_tounicode, blanket_identity, many_to_one
from cwn_ocr.model import BBox, Line, Page, Word
from cwn_ocr.ocr.raster import pdfium_available

#: Of the lines a broken font draws, at most this share is read from the image to learn its map.
READ_SHARE = 0.10
#: ... but up to this many in a short document (its few lines must show every code).
MIN_LINES_READ = 40
#: A map recovered from text alone must read this plainly (``classify.ordinary_share``).
PLAIN = 0.9


@dataclass(frozen=True)
class FontRepair:
    """What was known of one font and what became of it (the JSON report's ``fonts``)."""

    key: str
    base_font: str
    status: str  # ``classify`` status before the repair
    evidence: tuple[str, ...]  # what recovered its codes, in order
    codes: int  # distinct codes the document draws with it
    recovered: dict[int, str] = field(repr=False)
    unknown: tuple[int, ...] = ()
    lines_read: int = 0  # lines read from the page image to learn its codes
    legacy: str = ""  # the two-byte encoding of a simple font's strings (gbk, big5)
    pages: tuple[int, ...] = ()  # the pages it draws on

    @property
    def repaired(self) -> bool:
        return bool(self.recovered) or bool(self.legacy)

    def to_dict(self) -> dict[str, object]:
        return {"font": self.base_font, "object": self.key, "map_before": self.status, "evidence": list(self.evidence),
                "codes": self.codes, "recovered": len(self.recovered) if not self.legacy else self.codes,
                "unknown": len(self.unknown), "lines_read": self.lines_read,
                **({"encoding": self.legacy} if self.legacy else {})}


@dataclass(frozen=True)
class FontRecovery:
    repairs: tuple[FontRepair, ...] = ()
    pages: dict[int, Page] = field(default_factory=dict)  # the layer of each page a repaired font draws, decoded
    originals: dict[int, tuple[str, ...]] = field(default_factory=dict)  # per decoded line: the layer text it was
    maps: dict[str, bytes] = field(default_factory=dict)  # font key -> the ToUnicode CMap for the repaired PDF
    # the keys (objects) of fonts whose map sends many glyphs to one character, but none that the text draws
    # (``sound_where_used``): that proof of a broken map is about glyphs the text never shows
    sound: frozenset[str] = frozenset()

    def to_list(self) -> list[dict[str, object]]:
        return [repair.to_dict() for repair in self.repairs]

    def joined(self, other: FontRecovery) -> FontRecovery:
        """Both recoveries (a later one, of other pages, after this one)."""
        return FontRecovery(self.repairs + other.repairs, {**self.pages, **other.pages},
                            {**self.originals, **other.originals}, {**self.maps, **other.maps},
                            self.sound | other.sound)


def sound_where_used(to_unicode: Mapping[int, str], used: Collection[int]) -> bool:
    """Whether a map that sends many glyphs to one character (``provenance.analyse_tounicode``) gives each
    code the text draws a character of its own: every used code is mapped, to no control character, and
    the used codes' targets are not many-to-one by the same test (pymupdf test_3197's Type3 font sends ten
    glyphs to U+0000 that only ActualText spans draw; an Arabic font's positional forms still share letters,
    a broken map's codes still share ``針``). It says only that this proof is about glyphs the text never
    shows, not that the rest of the map is right (a map shifted by 29 would pass): the pages stay a broken
    font's, ``unattributed`` (``run.pipeline.with_sound_maps``).

    >>> sound_where_used({1: ",", 2: ".", 3: "0", **{c: "\\x00" for c in range(10, 20)}}, [1, 2, 3])
    True
    >>> sound_where_used({c: "針" for c in range(12)} | {20: "轉"}, range(12))
    False
    >>> sound_where_used({1: ",", 2: "\\x00"}, [1, 2]), sound_where_used({1: ","}, [1, 5])
    (False, False)
    """
    targets = [to_unicode.get(code, "") for code in used]
    if not targets or any(not text or any(unicodedata.category(c) == "Cc" for c in text) for text in targets):
        return False
    return not many_to_one(targets)


#: Reads boxes (page, box in PDF points) of the page image with the languages given: (text,
#: confidence 0..1) for each. The fonts stage asks; the pipeline answers (with the OCR stage).
ReadBoxes = Callable[[Sequence[tuple[int, BBox]], str], list[tuple[str, float]]]


def _plain_now(font: FontRef, lines: Sequence[ProbeLine], layer: Mapping[int, Page]) -> bool:
    """Whether poppler already reads the font plainly: what the layer has where the font draws is
    ordinary text, and not its codes themselves (a font without a map that poppler reads code for
    character, ``!"#$%&'()*`` for codes 1 to 10 of a subset in order of first use, reads ordinary-looking
    and means nothing)."""
    texts, own, identical = [], 0, 0
    for line in lines:
        page = layer.get(line.page)
        if page is None:
            continue
        over = [other for other in page.lines if other.bbox.vertical_overlap(line.bbox) >= 0.6
                and other.bbox.x0 < line.bbox.x1 and line.bbox.x0 < other.bbox.x1]
        texts += [other.text for other in over]
        said = "".join("".join(other.text for other in sorted(over, key=lambda o: o.bbox.x0)).split())
        items = [item for item in line.codes if not (isinstance(item, str) and item.isspace())]
        if font.composite and len(said) == len(items):  # one character a glyph: what poppler says each CID is
            # (a simple font's one-byte code may well be its character: WinAnsi's 0x41 is "A")
            for char, item in zip(said, items):
                if isinstance(item, tuple) and item[0] == font.key:
                    own += 1
                    identical += ord(char) in (item[1], item[1] + 29, item[1] + 31)  # a code (or glyph index) as text
    if own and identical >= 0.6 * own:
        return False
    return bool(texts) and status.ordinary_share(texts) >= 0.98 and not any(
        any(0xE000 <= ord(c) <= 0xF8FF for c in text) for text in texts)


def bullets(lines: Sequence[ProbeLine], key: str) -> dict[int, str]:
    """Codes of font ``key`` drawn only as the first character of a line: where such a glyph is a bullet
    and a middle dot at once (Noto CJK draws · • ‧ ・ with one), it is the bullet (a middle dot joins
    two words, and no line starts with one).

    >>> line = ProbeLine(1, BBox(0, 0, 10, 10), (("F", 7), "取", ("F", 9)))
    >>> bullets([line, ProbeLine(1, BBox(0, 20, 10, 30), (" ", ("F", 7), "反"))], "F")
    {7: '•'}
    """
    first: dict[int, bool] = {}
    for line in lines:
        items = [item for item in line.codes if not (isinstance(item, str) and item.isspace())]
        for position, item in enumerate(items):
            if isinstance(item, tuple) and item[0] == key:
                first[item[1]] = first.get(item[1], True) and position == 0
    return {code: "\u2022" for code, leads in first.items() if leads}


def _swapped(mapping: Mapping[int, str]) -> dict[int, str]:
    out = {}
    for code, text in mapping.items():
        if len(text) == 1 and ord(text) <= 0xFFFF:
            point = ord(text)
            out[code] = chr(((point & 0xFF) << 8) | (point >> 8))
    return out


def _legacy_text(codes: Sequence[int], encoding: str) -> str | None:
    """A simple font's string bytes decoded as a legacy two-byte encoding, or None."""
    try:
        return bytes(codes).decode(encoding)
    except (UnicodeDecodeError, ValueError):
        return None


def _legacy_encoding(lines: Sequence[ProbeLine], key: str) -> str:
    """The two-byte encoding the font's strings are in (``gb18030`` or ``big5``), when every run of its
    codes decodes in it to plain text; else ""."""
    runs = [_runs_of(line, key) for line in lines]
    for encoding in ("gb18030", "big5"):
        decoded = [_legacy_text(run, encoding) for runs_ in runs for run in runs_]
        if decoded and all(text is not None for text in decoded) and \
                status.ordinary_share([t for t in decoded if t]) >= PLAIN and \
                any(HAN.search(t or "") for t in decoded):
            return encoding
    return ""


def _font_runs(items: Sequence[tuple[str, int] | str]) -> list[tuple[str, list[int]] | str]:
    """``items`` (characters, and codes of probed fonts as (font, code)) with each run of consecutive
    codes of one font as (font, [codes]); characters as they are.

    >>> _font_runs([("F", 1), ("F", 2), "a", ("G", 3), ("F", 4)])
    [('F', [1, 2]), 'a', ('G', [3]), ('F', [4])]
    """
    out: list[tuple[str, list[int]] | str] = []
    for item in items:
        if not isinstance(item, tuple):
            out.append(item)
        elif out and isinstance(out[-1], tuple) and out[-1][0] == item[0]:
            out[-1][1].append(item[1])
        else:
            out.append((item[0], [item[1]]))
    return out


def _runs_of(line: ProbeLine, key: str) -> list[list[int]]:
    """The runs of consecutive codes of font ``key`` in ``line`` (a two-byte character never spans two)."""
    return [run[1] for run in _font_runs(line.codes) if isinstance(run, tuple) and run[0] == key]


def recover_fonts(path: Path, layer: Mapping[int, Page], pages: Collection[int], *, lang: str,
                  read: ReadBoxes, password: str | None = None, permuted: bool = False) -> FontRecovery:
    """Recover the maps of the broken fonts drawn on ``pages`` of ``path`` (whose text layer is
    ``layer``) and decode those pages. ``read([(page, box), ...], lang)`` reads boxes of the page
    image and gives (text, confidence 0..1) for each: how the image is asked, when it must be.
    With ``permuted`` the pages are ones the image contradicts although their fonts' maps look sound:
    each sound font with a map is learned from the image, and kept as it was when the image agrees
    with its map (``AGREE_OLD``)."""
    with pikepdf.open(path, password=password or "") as pdf:
        fonts = list_fonts(pdf)
        candidates = []
        for font in fonts.values():
            state = status.classify(font)
            if permuted:  # (a blanket identity says the codes are Unicode: nothing in it to permute)
                state = status.PERMUTED if state == status.SOUND and font.to_unicode \
                    and not blanket_identity(font.to_unicode) else ""
            # a legacy two-byte font is decoded wherever it draws: its text may look like mere mojibake; a
            # font in vertical writing is left as poppler reads it (the OCR that would teach its codes reads
            # horizontal lines)
            if font.encoding.endswith("-V"):
                continue
            if state in status.BROKEN and (set(font.pages) & set(pages) or state == status.LEGACY):
                candidates.append((font, state))
        if not permuted:  # glyph names that only count codes: known from the string bytes, on any page
            sound = [font for font in fonts.values() if status.classify(font) == status.SOUND]
            candidates += [(fonts[key], status.NUMBERED) for key in sorted(numbered_fonts(pdf, sound))]
        if not candidates:
            return FontRecovery()
        # every page a candidate draws on: all of them are decoded below, and a code used only on a page not
        # probed would be missing from the decoding map (poppler then drops its character)
        wanted = sorted(set(layer) & {p for font, _ in candidates for p in font.pages})
        probe_lines: list[ProbeLine] = []
        todo = [font for font, _ in candidates]
        while todo:
            found, todo_next = probe(path, pdf, todo, pages=wanted, password=password)
            probe_lines += found
            if len(todo_next) == len(todo):
                break
            todo = todo_next
        repairs: list[FontRepair] = []
        used_soundly: set[str] = set()  # (``FontRecovery.sound``)
        em_wide: set[str] = set()  # fonts poppler reads plainly whose widths say otherwise
        recovered: dict[str, dict[int, str]] = {}
        legacy: dict[str, str] = {}
        for font, state in candidates:
            lines = [line for line in probe_lines if line.of_font(font.key)]
            used = sorted({code for line in lines for code in line.of_font(font.key)})
            if not used:
                continue
            if state == status.MANY_TO_ONE and font.to_unicode and sound_where_used(font.to_unicode, used) \
                    and analyse_tounicode(font.to_unicode).reasons == (MANY_TO_ONE,):
                used_soundly.add(font.key)
                continue
            # poppler reads it plainly already (its program's cmap, a predefined collection), unless the
            # widths show that what it reads is not what the glyphs are (then the font's codes are asked
            # about, and it stays as it was where the answers are what poppler read)
            if state not in (status.PERMUTED, status.LOOKALIKE, status.LEGACY, status.NUMBERED) and \
                    _plain_now(font, lines, layer):
                if not (state == status.MISSING and em_wide_misreads(pdf, font, used)):
                    continue
                em_wide.add(font.key)
            evidence: list[str] = []
            known: dict[int, str] = {}
            if state == status.LEGACY:
                encoding = _legacy_encoding(lines, font.key) if max(used) >= 0x80 else ""
                if encoding:
                    legacy[font.key] = encoding
                    repairs.append(FontRepair(font.key, font.base_font, state, (f"{encoding} bytes in the strings",),
                                              len(used), {}, (), 0, encoding, font.pages))
                    continue
                if _plain_now(font, lines, layer):
                    continue  # one-byte text after all (Latin in a font with a Chinese name)
            if state == status.BYTE_SWAPPED and font.to_unicode:
                swapped = _swapped(font.to_unicode)
                if status.ordinary_share([swapped.get(c, "") for c in used]) >= PLAIN:
                    known.update({c: swapped[c] for c in used if c in swapped})
                    evidence.append("byte swap")
            if state == status.LOOKALIKE and font.to_unicode:
                unified = {c: to_unified(t) for c, t in font.to_unicode.items()}
                known.update({c: unified[c] for c in used if c in unified})
                evidence.append("look-alike targets unified")
            # the font program's own cmap or glyph names (not when they only count codes), then the
            # installed font it was cut from (told which glyphs are bullets; not for Japanese, whose list
            # bullet is ・, the same glyph in Noto)
            installed = partial(installed_font_map, hints=bullets(lines, font.key) if "jpn" not in lang else {})
            for ask in (program_map, installed) if state != status.NUMBERED else (installed,):
                missing = [c for c in used if c not in known]
                if missing:
                    found_map, how = ask(pdf, font, missing)
                    if found_map and status.ordinary_share(list(found_map.values())) >= PLAIN:
                        known.update(found_map)
                        evidence.append(how)
            # a glyph that draws nothing and that the program does not name is a space, and no reading
            # will say so (one it names keeps its name: WenQuanYi Micro Hei's ℃ is an empty glyph)
            blank = blank_codes(pdf, font, [c for c in used if c not in known])
            if blank:
                known.update(dict.fromkeys(blank, " "))
                evidence.append("blank glyphs")
            recovered[font.key] = known
            repairs.append(FontRepair(font.key, font.base_font, state, tuple(evidence), len(used), known,
                                      tuple(c for c in used if c not in known), pages=font.pages))
    # the page image, for the codes nothing else knows (all fonts' lines read together)
    readings: dict[int, tuple[str, float]] = {}
    # a legacy font's text as the image shows it: decoded where pdfium draws the page (raster.misdrawn)
    drawn_legacy = legacy if pdfium_available() else {}
    repairs = _learn_from_image(path, repairs, probe_lines, recovered, read, lang, readings, drawn_legacy)
    # a map the image was asked about stays when the image reads what it said: a permuted-looking map,
    # or glyph names that counted codes but were right after all
    # (a font whose codes no vote settled is read where it stands, below, unless it only had to show
    # that its map was wrong)
    repairs = [r for r in repairs if (r.repaired or r.unknown and r.status not in (status.PERMUTED, status.NUMBERED))
               and not ((r.status == status.PERMUTED and _agrees(r, fonts[r.key].to_unicode or {}))
                        or (r.status == status.NUMBERED and _agrees(r, named_text(r.recovered))))]
    if repairs:
        repairs = [r for r in _read_the_rest(repairs, probe_lines, recovered, read, lang, readings, drawn_legacy)
                   if r.repaired
                   and not (r.key in em_wide and _agrees(r, {c: one_byte_char(c) for c in r.recovered}))]
    if not repairs:
        return FontRecovery(sound=frozenset(used_soundly))
    return replace(_decode(path, repairs, probe_lines, fonts, recovered, legacy, layer, password),
                   sound=frozenset(used_soundly))


#: A map the image was asked about is kept when this share of the codes learned reads as it says.
AGREE_OLD = 0.8


def _agrees(repair: FontRepair, old: Mapping[int, str]) -> bool:
    """Whether what the image taught of a font's codes is what its own map (``old``) says (then the
    map was right, and whatever the sample check saw was something else)."""
    learned = list(repair.recovered.items())
    return bool(learned) and sum(1 for code, char in learned if old.get(code) == char) >= AGREE_OLD * len(learned)


def _spelled(line: ProbeLine, recovered: Mapping[str, Mapping[int, str]],
             legacy: Mapping[str, str] | None = None) -> tuple[tuple[str, int] | str, ...]:
    """The line with the codes already known as characters: they anchor the alignment like any sound
    font's text. A ``legacy`` font's byte runs are spelled decoded (GBK, Big5) when the image read is
    pdfium's, which draws them so (``raster.misdrawn``); poppler's draws them as Latin-1 and they stay
    codes.

    >>> line = ProbeLine(1, BBox(0, 0, 1, 1), (("G", 0xB1), ("G", 0xB1), ("F", 7), "1"))
    >>> _spelled(line, {"F": {7: "x"}}, {"G": "gbk"})
    ('北', 'x', '1')
    """
    legacy = legacy or {}
    items: list[tuple[str, int] | str] = []
    for run in _font_runs(line.codes):
        if not isinstance(run, tuple):
            items.append(run)
            continue
        key, codes = run
        text = _legacy_text(codes, legacy[key]) if key in legacy else None
        items.extend(text if text is not None else (recovered.get(key, {}).get(code, (key, code)) for code in codes))
    return tuple(items)


def _learn_from_image(path: Path, repairs: list[FontRepair], probe_lines: Sequence[ProbeLine],
                      recovered: dict[str, dict[int, str]], read: ReadBoxes, lang: str,
                      readings_of: dict[int, tuple[str, float]], drawn_legacy: Mapping[str, str]) -> list[FontRepair]:
    """The repairs with what the page image teaches of their unknown codes; ``readings_of`` gets the
    reading of each probe line read (by its index in ``probe_lines``); ``drawn_legacy``: the legacy
    fonts the image shows decoded (``_spelled``)."""
    unknown = {(r.key, c) for r in repairs if not r.legacy for c in r.unknown}
    if not unknown:
        return repairs
    fonts_of = {r.key for r in repairs}
    indices = [k for k, line in enumerate(probe_lines)
               if any(isinstance(i, tuple) and i[0] in fonts_of for i in line.codes)]
    lines = [probe_lines[k] for k in indices]
    spelled = [_spelled(line, recovered, drawn_legacy) for line in lines]
    budget = max(MIN_LINES_READ, round(READ_SHARE * len(lines)))
    lines_with: dict = {}
    for line in spelled:
        for code in {i for i in line if isinstance(i, tuple)}:
            lines_with[code] = lines_with.get(code, 0) + 1
    chosen: list[int] = []
    votes: dict = {}
    learned: dict = {}
    for _round in range(2):  # then once more for the codes the first lines left unsure
        wanted = unknown - set(learned)
        picks = [i for i in choose_lines(spelled, wanted, budget - len(chosen)) if i not in chosen]
        if not picks:
            break
        readings = read([(lines[i].page, lines[i].bbox) for i in picks], lang)
        readings_of.update({indices[i]: reading for i, reading in zip(picks, readings)})
        chosen += picks
        batch = [(pair(spelled[i], text), conf) for i, (text, conf) in zip(picks, readings) if text]
        for code, chars in tally(batch).items():
            for char, weights in chars.items():
                votes.setdefault(code, {}).setdefault(char, []).extend(weights)
        learned = accepted(votes, lines_with)
    out = []
    for r in repairs:
        if r.legacy:
            out.append(r)
            continue
        mine = {code: char for (key, code), char in learned.items() if key == r.key}
        if mine:
            recovered[r.key] = {**r.recovered, **mine}
        known = recovered.get(r.key, r.recovered)
        read_lines = sum(1 for i in chosen if lines[i].of_font(r.key))
        evidence = r.evidence + ((f"page image ({read_lines} lines read, codes voted)",) if mine else ())
        out.append(FontRepair(r.key, r.base_font, r.status, evidence, r.codes, known,
                              tuple(c for c in sorted(set(r.unknown)) if c not in known), read_lines, pages=r.pages))
    return out


#: A line's own reading gives its unknown codes when it was at least this sure (0..1).
FILL_CONFIDENCE = 0.6


def _read_the_rest(repairs: Sequence[FontRepair], probe_lines: Sequence[ProbeLine],
                   recovered: dict[str, dict[int, str]], read: ReadBoxes, lang: str,
                   readings_of: dict[int, tuple[str, float]], drawn_legacy: Mapping[str, str]) -> list[FontRepair]:
    """The codes no vote settled, read where they stand: every line that still draws one is read (the
    lines read to learn the map are not read again), its known characters anchor each unknown code
    exactly, and a code takes what most of its lines read (these lines would be read from the image
    anyway; reading them here keeps the known characters exact and puts the rest into the map)."""
    keys = {r.key for r in repairs if not r.legacy}
    todo = [k for k, line in enumerate(probe_lines)
            if any(isinstance(i, tuple) and i[0] in keys and i[1] not in recovered.get(i[0], {}) for i in line.codes)]
    unread = [k for k in todo if k not in readings_of]
    if unread:
        readings_of.update(zip(unread, read([(probe_lines[k].page, probe_lines[k].bbox) for k in unread], lang)))
    seen: dict[tuple[str, int], Counter[str]] = {}
    for k in todo:
        text, confidence = readings_of.get(k, ("", 0.0))
        if confidence < FILL_CONFIDENCE:
            continue
        for _index, code, char in aligned(_spelled(probe_lines[k], recovered, drawn_legacy), text):
            if code[0] in keys and code[1] not in recovered.get(code[0], {}):
                seen.setdefault(code, Counter())[char] += 1
    out = []
    for r in repairs:
        mine = {code: chars.most_common(1)[0][0] for (key, code), chars in seen.items() if key == r.key}
        if not mine:
            out.append(r)
            continue
        recovered[r.key] = known = {**recovered.get(r.key, {}), **mine}
        read_lines = sum(1 for k in todo if probe_lines[k].of_font(r.key))
        out.append(FontRepair(r.key, r.base_font, r.status, r.evidence + (
            f"page image (the {read_lines} lines with codes still unknown read, {len(mine)} codes taken)",),
            r.codes, known, tuple(c for c in r.unknown if c not in known), r.lines_read + read_lines, r.legacy,
            r.pages))
    return out


def _decode(path: Path, repairs: Sequence[FontRepair], probe_lines: Sequence[ProbeLine], fonts: Mapping[str, FontRef],
            recovered: Mapping[str, Mapping[int, str]], legacy: Mapping[str, str], layer: Mapping[int, Page],
            password: str | None) -> FontRecovery:
    """The pages the repaired fonts draw on, read again with the recovered maps."""
    # unknown codes (and a legacy font's bytes) read as probe characters of their own, found again below
    used = {r.key: {c for line in probe_lines for c in line.of_font(r.key)} for r in repairs}
    base = allocate({key: max(codes, default=0) + 1 for key, codes in used.items()})
    decode_maps, pdf_maps = {}, {}
    for repair in repairs:
        font = fonts[repair.key]
        known = dict(recovered.get(repair.key, {})) if not repair.legacy else {}
        full = {c: known.get(c, chr(base[repair.key] + c) if repair.key in base else "\ufffd")
                for c in used[repair.key]}
        decode_maps[repair.key] = tounicode_cmap(full, code_bytes=font.code_bytes)
        if known:
            pdf_maps[repair.key] = tounicode_cmap(known, code_bytes=font.code_bytes)
    pages = sorted({p for repair in repairs for p in fonts[repair.key].pages} & set(layer))
    with tempfile.TemporaryDirectory(prefix="cwn-decode-") as tmp:
        copy = Path(tmp) / "decoded.pdf"
        write_with_maps(path, decode_maps, copy, password=password)
        decoded = read_layer(copy, pages=pages, password=password)
    out_pages: dict[int, Page] = {}
    originals: dict[int, tuple[str, ...]] = {}
    for page in decoded:
        lines, of_legacy = [], []
        for line in page.lines:
            items = [probe_codes(word.text, base) for word in line.words]
            words = tuple(Word(_spell(codes, legacy), word.bbox) for codes, word in zip(items, line.words))
            lines.append(decoded_line(words) if words else line)
            of_legacy.append(any(isinstance(c, tuple) and c[0] in legacy for codes in items for c in codes))
        lines = rejoined(lines, of_legacy)
        out_pages[page.number] = Page(page.number, page.width, page.height, tuple(lines))
        originals[page.number] = tuple(_original(line.bbox, layer[page.number]) for line in lines)
    return FontRecovery(tuple(repairs), out_pages, originals, pdf_maps)


def rejoined(lines: Sequence[Line], of_legacy: Sequence[bool]) -> list[Line]:
    """``lines`` with the pieces poppler cut one printed line into put back together.

    A legacy two-byte font's strings are read a byte at a time, each byte with its own width, so poppler
    places its glyphs wider than they are drawn; where the next piece of the line then starts left of
    where poppler thinks the last one ended, it begins a new line (MinerU's test_01: a caption in four
    lines, ``FHIT 基因外显子 3、`` / ``4 、`` / ``5 、`` / ``8 和微卫星灶…``, and an English caption's two
    halves in the wrong order). Neighbours in poppler's order are one line again when they stand on one
    row (their heights overlap by 80 %), overlap left to right (lines that merely touch are cells of a
    table) by less than half the narrower one and a line height (more would be text drawn twice, which
    poppler keeps apart on purpose), and one of them draws a legacy font; the pieces are joined left to
    right (and a piece of a glyph or two that overlaps more but stands an advance on). Other lines are left as
    poppler gave them.

    >>> def line(text, x0, x1, y0=0.0):
    ...     return Line.from_words([Word(text, BBox(x0, y0, x1, y0 + 8))])
    >>> [l.text for l in rejoined([line("基因 3、", 0, 30), line("4、", 28, 40), line("5 和", 38, 60)],
    ...                           [True, True, True])]
    ['基因 3、 4、 5 和']
    >>> [l.text for l in rejoined([line("of FHIT gene", 60, 120), line("Agarose of exon", 0, 62)], [True, False])]
    ['Agarose of exon of FHIT gene']
    >>> [l.text for l in rejoined([line("3、", 0, 30), line("4、", 28, 40)], [False, False])]  # no legacy font
    ['3、', '4、']
    >>> [l.text for l in rejoined([line("3、", 0, 30), line("4、", 28, 40, y0=9)], [True, True])]  # next row
    ['3、', '4、']
    >>> [l.text for l in rejoined([line("单位", 0, 30), line("数量", 30, 50)], [True, True])]  # cells that touch
    ['单位', '数量']

    A piece of a glyph or two that overlaps more, but stands an advance on (``ADVANCE``), is joined too; one drawn
    where the line's last glyph is drawn is not:

    >>> entry = Line.from_words([Word("释", BBox(0, 0, 10, 8)), Word("１", BBox(20, 0, 30, 8))])
    >>> [l.text for l in rejoined([line("１", 25, 36), entry], [True, True])]
    ['释 １１']
    >>> [l.text for l in rejoined([line("１", 20.5, 30.5), entry], [True, True])]
    ['１', '释 １']
    >>> [l.text for l in rejoined([line("２０", 3, 24), entry], [True, True])]  # over the middle of the line
    ['２０', '释 １']
    >>> [l.text for l in rejoined([line("１", 25, 36), line("释", 0, 22), line("１", 20, 30)], [True] * 3)]
    ['释１１']
    """
    # twice: a piece poppler gave before the line it belongs to meets that line whole only the second time
    # (XiaoBiaoSong's ``１`` before ``对 独 立 … １``, which poppler reads a glyph at a time)
    for _ in range(2):
        out: list[Line] = []
        legacy_out: list[bool] = []
        for line, is_legacy in zip(lines, of_legacy):
            if out and (is_legacy or legacy_out[-1]) and _one_row(out[-1], line):
                left, right = sorted((out[-1], line), key=lambda piece: piece.bbox.x0)
                out[-1] = decoded_line(left.words + right.words)
                legacy_out[-1] = True
            else:
                out.append(line)
                legacy_out.append(is_legacy)
        if len(out) == len(lines):
            break
        lines, of_legacy = out, legacy_out
    return out


def decoded_line(words: Sequence[Word]) -> Line:
    """The line of a decoded page's ``words``: each without the white space around it (a legacy font's string
    of one character and a space byte, which poppler reads as a word of its own), a space between two words
    unless both sides are em-wide (ideographs, full-width forms) and the second begins before the first ends:
    characters drawn an em apart, the space byte after each overlapped by the next (pdf.js XiaoBiaoSong). A
    space with room on the page (``■ 物种``, ``溶解氧 ≥ 8.8``) stays.

    >>> def word(text, x0, x1):
    ...     return Word(text, BBox(x0, 0, x1, 12))
    >>> decoded_line([word("关 ", 0, 15.8), word("于 ", 12, 27.8), word("红", 24, 36)]).text
    '关于红'
    >>> decoded_line([word("关于", 0, 24), word("红军", 27, 51), word("CO2", 52, 70), word("排放", 69, 93)]).text
    '关于 红军 CO2 排放'
    """
    kept = [Word(w.text.strip(_SPACES), w.bbox, w.confidence) for w in words if w.text.strip(_SPACES)]
    kept = kept or list(words[:1])
    line = Line.from_words(kept)
    parts = [kept[0].text]
    for before, after in zip(kept, kept[1:]):
        # on one row, the second begun before the first ends: a space with room would stand between them
        overlapping = after.bbox.x0 < before.bbox.x1 and before.bbox.vertical_overlap(after.bbox) >= 0.5
        wide = _em_wide(before.text[-1:]) and _em_wide(after.text[:1])
        parts += ["" if overlapping and wide else " ", after.text]
    return replace(line, text="".join(parts))


#: The white space a decoded word loses at its ends: a space byte's, not the ideographic space (``目\u3000\u3000录``).
_SPACES = " \t\r\n"


def _em_wide(char: str) -> bool:
    """An ideograph, a full-width form, or a mark a CJK font may set in an em (``unicodedata.east_asian_width``
    W or F; A where it is no letter: ``…``, ``※``, not ``é``).

    >>> [_em_wide(c) for c in "关，１…éA"]
    [True, True, True, True, False, False]
    """
    width = unicodedata.east_asian_width(char) if char else ""
    return width in ("W", "F") or (width == "A" and not char.isalpha())


def _one_row(a: Line, b: Line) -> bool:
    """True when ``a`` and ``b`` are pieces of one printed line (``rejoined``)."""
    if a.bbox.vertical_overlap(b.bbox) < 0.8 or min(a.bbox.height, b.bbox.height) < 0.8 * max(a.bbox.height,
                                                                                               b.bbox.height):
        return False
    overlap = min(a.bbox.x1, b.bbox.x1) - max(a.bbox.x0, b.bbox.x0)
    if overlap <= 0:
        return False
    if overlap < min(0.5 * min(a.bbox.width, b.bbox.width), max(a.bbox.height, b.bbox.height)):
        return True
    # more overlap: text drawn twice stands where it stood, a glyph or two of the next piece stands an advance on
    # (XiaoBiaoSong's page number ``１１``: two full-width digits drawn half an em apart, the second a piece of
    # its own, placed before the line)
    left, right = sorted((a, b), key=lambda piece: piece.bbox.x0)
    if len(right.words) > 2 or not left.words or not right.words:
        return False
    # the piece stands after the line's last glyph, an advance on from it (not over the middle of the line)
    last = max(left.words, key=lambda w: w.bbox.x0)
    return right.words[0].bbox.x0 - last.bbox.x0 >= ADVANCE * max(a.bbox.height, b.bbox.height)


#: Glyphs this many line heights apart or more are two glyphs, not one drawn twice (fake bold, a shadow: a
#: fraction of a point apart).
ADVANCE = 0.3


def _spell(items: Sequence[tuple[str, int] | str], legacy: Mapping[str, str]) -> str:
    """A decoded line's text: legacy fonts' byte runs decoded, unknown codes as private-use characters
    (U+F0000 + code: garbage the detector sees, to be read from the image)."""
    out: list[str] = []
    for run in _font_runs(items):
        if not isinstance(run, tuple):
            out.append(run)
            continue
        key, codes = run
        text = _legacy_text(codes, legacy[key]) if key in legacy else None
        out.append(text if text is not None else "".join(chr(0xF0000 + (c & 0xFFFF)) for c in codes))
    return "".join(out)


def _original(box: BBox, page: Page) -> str:
    """The layer's text where a decoded line lies: the original lines it overlaps, left to right."""
    over = [line for line in page.lines if line.bbox.vertical_overlap(box) >= 0.5
            and line.bbox.x0 < box.x1 and box.x0 < line.bbox.x1]
    return " ".join(line.text for line in sorted(over, key=lambda line: line.bbox.x0))
