"""Run the stages in order; the only module that knows the order.

``scan_pdf`` reads the text layer and judges it (no rasterizing, no OCR).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from cwn_ocr.garble import judge_page_lines, page_label
from cwn_ocr.inputs import check_pdf_path
from cwn_ocr.model import Label, Page, Verdict
from cwn_ocr.textlayer import read_text_layer


@dataclass(frozen=True)
class PageScan:
    page: Page
    verdicts: tuple[Verdict, ...]

    @property
    def label(self) -> Label:
        return page_label(self.verdicts)

    def count(self, label: Label) -> int:
        return sum(1 for v in self.verdicts if v.label is label)


@dataclass(frozen=True)
class DocumentScan:
    path: Path
    pages: tuple[PageScan, ...]
    seconds: float = field(default=0.0, compare=False)

    def to_dict(self, *, lines: bool = True) -> dict[str, object]:
        """Plain data for ``--json``: per page the counts and verdict, and per line its verdict."""
        pages = []
        for scan in self.pages:
            entry: dict[str, object] = {
                "page": scan.page.number,
                "verdict": scan.label.value,
                "lines": len(scan.verdicts),
                "garbled": scan.count(Label.GARBLED),
                "fixable": scan.count(Label.FIXABLE),
                "clean": scan.count(Label.CLEAN),
            }
            if lines:
                entry["line_verdicts"] = [
                    {
                        "text": line.text,
                        "bbox": line.bbox.as_list(),
                        "verdict": verdict.label.value,
                        "score": verdict.score,
                        "reasons": list(verdict.reasons),
                        "spans": [{"start": s.start, "end": s.end, "verdict": s.label.value,
                                   "text": s.text_of(line.text), "reasons": list(s.reasons)}
                                  for s in verdict.spans],
                    }
                    for line, verdict in zip(scan.page.lines, scan.verdicts)
                ]
            pages.append(entry)
        return {"file": str(self.path), "seconds": round(self.seconds, 3), "pages": pages}


def scan_pdf(path: str | os.PathLike[str], *, password: str | None = None) -> DocumentScan:
    """Judge every line of every page of ``path`` from its text layer alone.

    >>> scan = scan_pdf("samples/clean_english.pdf")
    >>> [page.label.value for page in scan.pages]
    ['clean', 'clean']
    """
    started = time.perf_counter()
    pdf = check_pdf_path(path)
    pages = read_text_layer(pdf, password=password)
    scans = tuple(PageScan(page, tuple(judge_page_lines(page.lines))) for page in pages)
    return DocumentScan(pdf, scans, time.perf_counter() - started)
