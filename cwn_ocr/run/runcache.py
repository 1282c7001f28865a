"""Whole runs cached: a repair's outputs kept under everything that determines them, so that
repairing the same PDF again the same way copies them back instead of repairing it.

The OCR cache (``cache``) already spares a second run its OCR, but a run still costs its
start-up, the layer's reading and judging, and writing four outputs: about 0.3 s, which on a
two-page document is a tenth of the first run. An entry here is keyed by

* the input's bytes (sha256) and its path as given (the report names it, the review may link it);
  for ``-`` (stdin) the bytes of its temporary copy, and ``-`` with ``--name`` in the options;
* every ``repair`` option that can change an output (all but where outputs go, ``--quiet`` and
  ``--force``) — an option added later is in the key unless it is declared harmless here;
* cwn-ocr itself: the name, size and modification time of every file of the package; the
  interpreter, and the name and version of every installed Python distribution;
* the tools and data it runs: ``tesseract``, ``pdftotext``, ``pdftoppm`` and ``pdfimages`` as found
  on ``PATH``, the language data folders (pinned, ``TESSDATA_PREFIX``, the system's), poppler's
  CJK character maps, Debian's package database (an upgraded library changes it), and the
  ``CWN_OCR_*`` and ``TESSDATA_PREFIX`` environment variables.

Only runs that succeeded whole are kept (exit 0, nothing skipped, the input and the key unchanged
when the run ended), and none run on a Dask cluster (whose tools are not this machine's). An
entry is a folder of the output files, each named by its kind, and ``index.json`` with their
names and sha256, written to a temporary folder and renamed into place; an entry with a file
missing or not matching its sha256 is a miss. It lives in the OCR cache's folder, under
``runs/``; ``--no-cache`` neither reads nor writes it.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "a.txt").write_text("repaired")
8
>>> cache = RunCache(Path(tempfile.mkdtemp()))
>>> cache.put("k" * 64, {"text": folder / "a.txt"}, "a.pdf: 1 page")
>>> hit = cache.get("k" * 64)
>>> hit.names, hit.summary, hit.outputs["text"]
({'text': 'a.txt'}, 'a.pdf: 1 page', b'repaired')
>>> cache.get("x" * 64) is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cwn_ocr import __version__
from cwn_ocr.ocr.tessdata import PINNED

#: Bump when what an entry holds changes.
RUN_FORMAT = 1
#: ``repair`` options that change no output (where they go, what is printed, skipping in batches).
HARMLESS = frozenset({"command", "pdf", "out", "quiet", "force", "cache_dir", "no_cache"})
PACKAGE = Path(__file__).resolve().parents[1]
INDEX = "index.json"
TOOLS = ("tesseract", "pdftotext", "pdftoppm", "pdfimages")


def default_cache_dir() -> Path:
    """``$CWN_OCR_CACHE_DIR``, else ``$XDG_CACHE_HOME/cwn-ocr``, else ``~/.cache/cwn-ocr``."""
    if os.environ.get("CWN_OCR_CACHE_DIR"):
        return Path(os.environ["CWN_OCR_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cwn-ocr"


def _stat(path: Path) -> list[Any]:
    try:
        status = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), status.st_size, status.st_mtime_ns]


def code_stamp(package: Path = PACKAGE) -> list[list[Any]]:
    """Name, size and modification time of every file of ``package`` (bytecode left out).

    >>> stamp = code_stamp()
    >>> any(name == "run/runcache.py" for name, _size, _mtime in stamp)
    True
    """
    stamp = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            path = Path(folder) / name
            status = path.stat()
            stamp.append([str(path.relative_to(package)), status.st_size, status.st_mtime_ns])
    return stamp


def _data_folders(environ: Mapping[str, str]) -> Iterable[Path]:
    yield PINNED
    if environ.get("TESSDATA_PREFIX"):
        yield Path(environ["TESSDATA_PREFIX"])
    for share in (Path("/usr/share"), Path("/usr/local/share")):
        yield from sorted(share.glob("tesseract-ocr/*/tessdata"))
        yield from sorted(share.glob("tessdata"))


def tools_stamp(environ: Mapping[str, str] = os.environ) -> list[Any]:
    """What the tools a repair runs are, as far as can be told without running them."""
    search = environ.get("PATH")
    stamp: list[Any] = [[tool, _stat(Path(found)) if (found := shutil.which(tool, path=search)) else None]
                        for tool in TOOLS]
    for folder in _data_folders(environ):
        stamp.append([_stat(p) for p in sorted(folder.glob("*.traineddata"))] if folder.is_dir() else [str(folder)])
    stamp += [_stat(Path("/usr/share/poppler/cMap")), _stat(Path("/var/lib/dpkg/status"))]
    stamp.append(sorted((k, v) for k, v in environ.items() if k.startswith("CWN_OCR_") or k == "TESSDATA_PREFIX"))
    return stamp


def python_stamp() -> list[Any]:
    """The interpreter and the name and version of every installed distribution (the names of
    their ``*.dist-info`` folders): ``pip install -U ftfy`` changes the fixes, not cwn-ocr's files.

    >>> any(name.startswith("ftfy-") for name in python_stamp()[2])
    True
    """
    installed: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                installed.update(e.name for e in found if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return [sys.version, sys.executable, sorted(installed)]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_key(pdf: str, options: Mapping[str, Any], *, read: Path | None = None, code: list[Any] | None = None,
            tools: list[Any] | None = None) -> str:
    """The key of a repair of ``pdf`` (as given) with ``options`` (``repair``'s arguments); ``read``:
    the file holding its bytes when ``pdf`` is not one (``-``: stdin's temporary copy).

    >>> a = run_key("samples/clean_english.pdf", {"dpi": 300, "quiet": False}, code=[], tools=[])
    >>> a == run_key("samples/clean_english.pdf", {"dpi": 300, "quiet": True}, code=[], tools=[])
    True
    >>> a == run_key("samples/clean_english.pdf", {"dpi": 200, "quiet": False}, code=[], tools=[])
    False
    """
    path = Path(pdf)
    material = {
        "format": RUN_FORMAT, "version": __version__, "file": pdf,
        "resolved": str(path.resolve()) if read is None else None,
        "sha256": file_sha256(read or path), "options": {k: v for k, v in options.items() if k not in HARMLESS},
        "code": [code_stamp(), python_stamp()] if code is None else code,
        "tools": tools_stamp() if tools is None else tools,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedRun:
    names: dict[str, str]  # output kind ("text", "json", "review", "pdf") -> its file name
    outputs: dict[str, bytes]  # the same kinds, and "stdout" -> their content as that run wrote it
    summary: str


class RunCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / "runs"

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> CachedRun | None:
        """The run stored under ``key`` with its outputs read and checked against their sha256,
        or None (never stored, damaged, or removed while it was read)."""
        entry = self._entry(key)
        try:
            index = json.loads((entry / INDEX).read_text("utf-8"))
            if index.get("format") != RUN_FORMAT:
                return None
            outputs = {kind: (entry / kind).read_bytes() for kind in index["sha256"]}
            if any(hashlib.sha256(data).hexdigest() != index["sha256"][kind] for kind, data in outputs.items()):
                return None
            return CachedRun({kind: str(name) for kind, name in index["names"].items()}, outputs,
                             str(index["summary"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, written: Mapping[str, Path], summary: str, *, stdout: str | bytes | None = None) -> None:
        """Store the outputs ``written`` (kind -> path) under ``key``, and what went to stdout
        (kind ``stdout``); a cache that cannot be written is no error (the run's outputs are
        already where they belong)."""
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{key[:16]}.", dir=entry.parent))
        except OSError:
            return
        try:
            outputs = {kind: path.read_bytes() for kind, path in written.items()}
            if stdout is not None:
                outputs["stdout"] = stdout.encode("utf-8", "surrogateescape") if isinstance(stdout, str) else stdout
            for kind, data in outputs.items():  # each under its kind: no output name can clash with the index
                (staging / kind).write_bytes(data)
            index = {"format": RUN_FORMAT, "summary": summary,
                     "names": {kind: path.name for kind, path in written.items()},
                     "sha256": {kind: hashlib.sha256(data).hexdigest() for kind, data in outputs.items()}}
            (staging / INDEX).write_text(json.dumps(index, ensure_ascii=False), "utf-8", "surrogateescape")
            if entry.exists():
                shutil.rmtree(entry, ignore_errors=True)
            os.replace(staging, entry)
        except (OSError, ValueError):
            pass
        finally:
            shutil.rmtree(staging, ignore_errors=True)


__all__ = ["CachedRun", "RunCache", "code_stamp", "default_cache_dir", "run_key", "tools_stamp"]
