"""Speed and scale: the OCR cache, batches of files with one pool, a Dask cluster."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cwn_ocr import repair_pdf
from tests.conftest import SAMPLES

pytestmark = [pytest.mark.poppler, pytest.mark.tesseract]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwn_ocr", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_a_second_repair_comes_from_the_cache(tmp_path: Path) -> None:
    source = SAMPLES / "scan_eng_layer.pdf"
    started = time.perf_counter()
    cold = repair_pdf(source, jobs=2, cache_dir=tmp_path)
    cold_seconds = time.perf_counter() - started
    started = time.perf_counter()
    warm = repair_pdf(source, jobs=2, cache_dir=tmp_path)
    warm_seconds = time.perf_counter() - started
    print(f"\n[cache] cold {cold_seconds:.2f} s, cached {warm_seconds:.2f} s")
    assert not any(p.cached for p in cold.pages) and all(p.cached for p in warm.pages)
    assert warm.text == cold.text
    assert warm_seconds < 0.25 * cold_seconds
    for changed in ({"dpi": 250}, {"lang": "chi_sim"}):  # a changed setting misses the cache
        other = repair_pdf(source, jobs=2, cache_dir=tmp_path, **changed)  # type: ignore[arg-type]
        assert not any(p.cached for p in other.pages), changed


def test_the_ocr_cache_misses_when_the_code_changes_and_hits_on_the_same_code_elsewhere(tmp_path: Path) -> None:
    """The OCR cache's key holds a digest of cwn-ocr's source (``cache.code_digest``): a page read by other code
    is never served, whether or not ``CACHE_FORMAT`` was bumped, and the same code installed elsewhere hits."""
    import shutil

    from cwn_ocr.ocr.cache import PACKAGE, code_digest
    from cwn_ocr.run.pipeline import ocr_identity

    same, changed = tmp_path / "same" / "cwn_ocr", tmp_path / "changed" / "cwn_ocr"
    for copy in (same, changed):
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (changed / "ocr" / "engines" / "forms.py").open("a", encoding="utf-8") as module:
        module.write("\nLOW_QUOTE = 0.4\n")
    assert code_digest(same) == code_digest() == ocr_identity("eng")["code"]
    assert code_digest(changed) != code_digest()


REPLAYED = "an identical earlier run"


def run_cli_env(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwn_ocr", *args], capture_output=True, text=True, timeout=600,
                          env=env)


@pytest.mark.slow
def test_a_repeated_repair_replays_the_identical_earlier_run(tmp_path: Path) -> None:
    """The whole-run cache: the same PDF repaired the same way gets the earlier run's outputs byte
    for byte; another option, other bytes in the PDF or --no-cache repair it again, and a damaged
    entry is a miss."""
    import shutil

    source = tmp_path / "in" / "index.pdf"  # its report, index.json, has the name of an entry's own index
    source.parent.mkdir()
    shutil.copy(SAMPLES / "mixed_pages.pdf", source)
    common = ("repair", str(source), "--cache-dir", str(tmp_path / "cache"))
    first = run_cli(*common, "--out", str(tmp_path / "o1"))
    assert first.returncode == 0, first.stderr
    assert REPLAYED not in first.stderr
    second = run_cli(*common, "--out", str(tmp_path / "o2"))
    assert second.returncode == 0 and REPLAYED in second.stderr, second.stderr
    names = sorted(p.name for p in (tmp_path / "o1").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "o2").iterdir()) and len(names) == 4
    for name in names:
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes(), name
    piped = [run_cli(*common, "-o", "-") for _ in range(2)]  # the text on stdout, stored too
    assert [REPLAYED in p.stderr for p in piped] == [False, True]
    assert piped[0].stdout == piped[1].stdout == (tmp_path / "o1" / "index.txt").read_text("utf-8")
    for other in (["--no-pdf"], ["--verify", "off"], ["--no-cache"]):
        proc = run_cli(*common, "--out", str(tmp_path / "o3"), *other)
        assert proc.returncode == 0 and REPLAYED not in proc.stderr, other
    with source.open("ab") as stream:  # the same pages, other bytes
        stream.write(b"\n% appended\n")
    proc = run_cli(*common, "--out", str(tmp_path / "o4"))
    assert proc.returncode == 0 and REPLAYED not in proc.stderr
    for entry in (tmp_path / "cache" / "runs").glob("*/*"):  # every stored report cut short
        for stored in entry.iterdir():
            if stored.read_bytes().startswith(b'{\n "tool"'):
                stored.write_bytes(stored.read_bytes()[:100])
    proc = run_cli(*common, "--out", str(tmp_path / "o5"))
    assert proc.returncode == 0 and REPLAYED not in proc.stderr, proc.stderr
    assert json.loads((tmp_path / "o5" / "index.json").read_text("utf-8"))["summary"]["pages"] == 3


@pytest.mark.parametrize(("sample", "code"), [("mixed_pages", 4), ("clean_english", 4)])
def test_a_run_that_failed_or_skipped_a_step_is_not_replayed(tmp_path: Path, sample: str, code: int) -> None:
    """With a Tesseract that crashes, mixed_pages' garbled page fails and clean_english's sample check
    is skipped (exit 4 both): neither run is what a working Tesseract would give."""
    from tests.test_reliability import fake_tesseract

    env = dict(fake_tesseract(tmp_path, "crash"), CWN_OCR_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):
        proc = run_cli_env("repair", str(SAMPLES / f"{sample}.pdf"), "--out", str(tmp_path / "out"), env=env)
        assert proc.returncode == code and REPLAYED not in proc.stderr, proc.stderr
    report = json.loads((tmp_path / "out" / f"{sample}.json").read_text("utf-8"))
    assert report["summary"]["failed"] or report["settings"]["verify"].startswith("skipped")


def test_the_run_key_follows_the_code_and_the_tools(tmp_path: Path) -> None:
    from cwn_ocr.run.runcache import code_stamp, tools_stamp

    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    before = code_stamp(package)
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"bytecode")
    assert code_stamp(package) == before  # bytecode is not code
    (package / "a.py").write_text("x = 22\n")
    assert code_stamp(package) != before
    data = tmp_path / "tessdata"
    data.mkdir()
    (data / "chi_sim.traineddata").write_bytes(b"model")
    env = {"TESSDATA_PREFIX": str(data), "PATH": ""}
    stamp = tools_stamp(env)
    (data / "chi_sim.traineddata").write_bytes(b"another model")
    assert tools_stamp(env) != stamp
    assert tools_stamp({**env, "CWN_OCR_SOMETHING": "1"}) != tools_stamp(env)


def test_the_cache_knows_a_page_by_what_it_draws_not_by_its_file(tmp_path: Path) -> None:
    """The garbled page of mixed_pages, split out into a PDF of its own, is not read again; the
    same page with one more drawing operator is."""
    import pikepdf

    whole = repair_pdf(SAMPLES / "mixed_pages.pdf", jobs=2, cache_dir=tmp_path / "cache")
    alone, changed = tmp_path / "page2.pdf", tmp_path / "page2-changed.pdf"
    with pikepdf.open(SAMPLES / "mixed_pages.pdf") as source:
        for target, extra in ((alone, b""), (changed, b" 0 0 1 1 re f")):
            with pikepdf.new() as out:
                out.pages.append(source.pages[1])
                if extra:
                    out.pages[0].contents_add(out.make_stream(extra))
                out.save(target)
    again = repair_pdf(alone, jobs=2, cache_dir=tmp_path / "cache")
    assert again.pages[0].rasterized and again.pages[0].cached
    assert again.pages[0].text == whole.pages[1].text
    other = repair_pdf(changed, jobs=2, cache_dir=tmp_path / "cache")
    assert other.pages[0].rasterized and not other.pages[0].cached


@pytest.mark.slow
def test_batch_repairs_many_files_skips_up_to_date_ones_and_reports_failures(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("clean_english", "mojibake_kangxi", "no_tounicode"):
        (inputs / f"{name}.pdf").write_bytes((SAMPLES / f"{name}.pdf").read_bytes())
    (inputs / "broken.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "out"
    first = run_cli("repair", str(inputs), str(SAMPLES / "mixed_pages.pdf"), "--out", str(out))
    assert first.returncode == 2, first.stderr  # one bad file: reported, the others repaired
    assert "broken.pdf: failed" in first.stderr and "Traceback" not in first.stderr
    for stem in ("clean_english", "mojibake_kangxi", "no_tounicode", "mixed_pages"):
        assert (out / f"{stem}.txt").exists() and (out / f"{stem}.diff.html").exists()
        assert json.loads((out / f"{stem}.json").read_text("utf-8"))["summary"]["failed"] == 0
    assert not (out / "broken.json").exists()
    second = run_cli("repair", str(inputs / "clean_english.pdf"), str(inputs / "no_tounicode.pdf"),
                     "--out", str(out))
    assert second.returncode == 0
    assert second.stderr.count(": skipped") == 2
    forced = run_cli("repair", str(inputs / "clean_english.pdf"), str(inputs / "no_tounicode.pdf"),
                     "--out", str(out), "--force")
    assert forced.returncode == 0 and forced.stderr.count(": ok") == 2


def test_batch_writes_only_the_outputs_asked_for(tmp_path: Path) -> None:
    """--no-review and --no-pdf hold for every file of a batch, as for one file."""
    out = tmp_path / "out"
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), str(SAMPLES / "mojibake_kangxi.pdf"),
                   "--out", str(out), "--no-review", "--no-pdf", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["clean_english.json", "clean_english.txt",
                                                     "mojibake_kangxi.json", "mojibake_kangxi.txt"]


def test_batch_skips_a_file_only_when_every_output_asked_for_is_there(tmp_path: Path) -> None:
    """A file repaired with --no-pdf --no-review is repaired again by a batch that wants its PDF and review."""
    out = tmp_path / "out"
    files = [str(SAMPLES / "clean_english.pdf"), str(SAMPLES / "mojibake_kangxi.pdf")]
    first = run_cli("repair", *files, "--out", str(out), "--verify", "off", "--no-pdf", "--no-review")
    assert first.returncode == 0 and first.stderr.count(": ok") == 2, first.stderr
    second = run_cli("repair", *files, "--out", str(out), "--verify", "off")
    assert second.returncode == 0 and second.stderr.count(": ok") == 2, second.stderr
    for stem in ("clean_english", "mojibake_kangxi"):
        assert (out / f"{stem}.pdf").is_file() and (out / f"{stem}.diff.html").is_file()
    third = run_cli("repair", *files, "--out", str(out), "--verify", "off")
    assert third.returncode == 0 and third.stderr.count(": skipped") == 2, third.stderr
    # a review page with other page images than asked for is made again (it was skipped as up to date)
    fourth = run_cli("repair", *files, "--out", str(out), "--verify", "off", "--review-images", "none")
    assert fourth.returncode == 0 and fourth.stderr.count(": ok") == 2, fourth.stderr
    fifth = run_cli("repair", *files, "--out", str(out), "--verify", "off", "--review-images", "none")
    assert fifth.returncode == 0 and fifth.stderr.count(": skipped") == 2, fifth.stderr


def test_a_batch_into_a_folder_inside_its_input_folder_runs_again(tmp_path: Path) -> None:
    """`repair in/ --out in/repaired`, run nightly: the repaired PDFs of the last run are no inputs (they
    would share their inputs' stems, and lie in the output folder)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "clean_english.pdf").write_bytes((SAMPLES / "clean_english.pdf").read_bytes())
    out = inputs / "repaired"
    first = run_cli("repair", str(inputs), "--out", str(out), "--verify", "off", "--no-review")
    assert first.returncode == 0 and first.stderr.count(": ok") == 1, first.stderr
    assert (out / "clean_english.pdf").is_file()
    second = run_cli("repair", str(inputs), "--out", str(out), "--verify", "off", "--no-review")
    assert second.returncode == 0 and second.stderr.count(": skipped") == 1, second.stderr
    # a repaired PDF whose report is gone (a run stopped between the two, a report deleted) is known by its mark
    (out / "clean_english.json").unlink()
    third = run_cli("repair", str(inputs), "--out", str(out), "--verify", "off", "--no-review")
    assert third.returncode == 0 and third.stderr.count(": ok") == 1, third.stderr
    # an original PDF in that folder is no earlier output: an input, never written over
    docs = tmp_path / "docs"
    (docs / "2023").mkdir(parents=True)
    (docs / "a.pdf").write_bytes((SAMPLES / "clean_english.pdf").read_bytes())
    original = (SAMPLES / "mojibake_kangxi.pdf").read_bytes()
    (docs / "2023" / "a.pdf").write_bytes(original)
    refused = run_cli("repair", str(docs), "--out", str(docs / "2023"), "--verify", "off", "--no-review")
    assert refused.returncode != 0 and (docs / "2023" / "a.pdf").read_bytes() == original, refused.stderr


def test_batch_refuses_two_inputs_with_one_stem(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "clean_english.pdf").write_bytes((SAMPLES / "clean_english.pdf").read_bytes())
    proc = run_cli("repair", str(tmp_path / "a"), str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 1 and "would both write clean_english" in proc.stderr


@pytest.mark.slow
def test_dask_cluster_gives_the_same_repair(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from cwn_ocr.ocr.workers import DaskPool

    source = SAMPLES / "scan_eng_layer.pdf"
    local = repair_pdf(source, jobs=1, use_cache=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        pool = DaskPool(cluster.scheduler_address)
        try:
            remote = repair_pdf(source, use_cache=False, pool=pool)
        finally:
            pool.close()
    assert remote.text == local.text
    assert [p.rasterized for p in remote.pages] == [True, True]
