"""What a run costs before and around its real work: the modules it imports, the English word
table that replaces wordfreq's start-up, and the review images a cached re-run takes from the cache."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from cwn_ocr import repair_pdf
from cwn_ocr.layer import english
from cwn_ocr.ocr.cache import OcrCache
from cwn_ocr.report.jsonreport import report_dict
from cwn_ocr.report.review import build_review
from tests.conftest import SAMPLES

HEAVY = ("cv2", "numpy", "PIL", "pytesseract", "wordfreq", "rich", "pdf2image")


def imported_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
    return done.stdout.split()


def test_the_command_line_starts_without_the_image_libraries() -> None:
    assert imported_after("import cwn_ocr.cli") == []


def test_the_command_line_starts_poppler_before_it_imports_the_pipeline() -> None:
    # the repair starts pdftotext, then imports the rest (pikepdf, ftfy, rapidfuzz: ~0.15 s) while it runs
    probe = ("import sys, cwn_ocr.cli\nprint(' '.join(m for m in ('cwn_ocr.run.pipeline', 'pikepdf', 'ftfy', "
             "'rapidfuzz', 'concurrent.futures.process') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split() == []


@pytest.mark.poppler
@pytest.mark.parametrize("sample", ["clean_english", "mojibake_kangxi"])
def test_a_repair_without_ocr_never_imports_them(sample: str, tmp_path: Path) -> None:
    # clean and text-fixed pages: no pixels in this process, no wordfreq (the table answers), no
    # rich in a quiet run; the default sample check reads its strips in a worker
    code = (f"from cwn_ocr.cli import main\nassert main(['repair', '-q', '--no-cache', '--out', {str(tmp_path)!r}, "
            f"{str(SAMPLES / (sample + '.pdf'))!r}]) == 0")
    assert imported_after(code) == []
    assert (tmp_path / f"{sample}.diff.html").is_file() and (tmp_path / f"{sample}.pdf").is_file()


def test_the_english_table_answers_what_wordfreq_answers() -> None:
    from wordfreq import get_frequency_dict, zipf_frequency

    assert english._table() is not None  # the table answers, not wordfreq behind it
    words = sorted(get_frequency_dict("en"))
    rng = random.Random(7)
    sample = rng.sample(words, 3000) + ["Cities", "NATURE", "sexerennge", "FERAIT", "zzqxv", "café", "city's",
                                        "co2", "", "Ünïcode", "a", "i"]
    wrong = [(w, english.zipf(w), zipf_frequency(w.lower(), "en")) for w in sample
             if english.zipf(w) != zipf_frequency(w.lower(), "en")]
    assert not wrong, wrong[:10]


def test_a_damaged_table_is_rebuilt_and_an_unwritable_folder_costs_only_time(tmp_path: Path) -> None:
    source = english.source_list()
    assert source is not None
    table = english.load_table(source, tmp_path)
    files = list(tmp_path.glob("english-*.bin"))
    assert len(files) == 1 and table.zipf("the") == 7.73
    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated
    assert english.load_table(source, tmp_path).zipf("nature") == table.zipf("nature") > 4
    assert len(files[0].read_bytes()) > 1_000_000  # written again, whole
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert english.load_table(source, blocked / "cache").zipf("city") == table.zipf("city")


@pytest.mark.poppler
@pytest.mark.tesseract
def test_a_cached_review_renders_no_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = OcrCache(tmp_path / "cache")
    pdf = SAMPLES / "mixed_pages.pdf"
    report = report_dict(repair_pdf(pdf, jobs=2, cache_dir=tmp_path / "cache"))
    first = build_review(report, pdf=pdf, cache=cache)
    assert first.count("<img") > 0
    # fault injection: without poppler no page can be rendered; the cached crops still show
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert build_review(report, pdf=pdf, cache=cache) == first
    assert "poppler could not render" in build_review(report, pdf=pdf, cache=None)


@pytest.mark.poppler
def test_a_repair_in_a_terminal_shows_progress_and_writes_everything(tmp_path: Path) -> None:
    """stderr a terminal: the progress bar (rich, made on first use) runs and the outputs land."""
    import os
    import pty
    import threading

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    done = subprocess.run([sys.executable, "-m", "cwn_ocr", "repair", "--no-cache", "--verify", "off", "--out",
                           str(tmp_path), str(SAMPLES / "clean_english.pdf")], stderr=slave, stdout=subprocess.PIPE,
                          timeout=300)
    os.close(slave)
    reader.join(timeout=5)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert done.returncode == 0, shown
    assert "clean_english.pdf: 2 pages" in shown and "internal error" not in shown
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean_english.diff.html", "clean_english.json",
                                                           "clean_english.pdf", "clean_english.txt"]


@pytest.mark.poppler
def test_no_pdf_means_no_repaired_pdf(tmp_path: Path) -> None:
    for where in ("before", "after"):
        out = tmp_path / where
        args = ["repair", "-q", "--no-cache", "--verify", "off", "--out", str(out)]
        pdf = str(SAMPLES / "clean_english.pdf")
        args = args + ["--no-pdf", pdf] if where == "before" else args + [pdf, "--no-pdf"]
        done = subprocess.run([sys.executable, "-m", "cwn_ocr", *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert not (out / "clean_english.pdf").exists() and (out / "clean_english.txt").is_file()


def test_the_review_template_is_compiled_once_whatever_the_cache_settings(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    report = report_dict(repair_pdf(SAMPLES / "mojibake_kangxi.pdf", verify="off", use_cache=False))
    monkeypatch.setenv("CWN_OCR_CACHE_DIR", str(tmp_path / "cache"))
    first = build_review(report, images="none")  # no OCR cache given: the compiled template is kept anyway
    assert list((tmp_path / "cache" / "templates").iterdir())
    assert build_review(report, images="none") == first
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CWN_OCR_CACHE_DIR", str(blocked / "cache"))
    assert build_review(report, images="none") == first  # a cache folder that cannot be made costs only time
