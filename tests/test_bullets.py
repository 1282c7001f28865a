"""List bullets told by the shape of their ink (``ocr/bullets.py``): lines typeset in real CJK fonts,
with the bullet outside the text's box as the engines leave it, and lines whose first mark only looks
like one (a full stop, a quote, a hollow circle, a dash, a number)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cwn_ocr.model import BBox, Line, Word
from cwn_ocr.ocr.bullets import Bullet, leading_bullet
from cwn_ocr.ocr.page import bulleted

CJK_FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
TEXT = "截至2009年7月6日，修复水源地 54 处。"


def typeset(font_path: str, size: int, lead: str) -> tuple[np.ndarray, BBox]:
    """``lead`` and a space, then ``TEXT``, on a white line; and the box of ``TEXT``'s ink alone (where an
    engine's line box starts when it leaves the bullet out)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (40 * size, 3 * size), 255)
    draw = ImageDraw.Draw(image)
    x0 = 2.0 * size
    start = x0 + (font.getlength(lead + " ") if lead else 0.0)
    draw.text((x0, 2 * size), lead + (" " if lead else "") + TEXT, font=font, fill=0, anchor="ls")
    pixels = np.asarray(image)
    rows = np.flatnonzero((pixels[:, int(start):] < 128).any(axis=1))
    cols = np.flatnonzero((pixels[:, int(start):] < 128).any(axis=0))
    return pixels, BBox(start + cols[0], float(rows[0]), start + cols[-1] + 1, float(rows[-1] + 1))


def fonts_with(chars: str) -> list[str]:
    from fontTools.ttLib import TTFont

    found = []
    for path in CJK_FONTS:
        if Path(path).is_file():
            with TTFont(path, fontNumber=0, lazy=True) as tt:
                if all(ord(c) in tt.getBestCmap() for c in chars):
                    found.append(path)
    return found


@pytest.mark.parametrize("bullet", ["●", "■", "◆", "•", "▪"])
def test_a_bullet_left_out_of_the_line_is_found_by_its_shape(bullet: str) -> None:
    fonts = fonts_with(bullet)
    if not fonts:
        pytest.skip(f"no CJK font here draws {bullet} (fonts-noto-cjk, fonts-wqy-zenhei)")
    for path in fonts:
        for size in (30, 44):
            pixels, box = typeset(path, size, bullet)
            found = leading_bullet(pixels < 128, box)
            assert found is not None and found.char == bullet, (Path(path).name, size, found)


@pytest.mark.parametrize("lead", ["。", ".htm", "“引号”", "-", "○", "□", "1.", "(1)", "※", "°C", "国土", "", "⋯",
                                  "●●●○○", "■■"])
def test_a_mark_that_is_no_bullet_is_left_alone(lead: str) -> None:
    fonts = fonts_with(lead)
    if not fonts:
        pytest.skip("no CJK font here (fonts-noto-cjk, fonts-wqy-zenhei)")
    for path in fonts:
        for size in (30, 44):
            pixels, box = typeset(path, size, lead)
            assert leading_bullet(pixels < 128, box) is None, (Path(path).name, size, lead)


def two_items(font: str, lead: str, size: int = 40) -> tuple[np.ndarray, list[Line]]:
    """Two list items (``lead`` then ``TEXT``) one under the other, and their lines as an engine that left
    the bullets out gives them."""
    first, box = typeset(font, size, lead)
    pixels = np.vstack([first, first])
    second = BBox(box.x0, box.y0 + first.shape[0], box.x1, box.y1 + first.shape[0])
    return pixels, [Line.from_words([Word(TEXT, b, 99.0)]) for b in (box, second)]


def test_a_list_s_bullets_start_their_lines_and_an_engine_s_misreading_of_one_goes() -> None:
    fonts = fonts_with("◆")
    if not fonts:
        pytest.skip("no CJK font here draws ◆ (fonts-noto-cjk, fonts-wqy-zenhei)")
    pixels, items = two_items(fonts[0], "◆")
    lines = bulleted(pixels, items)
    assert [line.text for line in lines] == ["◆ " + TEXT] * 2
    assert lines[0].bbox.x0 < items[0].bbox.x0 and "bullet ◆" in lines[0].choice
    # one item alone: a large mark is no speck of dust, a bullet all the same
    alone, box = typeset(fonts[0], 40, "◆")
    assert [line.text for line in bulleted(alone, [items[0]])] == ["◆ " + TEXT]
    # a small one is shaped like a speck of dust as well: what an engine read of it decides
    small_fonts = fonts_with("•")
    assert small_fonts, "a CJK font that draws ◆ and not •"
    small, small_box = typeset(small_fonts[0], 40, "•")
    assert leading_bullet(small < 128, small_box) is not None
    plain = Line.from_words([Word(TEXT, small_box, 99.0)])
    assert bulleted(small, [plain]) == [plain]
    glued_dot = BBox(small_box.x0 - 40, small_box.y0, small_box.x1, small_box.y1)  # ``。`` read on the dot
    dot = Line.from_words([Word("。" + TEXT, glued_dot, 90.0)])
    assert [line.text for line in bulleted(small, [dot])] == ["• " + TEXT]
    mark = leading_bullet(alone < 128, box)
    assert mark is not None
    glued = Line.from_words([Word("。" + TEXT, BBox(mark.box.x0, box.y0, box.x1, box.y1), 90.0)])
    junk = Line.from_words([Word("@@", mark.box, 30.0)])
    assert [line.text for line in bulleted(alone, [glued])] == ["◆ " + TEXT]
    assert [line.text for line in bulleted(alone, [junk, items[0]])] == ["◆ " + TEXT]
    # a mark that ends another line (a table's cell) is not this line's bullet
    cell = Line.from_words([Word("等级●", BBox(mark.box.x0 - 60, box.y0, mark.box.x1, box.y1), 90.0)])
    assert [line.text for line in bulleted(alone, [cell, glued])] == ["等级●", "。" + TEXT]


def test_what_an_engine_read_at_the_start_stays_as_read() -> None:
    """The bullet the engine read, a hollow one (the shapes told are solid), a first word that starts with a
    quote, a digit or a letter where a bullet stands, and lines with no Han (their text's height is no Han em)
    stay as read."""
    fonts = fonts_with("•◆")
    if not fonts:
        pytest.skip("no CJK font here draws • and ◆ (fonts-noto-cjk)")
    pixels, items = two_items(fonts[0], "•")
    mark = leading_bullet(pixels < 128, items[0].bbox)
    assert mark is not None
    for first in ("•", "○", "“截至", "0.5", "Open"):
        read = [Line.from_words([Word(first, BBox(mark.box.x0 + 1, item.bbox.y0, mark.box.x1 + 5, item.bbox.y1), 90.0),
                                 *item.words]) for item in items]
        assert bulleted(pixels, read) == read, first
    latin = [Line(item.text.replace(TEXT, "Forest cover rose"), item.bbox, (Word("Forest cover rose", item.bbox),))
             for item in items]
    assert bulleted(pixels, latin) == latin


def test_a_speck_in_an_indent_and_a_circled_number_are_no_bullets() -> None:
    import cv2

    fonts = fonts_with("❶")
    for path in fonts:
        pixels, items = two_items(path, "❶", 30)
        assert bulleted(pixels, items) == items
    pixels, items = two_items(CJK_FONTS[0], "", 40) if Path(CJK_FONTS[0]).is_file() else (None, [])
    if pixels is None:
        pytest.skip("no CJK font here (fonts-noto-cjk)")
    pixels = pixels.copy()
    item = items[0]
    middle = int((item.bbox.y0 + item.bbox.y1) / 2)
    cv2.ellipse(pixels, (int(item.bbox.x0) - 40, middle), (4, 3), 20, 0, 360, 0, -1)  # one speck, one line
    assert bulleted(pixels, items) == items


def test_one_mark_confirms_nothing_by_itself_and_an_engine_s_own_bullet_confirms_it() -> None:
    """A row Tesseract cut in two finds the same mark from both pieces (no list of one); a dot or number
    an engine read on a speck is no reading of a bullet; a line of its own that reads a bullet confirms the
    mark, which the ink's shape names."""
    fonts = fonts_with("■")
    if not fonts:
        pytest.skip("no CJK font here draws ■ (fonts-noto-cjk, fonts-wqy-zenhei)")
    pixels, box = typeset(fonts[0], 40, "■")
    mark = leading_bullet(pixels < 128, box)
    assert mark is not None
    middle = box.x0 + 40
    head = Line.from_words([Word("截", BBox(box.x0, box.y0, middle - 2, box.y1), 99.0)])
    tail = Line.from_words([Word(TEXT[1:], BBox(middle, box.y0, box.x1, box.y1), 99.0)])
    assert bulleted(pixels, [head, tail]) == [head, tail]
    text = Line.from_words([Word(TEXT, box, 99.0)])
    for read in (".", "12", "-"):
        speck = Line.from_words([Word(read, mark.box, 40.0)])
        assert bulleted(pixels, [speck, text]) == [speck, text], read
    own = Line.from_words([Word("•", mark.box, 60.0)])  # read as a bullet, but the ink is a large square
    assert [line.text for line in bulleted(pixels, [own, text])] == ["■ " + TEXT]


@pytest.mark.parametrize(("bullet", "read"), [("◆", "·"), ("●", "·"), ("◆", "•"), ("▪", "■"), ("■", "▪"), ("•", "·")])
def test_a_bullet_an_engine_read_as_another_takes_the_shape_s(bullet: str, read: str) -> None:
    """PP-OCR reads a blurred ``◆`` or ``●`` as ``·`` and a ``▪`` as ``■``: the ink's shape and size tell which
    bullet it is, in every font that draws it; the rest of the engine's first word stays."""
    fonts = fonts_with(bullet)
    if not fonts:
        pytest.skip(f"no CJK font here draws {bullet} (fonts-noto-cjk, fonts-wqy-zenhei)")
    for path in fonts:
        pixels, box = typeset(path, 40, bullet)
        mark = leading_bullet(pixels < 128, box)
        assert mark is not None and mark.char == bullet, Path(path).name
        words = [Word(read + TEXT[:2], BBox(mark.box.x0 - 1, box.y0, box.x0 + 80, box.y1), 90.0),
                 Word(TEXT[2:], BBox(box.x0 + 84, box.y0, box.x1, box.y1), 95.0)]
        line = bulleted(pixels, [Line.from_words(words)])[0]
        assert line.text == bullet + TEXT[:2] + " " + TEXT[2:], Path(path).name
        assert f"bullet {bullet} told by the shape" in line.choice


def test_a_large_mark_alone_goes_to_one_line_and_a_shape_larger_than_any_bullet_needs_more() -> None:
    """A large bullet alone on its page is given to one line, however an engine cut the row; a solid disc twice
    the text's height beside a line (a figure's, a logo's) is no bullet."""
    import cv2

    fonts = fonts_with("■")
    if not fonts:
        pytest.skip("no CJK font here draws ■ (fonts-noto-cjk, fonts-wqy-zenhei)")
    pixels, box = typeset(fonts[0], 40, "■")
    whole = Line.from_words([Word(TEXT, box, 99.0)])
    part = Line.from_words([Word(TEXT[:6], BBox(box.x0, box.y0, box.x0 + 150, box.y1), 99.0)])
    texts = [line.text for line in bulleted(pixels, [whole, part])]
    assert sorted(texts) == sorted(["■ " + TEXT, TEXT[:6]]), texts
    plain, box = typeset(fonts[0], 40, "")
    plain = plain.copy()
    height = box.y1 - box.y0
    radius = int(1.1 * height)  # 2.2 times the text's height across
    cv2.circle(plain, (int(box.x0 - 0.6 * height - radius), int((box.y0 + box.y1) / 2)), radius, 0, -1)
    assert leading_bullet(plain < 128, box) is None
    line = Line.from_words([Word(TEXT, box, 99.0)])
    assert bulleted(plain, [line]) == [line]


DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def square_list(bullets: str, sizes: tuple[int, ...] = ()) -> tuple[np.ndarray, list[Line]]:
    """One line per bullet of ``bullets``, each in DejaVu Sans (the glyphs the AR PL fonts and WenQuanYi Zen Hei fall
    back on) before ``TEXT`` in a CJK font, one under the other, at ``sizes`` pixels (40 each by default); and the
    lines as an engine that left the bullets out gives them (the boxes of ``TEXT``'s ink)."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = fonts_with("国")
    if not fonts or not Path(DEJAVU).is_file():
        pytest.skip("no CJK font or DejaVu Sans here (fonts-noto-cjk, fonts-dejavu-core)")
    sizes = sizes or (40,) * len(bullets)
    image = Image.new("L", (40 * max(sizes), 80 * len(bullets) + 40), 255)
    draw = ImageDraw.Draw(image)
    placed = []
    for row, (bullet, size) in enumerate(zip(bullets, sizes)):
        cjk, latin = ImageFont.truetype(fonts[0], size), ImageFont.truetype(DEJAVU, size)
        baseline = 80 + 80 * row
        start = int(np.ceil(80 + latin.getlength(bullet + " ")))
        draw.text((80, baseline), bullet, font=latin, fill=0, anchor="ls")
        draw.text((start, baseline), TEXT, font=cjk, fill=0, anchor="ls")
        placed.append((start, baseline - 60))
    pixels = np.asarray(image)
    lines = []
    for start, top in placed:
        band = pixels[top:top + 75, start:] < 128
        rows, cols = np.flatnonzero(band.any(axis=1)), np.flatnonzero(band.any(axis=0))
        box = BBox(start + cols[0], top + rows[0], start + cols[-1] + 1, top + rows[-1] + 1)
        lines.append(Line.from_words([Word(TEXT, box, 99.0)]))
    return pixels, lines


def test_a_page_s_two_sizes_of_square_are_small_and_large_however_they_measure_against_their_lines() -> None:
    """DejaVu's ``▪`` is 0.66 of its ``■``, large enough against a line's Han to measure as ``■``; on a page that has
    both, the smaller is ``▪``. A page with one size only keeps what its size against its line says."""
    pixels, lines = square_list("▪■▪")
    alone = [leading_bullet(pixels < 128, line.bbox) for line in lines]
    assert [mark.char if mark else None for mark in alone] == ["■"] * 3  # measured against their lines alone
    assert [line.text[0] for line in bulleted(pixels, lines)] == ["▪", "■", "▪"]
    assert [line.text[0] for line in bulleted(pixels, [lines[0], lines[2]])] == ["■", "■"]  # one size: no telling


def a_list_and_a_larger_square() -> tuple[np.ndarray, list[Line], Bullet]:
    """Three items of a ``■`` list (``square_list``), the third's square overdrawn by one 1.6 times as large; the
    lines, and that larger square as ``leading_bullet`` finds it."""
    pixels, lines = square_list("■■■")
    mark = leading_bullet(pixels < 128, lines[2].bbox)
    assert mark is not None
    pixels = pixels.copy()
    side = int(1.6 * max(mark.box.width, mark.box.height))
    middle = int((mark.box.y0 + mark.box.y1) / 2)
    pixels[middle - side // 2:middle + side // 2, int(mark.box.x1) - side:int(mark.box.x1)] = 0
    bigger = leading_bullet(pixels < 128, lines[2].bbox)
    assert bigger is not None and bigger.large and bigger.char == "■" and bigger.box.width >= 1.5 * mark.box.width
    return pixels, lines, bigger


def test_a_square_that_is_no_bullet_tells_no_size() -> None:
    """A larger square that is not kept as a bullet (nothing read of it, no list, and something an engine read on its
    row between it and the text: a row cut in two) does not make a list's squares ``▪``."""
    pixels, lines, bigger = a_list_and_a_larger_square()
    box = lines[2].bbox
    between = Line.from_words([Word("12", BBox(bigger.box.x1 + 1, box.y0, box.x0 - 1, box.y1), 60.0)])
    texts = [line.text for line in bulleted(pixels, [*lines, between])]
    assert texts == ["■ " + TEXT, "■ " + TEXT, TEXT, "12"], texts


def test_a_list_in_smaller_type_keeps_its_squares_beside_a_list_of_two_sizes() -> None:
    """Squares as large against their own lines as a ``■`` is, in smaller type than a list whose page shows ``▪``
    beside ``■``: ``■``, though no larger than the body's ``▪`` in pixels."""
    pixels, lines = square_list("▪■▪■■", (40, 40, 40, 26, 26))
    assert [line.text[0] for line in bulleted(pixels, lines)] == ["▪", "■", "▪", "■", "■"]


def test_a_square_an_engine_s_reading_stands_on_tells_no_size() -> None:
    """A larger square kept as a bullet but left to what an engine read on it (``12截至``: no bullet comes out
    there) does not make the page's list ``▪``."""
    pixels, lines, bigger = a_list_and_a_larger_square()
    box = lines[2].bbox
    read = Line.from_words([Word("12" + TEXT, BBox(bigger.box.x1 - 2, box.y0, box.x1, box.y1), 90.0)])
    assert [line.text for line in bulleted(pixels, [*lines[:2], read])] == ["■ " + TEXT, "■ " + TEXT, "12" + TEXT]
