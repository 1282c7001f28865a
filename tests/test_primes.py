"""Primes (``ocr/primes.py``): lines typeset in real CJK fonts and read by PP-OCR, whose dictionary has no
``′``: the minutes of an angle and a letter's prime before ``=`` come out as ``′`` where the page prints
them, and nowhere else (an ``H =`` without a tick, an angle without minutes' mark, apostrophes in words)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cwn_ocr.ocr.engines.ppocr import PpOcrEngine
from cwn_ocr.ocr.primes import merged_primes, read_as_primes

FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
         "/usr/share/fonts/truetype/arphic/uming.ttc"]
#: Lines printing primes, and how many each prints.
WITH = {"物种丰富度指数 H′ = 3.98，均匀度 J′ = 0.39，鸟类 368 种": 2,
        "草海年均气温 17.5℃，北纬 35°10′-23°17′。拥有景区": 2}
#: Lines printing none, with the places a prime could stand empty or taken by something else.
WITHOUT = ["反应 △H = -110.8 kJ/mol，产物含 -C≡N 基团",
           "北纬 35°10 到 36 度之间的地区，年均气温 15°C",
           "西安 Xi'an 和 it's 'quoted' 的说明文字",
           "所谓“北纬26°35”是指这一带的地区",
           "他说：「位于北纬26°35」。这里的景区",
           "位于北纬26°35兴地区的气候，北纬26°35丫口的水库"]  # the top strokes of 兴 and 丫 are their own
#: Lines with other small marks where a prime could stand (after a lone letter, before ``=``): taken out of
#: the reading as if the recognizer had dropped them, none may come back as a prime.
NOT_TICKS = {"温度 T°=25 时的读数说明文字": "°", "相关系数 R²=0.98 的拟合结果": "²",
             "显著性 P*=0.05 的检验结果说明": "*"}


def fonts() -> list[str]:
    """The fonts of ``FONTS`` this machine has; the test is skipped with fewer than two."""
    here = [path for path in FONTS if Path(path).is_file()]
    if len(here) < 2:
        pytest.skip("needs two of fonts-noto-cjk, fonts-wqy-zenhei, fonts-arphic-uming")
    return here


def typeset(font_path: str, size: int, text: str) -> np.ndarray:
    """``text`` on a white line, cropped as the repair crops a line (a tenth of its height above and below)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (int(font.getlength(text)) + 4 * size, 3 * size), 255)
    ImageDraw.Draw(image).text((size, 2 * size), text, font=font, fill=0, anchor="ls")
    pixels = np.asarray(image)
    rows = np.flatnonzero((pixels < 128).any(axis=1))
    pad = max(1, (rows[-1] - rows[0]) // 10)
    return pixels[max(0, rows[0] - pad):rows[-1] + pad + 1]


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_primes_come_out_where_the_page_prints_them_and_nowhere_else() -> None:
    expected = found = 0
    for path in fonts():
        for size in (30, 44):
            readings = PpOcrEngine().read_lines([typeset(path, size, text) for text in [*WITH, *WITHOUT]])
            for text, reading in zip([*WITH, *WITHOUT], readings):
                primes = read_as_primes(reading.text).count("′")  # as the page's reading ends (ocr_page)
                if text in WITH:
                    expected += WITH[text]
                    found += min(primes, WITH[text])
                    assert primes <= WITH[text], (path, size, reading.text)
                else:
                    assert primes == 0, (path, size, reading.text)
    # before: none (PP-OCR's dictionary has no prime; it drops the mark or reads an apostrophe)
    assert found >= 0.8 * expected, (found, expected)


def _recognized(image: np.ndarray) -> tuple[str, list[int], list[float], float]:
    """The recognizer's raw reading of a line image: text, each character's CTC column and probability, and
    the pixels a column spans (what ``PpOcrEngine`` reads a line's places from)."""
    import cv2

    from cwn_ocr.ocr.engines.ppocr import _models

    [result], _ = _models(1).recognizer([cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)], return_word_box=True)
    total, _words, word_columns, _states, probs = result[2]
    return str(result[0]), [c for group in word_columns for c in group], list(probs), image.shape[1] / total


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_prime_the_recognizer_dropped_is_put_back_only_where_the_ink_shows_a_tick() -> None:
    """On the stress corpus's scans PP-OCR mostly drops the prime (``H=3.98``, ``43°41。``). Here its reading
    of a printed line has its marks taken out again, as it drops them; the tick the crop shows puts each back
    in its place. Lines without a tick get none, in four fonts and two sizes."""
    from cwn_ocr.ocr.primes import dropped_primes

    expected = found = 0
    for path in fonts():
        for size in (30, 44):
            for text in [*WITH, *WITHOUT]:
                image = typeset(path, size, text)
                read, columns, probs, cell = _recognized(image)
                if text in WITHOUT:
                    assert "′" not in dropped_primes(read, columns, probs, cell, image)[0], (path, size, read)
                    continue
                if merged_primes(read):
                    continue  # ``J′`` read as ``」``: the next test's
                marked = read_as_primes(read)
                kept = [i for i, char in enumerate(marked) if char != "′"]
                if len(kept) == len(marked):
                    continue  # the mark read as something else: nothing to take out
                dropped = "".join(marked[i] for i in kept)
                restored = dropped_primes(dropped, [columns[i] for i in kept], [probs[i] for i in kept], cell, image)[0]
                expected += len(marked) - len(kept)
                found += (len(marked) - len(kept)) if restored == marked else 0
                assert restored.count("′") <= len(marked) - len(kept), (path, size, restored)
    assert expected >= 16 and found >= 0.8 * expected, (found, expected)


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_other_small_marks_the_recognizer_dropped_are_not_taken_for_primes() -> None:
    """A degree sign (a ring), a raised ``²`` and an asterisk (more than one stroke) stand where a letter's prime
    would; taken out of the reading, the tick test must not put a ``′`` in their place."""
    from cwn_ocr.ocr.primes import dropped_primes

    tried = 0
    for path in fonts():
        for size in (30, 44):
            for text, mark in NOT_TICKS.items():
                image = typeset(path, size, text)
                read, columns, probs, cell = _recognized(image)
                if mark not in read:
                    continue
                kept = [i for i, char in enumerate(read) if char != mark]
                dropped = "".join(read[i] for i in kept)
                restored = dropped_primes(dropped, [columns[i] for i in kept], [probs[i] for i in kept], cell, image)
                assert "′" not in restored[0], (path, size, read, restored[0])
                tried += 1
    assert tried >= 8, tried


#: Lines with the letter ``J`` and its prime before ``=`` (Pielou's evenness), which recognizers read as a closing
#: bracket on scans, the prime with it (``均匀度」=0.57``) or apart (``均匀度」'=0.57``); and lines whose brackets
#: close what they opened.
J_PRIME = ["物种丰富度指数 H′ = 3.98，均匀度 J′ = 0.39，鸟类 368 种", "均匀度 J′ = 0.57，鸟类 178 种"]
CLOSED = ["他说「甲」= 乙的意思", "数组 a[i] = 1 的赋值说明"]


@pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")
def test_a_letter_and_its_prime_read_as_a_bracket_come_back_where_the_ink_shows_the_tick() -> None:
    """The recognizer's reading of ``J′`` made the bracket it becomes on scans, with the prime's column taken
    out (one mark) or kept (the prime read apart): the tick the crop shows makes it ``J′`` again; brackets that
    close what they opened stay."""
    from cwn_ocr.ocr.primes import dropped_primes

    tried = 0
    for path in fonts():
        for size in (30, 44):
            for text in [*J_PRIME, *CLOSED]:
                image = typeset(path, size, text)
                read, columns, probs, cell = _recognized(image)
                if text in CLOSED:
                    assert dropped_primes(read, columns, probs, cell, image)[0] == read, (path, size, read)
                    continue
                if merged_primes(read):  # read as a bracket already (WenQuanYi), the prime with it or apart
                    back = read_as_primes(dropped_primes(read, columns, probs, cell, image)[0])
                    assert "J′" in back, (path, size, read, back)
                    tried += 1
                    continue
                at = next((i for i in range(len(read) - 1) if read[i] in "J」" and read[i + 1] in "'′’＇"), None)
                if at is None:
                    continue
                apart = read[:at] + "」" + read[at + 1:]
                back = read_as_primes(dropped_primes(apart, columns, probs, cell, image)[0])
                assert "J′" in back, (path, size, apart, back)
                merged = read[:at] + "」" + read[at + 2:]
                kept = [i for i in range(len(read)) if i != at + 1]
                restored = dropped_primes(merged, [columns[i] for i in kept], [probs[i] for i in kept], cell, image)[0]
                assert "J′" in restored, (path, size, merged, restored)
                tried += 1
    assert tried >= 10, tried
