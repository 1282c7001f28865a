"""Text-only repairs: what can be fixed without looking at the page. Pure functions.

Each fixer takes a string and returns one; ``fix_text`` runs them in order and returns the
result with the steps that changed something, as plain data (like ftfy's ``fix_and_explain``):

>>> fixed, steps = fix_text("å®‰é¡ºå¸‚ä¸¥æ\\xa0¼æ‰§è¡Œ“ä¸‰åŒºä¸‰çº¿”")
>>> fixed, [step.fixer for step in steps]
('安顺市严格执行“三区三线”', ['fix_encoding'])
>>> fix_text("安顺市将⽣物多样性保护 , 纳⼊ 规划;开展")[0]
'安顺市将生物多样性保护，纳入规划；开展'
>>> fix_text("Kunming is the capital of Yunnan (China); it has 6,840,000 people.")[0]
'Kunming is the capital of Yunnan (China); it has 6,840,000 people.'

The punctuation and spacing fixers act only inside Chinese text (a CJK character on both
sides), so English, numbers and mixed lines keep their ASCII punctuation and spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ftfy
import regex

from cwn_ocr.layer.charsets import (
    FULL_WIDTH_MARKS,
    MOJIBAKE_CHAR,
    decode_mojibake,
    find_mojibake,
    mojibake_encoding,
    to_unified,
    whole_bytes,
)

# patterns compiled once (these run for every word of every line)
_HAN_CHAR = regex.compile(r"\p{Han}")
_DOUBLED_OPEN_QUOTE = regex.compile(r"“{2,}")
_DOUBLED_CLOSE_QUOTE = regex.compile(r"”{2,}")

# ftfy restricted to repairing encodings: its other fixes (uncurling quotes, folding full-width
# characters, NFC) would change correct Chinese text, which must pass through byte for byte.
_FTFY_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False,
    remove_control_chars=False, normalization=None, explain=True,
)

_CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303F\uFF00-\uFFEF\u201C\u201D\u2018\u2019\u2014\u2026\u00B7]"
_HAN_CONTEXT = r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303F\uFF00-\uFFEF\u201C\u201D]"
_FULL_WIDTH_PUNCT = r"[，。；：！？、（）《》「」『』【】]"
_HAN_CONTEXT_CHAR = regex.compile(_HAN_CONTEXT)
_SPACE_IN_CJK = regex.compile(rf"(?<={_CJK}) +(?={_CJK})")
_SPACE_AT_FULL_WIDTH = regex.compile(rf" +(?={_FULL_WIDTH_PUNCT})|(?<={_FULL_WIDTH_PUNCT}) +")


@dataclass(frozen=True)
class Step:
    """One fixer that changed the text, with the text before and after it."""

    fixer: str
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        return {"fixer": self.fixer, "before": self.before, "after": self.after}


def fix_encoding(text: str, *, alone: bool | str | None = False) -> str:
    """Undo mojibake: UTF-8 or GBK bytes that were decoded as Windows-1252 or latin-1.

    CJK runs are decoded where the result is plausible Chinese (``charsets``); ftfy then
    handles the general case.

    >>> fix_encoding("°²Ë³ÊÐ£¬2024Äê")
    '安顺市，2024年'
    >>> fix_encoding("CafÃ© crÃ¨me")
    'Café crème'
    >>> fix_encoding("Café, 安顺市")
    'Café, 安顺市'
    """
    for _ in range(4):  # until nothing changes: one decoding can reveal another layer
        pieces = []
        position = 0
        for start, end, decoded in find_mojibake(text, alone=alone):
            pieces += [text[position:start], decoded]
            position = end
        pieces.append(text[position:])
        fixed, _explanation = ftfy.fix_and_explain("".join(pieces), config=_FTFY_ENCODING_ONLY)
        if fixed == text:
            break
        text = fixed
    return text


def fix_lookalikes(text: str) -> str:
    """Kangxi radicals, CJK Radicals Supplement characters and compatibility ideographs to
    the unified ideographs a reader means (table from Unicode data, see ``charsets``).

    >>> fix_lookalikes("構を⼀つ, ⽣态⻘山, \uf900") == "構を一つ, 生态青山, 豈"
    True
    """
    return to_unified(text)


def fix_punctuation_width(text: str) -> str:
    """ASCII ``, ; : ! ? ( )`` inside Chinese text become full-width; straight double quotes
    there pair up as “…”, and a doubled curly quote (an OCR slip) becomes one.

    >>> fix_punctuation_width('规划;开展跨区域, 强化保护(试行)!执行"三区三线"管理')
    '规划；开展跨区域， 强化保护（试行）！执行“三区三线”管理'
    >>> fix_punctuation_width("Yunnan (China): 6,840,000; 中国(WBC)")
    'Yunnan (China): 6,840,000; 中国(WBC)'
    >>> fix_punctuation_width("开展““三区三线””管理")
    '开展“三区三线”管理'
    """
    chars = list(text)
    for i, char in enumerate(chars):
        if char not in FULL_WIDTH_MARKS:
            continue
        left, right = _neighbour(chars, i, -1), _neighbour(chars, i, +1)
        left_cjk = bool(left) and _HAN_CONTEXT_CHAR.match(left) is not None
        right_cjk = bool(right) and _HAN_CONTEXT_CHAR.match(right) is not None
        if char in ",;:!?" and not left_cjk and _number_inside_chinese(chars, i):
            left_cjk = True  # "覆盖率达到62.35%;推进": a number inside a Chinese sentence
        if char == "(":
            chinese = right_cjk and (left_cjk or not left)
        elif char == ")":
            chinese = left_cjk and (right_cjk or not right or right in FULL_WIDTH_MARKS)
        else:
            chinese = left_cjk and (right_cjk or not right)
        if chinese:
            chars[i] = FULL_WIDTH_MARKS[char]
    text = "".join(chars)
    text = _pair_quotes(text)
    return _DOUBLED_OPEN_QUOTE.sub("“", _DOUBLED_CLOSE_QUOTE.sub("”", text))


def _number_inside_chinese(chars: list[str], index: int) -> bool:
    """The punctuation at ``index`` follows a number that follows Chinese, and Chinese follows it."""
    after = chars[index + 1] if index + 1 < len(chars) else ""
    if not after or not _HAN_CONTEXT_CHAR.match(after):
        return False
    i = index - 1
    while i >= 0 and (chars[i].isdigit() or chars[i] in ".,%"):
        i -= 1
    return i < index - 1 and i >= 0 and _HAN_CONTEXT_CHAR.match(chars[i]) is not None


def _neighbour(text: str | list[str], index: int, direction: int) -> str:
    """The nearest non-space character before (-1) or after (+1) ``index``, or ''."""
    i = index + direction
    while 0 <= i < len(text) and text[i] == " ":
        i += direction
    return text[i] if 0 <= i < len(text) else ""


def _pair_quotes(text: str) -> str:
    """Straight double quotes in a line with Chinese, when they come in pairs and each pair
    holds Chinese text, become curly."""
    if '"' not in text or text.count('"') % 2 or not _HAN_CHAR.search(text):
        return text
    parts = text.split('"')
    quoted = parts[1::2]
    if not all(_HAN_CHAR.search(q) for q in quoted):
        return text
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append("“" if i % 2 == 0 else "”")
        out.append(part)
    return "".join(out)


def fix_han_spacing(text: str) -> str:
    """Remove spaces between two CJK characters (OCR engines put them there); spaces between
    Chinese and Latin letters or digits stay as they were.

    >>> fix_han_spacing("安 顺 市 ， 2024 年 the city 的 规划")
    '安顺市，2024 年 the city 的规划'
    """
    if " " not in text:
        return text
    text = _SPACE_IN_CJK.sub("", text)
    # full-width punctuation carries its own space: one next to it is an OCR artefact
    return _SPACE_AT_FULL_WIDTH.sub("", text)


_DOUBLED_DEGREE = regex.compile(r"(?:° ?)+(?=[℃℉])|(?<=^|\d)。(?=[℃℉])|(?<=℃)[C℃]+(?![\p{L}\p{N}])"
                                r"|(?<=℉)[F℉]+(?![\p{L}\p{N}])")


def fix_degree_sign(text: str) -> str:
    """A degree sign read twice: OCR reads the small circle of ``℃`` as a ``°`` of its own, or as a
    ``。`` right after a number or at the start of a line (``。℃下处理``, where a wrapped line starts with
    the sign), or the ``C`` or the whole sign again right after it (``9.7°℃``, ``76±2℃C``, ``11.5℃℃``);
    ``℃`` holds both. A ``C`` or a ``℃`` a space away is another word (a grade in the next cell), and
    stays, and so does a ``。`` ending a sentence before one.

    >>> fix_degree_sign("气温 9.7°℃，在 76±2℃C 下处理"), fix_degree_sign("8.4 °C; 25℃ Celsius; 85℃ C 级")
    ('气温 9.7℃，在 76±2℃ 下处理', '8.4 °C; 25℃ Celsius; 85℃ C 级')
    >>> fix_degree_sign("°°℃ ° °℃ 2℃CC"), fix_degree_sign("。℃下处理，年均气温 11.5℃℃，36。℃")
    ('℃ ℃ 2℃', '℃下处理，年均气温 11.5℃，36℃')
    >>> fix_degree_sign("20℃ ℃"), fix_degree_sign("上午。℃表示"), fix_degree_sign("℃。℃")
    ('20℃ ℃', '上午。℃表示', '℃。℃')
    """
    return _DOUBLED_DEGREE.sub("", text) if "℃" in text or "℉" in text else text


FIXERS: tuple[Callable[[str], str], ...] = (fix_encoding, fix_lookalikes, fix_punctuation_width, fix_han_spacing,
                                            fix_degree_sign)
_BY_NAME = {f.__name__: f for f in FIXERS}


#: The fixers that decode (a wrong encoding, a look-alike): exact, right for any text. The others tidy
#: what OCR makes of Chinese punctuation and spacing, and are for OCR's output only: a font's text
#: says what its document says, ASCII quotes inside Chinese included.
DECODERS: tuple[Callable[[str], str], ...] = (fix_encoding, fix_lookalikes)


def fix_text(text: str, *, decode_only: bool = False, alone: bool | str | None = False,
             widths_read: bool = False) -> tuple[str, list[Step]]:
    """All fixers in order (``DECODERS`` only, with ``decode_only``); the fixed text and the steps
    that changed it. ``alone``: a line of a page with mojibake elsewhere (``fix_encoding``).
    ``widths_read``: the text is a reading that tells ASCII punctuation from full-width by what the
    image shows (PP-OCR's readings, each mark's width set by the room it takes on the line:
    ``ocr/engines/widths.py``; Tesseract sets ``（`` as ``(`` with spaces), so ``fix_punctuation_width``
    is not applied: the page may print ASCII punctuation inside Chinese, as man pages translated to
    Chinese do.

    Idempotent: ``fix_text(fix_text(x)[0])[0] == fix_text(x)[0]``.

    >>> fix_text('will become "电⼦子科技⼤大学".', decode_only=True)[0]
    'will become "电子科技大学".'
    >>> fix_text("代码,否则 (参见 perlre)")[0], fix_text("代码,否则 (参见 perlre)", widths_read=True)[0]
    ('代码，否则（参见 perlre)', '代码,否则 (参见 perlre)')
    """
    steps = []
    # until nothing changes, three rounds at most: a later fixer can leave what an earlier one undoes
    # (``á””˜`` with its doubled quote made one is UTF-8 read as cp1252)
    for _ in range(3):
        before = text
        for fixer in DECODERS if decode_only else FIXERS:
            if widths_read and fixer is fix_punctuation_width:
                continue
            fixed = fix_encoding(text, alone=alone) if fixer is fix_encoding else fixer(text)
            if fixed != text:
                steps.append(Step(fixer.__name__, text, fixed))
                text = fixed
        if text == before:
            break
    return text, steps


_TRAILING_RUN = regex.compile(rf"{MOJIBAKE_CHAR}+$")
_LEADING_RUN = regex.compile(rf"^{MOJIBAKE_CHAR}+")




def rejoin_split(texts: Sequence[str]) -> list[str]:
    """One page's lines with each character whose bytes a line break cut in two (mojibake wrapped
    as if it were Latin text: ``下处。`` as ``ä¸‹å¤`` + ``„ã€‚``) put back together at the end of
    the first line, so that each line decodes on its own. Only in the page's own encoding (its
    longest mojibake runs tell: UTF-8's ``²å`` is no cut character, whatever GBK makes of it);
    lines that end in whole characters stay as they are.

    >>> rejoin_split(["åœ¨ 31 ä¸‹å¤", "„ã€‚"])
    ['åœ¨ 31 ä¸‹å¤„', 'ã€‚']
    >>> rejoin_split(["ÏÂ´¦Àí¡£ pH 8.4¡", "À0.2"]), rejoin_split(["Café", "éclair"])
    (['ÏÂ´¦Àí¡£ pH 8.4¡À', '0.2'], ['Café', 'éclair'])
    >>> rejoin_split(["åœ¨ä¸‹ 16 hm²", "å¹´å‡"])
    ['åœ¨ä¸‹ 16 hm²', 'å¹´å‡']
    """
    lines = list(texts)
    encoding = mojibake_encoding(lines)
    if encoding is None:
        return lines
    for i in range(len(lines) - 1):
        tail, head = _TRAILING_RUN.search(lines[i]), _LEADING_RUN.match(lines[i + 1])
        if not tail or not head or whole_bytes(tail.group(), encoding):
            continue
        for k in range(1, min(3, len(head.group())) + 1):  # a UTF-8 character has at most 3 bytes more
            joined, rest = tail.group() + head.group()[:k], head.group()[k:]
            if (whole_bytes(joined, encoding) and decode_mojibake(joined, min_gbk_han=1) is not None
                    and (not rest or whole_bytes(rest, encoding))):
                lines[i], lines[i + 1] = lines[i] + lines[i + 1][:k], lines[i + 1][k:]
                break
    return lines


def replay(text: str, steps: list[Step]) -> str:
    """Apply the fixers named in ``steps`` to ``text`` again, in order (for checking a report).

    >>> original = "规划;开展"
    >>> fixed, steps = fix_text(original)
    >>> replay(original, steps) == fixed
    True
    """
    for step in steps:
        text = _BY_NAME[step.fixer](text)
    return text
