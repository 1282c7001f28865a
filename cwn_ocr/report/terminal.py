"""``cwn-ocr diff`` in a terminal: changed lines side by side, changed characters coloured (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from cwn_ocr.report.diffview import Segment, mark_uncertain, sides

_SOURCE_STYLE = {"textfix": "yellow", "ocr": "blue", "merged": "magenta", "unrepaired": "bold red", "layer": "dim"}


def _text(segments: list[Segment], changed_style: str) -> Text:
    text = Text()
    for seg in segments:
        style = "black on yellow" if seg.uncertain else (changed_style if seg.changed else "")
        text.append(seg.text, style=style)
    return text


def render_terminal(report: dict[str, Any], *, all_lines: bool = False) -> Group:
    """A renderable with one table per page that has changes (or every line with ``all_lines``)."""
    parts: list[Any] = [Text(f"{report['file']}: {report['summary']['changed_lines']} lines changed, "
                             f"{report['summary']['changed_characters']} characters", style="bold")]
    for page in report["pages"]:
        lines = [line for line in page["lines"]
                 if all_lines or line["changed"] or line["source"] == "unrepaired"]
        if not lines:
            continue
        table = Table(title=f"page {page['page']} ({page['action']})", title_justify="left", expand=True,
                      show_lines=True)
        table.add_column("original", ratio=1, overflow="fold")
        table.add_column("repaired", ratio=1, overflow="fold")
        table.add_column("source", no_wrap=True)
        for line in lines:
            left, right = sides(line["original"], line["repaired"])
            right = mark_uncertain(right, line.get("uncertain_words", []))
            source = Text(line["source"], style=_SOURCE_STYLE.get(line["source"], ""))
            if line["confidence"] is not None:
                source.append(f"\n{line['confidence']:.0f}%", style="dim")
            table.add_row(_text(left, "red strike"), _text(right, "bold green"), source)
        parts.append(table)
    return Group(*parts)


def print_terminal(report: dict[str, Any], console: Console, *, all_lines: bool = False) -> None:
    """Print the view, through a pager when the output is a terminal."""
    view = render_terminal(report, all_lines=all_lines)
    if console.is_terminal:
        with console.pager(styles=True):
            console.print(view)
    else:
        console.print(view)
