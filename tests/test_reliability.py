"""Bad input, failing tools, interruptions: a clear error or a partial result, never a traceback,
never a half-written output, never a changed input. Failures are injected with fake programs on
PATH (a Tesseract that crashes or hangs) or by leaving real ones off PATH."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import REAL, SAMPLES

pytestmark = [pytest.mark.poppler]

TOOLS = ("pdftotext", "pdftoppm", "pdfimages", "pdfinfo", "tesseract")


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwn_ocr", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def assert_clean_failure(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def path_without(tmp_path: Path, *missing: str) -> dict[str, str]:
    """An environment whose PATH has the usual tools except ``missing``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in TOOLS:
        real = shutil.which(tool)
        if tool not in missing and real:
            (bin_dir / tool).symlink_to(real)
    return dict(os.environ, PATH=str(bin_dir))


#: What a hanging fake program runs: a duration nothing else on the machine sleeps, so that the check
#: for fakes left behind finds only ours (a developer's own ``sleep 300`` beside the tests made one
#: look started before it was, and the Ctrl-C came while Python was still importing ``site``), and no
#: other test session either (this one's process id in it: two runs of the tests at once saw each
#: other's fakes and failed).
HANG = f"exec sleep {200 + os.getpid() % 100_000 / 1000:.3f}"


def fake_program(tmp_path: Path, name: str, body: str) -> dict[str, str]:
    """The environment with a shell script ``name`` (``body``) first on PATH, in ``tmp_path``/fakebin."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text(f"#!/bin/sh\n{body}")
    script.chmod(0o755)
    return dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")


def fake_tesseract(tmp_path: Path, mode: str) -> dict[str, str]:
    """PATH with a tesseract that answers --version and --list-langs but crashes or hangs on OCR."""
    real = shutil.which("tesseract")
    action = {"crash": "echo 'Segmentation fault' >&2; kill -SEGV $$",
              "hang": f"{HANG}  # cwn-ocr-fake-tesseract"}[mode]
    return fake_program(tmp_path, "tesseract",
                        f'case "$1" in --version|--list-langs) exec {real} "$@";; esac\n{action}\n')


def fake_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if HANG.removeprefix("exec ") in line]


# --- bad input -------------------------------------------------------------------------------

def zero_pages(path: Path) -> Path:
    with pikepdf.new() as pdf:
        pdf.save(path)
    return path


def encrypted(path: Path, password: str = "s3cret") -> Path:
    with pikepdf.open(SAMPLES / "mojibake_kangxi.pdf") as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=password, owner=password + "-owner"))
    return path


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.pdf", "no such file"),
    (lambda tmp: (tmp / "empty.pdf", (tmp / "empty.pdf").write_bytes(b""))[0], "the file is empty"),
    (lambda tmp: (tmp / "n.pdf", (tmp / "n.pdf").write_bytes(b"hello"))[0], "not a PDF"),
    (lambda tmp: (tmp / "cut.pdf", (tmp / "cut.pdf").write_bytes((SAMPLES / "no_tounicode.pdf").read_bytes()[:900]))[0],
     "cannot read it as a PDF"),
    (lambda tmp: zero_pages(tmp / "zero.pdf"), "no pages"),
    (lambda tmp: encrypted(tmp / "locked.pdf"), "--password"),
], ids=["missing", "empty", "not-pdf", "truncated", "zero-pages", "encrypted"])
def test_bad_input_is_a_clear_error_with_no_output(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    source = make(tmp_path)
    out = tmp_path / "out"
    proc = run_cli("repair", str(source), "--out", str(out))
    assert_clean_failure(proc, 2, message, str(source))
    assert len(proc.stderr.strip().splitlines()) <= 3  # one paragraph
    assert not out.exists() or not any(out.iterdir())


def test_a_quiet_batch_still_tells_each_file_that_failed(tmp_path: Path) -> None:
    """--quiet silences the progress and the summary, not the error of a file that failed."""
    (tmp_path / "notpdf.pdf").write_bytes(b"hello")
    proc = run_cli("repair", str(SAMPLES / "mojibake_kangxi.pdf"), str(tmp_path / "missing.pdf"),
                   str(tmp_path / "notpdf.pdf"), "--out", str(tmp_path / "out"), "--quiet", "--verify", "off")
    assert_clean_failure(proc, 2, "missing.pdf: failed", "no such file", "notpdf.pdf: failed", "not a PDF")
    assert "mojibake_kangxi" not in proc.stderr  # the file repaired is no error: nothing about it
    assert (tmp_path / "out" / "mojibake_kangxi.txt").is_file()


def test_diff_of_a_report_that_is_not_one_is_a_bad_input(tmp_path: Path) -> None:
    """A JSON file that is not a whole repair report: exit 2 and what is wrong, not an internal error."""
    assert run_cli("repair", str(SAMPLES / "mojibake_kangxi.pdf"), "--out", str(tmp_path), "--verify", "off",
                   "--no-pdf", "--no-review", "--quiet").returncode == 0
    report = json.loads((tmp_path / "mojibake_kangxi.json").read_text("utf-8"))
    del report["pages"][0]["lines"][0]["repaired"]
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(report), "utf-8")
    bare = tmp_path / "bare.json"
    bare.write_text('{"summary": {}, "pages": [1]}', "utf-8")
    for source, problem in ((cut, "page 1, line 1 has no 'repaired'"), (bare, "no 'file'")):
        for html in ([], ["--html", "--out", str(tmp_path / "html")]):
            assert_clean_failure(run_cli("diff", str(source), *html), 2, "not a cwn-ocr repair report", problem)
    assert not (tmp_path / "html").exists() or not any((tmp_path / "html").iterdir())


@pytest.mark.parametrize("address", ["bogus", "foo://host:1"])
def test_a_scheduler_address_that_is_none_is_a_usage_error(address: str, tmp_path: Path) -> None:
    for inputs in ([SAMPLES / "scan_eng_layer.pdf"], [SAMPLES / "scan_eng_layer.pdf", SAMPLES / "clean_english.pdf"]):
        proc = run_cli("repair", *map(str, inputs), "--scheduler", address, "--out", str(tmp_path / "out"))
        assert_clean_failure(proc, 1, f"--scheduler {address!r} is not a Dask scheduler's address", "tcp://HOST:PORT")


def test_a_scheduler_without_dask_installed_says_how_to_install_it(tmp_path: Path) -> None:
    """Fault injection: a ``distributed`` that cannot be imported, first on the path."""
    (tmp_path / "distributed.py").write_text("raise ImportError('No module named distributed')\n")
    proc = run_cli("repair", str(SAMPLES / "scan_eng_layer.pdf"), "--scheduler", "tcp://127.0.0.1:1", "--out",
                   str(tmp_path / "out"), env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert_clean_failure(proc, 3, "needs Dask's distributed package", "pip install 'cwn-ocr[dask]'")


def test_scan_of_several_files_tells_each_bad_one_and_scans_the_others(tmp_path: Path) -> None:
    (tmp_path / "notpdf.pdf").write_bytes(b"hello")
    files = [str(SAMPLES / "clean_english.pdf"), str(tmp_path / "missing.pdf"), str(tmp_path / "notpdf.pdf"),
             str(SAMPLES / "mojibake_kangxi.pdf")]
    table = run_cli("scan", *files)
    assert_clean_failure(table, 2, "missing.pdf: no such file", "notpdf.pdf", "not a PDF")
    assert "clean_english.pdf" in table.stdout and "mojibake_kangxi.pdf" in table.stdout
    listed = run_cli("scan", "--json", *files)
    assert_clean_failure(listed, 2, "missing.pdf: no such file")
    assert [Path(scan["file"]).name for scan in json.loads(listed.stdout)] == ["clean_english.pdf",
                                                                                "mojibake_kangxi.pdf"]


def test_folder_without_pdfs(tmp_path: Path) -> None:
    """A folder is a batch of the PDFs in it; one with none is a usage error."""
    (tmp_path / "empty").mkdir()
    proc = run_cli("repair", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert_clean_failure(proc, 1, "no PDF files found")


def test_encrypted_pdf_with_its_password(tmp_path: Path) -> None:
    source = encrypted(tmp_path / "locked.pdf")
    before = sha256(source)
    proc = run_cli("repair", str(source), "--password", "s3cret", "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert "安顺市" in (tmp_path / "out" / "locked.txt").read_text("utf-8")
    assert sha256(source) == before
    # the repaired PDF is locked as its input was: the same password opens it, none does not
    repaired = tmp_path / "out" / "locked.pdf"
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(repaired)
    with pikepdf.open(repaired, password="s3cret") as pdf:
        assert pdf.is_encrypted
    read = subprocess.run(["pdftotext", "-upw", "s3cret", str(repaired), "-"], capture_output=True, text=True)
    assert read.returncode == 0 and "安顺市" in read.stdout


def test_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(blocker))
    assert_clean_failure(proc, 5, "cannot create the output folder", "--out")


def test_usage_errors() -> None:
    assert_clean_failure(run_cli("repair"), 1)
    assert_clean_failure(run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--jobs", "0"), 1, "--jobs")
    assert_clean_failure(run_cli("frobnicate"), 1)


@pytest.mark.parametrize("args, closed, code", [
    (["repair", str(SAMPLES / "mojibake_kangxi.pdf"), "--quiet", "--no-cache"], ">&-", 0),
    (["repair", str(SAMPLES / "mojibake_kangxi.pdf"), "-o", "-", "--no-cache"], ">&-", 0),  # no reader at all
    (["scan", "--json", str(SAMPLES / "clean_english.pdf")], ">&-", 0),
    (["doctor"], ">&-", 0),
    (["scan", str(SAMPLES / "missing.pdf")], "2>&-", 2),
    (["repair", str(SAMPLES / "mojibake_kangxi.pdf"), "--no-cache"], ">&- 2>&-", 0),
])
def test_a_stream_closed_before_the_start_is_no_error(args: list[str], closed: str, code: int,
                                                      tmp_path: Path) -> None:
    """`cwn-ocr ... >&-`: Python starts with sys.stdout None; the run ends with its own code, no
    traceback, its files written."""
    if args[0] == "repair":
        args = [*args, "--out", str(tmp_path / "out")]
    proc = subprocess.run(["sh", "-c", f'exec "$@" {closed}', "sh", sys.executable, "-m", "cwn_ocr", *args],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    if args[0] == "repair":
        assert (tmp_path / "out" / "mojibake_kangxi.json").is_file()


@pytest.mark.tesseract
def test_control_characters_in_the_layer_are_repaired(tmp_path: Path) -> None:
    """pdf.js issue 3405: a CID font without ToUnicode; the layer is control characters."""
    if not REAL.is_dir():
        pytest.skip("shared/real is absent")
    proc = run_cli("repair", str(REAL / "pdfjs__issue3405r.pdf"), "-o", "-", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().replace(" ", "") == "其他参考数据"


@pytest.mark.tesseract
@pytest.mark.slow
def test_billboard_page_is_rasterized_within_the_pixel_cap(tmp_path: Path) -> None:
    """A 200 x 200 inch page: its resolution is lowered before rasterizing, nothing runs out of memory."""
    source = tmp_path / "billboard.pdf"
    with pikepdf.open(SAMPLES / "no_tounicode.pdf") as pdf:
        page = pdf.pages[0]
        page.mediabox = pikepdf.Array([0, 0, 14400, 14400])
        page.contents_add(pikepdf.Stream(pdf, b"q 17 0 0 17 0 0 cm"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"Q"))
        pdf.save(source)
    out = tmp_path / "out"
    proc = run_cli("repair", str(source), "--out", str(out), "--page-timeout", "120", "-q")
    assert proc.returncode in (0, 4), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads((out / "billboard.json").read_text("utf-8"))
    page_report = report["pages"][0]
    if page_report["rasterized"]:
        assert page_report["dpi"] * 200 * page_report["dpi"] * 200 <= 40_000_000 * 1.01


# --- failing tools ---------------------------------------------------------------------------

def test_poppler_missing(tmp_path: Path) -> None:
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "out"),
                   env=path_without(tmp_path, "pdftotext", "pdftoppm", "pdfimages", "pdfinfo"))
    assert_clean_failure(proc, 3, "poppler", "apt-get install poppler-utils")


def test_tesseract_missing(tmp_path: Path) -> None:
    env = path_without(tmp_path, "tesseract")
    proc = run_cli("repair", str(SAMPLES / "scan_eng_layer.pdf"), "--out", str(tmp_path / "out"), "--no-cache", env=env)
    assert_clean_failure(proc, 3, "tesseract is not installed", "apt-get install tesseract-ocr")
    doctor = run_cli("doctor", env=env)
    assert doctor.returncode == 3 and "apt-get install tesseract-ocr" in doctor.stderr + doctor.stdout
    # a clean PDF needs no OCR, so it still works without Tesseract: unchecked (exit 4, and why), or trusted
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "o2"), env=env)
    assert_clean_failure(proc, 4, "the sample check could not run (tesseract is not installed)")
    assert run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "o3"), "--verify", "off",
                   env=env).returncode == 0


@pytest.mark.tesseract
def test_language_missing(tmp_path: Path) -> None:
    proc = run_cli("repair", str(SAMPLES / "scan_eng_layer.pdf"), "--lang", "chi_tra+eng", "--out", str(tmp_path),
                   "--no-cache")
    assert_clean_failure(proc, 3, "chi_tra", "apt-get install tesseract-ocr-chi-tra")


@pytest.mark.tesseract
def test_tesseract_crashing_keeps_the_layer_and_exits_4(tmp_path: Path) -> None:
    source = SAMPLES / "mixed_pages.pdf"
    before = sha256(source)
    out = tmp_path / "out"
    proc = run_cli("repair", str(source), "--out", str(out), "--no-cache", env=fake_tesseract(tmp_path, "crash"))
    assert_clean_failure(proc, 4, "1 failed")
    report = json.loads((out / "mixed_pages.json").read_text("utf-8"))
    assert [p["action"] for p in report["pages"]] == ["kept", "failed", "kept"]
    assert "Tesseract failed" in report["pages"][1]["error"]
    garbled = [line for line in report["pages"][1]["lines"] if line["source"] == "unrepaired"]
    assert garbled and all(line["repaired"] == line["original"] for line in garbled)
    assert "OCR failed" in (out / "mixed_pages.diff.html").read_text("utf-8")
    assert sha256(source) == before


@pytest.mark.tesseract
def test_tesseract_crashing_in_the_sample_check_is_no_success(tmp_path: Path) -> None:
    # with a working Tesseract the check finds the wrong map and the page is decoded (708 characters changed)
    env = fake_tesseract(tmp_path, "crash")
    proc = run_cli("repair", str(SAMPLES / "wrong_tounicode.pdf"), "--out", str(tmp_path / "out"), "--no-cache", "-q",
                   env=env)
    assert_clean_failure(proc, 4, "the sample check could not run (Tesseract failed (")
    assert proc.stderr.count("\n") == 1  # one line, --quiet or not
    report = json.loads((tmp_path / "out" / "wrong_tounicode.json").read_text("utf-8"))
    assert report["settings"]["verify"].startswith("skipped: Tesseract failed")
    batch = run_cli("repair", str(SAMPLES / "wrong_tounicode.pdf"), str(SAMPLES / "clean_english.pdf"), "--out",
                    str(tmp_path / "batch"), "--no-cache", env=env)
    assert_clean_failure(batch, 4, "wrong_tounicode.pdf: partial (the sample check could not run (Tesseract failed")


@pytest.mark.tesseract
def test_one_failing_part_of_a_page_costs_only_its_rows(tmp_path: Path) -> None:
    # the garbled page is read in two parts by two workers; the first Tesseract run crashes, the others work
    real = shutil.which("tesseract")
    env = fake_program(tmp_path, "tesseract", f'case "$1" in --version|--list-langs) exec {real} "$@";; esac\n'
                       f'if mkdir "{tmp_path}/crashed" 2>/dev/null; then kill -SEGV $$; fi\nexec {real} "$@"\n')
    out = tmp_path / "out"
    proc = run_cli("repair", str(SAMPLES / "no_tounicode.pdf"), "--out", str(out), "--no-cache", "--jobs", "2",
                   "--verify", "off", "--no-font-repair", env=env)  # its broken font's lines read from the image
    assert_clean_failure(proc, 4, "1 failed")
    assert (tmp_path / "crashed").is_dir()
    page = json.loads((out / "no_tounicode.json").read_text("utf-8"))["pages"][0]
    assert page["error"].startswith("1 of 2 parts of the page could not be read (Tesseract failed (it crashed")
    assert "OCR partly failed" in (out / "no_tounicode.diff.html").read_text("utf-8")
    sources = {line["source"] for line in page["lines"]}
    assert sources & {"ocr", "merged"} and "unrepaired" in sources, sources  # read rows repaired, the others marked


@pytest.mark.tesseract
def test_tesseract_hanging_is_stopped_by_the_page_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = run_cli("repair", str(SAMPLES / "no_tounicode.pdf"), "--out", str(tmp_path / "out"), "--no-cache",
                   "--no-font-repair", "--page-timeout", "3", env=fake_tesseract(tmp_path, "hang"), timeout=120)
    assert_clean_failure(proc, 4)
    assert time.monotonic() - started < 60
    report = json.loads((tmp_path / "out" / "no_tounicode.json").read_text("utf-8"))
    assert "longer than" in report["pages"][0]["error"]
    time.sleep(0.5)
    assert not fake_processes(), "a Tesseract process outlived its timeout"


@pytest.mark.tesseract
def test_tesseract_hanging_in_the_sample_check_is_stopped_by_the_page_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = run_cli("repair", str(SAMPLES / "mixed_pages.pdf"), "--out", str(tmp_path / "out"), "--no-cache",
                   "--engine", "tesseract", "--page-timeout", "3", env=fake_tesseract(tmp_path, "hang"), timeout=120)
    assert_clean_failure(proc, 4)
    assert time.monotonic() - started < 60  # not the 180 s of a page's default timeout
    report = json.loads((tmp_path / "out" / "mixed_pages.json").read_text("utf-8"))
    assert report["settings"]["verify"] == "skipped: Tesseract took longer than 3 s"
    time.sleep(0.5)
    assert not fake_processes(), "a Tesseract process outlived its timeout"


def test_usage_errors_of_the_page_timeout(tmp_path: Path) -> None:
    for seconds in ("0", "-1", "nan", "inf"):
        proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path), "--page-timeout", seconds)
        assert_clean_failure(proc, 1, "--page-timeout")
    assert not any(tmp_path.iterdir())


def test_a_page_timeout_under_a_second_still_renders() -> None:
    from cwn_ocr.ocr.raster import render

    # pdf2image takes whole seconds: 0.5 s was cut to none, and poppler stopped at once
    assert render(SAMPLES / "scan_eng_layer.pdf", 1, 609.9, 839.8, dpi=72, timeout=0.5).size


@pytest.mark.tesseract
def test_rendering_hanging_fails_its_page_not_the_run(tmp_path: Path) -> None:
    # pdf2image's pdftoppm (the page to OCR: ``-r DPI FILE.pdf -f N ...``) hangs; the sample check's works
    env = fake_program(tmp_path, "pdftoppm", f'[ "$1" = -r ] && {HANG}  # cwn-ocr-fake-pdftoppm\n'
                       f'exec {shutil.which("pdftoppm")} "$@"\n')
    out = tmp_path / "out"
    started = time.monotonic()
    proc = run_cli("repair", str(SAMPLES / "mixed_pages.pdf"), "--out", str(out), "--no-cache", "--page-timeout", "2",
                   env=env, timeout=120)
    assert_clean_failure(proc, 4, "1 failed")
    assert time.monotonic() - started < 60
    report = json.loads((out / "mixed_pages.json").read_text("utf-8"))
    assert [p["action"] for p in report["pages"]] == ["kept", "failed", "kept"]
    assert report["pages"][1]["error"] == "rendering took longer than 2 s"
    assert not fake_processes(), "a pdftoppm process outlived its timeout"


@pytest.mark.tesseract
def test_interrupt_leaves_no_output_and_no_tesseract(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "tmp").mkdir()
    env = dict(fake_tesseract(tmp_path, "hang"), TMPDIR=str(tmp_path / "tmp"))
    interrupt_when_faked(["repair", str(SAMPLES / "scan_eng_layer.pdf"), "--out", str(out), "--jobs", "2",
                          "--no-cache"], env)
    assert not out.exists() or not any(out.iterdir())
    # the killed workers had written the page image Tesseract was reading: their folder is gone
    assert not leftovers(tmp_path)


def interrupt_when_faked(args: list[str], env: dict[str, str], after: float = 0.0,
                         signum: int = signal.SIGINT) -> None:
    """Run ``cwn-ocr args``, send it (alone, not its process group) ``signum`` ``after`` seconds after the
    fake program (``HANG``) started; it must end within 10 s with 130 and a message, no traceback, and
    leave no fake process behind."""
    proc = subprocess.Popen([sys.executable, "-m", "cwn_ocr", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not fake_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fake_processes(), "the fake program never started"
    time.sleep(after)
    proc.send_signal(signum)
    sent = time.monotonic()
    _stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130 and time.monotonic() - sent < 10, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    time.sleep(0.5)
    assert not fake_processes(), "the fake program was left running"


@pytest.mark.tesseract
def test_a_signal_to_cwn_ocr_alone_stops_the_sample_checks_tesseract_at_once(tmp_path: Path) -> None:
    """A service manager's SIGTERM (or a SIGINT to the process, not its terminal's group) reaches none of
    the programs cwn-ocr's threads wait for: the sample check's hung Tesseract is killed, the run ends
    at once (it waited out --page-timeout), and no Tesseract is left running (one file or a batch)."""
    env = fake_tesseract(tmp_path, "hang")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("clean_english", "clean_mixed"):
        shutil.copy(SAMPLES / f"{name}.pdf", inputs)
    for target in (inputs / "clean_english.pdf", inputs):
        for signum in (signal.SIGTERM, signal.SIGINT):
            interrupt_when_faked(["repair", str(target), "--out", str(tmp_path / "out"), "--no-cache",
                                  "--page-timeout", "120"], env, after=0.5, signum=signum)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_run_started_with_sigint_ignored_keeps_ignoring_it(tmp_path: Path) -> None:
    """`cwn-ocr … &` in a script starts with SIGINT ignored (the shell's rule for background jobs): a Ctrl-C
    meant for the script's foreground leaves it running."""
    fake = fake_pdftotext(tmp_path, "sleep 1")  # the run is still on when the signal comes
    proc = subprocess.Popen([sys.executable, "-m", "cwn_ocr", "repair", str(SAMPLES / "clean_english.pdf"), "--out",
                             str(tmp_path / "out"), "--verify", "off", "-q"], env=fake, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    time.sleep(0.7)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert (tmp_path / "out" / "clean_english.txt").is_file()


@pytest.mark.tesseract
def test_an_interrupted_sample_check_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    """The strips' pdftoppm killed by a SIGTERM gave no strip: that check is no reading, and the next run
    with the same cache checks the page again (it found the wrong map and decoded it; a cached empty
    check had kept the wrong text as verified)."""
    cache = tmp_path / "cache"
    strips_hang = fake_program(tmp_path, "pdftoppm", 'case " $* " in *" -singlefile "*) '
                               f'{HANG}  # cwn-ocr-fake-pdftoppm\n;; esac\nexec {shutil.which("pdftoppm")} "$@"\n')
    interrupt_when_faked(["repair", str(SAMPLES / "wrong_tounicode.pdf"), "--out", str(tmp_path / "o1"),
                          "--cache-dir", str(cache)], strips_hang, after=0.3, signum=signal.SIGTERM)
    again = run_cli("repair", str(SAMPLES / "wrong_tounicode.pdf"), "--out", str(tmp_path / "o2"),
                    "--cache-dir", str(cache), "-q")
    assert again.returncode == 0, again.stderr
    report = json.loads((tmp_path / "o2" / "wrong_tounicode.json").read_text("utf-8"))
    assert [page["action"] for page in report["pages"]] == ["decoded"]


@pytest.mark.tesseract
def test_the_owner_password_serves_the_sample_check_as_the_users_does(tmp_path: Path) -> None:
    """--password may be the owner's: poppler's tools get it as either (pdftoppm -upw alone refused it,
    and the sample check read nothing: a wrong map kept, exit 0)."""
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(SAMPLES / "wrong_tounicode.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="u-pass", owner="o-pass", R=6))
    for password in ("u-pass", "o-pass"):
        proc = run_cli("repair", str(locked), "--password", password, "--out", str(tmp_path / password), "--no-cache",
                       "-q")
        assert proc.returncode == 0, proc.stderr
        report = json.loads((tmp_path / password / "locked.json").read_text("utf-8"))
        assert [page["action"] for page in report["pages"]] == ["decoded"], password


@pytest.mark.tesseract
def test_interrupting_a_batch_stops_it_at_once_and_keeps_the_files_it_finished(tmp_path: Path) -> None:
    """Ctrl-C during a batch stops it then, not after every file queued: the workers' Tesseract is
    killed, the file finished before it keeps its complete outputs, the others have none, and the
    message says which is which."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (tmp_path / "tmp").mkdir()
    for name in ("clean_english", "mixed_pages", "scan_eng_layer"):
        shutil.copy(SAMPLES / f"{name}.pdf", inputs)
    env = dict(fake_tesseract(tmp_path, "hang"), TMPDIR=str(tmp_path / "tmp"))
    proc = subprocess.Popen([sys.executable, "-m", "cwn_ocr", "repair", str(inputs), "--out", str(out), "--jobs", "2",
                             "--no-cache", "--verify", "off", "--page-timeout", "60"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ((out / "clean_english.json").exists() and fake_processes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130 and time.monotonic() - sent < 10, stderr
    assert "Traceback" not in stderr
    assert f"interrupted; the 1 file finished before it has complete outputs in {out}" in stderr
    assert sorted(p.name for p in out.iterdir()) == [f"clean_english.{kind}" for kind in ("diff.html", "json", "pdf",
                                                                                          "txt")]
    time.sleep(0.5)
    assert not fake_processes(), "the workers' Tesseract was left running"
    assert not leftovers(tmp_path)


def _start_and_wait(seconds: str) -> None:  # runs in a worker: a program in the worker's own group
    subprocess.run(["sleep", seconds])


def _die() -> None:  # runs in a worker: it dies as an out-of-memory kill would leave it
    time.sleep(0.5)
    os._exit(1)


def test_a_dead_worker_leaves_no_program_of_the_others_running() -> None:
    """One worker dies mid-run (the pool is broken, the run goes on and ends normally): the program
    another worker had started goes with the pool, and so does the pool's scratch folder."""
    from cwn_ocr.ocr.workers import WorkerPool

    marker = "297.113"  # a sleep no one else runs
    pool = WorkerPool(2)
    pool.submit(_start_and_wait, marker)
    dying = pool.submit(_die)
    with pytest.raises(Exception):  # noqa: B017  (BrokenProcessPool)
        dying.result(timeout=30)
    pool.__exit__(None, None, None)
    time.sleep(0.5)
    running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert f"sleep {marker}" not in running
    assert not os.path.exists(pool.scratch)


# --- the text layer's reading, started before the rest of cwn-ocr is imported ------------------

def fake_pdftotext(tmp_path: Path, action: str) -> dict[str, str]:
    """PATH with a pdftotext that does ``action`` (shell) first; TMPDIR a folder of its own."""
    env = fake_program(tmp_path, "pdftotext", f'{action}\nexec {shutil.which("pdftotext")} "$@"\n')
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return dict(env, TMPDIR=str(tmp_path / "tmp"))


def leftovers(tmp_path: Path) -> list[Path]:
    """What a run left in the TMPDIR that ``fake_pdftotext`` gave it."""
    return list((tmp_path / "tmp").iterdir())


def test_poppler_warnings_beyond_what_a_pipe_holds_do_not_block_the_reading(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from cwn_ocr.layer.textlayer import PendingLayer, parse_bbox_layout

    env = fake_pdftotext(tmp_path, "head -c 2000000 /dev/zero | tr '\\0' 'w' >&2")
    monkeypatch.setenv("PATH", env["PATH"])
    source = SAMPLES / "clean_mixed.pdf"
    real = parse_bbox_layout(subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(source), "-"],
                                            capture_output=True, check=True).stdout.decode("utf-8"))
    with PendingLayer(source, timeout=60) as pending:
        assert pending.result() == real


def test_a_hanging_pdftotext_is_stopped_by_its_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cwn_ocr.errors import BadInputError
    from cwn_ocr.layer.textlayer import PendingLayer

    env = fake_pdftotext(tmp_path, f"{HANG}  # cwn-ocr-fake-pdftotext")
    monkeypatch.setenv("PATH", env["PATH"])
    started = time.monotonic()
    pending = PendingLayer(SAMPLES / "clean_english.pdf", timeout=2)
    with pytest.raises(BadInputError, match="longer than 2 s"):
        pending.result()
    assert time.monotonic() - started < 30
    assert not fake_processes()
    with pytest.raises(BadInputError, match="longer than 2 s"):  # asked again: the same answer
        pending.result()


def test_a_text_layer_cut_short_is_no_shorter_document(tmp_path: Path) -> None:
    """Poppler exits 0 when it cannot write all its output; a page lost that way is no clean result."""
    env = fake_program(tmp_path, "pdftotext", f'{shutil.which("pdftotext")} "$@" | head -c 26000\n')
    # cut after the first of the two pages: without the check, a one-page document and exit 0
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "out"), env=env)
    assert_clean_failure(proc, 2, "ended before the document did")


def test_a_pdftotext_that_cannot_be_run_is_a_missing_dependency(tmp_path: Path) -> None:
    env = dict(path_without(tmp_path, "pdftotext"), TMPDIR=str(tmp_path / "tmp"))
    (Path(env["PATH"]) / "pdftotext").write_text("#!/bin/sh\n")  # not executable
    (tmp_path / "tmp").mkdir()
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "out"), env=env)
    assert_clean_failure(proc, 3, "pdftotext (poppler) cannot be run", "reinstall")
    assert not leftovers(tmp_path)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("code", [errno.EMFILE, errno.ENOMEM, errno.EAGAIN])
def test_a_machine_out_of_resources_is_not_told_to_reinstall_poppler(code: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: the system refuses to start a process. The installation is fine, and in a
    batch a missing dependency would stop every file, so this must not be one."""
    from cwn_ocr.errors import MissingDependencyError, OutputError
    from cwn_ocr.layer.textlayer import PendingLayer

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(subprocess, "Popen", refuse)
    with pytest.raises(OutputError, match="cannot start pdftotext") as caught:
        PendingLayer(SAMPLES / "clean_english.pdf")
    assert not isinstance(caught.value, MissingDependencyError)
    assert "reinstall" not in str(caught.value)


def test_poppler_without_its_cjk_character_maps_is_a_missing_dependency(tmp_path: Path) -> None:
    """Without poppler-data, pdftotext exits 0 and drops the text of fonts in a predefined CJK
    encoding (pdfplumber's pr-136 lost every Han character): never a quiet, emptier layer.
    The warning is the one poppler 22.12 prints when /usr/share/poppler is absent."""
    warning = "echo \"Syntax Error: Missing language pack for 'Adobe-GB1' mapping\" >&2"
    env = fake_pdftotext(tmp_path, warning)
    proc = run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "out"), env=env)
    assert_clean_failure(proc, 3, "Adobe-GB1 character maps", "apt-get install poppler-data")
    # doctor asks poppler to read a GBK-encoded character, so it notices too
    env = fake_pdftotext(tmp_path, f'[ "$1" = -v ] || {{ {warning}; exit 0; }}')
    doctor = run_cli("doctor", env=env)
    assert doctor.returncode == 3 and "apt-get install poppler-data" in doctor.stdout + doctor.stderr


@pytest.mark.poppler
def test_doctor_finds_the_cjk_character_maps_it_installs() -> None:
    from cwn_ocr.run.doctor import poppler_reads_cjk

    assert poppler_reads_cjk(), "poppler-data is missing: `make setup` installs it"


def test_the_early_reading_leaves_no_process_or_file_on_any_way_out(tmp_path: Path) -> None:
    env = fake_pdftotext(tmp_path, "")
    assert run_cli("repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "o1"),
                   env=env).returncode == 0
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n" + b"garbage " * 100)
    assert_clean_failure(run_cli("repair", str(damaged), "--out", str(tmp_path / "o2"), env=env), 2)
    assert not leftovers(tmp_path)
    # interrupted while poppler still reads: it is stopped, and nothing is left behind
    hanging = fake_pdftotext(tmp_path, f"{HANG}  # cwn-ocr-fake-pdftotext")
    for after in (0.0, 2.0):  # while the rest of cwn-ocr is imported; while the pipeline waits for poppler
        interrupt_when_faked(["repair", str(SAMPLES / "clean_english.pdf"), "--out", str(tmp_path / "o3")],
                             hanging, after=after)
    assert not leftovers(tmp_path)
    assert not (tmp_path / "o3").exists() or not any((tmp_path / "o3").iterdir())


def test_dask_workers_that_died_fail_their_page_with_a_reason() -> None:
    distributed = pytest.importorskip("distributed")
    from cwn_ocr.run.pipeline import _failure

    died = distributed.KilledWorker("ocr-page-3", "tcp://127.0.0.1:1", 3)
    assert _failure(died) == "the Dask workers reading it died (out of memory?)"


# --- fuzzing -----------------------------------------------------------------------------------

@pytest.mark.tesseract
@pytest.mark.slow
def test_mutated_pdfs_never_crash_hang_or_leave_partial_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import fuzz_pdfs

    outcomes = fuzz_pdfs.run(16, seed=7)
    bad = [f"{o.path.name}: {o.problem}" for o in outcomes if o.problem]
    with capsys.disabled():
        codes = sorted({o.code for o in outcomes}, key=str)
        print(f"\n[fuzz] tried {len(outcomes)} mutated PDFs, exit codes {codes}, {len(bad)} problems")
    assert not bad


@pytest.mark.tesseract
def test_damaged_content_stream_keeps_its_page_in_the_repaired_pdf(tmp_path: Path) -> None:
    """Found by `scripts/fuzz_pdfs.py 100 11`: poppler draws a page whose content stream pikepdf
    cannot parse; the repaired PDF keeps that page as it was instead of failing."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import fuzz_pdfs

    damaged = fuzz_pdfs.make_corpus(tmp_path, 7, seed=11)[6][0]
    out = tmp_path / "out"
    proc = run_cli("repair", str(damaged), "--out", str(out), "-q")
    assert proc.returncode in (0, 4), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert (out / f"{damaged.stem}.pdf").exists()
    # the page needs a new layer where its content stream cannot be parsed (a line changed): it is kept as it was
    from dataclasses import replace

    from cwn_ocr import repair_pdf
    from cwn_ocr.merge.splice import Source
    from cwn_ocr.report.pdfout import write_repaired_pdf

    result = repair_pdf(damaged, use_cache=False, verify="off")
    page = result.pages[0]
    changed = replace(page, lines=tuple(replace(line, text=line.text + "x", source=Source.OCR) for line in page.lines))
    methods = write_repaired_pdf(replace(result, pages=(changed,) + result.pages[1:]), tmp_path / "forced.pdf")
    assert "content stream unreadable" in methods[1]


@pytest.mark.tesseract
@pytest.mark.parametrize("index", [18, 25])
def test_names_and_operators_that_are_not_utf8_are_no_internal_error(tmp_path: Path, index: int) -> None:
    """Found by `scripts/fuzz_pdfs.py 40 29`: flipped bytes inside an operator (18) and inside a
    font's /Encoding name (25) made reading the provenance raise UnicodeDecodeError (exit 70)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import fuzz_pdfs

    damaged = fuzz_pdfs.make_corpus(tmp_path, index + 1, seed=29)[index][0]
    proc = run_cli("repair", str(damaged), "--out", str(tmp_path / "out"), "-q", "--jobs", "1")
    assert proc.returncode in (0, 2, 4), proc.stderr
    assert "internal error" not in proc.stderr


def test_ctrl_c_while_native_modules_import_is_acted_on_once_they_are_imported() -> None:
    """A KeyboardInterrupt inside a native module's initialisation aborts the process (pikepdf's nanobind:
    SIGABRT, no message, child programs orphaned); the CLI holds the signal until its imports are done."""
    from cwn_ocr.interrupts import held_interrupts

    finished = []
    with pytest.raises(KeyboardInterrupt):
        with held_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # Python runs the handler here, where an import would be under way
            finished.append("imports")
    assert finished == ["imports"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with held_interrupts():  # nothing pressed: nothing raised
        finished.append("again")
    assert finished == ["imports", "again"]


def test_a_kill_held_while_modules_import_reaches_the_handler_it_was_sent_to() -> None:
    from cwn_ocr.interrupts import held_interrupts

    seen: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        with held_interrupts():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.2)
            assert seen == []
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_an_interrupt_between_a_workers_fork_and_its_registration_leaves_no_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: Ctrl-C lands after ProcessPoolExecutor forked a worker and before it recorded it (found
    once: a worker left orphaned in its own process group, waiting for ever, after a Ctrl-C 2 ms into the start)."""
    import concurrent.futures.process as cfp
    import multiprocessing

    from cwn_ocr.ocr.workers import WorkerPool

    real = cfp.ProcessPoolExecutor._spawn_process  # type: ignore[attr-defined]

    def forked_then_interrupted(self: cfp.ProcessPoolExecutor) -> None:
        process = self._mp_context.Process(target=time.sleep, args=(300,))  # type: ignore[attr-defined]
        process.start()
        raise KeyboardInterrupt

    monkeypatch.setattr(cfp.ProcessPoolExecutor, "_spawn_process", forked_then_interrupted)
    before = set(multiprocessing.active_children())
    with pytest.raises(KeyboardInterrupt):
        WorkerPool(2)
    monkeypatch.setattr(cfp.ProcessPoolExecutor, "_spawn_process", real)
    assert set(multiprocessing.active_children()) - before == set()


@pytest.mark.tesseract
@pytest.mark.slow
def test_a_folder_audit_lists_what_was_changed_and_what_went_wrong(tmp_path: Path) -> None:
    """``make audit`` (scripts/audit_folder.py): a folder with a garbled sample, a clean one and a file that is no
    PDF gives one row each, the garbled sample's changed lines, and no problem (exit 2 for bad input is none)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import audit_folder

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("mojibake_kangxi", "clean_english"):
        (folder / f"{name}.pdf").write_bytes((SAMPLES / f"{name}.pdf").read_bytes())
    (folder / "notes.pdf").write_text("not a PDF")
    assert audit_folder.main([str(folder), str(tmp_path / "out"), "--jobs", "1"]) == 0
    rows = [line.split("\t") for line in (tmp_path / "out" / "summary.tsv").read_text("utf-8").splitlines()]
    assert rows[0][:3] == ["pdf", "exit", "seconds"]
    by_name = {row[0]: row for row in rows[1:]}
    assert [by_name[name][1] for name in ("clean_english.pdf", "mojibake_kangxi.pdf", "notes.pdf")] == ["0", "0", "2"]
    changes = (tmp_path / "out" / "changes.txt").read_text("utf-8").splitlines()
    assert changes and all(line.startswith("mojibake_kangxi.pdf\t") for line in changes)
    assert int(by_name["mojibake_kangxi.pdf"][audit_folder.COLUMNS.index("changed_lines")]) == len(changes)
