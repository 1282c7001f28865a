"""The review page: built from the report, opened in a real headless Chromium."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from cwn_ocr import repair_pdf
from cwn_ocr.report import write_outputs
from cwn_ocr.report.jsonreport import report_dict
from cwn_ocr.report.review import build_review
from cwn_ocr.report.terminal import render_terminal
from tests.conftest import ROOT, SAMPLES

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def hostile_report() -> dict[str, Any]:
    line = {"original": "<script>alert(1)</script></td>", "repaired": "安顺市</td><img src=x onerror=alert(2)>",
            "source": "ocr", "changed": True, "layer_lines": [0], "bbox": [10, 10, 200, 22],
            "reasons": ["<b>reason</b>"], "confidence": 50.0, "uncertain_words": ["<i>"]}
    page = {"page": 1, "width": 595.0, "height": 842.0, "verdict": "garbled", "action": "ocr", "rasterized": True,
            "dpi": 300.0, "scanned": False, "ocr_lines": 1, "rereads": 0, "error": None, "lines": [line],
            "ocr_reason": "suspect", "suspect": True, "provenance": None,
            "verification": [{"line": 0, "layer": "<u>x</u>", "page_image": "中國", "confidence": 90.0,
                              "agreement": 10.0, "disagrees": True}]}
    summary = {"pages": 1, "kept": 0, "textfix": 0, "ocr": 1, "failed": 0, "failed_pages": [], "changed_lines": 1,
               "changed_characters": 30, "unrepaired_lines": 0}
    return {"tool": "cwn-ocr test", "file": "<evil>.pdf", "settings": {}, "summary": summary, "pages": [page]}


def test_text_from_the_pdf_is_escaped() -> None:
    page = build_review(hostile_report())
    assert "<script>alert(1)" not in page and "onerror=alert(2)>" not in page and "<b>reason" not in page
    assert "<script" not in page.lower()  # the page itself has no scripts at all
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))  # what a browser shows as text
    assert "<script>alert(1)</script></td>" in shown and "<img src=x onerror=alert(2)>" in shown
    assert "sampled lines disagree with the page image" in shown and "<u>x</u>" in shown  # why, and what


def test_terminal_view_shows_the_changes() -> None:
    from rich.console import Console

    console = Console(record=True, width=160, color_system=None)
    console.print(render_terminal(hostile_report()))
    text = console.export_text()
    assert "<script>alert(1)</script></td>" in text and "安顺市" in text and "ocr" in text


@pytest.fixture(scope="module")
def review_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review")
    result = repair_pdf(SAMPLES / "mixed_pages.pdf", jobs=2)
    return write_outputs(result, out)["review"]


@pytest.mark.poppler
@pytest.mark.tesseract
def test_review_is_small_and_self_contained(review_file: Path) -> None:
    html = review_file.read_text("utf-8")
    assert review_file.stat().st_size < 300_000  # one garbled page
    assert 'lang="zh-Hans"' in html
    for remote in ("http://", "https://", "<link", "@import", "<script"):
        assert remote not in html


@pytest.mark.browser
@pytest.mark.poppler
@pytest.mark.tesseract
def test_review_renders_in_chromium(review_file: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium")
    requests: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.on("request", lambda request: requests.append(request.url))
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(review_file.as_uri())
        page.wait_for_load_state("load")
        headers = page.locator("table.diff thead th").all_inner_texts()
        assert headers[:3] == ["original text layer", "repaired", "page image"]
        repaired = " ".join(page.locator("tbody.changed td.repaired").all_inner_texts())
        assert "安顺市通过创建国家园林城市" in repaired  # a line the OCR repaired on page 2
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert images and all(done and width > 0 for done, width in images)
        assert page.locator("tbody.changed del").count() > 0 and page.locator("tbody.changed ins").count() > 0
        shot = ROOT / "out" / "review-test.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot))
        browser.close()
    assert shot.stat().st_size > 10_000
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert not dialogs


@pytest.mark.poppler
def test_text_only_repairs_link_to_the_page_instead_of_rendering_it(tmp_path: Path) -> None:
    result = repair_pdf(SAMPLES / "mojibake_kangxi.pdf", jobs=1, verify="off")
    assert result.count("textfix") == 1
    default = write_outputs(result, tmp_path / "a")["review"].read_text("utf-8")
    assert "<img" not in default and 'href="mojibake_kangxi.pdf#page=1"' in default
    assert "Repaired from its text alone" in default
    every = write_outputs(result, tmp_path / "b", review_images="all")["review"].read_text("utf-8")
    assert every.count("<img") >= 1 and "Repaired from its text alone" not in every
    none = write_outputs(result, tmp_path / "c", pdf=False, review_images="none")["review"].read_text("utf-8")
    assert "<img" not in none and "--review-images none" in none
    assert f'href="{(SAMPLES / "mojibake_kangxi.pdf").resolve().as_uri()}#page=1"' in none  # no <stem>.pdf: the input
    with pytest.raises(ValueError):
        build_review(report_dict(result), images="some")


@pytest.mark.poppler
@pytest.mark.tesseract
def test_pages_read_from_the_image_keep_their_images(review_file: Path) -> None:
    html = review_file.read_text("utf-8")  # mixed_pages: page 2 OCRed, pages 1 and 3 clean
    assert html.count("<img") >= 1 and "Repaired from its text alone" not in html
