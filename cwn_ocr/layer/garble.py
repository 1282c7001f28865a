"""Decide how far each line of a text layer can be trusted: clean, fixable or garbled.

Pure functions, no I/O. A line is cut into *atoms* (a Han run, a Latin word, a number, a
symbol...); each atom is judged on its own, and runs of suspicious atoms become *spans*
that are labelled by the evidence they carry together. That is what lets one English
line keep its words while the garbage glued into its middle is flagged:

>>> line = ("Currently, the city has developed management plans "
...         "targetingllZX—#%EE, A, E5IES invasive alien species.")
>>> verdict = judge_line(line)
>>> verdict.label.value, [span.text_of(line) for span in verdict.spans]
('garbled', ['llZX—#%EE, A, E5IES'])
>>> judge_line("FERAIT (PEARRMEBARIPXFEAG) SEXERENNGE").label.value
'garbled'
>>> judge_line("Kunming has partnered with ICLEI and the UN on OECMs (CO2, 42 km2).").label.value
'clean'
>>> judge_line("安顺市严格执行“三区三线”管理，全市森林覆盖率62.35%。").label.value
'clean'
>>> judge_line("構を⼀つの箱内に収めたもの").label.value
'fixable'

The signals are the ones English-only OCR of Chinese text leaves behind: upper-case Latin
runs that are no English word (checked against wordfreq's English list), letters and
digits mixed in ways no unit or code is written, stray ``#%|@`` symbols; and the ones
broken fonts leave: private-use, replacement and control characters, ``(cid:N)``, glyph
names. Fixable text is what ``textfix`` can repair without the image: mojibake (found by
decoding it, see ``charsets``), Kangxi radicals and compatibility ideographs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import regex

from cwn_ocr.columns import Gutter, split_rows
from cwn_ocr.layer import english
from cwn_ocr.layer.charsets import LOOKALIKE_IDEOGRAPH, find_mojibake, mojibake_encoding, visible_length
from cwn_ocr.model import CLEAN_VERDICT, BBox, Label, Line, Row, Span, Verdict

# patterns compiled once (these run for every word of every line)
_LETTERS_ONLY = regex.compile(r"[\p{L}\p{M}]+")
_LATIN_LETTER = regex.compile(r"\p{Latin}")
_JOINED_TOKEN = regex.compile(r"[\p{L}\p{N}]+(?:[-'’./:,][\p{L}\p{N}]+)+%?")
_WORD_PART = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_GRADE = regex.compile(r"\d{1,3}[A-Z]{1,3}")
_DIGIT_LOOKALIKES = regex.compile(r"[\dIlOoZSBqg]+")
_LETTER_OR_SYMBOL = regex.compile(r"[\p{L}\p{S}]")
_LETTER = regex.compile(r"\p{L}")
_PRIVATE_USE = regex.compile(r"\p{Co}")
_UNASSIGNED = regex.compile(r"[\p{Cn}\p{Cs}]")

#: A span whose atoms add up to this much evidence is garbled.
SPAN_EVIDENCE = 2.0
#: A line whose garbled spans cover this share of its visible characters is garbled whole.
WHOLE_LINE_SHARE = 0.5
#: zipf frequency (log10 per billion words) from which a lower-case token is an English word.
WORD_ZIPF = 2.0
#: The same for an upper-case token of four letters or more, which may also be an acronym.
CAPS_WORD_ZIPF = 2.5


class Kind(Enum):
    GOOD = "good"  # a word, a number, Han text: ends a suspicious run
    NEUTRAL = "neutral"  # may belong to either side (names, single letters)
    SUSPECT = "suspect"  # carries evidence of garbling
    BROKEN = "broken"  # garbled by itself (control, private-use, cid)
    FIXABLE = "fixable"  # text-only repair will restore it
    GLUE = "glue"  # spaces and ordinary punctuation


@dataclass(frozen=True)
class Atom:
    start: int
    end: int
    kind: Kind
    weight: float = 0.0
    reason: str = ""


_LOOKALIKE_CLASS = r"[\u2E80-\u2FDF\u31C0-\u31EF\uF900-\uFAFF\U0002F800-\U0002FA1F]"
# letters and digits of alphabetic scripts (not Han, kana, Hangul or full-width forms)
_LETTER_CLASS = r"[[\p{L}\p{M}\p{Nd}]--[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\uFF00-\uFFEF]]"
# signs of measures, formulas and lists, written as text: math symbols (not the ASCII ones OCR makes of
# noise), degrees, primes, units, arrows, bullets and marks
_SIGN_CLASS = (r"[[\p{Sm}\u00B0\u2032\u2033\u2103\u2109\u2030\u00B5\u2126\u00A7\u00B6\u00A9\u00AE\u2122"
               r"\u2190-\u21FF\u25A0-\u25FF\u2605\u2606\u203B\u00B2\u00B3\u00B9]--[<=>+|~^\u00AC]]")
_GLYPH_NAME = r"(?:uni[0-9A-F]{4,6}|glyph\d+|gid\d+|g\d{2,5}|/[A-Za-z]+\d+)"  # what some extractors print
# an expression over sigil variables (Perl, shell, PHP): ``$a = $b + $c``, ``$i <= @list``; one operand
# alone ("$EXE") is not enough, an expression is code no OCR of Han spells
_SIGIL_VARIABLE = r"[$@%][A-Za-z_][A-Za-z0-9_]*"
_SIGIL_EXPRESSION = rf"{_SIGIL_VARIABLE}(?:\s*(?:[-+*/.<>=!]=?|=~)\s*(?:{_SIGIL_VARIABLE}|\d+))+"
# characters that are no text whatever the page shows: private use (cwn-ocr's marks of unknown codes among
# them), surrogates, unassigned code points, the replacement character; control characters but tab and breaks
_UNKNOWN_CLASS = r"[\p{Co}\p{Cs}\p{Cn}\uFFFD]"
_CONTROL_CLASS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
_ATOM = regex.compile(
    r"""
      (?P<cid>\(cid:\d+\))
    | (?P<broken>{UNKNOWN}+|{CONTROL}+)
    | (?P<glyph>(?<![\p{L}\p{N}]){GLYPH}(?![\p{L}\p{N}]))
    | (?P<url>(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|\b10\.\d{4,}/\S+)
    | (?P<lookalike>[\u2E80-\u2EFF\u2F00-\u2FDF\u31C0-\u31EF\uF900-\uFAFF\U0002F800-\U0002FA1F]+)
    | (?P<han>[[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303F\uFF00-\uFFEF]--{LOOKALIKE}]+)
    | (?P<othernum>\p{No}+)
    | (?P<ident>(?<![A-Za-z0-9])(?:{SIGILS}|[A-Za-z]\+\+|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)(?![A-Za-z0-9_+]))
    | (?P<alnum>{LETTER}+(?:['’.,:/-]{LETTER}+)*)
    | (?<=[\p{L}\p{N}])%
    | (?<=[\p{L}\p{N}\u2032\u2033'’])[+=<>](?=\s?\d)|[+=<>](?=\d)|(?<=[\p{L}\p{N}_\u2032\u2033'’])=(?=[\p{L}"'$])
    | (?P<space>\s+)
    | (?P<punct>[.,;:!?'"`()\[\]\-‐–—/’‘“”…·•*]+)
    | (?P<sign>{SIGN}+)
    | (?P<currency>\p{Sc}(?=\d))
    | (?P<symbol>.)
    """
    .replace("{LOOKALIKE}", _LOOKALIKE_CLASS).replace("{SIGN}", _SIGN_CLASS).replace("{LETTER}", _LETTER_CLASS)
    .replace("{GLYPH}", _GLYPH_NAME).replace("{SIGILS}", _SIGIL_EXPRESSION)
    .replace("{UNKNOWN}", _UNKNOWN_CLASS).replace("{CONTROL}", _CONTROL_CLASS),
    regex.VERBOSE | regex.V1,
)

_NUMBER = regex.compile(r"^\d+(?:[.,:/-]\d+)*%?$")
_NUMBER_SUFFIX = regex.compile(
    r"^\d+(?:[.,]\d+)?(?:st|nd|rd|th|s|ms|min|km|m|nm|um|μm|mm|cm|ha|g|mg|μg|kg|t|ml|mL|L|h|am|pm|°C|A|mA|B|C|D|x|"
    r"V|kV|mV|W|kW|MW|GW|kWh|Wh|Hz|kHz|MHz|GHz|Pa|kPa|MPa|J|kJ|K|KB|MB|GB|TB|ppm|ppb|dB|bpm|mmHg|rpm|mol)$")
# chemical formulas: two element symbols or more, with counts (H2SO4, SO3H, Al2O3, 18VONa)
_ELEMENT = (r"(?:He|Li|Be|Ne|Na|Mg|Al|Si|Cl|Ar|Ca|Sc|Ti|Cr|Mn|Fe|Co|Ni|Cu|Zn|Ga|Ge|As|Se|Br|Kr|Rb|Sr|Zr|Nb|Mo|Ru|"
            r"Rh|Pd|Ag|Cd|In|Sn|Sb|Te|Xe|Cs|Ba|La|Ce|Nd|Gd|Pt|Au|Hg|Tl|Pb|Bi|Rn|Ra|U|H|B|C|N|O|F|P|S|K|V|I|W|Y)")
_FORMULA = regex.compile(rf"^\d*(?:{_ELEMENT}\d{{0,3}}){{2,}}$")
# a formula without digits names a two-letter element (NaOH, HCl, KMnO): all capitals is an acronym's look
_TWO_LETTER_ELEMENT = regex.compile(r"[A-Z][a-z]")
_CODE = regex.compile(r"^[A-Z]{1,3}\d{5,}$")  # S0120521020003: a letter or three before a long number
_UNIT = regex.compile(r"^(?:[a-z]{1,3}|[A-Z]{1,4})\d{1,4}(?:\.\d+)?$")  # km2, CO2, PM2.5, G20, SDG15
_WORD_THEN_NUMBER = regex.compile(r"^(\p{Ll}+)(\d+(?:[.,]\d+)*%?)$")  # "is42432.88"
_CAMEL_PART = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})")


@lru_cache(maxsize=65536)
def english_zipf(word: str) -> float:
    """wordfreq's English frequency of ``word`` (case-insensitive), 0 for unknown words."""
    return english.zipf(word)


def is_english_word(word: str, *, caps: bool = False) -> bool:
    return english_zipf(word) >= (CAPS_WORD_ZIPF if caps else WORD_ZIPF)


@lru_cache(maxsize=16384)
def segments_into_words(token: str, *, min_part: int = 3, max_parts: int = 3) -> bool:
    """True when ``token`` is a few common English words written together.

    >>> segments_into_words("CITIESWITHNATURE"), segments_into_words("SEXERENNGE")
    (True, False)
    """
    lower = token.lower()
    best: list[int | None] = [0] + [None] * len(lower)  # fewest parts covering lower[:i]
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 20), end - min_part + 1):
            parts = best[start]
            if parts is None or parts >= max_parts:
                continue
            if english_zipf(lower[start:end]) >= 3.5:
                if best[end] is None or parts + 1 < (best[end] or 0):
                    best[end] = parts + 1
    return best[len(lower)] is not None


def _english_prefix(token: str) -> int:
    """Length of the longest common English word (>= 3 letters) that ``token`` starts with."""
    for end in range(len(token) - 1, 2, -1):
        if english_zipf(token[:end]) >= 3.0:
            return end
    return 0


def _judge_letters(text: str, start: int) -> list[Atom]:
    """Atoms for a run of letters only."""
    end = start + len(text)
    if text.islower() or text.istitle() and text[1:].islower():
        if is_english_word(text):
            return [Atom(start, end, Kind.GOOD)]
        if len(text) > 5 and segments_into_words(text):  # "cityhas": a missing space
            return [Atom(start, end, Kind.GOOD)]
        prefix = _english_prefix(text)
        if prefix:  # "targetingll": a word with something glued to it
            rest = _judge_letters(text[prefix:], start + prefix)
            if len(rest) == 1 and rest[0].kind in (Kind.GOOD, Kind.NEUTRAL):
                # a leftover glued to a word ("ll", "tkll") is no word of its own
                rest = [Atom(start + prefix, end, Kind.SUSPECT, 0.5, "letters glued to a word")]
            return [Atom(start, start + prefix, Kind.GOOD)] + rest
        return [Atom(start, end, Kind.NEUTRAL)]
    if text.isupper() or (text[:-1].isupper() and text.endswith("s") and len(text) > 2):
        letters = text[:-1] if text.endswith("s") and not text.isupper() else text
        if len(letters) == 1:
            return [Atom(start, end, Kind.GOOD if letters in "AI" else Kind.NEUTRAL, 0.5)]
        if len(letters) == 2:  # almost every pair of capitals is somebody's acronym
            return [Atom(start, end, Kind.NEUTRAL, 0.5)]
        zipf = english_zipf(letters)
        if len(letters) > 3 and (zipf >= CAPS_WORD_ZIPF or segments_into_words(letters)):
            return [Atom(start, end, Kind.GOOD)]
        if zipf >= 1.0:  # a rare word, an acronym, or garbage that happens to spell one
            return [Atom(start, end, Kind.NEUTRAL, 0.0 if len(letters) <= 3 else 0.5)]
        if len(letters) <= 3:
            return [Atom(start, end, Kind.SUSPECT, 0.5, "short upper-case non-word")]
        if len(letters) <= 5:
            return [Atom(start, end, Kind.SUSPECT, 1.0, "upper-case non-word")]
        return [Atom(start, end, Kind.SUSPECT, 3.0, "long upper-case non-word")]
    parts = [(m.start(), m.group()) for m in _CAMEL_PART.finditer(text)]
    if "".join(p for _, p in parts) != text:
        return [Atom(start, end, Kind.SUSPECT, 2.0, "mixed-case non-word")]
    if len(parts) == 1:  # one part, whose case Python's own Unicode tables do not know (a letter newer
        # than them, U+1DF1F, that ``regex`` calls lower-case): not ours to judge, and no part to recurse on
        return [Atom(start, end, Kind.NEUTRAL)]
    if all(len(p) >= 2 and english_zipf(p) >= 3.0 and (i == 0 or p.istitle())
           for i, (_, p) in enumerate(parts)):  # CitiesWithNature, iPhone
        return [Atom(start, end, Kind.GOOD)]
    # "fEEHE", "targetingllZX": judge the parts, and count the odd casing against the last
    atoms = [a for offset, part in parts for a in _judge_letters(part, start + offset)]
    odd = atoms[-1]
    penalty = 0.5 if len(text) <= 3 else 1.5  # "PhD" is odder than it is garbled
    atoms[-1] = Atom(odd.start, odd.end, Kind.SUSPECT, odd.weight + penalty, "mixed-case non-word")
    return atoms


def _judge_alnum(text: str, start: int) -> list[Atom]:
    end = start + len(text)
    if _NUMBER.match(text) or _NUMBER_SUFFIX.match(text) or _UNIT.match(text) or (
            _FORMULA.match(text) and (any(c.isdigit() for c in text) or _TWO_LETTER_ELEMENT.search(text)
                                      and len(text) <= 6 and sum(c.isupper() for c in text) >= 2)):
        return [Atom(start, end, Kind.GOOD)]
    if _LETTERS_ONLY.fullmatch(text):
        if not _LATIN_LETTER.search(text):  # Greek, Cyrillic...: not ours to judge
            return [Atom(start, end, Kind.NEUTRAL)]
        return _judge_letters(text, start)
    glued = _WORD_THEN_NUMBER.match(text)
    if glued and is_english_word(glued.group(1)):
        return [Atom(start, end, Kind.GOOD)]
    if _JOINED_TOKEN.fullmatch(text):
        # hyphenated or dotted compounds: judge each part, e.g. "ICLEI-Kunming", "e.g"
        atoms: list[Atom] = []
        for part in _WORD_PART.finditer(text):
            atoms += _judge_alnum(part.group(), start + part.start())
        return atoms
    if _GRADE.fullmatch(text) or _CODE.fullmatch(text):  # 5A级, 4A, 3YB, S0120521020003
        return [Atom(start, end, Kind.NEUTRAL, 0.5)]
    digits = sum(c.isdigit() for c in text)
    if digits >= 1 and len(text) >= 3 and _DIGIT_LOOKALIKES.fullmatch(text):  # "20I5", "ZOq5": OCR slips
        return [Atom(start, end, Kind.SUSPECT, 2.0, "digit misread as a letter")]
    if digits >= 0.4 * len(text):  # grant and product codes: 22BGL095, 2023C25043
        return [Atom(start, end, Kind.NEUTRAL, 0.5)]
    return [Atom(start, end, Kind.SUSPECT, 2.0, "letters and digits mixed")]


def atomize(text: str, *, alone: bool | str | None = False) -> list[Atom]:
    """Cut ``text`` into judged atoms covering it completely, in order.

    >>> [(text[a.start:a.end], a.kind.value) for text in ["is42432.88 ha"] for a in atomize(text)]
    [('is42432.88', 'good'), (' ', 'glue'), ('ha', 'good')]
    """
    judged = [(start, end, Atom(start, end, Kind.FIXABLE, 1.0, "mojibake"))
              for start, end, _decoded in find_mojibake(text, alone=alone)]
    judged += [(start, end, atom) for start, end, atom in _rare_cjk_runs(text)
               if not any(s < end and start < e for s, e, _ in judged)]
    atoms: list[Atom] = []
    position = 0
    for start, end, atom in sorted(judged, key=lambda item: item[0]):
        atoms += _atomize_plain(text[position:start], position)
        atoms.append(atom)
        position = end
    atoms += _atomize_plain(text[position:], position)
    return atoms


_NON_ASCII_RUN = regex.compile(r"[^\x00-\x7F\s]+")
#: The reason of a run of characters ordinary text almost never uses (``_rare_cjk_runs``).
RARE_IDEOGRAPHS = "rare ideographs"


def _rare_cjk_runs(text: str) -> list[tuple[int, int, Atom]]:
    """Runs of non-ASCII text made mostly of characters nobody writes: what glyph codes look
    like when a CJK font has no usable ToUnicode map (``㱧걹䄬㵒䡘``), judged as one piece
    because the odd letters and symbols among them would otherwise cut them up."""
    found = []
    for match in _NON_ASCII_RUN.finditer(text):
        if _all_gbk(match.group()):
            continue  # every character is a two-byte GBK one: none is rare (the common case, fast)
        if _one_alphabet(text, match.start(), match.end()):
            continue  # a word of Hebrew, Arabic, Hindi..., the accents of a Latin word: text, however rare in Chinese
        classes = [_rarity(c) for c in match.group()]
        rare, counted = classes.count(2), len(classes) - classes.count(0)
        if rare >= 2 and rare >= 0.3 * counted:
            found.append((match.start(), match.end(),
                          Atom(match.start(), match.end(), Kind.SUSPECT, 1.0 * rare, RARE_IDEOGRAPHS)))
    return found


def _atomize_plain(text: str, offset: int) -> list[Atom]:
    atoms: list[Atom] = []
    for match in _ATOM.finditer(text):
        group = match.lastgroup
        start, end = match.start() + offset, match.end() + offset
        value = match.group()
        if group in ("cid", "broken", "glyph"):
            reason = {"cid": "(cid:N) placeholder", "glyph": "glyph name",
                      "broken": _broken_reason(value)}[group]
            atoms.append(Atom(start, end, Kind.BROKEN, 3.0 * len(value), reason))
        elif group == "lookalike":
            atoms.append(Atom(start, end, Kind.FIXABLE, 1.0, "radical or compatibility ideograph"))
        elif group in ("han", "url", "currency", "othernum"):
            atoms.append(Atom(start, end, Kind.GOOD))
        elif group == "alnum":
            atoms += _judge_alnum(value, start)
        elif group == "ident":  # O_NONBLOCK, en_US, C++, $a = $b + $c: code, which no OCR of Han spells
            atoms.append(Atom(start, end, Kind.NEUTRAL, 0.5))
        elif group in ("space", "punct", "sign", None):  # None: "%" after a number or code, "+9" in "E+9"
            atoms.append(Atom(start, end, Kind.GLUE))
        elif value == "&":
            atoms.append(Atom(start, end, Kind.SUSPECT, 0.5, "stray symbol"))
        else:
            # "%R", "#t", "R#E": a symbol glued to letters is odder than one standing alone
            glued = bool(_LETTER.match(text[match.end():match.end() + 1])) or bool(
                _LETTER.match(text[match.start() - 1:match.start()]) if match.start() else False)
            atoms.append(Atom(start, end, Kind.SUSPECT, 1.5 if glued else 1.0, "stray symbol"))
    return atoms


#: Mathematical alphanumeric symbols, letterlike symbols and the Latin ligatures of the presentation forms.
_TYPESET_LETTER = regex.compile(r"[\U0001D400-\U0001D7FF\u2100-\u214F\uFB00-\uFB06]")


@lru_cache(maxsize=8192)
def _rarity(char: str) -> int:
    """0 for a character ``_rare_cjk_runs`` does not count (not a letter or symbol, or U+FFFD), 1 for
    a common one, 2 for a rare one (``is_rare_cjk``); a property of the character, so remembered. A letter of
    the mathematical alphanumeric, letterlike or ligature blocks that stands for ASCII letters (NFKC: a
    formula's ``𝑅𝑒``, ``ℎ``, the ligature ``ﬃ``) is common: an equation editor's or a typesetter's letters,
    not glyph codes (which a map-less font's glyph ids give as ``ĳ ǉ ª``, rare still).

    >>> [_rarity(c) for c in "安𝑅ℎﬃ㱧ĳǉ"]
    [1, 1, 1, 1, 2, 2, 2]
    """
    if char == "\uFFFD" or not _LETTER_OR_SYMBOL.match(char) or LOOKALIKE_IDEOGRAPH.match(char):
        return 0  # (a look-alike ideograph is no glyph code: text-fix knows what it stands for)
    if _TYPESET_LETTER.match(char):
        folded = unicodedata.normalize("NFKC", char)
        if folded.isascii() and folded.isalnum():
            return 1
    return 2 if is_rare_cjk(char) else 1


#: A run in another alphabet is a word when its line has at least this many letters (and vowel signs) of it.
MIN_ALPHABET_LETTERS = 3
# letters and the vowel signs of abugidas (modifier letters go with any alphabet and prove none)
_OWN_LETTER = frozenset({"Lu", "Ll", "Lt", "Lo", "Mn", "Mc"})
#: Scripts in whose large blocks glyph codes read as Unicode land side by side: never evidence of a word.
_CODE_SCRIPTS = frozenset({"CJK", "HANGUL", "YI"})
_WORD = regex.compile(r"[\p{L}\p{M}]+")


@lru_cache(maxsize=8192)
def _script(char: str) -> str:
    """The first word of a character's Unicode name: its script for letters and signs (``LATIN``,
    ``ARABIC``, ``DEVANAGARI``...), "?" for a character without a name."""
    return unicodedata.name(char, "?").split(" ")[0]


def _alphabet(char: str) -> str:
    """The script of a letter (``_script``), "" for what any script writes (marks, format characters,
    punctuation, digits), "?" for anything else.

    >>> _alphabet("É"), _alphabet("ש"), _alphabet("\u200c"), _alphabet("┉")
    ('LATIN', 'HEBREW', '', '?')
    """
    category = unicodedata.category(char)
    if category[0] in "MP" or category in ("Cf", "Nd", "Lm"):  # Lm: length marks, aspiration, apostrophes
        return ""
    return _script(char) if category[0] == "L" else "?"


def _one_alphabet(text: str, start: int, end: int) -> bool:
    """The non-ASCII run ``text[start:end]`` is written in one alphabet, as words are: a word of
    Hebrew, Arabic, Devanagari..., or the accented letters of Latin words. Glyph codes read as
    Unicode scatter over many scripts (``㱧걹䄬ⱶ┉``), crowd into the large CJK, Hangul and Yi blocks
    (which keep the GBK test), or fill Latin words with accents and odd capitals (``ýgYþHe``).

    >>> [_one_alphabet(t, 2, 4) for t in ["THÉÂTRE", "  שלום", "  ÉÂ ", "  ⱶ┉", "ýgYþHe", "/bɪːt/", "  ݨݣ"]]
    [True, True, False, False, False, True, False]

    In a line whose words write an accented Latin alphabet (two words of it at least, ``pokusný``,
    ``češtinou``), its letters are words however few of them are ASCII (``žďár``, ``ěščřžýáíé``):

    >>> czech = "Toto je pokusný text s češtinou – ěščřžýáíé"
    >>> _one_alphabet(czech, 35, 44), _one_alphabet("ěščřžýáíé", 0, 9)
    (True, False)
    """
    scripts = {_alphabet(char) for char in text[start:end]} - {""}
    if len(scripts) != 1 or scripts & _CODE_SCRIPTS or "?" in scripts:
        return False
    if scripts == {"LATIN"}:
        words: list[str] = []  # the run's own words
        others: list[str] = []  # the line's other words
        for word in _WORD.finditer(text):
            (words if word.start() < end and start < word.end() else others).append(word.group())
        if all(_latin_word(word) for word in words):
            return True
        accented = sum(1 for word in others if _latin_word(word) and not word.isascii())
        return accented >= 2 and all(word.islower() or word.isupper() or word[1:].islower() for word in words)
    # the line writes that alphabet at some length: two glyph codes that happen to share a block (a
    # byte-swapped 指标 reads ``ݨݣ``, Arabic) are no word
    (script,) = scripts
    return sum(1 for char in text if _script(char) == script
               and unicodedata.category(char) in _OWN_LETTER) >= MIN_ALPHABET_LETTERS


def _latin_word(word: str) -> bool:
    """A word as a Latin alphabet writes it: three letters or more, cased as words are, a third of them
    ASCII at least, or some ASCII and every other one a letter of Latin-1 or Latin Extended-A, one of them at
    least a letter of Extended-A that Windows-1252 lacks (Polish ``żółw``, Czech ``třů``): Latin-1 and
    Windows-1252 mojibake (``ëìíéîtïðñ``, ``æ–‡``, ``ç»Ÿ``) has none of those. A run of such letters alone
    (``ěščřžýáíé``) is no word: a list of an alphabet's accents, or glyph codes.

    >>> [_latin_word(w) for w in ["été", "Ação", "THÉÂTRE", "ûüF", "ëìíéîtïðñ", "kõ", "żółw", "çšŸa", "ěščř"]]
    [True, True, True, False, False, False, True, False, False]
    """
    letters = [char for char in word if unicodedata.category(char)[0] == "L"]
    cased = word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())
    if not cased or len(letters) < 3:
        return False
    if 3 * sum(char.isascii() for char in letters) >= len(letters):
        return True
    beyond = [char for char in letters if not char.isascii()]
    return len(beyond) < len(letters) and all("\u00c0" <= char <= "\u017f" for char in beyond) and any(
        "\u0100" <= char <= "\u017f" and char not in _CP1252_EXTENDED for char in beyond)


#: The letters of Latin Extended-A that Windows-1252 has (its 0x80-0x9F): in its mojibake of UTF-8 (``ç»Ÿ``).
_CP1252_EXTENDED = frozenset("ŒœŠšŽžŸ")


def _all_gbk(run: str) -> bool:
    """Every character of the non-ASCII ``run`` is a two-byte GBK character (``is_rare_cjk`` says no
    to each), tested in one encoding of the run."""
    try:
        return len(run.encode("gbk")) == 2 * len(run)
    except UnicodeEncodeError:
        return False


def is_rare_cjk(char: str) -> bool:
    """An ideograph or syllable that ordinary Chinese text almost never uses: outside GBK's
    two-byte range (which holds the 21,000 ideographs of GB2312 and Big5), or Hangul.

    Hangul syllables are rare outside KS X 1001's 2,350 (what Korean is written with; glyph codes
    read as Unicode land anywhere in the 11,172):

    >>> is_rare_cjk("안"), is_rare_cjk("적"), is_rare_cjk("걹")
    (False, False, True)
    """
    if "\u3040" <= char <= "\u30ff" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef":
        return False  # kana, CJK and full-width punctuation
    if "\uac00" <= char <= "\ud7a3":  # Python's euc_kr spells the others as 8-byte jamo sequences
        return len(char.encode("euc_kr")) != 2
    try:
        return len(char.encode("gbk")) != 2
    except UnicodeEncodeError:
        return True


#: Reasons that prove characters are no text, whatever the page shows (the others are the looks of
#: text: words outside the word list, runs of capitals, rare ideographs).
PROOF_REASONS = frozenset({"(cid:N) placeholder", "glyph name", "replacement character", "private-use character",
                           "unassigned character", "control character", "mojibake",
                           "radical or compatibility ideograph"})


_NO_TEXT = regex.compile(f"{_UNKNOWN_CLASS}|{_CONTROL_CLASS}")  # the atoms' ``broken`` characters


def no_text_share(text: str) -> float:
    """The share of ``text``'s visible characters that are no text whatever the page shows: control,
    private-use (cwn-ocr's marks of unknown codes among them), unassigned or replacement characters.

    >>> no_text_share("\U000f00c4\U000f004f \U000f0048"), no_text_share("plusieu\x03ayan\x03dUoiWsx")
    (1.0, 0.1)
    """
    visible = [c for c in text if not c.isspace()]
    return sum(1 for c in visible if _NO_TEXT.match(c)) / len(visible) if visible else 0.0


def _broken_reason(value: str) -> str:
    char = value[0]
    if char == "\uFFFD":
        return "replacement character"
    if _PRIVATE_USE.match(char):
        return "private-use character"
    if _UNASSIGNED.match(char):
        return "unassigned character"
    return "control character"


def _runs(atoms: Sequence[Atom]) -> Iterable[list[Atom]]:
    """Maximal runs of non-good atoms; a good atom of at most two characters between
    suspicious atoms ("EE, A, E5IES") does not end a run."""
    run: list[Atom] = []
    pending: list[Atom] = []  # short good atoms and glue, kept in case the run goes on
    for atom in atoms:
        if atom.kind is Kind.GOOD and (atom.end - atom.start > 2 or not run):
            if run:
                yield run
            run, pending = [], []
        elif atom.kind in (Kind.GLUE, Kind.GOOD):
            if run:
                pending.append(atom)
        else:
            run += pending + [atom]
            pending = []
    if run:
        yield run


def _trim(atoms: list[Atom]) -> list[Atom]:
    """Drop neutral name-like atoms (and glue) from the edges of a run: they are likely real."""
    def edge(atom: Atom) -> bool:
        return atom.kind is Kind.GLUE or (atom.kind is Kind.NEUTRAL and atom.weight == 0
                                          and atom.end - atom.start >= 4)
    while atoms and edge(atoms[0]):
        atoms = atoms[1:]
    while atoms and edge(atoms[-1]):
        atoms = atoms[:-1]
    return atoms


_CAPS_TOKEN = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}{2,}(?![\p{L}\p{N}])")


#: By its length, how common (zipf) a capitalised word must be to count as English in a row of capitals:
#: OCR of Han spells short words by chance (``EARP``, ``WEARER``), seven letters or more hardly ever
#: (``SCANNING`` is 3.7).
_CAPS_ZIPF = {1: 5.0, 2: 5.0, 3: 5.0, 4: 4.0, 5: 4.0, 6: 4.0, 7: 3.0}


def _distrust_capitals(text: str, atoms: list[Atom]) -> list[Atom]:
    """In a row written mostly in capitals, a capitalised "word" is weak evidence of English.

    English-only OCR of Chinese text spells real words by chance (``MESSER``, ``EARP``);
    in a row where most letters stand in upper-case tokens, only common words stay good.

    >>> [a.kind.value for a in _distrust_capitals("RRA MT EARP", atomize("RRA MT EARP")) if a.weight]
    ['suspect', 'suspect', 'suspect']
    """
    caps = _CAPS_TOKEN.findall(text)
    if len(caps) < 3 or sum(map(len, caps)) < 0.6 * sum(1 for c in text if c.isalpha() and c.isascii()):
        return atoms
    distrusted = []
    for atom in atoms:
        word = text[atom.start:atom.end]
        if (atom.kind in (Kind.GOOD, Kind.NEUTRAL) and _CAPS_TOKEN.fullmatch(word)
                and english_zipf(word) < _CAPS_ZIPF[min(len(word), 7)]):
            weight = max(atom.weight, 1.0 if len(word) <= 3 else 1.5)
            atom = Atom(atom.start, atom.end, Kind.SUSPECT, weight, "upper-case row of non-words")
        distrusted.append(atom)
    return distrusted


#: What English-only or noisy OCR leaves behind, and a font's code-to-text map never produces: in text
#: drawn by a font these are names, codes, symbols and formulas (``SINORICH``, ``-C≡N``, ``42°15′``).
OCR_ARTIFACTS = frozenset({
    "short upper-case non-word", "upper-case non-word", "long upper-case non-word", "mixed-case non-word",
    "letters glued to a word", "digit misread as a letter", "letters and digits mixed", "stray symbol",
    "upper-case row of non-words"})
_SYMBOL_FONT_PUA = regex.compile(r"[\uF000-\uF0FF]+")  # where symbol fonts (Wingdings, Symbol) put their codes
_LONE_CONTROL = regex.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]")


#: Han characters in an OCR layer's row that show its engine reads Chinese (``_chinese_engine``).
ENGINE_READS_HAN = 4
_CAPS_NON_WORDS = frozenset({"upper-case non-word", "long upper-case non-word", "letters and digits mixed"})
_HAN_CHAR = regex.compile(r"\p{Han}")


def _chinese_engine(text: str, atoms: list[Atom]) -> list[Atom]:
    """An OCR layer's row with Han in it was not made by an English-only engine, the one that
    spells Chinese as capitals (``FERAIT PEARRMEBARIPXFEAG``): there a word in capitals or of letters
    and digits beside the Han (``SIGCHLD``, ``ENOMEM``, ``perlfaq8``) is a name, not garbage.

    >>> row = "在接到 SIGCHLD 时会呼叫"
    >>> [a.kind.value for a in _chinese_engine(row, atomize(row))]
    ['good', 'glue', 'neutral', 'glue', 'good']
    >>> [a.reason for a in _chinese_engine("SEXERENNGE", atomize("SEXERENNGE"))]
    ['long upper-case non-word']
    """
    if len(_HAN_CHAR.findall(text)) < ENGINE_READS_HAN:
        return atoms
    return [Atom(a.start, a.end, Kind.NEUTRAL, 0.5) if a.kind is Kind.SUSPECT and a.reason in _CAPS_NON_WORDS
            else a for a in atoms]


def _font_drawn(text: str, atoms: list[Atom]) -> list[Atom]:
    """Atoms as evidence about text drawn by a font: only what a wrong code-to-text map produces
    counts (control and private-use runs, ``(cid:N)``, glyph names, rare ideographs, mojibake,
    look-alikes), not what OCR produces. A symbol font's private-use codes (U+F000-F0FF: Wingdings
    bullets) are characters, and so is a lone control character among text (an invisible glyph
    after a bullet), unless the line has nothing else.

    >>> [a.kind.value for a in _font_drawn("SINORICH 39°C", atomize("SINORICH 39°C"))]
    ['neutral', 'glue', 'good', 'glue', 'neutral']
    """
    letters = any(c.isalnum() for c in text)
    judged = []
    for atom in atoms:
        piece = text[atom.start:atom.end]
        if atom.kind is Kind.SUSPECT and atom.reason in OCR_ARTIFACTS or atom.kind is Kind.NEUTRAL:
            atom = Atom(atom.start, atom.end, Kind.NEUTRAL)  # no weight: fragments are OCR's, names a font's
        elif atom.kind is Kind.BROKEN and (_SYMBOL_FONT_PUA.fullmatch(piece)
                                           or (len(piece) == 1 and _LONE_CONTROL.fullmatch(piece) and letters)):
            atom = Atom(atom.start, atom.end, Kind.GLUE)
        judged.append(atom)
    return judged


def judge_line(text: str, *, font: bool = False, alone: bool | str | None = False) -> Verdict:
    """The verdict for one line of text (see the module docstring). With ``font`` the line is
    known to be drawn by a font (not an OCR layer): only what a wrong font map produces counts.
    ``alone``: the line is on a page with mojibake, and a lone character of it counts too.

    >>> judge_line("北纬42°15′-45°59′、东经119°14′").label.value, judge_line("SINORICH LTD", font=True).label.value
    ('clean', 'clean')
    >>> judge_line("\x04\x05\x06\x07 \x08\x04", font=True).label.value
    'garbled'
    >>> judge_line("$a = $b + $c; # 我知道这些变数可能未").label.value  # code: an expression of variables
    'clean'
    """
    atoms = atomize(text, alone=alone)
    atoms = _font_drawn(text, atoms) if font else _chinese_engine(text, _distrust_capitals(text, atoms))
    spans: list[Span] = []
    for run in _runs(atoms):
        evidence = sum(a.weight for a in run if a.kind in (Kind.SUSPECT, Kind.BROKEN, Kind.NEUTRAL))
        reasons = tuple(dict.fromkeys(a.reason for a in run if a.reason and a.kind is not Kind.FIXABLE))
        broken = any(a.kind is Kind.BROKEN for a in run)
        if broken or evidence >= SPAN_EVIDENCE:
            trimmed = _trim(run)
            spans.append(Span(trimmed[0].start, trimmed[-1].end, Label.GARBLED, reasons))
        else:
            # a fixable atom inside a run too weak to be garbled is fixable on its own
            for atom in run:
                if atom.kind is Kind.FIXABLE:
                    spans.append(Span(atom.start, atom.end, Label.FIXABLE, (atom.reason,)))
    if not spans:
        if not font and _nothing_but_suspects(atoms):
            reason = ("no word in the line",)
            return Verdict(Label.GARBLED, 1.0, reason, (Span(*_stripped(text), Label.GARBLED, reason),))
        return CLEAN_VERDICT
    visible = visible_length(text) or 1
    garbled = [s for s in spans if s.label is Label.GARBLED]
    garbled_chars = sum(visible_length(s.text_of(text)) for s in garbled)
    if garbled and garbled_chars / visible >= WHOLE_LINE_SHARE:
        reasons = tuple(dict.fromkeys(r for s in garbled for r in s.reasons))
        start, end = _stripped(text)
        spans = [Span(start, end, Label.GARBLED, reasons)]
        garbled_chars = visible
    label = Label.CLEAN
    for span in spans:
        label = label.worst(span.label)
    bad_chars = sum(visible_length(s.text_of(text)) for s in spans)
    reasons = tuple(dict.fromkeys(r for s in spans for r in s.reasons))
    return Verdict(label, round(min(1.0, bad_chars / visible), 3), reasons, tuple(spans))


def _stripped(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip())


def _nothing_but_suspects(atoms: Sequence[Atom]) -> bool:
    """A short line with no word in it at all ("¥,", "RRE,") is what is left of garbled text."""
    return (all(a.kind in (Kind.GLUE, Kind.SUSPECT, Kind.NEUTRAL) for a in atoms)
            and any(a.kind is Kind.SUSPECT for a in atoms))


def judge_lines(lines: Iterable[Line | str], *, font: bool = False, alone: bool | str | None = False) -> list[Verdict]:
    """Verdicts for consecutive lines of one page, in reading order.

    A line with no word of its own ("RRE,") that follows a garbled line is the end of the
    same garbled paragraph:

    >>> [v.label.value for v in judge_lines(["SEXERENNGE BRHXE ERFMBEERARREZFTHY", "RRE,"])]
    ['garbled', 'garbled']
    >>> [v.label.value for v in judge_lines(["Index", "CBI"])]
    ['clean', 'clean']
    """
    texts = [line if isinstance(line, str) else line.text for line in lines]
    verdicts = [judge_line(text, font=font, alone=alone) for text in texts]
    for i in range(1, len(texts) if not font else 0):  # a font's map has no paragraphs
        previous = verdicts[i - 1]
        if (verdicts[i].label is Label.CLEAN and previous.label is Label.GARBLED and previous.score >= 0.99
                and texts[i].strip() and _has_no_word(texts[i])):
            reason = ("continues a garbled paragraph",)
            verdicts[i] = Verdict(Label.GARBLED, 1.0, reason, (Span(*_stripped(texts[i]), Label.GARBLED, reason),))
    return verdicts


def group_rows(lines: Sequence[Line], *, min_overlap: float = 0.5,
               gutters: Sequence[Gutter] | None = None) -> list[list[int]]:
    """Indices of ``lines`` grouped into physical rows (left to right), top to bottom; on a page
    with columns (the gutters the lines show, or ``gutters``), into each column's rows, one column
    after the other.

    An English-only OCR layer cuts one Chinese line into fragments that poppler reports as
    separate lines; judged together they show what each fragment alone does not.

    >>> from cwn_ocr.model import BBox
    >>> rows = group_rows([Line("b", BBox(50, 0, 60, 10)), Line("c", BBox(0, 20, 9, 30)),
    ...                    Line("a", BBox(0, 1, 40, 11))])
    >>> rows
    [[2, 0], [1]]
    """
    order = sorted(range(len(lines)), key=lambda i: (lines[i].bbox.y0 + lines[i].bbox.y1) / 2)
    rows: list[list[int]] = []
    row_boxes: list[BBox] = []
    for index in order:
        box = lines[index].bbox
        for row, row_box in zip(rows, row_boxes):
            ratio = box.height / row_box.height if row_box.height else 0
            if 0.5 <= ratio <= 2 and box.vertical_overlap(row_box) >= min_overlap:
                row.append(index)
                break
        else:
            rows.append([index])
            row_boxes.append(box)
    rows = [sorted(row, key=lambda i: lines[i].bbox.x0) for row in rows]
    # a two-column page: the fragments of one height belong to two printed lines, read one column
    # after the other (``columns``)
    split = split_rows([[(i, lines[i].bbox) for i in row] for row in rows], gutters)
    return rows if split is None else split


#: A Latin token rarer than this in English (wordfreq's Zipf scale) leaves a clean row in doubt.
DOUBT_ZIPF = 3.0
LATIN_TOKEN = regex.compile(r"[A-Za-z]{2,}")


def doubtful(text: str) -> bool:
    """A clean-looking row with a Latin token that is not a common English word (a name, an
    acronym, or an English-only OCR's fragment of Chinese like ``At Heat SHAE``): not garbled
    enough to repair on its own, not sure enough to leave unread when a page is OCRed in parts.

    >>> doubtful("Description of how city is taking action"), doubtful("At Heat SHAE")
    (False, True)
    >>> doubtful("安顺市严格执行“三区三线”管理"), doubtful("2025年")
    (False, False)
    """
    return any(english_zipf(token) < DOUBT_ZIPF for token in LATIN_TOKEN.findall(text))


#: ``mojibake_page``'s answer where no run of the page's mojibake decodes whole in one encoding.
UNKNOWN_ENCODING = "unknown"


def mojibake_page(texts: Iterable[str]) -> str | None:
    """Where some line of a page has mojibake that decodes on its own, the encoding it is in
    (``charsets.mojibake_encoding``: ``utf-8``, ``gb18030``, else ``UNKNOWN_ENCODING``); there a lone
    mojibake character (``nextval ºÍ setval¡£``) is mojibake too, in that encoding
    (``charsets.find_mojibake``'s ``alone``). None for a page without.

    >>> mojibake_page(["°²Ë³ÊÐ", "nextval ºÍ setval"]), mojibake_page(["Café ºÍ"])
    ('gb18030', None)
    """
    texts = list(texts)
    if not any(find_mojibake(text) for text in texts):
        return None
    return mojibake_encoding(texts) or UNKNOWN_ENCODING


def judge_rows(lines: Sequence[Line], *, font: bool = False, drawn: bool | None = None,
               alone: bool | str | None = None, gutters: Sequence[Gutter] | None = None) -> list[Row]:
    """The page's physical rows, each judged as a whole (``font``: see ``judge_line``). Text that
    fonts draw (``drawn``, by default ``font``) is in poppler's lines already, in its reading order
    (columns one after the other): each line is a row. An OCR layer's fragments of one printed line
    are grouped into rows, top to bottom (``group_rows``; cut at ``gutters`` when given). ``alone``
    (by default: whether some line
    of the page has mojibake, ``mojibake_page``) lets a lone mojibake character count."""
    if alone is None:
        alone = mojibake_page(line.text for line in lines)
    groups = ([[i] for i in range(len(lines))] if (font if drawn is None else drawn)
              else group_rows(lines, gutters=gutters))
    texts = [" ".join(lines[i].text for i in group) for group in groups]
    rows = []
    for group, text, verdict in zip(groups, texts, judge_lines(texts, font=font, alone=alone)):
        box = lines[group[0]].bbox
        for i in group[1:]:
            box = box.union(lines[i].bbox)
        rows.append(Row(tuple(group), text, box, verdict))
    return rows


def judge_page_lines(lines: Sequence[Line], rows: Sequence[Row] | None = None) -> list[Verdict]:
    """Verdicts for the lines of one page, each judged within its physical row (``rows``, when
    the caller has judged them already: ``judge_rows(lines)``).

    A row's text is its fragments joined by spaces; the row's spans are cut back to the
    fragments they cover, so each line gets the part of the row's verdict that is its own.
    """
    verdicts: list[Verdict] = [CLEAN_VERDICT] * len(lines)
    for row in judge_rows(lines) if rows is None else rows:
        if len(row.lines) == 1:
            verdicts[row.lines[0]] = row.verdict
            continue
        offset = 0
        for index in row.lines:
            text = lines[index].text
            verdicts[index] = _cut(row.verdict, offset, offset + len(text), text)
            offset += len(text) + 1
    return verdicts


def _cut(verdict: Verdict, start: int, end: int, text: str) -> Verdict:
    """The part of a row's verdict that falls in ``[start, end)``, shifted to the fragment."""
    spans = tuple(Span(max(s.start, start) - start, min(s.end, end) - start, s.label, s.reasons)
                  for s in verdict.spans if s.start < end and s.end > start)
    spans = tuple(s for s in spans if text[s.start:s.end].strip())
    if not spans:
        return CLEAN_VERDICT
    visible = visible_length(text) or 1
    bad = sum(visible_length(s.text_of(text)) for s in spans)
    label = Label.CLEAN
    for span in spans:
        label = label.worst(span.label)
    reasons = tuple(dict.fromkeys(r for s in spans for r in s.reasons))
    return Verdict(label, round(min(1.0, bad / visible), 3), reasons, spans)


def _has_no_word(text: str) -> bool:
    atoms = atomize(text)
    return any(a.kind is Kind.NEUTRAL for a in atoms) and not any(a.kind is Kind.GOOD for a in atoms)


def page_label(verdicts: Iterable[Verdict]) -> Label:
    """A page is as bad as its worst line.

    >>> page_label([CLEAN_VERDICT, Verdict(Label.FIXABLE, 0.2)]).value
    'fixable'
    """
    label = Label.CLEAN
    for verdict in verdicts:
        label = label.worst(verdict.label)
    return label


__all__ = ["PROOF_REASONS", "Atom", "Kind", "atomize", "judge_line", "judge_lines", "judge_page_lines", "judge_rows",
           "no_text_share", "page_label", "LOOKALIKE_IDEOGRAPH"]
