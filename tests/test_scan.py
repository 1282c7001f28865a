"""Page verdicts on every sample and on the real PDFs, through the text layer (poppler)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cwn_ocr import scan_pdf
from cwn_ocr.layer.textlayer import parse_bbox_layout, read_text_layer
from cwn_ocr.model import Label
from tests.conftest import ALL_SAMPLES, SAMPLES, truth_pages

pytestmark = pytest.mark.poppler

# What a reader sees on each page (from the generator): the page verdict that must follow.
EXPECTED = {
    "scan_eng_layer": ["garbled", "garbled"],
    "no_tounicode": ["garbled"],
    "mixed_pages": ["clean", "garbled", "clean"],
    "mojibake_kangxi": ["fixable"],
    "wrong_tounicode": ["clean"],  # text statistics cannot see it: see test_verify.py
    "clean_english": ["clean", "clean"],
    "clean_mixed": ["clean", "clean"],
}


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_sample_page_verdicts(name: str) -> None:
    scan = scan_pdf(SAMPLES / f"{name}.pdf")
    assert [p.label.value for p in scan.pages] == EXPECTED[name]
    assert len(scan.pages) == len(truth_pages(name))


@pytest.mark.parametrize("name", ["clean_english", "clean_mixed"])
def test_clean_layer_reads_as_the_truth(name: str) -> None:
    """The reader keeps the layer's characters: joined, they are the ground truth."""
    for page, truth in zip(read_text_layer(SAMPLES / f"{name}.pdf"), truth_pages(name)):
        layer = "".join("".join(line.text.split()) for line in page.lines)
        assert layer == "".join(truth.split())


def test_lines_have_boxes_inside_the_page() -> None:
    for page in read_text_layer(SAMPLES / "clean_mixed.pdf"):
        assert page.lines
        for line in page.lines:
            box = line.bbox
            assert 0 <= box.x0 < box.x1 <= page.width and 0 <= box.y0 < box.y1 <= page.height
            assert line.text == " ".join(w.text for w in line.words)


def test_control_characters_survive_parsing() -> None:
    doc = ('<page width="10" height="10"><line xMin="0" yMin="0" xMax="5" yMax="5">'
           '<word xMin="0" yMin="0" xMax="5" yMax="5">\x04&lt;\x05</word></line></page>')
    assert parse_bbox_layout(doc)[0].lines[0].text == "\x04<\x05"


REAL_EXPECTED = {
    "pdfjs__issue3405r.pdf": "garbled",
    "pdfjs__issue15340.pdf": "fixable",
    "pdfplumber__issue-461-example.pdf": "clean",
    "pymupdf__test_4182.pdf": "clean",
}


@pytest.mark.parametrize("name", sorted(REAL_EXPECTED))
def test_real_pdfs(real_dir: Path, name: str) -> None:
    scan = scan_pdf(real_dir / name)
    assert scan.pages[0].label.value == REAL_EXPECTED[name]


def test_real_noisy_ocr_layer_is_caught_where_text_shows_it(real_dir: Path) -> None:
    """pr-136's layer has `20I5` for 2015: text alone sees that much (the rest needs the image)."""
    scan = scan_pdf(real_dir / "pdfplumber__pr-136-example.pdf")
    flagged = [line.text for p in scan.pages for line, v in zip(p.page.lines, p.verdicts)
               if v.label is Label.GARBLED]
    assert any("20I5" in text for text in flagged)


def test_scan_is_fast() -> None:
    """Reading and judging is well under a second a page (no rasterizing, no OCR)."""
    started = time.perf_counter()
    scan = scan_pdf(SAMPLES / "scan_eng_layer.pdf")
    per_page = (time.perf_counter() - started) / len(scan.pages)
    assert per_page < 1.0


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwn_ocr", *args], capture_output=True, text=True, timeout=120)


def test_cli_scan_json() -> None:
    proc = run_cli("scan", "--json", str(SAMPLES / "mixed_pages.pdf"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [p["verdict"] for p in data["pages"]] == ["clean", "garbled", "clean"]
    garbled_page = data["pages"][1]
    assert garbled_page["garbled"] > 0 and garbled_page["lines"] == len(garbled_page["line_verdicts"])
    assert all(lv["reasons"] for lv in garbled_page["line_verdicts"] if lv["verdict"] == "garbled")


def test_cli_scan_table() -> None:
    proc = run_cli("scan", str(SAMPLES / "mojibake_kangxi.pdf"))
    assert proc.returncode == 0
    assert "fixable" in proc.stdout


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "missing": (lambda tmp: tmp / "missing.pdf", "no such file"),
    "directory": (lambda tmp: tmp, "is a directory"),
    "empty": (lambda tmp: _write(tmp / "empty.pdf", b""), "empty"),
    "not a pdf": (lambda tmp: _write(tmp / "notes.pdf", b"hello"), "not a PDF"),
    "truncated": (lambda tmp: _write(tmp / "cut.pdf", (SAMPLES / "clean_english.pdf").read_bytes()[:300]),
                  "cannot read it as a PDF"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_cli_bad_input(tmp_path: Path, case: str) -> None:
    make_input, message = BAD_INPUTS[case]
    path = make_input(tmp_path)
    proc = run_cli("scan", str(path))
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_usage_error() -> None:
    proc = run_cli("scan")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
