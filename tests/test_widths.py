"""ASCII or full-width punctuation told by the room a mark takes (``ocr/engines/widths.py``): lines typeset in
real CJK fonts with both forms between Han characters, letters and digits; each mark's reading flipped to the
other form must come back as printed, and no mark read right may change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pytest
import regex

from cwn_ocr.ocr.engines.ppocr import PpOcrEngine
from cwn_ocr.ocr.engines.widths import _ASCII, FORMS, ascii_form, mark_widths, room
from tests.test_primes import _recognized, fonts, typeset

if TYPE_CHECKING:
    import numpy as np

#: Both forms of each mark, beside Han characters, digits and letters (man pages translated to Chinese print
#: ASCII marks inside Chinese).
LINES = ["用户传递的大小写,还是强制使用默认值，否则出错",
         "设备的大小(以字节计)和偏移（单位是字节）如下",
         "如果未设置它:终端宽度将通过变量，例如：安顺市",
         "森林覆盖率69.18%,较上年提高，海拔3,108m，北纬",
         "样品编号ABN229,批次FGT398;检测项目；合格率93%"]


#: A full-width comma after a number, and an ASCII comma and a space there.
SPACED = ("丰富度指数H=2.18，均匀度为0.67，鸟类有很多种", "丰富度指数H=2.18, 均匀度为0.67, 鸟类有很多种")


def _flipped(char: str) -> str:
    return FORMS.get(char) or _ASCII[char]


def _read_each(lines: Sequence[str]) -> Iterator[tuple[str, int, str, np.ndarray, str, list[int], float]]:
    """Each of ``lines`` typeset in each of the tests' fonts at two sizes, and the recognizer's reading of it: the
    font, the size, the line, its image, the text read, each character's CTC column and a column's pixels."""
    for path in fonts():
        for size in (30, 44):
            for printed in lines:
                image = typeset(path, size, printed)
                read, columns, _probs, cell = _recognized(image)
                yield path, size, printed, image, read, columns, cell


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_mark_read_in_the_other_width_comes_back_as_printed() -> None:
    """Every mark of a line the recognizer read character for character is flipped to the other form in turn:
    ``mark_widths`` must give the printed form back, or leave the flip (a mark it cannot measure), and it must
    never change a mark read right."""
    flips = restored = 0
    for path, size, text, image, read, columns, cell in _read_each(LINES):
        if len(read) != len(text) or any((a in FORMS or a in _ASCII) != (b in FORMS or b in _ASCII)
                                         for a, b in zip(read, text)):
            continue  # not read character for character: no place to compare
        as_read = mark_widths(read, columns, cell, image)
        assert all(out == printed or out == got for out, got, printed in zip(as_read, read, text)), \
            (path, size, read)
        for at, char in enumerate(read):
            if char != text[at] or (char not in FORMS and char not in _ASCII):
                continue
            misread = read[:at] + _flipped(char) + read[at + 1:]
            out = mark_widths(misread, columns, cell, image)
            assert out[at] in (char, misread[at]), (path, size, misread, out)
            assert out[:at] + out[at + 1:] == as_read[:at] + as_read[at + 1:]
            flips += 1
            restored += out[at] == char
    # about 30 flips a font; 97 % came back on the four fonts of the tests
    assert flips >= 20 * len(fonts()) and restored >= 0.9 * flips, (flips, restored)


def test_a_mark_beside_a_space_punctuation_or_the_line_end_is_not_measured() -> None:
    spans = [(0.2, 3.8), (4.2, 7.8), (8.3, 8.8), (12.2, 15.8), (16.2, 19.8)]
    assert room("时间，单位", 2, spans, 4.0) == 1.0
    assert room("时间， 位", 2, spans, 4.0) is None
    assert room("时）。单位", 2, spans, 4.0) is None
    assert room("时间单位，", 4, spans, 4.0) is None
    assert room("，间单位", 0, spans, 4.0) is None


def test_a_mark_between_two_letters_is_never_made_full_width() -> None:
    """``Currently, the``: an ASCII comma and the space after it take an em in a half-width font."""
    import numpy as np

    gray = np.full((40, 380), 255, np.uint8)
    for x in (0, 40, 80, 120):
        gray[5:35, x + 2:x + 38] = 0  # four Han characters: the line's em
    gray[10:35, 222:238] = gray[10:35, 282:298] = 0  # y and t, 40 px apart: a comma and a space between
    gray[28:35, 250:254] = 0
    assert mark_widths("安顺市生 y,t", [2, 7, 12, 17, 22, 28, 31, 36], 8.0, gray) == "安顺市生 y,t"


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_full_width_comma_read_as_an_ascii_one_and_a_space_comes_back() -> None:
    """The recognizer reads a full-width comma's white after a number as a space (``2.18, 均匀度``, ``3.04 ,均匀度``,
    ``2.18 , 均匀度`` on the stress corpus's scans): given any of these readings, the comma must come back
    full-width; an ASCII comma and a space printed in a proportional font must stay."""
    tried = 0
    for path, size, printed, image, first, columns, cell in _read_each(SPACED):
        found = regex.search(r"(?<=2\.18) ?[,，]", first)
        if not found or first[found.end():found.end() + 1] not in ("均", " "):
            continue
        at = found.end() - 1  # the comma after 2.18
        if at > 0 and first[at - 1] == " ":
            first, columns = first[:at - 1] + first[at:], columns[:at - 1] + columns[at:]
            at -= 1
        if first[at + 1] == " ":
            first, columns = first[:at + 1] + first[at + 2:], columns[:at + 1] + columns[at + 2:]
        # the comma read as ASCII with a space where the white is (after it, or before it)
        space = (columns[at] + columns[at + 1]) // 2
        for read, places, mark in ((first[:at] + ", " + first[at + 1:], [*columns[:at + 1], space,
                                                                       *columns[at + 1:]], at),
                                   (first[:at] + " ," + first[at + 1:], [*columns[:at], columns[at] - 1,
                                                                       *columns[at:]], at + 1),
                                   (first[:at] + " , " + first[at + 1:], [*columns[:at], columns[at] - 1,
                                                                        columns[at], space,
                                                                        *columns[at + 1:]], at + 1)):
            out = mark_widths(read, places, cell, image)
            if "，" in printed:
                assert out[mark] == "，", (path, size, read, out)
                tried += 1
            elif "uming" not in path and "ukai" not in path:  # half-width fonts: ``, `` takes an em
                assert out[mark] == ",", (path, size, read, out)
                tried += 1
    assert tried >= 6 * len(fonts()), tried  # three readings of each; 42 on the four fonts of the tests


def test_a_comma_and_a_space_after_a_latin_word_are_left_as_read() -> None:
    """``perlre, 否则``: in a half-width font an ASCII comma and a space take an em, and after a word they are
    as likely ASCII; after a number or a unit the space is the white of a full-width comma."""
    import numpy as np

    gray = np.full((40, 400), 255, np.uint8)
    for x in (0, 40, 80, 120, 262, 302, 342):
        gray[5:35, x + 2:x + 38] = 0  # Han characters, 40 px: the line's em
    gray[10:35, 162:178] = gray[10:35, 182:198] = gray[10:35, 202:218] = 0  # three narrow glyphs
    gray[28:35, 224:228] = 0  # a comma: 1.1 em from the last glyph's ink to the next Han character's cell
    for word in ("abc", "1.5"):
        text = "安顺市生" + word + ", 否则是"
        columns = [2, 7, 12, 17, 21, 24, 26, 28, 31, 35, 40, 45]
        expected = "，" if word == "1.5" else ","
        assert mark_widths(text, columns, 8.0, gray)[7] == expected, word
    # only a comma was measured so: an ASCII bracket and a space after a number stay as read (``7.5 (无量纲)``)
    assert mark_widths("安顺市生1.5( 否则是", columns, 8.0, gray)[7] == "("


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_bracket_that_cannot_be_measured_takes_its_partners_form() -> None:
    """``(以字节计)。``: the closing bracket stands beside a full stop (no room to measure); read full-width with
    its partner, both must come back ASCII as the opening one's room shows, and a full-width pair must stay."""
    tried = 0
    both = ("设备的大小(以字节计)。如果未设置它", "设备的大小（以字节计）。如果未设置它")
    for path, size, printed, image, read, columns, cell in _read_each(both):
        if len(read) != len(printed) or any((a in "(（)）") != (b in "(（)）") for a, b in zip(read, printed)):
            continue
        both_full = read.replace("(", "（").replace(")", "）")
        out = mark_widths(both_full, columns, cell, image)
        if "（" in printed:
            assert out[5] + out[10] == "（）", (path, size, both_full, out)
        elif out[5] == "(":  # the opening bracket's room told it (AR PL's half-em cells may not)
            assert out[10] == ")", (path, size, both_full, out)
            tried += 1
    assert tried >= 1.5 * len(fonts()), tried


#: Lines whose last mark nothing after it measures, set with full-width marks and with ASCII ones: a semicolon
#: after Han, and a comma after a number.
ENDED = ("强化生态系统保护，增加森林固碳能力；", "强化生态系统保护,增加森林固碳能力;",
         "森林覆盖率为69.18%，较上年提高0.5%，", "森林覆盖率为69.18%,较上年提高0.5%,")


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_lines_last_mark_read_ascii_takes_the_form_of_the_lines_measured_marks() -> None:
    """The recognizer reads a line's last ``；`` as ``;`` (nothing after it to measure it by): read so, the last mark
    must come back full-width where the line's other mark measures full-width, and stay ASCII where it measures
    ASCII."""
    tried = 0
    for path, size, printed, image, read, columns, cell in _read_each(ENDED):
        k = printed.index("，" if "，" in printed else ",")
        if len(read) != len(printed) or read[k] not in ",，" or read[-1] not in ",，;；":
            continue
        flipped = read[:k] + _flipped(read[k]) + read[k + 1:]
        if mark_widths(flipped, columns, cell, image)[k] != printed[k]:
            continue  # the comma's room does not tell it (AR PL's half-em cells may not): nothing to follow
        as_ascii = read[:-1] + ascii_form(read[-1])
        out = mark_widths(as_ascii, columns, cell, image)
        assert out[-1] == printed[-1], (path, size, as_ascii, out)
        tried += 1
    assert tried >= 6 * len(fonts()), tried  # 8 cases a font, all tried on the four fonts of the tests


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_an_opening_bracket_read_ascii_with_a_space_before_a_number_comes_back_with_its_partner() -> None:
    """``溶液 (1.73 mol/L) 在``: the recognizer reads a full-width opening bracket's white as a space; read so, the
    bracket must come back full-width and its partner with it; an ASCII bracket printed so must stay."""
    tried = 0
    both = ("用硫酸溶液（1.73mol/L）在室温下处理", "用硫酸溶液(1.73mol/L)在室温下处理")
    for path, size, printed, image, read, columns, cell in _read_each(both):
        if len(read) != len(printed) or read[5] not in "(（" or read[15] not in ")）":
            continue
        # both brackets read ASCII, with a space where each full-width one's white is (neither measurable
        # without: ``溶液 (1.73 mol/L) 在``)
        spaced = read[:5] + " (" + read[6:15] + ") " + read[16:]
        places = [*columns[:5], columns[5] - 1, *columns[5:16], columns[15] + 1, *columns[16:]]
        out = mark_widths(spaced, places, cell, image)
        if "（" in printed:
            assert out[6] + out[16] == "（）", (path, size, spaced, out)
            tried += 1
        elif "uming" not in path and "ukai" not in path:  # half-width fonts: ``文 (`` takes an em
            assert out[6] == "(", (path, size, spaced, out)
    assert tried >= 1.5 * len(fonts()), tried
