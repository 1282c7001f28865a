"""Character facts shared by detection and text repair: look-alike ideographs and mojibake.

Pure functions over strings; the tables come from Unicode data, not from hand-typed lists:
``data/EquivalentUnifiedIdeograph.txt`` (Unicode 15.0 UCD, as shipped by Debian's
unicode-data package) maps Kangxi radicals and CJK Radicals Supplement characters to the
unified ideograph a reader means; compatibility ideographs have canonical decompositions,
so NFC gives theirs.

>>> to_unified("⼀⼈⼤⻘")
'一人大青'
>>> decode_mojibake("å®‰é¡ºå¸‚")
'安顺市'
>>> decode_mojibake("°²Ë³ÊÐ")  # GBK bytes read as latin-1
'安顺市'
>>> decode_mojibake("Café") is None
True
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
import regex

#: Kangxi Radicals, CJK Radicals Supplement, and both CJK Compatibility Ideographs blocks.
LOOKALIKE_IDEOGRAPH = regex.compile(r"[\u2E80-\u2EFF\u2F00-\u2FDF\u31C0-\u31EF\uF900-\uFAFF\U0002F800-\U0002FA1F]")

HAN = regex.compile(r"\p{Han}")


def squeeze(text: str) -> str:
    """``text`` without any white space (comparisons here ignore spacing).

    >>> squeeze(" 安 顺 市 ")
    '安顺市'
    """
    return "".join(text.split())


def visible_length(text: str) -> int:
    """How many characters of ``text`` are not white space.

    >>> visible_length(" 安顺 市\u3000A ")
    4
    """
    return len("".join(text.split()))

# Characters that UTF-8 or GBK bytes turn into when read as latin-1 / Windows-1252.
MOJIBAKE_CHAR = (
    r"[\u0080-\u00FF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC"
    r"\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]"
)
# Runs of such characters, allowing a little ASCII (digits, spaces) between them.
_MOJIBAKE_RUN = regex.compile(rf"{MOJIBAKE_CHAR}(?:[\x20-\x7E]{{0,3}}{MOJIBAKE_CHAR})+")


@lru_cache(maxsize=1)
def lookalike_table() -> dict[str, str]:
    """Radical or compatibility ideograph -> the unified ideograph it stands for."""
    table: dict[str, str] = {}
    text = resources.files("cwn_ocr").joinpath("data/EquivalentUnifiedIdeograph.txt").read_text("utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        codes, target = (part.strip() for part in line.split(";"))
        first, _, last = codes.partition("..")
        for code in range(int(first, 16), int(last or first, 16) + 1):
            table[chr(code)] = chr(int(target, 16))
    for block in ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for code in range(block[0], block[1] + 1):
            char = chr(code)
            unified = unicodedata.normalize("NFC", char)
            if unified != char and len(unified) == 1:
                table[char] = unified
    return table


def to_unified(text: str) -> str:
    """Replace look-alike radicals and compatibility ideographs by unified ideographs. A look-alike
    followed by the very ideograph it stands for is one glyph that a map gave both code points
    (pdf.js issue 11066: ``<2F26 5B50>`` for 子), and becomes that ideograph once.

    >>> to_unified("电⼦子科技⼤大学, ⼦子⼦子")
    '电子科技大学, 子子'
    """
    if not LOOKALIKE_IDEOGRAPH.search(text):
        return text
    table = lookalike_table()
    out: list[str] = []
    for char in text:
        if out and out[-1] in table and table[out[-1]] == char:
            out[-1] = char  # the look-alike and its ideograph: one glyph, one character
        else:
            out.append(char)
    return LOOKALIKE_IDEOGRAPH.sub(lambda m: table.get(m.group(), m.group()), "".join(out))





#: ASCII punctuation and its full-width forms, as Chinese text sets them.
FULL_WIDTH_MARKS = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def is_ideograph(char: str) -> bool:
    """A CJK unified ideograph (with extension A and the compatibility block): what the recognizers
    read as Han (``\\p{Han}`` also takes in radicals, 〇 and 々).

    >>> is_ideograph("安"), is_ideograph("A"), is_ideograph("，"), is_ideograph("〇")
    (True, False, False, False)
    """
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def is_cjk_text(text: str) -> bool:
    """True when every non-space, non-ASCII-alnum character is Han, kana, CJK or full-width punctuation.

    >>> is_cjk_text("安顺市，2024年"), is_cjk_text("Ã©t")
    (True, False)
    """
    return bool(HAN.search(text)) and not _NOT_CJK_TEXT.search(text)


# what Chinese text is made of besides ideographs: kana, CJK and full-width punctuation, ASCII, and the
# symbols GB2312 and Big5 carry (Greek, degrees, primes, ±×÷, math, arrows, bullets and shapes, ℃ ‰ §),
# and what technical Chinese writes beside them (super- and subscripts: km², CO₂; µ; letterlike ℉ Å)
_NOT_CJK_TEXT = regex.compile(r"[^\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303F\uFF00-\uFFEF\u2010-\u2027\u00B7"
                              r"\x20-\x7E\s\u0391-\u03C9\u00B0\u00B1\u00D7\u00F7\u00A7\u2030-\u2033\u2103\u2116"
                              r"\u00B2\u00B3\u00B5\u00B9\u2070-\u209F\u2100-\u214F"
                              r"\u2190-\u21FF\u2200-\u22FF\u2460-\u24FF\u2500-\u25FF\u2605\u2606\u203B]")


def common_chinese(text: str, *, least: int = 4) -> bool:
    """``text`` is written in common Chinese characters: ``least`` ideographs at least, three in five of its
    characters (white space aside), and four in five of them GB2312's level 1 (``" 棒 ， "; 玉斡`` is not).

    >>> common_chinese("专此说明， 请予察核。"), common_chinese('" 棒 ， "; 玉斡')
    (True, False)
    """
    han = len(HAN.findall(text))
    return han >= least and han >= 0.6 * visible_length(text) and _is_common_gb2312(text)


def _is_common_gb2312(text: str) -> bool:
    """Most Han characters of ``text`` are GB2312 level 1 (its 3,755 most frequent)."""
    return _mostly_common(text, "gb2312", 0xB0, 0xD7)


def _mostly_common(text: str, codec: str, first: int, last: int) -> bool:
    """At least four in five of ``text``'s Han characters encode in ``codec`` with a lead byte from
    ``first`` to ``last``: the block of that character set's frequently used ideographs."""
    han = [c for c in text if HAN.match(c)]
    if not han:
        return False
    common = 0
    for char in han:
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        common += first <= encoded[0] <= last
    return common >= 0.8 * len(han)


def decode_mojibake(run: str, *, min_gbk_han: int = 2) -> str | None:
    """The text ``run`` was before a wrong decoding, or None when it does not look like mojibake.

    Tries UTF-8 read as Windows-1252/latin-1 (directly, then through ftfy for the mixed cases)
    and GBK read as latin-1 (which ftfy does not cover); a result is accepted only when it is
    plausible CJK text, a GBK one only with ``min_gbk_han`` ideographs at least.

    >>> decode_mojibake("å®‰é¡ºå¸‚"), decode_mojibake("°²Ë³ÊÐ"), decode_mojibake("CafÃ©")
    ('安顺市', '安顺市', None)

    A few GBK runs are also something ftfy decodes: it reads these GBK bytes of "拎等助" as
    "爵酜". GBK is tried first; on random GBK mojibake, that order gave back the original text
    every time the two disagreed (26 of 916,000 runs).

    >>> decode_mojibake("ÁàµÈÖú"), decode_mojibake("Öµ", min_gbk_han=1)
    ('拎等助', '值')

    Big5 read as latin-1, when its GBK reading is not common simplified text:

    >>> decode_mojibake("¦è¥§Ã¹ªe¯f¬r¯g")
    '西尼羅河病毒症'
    """
    decoded, han = _decoding(run)
    return decoded if decoded is not None and han >= min_gbk_han else None


def _decoding(run: str) -> tuple[str | None, int]:
    """``decode_mojibake``'s answer before its last test: the decoding (or None) and the number of
    ideographs a GBK decoding has (a UTF-8 one is always accepted: a large number).

    Cheapest first: the run as UTF-8 bytes read as Windows-1252/latin-1 (one encoding; ftfy leaves
    short runs alone, but in a CJK document a run that is exactly the UTF-8 bytes of CJK text is
    evidence enough), then as GBK bytes (the bytes of UTF-8 CJK text are not common GB2312
    characters, so the two cannot be confused), and only then ftfy, a hundred times slower, for
    the UTF-8 mixed with other damage that it knows.
    """
    for codec in ("sloppy-windows-1252", "latin-1"):
        try:
            fixed = run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        # valid UTF-8 bytes are UTF-8 mojibake, not GBK: "CafÃ©" is "Café", whatever GBK says; but
        # not when UTF-8 makes a Hebrew point of them ("Öµ": GBK's 值)
        if is_cjk_text(fixed):
            return fixed, _ALWAYS
        if _EUROPEAN.fullmatch(fixed):
            return _ftfy_decoding(run)
        break
    decoded = _gbk_decoding(run)
    if decoded is not None:  # (symbols alone count as one ideograph: enough beside another decoded run)
        return decoded, len(HAN.findall(decoded)) or 1
    return _ftfy_decoding(run)


_EUROPEAN = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Common}\s]*")


def _gbk_decoding(run: str, *, proven: bool = False) -> str | None:
    """``run`` as GBK bytes read as latin-1 or Windows-1252, decoded, when that is common GB2312 text; or
    (``proven``: the line's other runs are GBK) any CJK text GBK makes of it, rarer characters too.

    >>> _gbk_decoding("µÄ÷ÈÁ¦£»"), _gbk_decoding("µÄ÷ÈÁ¦£»", proven=True)  # 魅 is outside GB2312's level 1
    (None, '的魅力；')
    """
    try:
        raw = run.encode("latin-1")
    except UnicodeEncodeError:
        try:
            raw = run.encode("cp1252")
        except UnicodeEncodeError:
            return None
    for codec, common in (("gb18030", _is_common_gb2312), ("big5", _is_common_big5)):
        tail = ""
        try:
            decoded = raw.decode(codec)
        except UnicodeDecodeError:
            try:  # a lead byte whose partner went to the next line: the pairs before it, and the byte as it was
                decoded, tail = raw[:-1].decode(codec), run[-1]
            except UnicodeDecodeError:
                continue
        if decoded != run and is_cjk_text(decoded) and (common(decoded) or (proven and codec == "gb18030")):
            return decoded + tail
        if codec == "gb18030" and decoded != run and _gb2312_symbols(decoded):
            return decoded + tail  # ● μ ± ℃ ，。: GB2312's own symbols, which Big5 would read as other ideographs
    return None


def _gb2312_symbols(text: str) -> bool:
    """Every non-ASCII, non-space character of ``text`` is one of GB2312's symbols (rows 1 to 9:
    punctuation, Greek, units, shapes), and there is one at least.

    >>> _gb2312_symbols("μ"), _gb2312_symbols("● α"), _gb2312_symbols("米"), _gb2312_symbols("ok")
    (True, True, False, False)
    """
    found = False
    for char in text:
        if char.isascii() or char.isspace():
            continue
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            return False
        if not 0xA1 <= encoded[0] <= 0xA9:
            return False
        found = True
    return found


def _is_common_big5(text: str) -> bool:
    """Most Han characters of ``text`` are Big5's frequently used ones (its 5,401 in A440-C67E).

    >>> _is_common_big5("西尼羅河病毒症"), _is_common_big5("㱧㵒")
    (True, False)
    """
    return _mostly_common(text, "big5", 0xA4, 0xC6)


def _ftfy_decoding(run: str) -> tuple[str | None, int]:
    fixed = ftfy.fix_encoding(run)
    return (fixed, _ALWAYS) if fixed != run and is_cjk_text(fixed) else (None, 0)


_ALWAYS = 1 << 30


def find_mojibake(text: str, *, alone: bool | str | None = False) -> list[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each run of ``text`` that decodes to plausible CJK text.
    A run of one GBK character (``ºÍ`` 和, ``¡£`` 。), or a run that is exactly a symbol's UTF-8 bytes
    (``ï¼œ`` ＜), counts in a line with longer mojibake, or ``alone`` (on a page whose other lines have
    it: ``garble.mojibake_page``, which names their encoding).

    >>> find_mojibake("Name: å®‰é¡ºå¸‚, ok")
    [(6, 15, '安顺市')]
    >>> find_mojibake("ï¼œ 61 ã€‚"), find_mojibake("ï¼œ 61 ã€‚", alone=True)
    ([], [(0, 3, '＜'), (7, 10, '。')])

    In a line of GBK mojibake, a lone character whose bytes UTF-8 would read as a Latin letter is GBK's:

    >>> find_mojibake("Íê³ÉÔìÁÖ 45,723 Ä¶")
    [(0, 8, '完成造林'), (16, 18, '亩')]

    ... and so is a table cell's unit alone on a line, on a page whose mojibake is GBK (``alone``):

    >>> find_mojibake("Ôª", alone=True), find_mojibake("Ôª", alone="gb18030"), find_mojibake("Ã©", alone="utf-8")
    ([], [(0, 2, '元')], [])
    >>> find_mojibake("15.3Â°C", alone="gb18030")  # a symbol's UTF-8 bytes, on a line without GBK
    [(4, 6, '°')]

    Marks Chinese text is written with are text on a page's evidence alone (``³·`` is also GBK's 撤), not
    in a line of GBK mojibake:

    >>> find_mojibake("年径流量 12.5 m³·s-1", alone="gb18030"), find_mojibake("径流 m³·s-1 Ä¶ºÍ")
    ([], [(4, 6, '撤'), (10, 14, '亩和')])

    A run whose characters are rarer than most text's (``的魅力；``: 魅 is outside GB2312's level 1) is GBK's in a
    line whose other runs are:

    >>> [decoded for _, _, decoded in find_mojibake("µÄ÷ÈÁ¦£»2000-03-01 ·¢²¼¡¶Ç\xad¶«ÄÏÊÐ")]
    ['的魅力；', '发布《黔东南市']
    """
    runs = [(match.start(), match.end(), *_decoding(match.group())) for match in _MOJIBAKE_RUN.finditer(text)]
    # in a line with mojibake, a lone pair of letters ("2024Äê") is mojibake too, and so is a run
    # that is exactly the UTF-8 bytes of a symbol ("â–ª" ▪, "â‚‚" ₂: no CJK to vouch for it alone)
    mojibake = any(decoded is not None and han >= 2 for _, _, decoded, han in runs)
    least = 1 if mojibake or alone else 2
    if alone and not mojibake:
        # on the page's evidence alone (none of its own), a run of the marks Chinese text is written with is
        # text: a right line's ``m³·s-1`` beside mojibake elsewhere on the page is no GBK ``撤``
        runs = [run for run in runs if _NOT_CJK_TEXT.search(text[run[0]:run[1]])]
    if mojibake or alone:
        # and in a line whose bytes are GBK, so are a lone character's that UTF-8 would read as a Latin, Greek or
        # Cyrillic letter or a Latin-1 symbol ("45,723 Ä¶" is 亩, not "Ķ"; "Â§" is 搂, not "§"): 508 of GB2312's
        # 3,755 level-1 characters, each alone between ASCII in such a line, came out so before; on a page whose
        # mojibake is GBK (``alone``) but a line without, a run that is exactly a symbol's UTF-8 bytes stays that
        # symbol ("Â°C"), and only one UTF-8 would make a letter of is GBK's ("Ôª" 元, a table's unit)
        own, page = gbk_line(runs), gbk_line(runs, page=alone == "gb18030")

        def lone(run: str) -> str | None:
            if own:  # the line's bytes are GBK: a run of rarer characters too (的魅力；: 魅 is in GB2312's level 2)
                return _gbk_decoding(run, proven=True) or _utf8_symbols(run)
            return (_utf8_symbols(run) or _gbk_decoding(run)) if page else _utf8_symbols(run)

        runs = [(start, end, *((lone(text[start:end]), least) if decoded is None else (decoded, han)))
                for start, end, decoded, han in runs]
    return [(start, end, decoded) for start, end, decoded, han in runs if decoded is not None and han >= least]


def gbk_line(runs: Sequence[tuple[int, int, str | None, int]], *, page: bool = False) -> bool:
    """A line's mojibake ``runs`` (``start, end, decoded, ideographs``, as ``find_mojibake`` weighs them)
    are GBK bytes: one of them decodes as GBK to two ideographs or more, or the ``page``'s mojibake is
    GBK; and none decodes as UTF-8.

    >>> gbk_line([(0, 18, "公里，占国土面积的", 8), (19, 21, None, 0)])
    True
    >>> gbk_line([(0, 4, "安顺", _ALWAYS), (5, 9, "公里", 2)]), gbk_line([(0, 2, "。", 1)])
    (False, False)
    >>> gbk_line([(0, 2, None, 0)], page=True)
    True
    """
    return ((page or any(decoded is not None and 2 <= han < _ALWAYS for _, _, decoded, han in runs))
            and not any(decoded is not None and han >= _ALWAYS for _, _, decoded, han in runs))


def _utf8_symbols(run: str) -> str | None:
    """``run`` decoded when it is exactly UTF-8 bytes read as Windows-1252 (every byte used).

    >>> _utf8_symbols("â–ª"), _utf8_symbols("COâ‚‚"), _utf8_symbols("Café")
    ('▪', 'CO₂', None)

    Only symbols Chinese text is written with: GBK's bytes of 值 are also UTF-8's of a Hebrew point.

    >>> _utf8_symbols("Öµ") is None
    True
    """
    try:
        fixed = run.encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return None
    return fixed if fixed != run and not _NOT_CJK_TEXT.search(fixed) else None


# Greek letters that print like Latin ones: an OCR model without Greek reads them as these.
_GREEK_AS_LATIN = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχμ", "ABEZHIKMNOPTYXaBeiKvoptuxu")
_MARKS = regex.compile(r"[\p{P}\p{S}\p{Z}\p{M}\s]+")
_DASHES = regex.compile(r"[-‐‑–—―_一]")


def comparable(text: str, *, accents: bool = False) -> str:
    """``text`` in the form OCR readings are compared in: NFKC (full-width letters and digits, vertical
    and small forms, ``℃`` as ``°C``), every dash-like mark alike (OCR reads a row of dashes as 一),
    then without punctuation, symbols and spaces (``° ′ ″ ～ — ‘ ’`` against ``? ' " ~ - '``), Greek
    capitals that print like Latin ones as those, Latin letters without their accents unless
    ``accents`` (a model of English reads ``THÉÂTRE`` as ``THEATRE``), and case folded: what is
    left are the letters, digits and ideographs a reading can get right or wrong.

    >>> comparable("北纬42°15′-45°59′") == comparable("北纬42?15'-45\\"59'")
    True
    >>> comparable("Ｂｏｘ￣Ｂｅｈｎｋｅｎ"), comparable("Α、Β、Ε、Ζ、Η"), comparable("20℃±2℃")
    ('boxbehnken', 'abezh', '20c2c')
    >>> comparable("LE THÉÂTRE, çà"), comparable("が"), comparable("THÉÂTRE", accents=True)
    ('letheatreca', 'が', 'théâtre')
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("一", text if accents else unaccented(text))
    return _MARKS.sub("", text.replace("一", "\x00")).replace("\x00", "一").translate(_GREEK_AS_LATIN).casefold()


_LATIN_ACCENTED = regex.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


def unaccented(text: str) -> str:
    """``text`` with its Latin letters' accents taken off (``Ó`` as ``O``), nothing else changed.

    >>> unaccented("GARCÍA, ěšč 安顺 ×")
    'GARCIA, esc 安顺 ×'
    """
    return _LATIN_ACCENTED.sub(_unaccented, text)


def _unaccented(match: regex.Match[str]) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", match.group()) if not unicodedata.combining(c))


_HANGUL = regex.compile(r"[\p{Hangul}]")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_LATIN_OR_DIGIT = regex.compile(r"[A-Za-z0-9]")


def _readable(char: str, languages: frozenset[str]) -> bool:
    """Whether an OCR model of ``languages`` (Tesseract's names) can read ``char`` at all."""
    if _LATIN_OR_DIGIT.match(char):
        return True  # every model reads digits, and the Latin alphabet
    if HAN.match(char):
        for lang, codec in (("chi_sim", "gb2312"), ("chi_tra", "big5"), ("jpn", "shift_jis"), ("kor", "euc_kr")):
            if lang in languages or f"{lang}_vert" in languages:
                try:
                    char.encode(codec)
                    return True
                except UnicodeEncodeError:
                    continue
        return False
    if _KANA.match(char):
        return "jpn" in languages or "jpn_vert" in languages
    if _HANGUL.match(char):
        return "kor" in languages
    return False  # Greek, Cyrillic, symbols: no model here reads them as themselves


def readable_share(text: str, lang: str) -> float:
    """The share of ``text``'s letters, digits and ideographs that OCR with ``lang`` can read, after
    NFKC. A reading is evidence about a line only when this is high: a simplified-Chinese model
    reads traditional characters, kana, Hangul and Greek as something else.

    >>> readable_share("安顺市 2024 Kunming", "chi_sim+eng")
    1.0
    >>> readable_share("西尼羅河病毒症（WNV）是一種具有潛在嚴重後果的疾病", "chi_sim+eng") < 1.0
    True
    >>> readable_share("적립한도 없이 1.5%", "chi_sim+eng"), readable_share("Α、Β、Γ", "eng")
    (0.25, 0.0)
    """
    languages = frozenset(lang.split("+"))
    letters = [c for c in unicodedata.normalize("NFKC", text) if c.isalnum()]
    if not letters:
        return 1.0
    return sum(_readable(c, languages) for c in letters) / len(letters)


_CODECS = {"utf-8": "sloppy-windows-1252", "gb18030": "latin-1"}  # what was misread, as what


def whole_bytes(run: str, encoding: str) -> bool:
    """``run`` (mojibake of ``encoding``: UTF-8 read as Windows-1252, GBK as latin-1) is the bytes
    of whole characters, none missing at either end."""
    try:
        run.encode(_CODECS[encoding]).decode(encoding)
        return True
    except UnicodeError:
        return False


def mojibake_encoding(texts: Iterable[str]) -> str | None:
    """The encoding the page's mojibake is in (``utf-8``, ``gb18030``): that of its longest run that decodes whole.

    >>> mojibake_encoding(["°²Ë³ÊÐ£¬ ok"]), mojibake_encoding(["å®‰é¡ºå¸‚"]), mojibake_encoding(["Café"])
    ('gb18030', 'utf-8', None)
    """
    runs = sorted((m.group() for text in texts for m in _MOJIBAKE_RUNS.finditer(text)), key=len, reverse=True)
    for run in runs[:20]:
        for encoding in _CODECS:
            if whole_bytes(run, encoding) and decode_mojibake(run) is not None:
                return encoding
    return None


_MOJIBAKE_RUNS = regex.compile(rf"{MOJIBAKE_CHAR}{{2,}}")
