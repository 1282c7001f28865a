"""A two-column page read whole comes out one column after the other, each printed line once.

The page is drawn here (PIL, a Debian CJK font) with the right column half a line lower than
the left, which is what makes Tesseract's one-block layout run the columns' lines into each
other; it is read by real Tesseract through ``ocr_page``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

LEFT = ["安顺市严格执行三区三线管理", "加强自然保护地监督检查工作", "开展跨区域联动执法监管行动",
        "强化生态系统保护与修复工程", "提升林业资源保护管理水平", "推进国土绿化实施营造林"]
RIGHT = ["充分利用省生态遥感中心产品", "建立数据下载处理发布流程", "不断完善生态气象评估体系",
         "城市空间融合绿色和蓝色", "全市森林覆盖率稳定提高", "开展系列宣传教育活动"]


def _image(title: int = 0) -> Any:
    """The page; ``title`` the grey level of its title."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (2480, 1400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 44)
    draw.text((200, 100), "Two columns", font=font, fill=title)
    for i, (left, right) in enumerate(zip(LEFT, RIGHT)):
        draw.text((200, 250 + 90 * i), left, font=font, fill=0)
        draw.text((1330, 295 + 90 * i), right, font=font, fill=0)
    return image


def _page(tmp_path: Path, title: int = 0) -> Path:
    path = tmp_path / "columns.pdf"
    _image(title).save(path, resolution=300)
    return path


@pytest.mark.skipif(not FONT.exists(), reason="fonts-noto-cjk is not installed")
def test_the_image_alone_shows_the_columns_and_what_has_none() -> None:
    """The gutter is found in the page's ink before any OCR (``inkrows``); a one-column page of
    spaced English and a table's short cells have none."""
    import numpy as np
    from PIL import ImageDraw, ImageFont

    from cwn_ocr.columns import plan_columns
    from cwn_ocr.ocr.inkrows import ink_rows

    page = np.asarray(_image())
    plan = plan_columns(ink_rows(page), page.shape[1])
    assert plan is not None and len(plan.columns) == 2
    assert 1000 < plan.columns[0][1] < 1330  # between the left column's end and the right's start
    assert 100 + 44 < plan.top < 250 + 44  # the title above the columns is not in them

    font = ImageFont.truetype(str(FONT), 44)
    words = ("Integrate ecosystem protection considerations across policies plans and programmes "
             "while cities report progress on nature based solutions every year").split()
    for draw_line in (lambda d, i: d.text((200, 150 + 90 * i), "  ".join(words[i:i + 7]), font=font, fill=0),
                      lambda d, i: [d.text((200 + 500 * k, 150 + 90 * i), f"{k}.{i}5", font=font, fill=0)
                                    for k in range(4)]):
        from PIL import Image

        image = Image.new("L", (2480, 1400), 255)
        draw = ImageDraw.Draw(image)
        for i in range(12):
            draw_line(draw, i)
        assert plan_columns(ink_rows(np.asarray(image)), 2480) is None


@pytest.mark.skipif(not FONT.exists(), reason="fonts-noto-cjk is not installed")
@pytest.mark.tesseract
def test_a_two_column_page_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part of the page goes through Tesseract once: the columns are found in the image, not in
    a first reading of the whole page that the columns' readings would then replace."""
    import cwn_ocr.ocr.tesseract as tesseract
    from cwn_ocr.ocr.page import ocr_page
    from cwn_ocr.ocr.prepare import SCAN_UPSCALE  # the page is an image: a scan to cwn-ocr
    from cwn_ocr.ocr.tesseract import OcrSettings

    read = []
    real = tesseract.read_lines

    def counted(image: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(image.shape[0])
        return real(image, *args, **kwargs)

    monkeypatch.setattr(tesseract, "read_lines", counted)
    monkeypatch.setattr("cwn_ocr.ocr.page.read_lines", counted)
    result = ocr_page(_page(tmp_path, title=153), 1, 2480 * 72 / 300, 1400 * 72 / 300, dpi=300,
                      settings=OcrSettings(), engine="tesseract")
    assert len(result.lines) == len(LEFT + RIGHT) + 1
    assert "Two" in result.lines[0].text  # a grey title (#999) above the columns is text too
    # one call: the title's band and the two columns one under the other, no row of the page twice
    # but the columns' (the stack's gaps aside)
    assert len(read) == 1 and read[0] < SCAN_UPSCALE * (1400 + 6 * 90) + 4 * 24, read


@pytest.mark.skipif(not FONT.exists(), reason="fonts-noto-cjk is not installed")
def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    from cwn_ocr.ocr.page import ocr_page
    from cwn_ocr.ocr.tesseract import OcrSettings

    pdf = _page(tmp_path)
    result = ocr_page(pdf, 1, 2480 * 72 / 300, 1400 * 72 / 300, dpi=300, settings=OcrSettings(),
                      engine="tesseract")
    texts = [line.text.replace(" ", "") for line in result.lines if line.text.strip()]
    expected = LEFT + RIGHT
    # each printed line is one output line (none holds text of both columns), in reading order:
    # the left column top to bottom, then the right (Tesseract may misread a line or two)
    assert len(texts) == len(expected) + 1, "|".join(texts)
    best = [max(range(len(expected)), key=lambda k: fuzz.ratio(text, expected[k])) for text in texts[1:]]
    read = [k for text, k in zip(texts[1:], best) if fuzz.ratio(text, expected[k]) >= 80]
    assert len(read) >= len(expected) - 2, "|".join(texts)
    assert read == sorted(read), "|".join(texts)


MORE_LEFT = LEFT + ["保护湿地公园和喀斯特峰丛", "完善河长制工作任务落实", "加强青少年科学教育活动",
                    "组织户外探险与自然观察", "统筹推进生态修复项目", "建立跨部门联动执法机制"]
MORE_RIGHT = RIGHT + ["监测站记录空气质量浓度", "推动绿色低碳生活方式", "提升管理机构技术水平",
                      "开展珍稀鱼类调查研究", "落实资金保障纳入预算", "鼓励公众参与保护行动"]


@pytest.mark.skipif(not FONT.exists(), reason="fonts-noto-cjk is not installed")
@pytest.mark.poppler
@pytest.mark.tesseract
def test_a_two_column_scan_read_in_slices_keeps_each_column_whole(tmp_path: Path) -> None:
    """A page with an English-only engine's OCR layer is read again whole, in two slices (top and bottom
    half, by two workers): each slice comes back column by column, and the page's text must still
    be the left column top to bottom, then the right (not the left's top, the right's top, the left's
    bottom, the right's bottom)."""
    import os
    import subprocess

    from PIL import Image, ImageDraw, ImageFont

    from cwn_ocr import repair_pdf

    image = Image.new("L", (2480, 1700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 44)
    for i, (left, right) in enumerate(zip(MORE_LEFT, MORE_RIGHT)):
        draw.text((200, 150 + 110 * i), left, font=font, fill=0)
        draw.text((1330, 150 + 110 * i), right, font=font, fill=0)
    png = tmp_path / "page.png"
    image.save(png, dpi=(300, 300))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    subprocess.run(["tesseract", str(png), str(tmp_path / "scan"), "-l", "eng", "--dpi", "300", "pdf"],
                   check=True, env=env, capture_output=True)
    result = repair_pdf(tmp_path / "scan.pdf", jobs=2, use_cache=False)
    texts = [t for t in (line.text.replace(" ", "") for line in result.pages[0].lines) if t]
    expected = MORE_LEFT + MORE_RIGHT
    best = [max(range(len(expected)), key=lambda k: fuzz.ratio(text, expected[k])) for text in texts]
    read = [k for text, k in zip(texts, best) if fuzz.ratio(text, expected[k]) >= 80]
    assert len(read) >= len(expected) - 3, "|".join(texts)
    assert read == sorted(read), "|".join(texts)
