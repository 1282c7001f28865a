"""``python -m cwn_ocr`` and the ``cwn-ocr`` command: the command line, imported with Ctrl-C held."""

from __future__ import annotations

import os
import sys

from cwn_ocr.errors import ExitCode
from cwn_ocr.interrupts import held_interrupts


def run() -> None:
    """Import the command line (0.1 s) with Ctrl-C held, then run it; a Ctrl-C meanwhile ends quietly."""
    try:
        with held_interrupts():
            from cwn_ocr.cli import run as command
    except KeyboardInterrupt:
        if sys.stderr is not None:  # None: closed when we started (2>&-)
            sys.stderr.write("cwn-ocr: interrupted; no output was written or left half-written\n")
            sys.stderr.flush()
        os._exit(int(ExitCode.INTERRUPTED))
    command()


if __name__ == "__main__":
    run()
