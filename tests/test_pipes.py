"""cwn-ocr as a pipe stage and a library in front of other extractors: stdin and stdout, PDFs given
as bytes or file objects, and the README's recipes, run as written."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cwn_ocr import CwnOcrError, ExitCode, repair_pdf, report_dict, scan_pdf, write_outputs
from cwn_ocr.run.source import spooled
from tests.conftest import ROOT, SAMPLES

BIN = Path(sys.executable).parent
README = ROOT / "README.md"


def cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
        tmp: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """``cwn-ocr args`` with ``stdin``; with ``tmp``, its temporary files go there (``TMPDIR``)."""
    env = {**os.environ, "TMPDIR": str(tmp)} if tmp is not None else None
    return subprocess.run([sys.executable, "-m", "cwn_ocr", *args], input=stdin, capture_output=True, timeout=600,
                          cwd=cwd, env=env)


def spools(tmp: Path) -> list[Path]:
    """stdin's temporary copies left in ``tmp``."""
    return list(tmp.glob("cwn-input-*"))


# --- the command line -----------------------------------------------------------------------------

@pytest.mark.poppler
@pytest.mark.tesseract
def test_stdin_to_stdout_gives_the_file_routes_text_and_pdf_byte_for_byte(tmp_path: Path) -> None:
    """`cat scan_eng_layer.pdf | cwn-ocr repair - -o -` is the file route's text; `--pdf-out -` its PDF."""
    pdf = SAMPLES / "scan_eng_layer.pdf"
    filed = cli("repair", "-q", "--out", str(tmp_path / "files"), str(pdf))
    assert filed.returncode == 0, filed.stderr.decode()
    text = cli("repair", "-q", "-", "-o", "-", stdin=pdf.read_bytes(), tmp=tmp_path)
    assert text.returncode == 0 and text.stderr == b"", text.stderr.decode()
    assert text.stdout == (tmp_path / "files" / "scan_eng_layer.txt").read_bytes()
    repaired = cli("repair", "-q", "-", "--pdf-out", "-", stdin=pdf.read_bytes(), tmp=tmp_path)
    assert repaired.returncode == 0 and repaired.stderr == b"", repaired.stderr.decode()
    assert repaired.stdout == (tmp_path / "files" / "scan_eng_layer.pdf").read_bytes()
    assert not spools(tmp_path)  # stdin's copies are gone


@pytest.mark.poppler
def test_stdin_is_named_stdin_or_by_name_in_outputs_report_and_summary(tmp_path: Path) -> None:
    pdf = SAMPLES / "mojibake_kangxi.pdf"
    plain = cli("repair", "--no-cache", "-", "--out", str(tmp_path / "a"), stdin=pdf.read_bytes(), cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr.decode()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["stdin.diff.html", "stdin.json", "stdin.pdf",
                                                                "stdin.txt"]
    assert b"stdin: 1 pages" in plain.stderr and plain.stdout == b""
    named = cli("repair", "-q", "--no-cache", "-", "--name", "anshun.pdf", "--out", str(tmp_path / "b"),
                "--pdf-out", str(tmp_path / "repaired.pdf"), stdin=pdf.read_bytes())
    assert named.returncode == 0, named.stderr.decode()
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["anshun.diff.html", "anshun.json", "anshun.txt"]
    report = (tmp_path / "b" / "anshun.json").read_text("utf-8")
    assert '"file": "anshun.pdf"' in report and '"pdf_text_layer"' in report
    assert (tmp_path / "repaired.pdf").read_bytes() == (tmp_path / "a" / "stdin.pdf").read_bytes()
    assert (tmp_path / "repaired.pdf").as_uri() in (tmp_path / "b" / "anshun.diff.html").read_text("utf-8")


@pytest.mark.poppler
def test_stdin_runs_are_kept_by_the_whole_run_cache_and_replayed_byte_for_byte(tmp_path: Path) -> None:
    pdf = (SAMPLES / "clean_mixed.pdf").read_bytes()
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = cli("repair", "-", "--pdf-out", "-", *cache, stdin=pdf)
    again = cli("repair", "-", "--pdf-out", "-", *cache, stdin=pdf)
    assert first.returncode == again.returncode == 0, again.stderr.decode()
    assert b"identical earlier run" not in first.stderr and b"identical earlier run" in again.stderr
    assert again.stdout == first.stdout and first.stdout.startswith(b"%PDF-")
    other = cli("repair", "-", "--pdf-out", "-", "--name", "other", *cache, stdin=pdf)  # another name: another key
    assert b"identical earlier run" not in other.stderr


@pytest.mark.poppler
@pytest.mark.parametrize("output", [["-o", "-"], ["--pdf-out", "-"]])
@pytest.mark.parametrize("cached", [False, True])
def test_a_closed_stdout_ends_quietly_with_the_runs_code(output: list[str], cached: bool, tmp_path: Path) -> None:
    """`| head -1`: the reader has gone before the output is written; no traceback, no message, exit 0,
    and the --out outputs are all there."""
    cache = ["--cache-dir", str(tmp_path / "cache")] if cached else ["--no-cache"]
    args = [sys.executable, "-m", "cwn_ocr", "repair", "-q", "--out", str(tmp_path / "out"), *cache, *output,
            str(SAMPLES / "mojibake_kangxi.pdf")]
    for _ in range(2 if cached else 1):  # with the cache: the second run replays
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away at once
        stderr = proc.stderr.read()
        assert proc.wait(timeout=300) == 0, stderr.decode()
        assert stderr == b""
        assert (tmp_path / "out" / "mojibake_kangxi.json").is_file()


@pytest.mark.poppler
def test_head_reads_its_line_and_the_pipeline_succeeds() -> None:
    shell = (f"set -o pipefail; cat {SAMPLES / 'clean_mixed.pdf'} | {sys.executable} -m cwn_ocr repair - -o - "
             "--no-cache | head -n 1")
    done = subprocess.run(["bash", "-c", shell], capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stdout == b"Anshun City\n"
    assert b"Traceback" not in done.stderr and b"error" not in done.stderr


@pytest.mark.poppler
def test_a_closed_stdout_ends_scan_quietly_too() -> None:
    for extra in ([], ["--json"]):
        proc = subprocess.Popen([sys.executable, "-m", "cwn_ocr", "scan", *extra, str(SAMPLES / "clean_mixed.pdf")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        stderr = proc.stderr.read()
        assert proc.wait(timeout=300) == 0 and stderr == b"", stderr.decode()


@pytest.mark.poppler
def test_scan_reads_stdin_too(tmp_path: Path) -> None:
    pdf = SAMPLES / "mixed_pages.pdf"
    piped = cli("scan", "--json", "-", stdin=pdf.read_bytes(), tmp=tmp_path)
    filed = cli("scan", "--json", str(pdf))
    assert piped.returncode == filed.returncode == 0, piped.stderr.decode()
    assert json.loads(piped.stdout)["pages"] == json.loads(filed.stdout)["pages"]
    assert json.loads(piped.stdout)["file"] == "stdin" and not spools(tmp_path)


@pytest.mark.parametrize("args, stdin, code, message", [
    (["-", "-o", "-", "--pdf-out", "-"], b"%PDF-", ExitCode.USAGE, "both write to stdout"),
    (["-", "samples/clean_mixed.pdf"], b"%PDF-", ExitCode.USAGE, "repaired on its own"),
    (["samples/clean_mixed.pdf", "--name", "x"], None, ExitCode.USAGE, "--name names a PDF read from stdin"),
    (["samples/clean_mixed.pdf", "--pdf-out", "x.pdf", "--no-pdf"], None, ExitCode.USAGE, "--no-pdf"),
    (["samples/clean_mixed.pdf", "samples/clean_english.pdf", "--pdf-out", "x.pdf"], None, ExitCode.USAGE,
     "several"),
    (["-", "--scheduler", "tcp://127.0.0.1:1"], b"%PDF-", ExitCode.USAGE, "stdin"),
    (["-", "-o", "-"], b"", ExitCode.BAD_INPUT, "stdin: the file is empty"),
    (["-", "-o", "-"], b"hello", ExitCode.BAD_INPUT, "stdin: not a PDF"),
    (["-", "-o", "-", "--name", "report"], b"%PDF-1.7 truncated", ExitCode.BAD_INPUT, "report: poppler cannot read"),
    (["samples/clean_mixed.pdf", "--pdf-out", "samples/clean_mixed.pdf"], None, ExitCode.OUTPUT, "the input itself"),
    (["samples/clean_mixed.pdf", "--pdf-out", "samples"], None, ExitCode.OUTPUT, "is a folder"),
    (["samples/clean_mixed.pdf", "--pdf-out", "no/such/folder/x.pdf"], None, ExitCode.OUTPUT, "does not exist"),
])
def test_pipe_mistakes_are_one_line_and_their_exit_code(args: list[str], stdin: bytes | None, code: ExitCode,
                                                        message: str, tmp_path: Path) -> None:
    done = cli("repair", "--no-cache", *args, stdin=stdin if stdin is not None else b"", cwd=ROOT, tmp=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == code, err
    assert message in err and "Traceback" not in err and done.stdout == b""
    assert not spools(tmp_path)
    assert not (ROOT / "x.pdf").exists()


def test_an_interrupt_while_stdin_is_read_leaves_no_copy(tmp_path: Path) -> None:
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "cwn_ocr", "repair", "-", "-o", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert proc.stdin is not None
    proc.stdin.write((SAMPLES / "clean_mixed.pdf").read_bytes()[:5000])  # half a PDF, and the writer waits
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not spools(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert spools(tmp_path), "stdin was never copied"
    proc.send_signal(signal.SIGTERM)  # a pipeline's kill
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED and b"Traceback" not in stderr, stderr.decode()
    assert not spools(tmp_path)


def test_a_terminal_on_stdin_is_refused_not_waited_on() -> None:
    import pty

    master, slave = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "cwn_ocr", "repair", "-", "-o", "-"], stdin=slave,
                              capture_output=True, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == ExitCode.USAGE and b"terminal" in done.stderr


# --- the Python API ------------------------------------------------------------------------------

def _comparable(result: Any) -> dict[str, Any]:
    """The report without what differs between two runs of one PDF: timings, whether the OCR (or its
    sample check) came from the cache, and whether its ``file`` only names it (bytes, a file object)."""
    report = report_dict(result)
    report.pop("seconds")
    report.pop("file_is_name", None)
    for page in report["pages"]:
        page.pop("seconds")
        page.pop("cached")
    return report


@pytest.mark.poppler
@pytest.mark.parametrize("sample", ["mojibake_kangxi", "clean_mixed"])
def test_bytes_and_file_objects_give_the_paths_result(sample: str) -> None:
    path = SAMPLES / f"{sample}.pdf"
    by_path = repair_pdf(path, pdf=True)
    with path.open("rb") as stream:
        from_file = repair_pdf(stream, pdf=True)
    from_bytes = repair_pdf(path.read_bytes(), pdf=True)
    from_view = repair_pdf(memoryview(bytearray(path.read_bytes())), name=f"{sample}.pdf")
    assert by_path.text == from_file.text == from_bytes.text == from_view.text
    assert _comparable(from_file) == _comparable(by_path)  # a file object is named by its own name
    assert from_bytes.path == Path("input.pdf") and from_view.path == Path(f"{sample}.pdf")
    assert {**_comparable(from_bytes), "file": str(path)} == _comparable(by_path)
    assert by_path.pdf_bytes == from_file.pdf_bytes == from_bytes.pdf_bytes
    assert by_path.pdf_bytes is not None and by_path.pdf_bytes.startswith(b"%PDF-")
    assert from_view.pdf_bytes is None  # only on request


@pytest.mark.poppler
def test_a_zip_member_and_a_stream_read_to_its_end_are_read_whole(tmp_path: Path) -> None:
    path = SAMPLES / "mojibake_kangxi.pdf"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(path, "profiles/anshun.pdf")
    with zipfile.ZipFile(archive) as zipped, zipped.open("profiles/anshun.pdf") as member:
        result = repair_pdf(member, verify="off")
    assert result.path == Path("profiles/anshun.pdf")
    consumed = io.BytesIO(path.read_bytes())
    consumed.read()  # a seekable stream is read from its start, as PDF readers do
    assert repair_pdf(consumed, verify="off").text == result.text == repair_pdf(path, verify="off").text


@pytest.mark.poppler
def test_scan_takes_bytes_and_file_objects() -> None:
    path = SAMPLES / "mixed_pages.pdf"
    by_path = scan_pdf(path)
    from_bytes = scan_pdf(path.read_bytes(), name="mixed.pdf")
    with path.open("rb") as stream:
        from_file = scan_pdf(stream)
    assert [p.label for p in from_bytes.pages] == [p.label for p in by_path.pages] == [p.label for p in from_file.pages]
    assert from_bytes.path == Path("mixed.pdf") and from_file.path == path
    assert from_bytes.to_dict()["pages"] == by_path.to_dict()["pages"]


@pytest.mark.poppler
def test_write_outputs_of_a_result_from_bytes(tmp_path: Path) -> None:
    result = repair_pdf((SAMPLES / "mojibake_kangxi.pdf").read_bytes(), name="anshun.pdf", pdf=True, verify="off")
    written = write_outputs(result, tmp_path)
    assert sorted(p.name for p in written.values()) == ["anshun.diff.html", "anshun.json", "anshun.pdf", "anshun.txt"]
    assert written["pdf"].read_bytes() == result.pdf_bytes
    report = json.loads(written["json"].read_text("utf-8"))  # what was done to the page: the PDF's methods
    assert result.pdf_methods and report["pages"][0]["pdf_text_layer"] == result.pdf_methods[1]


def test_what_is_not_a_pdf_source_is_a_usage_error() -> None:
    for wrong, message in ((io.StringIO("%PDF-1.7"), "binary mode"), (42, "not int")):
        with pytest.raises(CwnOcrError, match=message) as caught:
            repair_pdf(wrong)  # type: ignore[arg-type]
        assert caught.value.exit_code == ExitCode.USAGE
    with pytest.raises(CwnOcrError, match="a path names itself"):
        repair_pdf(SAMPLES / "clean_mixed.pdf", name="other.pdf")


def test_the_temporary_copy_is_removed_on_every_way_out() -> None:
    with pytest.raises(KeyboardInterrupt), spooled(b"%PDF-1.7") as (copy, _):
        assert copy.is_file()
        raise KeyboardInterrupt
    assert not copy.parent.exists()
    with pytest.raises(CwnOcrError, match="^profile.pdf: broken$"), spooled(b"%PDF", name="profile.pdf") as (copy, _):
        raise CwnOcrError("broken", path=copy)  # errors name the PDF, not its temporary copy
    assert not copy.parent.exists()


# --- the README's recipes, run as written -----------------------------------------------------------

def readme_blocks(*sections: str) -> list[tuple[str, str]]:
    """The fenced ``python`` and ``sh`` blocks of the README's ``## <section>``s, in order."""
    text = README.read_text("utf-8")
    blocks = []
    for section in sections:
        match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## )", text, flags=re.S | re.M)
        assert match, f"README has no section {section!r}"
        blocks += re.findall(r"^```(python|sh)\n(.*?)^```", match.group(1), flags=re.S | re.M)
    return blocks


@pytest.mark.poppler
@pytest.mark.tesseract
@pytest.mark.slow
def test_the_readmes_api_section_and_recipes_run_as_written(tmp_path: Path) -> None:
    blocks = readme_blocks("Python API", "Recipes")
    assert [kind for kind, _ in blocks].count("python") >= 5 and [kind for kind, _ in blocks].count("sh") >= 2
    (tmp_path / "samples").symlink_to(SAMPLES)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for number, (kind, code) in enumerate(blocks, start=1):
        command = [sys.executable, "-c", code] if kind == "python" else ["bash", "-e", "-o", "pipefail", "-c", code]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"README block {number} ({kind}) failed:\n{code}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, done.stderr
    assert sorted(p.name for p in (tmp_path / "repaired").glob("*.pdf")) == ["clean_mixed.pdf", "mojibake_kangxi.pdf"]


@pytest.mark.poppler
def test_a_result_from_bytes_never_rereads_a_file_that_has_its_name(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A result from bytes is named ``input.pdf`` (or ``name=``): an unrelated file of that name in the working
    folder must not become its repaired PDF or its review's page images."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "input.pdf").write_bytes((SAMPLES / "mojibake_kangxi.pdf").read_bytes())
    result = repair_pdf((SAMPLES / "clean_english.pdf").read_bytes(), verify="off")
    assert result.path == Path("input.pdf")
    with pytest.raises(CwnOcrError, match="given as bytes or a file object") as caught:
        write_outputs(result, tmp_path / "out")
    assert caught.value.exit_code == ExitCode.OUTPUT and "pdf=False" in str(caught.value)
    assert not (tmp_path / "out" / "input.pdf").exists()
    written = write_outputs(result, tmp_path / "out", pdf=False)
    assert sorted(p.name for p in written.values()) == ["input.diff.html", "input.json", "input.txt"]
    assert written["text"].read_text("utf-8") == result.text
    assert json.loads(written["json"].read_text("utf-8"))["file_is_name"] is True
    # nor does the report's review, made again by `cwn-ocr diff --html`, link or draw that unrelated file
    from cwn_ocr.cli import main

    assert main(["diff", str(written["json"]), "--html", "--out", str(tmp_path / "again")]) == 0
    assert "input.pdf#page" not in (tmp_path / "again" / "input.diff.html").read_text("utf-8")


def test_a_text_mode_or_closed_file_object_is_a_usage_error(tmp_path: Path) -> None:
    with (SAMPLES / "clean_english.pdf").open(encoding="utf-8") as text_mode, \
            pytest.raises(CwnOcrError, match="binary mode") as caught:
        repair_pdf(text_mode)  # type: ignore[arg-type]
    assert caught.value.exit_code == ExitCode.USAGE
    closed = (SAMPLES / "clean_english.pdf").open("rb")
    closed.close()
    with pytest.raises(CwnOcrError, match="cannot be read") as caught:
        scan_pdf(closed)
    assert caught.value.exit_code == ExitCode.USAGE
