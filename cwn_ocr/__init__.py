"""cwn-ocr: find and repair garbled text layers in (Chinese) PDFs.

>>> from cwn_ocr import scan_pdf
>>> scan_pdf("samples/scan_eng_layer.pdf").pages[0].label.value
'garbled'
"""

from __future__ import annotations

__version__ = "0.1.0"  # before the imports: submodules read it

from cwn_ocr.errors import CwnOcrError, ExitCode
from cwn_ocr.garble import judge_line, judge_page_lines
from cwn_ocr.pipeline import DocumentScan, RepairResult, repair_pdf, scan_pdf

__all__ = ["CwnOcrError", "DocumentScan", "ExitCode", "RepairResult", "__version__", "judge_line", "judge_page_lines",
           "repair_pdf", "scan_pdf"]
