"""The command line: ``cwn-ocr scan``, ``cwn-ocr doctor``; the only place that turns errors into exit codes.

Results go to stdout (a table, or JSON with ``--json``); messages and progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from cwn_ocr import __version__
from cwn_ocr.errors import CwnOcrError, ExitCode
from cwn_ocr.model import Label
from cwn_ocr.pipeline import DocumentScan, scan_pdf

_STYLE = {Label.CLEAN: "green", Label.FIXABLE: "yellow", Label.GARBLED: "red"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cwn-ocr", description=(
        "Find and repair garbled text layers in PDFs (Chinese city profiles and the like)."))
    parser.add_argument("--version", action="version", version=f"cwn-ocr {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="judge every page and line of a PDF's text layer (no OCR)")
    scan.add_argument("pdf", nargs="+", help="PDF file(s) to scan")
    scan.add_argument("--json", action="store_true", help="print JSON (per page and per line) instead of a table")
    scan.add_argument("--lines", action="store_true", help="with the table, also list every non-clean line")
    scan.add_argument("--password", help="password of an encrypted PDF")

    commands.add_parser("doctor", help="check that Tesseract, its languages and poppler are installed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return int(ExitCode.OK if exc.code == 0 else ExitCode.USAGE)
    if args.command is None:
        parser.print_help(sys.stderr)
        return int(ExitCode.USAGE)
    err = Console(stderr=True, highlight=False)
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "doctor":
            from cwn_ocr.doctor import run_doctor
            return run_doctor(err)
    except CwnOcrError as exc:
        err.print(f"[bold red]cwn-ocr:[/] {exc}", markup=True, soft_wrap=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        err.print("cwn-ocr: interrupted")
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.USAGE)


def _scan(args: argparse.Namespace) -> int:
    scans = [scan_pdf(path, password=args.password) for path in args.pdf]
    if args.json:
        payload = [s.to_dict() for s in scans]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return int(ExitCode.OK)
    out = Console(highlight=False, soft_wrap=True)
    for scan in scans:
        _print_scan(out, scan, lines=args.lines)
    return int(ExitCode.OK)


def _print_scan(out: Console, scan: DocumentScan, *, lines: bool) -> None:
    table = Table(title=f"{scan.path}  ({len(scan.pages)} pages, {scan.seconds:.2f} s)", title_justify="left")
    for column in ("page", "lines", "garbled", "fixable", "clean"):
        table.add_column(column, justify="right")
    table.add_column("verdict")
    for page in scan.pages:
        label = page.label
        table.add_row(str(page.page.number), str(len(page.verdicts)), str(page.count(Label.GARBLED)),
                      str(page.count(Label.FIXABLE)), str(page.count(Label.CLEAN)),
                      f"[{_STYLE[label]}]{label.value}[/]")
    out.print(table)
    if lines:
        for page in scan.pages:
            for line, verdict in zip(page.page.lines, page.verdicts):
                if verdict.label is not Label.CLEAN:
                    reasons = ", ".join(verdict.reasons)
                    out.print(f"  p{page.page.number} [{_STYLE[verdict.label]}]{verdict.label.value:8}[/] "
                              f"{line.text[:100]!r}  [dim]({reasons})[/]")
