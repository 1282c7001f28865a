"""Alignment and merge on hand-built pages (pure: no Tesseract, no PDF)."""

from __future__ import annotations

from cwn_ocr.decide import Origin
from cwn_ocr.layer.garble import judge_rows
from cwn_ocr.merge.align import match_rows, unmatched_ocr
from cwn_ocr.merge.splice import PageContext, Source, merge_rows, splice
from cwn_ocr.model import BBox, Line, Word


def line(text: str, x0: float, y0: float, x1: float, y1: float, conf: float | None = None) -> Line:
    return Line(text, BBox(x0, y0, x1, y1), (Word(text, BBox(x0, y0, x1, y1), conf),), conf)


def repair(layer: list[Line], ocr: list[Line], origin: Origin = Origin.OCR_LAYER) -> list[tuple[str, str]]:
    """The merge of a page whose layer is an earlier (English-only) OCR, Congjiang's case, unless
    ``origin`` says otherwise."""
    rows = judge_rows(layer, font=origin is Origin.FONT)
    matches = match_rows(rows, ocr)
    return [(r.source, r.text) for r in merge_rows(rows, ocr, matches, context=PageContext(origin))]


HEADING = line("Description of how city is taking action", 50, 100, 300, 112)
HEADING_OCR = line("Description of how city is taking action", 50, 101, 301, 113, 95)


def test_fragmented_garbled_line_becomes_one_ocr_line() -> None:
    """An English-only layer cut one Chinese line into fragments at slightly different heights."""
    layer = [HEADING,
             line("FERAIT (PEARRMEBARIPXFEAG)", 50, 120, 200, 133),
             line("SEXERENNGE", 210, 121, 280, 131),
             line("BRHXE\"RE\" B ARPHEEEIE,", 290, 119, 480, 134)]
    ocr = [HEADING_OCR, line("安顺市严格执行《中华人民共和国自然保护区条例》", 50, 120, 480, 134, 91)]
    assert repair(layer, ocr) == [(Source.LAYER, HEADING.text),
                                  (Source.OCR, "安顺市严格执行《中华人民共和国自然保护区条例》")]


def test_ocr_splitting_a_row_in_two_gives_both_parts() -> None:
    layer = [line("ERFMBEERARREZFTHY , MENAIARUMNEEARFK, WIBDEREARIFX", 50, 120, 480, 133)]
    ocr = [line("安顺市加强对优化调整后", 50, 120, 250, 133, 90), line("自然保护地的连通性", 260, 120, 480, 133, 90)]
    assert repair(layer, ocr) == [(Source.OCR, "安顺市加强对优化调整后"), (Source.OCR, "自然保护地的连通性")]


def test_mixed_english_and_garbled_line_keeps_the_english_bytes() -> None:
    text = "Currently, the city has developed management plans targetingllZX—#%EE, A, E5IES invasive alien species."
    layer = [line(text, 50, 200, 560, 212)]
    ocr = [line("Currently, the city has developed management plans targeting加拿大一枝黄花、紫茎泽兰等invasive "
                "alien species.", 50, 200, 560, 212, 88)]
    [(source, repaired)] = repair(layer, ocr)
    assert source == Source.MERGED
    assert repaired == ("Currently, the city has developed management plans targeting加拿大一枝黄花、紫茎泽兰等 "
                        "invasive alien species.")
    prefix = "Currently, the city has developed management plans targeting"
    assert repaired.startswith(prefix) and repaired.endswith(" invasive alien species.")


def test_garbled_line_without_ocr_counterpart_is_kept_and_flagged() -> None:
    garbled = line("MR AR EANBEARPH (ARUNEEZARFK , E2EREARFK , IIEHEEREN AR )", 50, 300, 480, 313)
    layer = [HEADING, garbled]
    ocr = [HEADING_OCR]
    assert repair(layer, ocr) == [(Source.LAYER, HEADING.text), (Source.UNREPAIRED, garbled.text)]


def test_clean_lines_are_byte_identical_even_when_ocr_differs() -> None:
    layer = [line("Protect, connect and restore ecosystems", 50, 100, 300, 112)]
    ocr = [line("Protect, comnect and restore ecosystcms", 50, 100, 300, 112, 70)]
    assert repair(layer, ocr) == [(Source.LAYER, "Protect, connect and restore ecosystems")]


def test_latin_layer_text_where_the_page_shows_han_is_replaced() -> None:
    """The detector cannot see plausible-looking eng-OCR words; the page image can."""
    layer = [line("FOE ARP ALE of the city's policies, plans and programmes", 50, 100, 400, 112)]
    ocr = [line("和生态保护红线等 of the city's policies, plans and programmes", 50, 100, 400, 112, 90)]
    assert repair(layer, ocr) == [(Source.MERGED, "和生态保护红线等 of the city's policies, plans and programmes")]


def test_text_missing_from_the_layer_is_added_in_place() -> None:
    layer = [HEADING, line("Baseline:", 50, 200, 100, 212)]
    ocr = [HEADING_OCR, line("安顺市严格执行“三区三线”管理。", 50, 150, 300, 162, 93),
           line("Baseline:", 50, 200, 100, 212, 96)]
    repaired = repair(layer, ocr)
    assert repaired[1] == (Source.OCR, "安顺市严格执行“三区三线”管理。")
    assert [text for _, text in repaired] == [HEADING.text, "安顺市严格执行“三区三线”管理。", "Baseline:"]


def test_content_fallback_places_rows_between_anchors() -> None:
    """Geometry useless (the OCR boxes are elsewhere): rows are placed between clean anchors."""
    layer = [HEADING, line("FERAIT (PEARRMEBARIPXFEAG) SEXERENNGE", 50, 120, 480, 133),
             line("Baseline:", 50, 140, 100, 152)]
    ocr = [line("Description of how city is taking action", 600, 10, 900, 20, 95),
           line("安顺市严格执行条例", 600, 30, 900, 40, 90), line("Baseline:", 600, 50, 700, 60, 96)]
    rows = judge_rows(layer)
    matches = match_rows(rows, ocr)
    assert [(m.rows, m.ocr, m.method) for m in matches] == [((1,), (1,), "content")]
    assert unmatched_ocr(matches, ocr) == [0, 2]


def test_a_row_placed_by_content_takes_no_reading_far_from_it_where_the_geometry_holds() -> None:
    """MinerU's test_01: a caption row no reading overlaps sat between two anchors that lie where
    their readings are; a figure's labels half a page up are not its text (they stay unmatched)."""
    layer = [HEADING, line("FERAIT (PEARRMEBARIPXFEAG) SEXERENNGE", 50, 420, 480, 433),
             line("Baseline: the figure above", 50, 440, 200, 452)]
    ocr = [HEADING_OCR, line("bp 2000 1000 750", 240, 160, 300, 250, 80), line("UUU", 250, 300, 260, 305, 60),
           line("Baseline: the figure above", 50, 441, 201, 453, 96)]
    matches = match_rows(judge_rows(layer), ocr)
    assert all(1 not in m.ocr and 2 not in m.ocr for m in matches)
    assert unmatched_ocr(matches, ocr) == [1, 2]


def test_splice_at_line_edges() -> None:
    assert splice("SEXERENNGE in 2024", [(0, 10)], "安顺市 in 2024") == "安顺市 in 2024"
    assert splice("Baseline: BRHXE", [(10, 15)], "Baseline: 生态") == "Baseline: 生态"


def test_a_sound_fonts_odd_looking_line_is_kept_when_the_image_reads_it_the_same() -> None:
    """Symbols, units and formulas drawn by a sound font: the OCR's look-alikes are no reason to change them."""
    text = "北纬42°15′-45°59′、东经119°14′-123°43′，60000≤Q＜80000 20＜μ≤30"
    layer = [line(text, 50, 100, 500, 112)]
    ocr = [line("北纬42?15'-45\"59'、东经119?14'-123°43'，60000<Q过80000 20<<h<30", 50, 100, 500, 112, 91)]
    assert repair(layer, ocr, Origin.FONT) == [(Source.LAYER, text)]
    assert repair(layer, ocr, Origin.BROKEN_FONT) == [(Source.LAYER, text)]  # nothing flagged, no contradiction


def test_a_sound_fonts_line_the_image_contradicts_is_replaced_whole() -> None:
    """A permuted ToUnicode map: fluent, wrong Chinese that only the image shows."""
    layer = [line("中国共产党的领导是中国特色社会主义", 50, 100, 400, 112)]
    ocr = [line("安顺市严格执行三区三线管理制度规定", 50, 100, 400, 112, 92)]
    assert repair(layer, ocr, Origin.FONT) == [(Source.OCR, "安顺市严格执行三区三线管理制度规定")]


def test_a_reading_that_is_itself_garbage_replaces_nothing() -> None:
    garbled = line("\x04\x05\x06\x07 \x08\x09\x04\x05", 50, 100, 300, 112)
    junk = line("4020.AiEiahAOaX0i-i-i-i-i-i", 50, 100, 300, 112, 32)
    assert repair([garbled], [junk], Origin.BROKEN_FONT) == [(Source.UNREPAIRED, garbled.text)]


def test_no_line_is_added_to_a_page_whose_text_a_sound_font_draws() -> None:
    """A stamp's or a picture's text read by the OCR is not the layer's to gain."""
    layer = [HEADING]
    ocr = [HEADING_OCR, line("电子印章应用及监督管理系统业务系统", 50, 150, 300, 162, 93)]
    assert repair(layer, ocr, Origin.FONT) == [(Source.LAYER, HEADING.text)]
