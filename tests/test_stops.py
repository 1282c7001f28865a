"""Chinese full stops the recognizers misread or drop (``ocr/engines/forms.py``, ``choose.correct``): lines
typeset in real CJK fonts, the full stop read as a degree sign put back by where its ink stands, a degree sign
left alone; and a full stop PP-OCR dropped at a line's end taken from Tesseract's reading of the same line."""

from __future__ import annotations

import pytest

from cwn_ocr.model import BBox, Line, Word
from cwn_ocr.ocr.engines.choose import correct
from cwn_ocr.ocr.engines.forms import stops_read_as_degrees
from cwn_ocr.ocr.engines.ppocr import PpOcrEngine
from tests.test_primes import _recognized, fonts, typeset

#: Lines with a full stop before digits (both recognizers read it ``°`` on the stress corpus's scans).
STOPS = ["修复城市绿地19处。5.5.4贵阳水源地保护红线",
         "描述这种转换。8.9 安顺生态廊道保护红线面积"]
#: Lines with degree signs, which must stay.
DEGREES = ["北纬 26°35′，东经 105°55′ 的地区",
           "草海年均气温 17.5 °C 左右的地区"]


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_full_stop_read_as_a_degree_sign_is_told_by_where_its_ink_stands() -> None:
    """The recognizer reads these clean renders right; its reading with each ``。`` made a ``°`` (as it reads
    them on scans) must come back with the full stops, in mainland fonts (the stop at the cell's foot) and AR
    PL's (in its middle), and a degree sign's reading must stay as it is."""
    tried = degrees = 0
    for path in fonts():
        for size in (30, 44):
            for text in [*STOPS, *DEGREES]:
                image = typeset(path, size, text)
                read, columns, _probs, cell = _recognized(image)
                if text in DEGREES:
                    assert stops_read_as_degrees(read, columns, cell, image) == read, (path, size, read)
                    degrees += "°" in read
                    continue
                if "。" not in read:
                    continue  # misread otherwise: nothing to try
                misread = read.replace("。", "°")
                assert stops_read_as_degrees(misread, columns, cell, image) == read, (path, size, misread)
                tried += 1
    assert tried >= 10 and degrees >= 10, (tried, degrees)


def _reading(text: str, conf: float) -> Line:
    words = text.split()
    return Line.from_words([Word(word, BBox(10 * k, 0, 10 * k + 9, 10), conf) for k, word in enumerate(words)])


@pytest.mark.parametrize(("pp", "tess", "kept"), [
    ("■红枫湖农田水质pH值8.3±0.3", "极 湖 农田 水 质 pH 值 8.3t0.3。", "■红枫湖农田水质pH值8.3±0.3。"),
    ("△H=-319.7kJ/mol", "H=-319.7 kJ/mol。", "△H=-319.7kJ/mol。"),
    ("误差±4.8%", "误 差 士 4.8%。", "误差±4.8%。"),
    # PP-OCR's line ends in Han: it reads the stop there; Tesseract's is a speck's
    ("安顺市生态保护", "安 顺 市 生态 保护 。", "安顺市生态保护"),
    # the characters before the mark not read alike: nothing to go by
    ("误差±4.8", "误 差 士 4.3。", "误差±4.8"),
    # the mark a word of its own after a number: a speck, maybe (a table's cells)
    ("面积12.5", "面 积 12.5 。", "面积12.5"),
    # an ASCII full stop is no mark PP-OCR drops
    ("see RFC 1918", "see RFC 1918.", "see RFC 1918"),
])
def test_a_full_stop_ppocr_dropped_at_the_line_end_comes_from_tesseract(pp: str, tess: str, kept: str) -> None:
    assert correct(_reading(pp, 97.0), _reading(tess, 70.0)).text == kept
