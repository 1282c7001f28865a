"""The stress corpus generator (bench/corpus.py) checks itself; these tests check the checker on a tiny slice.

``--tiny`` builds five one-page documents with the Noto fonts only (fonts-noto-cjk is installed by
``make setup``; the other CJK families and manpages-zh only by ``setup-system.sh --bench``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from textmetrics import cer, in_truth_order  # noqa: E402

pytestmark = [pytest.mark.poppler]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "seed-5"
    result = subprocess.run([sys.executable, str(BENCH / "corpus.py"), "--seed", "5", "--tiny", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def documents(folder: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.meta.json"))]


def test_tiny_slice_has_at_most_five_documents_with_truth(tiny: Path) -> None:
    metas = documents(tiny)
    assert 1 <= len(metas) <= 5
    for meta in metas:
        name = meta["doc"]
        assert (tiny / f"{name}.pdf").exists() and (tiny / f"{name}.truth.txt").exists()
        assert not meta["problems"]
    assert {m["kind"] for m in metas} >= {"clean_born_digital", "cid_no_tounicode"}


def test_clean_pages_extract_exactly_and_damaged_pages_are_damaged(tiny: Path) -> None:
    """pdftotext = truth (whitespace aside) on clean pages; CER >= 10 % on damaged ones."""
    for meta in documents(tiny):
        name = meta["doc"]
        truth = (tiny / f"{name}.truth.txt").read_text("utf-8").rstrip("\n").split("\f")
        layer = corpus.pdftotext_pages(tiny / f"{name}.pdf")
        assert len(layer) == len(truth) == meta["pages"]
        for page in meta["clean_pages"]:
            assert cer(in_truth_order(layer[page - 1], truth[page - 1]), truth[page - 1]) == 0, (name, page)
        for page in meta["damaged_pages"]:
            assert cer(layer[page - 1], truth[page - 1]) >= corpus.MIN_DAMAGED_CER, (name, page)
        if meta["control"]:
            assert not meta["damaged_pages"]
        else:
            assert meta["damaged_pages"], name


def test_clean_lines_of_damaged_documents_are_in_the_layer(tiny: Path) -> None:
    """English lines set in the sound Latin font stay clean in a document whose CJK font is broken."""
    meta = next(m for m in documents(tiny) if m["kind"] == "cid_no_tounicode")
    truth = (tiny / f"{meta['doc']}.truth.txt").read_text("utf-8").rstrip("\n").split("\f")
    layer = corpus.pdftotext_pages(tiny / f"{meta['doc']}.pdf")
    for page, index in meta["clean_lines"]:
        line = truth[page - 1].split("\n")[index]
        assert "".join(line.split()) in "".join(layer[page - 1].split())


@pytest.mark.slow
def test_same_seed_gives_same_truth_and_meta(tiny: Path, tmp_path: Path) -> None:
    """Built again (the born-digital documents: the scan's layer is the truth, decided before rendering)."""
    again = tmp_path / "again"
    names = {m["doc"] for m in documents(tiny) if m["kind"] not in corpus.SCAN_KINDS}
    corpus.build_corpus(5, again, tiny=True, jobs=2, quiet=True, only=names)
    for meta in (m for m in documents(tiny) if m["doc"] in names):
        name = meta["doc"]
        assert (again / f"{name}.truth.txt").read_bytes() == (tiny / f"{name}.truth.txt").read_bytes()
        first = json.loads((tiny / f"{name}.meta.json").read_text("utf-8"))
        second = json.loads((again / f"{name}.meta.json").read_text("utf-8"))
        first.pop("seconds", None), second.pop("seconds", None)
        assert first == second


def test_another_seed_gives_other_documents() -> None:
    one, two = corpus.plan(1, tiny=True), corpus.plan(2, tiny=True)
    assert [s.kind for s in one] == [s.kind for s in two]
    assert [(s.family, s.layout, s.seed) for s in one] != [(s.family, s.layout, s.seed) for s in two]


def test_a_table_poppler_reads_cell_by_cell_passes_its_check_when_its_rows_are_right(tmp_path: Path) -> None:
    """Seed 6 sets a table in AR PL UMing with its cells far apart: poppler's plain reading gives them block by
    block (``溶解氧`` and ``≥`` on lines of their own), its -layout reading the rows the page prints. The
    generator failed that control before; cwn-ocr reads the layer's rows exactly."""
    out = tmp_path / "seed-6"
    result = subprocess.run([sys.executable, str(BENCH / "corpus.py"), "--seed", "6", "--only",
                             "scan_chi_layer_clean_01", "--out", str(out)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0 and "apt-get install" in result.stdout + result.stderr:
        pytest.skip("the full corpus's fonts or manpages-zh are not installed (setup-system.sh --bench)")
    assert result.returncode == 0, result.stdout + result.stderr
    meta = json.loads((out / "scan_chi_layer_clean_01.meta.json").read_text("utf-8"))
    assert meta["layout"]["name"] == "table" and meta["fonts"]["cjk"] == "AR PL UMing CN"
    plain = corpus.pdftotext_pages(out / "scan_chi_layer_clean_01.pdf")[0]
    assert "溶解氧 ≥ 6.4 mg/L" not in plain  # what made the check fail: the cells read apart
    assert meta["problems"] == [] and meta["layer_cer"] == [0.0]
    truth = (out / "scan_chi_layer_clean_01.truth.txt").read_text("utf-8").rstrip("\n").split("\n")
    assert len(meta["clean_lines"]) == len(truth)
