"""Write a file so that readers see the old version or the new one, never half of one.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", "hello")
>>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
('hello', ['a.txt'])
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cwn_ocr.errors import OutputError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename it over ``path``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent} ({exc.strerror})", path=path,
                          advice="choose another folder with --out") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write it ({exc.strerror})", path=path) from exc
        raise


def prepare_output_dir(folder: Path, source: Path | None) -> Path:
    """Create ``folder`` if needed and check it can be written; refuse to write next to the input
    (``source``; None for a PDF that is no file of its own, given as bytes)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})", path=folder,
                          advice="choose another folder with --out") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("the output folder is not writable", path=folder, advice="choose another folder with --out")
    if source is not None and folder.resolve() == source.resolve().parent:
        raise OutputError("the output folder is the input's own folder; outputs never go next to the input",
                          path=folder, advice="choose another folder with --out")
    return folder
