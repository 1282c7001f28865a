"""cwn-ocr: find and repair garbled text layers in (Chinese) PDFs.

>>> from cwn_ocr import scan_pdf
>>> scan_pdf("samples/scan_eng_layer.pdf").pages[0].label.value
'garbled'
"""

from __future__ import annotations

__version__ = "0.1.0"  # before the imports: submodules read it

from typing import TYPE_CHECKING, Any

from cwn_ocr.errors import CwnOcrError, ExitCode

if TYPE_CHECKING:
    from cwn_ocr.layer.garble import judge_line, judge_page_lines
    from cwn_ocr.report import write_outputs
    from cwn_ocr.report.jsonreport import report_dict
    from cwn_ocr.run.pipeline import DocumentScan, RepairResult, repair_pdf, scan_pdf
    from cwn_ocr.run.source import PdfSource

_LAZY = {"judge_line": "layer.garble", "judge_page_lines": "layer.garble", "DocumentScan": "run.pipeline",
         "RepairResult": "run.pipeline", "repair_pdf": "run.pipeline", "scan_pdf": "run.pipeline",
         "PdfSource": "run.source", "report_dict": "report.jsonreport", "write_outputs": "report"}


def __getattr__(name: str) -> Any:
    """The API's functions, imported on first use: ``python -m cwn_ocr --version`` or a worker
    process need not load the whole pipeline."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"cwn_ocr.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'cwn_ocr' has no attribute {name!r}")


__all__ = ["CwnOcrError", "DocumentScan", "ExitCode", "PdfSource", "RepairResult", "__version__", "judge_line",
           "judge_page_lines", "repair_pdf", "report_dict", "scan_pdf", "write_outputs"]
