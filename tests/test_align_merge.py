"""Alignment and merge on hand-built pages (pure: no Tesseract, no PDF)."""

from __future__ import annotations

from dataclasses import replace

from cwn_ocr.decide import Origin
from cwn_ocr.layer.garble import judge_rows
from cwn_ocr.merge.align import match_rows, unmatched_ocr
from cwn_ocr.merge.splice import PageContext, Source, merge_reading_first, merge_rows, splice
from cwn_ocr.model import CLEAN_VERDICT, BBox, Line, Word


def line(text: str, x0: float, y0: float, x1: float, y1: float, conf: float | None = None) -> Line:
    return Line(text, BBox(x0, y0, x1, y1), (Word(text, BBox(x0, y0, x1, y1), conf),), conf)


def repair(layer: list[Line], ocr: list[Line], origin: Origin = Origin.OCR_LAYER) -> list[tuple[str, str]]:
    """The merge of a page whose layer is an earlier (English-only) OCR, Congjiang's case, unless
    ``origin`` says otherwise."""
    rows = judge_rows(layer, font=origin is Origin.FONT)
    matches = match_rows(rows, ocr)
    context = PageContext(origin, texts=tuple(row.text for row in rows))
    return [(r.source, r.text) for r in merge_rows(rows, ocr, matches, context=context)]


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


def test_the_readings_of_one_row_come_in_the_readings_order_on_a_skewed_scan() -> None:
    """Two printed lines of a skewed scan under one garbled layer row: the lower line's box is a little
    taller and starts further left, and sorting the pair by boxes put it first (seed 2's
    scan_eng_layer_degraded_03). The page's reading gives them in order; the merge keeps that."""
    layer = [line("AEE” HOMOSBLN, fFEZEMUT E BNO PAT CHE A REALE] EL P", 50, 330, 532, 364)]
    ocr = [line("安顺市严格执行《中华人民共和国自然保护区条例》", 54, 328.4, 532, 349.8, 92),
           line("制度，严厉打击在自然保护区内进行砍伐、放牧", 50, 344.2, 532, 366.8, 92)]
    rows = judge_rows(layer)
    out = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(Origin.OCR_LAYER))
    assert [r.text for r in out] == [ocr[0].text, ocr[1].text]


def test_an_old_row_at_the_far_end_of_a_skewed_line_is_dropped_where_the_reading_runs_through_it() -> None:
    """A scan skewed 2.2° (seed 2's degraded_04, 160 dpi): the English-only layer cut one printed line into a
    fragment at its left end and one at its right end, 15 points higher. The new reading, matched to the left
    fragment, read the whole line, ``1.43 mg/L`` too; the right fragment (``AR < 1.43 mg/L. Fi Mh =``, words of
    its own that look clean) stood at another height than the row the reading was matched to, so it was kept
    beside the reading: its number came out twice. The reading's words over the fragment's width stand at its
    height (``splice.read_at``): the image shows the line there, and the fragment is dropped."""
    layer = [line("PARK", 53.1, 156.8, 109.6, 171.5), line("AR < 1.43 mg/L. Fi Mh =", 332.0, 141.2, 502.1, 160.6)]
    text = "贵阳农田水质pH值7.0±0.5，溶解氧≥8.2mg/L，氨氮≤1.43mg/L。下面是从主"
    # PP-OCR's reading: one word (no space in it), its box the tilted line's, mapped back through the deskew
    reading = line(text, 49.0, 141.9, 511.2, 172.5, 96.0)
    rows = judge_rows(layer)
    out = merge_reading_first(rows, [reading], match_rows(rows, [reading]), context=PageContext(Origin.OCR_LAYER))
    assert [r.text for r in out if r.text] == [text]
    assert any(r.source is Source.REMOVED and "1.43 mg/L" in r.original for r in out)


def test_a_clean_row_above_a_reading_box_that_ran_two_lines_into_one_stays() -> None:
    """A reading box over two printed lines (a tall box whose crop gave the recognizer the lower one) is matched
    to the lower row: the English line above, which no reading line stands for, is still on the page. The
    reading's box runs through it, but the row stands above the matched row, not beside it: it stays."""
    layer = [line("Action plan for the Wujiang river basin 2021", 50, 100, 330, 112),
             line("FERAIT PEARRMEB SEXERENNGE", 50, 118, 330, 131)]
    reading = line("安顺市严格执行三区三线管理制度", 50, 99, 330, 131, 95.0)
    rows = judge_rows(layer)
    out = merge_reading_first(rows, [reading], match_rows(rows, [reading]), context=PageContext(Origin.OCR_LAYER))
    assert [r.text for r in out if r.text] == ["Action plan for the Wujiang river basin 2021", reading.text]


def test_a_reading_with_han_over_an_english_only_layer_is_evidence_though_it_holds_another_row() -> None:
    """Seed 3's degraded_04 (170 dpi, 2.8° skew), a page the new reading mostly confirms (its English lines): the
    English-only layer cut ``CREATE OPERATOR CLASS - 定义一个新的操作符类…`` into ``CREATE OPERATOR CLASS - SEL`` and
    ``— A R R I E T A init``. The reading of the whole line, matched to the second, holds the first: on a confirmed
    page that marks a reading paired one line off (``PageContext.elsewhere``), no evidence about the row, and the
    garbage stayed, unrepaired, while the line's reading was lost. Where the layer's engine reads no Han and the
    reading shows Han (``_doubted_line``), a garbled row is that engine's garbage from Han, not a line a reading of
    its neighbour was paired off from; a clean English row of it may be (one line off on a skewed page), and the
    reading holding another row still makes it no evidence about that row."""
    from cwn_ocr.merge.splice import _reading

    text = "CREATE OPERATOR CLASS -定义一个新的操作符类本进程在init被告知UPS电源快耗尽列出所有当"
    reading = line(text, 61, 443, 524, 475, 95.0)
    texts = ("— A R R I E T A init", "CREATE OPERATOR CLASS - SEL", ",¥ HHI < 0.33 pSv/h set")
    blind = PageContext(Origin.OCR_LAYER, texts=texts, han_blind=True, doubted=False, reading_first=True)
    assert not _reading(texts[0], [reading], blind, flagged=True).elsewhere
    # a clean row (``Figure 5 Forest cover of the city 2020`` matched to the next line's mixed reading)
    assert _reading(texts[0], [reading], blind, flagged=False).elsewhere
    # a layer that reads Han (not blind), confirmed: a reading holding another of its lines was read beside
    assert _reading(texts[0], [reading], replace(blind, han_blind=False), flagged=True).elsewhere


def test_an_old_row_no_reading_line_stands_for_stays_where_it_is_printed() -> None:
    """A full stop alone on a wrapped line (no line finding keeps it, the old Chinese layer has it): it comes
    after the line above it, before the next one, not after the page's footer."""
    layer = [line("安顺市严格执行三区三线管理制度", 50, 100, 280, 112), line("。", 50, 120, 60, 132),
             line("草海湿地", 50, 140, 280, 152), line("第1页", 150, 780, 180, 790)]
    ocr = [line("安顺市严格执行三区三线管理制度", 50, 100, 280, 112, 95), line("草海湿地", 50, 140, 280, 152, 95),
           line("第1页", 150, 780, 180, 790, 95)]
    rows = judge_rows(layer)
    out = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(Origin.OCR_LAYER))
    assert [r.text for r in out if r.text] == ["安顺市严格执行三区三线管理制度", "。", "草海湿地", "第1页"]


def test_leftover_rows_of_a_two_column_page_go_into_their_column() -> None:
    """A heading, two columns and a footer in reading order (the gutter found from the reading's words): a mark
    under the left column's last line comes after it, not after the right column; rows of a right column the
    reading lost come after the left column, not after the heading; and a removed row steers nothing (only
    the lines kept are places to go by)."""
    from cwn_ocr.columns import find_gutters
    from cwn_ocr.merge.splice import place_in_column

    def two(y: float) -> Line:
        words = (Word("安顺市生态保护红线", BBox(50, y, 280, y + 12), 95.0),
                 Word("草海湿地自然保护区", BBox(330, y, 560, y + 12), 95.0))
        return Line.from_words(words)

    gutters = find_gutters([two(100 + 20 * k) for k in range(6)])
    assert gutters
    page = [BBox(50, 60, 560, 72)] + [BBox(50, 100 + 20 * k, 280, 112 + 20 * k) for k in range(6)] \
        + [BBox(330, 100 + 20 * k, 560, 112 + 20 * k) for k in range(6)] + [BBox(250, 780, 340, 790)]
    assert place_in_column(BBox(50, 220, 60, 232), page, gutters) == 7  # after the left column's last line
    assert place_in_column(BBox(330, 140, 560, 152), page[:7], gutters) == 7  # the right column lost
    # the list holds a removed row at 3 (positions of the lines kept: 0, 1, 2, 4, ...)
    kept = [0, 1, 2, 4, 5, 6, 7]
    assert place_in_column(BBox(50, 150, 60, 160), page[:7], gutters, at=kept + [8]) == 5


def test_a_mixed_english_and_garbled_line_of_an_old_ocr_layer_is_the_new_reading() -> None:
    """The old engine failed on this line: its words that look right are no evidence against the new
    reading, which leads (issue 20); a broken font's line keeps its English bytes, with the reading
    spliced into the spans the detector flags."""
    text = "Currently, the city has developed management plans targetingllZX—#%EE, A, E5IES invasive alien species."
    layer = [line(text, 50, 200, 560, 212)]
    read = ("Currently, the city has developed management plans targeting加拿大一枝黄花、紫茎泽兰等invasive "
            "alien species.")
    ocr = [line(read, 50, 200, 560, 212, 88)]
    assert repair(layer, ocr) == [(Source.OCR, read)]
    [(source, repaired)] = repair(layer, ocr, Origin.BROKEN_FONT)
    assert source == Source.MERGED
    assert repaired == ("Currently, the city has developed management plans targeting加拿大一枝黄花、紫茎泽兰等 "
                        "invasive alien species.")


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
    assert repair(layer, ocr) == [(Source.OCR, "和生态保护红线等 of the city's policies, plans and programmes")]
    assert repair(layer, ocr, Origin.BROKEN_FONT) == [
        (Source.MERGED, "和生态保护红线等 of the city's policies, plans and programmes")]


AGREED = "agree: both read it the same"


def twice(text: str, x0: float, y0: float, x1: float, y1: float, conf: float = 98.0) -> Line:
    """A line of the page image that PP-OCR and Tesseract read alike (``choose``'s rule ``agree``)."""
    return replace(line(text, x0, y0, x1, y1, conf), engine="ppocr", choice=AGREED)


def read_first(layer: list[Line], ocr: list[Line]) -> list[tuple[str, str]]:
    """The merge of a page an earlier OCR's layer covers, read whole: the new reading leads."""
    rows = judge_rows(layer)
    merged = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(
        Origin.OCR_LAYER, texts=tuple(row.text for row in rows)))
    return [(r.source, r.text) for r in merged if r.source != Source.REMOVED]


def decided(layer: list[Line], ocr: list[Line], origin: Origin = Origin.OCR_LAYER) -> list[tuple[str, str, str]]:
    """``repair`` with the rule that decided each line."""
    rows = judge_rows(layer, font=origin is Origin.FONT)
    context = PageContext(origin, texts=tuple(row.text for row in rows))
    return [(r.source, r.text, r.rule) for r in merge_rows(rows, ocr, match_rows(rows, ocr), context=context)]


def test_a_lone_letter_where_the_page_shows_han_is_replaced_under_an_engine_that_reads_no_han() -> None:
    """A layer with no ideograph on a page whose image shows Chinese was made by an engine that reads
    none: its ``hk`` for 取 is a misreading, though a letter or two where the page shows one ideograph is
    usually OCR's look-alike (``λ``/入), and a dash read as ``一`` is one whoever made the layer."""
    english = ["Protect, connect and restore ecosystems", "Results — see Table 2 for the figures",
               "Baseline: the city's policies and plans"]
    layer = [HEADING, line("@ hk n=0.81,", 50, 200, 300, 212)] + [
        line(t, 50, 220 + 20 * i, 400, 232 + 20 * i) for i, t in enumerate(english)]
    chinese = [line(t, 50, y, 400, y + 12, 95) for t, y in (("安顺市严格执行", 400), ("加强自然保护地", 420),
                                                            ("开展跨区域联动", 440))]
    read = [HEADING_OCR, line("取π=0.81。", 50, 200, 300, 212, 97)] + [
        line(t.replace("—", "一"), 50, 220 + 20 * i, 400, 232 + 20 * i, 96) for i, t in enumerate(english)]
    out = decided(layer, read + chinese)
    assert out[1] == (Source.OCR, "取π=0.81。", "layer contradicted")  # such an engine's layer is doubted whole
    assert [(source, text) for source, text, _ in out[2:5]] == [(Source.LAYER, t) for t in english]
    # the same page without Chinese in its image: a letter or two against one ideograph is a look-alike
    assert decided(layer, read)[1] == (Source.LAYER, "@ hk n=0.81,", "clean")


def test_a_reading_both_engines_agree_on_counts_however_it_looks() -> None:
    """``DOS 的 FDISK`` looks like an eng-OCR's capitals to the detector; two engines reading it alike
    is evidence it is what the page shows, and the old layer's garbage goes. Read by one engine, it
    still replaces a layer line the detector flags whole (two readings of one image, the newer one
    far less garbled); a reading as garbled as the line replaces nothing."""
    layer = [HEADING, line("FORMAT @a@iAW DOS BY FDISK BORED K StH", 50, 200, 400, 212)]
    read = "FORMAT 命令认为 DOS 的 FDISK 命令会在分区变化时"
    assert repair(layer, [HEADING_OCR, twice(read, 50, 200, 400, 212)])[1] == (Source.OCR, read)
    assert decided(layer, [HEADING_OCR, line(read, 50, 200, 400, 212, 98)])[1] == (Source.OCR, read, "less garbled")
    junk = "FORMAT 命令 @a@iAW DOS 的 FDISK 命令会"
    assert repair(layer, [HEADING_OCR, line(junk, 50, 200, 400, 212, 98)])[1] == (Source.UNREPAIRED, layer[1].text)


def test_a_line_both_engines_read_otherwise_replaces_an_old_layer_line_nothing_flags() -> None:
    layer = [HEADING, line("¢ 20259", 50, 200, 120, 212)]
    assert read_first(layer, [HEADING_OCR, twice("·2025年9月18日。", 50, 200, 130, 212)])[1] == (
        Source.OCR, "·2025年9月18日。")
    assert read_first(layer, [HEADING_OCR, line("·2025年9月18日。", 50, 200, 130, 212, 98)])[1] == (
        Source.LAYER, "¢ 20259")
    # a reading of part of the line (a box cut short) says nothing against the rest of it
    whole = line("安顺市严格执行三区三线管理，加强自然保护地监督检查", 50, 200, 550, 212)
    part = twice("安顺市严格执行三区三线管理，", 50, 200, 330, 212)
    assert read_first([HEADING, whole], [HEADING_OCR, part])[1] == (Source.LAYER, whole.text)


def test_an_old_ocr_line_that_reads_right_but_for_a_piece_takes_what_both_engines_read_there() -> None:
    """An old OCR's line that nothing flags takes the pieces both engines read otherwise where only the page
    can say (text it left out, other Han, Han for its Latin); its symbols, letters for digits, Latin
    look-alikes, a box cut short and one engine alone change nothing."""
    cases = [("69.39% which contribu", "69.39% which contributes to carbon", "69.39% which contributes to carbon"),
             ("Forest cover rose from to 61.8% in", "Forest cover rose from 39.9% to 61.8% in",
              "Forest cover rose from 39.9% to 61.8% in"),
             ("植被覆盖骊 2024 年", "植被覆盖验 2024 年", "植被覆盖验 2024 年")]
    kept = [("The City Biodiversity Index (CBI) is a", "The City Biodiversity Index (CBl) is a"),
            ("The City Biodiversity Index (CBI) is a", "The City Biodiversity Index (CBI)"),
            ("Plots of 20 × 30 m, at 15.2°C", "Plots of 20 x 30 m, at 15.20C"),
            ("Sample B8 was taken in the field on 3 May", "Sample 88 was taken in the field on 3 May"),
            ("Readings Δt = 5 s apart in the field", "Readings At = 5 s apart in the field"),
            ("over 6,853 km?.", "over 6,853 km2."),
            ("B8号", "88号"), ("IV级", "1V级")]  # short: one look-alike is a third of the line
    for old, read, out in cases + [(old, read, old) for old, read in kept]:
        layer = [HEADING, line(old, 50, 200, 400, 212)]
        assert read_first(layer, [HEADING_OCR, twice(read, 50, 200, 400, 212)])[1] == (
            Source.MERGED if out != old else Source.LAYER, out), old
        assert read_first(layer, [HEADING_OCR, line(read, 50, 200, 400, 212, 98)])[1] == (Source.LAYER, old)


def test_a_sound_fonts_line_is_no_old_ocr_layer_however_alike_two_engines_read_it() -> None:
    """Agreement between the engines makes a reading that looks garbled usable against an old OCR layer
    only: a sound font's symbols (``※※※ ▲▲▲``) read as letters alike by both stay."""
    layer = [HEADING, line("※※※ ▲▲▲ ●●●", 50, 200, 300, 212)]
    ocr = [HEADING_OCR, twice("XXX AAA OOO", 50, 200, 300, 212)]
    assert repair(layer, ocr, Origin.FONT)[1] == (Source.LAYER, "※※※ ▲▲▲ ●●●")


def test_a_short_line_both_engines_read_alike_is_added() -> None:
    """A page footer is shorter than what an orphan reading needs on its own (stamps and logos give
    short, confident noise); read alike by two engines it is the page's text."""
    layer = [HEADING]
    footer = [HEADING_OCR, line("第1页", 280, 800, 310, 810, 99)]
    assert [text for _, text in read_first(layer, footer)] == [HEADING.text]
    footer[1] = twice("第1页", 280, 800, 310, 810)
    assert [text for _, text in read_first(layer, footer)] == [HEADING.text, "第1页"]
    footer[1] = twice("第1页", 280, 800, 310, 810, conf=50.0)  # alike, but unsure: not added
    assert [text for _, text in read_first(layer, footer)] == [HEADING.text]


def test_a_footer_with_one_digit_both_engines_read_alike_is_added() -> None:
    """``- 1 -``: one digit is too few for two engines' agreement to count on its own (``corroborated``), but
    PP-OCR read it surely and Tesseract read the same there (``surely_read``, Tesseract's reading among the
    line's ``as_read``: the two read its letters alike, so ``choose`` keeps no alternative). Alike but no letter
    or digit, a rule's ``-.-`` is not added."""
    from cwn_ocr.model import Reading

    def footer(text: str, other: str) -> Line:
        return replace(twice(text, 280, 800, 310, 810, conf=99.6),
                       as_read=(Reading("ppocr", text, 99.6), Reading("tesseract", other, 32.0)))

    assert [text for _, text in read_first([HEADING], [HEADING_OCR, footer("-1-", "-1 -")])] == [HEADING.text, "-1-"]
    assert [text for _, text in read_first([HEADING], [HEADING_OCR, footer("-.-", "-.-")])] == [HEADING.text]


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


def test_a_broken_fonts_line_in_pieces_the_image_reads_as_one_keeps_its_accents() -> None:
    """Three rows of a broken font's page (an icon font's ``#``, then ``CORÉEN`` and ``ANGLAIS``) that one
    reading covers, ``COREEN→ANGLAIS`` at 99 (pdf.js bug 1771477): it shows the rows' letters as they have
    them, so the layer stays (rule ``image confirms``). Before, pieces read as one line were never
    "read" span by span, and rule 8 replaced them with the reading: the É and the spaces were lost."""
    icon = line("#", 143, 130, 160, 157)  # taller than the words: a row of its own
    layer = [icon, line("CORÉEN", 170, 138.5, 230, 149.5), line("ANGLAIS", 400, 138.5, 470, 149.5)]
    ocr = [line("COREEN→ANGLAIS", 143, 138, 470, 150, 99.2)]
    assert len(judge_rows(layer, font=False)) == 2
    assert repair(layer, ocr, Origin.BROKEN_FONT) == [(Source.LAYER, "# CORÉEN ANGLAIS")]
    other = [icon, line("HRYAKQ", 170, 138.5, 230, 149.5), line("ZWQXJV", 400, 138.5, 470, 149.5)]
    assert repair(other, ocr, Origin.BROKEN_FONT) == [(Source.OCR, "COREEN→ANGLAIS")]


def test_a_reading_of_a_small_part_of_a_fonts_line_is_no_evidence_about_the_line() -> None:
    """A bar of dingbats across the page (pdf.js freeculture p4: ``❚❘❙`` glyphs that draw a strip, flagged as rare
    characters) where the only thing the OCR read is a crop mark 10 pt wide, ``十`` at 73: it read something on
    the line, not the line, which stays (unrepaired). Before, it "contradicted" the line and replaced it."""
    bar = line("❚❘ ❙ ❚❘ ❙ ❚❘ ❙ ❚❘ ❙ ❚❘ ❙ ❚ ❙❚❘ ❙ ❚❘ ❙ ❚❘ ❙ ❚❘ ❙ ❚❘ ❘ ❙❚❘ ❙ ❚❘ ❙", 50, 654, 545, 667)
    mark = line("十", 233.9, 654, 243.2, 666.7, 73.2)
    assert repair([bar], [mark], Origin.BROKEN_FONT) == [(Source.UNREPAIRED, bar.text)]
    garbled = line("㱧걹䄬㵒䡘 㱧걹䄬", 50, 654, 200, 667)  # a reading of the whole line still replaces it
    assert repair([garbled], [line("安顺市生态环境", 52, 654, 198, 667, 95)], Origin.BROKEN_FONT) == [
        (Source.OCR, "安顺市生态环境")]


def test_replacement_characters_take_the_marks_read_in_their_place_and_the_rest_stays() -> None:
    """A font that maps some marks to U+FFFD (pdf.js bug 1868759: ``(IA)`` and ``:`` in French), read by PP-OCR
    with its bullet ``·`` for ``•``: only the replacement characters take what the page shows. Before,
    ``comparable`` dropped both the ``\ufffd`` and the ``:`` read there, so the splice "kept the layer's
    characters" (the line stayed unrepaired), or the bullet made the kept part "unread" and the whole line was
    replaced, ``•`` becoming ``·``."""
    for text, read, repaired in [
            ("• A et B \ufffd Avis fiables. Nous pensons que ces avis proviennent probablement de vraies",
             "· A et B : Avis fiables. Nous pensons que ces avis proviennent probablement de vraies",
             "• A et B : Avis fiables. Nous pensons que ces avis proviennent probablement de vraies"),
            ("technologie d’intelligence artificielle \ufffdIA\ufffd pour analyser les",
             "technologie d'intelligence artificielle (IA) pour analyser les",
             "technologie d’intelligence artificielle (IA) pour analyser les")]:
        out = repair([line(text, 47, 616, 540, 628)], [line(read, 47, 616, 540, 628, 98.6)], Origin.BROKEN_FONT)
        assert out == [(Source.MERGED, repaired)]


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


def test_an_english_only_layer_gives_way_where_the_page_shows_han_though_its_table_agrees() -> None:
    """A layer without one ideograph over a page of Chinese was made by an engine that reads no Han: its
    table's numbers and English lines agree with the new reading, so its median line is no evidence
    against it, but every row where the image shows Han was misread (a cell ``hm?`` for 湿地面积
    374.38 hm², ``ﬃ`` for 值), and the reading, which leads, comes out whole, once. Its English lines
    are its own engine's strength: a reading without Han that differs from one (``Fig.8``) is no reason
    to doubt it."""
    numbers = [("Indicator Value Unit", "Indicator Value Unit"), ("2,229 m 16.9", "2,229 m 16.9"),
               ("Population 4,214,400", "Population 4,214,400"), ("Fig. 3", "Fig.8")]
    chinese = ["安顺市严格执行三区三线管理", "加强自然保护地监督检查工作", "开展跨区域联动执法监管行动"]
    layer = [line(old, 50, 100 + 20 * i, 300, 112 + 20 * i) for i, (old, _) in enumerate(numbers)]
    layer += [line("hm?", 235, 180, 250, 192), line("pH \ufb03 8.5+0.5 —", 50, 200, 160, 212)]
    layer += [line("FERAIT SEXERENNGE BRHXE", 50, 220 + 20 * i, 400, 232 + 20 * i) for i in range(3)]
    read = [line(new, 50, 101 + 20 * i, 301, 113 + 20 * i, 96) for i, (_, new) in enumerate(numbers)]
    read += [line("湿地面积374.38hm²", 50, 181, 251, 193, 95), line("pH值 8.5±0.5", 50, 201, 161, 213, 97)]
    read += [line(t, 50, 221 + 20 * i, 401, 233 + 20 * i, 93) for i, t in enumerate(chinese)]
    out = read_first(layer, read)
    assert out[:4] == [(Source.LAYER, old) for old, _ in numbers]
    assert out[4:] == [(Source.OCR, t) for t in ["湿地面积374.38hm²", "pH值 8.5±0.5", *chinese]]


def pp_read(text: str, x0: float, y0: float, x1: float, y1: float, conf: float, *, tesseract: str | None = None,
            word_conf: float | None = None) -> Line:
    """PP-OCR's reading of a line as its engine gives it: one word per run between spaces, each with its
    confidence (``word_conf``, else the line's), Tesseract's reading beside it when given."""
    from cwn_ocr.model import Reading

    words = tuple(Word(token, BBox(x0, y0, x1, y1), word_conf or conf) for token in text.split())
    return Line(text, BBox(x0, y0, x1, y1), words, conf, engine="ppocr", choice="latin: PP-OCR over Tesseract",
                alternatives=(Reading("tesseract", tesseract, 80.0),) if tesseract else ())


def test_an_english_only_layers_stand_ins_for_symbols_give_way_where_the_page_shows_the_symbols() -> None:
    """An English-only OCR writes what it has no class for as the nearest ASCII (``+`` for ``±``, ``=`` for
    ``≥``, ``'`` for an angle's ``′``); its English line looks clean and stays, but for those stand-ins where
    PP-OCR's word there was read surely, or Tesseract read the same symbol at the same place (``±`` as its
    look-alike ``土``, not ``十``); a ``²`` or ``₂``, placed by where its ink sits, from a word read at 80 or more.
    Nothing else is taken: not PP-OCR's ``。`` for a full stop, ``一`` for a dash, ``工`` for ``1``, ``′`` in
    ``Xi'an``, ``m²`` for ``mm2``; nor any other symbol of an unsure word, nor a ``₂`` of a word read under 80 or
    of Tesseract's reading alone (no word confidences), nor of a reading whose Tesseract beside it reads the
    layer's."""
    chinese = ["安顺市严格执行三区三线管理", "加强自然保护地监督检查工作", "开展跨区域联动执法监管行动"]
    layer = [line("FERAIT SEXERENNGE BRHXE", 50, 100 + 20 * i, 400, 112 + 20 * i) for i in range(3)]
    old = ["rainfall 1,013 mm (+4.9%); protect = 33% of land", "Latitude 44°19'-43°18', Fig. 3",
           "rainfall 1,123 mm (+6.7%).", "Action area 1: Xi'an 2019-2020, 5 mm2. pH 7.0", "emissions of CO2 fell",
           "rainfall 1,140 mm (+2.1%).", "protect = 30% of land", "emissions of SO2 rose", "NO2 levels fell"]
    layer += [line(text, 50, 200 + 20 * i, 400, 212 + 20 * i) for i, text in enumerate(old)]
    read = [line(t, 50, 101 + 20 * i, 401, 113 + 20 * i, 93) for i, t in enumerate(chinese)]
    read += [pp_read("rainfall 1,013mm (±4.9%); protect ≥ 33% of land", 50, 201, 401, 213, 98.5),
             pp_read("Latitude 44°19′-43°18′。 Fig.8", 50, 221, 401, 233, 92.0,
                     tesseract="Latitude 44°19′-43°18′。 Fig. 3"),
             pp_read("rainfall 1,123 mm (±6.7%).", 50, 241, 401, 253, 91.0, tesseract="rainfall 1,123 mm ( 土 6.7%)."),
             pp_read("Action area 工: Xi′an 2019一2020, 5 m². pH 7。0", 50, 261, 401, 273, 99.0),
             pp_read("emissions of CO₂ fell", 50, 281, 401, 293, 96.0, word_conf=80.0),
             pp_read("rainfall 1,140 mm (±2.1%).", 50, 301, 401, 313, 91.0, tesseract="rainfall 1,140 mm ( 十 2.1%)."),
             pp_read("protect ≥ 30% of land", 50, 321, 401, 333, 96.0, word_conf=80.0),
             pp_read("emissions of SO₂ rose", 50, 341, 401, 353, 96.0, word_conf=70.0),
             replace(line("NO₂ levels fell", 50, 361, 401, 373, 96.0), engine="tesseract")]
    out = read_first(layer, read)
    assert out[:3] == [(Source.OCR, t) for t in chinese]
    assert out[3:] == [(Source.MERGED, "rainfall 1,013 mm (±4.9%); protect ≥ 33% of land"),
                       (Source.MERGED, "Latitude 44°19′-43°18′, Fig. 3"),
                       (Source.MERGED, "rainfall 1,123 mm (±6.7%)."), (Source.LAYER, old[3]),
                       (Source.MERGED, "emissions of CO₂ fell"), (Source.LAYER, old[5]), (Source.LAYER, old[6]),
                       (Source.LAYER, old[7]), (Source.LAYER, old[8])]


def test_stand_ins_stay_on_a_layer_that_reads_han() -> None:
    """A layer with Han was made by an engine that reads it: its ``+`` is what it read, whatever PP-OCR makes
    of the mark."""
    layer = [line("安顺市严格执行三区三线管理", 50, 100, 400, 112),
             line("rainfall 1,013 mm (+4.9%).", 50, 200, 400, 212)]
    read = [line("安顺市严格执行三区三线管理", 50, 101, 401, 113, 95),
            pp_read("rainfall 1,013 mm (±4.9%).", 50, 201, 401, 213, 99.0)]
    assert read_first(layer, read)[1] == (Source.LAYER, "rainfall 1,013 mm (+4.9%).")


def test_an_english_only_layers_line_gives_way_to_a_sure_ppocr_line_with_a_stray_symbol() -> None:
    """Seed 5's English-layer scan: the old engine made ``Bia AH = -136.3 kJ/mol.`` of ``■反应 △H = -136.3
    kJ/mol。``; PP-OCR read it surely but for ``H=`` (a stray symbol to the detector), Tesseract worse. On a page
    an engine reading no Han made, that reading replaces the old line (before: unrepaired, the garbage kept)."""
    from cwn_ocr.model import Reading

    chinese = ["安顺市严格执行三区三线管理", "加强自然保护地监督检查工作", "开展跨区域联动执法监管行动"]
    layer = [line("FERAIT SEXERENNGE BRHXE", 50, 100 + 20 * i, 400, 112 + 20 * i) for i in range(3)]
    layer.append(line("Bia AH = -136.3 kJ/mol.", 50, 200, 400, 212))
    read = [line(t, 50, 101 + 20 * i, 401, 113 + 20 * i, 93) for i, t in enumerate(chinese)]
    read.append(replace(line("■反应 △H= -136.3 kJ/mol。", 50, 201, 401, 213, 94.0), engine="ppocr",
                        choice="marks: PP-OCR (94) over Tesseract (70), flagged for a stray symbol only",
                        alternatives=(Reading("tesseract", "国 反应 人 H = -136.3 kJ/mol。", 69.6),)))
    assert read_first(layer, read)[3] == (Source.OCR, "■反应 △H= -136.3 kJ/mol。")


def test_an_old_ocr_layers_thousands_commas_stand_where_blur_made_the_readings_points() -> None:
    """Congjiang's kind on a blurred scan: both engines read ``37,521`` as ``37.521``, the English-only layer
    read the comma. Where the layer writes a comma before one digit (``4,0``) it misread a point on that line,
    and its commas are not taken there."""
    read = twice("截至2005年3月18日，累计投资37.521万", 50, 200, 300, 212)
    assert read_first([HEADING, line("Bite 37,521 FF", 50, 200, 300, 212)], [HEADING_OCR, read])[1] == \
        (Source.OCR, "截至2005年3月18日，累计投资37,521万")
    read = twice("累计投资37.521万，均温4.0度", 50, 200, 300, 212)
    assert read_first([HEADING, line("Bite 37,521 F, SERRE 4,0 FF", 50, 200, 300, 212)], [HEADING_OCR, read])[1] \
        == (Source.OCR, "累计投资37.521万，均温4.0度")
    # a born-digital page's broken font is no second reader
    assert repair([line("Bite 37,521 FF", 50, 200, 300, 212)], [read], Origin.BROKEN_FONT)[0][1] != \
        "累计投资37,521万，均温4.0度"


def test_a_reading_line_belongs_to_the_fragment_it_covers_most_of() -> None:
    """An English-only OCR cut a printed line of Chinese into two fragments (seed 2's degraded scan): a sliver
    ``RH`` over 格率 and ``95.2%. HAWS STB315,`` over the rest, both judged clean. The new reading's line
    overlaps the sliver a little better in height; matched to it, the sliver stood as clean and the reading
    was lost, and the other fragment, whose place the reading had taken, was dropped as not in the image.
    The line belongs to the fragment it covers over the greater width, and the page's text comes out once;
    the sliver, which the line covers too, is no row for another reading line to be placed in by content (a
    speck below it read ``·二``)."""
    chinese = ["安顺市严格执行三区三线管理", "加强自然保护地监督检查工作"]
    layer = [line("FERAIT SEXERENNGE BRHXE", 306, 100 + 20 * i, 513, 112 + 20 * i) for i in range(2)]
    layer += [line("RH", 306.2, 137.5, 319.8, 150.5), line("95.2%. HAWS STB315,", 334.6, 127.6, 500.5, 149.0)]
    read = [line(t, 306, 101 + 20 * i, 514, 113 + 20 * i, 93) for i, t in enumerate(chinese)]
    read.append(line("格率95.2%。样品编号ＳＴＢ３１５，", 305.8, 128.5, 513.5, 150.3, 96))
    # the two fragments as two rows, both clean as the page's layer had them, or the sliver judged garbled
    judged = judge_rows(layer, drawn=True)
    clean = [replace(row, verdict=CLEAN_VERDICT) if row.text in ("RH", "95.2%. HAWS STB315,") else row
             for row in judged]
    for rows in (clean, judged):
        for ocr in (read, read + [line("·二", 310, 160, 330, 172, 30)]):
            assert [rows[r].text for m in match_rows(rows, ocr) for r in m.rows if 2 in m.ocr] == \
                ["95.2%. HAWS STB315,"]
            merged = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(
                Origin.OCR_LAYER, texts=tuple(row.text for row in rows)))
            out = [r.text for r in merged if r.source != Source.REMOVED]
            assert "格率95.2%。样品编号ＳＴＢ３１５，" in out and "RH" not in out, out


def test_an_old_ocr_line_pp_ocr_reads_verbatim_stays_however_it_looks() -> None:
    """A scan's right layer (the stress corpus's seed-3 control): ``mysql.so+++`` looks garbled to the
    detector, Tesseract reads ``mysql.sSo 十十十``, PP-OCR reads it as the layer has it. Before, PP-OCR's
    reading was set aside as garbled-looking and the vote took Tesseract's."""
    from cwn_ocr.model import Reading

    text = "/usr/lib/samba/passdb/mysql.so+++"
    layer = [HEADING, line(text, 50, 200, 300, 212)]
    tesseract = replace(line("/usrlib/samba/passdb/mysql.sSo 十十十", 50, 201, 301, 213, 75.8), engine="tesseract",
                        choice="garbled: PP-OCR's reading is garbled", alternatives=(Reading("ppocr", text, 97.9),))
    rows = judge_rows(layer)
    assert rows[1].verdict.label.value == "garbled"  # what the looks say
    context = PageContext(Origin.OCR_LAYER, texts=tuple(row.text for row in rows))
    merged = merge_rows(rows, [HEADING_OCR, tesseract], match_rows(rows, [HEADING_OCR, tesseract]), context=context)
    assert [(r.text, r.rule) for r in merged][1] == (text, "read verbatim")
    # the same reading by Tesseract alone is no such evidence over an earlier OCR's layer (it may be Tesseract's)
    alone = replace(tesseract, text=text, engine="tesseract", alternatives=())
    merged = merge_rows(rows, [HEADING_OCR, alone], match_rows(rows, [HEADING_OCR, alone]), context=context)
    assert merged[1].rule != "read verbatim"


def test_an_old_ocr_lines_marks_stay_where_only_pp_ocr_reads_otherwise() -> None:
    """The held-out seed 4's noisy-layer control: a right Chinese OCR layer over a degraded scan, whose
    ``$output = `$`` PP-OCR (94.8, not sure) reads ``Soutput=s`` and Tesseract ``%output = `$``. The
    detector calls the layer's marks stray symbols; marks alone are no OCR artefact by their looks, and
    only a second engine or a sure PP-OCR could confirm the reading against them."""
    from cwn_ocr.model import Reading

    text = "的硬件提供了设备驱动，$output = `$"
    layer = [HEADING, line(text, 50, 200, 300, 212)]
    pp = replace(line("的硬件提供了设备驱动，Soutput=s", 50, 201, 301, 213, 94.8), engine="ppocr",
                 choice="garbled: Tesseract's reading is garbled",
                 alternatives=(Reading("tesseract", "的 硬件 提供 了 设备 驱动 ，%output = `$", 83.6),))
    rows = judge_rows(layer)
    context = PageContext(Origin.OCR_LAYER, texts=tuple(row.text for row in rows))
    second = {1: "的 硬件 提供 了 设备 驱动 ，%output = `$"}  # the page read again (Tesseract, Chinese model)
    merged = merge_rows(rows, [HEADING_OCR, pp], match_rows(rows, [HEADING_OCR, pp]), context=context, second=second)
    assert (merged[1].text, merged[1].rule) == (text, "vote")


def test_a_sure_ppocr_reading_with_one_misread_mark_corrects_an_old_ocr_layer() -> None:
    """A noisy Chinese OCR layer (``设各``, ``斜扛``) whose line a sure PP-OCR read right but for one mark (``~G``
    for ``^G``: the detector's "stray symbol"), Tesseract's worse: the reading is evidence all the same, and the
    vote takes its Han where it differs, the layer's mark where the reading's looks garbled."""
    from cwn_ocr.model import Reading

    layer = [HEADING, line("的硬件提供了设各驱动，使用头标(^G)和八进制反斜扛标记", 50, 200, 300, 212)]
    tesseract = "的 硬件 提供 了 设备 驱动 ，使用头标 (\"G) 和和八进制反斜杠标记"
    pp = replace(line("的硬件提供了设备驱动，使用头标(~G)和八进制反斜杠标记", 50, 201, 301, 213, 98.3), engine="ppocr",
                 choice="marks: PP-OCR (98) over Tesseract (81), flagged for a stray symbol only",
                 alternatives=(Reading("tesseract", tesseract, 80.9),))
    rows = judge_rows(layer)
    context = PageContext(Origin.OCR_LAYER, texts=tuple(row.text for row in rows))
    merged = merge_rows(rows, [HEADING_OCR, pp], match_rows(rows, [HEADING_OCR, pp]), context=context,
                        second={1: tesseract})
    assert (merged[1].text, merged[1].rule) == ("的硬件提供了设备驱动，使用头标(^G)和八进制反斜杠标记", "vote")
    # less sure than Tesseract, the same reading is no evidence: the line stays unrepaired; and where the layer
    # is not voted on, it stays unrepaired too
    other = replace(pp, choice="han: PP-OCR (98) over Tesseract (99)",
                    alternatives=(Reading("tesseract", tesseract, 99.0),))
    merged = merge_rows(rows, [HEADING_OCR, other], match_rows(rows, [HEADING_OCR, other]), context=context,
                        second={1: tesseract})
    assert merged[1].source == Source.UNREPAIRED
    merged = merge_reading_first(rows, [HEADING_OCR, pp], match_rows(rows, [HEADING_OCR, pp]), context=context)
    assert (merged[1].source, merged[1].text) == (Source.UNREPAIRED, layer[1].text)


def test_an_unsure_reading_beside_a_sure_one_adds_nothing_and_shows_no_han() -> None:
    """Struck-through English lines under an English-only layer (pypdf's indirect-rotation.pdf): PP-OCR reads
    each printed line surely, Tesseract reads the strokes as Han at 22-30. Those unsure lines are no text of
    the page, nor evidence that the page shows Chinese, which took the old layer's right lines away as the
    work of an engine that reads no Han, and put the strokes' Han beside them."""
    layer = [line("Norasia Container Line Ltd.", 50, 100, 300, 112),
             line("Compania Libra de Navegacao (also d/b/a Braztrans Lines)", 50, 120, 400, 132),
             line("Crowley Maritime Corp.", 50, 140, 300, 152),
             line("155 Grand Avenue", 50, 160, 300, 172)]
    ocr = [line(": : -:Norasia Container LineLtd.", 45, 99, 300, 111, 96),
           line("下丁乓 7 下基生和三互民下把/R 卫帮下页配氏厂下页页 Wo/ 页页.A", 50, 104, 300, 116, 26),
           line("Compania Libra de Navegacao (also d/b/a Braztrans Lines)", 50, 120, 400, 132, 90),
           line("一 八 zn 扑 王不本 一王 不本", 50, 124, 400, 134, 30),
           line("Crowley Maritime Corp.", 50, 140, 300, 152, 97),
           line("民下把 卫帮", 50, 144, 300, 154, 22),
           line("155 Grand Avenue", 50, 160, 300, 172, 96)]
    rows = judge_rows(layer)
    out = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(Origin.OCR_LAYER))
    assert [(r.source, r.text) for r in out] == [(Source.LAYER, row.text) for row in layer]
    # where the page does show Chinese, the unsure line beside a sure one is still left out, and said so
    han = [line("FERAIT PEARRMEB SEXERENNGE", 50, 200, 400, 212)]
    read = [line("安顺市严格执行三区三线管理", 50, 200, 400, 212, 93), line("T", 390, 204, 400, 214, 56)]
    rows = judge_rows(han)
    out = merge_reading_first(rows, read, match_rows(rows, read), context=PageContext(Origin.OCR_LAYER))
    assert [(r.source, r.text) for r in out] == [(Source.OCR, "安顺市严格执行三区三线管理")]
    assert any("unsure reading beside the sure one left out: 'T' (56)" in why for why in out[0].reasons)


def test_an_old_row_read_in_passing_inside_another_rows_reading_is_no_row_the_image_lacks() -> None:
    """A small-print caption beside the body column (pypdf's Seige_of_Vicksburg_Sample_OCR.pdf, page 3): the new
    reading runs a caption line into the column's line at another pitch, and that reading line goes to the
    column's row, which keeps its own old text. The caption's row is in the image (its words were read there):
    it stays, instead of being dropped as "not in the image". A short cell (``289 mg/L``) is no such evidence."""
    layer = [line("iron heads, filled with balls packed brave it out. Their sacrifices", 66, 242, 368, 252),
             line("with saw-dust. The heads are mova-", 66, 251, 201, 258),
             line("ble, and the edge? of the tin are privations are worthy of a better", 66, 255, 369, 265)]
    ocr = [line("iron heads, filled with balls packed brave it out. Their sacrifices", 63, 240, 371, 252, 94),
           line("ble, and the edges of the tin are with saw-dust. The heads are mova- privations are worthy of a",
                65, 249, 369, 265, 96)]
    rows = judge_rows(layer)
    out = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(Origin.OCR_LAYER))
    assert "with saw-dust. The heads are mova-" in [r.text for r in out]
    assert not any(r.source == Source.REMOVED for r in out)


def test_an_unsure_reading_beside_a_sure_one_is_a_line_of_its_own() -> None:
    """Only an unsure line over a sure one's ink is left out: an old row over two printed pieces side by side
    keeps the piece read at 65, and a Chinese page Tesseract alone read at 65 still shows Han."""
    layer = [line("FERAIT PEARRMEB SEXERENNGE BRHXE RE B ARPHEEEIE", 50, 100, 560, 112)]
    ocr = [line("安顺市严格执行三区三线管理", 50, 100, 300, 112, 93),
           line("草海湿地保护区条例", 320, 100, 560, 112, 65)]
    rows = judge_rows(layer)
    out = merge_reading_first(rows, ocr, match_rows(rows, ocr), context=PageContext(Origin.OCR_LAYER))
    assert [r.text for r in out] == ["安顺市严格执行三区三线管理", "草海湿地保护区条例"]
    from cwn_ocr.merge.splice import han_blind

    texts = ["安顺市严格执行三区三线管理", "加强自然保护地监督管理", "草海湿地保护区条例", "生态保护红线"]
    rows = judge_rows([line("FERAIT SEXERENNGE", 50, 20 * i, 400, 20 * i + 12) for i in range(4)])
    assert han_blind(rows, [line(t, 50, 20 * i, 400, 20 * i + 12, 65) for i, t in enumerate(texts)])


def test_a_broken_fonts_flagged_symbols_that_the_sure_engine_reads_as_they_are_stay() -> None:
    """A page broken by the looks of some rows, a sound font's ``+++`` and ``‘@[@]’`` flagged as stray symbols
    (pdfplumber issue-71, PDFBox cweb). The engine kept read them ``+ 二二`` and ``‘“@[o]，``: PP-OCR's reading,
    sure at 96, judged garbled by its looks, read them as the layer has them. Before, the kept reading went
    into the flagged spans; the other engine's sure reading of the same line, symbols in their place, now
    confirms the layer (rule ``image confirms``). Unsure, it confirms nothing."""
    from cwn_ocr.model import Reading

    for text, kept, other in [
            ("traitement de la cause +++", "> traitement de la cause + 二二", ">traitement de la cause +++"),
            ("applies to unusual macro arguments.) Also insert ‘@[@]’",
             "applies to unusual macro arguments.) Also insert '“@[o]，",
             "applies to unusual macro arguments.） Also insert ‘@[@]′")]:
        layer = [line(text, 185, 772, 480, 787)]
        read = replace(line(kept, 185, 772, 480, 787, 68.9), engine="tesseract",
                       alternatives=(Reading("ppocr", other, 96.0),))
        assert repair(layer, [read], Origin.BROKEN_FONT) == [(Source.LAYER, text)]
        unsure = replace(read, alternatives=(Reading("ppocr", other, 80.0),))
        assert repair(layer, [unsure], Origin.BROKEN_FONT) != [(Source.LAYER, text)]


def test_on_a_page_broken_by_looks_a_foreign_script_and_lone_marks_stay_and_short_garbage_goes() -> None:
    """On a page a broken font's only by the looks of some rows (``unattributed``): PyMuPDF bug1945's Persian
    line, read ``cll'l`` at 64 by an engine that reads no Arabic, and test_4599's asterism ``⁂`` read ``类`` by
    one engine stay; short garbage a wrong map leaves (``ÔÂ`` read 月 by both engines, ``´`` read 1) and
    Cyrillic garbage read as Chinese by both engines are still replaced (a helper's review of the first version,
    which kept them)."""
    from cwn_ocr.model import Reading

    def unattributed(text: str, reading: Line) -> list[tuple[str, str]]:
        layer = [line(text, 50, 100, 300, 112)]
        rows = judge_rows(layer, drawn=True)
        context = PageContext(Origin.BROKEN_FONT, texts=(text,), unattributed=True)
        return [(r.source, r.text) for r in merge_rows(rows, [reading], match_rows(rows, [reading]), context=context)]

    def read(text: str, confidence: float, other: str | None = None) -> Line:
        first = replace(line(text, 50, 100, 300, 112, confidence), engine="ppocr")
        if other is None:  # both engines read it alike
            return replace(first, choice="agree: both read it the same")
        return replace(first, alternatives=(Reading("tesseract", other, 30.0),))

    persian = "یمخز و هتشک رفن اه\u200c هد« دنیوگ\u200c یم"
    assert unattributed(persian, read("cll'l cll'l", 63.7))[0][1] == persian
    assert unattributed("⁂", read("类", 96.8, other="北")) == [(Source.LAYER, "⁂")]
    for garbage, shown in [("ÔÂ", "月"), ("´", "1"), ("ДЖЗЙКЛ МНОП", "管理办法第三条")]:
        assert unattributed(garbage, read(shown, 97.0))[0][1] == shown, garbage


def test_an_old_ocr_layers_spaces_inside_words_go_where_both_engines_read_none() -> None:
    """Issue 20: an English line of an earlier OCR's layer that the page image reads verbatim, white space aside,
    keeps its words split (``betwee n``, the stress corpus's degraded English-layer scans) or glued (``suchas``)
    unless both engines' readings, each as it spaced it, show otherwise: ``choose`` keeps both readings as read
    beside the kept one (``Line.as_read``), whose text may hold the other engine's word breaks. One engine's
    reading, two that differ there (PP-OCR gluing ``treecover``; Tesseract splitting ``wild life`` where PP-OCR's
    reading, with Tesseract's breaks added, was kept), letters spelled apart (``A B C``), and a born-digital page's
    layer leave the layer's spaces as they are."""
    from cwn_ocr.ocr.engines.choose import choose

    def read(text: str, conf: float, engine: str) -> Line:
        x, words = 50.0, []
        for token in text.split():
            words.append(Word(token, BBox(x, 201, x + 9 * len(token), 213), conf))
            x += 9 * len(token) + 5
        return replace(Line.from_words(words), engine=engine)

    def both(tesseract: str, ppocr: str, conf: float = 97.5) -> Line:
        return choose(read(tesseract, 90.0, "tesseract"), read(ppocr, conf, "ppocr"))

    def merged(layer_text: str, reading: Line, origin: Origin = Origin.OCR_LAYER) -> tuple[str, str, str]:
        rows = judge_rows([HEADING, line(layer_text, 50, 200, 300, 212)])
        ocr = [HEADING_OCR, reading]
        context = PageContext(origin, texts=tuple(r.text for r in rows))
        out = merge_rows(rows, ocr, match_rows(rows, ocr), context=context)
        return out[1].text, out[1].rule, out[1].source

    split = "Increase connectivity betwee n natural areas"
    right = "Increase connectivity between natural areas"
    assert merged(split, both(right, right)) == (right, "read verbatim", Source.MERGED)
    assert merged("such as the city suchas the", both("such as the city such as the", "such as the city suchas the"
                                                      ))[0] == "such as the city suchas the"  # PP-OCR reads it glued
    assert merged("such as the city suchas the", both("such as the city such as the", "such as the city such as the"
                                                      ))[0] == "such as the city such as the"
    # read alike by both, though not surely enough to confirm the line verbatim: the line looks clean and is kept,
    # its letters as the layer has them, its spaces as both engines read them
    assert merged("The City Biodiversity In dex (CBI) is a", both("The City Biodiversity Index (CBl) is a",
                                                                  "The City Biodiversity Index (CBl) is a", 92.2)) \
        == ("The City Biodiversity Index (CBI) is a", "clean", Source.MERGED)
    # Tesseract reads the space too (the layer may be its own): no evidence against the layer
    assert both(split, right).text == right
    assert merged(split, both(split, right))[0] == split
    # the right layer stays where PP-OCR glues what Tesseract spaces
    for layer in ("The city currently has tree cover of", "Points A B C and D are on the same line"):
        assert merged(layer, both(layer, layer.replace("tree cover", "treecover").replace("A B C", "AB C")))[0] == layer
    # PP-OCR's reading kept over Tesseract's garbled one, Tesseract's break put into it: one engine's evidence
    wild = both("the wild life corridors of Guizhon", "the wildlife corridors of Guizhou")
    assert "wild life" in wild.text and wild.choice.startswith("latin")
    assert merged("the wildlife corridors of Guizhou", wild)[0] == "the wildlife corridors of Guizhou"
    # both engines glue the same words in a CJK font's narrow Latin spaces (a reviewer's renders, Noto Sans CJK): the
    # letters joined are no word more frequent than its parts
    staff = "by the staff of the bureau, who go out to count them twice a year. If it"
    assert merged(staff, both("bythe staff ofthe bureau, who go outto countthem twice a year 上 f 计",
                              "by the staff ofthe bureau, who go out to countthem twice a year.Ifit"))[0] == staff
    assert merged("Smith et al. and Jones et al. found the same", both("Smith etal. and Jones et al found the same",
                                                                       "Smith etal.and Jones et al.found the same")
                  )[0] == "Smith et al. and Jones et al. found the same"
    # a word the layer cut in pieces that both engines read whole; the pieces joined are a word
    uploads = "No uploads or resources have been linked"
    assert merged("No up lo ad s or re so ur ce s have been linked", both(uploads, uploads))[0] == uploads
    assert merged("a ro un d the lake", both("around the lake", "around the lake"))[0].startswith("a ro")  # lone a
    # PP-OCR alone: no second engine
    assert merged(split, replace(read(right, 97.5, "ppocr"), choice=""))[0] == split
    # a layer a font draws is the document's own spacing
    assert merged(split, both(right, right), Origin.FONT)[0] == split
