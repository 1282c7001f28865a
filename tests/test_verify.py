"""Trust but verify: provenance, sampled checks against the page image, previous OCR layers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest

from cwn_ocr import repair_pdf, scan_pdf
from cwn_ocr.errors import OcrError
from cwn_ocr.layer.provenance import analyse_tounicode, parse_tounicode
from cwn_ocr.layer.textlayer import read_text_layer
from cwn_ocr.merge.splice import Source
from cwn_ocr.merge.vote import numbers_read_alike, vocabulary, vote_line
from cwn_ocr.ocr.tesseract import OcrSettings, read_files
from cwn_ocr.run import pipeline
from tests.conftest import CLEAN_SAMPLES, SAMPLES, cer, truth_pages

pytestmark = [pytest.mark.poppler]


# --- provenance (no OCR) -----------------------------------------------------------------------

@pytest.mark.parametrize("name, kinds", [
    ("scan_eng_layer", ["ocr-layer", "ocr-layer"]),
    ("mixed_pages", ["born-digital", "ocr-layer", "born-digital"]),
    ("clean_mixed", ["born-digital", "born-digital"]),
])
def test_layer_provenance(name: str, kinds: list[str]) -> None:
    assert [p.provenance.kind for p in scan_pdf(SAMPLES / f"{name}.pdf").pages if p.provenance] == kinds


def test_font_without_tounicode_is_named() -> None:
    page = scan_pdf(SAMPLES / "no_tounicode.pdf").pages[0]
    assert page.provenance is not None
    assert [f.map_reasons for f in page.provenance.suspicious_fonts] == [("composite font without ToUnicode",)]


def test_tounicode_analysis() -> None:
    cmap = "2 beginbfrange\n<0001> <0030> <3400>\n<0031> <0040> <4E00>\nendbfrange"
    mapping = parse_tounicode(cmap)
    assert mapping[1] == "\u3400" and mapping[0x31] == "\u4e00"
    assert "maps most glyphs to rare ideographs" in analyse_tounicode(mapping).reasons
    swapped = {i: ((c & 0xFF) << 8) | (c >> 8) for i, c in enumerate(range(0x4E00, 0x4E40))}
    assert "byte-swapped map" in analyse_tounicode(swapped).reasons
    assert "many glyphs mapped to one character" in analyse_tounicode({i: 0x4E00 for i in range(30)}).reasons
    assert analyse_tounicode({i: 0x4E00 + i for i in range(100)}).reasons == ()


# --- sampled verification --------------------------------------------------------------------

@pytest.mark.tesseract
def test_wrong_tounicode_is_suspect_and_clean_samples_are_not() -> None:
    wrong = scan_pdf(SAMPLES / "wrong_tounicode.pdf", verify="sample")
    assert [p.label.value for p in wrong.pages] == ["clean"]  # text statistics see nothing
    assert [p.suspect for p in wrong.pages] == [True]
    for name in CLEAN_SAMPLES + ("mojibake_kangxi",):
        scan = scan_pdf(SAMPLES / f"{name}.pdf", verify="sample")
        assert not any(p.suspect for p in scan.pages), name
        assert all(p.checks for p in scan.pages if p.label.value == "clean")


@pytest.mark.tesseract
@pytest.mark.slow
def test_wrong_tounicode_is_repaired() -> None:
    """The sample check contradicts a sound-looking map: the font's codes are learned from the page
    image and the page decoded with them, not OCRed line by line."""
    result = repair_pdf(SAMPLES / "wrong_tounicode.pdf", jobs=2)
    [font] = [f for f in result.fonts.to_list() if f["map_before"] == "permuted"]
    assert font["recovered"] >= 0.95 * font["codes"]
    truth = "\n".join(truth_pages("wrong_tounicode"))
    print(f"\n[verify] wrong_tounicode: CER repaired {cer(result.text, truth):.2%}")
    assert cer(result.text, truth) <= 0.01
    off = repair_pdf(SAMPLES / "wrong_tounicode.pdf", verify="off")
    assert cer(off.text, truth) > 0.2  # without verification the wrong text passes


@pytest.mark.tesseract
@pytest.mark.parametrize("name", ["pymupdf__test_4182.pdf", "pdfplumber__issue-461-example.pdf"])
def test_real_controls_stay_byte_identical(real_dir: Path, name: str) -> None:
    result = repair_pdf(real_dir / name, jobs=2)
    assert not any(p.rasterized for p in result.pages)
    assert all(line.source == Source.LAYER and line.text == line.original for p in result.pages for line in p.lines)


@pytest.mark.tesseract
def test_kangxi_radical_is_normalised(real_dir: Path) -> None:
    result = repair_pdf(real_dir / "pdfjs__issue15340.pdf")
    assert "構を一つの箱内に収めたものは、「漏電遮断器」" in result.text
    assert "\u2f00" not in result.text


@pytest.mark.tesseract
@pytest.mark.slow
def test_previous_ocr_layer_is_corrected_where_it_is_wrong(real_dir: Path) -> None:
    """pr-136: a scan with an earlier engine's invisible Chinese layer."""
    result = repair_pdf(real_dir / "pdfplumber__pr-136-example.pdf", jobs=2)
    assert all(p.rasterized and p.ocr_reason in ("garbled", "previous OCR layer") for p in result.pages)
    assert any(p.ocr_reason == "previous OCR layer" for p in result.pages)
    text = result.text
    for wrong, right in [("ZOq5", "2015 年年度报告中有关财务事项的说明"), ("说阴", "中有关财务事项的说明"),
                         ("报笛", "年度报告的事后审核问询函"), ("孔 500", "9, 500 万元")]:
        assert wrong not in text
        assert right in text
    # what the old layer had right stays, even where the new engine reads it otherwise
    assert "《关于对 2015 年" in text and "神鹰集团" in text and "贰亿元" in text
    # a place name the old OCR spelt five ways (诸蟹, 诸譬, 诸璧, 诸蛰, 诸皆), read 诸暨 by both engines
    assert "诸暨市房地产管理处" in text and "诸蟹市房地产管理处" not in text
    # pages whose Han the image reads alike on most lines (55-68 %): both engines' word against the layer's
    # non-word still decides (they were left as the old OCR had them)
    for wrong, right in [("迫索权", "追索权"), ("末出现其他", "未出现其他"), ("诸璧市已经被列入", "诸暨市已经被列入"),
                         ("由诸蟹市住房和城乡建设局", "由诸暨市住房和城乡建设局")]:
        assert wrong not in text
        assert right in text
    # page 2's table: the bank branches both engines read (half the page's Han lines read alike is not mostly),
    # and nothing made up in the blank between its cells (``北-3, 000``, ``支行—-2, 700``)
    for wrong, right in [("浦发银行诸璧艾行", "浦发银行诸暨支行"), ("湖墅支行北", "平安杭州湖墅支行 3, 000"),
                         ("工行诸暨支行—", "工行诸暨支行 2, 700")]:
        assert wrong not in text
        assert right in text


@pytest.mark.tesseract
@pytest.mark.slow
def test_a_page_voted_on_alone_is_read_in_two_parts(real_dir: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """pr-136's first page alone: a previous OCR layer worth voting on, the only page of its document, is
    read by two workers at once, each part's Chinese-model reading voting on its rows (it used to be read
    whole, one core idle), with the corrections and the kept text of the page read whole."""
    source = tmp_path / "pr136_page1.pdf"
    with pikepdf.new() as out, pikepdf.open(real_dir / "pdfplumber__pr-136-example.pdf") as whole:
        out.pages.append(whole.pages[0])
        out.save(source)
    planned = []
    cut = pipeline._parts

    def spy(*args: object, **kwargs: object) -> dict[int, list[tuple[object, ...]]]:
        parts = cut(*args, **kwargs)  # type: ignore[arg-type]
        planned.append(parts)
        return parts

    monkeypatch.setattr(pipeline, "_parts", spy)
    result = repair_pdf(source, jobs=2, use_cache=False)
    page = result.pages[0]
    assert page.scan is not None and pipeline._worth_voting(page.scan, "sample")
    assert [len(p[1]) for p in planned] == [2]
    assert sum(line.rule == "vote" for line in page.lines) >= 10  # each part's second reading voted
    text = result.text
    for wrong, right in [("ZOq5", "2015 年年度报告中有关财务事项的说明"), ("说阴", "中有关财务事项的说明"),
                         ("报笛", "年度报告的事后审核问询函"), ("孔 500", "9, 500 万元")]:
        assert wrong not in text
        assert right in text
    assert "《关于对 2015 年" in text and "贰亿元" in text
    assert text.index("年度报告的事后审核问询函") < text.index("9, 500 万元")  # the parts in the page's order


def test_vote_keeps_the_layer_without_evidence() -> None:
    assert vote_line("不超过贰亿元人民币", ["不超过址亿元人民币", "不超过址亿元人民币"]) == "不超过贰亿元人民币"
    assert vote_line("Rd.,Hangzhou,China", ["agzh"]) == "Rd.,Hangzhou,China"
    known = vocabulary(["神鹰集团"] * 4)
    assert vote_line("年报出具时神鹰集团的", ["年报出具时神应集团的"], known) == "年报出具时神鹰集团的"
    assert vote_line("所有限公司 2014 年度", ["所有限公司 20l4 年度"]) == "所有限公司 2014 年度"
    # letter case and Latin accents no reading settles (small capitals; models without accents): PyMuPDF
    # test_4790's old Spanish layer, read by Tesseract and PP-OCR, each otherwise
    assert vote_line("revisada por CARLOS GARCÍA GUAL.", ["revisada por CARLOS Garcia GUAL."],
                     other="revisada por CARLOs GARciA GUAI.") == "revisada por CARLOS GARCÍA GUAL."


def test_two_engines_reading_the_same_han_decide_whatever_the_word_frequencies() -> None:
    """Two different engines reading the same ideograph against an old layer decide it, even where the layer's
    look-alike makes the commoner word (the stress corpus's noisy layers, seeds 1-4: every such piece that word
    frequencies kept was the layer's error)."""
    for layer, read in [("执行“三区三线”、“上线一单”生态", "执行“三区三线”、“三线一单”生态"),
                        ("与 -C≡N 基因，用 NaOH", "与 -C≡N 基团，用 NaOH"),
                        ("含量高达 2.8 三个以上", "含量高达 2.8 万个以上")]:
        assert vote_line(layer, [read], other=read).replace(" ", "") == read.replace(" ", "")


def test_a_word_an_old_ocr_spells_three_ways_is_no_vocabulary_of_the_document() -> None:
    """pr-136's old OCR wrote 诸暨 as 诸蟹, 诸譬, 诸璧, 诸蛰 and 诸皆: the pairs of each recur, and protected the
    layer against both engines' 诸暨; a word spelt one way (神鹰集团) is still the document's own, however many
    other words share its characters' neighbours (a helper's review: 神州, 广州集团, 神华, 中华集团), and so is
    a word of the dictionary (第一章 beside 第二章 and 第三章). A sure PP-OCR alone, no second engine, does not
    overrule the layer's clearly more frequent Han (鸟类 read 乌类)."""
    known = vocabulary(["诸蟹市", "在诸蟹市", "同属诸蟹市", "诸蟹市龙头", "诸譬市", "诸璧市人民"] + ["神鹰集团的"] * 4)
    assert vote_line("1 月在诸蟹市房地产管理处", ["1 月在诸暨市房地产管理处"], known,
                     other="1 月在诸暨市房地产管理处") == "1 月在诸暨市房地产管理处"
    assert vote_line("年报出具时神鹰集团的", ["年报出具时神应集团的"], known,
                     other="年报出具时神应集团的") == "年报出具时神鹰集团的"
    known = vocabulary(["神鹰集团的", "见第一章"] * 5
                       + ["神州大地", "广州集团", "神华能源", "中华集团", "第二章", "第三章"] * 2)
    assert vote_line("年报出具时神鹰集团的", ["年报出具时神应集团的"], known,
                     other="年报出具时神应集团的") == "年报出具时神鹰集团的"
    assert vote_line("见第一章", ["见第七章"], known, other="见第七章") == "见第一章"
    assert vote_line("鸟类 306 种", ["乌类306种"], trusted=True) == "鸟类 306 种"


def test_on_a_layer_the_image_mostly_confirms_two_engines_decide_only_a_word_against_a_non_word() -> None:
    """On a page whose old layer the image reads alike on more than half its lines (pr-136's pages 3-5), the two
    engines' shared reading is as likely their own error as the layer's: it replaces the layer's Han only where
    it makes a word of the dictionary and the layer's piece none (诸蟹 → 诸暨, 迫索权 → 追索权); their shared
    misreading of a right layer (鸟类 read 乌类, the stress corpus's clean layers) and a dispute where neither
    makes a word stay as the layer has them. On a layer the image mostly contradicts, their agreement decides
    as before."""
    for layer, read in [("年 1 月在诸蟹市房地产管理处", "年 1 月在诸暨市房地产管理处"),
                        ("保留对贷款企业迫索权的基础上", "保留对贷款企业追索权的基础上"),
                        ("种 植 猕 猴 挑 ， 面 积", "种 植 猕 猴 桃 ， 面 积")]:  # (an old OCR's spaced Han too)
        assert vote_line(layer, [read], witness=read) == layer  # (the call on such a page before: no second engine)
        assert vote_line(layer, [read], other=read, witness=read, doubted=False) == read
    for layer, read in [("其中国家保护鸟类 273 种", "其中国家保护乌类 273 种"),
                        ("平坝台泥水泥协同窑进行处置", "平坝台泥水泥协同密进行处置")]:
        assert vote_line(layer, [read], other=read, doubted=False) == layer
    assert vote_line("平坝台泥水泥协同窑进行处置", ["平坝台泥水泥协同密进行处置"],
                     other="平坝台泥水泥协同密进行处置") == "平坝台泥水泥协同密进行处置"


def test_two_engines_read_a_decimal_after_a_letter_as_a_number() -> None:
    """A letter beside a letter is a formula's (``CO2``, ``H2SO4``: two engines' ``0`` does not replace the
    layer's ``O``), but a decimal after letters is a number (the noisy layers' ``PMZ.5`` and ``PMZ.S`` for
    ``PM2.5``, which both engines read)."""
    for layer, read in [("监测站记录 PMZ.5 浓度 22", "监测站记录 PM2.5 浓度 22"),
                        ("记录 PMZ.S 浓度", "记录 PM2.5 浓度")]:
        assert vote_line(layer, [read.replace(" ", "")], other=read) == read
    for layer, read in [("CO2 排放", "C02 排放"), ("用 H2SO4 溶液", "用 H2S04 溶液")]:
        assert vote_line(layer, [read.replace(" ", "")], other=read) == layer


def test_a_rare_word_the_frequency_list_lacks_is_no_evidence_either_way() -> None:
    """A word with a character wordfreq's list lacks (桑葚, 鼢鼠, a name's 龑) has no frequency: a reading's
    common look-alike does not outvote it, however ordinary its words, and two engines reading it against
    the layer's look-alike still restore it (the review's counter-examples to scoring such words lowest)."""
    for layer, read in [("当地主要种植桑葚，面积较大", "当地主要种植桑甚，面积较大"),
                        ("董事长刘龑先生", "董事长刘龚先生"), ("调查发现鼢鼠数量", "调查发现蚡鼠数量"),
                        ("破除体制桎梏，推动", "破除体制桎桔，推动")]:
        assert vote_line(layer, [read]) == layer
    # a word of the language wordfreq splits into characters (珙桐, 赘述, 前缀, 氙灯) is no rarer than a reading's
    # look-alike for it; a piece that makes no word (诸蛰) gives way to one that does (诸暨, pr-136)
    for layer, read in [("珙桐是国家一级保护植物", "拱桐是国家一级保护植物"),
                        ("此处不再赘述其细节", "此处不再费述其细节"),
                        ("输入前缀的命令", "输入前级的命令"), ("使用氙灯照射", "使用仙灯照射")]:
        assert vote_line(layer, [read]) == layer
    assert vote_line("原国有诸蛰神鹰制衣厂改制设立", ["原国有诸暨神鹰制衣厂改制设立"]) == "原国有诸暨神鹰制衣厂改制设立"
    spaced = "当 地 主 要 种 植 桑 葚 ， 面 积 较 大"
    assert vote_line("当地主要种植桑甚，面积较大", ["当地主要种植桑葚，面积较大", spaced], other=spaced) == \
        "当地主要种植桑葚，面积较大"


def test_an_old_ocrs_odd_ideographs_give_way_to_ordinary_ones() -> None:
    """A noisy old OCR layer writes ideographs modern Chinese does not use (wordfreq's list lacks them, no
    dictionary word holds them) among its misreadings (the stress corpus's noisy Chinese layers): where a
    reading's Han differs there in two ideographs or more, none of the layer's others part of a word, it
    stands, however rare the words around make either side."""
    for layer, read in [("易和利用的可持续性、吊法急咊对人们健康", "易和利用的可持续性、合法性和对人们健康"),
                        ("绞筸推违河长制工作任务落实。", "统筹推进河长制工作任务落实。"),
                        ("进一步完善埍市怺体规划编制", "进一步完善城市总体规划编制")]:
        assert vote_line(layer, [read]) == read


def test_a_rare_character_that_may_be_right_stays() -> None:
    """What no engine may read stays where the layer may be right: a rare character alone (a name's 龑, a drug's
    䓬, an Extension B 𫖯, a compatibility ideograph 﨑), beside punctuation read otherwise, or beside a character
    of a word (``刘龑表示`` read ``刘龚衣示``: 表示 is right there, and the layer with it); a piece the document's
    own words hold; and against a reading with an odd ideograph of its own. (The review's counter-examples.)"""
    for layer, read in [("董事长刘龑先生", "董事长刘龚先生"), ("董事长刘龑、总经理李明", "董事长刘龚，总经理李明"),
                        ("董事长刘龑表示", "董事长刘龚衣示"), ("董事长刘龑先生", "董 事 长 刘 龚 先 主"),
                        ("常用苯二氮䓬、巴比妥类药物", "常用苯二氮草，巴比妥类药物"),
                        ("苯二氮䓬类药物", "苯二氮草美药物"),
                        ("元代赵孟𫖯、鲜于枢", "元代赵孟頫，鲜于枢"), ("日本山﨑株式会社", "日本山崎抹式会社"),
                        ("乌江平坅气渪 21.1℃。", "乌江年均气温 21.1℃。"),  # 江平 is a word: the layer may be right
                        ("绞筸推违河长制", "统筸推进河长制")]:
        assert vote_line(layer, [read]) == layer
    known = vocabulary(["绞筸推违"] * 4)
    assert vote_line("绞筸推违河长制", ["统筹推进河长制"], known) == "绞筸推违河长制"


def test_a_number_every_reading_reads_in_digits_loses_the_old_ocrs_letters() -> None:
    """The vote judges a piece whole where its differences stand close: a symbol, an ideograph or spaces beside a
    number whose digits the old OCR read as letters kept them (the stress corpus's noisy Chinese layers). A number
    (two digits or more, a letter inside it or a point or comma in it) that every reading reads alike in its place,
    in digits, with the same digits, points and commas around, is written so."""
    assert vote_line("■ 取 μ = O.97。", ["■取μ=0.97。", "国取 bb=0.97。"], other="国 取 bb=0.97。", trusted=True) \
        == "■ 取 μ = 0.97。"
    assert vote_line("射线剂量玉 ≤ O.37 μSv/h", ["射线剂量率≤ 0.37 μSv/h"]).endswith("≤ 0.37 μSv/h")
    assert vote_line("年降水量l5,232mm", ["年降水量15,232mm"]) == "年降水量15,232mm"
    assert vote_line("(≈ 3b7 km²)", ["(= 367 km2)"]) == "(≈ 367 km²)"


def test_a_code_or_a_number_read_otherwise_keeps_its_letters() -> None:
    """Not where a reading reads the number otherwise or elsewhere only (another number on the line, ``21``, is not
    this one's reading), where the other engine reads the letters, beside a letter (``PMZ.S``, ``Fe2O3``), nor in a
    code of one letter at an end, whose letters engines read as digits as readily (``O2O``, ``B1``, ``S20``; the
    review's counter-examples)."""
    assert vote_line("国土面积 l5,232 km²", ["国土面积15,232 km²", "国土面积 5D232 kms"]) == "国土面积 l5,232 km²"
    assert numbers_read_alike("值 ＜ O.97", ["值 0.97"], witness="值 < O.97") == "值 ＜ O.97"
    for line in ["B1 层 共 21 个车位", "沿 S20 外环高速，全长 120 公里", "型号 Z9，售价 29 元", "Room B101 and 8101",
                 "Fe2O3 含量 13%", "P2O5 为 15 mg", "l0 户，共 20 人", "记录 PMZ.S 浓度"]:
        assert vote_line(line, [line]) == line
    assert vote_line("推进 O2O 模式", ["推进 020 模式", "推进 020 模式"]) == "推进 O2O 模式"
    assert vote_line("记录 PMZ.S 浓度", ["记录 PM2.5 浓度"]) == "记录 PMZ.S 浓度"


def test_another_readings_piece_is_what_it_reads_there() -> None:
    """Tesseract's spaced reading (``11 月 8 日``) says ``8`` where the layer has ``B``, not ``月 8``: its
    piece is its own differences inside the layer's piece, so every reading reads the same digit. And a
    second reading's piece does not win over the kept reading's for being made of commoner characters
    (``溶解所`` against ``溶解氧``), nor does a symbol (``≥``) count against a reading's Chinese words."""
    read, spaced = "2024年11月8日，监测", "2024 年 11 月 8 日，监测"
    assert vote_line("2024年11月B日，盐测", [read, spaced], other=read, trusted=True) == "2024年11月8日，监测"
    tesseract = "溶解 所 18 汉 mg/L"
    assert vote_line("溶觡氧 ≥ 8.2 mg/L", ["溶解氧≥8.2mg/L", tesseract], other=tesseract).startswith("溶解氧≥")
    # a piece whose Han both read alike (``5 月 I6`` against ``5月16``, pr-136) is about its digits: two
    # engines reading them alike decide it, whatever the word frequencies say, in the layer's spacing
    assert vote_line("2013 年 5 月 I6 日菲达环保公司", ["2013 年5月16 日菲达环保公司"],
                     other="2013 年 5 月 16 日 菲 达 环保 公司") == "2013 年 5 月 16 日菲达环保公司"
    # but a space where the layer lost a character is a piece, and the other engine's spaced reading says what
    # it reads there
    layer = "一枞黄花、 茎泽兰、空心莲子草"
    spaced = "一 枝 黄花 、 紫 苓 泽 兰 、 空 心血 子 草"
    assert vote_line(layer, ["一枝黄花、紫茎泽兰、空心莲子草", "一枝黄花、紫苓泽兰、空心血子草"], other=spaced,
                     witness=spaced, trusted=True) == "一枝黄花、紫茎泽兰、空心莲子草"
    # where the kept reading reads the layer's Han, another's does not overrule both; its spaces stay out
    assert vote_line("防止·夭·折的", ["防止。夭。折的", "防 止 · 天 · 折 的"]) == "防止·夭·折的"
    assert vote_line("财务事项的讲阴。", ["财务事项的请阳。", "财 务 事 项 的 说 明 。"]) == "财务事项的说明。"
    # pr-136's loan table: PP-OCR's box held a line above too, its alignment reads nothing at the layer's (right)
    # 稠州; Tesseract's 笛州 alone does not replace it
    layer, tesseract = "稠州 1 银行杭 / 、 1 、吩行 3, 000", "笛 州 银行 杭州 分 行 3, 000"
    assert vote_line(layer, ["银行续贷至 稠州银行杭州分行 3, 000", tesseract], other=tesseract).startswith("稠州")


def test_latin_the_other_engine_reads_as_the_layer_has_it_is_not_replaced_by_han() -> None:
    """An English book's old OCR layer (pypdf's Seige_of_Vicksburg_Sample_OCR): Tesseract's chi_sim+eng
    read ``church. I`` as ``churceh，工``; PP-OCR read the line as the layer has it. Latin where the page
    shows Han gives way to Han (an English-only OCR layer over Chinese), but not where another engine
    reads the layer's Latin."""
    layer = "JUNE 14TH. —Sunday. No bells to ring us to church. I wish"
    tesseract = "JUNE 14rH. 一 Sunday. No bellsg to Ting us to chulrceh，工 wish"
    assert "工" in vote_line(layer, [tesseract])  # one engine alone: its Han stands (the rule for Congjiang)
    assert vote_line(layer, [tesseract], witness="JuNE 14TH.—Sunday. No bells to ring us to church. I wish") == layer
    read = "安顺市人民政府 2023"
    assert vote_line("KRMBN ARS, EE 2023", [read], witness=read) == read


@pytest.mark.tesseract
def test_strips_read_in_one_run_come_back_each_to_its_own_file(tmp_path: Path) -> None:
    pdf = SAMPLES / "clean_mixed.pdf"
    lines = [line for line in read_text_layer(pdf)[0].lines if len(line.text) > 12][:3]
    strips = []
    for k, line in enumerate(reversed(lines)):  # not in page order: the order of the list is what counts
        box = line.bbox
        target = tmp_path / f"strip{k}"
        subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "300", "-x", str(int(box.x0 * 300 / 72) - 10),
                        "-y", str(int(box.y0 * 300 / 72) - 10), "-W", str(int(box.width * 300 / 72) + 20),
                        "-H", str(int(box.height * 300 / 72) + 20), "-gray", "-png", "-singlefile", str(pdf),
                        str(target)], check=True)
        strips.append(target.with_suffix(".png"))
    readings = read_files(strips, OcrSettings())
    assert len(readings) == 3
    for line, reading in zip(reversed(lines), readings):
        assert cer(" ".join(r.text for r in reading), line.text) < 0.2, (line.text, reading)
    with pytest.raises(OcrError):
        read_files([tmp_path / "missing.png"], OcrSettings())
