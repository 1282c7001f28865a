"""Commas a recognizer reads as a closing quote (``ocr/engines/forms.py``, ``commas_read_as_quotes``): lines
typeset in real CJK fonts, each ``，`` the recognizer read made a ``’`` (as PP-OCR reads AR PL's centred comma
on scans: ``0.25’μ``) and put back by where its ink stands; quotes and apostrophes left as read."""

from __future__ import annotations

from pathlib import Path

import pytest

from cwn_ocr.ocr.engines.forms import commas_read_as_quotes
from cwn_ocr.ocr.engines.ppocr import PpOcrEngine
from tests.test_primes import FONTS, _recognized, typeset

#: AR PL UKai centres its full-width punctuation; the recognizer reads its comma ``’`` even on a clean render.
UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
#: Lines with full-width commas after digits, letters and Han.
COMMAS = ["取 δ = 0.25，μ ＜ 3.74，γ 射线剂量率",
          "海拔 1,038 m，北纬 35 度的地区，共有",
          "产物含 -COOH 与 -C≡N 基团，用 NaOH 溶液处理"]
#: Lines with quotes and apostrophes, which must stay.
QUOTES = ["遇上奇怪的键盘映射 (把减号 '-' 换成别的)",
          "这是 Tom’s 的文件，选项 ‘abc’ 的用法",
          "用 Jay’s 和 Peggy’s 数据进行回归分析",
          "所谓‘小’‘孔’的说法和北纬 35°10’ 的地区"]


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_comma_read_as_a_quote_is_told_by_where_its_ink_stands() -> None:
    """Where the recognizer read a ``，`` right, its reading with the mark made ``’`` must come back with a comma
    in that place: ``，`` in AR PL UKai (which centres it: the font whose commas are read as quotes on the
    corpus's scans), ``，`` or ``,`` in mainland fonts (on the baseline: its width is the room's to tell, in
    ``widths``). Quotes and apostrophes the recognizer read must stay."""
    tried = quotes = 0
    here = [path for path in [*FONTS, UKAI] if Path(path).is_file()]
    if UKAI not in here or len(here) < 2:
        pytest.skip("needs fonts-arphic-ukai and one more of fonts-noto-cjk, fonts-wqy-zenhei, fonts-arphic-uming")
    for path in here:
        centred = path == UKAI
        for size in (20, 30, 44):
            for text in [*COMMAS, *QUOTES] if size > 20 else QUOTES:  # 20 px: too small to measure a comma by
                image = typeset(path, size, text)
                read, columns, _probs, cell = _recognized(image)
                if text in QUOTES:
                    assert commas_read_as_quotes(read, columns, cell, image) == read, (path, size, read)
                    quotes += sum(read.count(mark) for mark in "’'")
                    continue
                # the lines print no quote: each ``’`` read is a comma (UKai's, read so even on a clean render)
                places = [i for i, char in enumerate(read) if char in "，’'"]
                misread = "".join("’" if i in places else char for i, char in enumerate(read))
                told = commas_read_as_quotes(misread, columns, cell, image)
                assert len(told) == len(read), (path, size, told)
                for i in places:
                    assert told[i] == "，" if centred else told[i] in "，,", (path, size, misread, told)
                assert all(told[i] == read[i] for i in range(len(read)) if i not in places), (path, size, told)
                tried += len(places)
    assert tried >= 20 and quotes >= 10, (tried, quotes)
