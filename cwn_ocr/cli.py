"""The command line: ``cwn-ocr scan``, ``repair``, ``doctor``; the only place that turns errors into exit codes.

Results go to stdout (a table, or JSON with ``--json``; ``repair``'s text with ``-o -``, its PDF with
``--pdf-out -``, as bytes and nothing else); messages and progress to stderr. A reader that closes
stdout early (``| head -1``) has read all it wanted: the run ends quietly with its own exit code.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import select
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cwn_ocr import __version__
from cwn_ocr.atomic import prepare_output_dir, write_atomic
from cwn_ocr.errors import (
    BadInputError,
    CwnOcrError,
    ExitCode,
    MissingDependencyError,
    OutputError,
    UsageError,
    worst_exit_code,
)
from cwn_ocr.interrupts import allow_programs, held_interrupts, stop_programs
from cwn_ocr.layer.inputs import check_pdf_path
from cwn_ocr.layer.textlayer import PendingLayer
from cwn_ocr.model import IMAGE_CHOICES, Label
from cwn_ocr.ocr.engines import DEFAULT_ENGINE, ENGINE_CHOICES
from cwn_ocr.run.source import STDIN, spooled_stdin

if TYPE_CHECKING:
    from rich.console import Console

    from cwn_ocr.run.pipeline import DocumentScan, RepairResult
    from cwn_ocr.run.runcache import CachedRun

_STYLE = {Label.CLEAN: "green", Label.FIXABLE: "yellow", Label.GARBLED: "red"}


class _Stderr:
    """rich's Console on stderr, made on first use: a quiet repair in a pipe that succeeds never
    imports rich (50 ms of start-up)."""

    def __init__(self) -> None:
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        """The Console itself (what rich's Progress needs: it enters it as a context manager)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cwn-ocr", description=(
        "Find and repair garbled text layers in PDFs (Chinese city profiles and the like)."))
    parser.add_argument("--version", action="version", version=f"cwn-ocr {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="judge every page and line of a PDF's text layer (no OCR)")
    scan.add_argument("pdf", nargs="+", help="PDF file(s) to scan; '-' reads one from stdin")
    scan.add_argument("--json", action="store_true", help="print JSON (per page and per line) instead of a table")
    scan.add_argument("--lines", action="store_true", help="with the table, also list every non-clean line")
    scan.add_argument("--password", help="password of an encrypted PDF")
    scan.add_argument("--verify", choices=["off", "sample"], default="off",
                      help="sample: also read a few lines of each page from its image (one Tesseract call) and "
                           "mark pages whose layer disagrees as suspect (default off: no OCR)")

    repair = commands.add_parser("repair", help="repair a PDF's text: keep what is clean, fix or re-OCR the rest")
    repair.add_argument("pdf", nargs="+", help="PDF(s) or folders of PDFs to repair (never modified); '-' reads one "
                        "PDF from stdin")
    repair.add_argument("--out", metavar="DIR", help="output folder for <stem>.txt, .json, .diff.html and .pdf "
                        "(default: out, unless -o - or --pdf-out is given)")
    repair.add_argument("-o", "--output", metavar="-", choices=["-"],
                        help="'-': write the repaired text to stdout (the other outputs only with --out)")
    repair.add_argument("--pdf-out", metavar="PATH|-", help="write the repaired PDF to PATH, or to stdout with '-', "
                        "instead of <stem>.pdf in --out (the other outputs only with --out)")
    repair.add_argument("--name", metavar="NAME", help=f"with '-': the name of the PDF read from stdin, in the report "
                        f"and as the outputs' stem (default: {STDIN})")
    repair.add_argument("--dpi", type=int, default=300, help="resolution for born-digital pages (default 300; "
                        "scans are read at their own resolution)")
    repair.add_argument("--lang", default="chi_sim+eng", help="Tesseract languages (default chi_sim+eng)")
    repair.add_argument("--jobs", type=int, default=None, help="pages OCRed in parallel (default: all cores)")
    repair.add_argument("--whole-pages", action="store_true",
                        help="OCR each page that needs it whole, not only its garbled rows (slower)")
    repair.add_argument("--no-font-repair", dest="font_repair", action="store_false",
                        help="read the lines of broken fonts from the page image instead of recovering the fonts' "
                             "maps, and leave every font of the repaired PDF as it is (the default recovers broken "
                             "maps, writes them into the repaired PDF and re-encodes fonts extractors misread)")
    repair.add_argument("--page-timeout", type=float, default=180.0, metavar="S",
                        help="give up OCR of one page after S seconds (its layer text is kept; exit code 4), and "
                             "the sample check after S seconds of one Tesseract run")
    repair.add_argument("--password", help="password of an encrypted PDF")
    repair.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary on stderr")

    repair.add_argument("--no-review", action="store_true", help="do not write the <stem>.diff.html review page")
    repair.add_argument("--review-images", choices=IMAGE_CHOICES, default="ocr",
                        help="page images in the review: beside lines read from the image (ocr, default), also "
                             "beside text-only repairs (all: renders those pages too), or none")
    repair.add_argument("--pdf", dest="write_pdf", action=argparse.BooleanOptionalAction, default=True,
                        help="write <stem>.pdf, the input with a text layer that extracts as the repair (default on)")
    repair.add_argument("--cache-dir", metavar="DIR", help="where OCR results and whole runs are cached (default: "
                        "$CWN_OCR_CACHE_DIR, else ~/.cache/cwn-ocr)")
    repair.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the caches (OCR results, whole runs)")
    repair.add_argument("--scheduler", metavar="ADDRESS", help="run the OCR on a Dask distributed cluster "
                        "(e.g. tcp://10.0.0.5:8786); the PDFs must be at the same paths on its workers")
    repair.add_argument("--force", action="store_true", help="with several files: repair even those whose "
                        "outputs are up to date")
    repair.add_argument("--verify", choices=["off", "sample", "all"], default="sample",
                        help="check layers that look clean against the page image: sample a few lines per page "
                             "and re-read previous OCR layers (default), every page (all), or trust the text (off)")
    repair.add_argument("--engine", choices=ENGINE_CHOICES, default=DEFAULT_ENGINE,
                        help=f"OCR engine for the lines Tesseract's layout finds: tesseract alone, ppocr (PP-OCRv4), "
                             f"or auto: both, the better reading kept per line (default {DEFAULT_ENGINE}; Tesseract "
                             f"alone when PP-OCR is not installed)")

    diff = commands.add_parser("diff", help="show what a repair changes, side by side (terminal or --html)")
    diff.add_argument("input", help="a PDF (repaired now, nothing written) or a <stem>.json report from `repair`")
    diff.add_argument("--html", action="store_true", help="write only <stem>.diff.html into --out")
    diff.add_argument("--out", metavar="DIR", default="out", help="folder for --html (default: out)")
    diff.add_argument("--all", action="store_true", help="show unchanged lines too")
    diff.add_argument("--jobs", type=int, default=None, help="pages OCRed in parallel (default: all cores)")
    diff.add_argument("--password", help="password of an encrypted PDF")
    diff.add_argument("--review-images", choices=IMAGE_CHOICES, default="ocr",
                      help="with --html: page images beside lines read from the image (ocr, default), all changes, "
                           "or none")

    commands.add_parser("doctor", help="check that Tesseract, its languages and poppler are installed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _closed_streams_to_devnull()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return int(ExitCode.OK if exc.code == 0 else ExitCode.USAGE)
    if args.command is None:
        parser.print_help(sys.stderr)
        return int(ExitCode.USAGE)
    err = cast("Console", _Stderr())
    handlers: dict[int, Any] = {}
    allow_programs()  # a new run (an earlier one in this process may have been stopped)
    try:
        # a pipeline's kill stops us as cleanly as Ctrl-C; a signal the caller ignores stays ignored (`cmd &`
        # in a script starts it with SIGINT ignored); the caller's handlers are back when main returns
        if threading.current_thread() is threading.main_thread():
            for kind in (signal.SIGTERM, signal.SIGINT):
                previous = signal.getsignal(kind)
                if previous is not signal.SIG_IGN:
                    signal.signal(kind, _interrupt)
                    handlers[kind] = previous
        return _command(args, err)
    except KeyboardInterrupt:  # before the command started
        return _interruption(err)
    finally:
        for signum, handler in handlers.items():
            if handler is not None:  # None: installed from C, nothing Python can put back
                signal.signal(signum, handler)


def _command(args: argparse.Namespace, err: Console) -> int:
    """Run the command ``args`` name; its exit code, errors told on ``err``."""
    try:
        if args.command == "scan":
            return _scan(args, err)
        if args.command == "repair":
            return _repair(args, err)
        if args.command == "diff":
            return _diff(args)
        if args.command == "doctor":
            from cwn_ocr.run.doctor import run_doctor
            return run_doctor(err)
    except CwnOcrError as exc:
        from rich.markup import escape  # the message is text: 'cwn-ocr[dask]' is no markup tag

        err.print(f"[bold red]cwn-ocr:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return _interruption(err)
    except BrokenPipeError as exc:
        if _stdout_gone():  # `cwn-ocr scan x.pdf | head -1`: the reader read all it wanted
            _drop_stdout()
            return int(ExitCode.OK)
        return _internal_error(err, exc)
    except Exception as exc:  # a bug: one paragraph, and the traceback only when asked for
        if _interrupted(exc):  # Ctrl-C while a C extension was being imported: pikepdf reports an ImportError
            return _interruption(err)
        return _internal_error(err, exc)
    return int(ExitCode.USAGE)


def _closed_streams_to_devnull() -> None:
    """A stdout or stderr closed when cwn-ocr started (``>&-``: Python makes ``sys.stdout`` None) is a reader
    that has gone: what would go to it goes to /dev/null. Its descriptor gets /dev/null too, so that no file
    opened later takes that number (a child program would write its own output into it)."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
        except OSError:  # closed: the next descriptor opened would be this one
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
        setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # open until the process ends


def _interruption(err: Console, finished: int = 0, out_dir: Path | None = None) -> int:
    """Say so, and what is left: ``finished`` files of a batch written whole into ``out_dir``."""
    if finished:
        err.print(f"cwn-ocr: interrupted; the {finished} file{'s' if finished > 1 else ''} finished before it "
                  f"{'have' if finished > 1 else 'has'} complete outputs in {out_dir}, no other output was "
                  "written or left half-written", soft_wrap=True, markup=False)
    else:
        err.print("cwn-ocr: interrupted; no output was written or left half-written")
    return int(ExitCode.INTERRUPTED)


def _interrupted(exc: BaseException) -> bool:
    """A KeyboardInterrupt somewhere in the exception's causes.

    >>> try:
    ...     try:
    ...         raise KeyboardInterrupt
    ...     except KeyboardInterrupt as inner:
    ...         raise ImportError("failed to import") from inner
    ... except ImportError as exc:
    ...     _interrupted(exc), _interrupted(ValueError())
    (True, False)
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _internal_error(err: Console, exc: Exception) -> int:
    if os.environ.get("CWN_OCR_DEBUG"):
        raise exc
    err.print(f"[bold red]cwn-ocr: internal error[/] ({type(exc).__name__}: {exc}). This is a bug in cwn-ocr; "
              "run again with CWN_OCR_DEBUG=1 for the traceback and report it.", soft_wrap=True)
    return int(ExitCode.INTERNAL)


def _real(console: object) -> Console:
    """The Console behind ``console`` (main's lazy ``_Stderr``), for rich objects that enter it."""
    return console.console if isinstance(console, _Stderr) else cast("Console", console)


def run() -> None:
    """The ``cwn-ocr`` command: ``main``, then exit at once. Every output is written, synced and
    closed by then and the workers are gone, so the interpreter's teardown (0.1 s, mostly the
    destructors of OpenCV and pikepdf) is skipped; stdout and stderr are flushed first."""
    code = main()
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # the reader went away: what it read is all it wanted
        pass
    except KeyboardInterrupt:  # Ctrl-C once the work is done (the outputs are written): exit as it ended
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError, KeyboardInterrupt):
        pass
    os._exit(code)


def _scan(args: argparse.Namespace, err: Console) -> int:
    with held_interrupts():
        from cwn_ocr.run.pipeline import scan_pdf

    if "-" in args.pdf and len(args.pdf) > 1:
        raise UsageError("'-' (a PDF read from stdin) is scanned on its own; give it as the only input")
    errors: list[CwnOcrError] = []
    if args.pdf == ["-"]:
        with spooled_stdin() as (copy, shown):
            scans = [replace(scan_pdf(check_pdf_path(copy), password=args.password, verify=args.verify), path=shown)]
    elif len(args.pdf) == 1:
        scans = [scan_pdf(args.pdf[0], password=args.password, verify=args.verify)]
    else:  # several files: one that fails is told and the others scanned, as a repair batch does
        scans = []
        for path in args.pdf:
            try:
                scans.append(scan_pdf(path, password=args.password, verify=args.verify))
            except MissingDependencyError:
                raise  # nothing else will work either
            except CwnOcrError as exc:
                errors.append(exc)
                err.print(f"cwn-ocr: {exc}", soft_wrap=True, markup=False)
    try:
        if args.json:
            payload = [s.to_dict() for s in scans]
            json.dump(payload[0] if len(args.pdf) == 1 else payload, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            out = _stdout_console(soft_wrap=True)
            for scan in scans:
                _print_scan(out, scan, lines=args.lines)
    except BrokenPipeError:
        if not _stdout_gone():
            raise
        _drop_stdout()  # `| head -1` read all it wanted; the exit code is still the files' own
    return worst_exit_code(errors)


def _stdout_console(**options: Any) -> Console:
    """rich's Console on stdout, leaving a closed stdout to ``main`` (rich would exit with 1)."""
    from rich.console import Console

    class StdoutConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "stdout's reader has gone")

    return StdoutConsole(highlight=False, **options)


def _interrupt(signum: int, frame: object) -> None:
    """SIGINT and SIGTERM: the programs cwn-ocr's threads wait for are killed (a signal sent to cwn-ocr
    alone reaches none of them), then the run unwinds as on Ctrl-C."""
    stop_programs()
    raise KeyboardInterrupt


def _repair(args: argparse.Namespace, err: Console) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    if args.dpi < 50 or args.dpi > 1200:
        raise UsageError("--dpi must be between 50 and 1200")
    if not 0 < args.page_timeout < math.inf:  # (nan too)
        raise UsageError("--page-timeout must be a number of seconds above 0")
    stdin = "-" in args.pdf
    if stdin and len(args.pdf) > 1:
        raise UsageError("'-' (a PDF read from stdin) is repaired on its own; give it as the only input")
    if args.name is not None and not stdin:
        raise UsageError("--name names a PDF read from stdin ('-'); a file is named by its path")
    if not stdin and (len(args.pdf) > 1 or Path(args.pdf[0]).is_dir()):
        return _repair_batch(args, err)
    args.pdf = args.pdf[0]
    if args.output == "-" and args.pdf_out == "-":
        raise UsageError("-o - and --pdf-out - would both write to stdout",
                         advice="send one of them elsewhere: --pdf-out FILE.pdf, or drop -o - and use --out DIR")
    if args.pdf_out is not None and not args.write_pdf:
        raise UsageError("--pdf-out asks for the repaired PDF and --no-pdf for none; drop one of them")
    if stdin and args.scheduler:
        raise UsageError("--scheduler's workers open the PDF by its path, and a PDF read from stdin has none there",
                         advice="save it where the workers can read it and repair that path")
    if not stdin:
        return _repair_file(args, err, check_pdf_path(args.pdf))
    with spooled_stdin(name=args.name) as (copy, shown):  # removed on every way out, after every output
        return _repair_file(args, err, check_pdf_path(copy), shown=shown)


def _repair_file(args: argparse.Namespace, err: Console, pdf: Path, *, shown: Path | None = None) -> int:
    """Repair one PDF file: ``args.pdf`` itself, or stdin's temporary copy, named ``shown``."""
    to_stdout = args.output == "-"
    out_dir = Path(args.out) if args.out else (None if to_stdout or args.pdf_out else Path("out"))
    if out_dir is not None:
        prepare_output_dir(out_dir, pdf)
    pdf_target = _pdf_target(Path(args.pdf_out), pdf) if args.pdf_out not in (None, "-") else None
    # the run's key: the input as given ('-': stdin's bytes), and where --pdf-out really is (the review links it)
    options = dict(vars(args), pdf_out=str(pdf_target.resolve()) if pdf_target else args.pdf_out)
    read = pdf if shown is not None else None
    runs, key = None, ""
    if not args.no_cache and not args.scheduler:  # the same PDF repaired the same way: its outputs copied back
        from cwn_ocr.run.runcache import RunCache, default_cache_dir, run_key

        runs = RunCache(Path(args.cache_dir) if args.cache_dir else default_cache_dir())
        key = run_key(args.pdf, options, read=read)
        earlier = runs.get(key)
        if earlier is not None:
            return _replay(earlier, out_dir, pdf_target, args, err)
    with ExitStack() as stack:
        # poppler reads the text layer while Python imports the rest of cwn-ocr (both ~0.15 s)
        layer = stack.enter_context(PendingLayer(pdf, password=args.password))
        with held_interrupts():
            from cwn_ocr.ocr.workers import DaskPool
            from cwn_ocr.report import write_outputs
            from cwn_ocr.run.pipeline import repair_pdf

        progress = None
        if not args.quiet and err.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = stack.enter_context(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                               TimeElapsedColumn(), console=_real(err), transient=True))
            task = bar.add_task(f"repairing {(shown or pdf).name}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

        pool = DaskPool(args.scheduler) if args.scheduler else None
        result = repair_pdf(pdf, dpi=args.dpi, lang=args.lang, jobs=args.jobs, password=args.password,
                            page_timeout=args.page_timeout, verify=args.verify, cache_dir=args.cache_dir,
                            use_cache=not args.no_cache, pool=pool, regions=not args.whole_pages,
                            progress=progress, layer=layer, pdf=args.pdf_out is not None, engine=args.engine,
                            repair_fonts=args.font_repair)
    if shown is not None:
        result = replace(result, path=shown, path_is_name=True)
    written: dict[str, Path] = {}
    if pdf_target is not None and result.pdf_bytes is not None:
        write_atomic(pdf_target, result.pdf_bytes)
        written["pdf"] = pdf_target
    if out_dir is not None:
        written.update(write_outputs(result, out_dir, text=not to_stdout, review=not args.no_review,
                                     pdf=args.write_pdf and args.pdf_out is None, password=args.password,
                                     review_images=args.review_images, source=read,
                                     pdf_link=pdf_target.resolve().as_uri() if pdf_target else None))
    stdout = result.pdf_bytes if args.pdf_out == "-" else result.text.encode("utf-8") if to_stdout else None
    if stdout is not None:
        _to_stdout(stdout)
    summary = (f"{result.path.name}: {len(result.pages)} pages — {result.count('kept')} clean, "
               f"{result.count('textfix')} text-fixed, "
               + (f"{result.count('decoded')} decoded with recovered font maps, " if result.count("decoded") else "")
               + f"{result.count('ocr')} OCRed"
               + (f", [red]{result.count('failed')} failed[/]" if result.failed_pages else "")
               + f"; {result.changed_characters} characters changed; {result.seconds:.1f} s")
    if runs is not None and _whole(result) and run_key(args.pdf, options, read=read) == key:  # nor changed meanwhile
        runs.put(key, written, summary, stdout=stdout)
    if not args.quiet:
        _print_summary(err, summary, written)
    if result.unverified:  # a message, not the summary: --quiet keeps it
        err.print(f"cwn-ocr: {result.unverified_message}", soft_wrap=True, markup=False)
    return int(ExitCode.PARTIAL if result.failed_pages or result.unverified else ExitCode.OK)


def _pdf_target(target: Path, source: Path) -> Path:
    """``--pdf-out``'s file, checked before the repair: never the input, in a folder that can be written."""
    if target.is_dir():
        raise OutputError("is a folder; --pdf-out takes the repaired PDF's file name (or '-')", path=target)
    if target.exists() and target.samefile(source):
        raise OutputError("--pdf-out names the input itself; the input is never changed", path=target,
                          advice="choose another file name")
    folder = target.parent
    if not folder.is_dir():
        raise OutputError("the folder for --pdf-out does not exist", path=folder, advice="create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("the folder for --pdf-out is not writable", path=folder)
    return target


def _to_stdout(data: bytes) -> None:
    """``data`` to stdout as it is (no newline translation, no encoding: binary-safe). A reader that
    has gone (``| head -1``) read all it wanted: the rest is dropped quietly."""
    try:
        sys.stdout.flush()  # whatever was written as text goes first
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # stdout replaced by a text-only stream (an embedding program's)
            sys.stdout.write(data.decode("utf-8", "surrogateescape"))
            sys.stdout.flush()
        else:
            buffer.write(data)
            buffer.flush()
    except BrokenPipeError:
        _drop_stdout()


def _drop_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a reader that has gone is discarded
    at exit instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _stdout_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it (poll reports an error on its end)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


def _print_summary(err: Console, summary: str, written: dict[str, Path]) -> None:
    err.print(summary, soft_wrap=True)
    for kind, path in written.items():
        err.print(f"  {kind}: {path}", soft_wrap=True)


def _whole(result: RepairResult) -> bool:
    """Nothing failed or was skipped: what a run that ``runcache`` may replay must be."""
    return not result.failed_pages and not result.unverified


def _replay(earlier: CachedRun, out_dir: Path | None, pdf_target: Path | None, args: argparse.Namespace,
            err: Console) -> int:
    """Write the outputs of an identical earlier run (``runcache``) as that run wrote them."""
    written = {}
    for kind, data in earlier.outputs.items():
        target = pdf_target if kind == "pdf" and pdf_target is not None else (
            out_dir / earlier.names[kind] if out_dir is not None and kind != "stdout" else None)
        if target is not None:
            written[kind] = target
            write_atomic(target, data)
    if "stdout" in earlier.outputs:
        _to_stdout(earlier.outputs["stdout"])
    if not args.quiet:
        _print_summary(err, f"{earlier.summary} (an identical earlier run: same file, options, cwn-ocr and tools; "
                       "its outputs copied from the cache; --no-cache repairs it again)", written)
    return int(ExitCode.OK)


def _repair_batch(args: argparse.Namespace, err: Console) -> int:
    with held_interrupts():
        from cwn_ocr.run.batch import FileOutcome, describe, exit_code, expand_inputs, repair_many

    if args.output == "-":
        raise UsageError("-o - writes one file's text to stdout; give one PDF, or drop -o -")
    if args.pdf_out is not None:
        raise UsageError("--pdf-out writes one file's repaired PDF; with several, they go to --out as <stem>.pdf")
    out_dir = Path(args.out or "out")
    paths = expand_inputs(args.pdf, outputs=out_dir)
    if not paths:
        raise UsageError("no PDF files found in " + ", ".join(args.pdf))
    prepare_output_dir(out_dir, paths[0])
    for path in paths:
        if out_dir.resolve() == path.resolve().parent:
            raise OutputError("the output folder is an input's own folder; outputs never go next to the input",
                              path=out_dir, advice="choose another folder with --out")

    finished: list[FileOutcome] = []

    def report(outcome: FileOutcome) -> None:
        if outcome.status in ("ok", "partial"):
            finished.append(outcome)
        if not args.quiet or outcome.status == "failed":  # --quiet silences progress, never an error
            line = f"{outcome.path}: {outcome.status}"
            if outcome.message:
                line += f" ({outcome.message})"
            err.print(line, soft_wrap=True, markup=False)

    try:
        outcomes = repair_many(paths, out_dir, jobs=args.jobs, scheduler=args.scheduler, force=args.force,
                               on_file=report, review=not args.no_review, review_images=args.review_images,
                               write_pdf=args.write_pdf, dpi=args.dpi, lang=args.lang, password=args.password,
                               page_timeout=args.page_timeout, verify=args.verify, cache_dir=args.cache_dir,
                               use_cache=not args.no_cache, regions=not args.whole_pages, engine=args.engine,
                               repair_fonts=args.font_repair)
    except KeyboardInterrupt:  # the files finished before it keep their outputs: say so
        return _interruption(err, len(finished), out_dir)
    if not args.quiet:
        from rich.table import Table

        table = Table(title=f"{len(outcomes)} files into {out_dir}", title_justify="left")
        for column in ("file", "pages", "kept/fixed/OCR/failed", "chars changed", "s", "status", "note"):
            table.add_column(column)
        for outcome in outcomes:
            table.add_row(*describe(outcome))
        err.print(table)
    return exit_code(outcomes)


def _diff(args: argparse.Namespace) -> int:
    from rich.console import Console

    from cwn_ocr.atomic import write_atomic
    from cwn_ocr.report.jsonreport import report_dict
    from cwn_ocr.report.review import build_review
    from cwn_ocr.report.terminal import print_terminal

    with held_interrupts():
        from cwn_ocr.run.pipeline import repair_pdf

    source = Path(args.input)
    if source.suffix.lower() == ".json":
        report = _load_report(source)
        named = Path(report["file"])  # a report of bytes or stdin names no file: one of that name is another PDF
        pdf = named if named.is_file() and not report.get("file_is_name") else None
    else:
        pdf = check_pdf_path(source)
        report = report_dict(repair_pdf(pdf, jobs=args.jobs, password=args.password))
    if args.html:
        folder = prepare_output_dir(Path(args.out), pdf or source)
        target = folder / f"{Path(report['file']).stem}.diff.html"
        link = pdf.resolve().as_uri() if pdf is not None else None
        write_atomic(target, build_review(report, pdf=pdf, password=args.password, images=args.review_images,
                                          link=link))
        Console(stderr=True, highlight=False).print(f"review: {target}", soft_wrap=True)
        return int(ExitCode.OK)
    print_terminal(report, _stdout_console(), all_lines=args.all)
    return int(ExitCode.OK)


def _load_report(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise BadInputError("no such file", path=path) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInputError(f"not a readable JSON report ({exc})", path=path) from exc
    problem = report_problem(report)
    if problem is not None:
        raise BadInputError(f"not a cwn-ocr repair report ({problem})", path=path)
    return cast("dict[str, Any]", report)


_Fields = dict[str, type | tuple[type, ...]]
_NUMBER = (int, float)
_REPORT: _Fields = {"file": str, "summary": dict, "pages": list}
_SUMMARY: _Fields = {"changed_lines": int, "changed_characters": int}
_PAGE: _Fields = {"page": int, "action": str, "width": _NUMBER, "height": _NUMBER, "lines": list}
_LINE: _Fields = {"original": str, "repaired": str, "source": str, "changed": bool, "reasons": list,
                  "confidence": (*_NUMBER, type(None)), "bbox": list}


def report_problem(report: object) -> str | None:
    """What keeps ``report`` (a JSON file's value) from being a repair report that ``diff`` can show, or None.

    >>> report_problem({"file": "a.pdf", "summary": {"changed_lines": 0, "changed_characters": 0}, "pages": [1]})
    "page entry 1 has no 'page'"
    >>> report_problem([]), report_problem({"file": "a.pdf", "summary": {}, "pages": []})
    ("no 'file'", "the summary has no 'changed_lines'")
    """
    if (name := _lacks(report, _REPORT)) is not None:
        return f"no {name!r}"
    document = cast("dict[str, Any]", report)
    if (name := _lacks(document["summary"], _SUMMARY)) is not None:
        return f"the summary has no {name!r}"
    for index, page in enumerate(document["pages"], 1):
        if (name := _lacks(page, _PAGE)) is not None:
            return f"page entry {index} has no {name!r}"
        for number, line in enumerate(page["lines"], 1):
            if (name := _lacks(line, _LINE)) is not None or len(line["bbox"]) != 4:
                return f"page {page['page']}, line {number} has no {name or 'bbox'!r}"
    return None


def _lacks(entry: object, fields: _Fields) -> str | None:
    """The first of ``fields`` that ``entry`` (a dict) does not hold with its type, or None.

    >>> _lacks({"page": 1, "lines": "x"}, {"page": int, "lines": list}), _lacks(3, {"page": int})
    ('lines', 'page')
    """
    for name, kind in fields.items():
        if not isinstance(entry, dict) or not isinstance(entry.get(name), kind):
            return name
    return None


def _print_scan(out: Console, scan: DocumentScan, *, lines: bool) -> None:
    from rich.table import Table

    table = Table(title=f"{scan.path}  ({len(scan.pages)} pages, {scan.seconds:.2f} s)", title_justify="left")
    for column in ("page", "lines", "garbled", "fixable", "clean"):
        table.add_column(column, justify="right")
    table.add_column("verdict")
    table.add_column("layer", no_wrap=True)
    table.add_column("fonts to check")
    for page in scan.pages:
        label = page.label
        shown = f"[{_STYLE[label]}]{label.value}[/]"
        if page.suspect:
            shown += " [bold red]suspect[/]"
        elif page.checks:
            shown += f" [green](checked {len(page.checks)})[/]"
        prov = page.provenance
        fonts = ", ".join(f"{f.base_font.split('+')[-1]}: {'; '.join(f.map_reasons)}" for f in prov.suspicious_fonts
                          ) if prov else ""
        table.add_row(str(page.page.number), str(len(page.verdicts)), str(page.count(Label.GARBLED)),
                      str(page.count(Label.FIXABLE)), str(page.count(Label.CLEAN)), shown,
                      prov.kind if prov else "?", fonts)
    out.print(table)
    for page in scan.pages:
        for check in page.checks:
            if check.disagrees:
                out.print(f"  p{page.page.number} [bold red]disagrees[/] layer {check.sample.text[:40]!r} "
                          f"vs page image {check.reading[:40]!r}")
    if lines:
        for page in scan.pages:
            for line, verdict in zip(page.page.lines, page.verdicts):
                if verdict.label is not Label.CLEAN:
                    reasons = ", ".join(verdict.reasons)
                    out.print(f"  p{page.page.number} [{_STYLE[verdict.label]}]{verdict.label.value:8}[/] "
                              f"{line.text[:100]!r}  [dim]({reasons})[/]")
