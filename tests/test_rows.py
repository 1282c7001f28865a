"""One output line per printed line: table cells a reader split apart are joined again, columns are not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cwn_ocr.merge.rows import printed_lines
from cwn_ocr.model import BBox

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_cells_of_a_row_join_with_one_space_and_rows_stay_apart() -> None:
    row = [("Population", BBox(70, 100, 130, 110)), ("557,711", BBox(200, 100, 236, 110)),
           ("persons", BBox(300, 100, 340, 110))]
    next_row = [("Forest", BBox(70, 114, 100, 124)), ("43.04", BBox(200, 114, 226, 124))]
    assert printed_lines(row + next_row) == ["Population 557,711 persons", "Forest 43.04"]


def test_pieces_that_touch_join_without_a_space() -> None:
    assert printed_lines([("安顺", BBox(0, 0, 20, 10)), ("市", BBox(20.5, 0, 30, 10))]) == ["安顺市"]


def test_a_piece_to_the_left_or_of_another_size_is_another_line() -> None:
    # out of reading order (a reader put the right cell first): left as the reader gave it
    assert printed_lines([("b", BBox(200, 0, 220, 10)), ("a", BBox(0, 0, 20, 10))]) == ["b", "a"]
    # a heading twice the body's size beside body text
    assert printed_lines([("Title", BBox(0, 0, 100, 24)), ("text", BBox(120, 8, 160, 20))]) == ["Title", "text"]


def test_the_foot_of_one_column_and_the_head_of_the_next_stay_apart() -> None:
    """A two-column page read column by column: the left column's last line and the right column's
    first share a band (the right column starts low), and are not one printed line."""
    left = [(f"left {i}", BBox(50, 700 + 16 * i, 260, 714 + 16 * i)) for i in range(3)]
    right = [("right 0", BBox(320, 734, 495, 750)), ("Page 1", BBox(282, 782, 313, 792))]
    assert printed_lines(left + right) == ["left 0", "left 1", "left 2", "right 0", "Page 1"]


def test_a_table_under_a_paragraph_joins_its_header_row() -> None:
    """The paragraph's short last line stands off the table (more than a line's leading): the header's
    cells are a row, not a column's foot."""
    lines = [("a paragraph's full line of text runs across", BBox(62, 437, 518, 448)),
             ("its last line", BBox(62, 452, 167, 463)),
             ("Indicator 指标", BBox(68, 479, 128, 490)), ("Value", BBox(178, 479, 205, 490)),
             ("Unit", BBox(262, 479, 283, 490))]
    assert printed_lines(lines)[-1] == "Indicator 指标 Value Unit"


def test_empty_lines_are_kept_and_never_joined() -> None:
    assert printed_lines([("a", BBox(0, 0, 10, 10)), ("", BBox(20, 0, 30, 10)), ("b", BBox(40, 0, 50, 10))]) == \
        ["a", "", "b"]


def table_pdf(path: Path) -> Path:
    """A page with a paragraph and a three-column table drawn cell by cell, as report generators do."""
    from fpdf import FPDF

    if not DEJAVU.is_file():
        pytest.skip(f"{DEJAVU} is not installed (make setup installs fonts-dejavu)")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(DEJAVU))
    pdf.set_font("dejavu", size=11)
    pdf.text(20, 30, "Forest cover rose over the plan period in every district of the city.")
    rows = [("Indicator", "Value", "Unit"), ("Population", "557,711", "persons"), ("Forest cover", "43.04", "%")]
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            pdf.text(24 + 60 * c, 45 + 7 * r, cell)
    pdf.output(str(path))
    return path


def test_a_repaired_page_gives_each_table_row_as_one_line_with_the_layer_characters(tmp_path: Path) -> None:
    from cwn_ocr import repair_pdf

    pdf = table_pdf(tmp_path / "table.pdf")
    poppler = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Population\n" in poppler  # poppler reads the cells apart: what the join is for
    text = repair_pdf(pdf, pdf=False, use_cache=False).text
    lines = [line for line in text.replace("\f", "").splitlines() if line.strip()]
    assert lines == ["Forest cover rose over the plan period in every district of the city.",
                     "Indicator Value Unit", "Population 557,711 persons", "Forest cover 43.04 %"]
    assert "".join(text.split()) == "".join(poppler.split())  # no character changed, added or lost


def test_vertical_writing_and_columns_side_by_side_are_never_joined() -> None:
    """A Japanese page's columns (tall, narrow pieces, pdfminer's jo.pdf) and two blocks of text read
    line by line across a gutter (figure captions side by side) keep their lines."""
    columns = [("風景やみんなといっしょに", BBox(300, 50, 312, 200)), ("あらゆる透明な幽霊の", BBox(320, 50, 332, 180))]
    assert printed_lines(columns) == [text for text, _ in columns]
    captions = [("Figure 1: the left caption runs on", BBox(50, 100, 260, 110)),
                ("Figure 2: the right caption runs on", BBox(300, 100, 510, 110))]
    assert printed_lines(captions) == [text for text, _ in captions]


def two_column_pdf(path: Path) -> Path:
    """Two columns of prose with a heading at the head of each, side by side, after the left column's
    short last line: poppler gives the left heading, then the right one."""
    from fpdf import FPDF

    if not DEJAVU.is_file():
        pytest.skip(f"{DEJAVU} is not installed (make setup installs fonts-dejavu)")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(DEJAVU))
    body = "Forest cover rose over the plan period in each"
    for top in (30, 90):
        pdf.set_font("dejavu", size=10)
        for i in range(8):
            pdf.text(20, top + 5 * i, body)
            pdf.text(110, top + 5 * i, body)
    pdf.text(20, 72, "a short last line")
    pdf.set_font("dejavu", size=12)
    pdf.text(20, 82, "Chapter 2")
    pdf.text(110, 82, "Chapter 1.3 - Climate change")
    pdf.output(str(path))
    return path


def test_two_columns_headings_side_by_side_stay_two_lines(tmp_path: Path) -> None:
    from cwn_ocr import repair_pdf

    pdf = two_column_pdf(tmp_path / "columns.pdf")
    poppler = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Chapter 2\n\nChapter 1.3" in poppler  # one after the other in poppler's order: what could join them
    text = repair_pdf(pdf, pdf=False, use_cache=False).text
    lines = [line for line in text.replace("\f", "").splitlines() if line.strip()]
    assert "Chapter 2" in lines and "Chapter 1.3 - Climate change" in lines
    assert "".join(text.split()) == "".join(poppler.split())


def test_a_table_row_under_two_columns_and_a_footer_stay_one_line_each() -> None:
    """Across a two-column page's gutter only pieces beside their column's text are kept apart: a table
    across the page under the columns, a form's label and value and the footer are no column's."""
    from cwn_ocr.columns import find_gutters
    from cwn_ocr.model import Line, Word

    prose = [("左栏正文" * 6, BBox(50, 50 + 14 * k, 290, 60 + 14 * k)) for k in range(12)] + \
            [("右栏正文" * 6, BBox(330, 50 + 14 * k, 570, 60 + 14 * k)) for k in range(12)]
    row = [("人口", BBox(60, 260, 80, 270)), ("557,711", BBox(340, 260, 375, 270)), ("人", BBox(480, 260, 490, 270))]
    footer = [("安顺市统计年鉴 2023", BBox(200, 800, 300, 810)), ("第 3 页", BBox(340, 800, 370, 810))]
    lines = prose + row + footer
    gutters = find_gutters([Line.from_words((Word(text, box),)) for text, box in lines])
    assert gutters
    assert printed_lines(lines, gutters)[-2:] == ["人口 557,711 人", "安顺市统计年鉴 2023 第 3 页"]
