"""Signals held while C extensions are imported.

A KeyboardInterrupt raised while a native module initialises (pikepdf's nanobind) aborts the whole
process with SIGABRT instead of unwinding: no message, no cleanup, child programs left running. The
command line imports the pipeline inside ``held_interrupts`` and acts on a Ctrl-C once it is imported.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The signals held: Ctrl-C, and the kill a pipeline or a service manager sends.
HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the block runs, and deliver them to their own handlers once it is done.

    For steps that are short and that a KeyboardInterrupt must not land in the middle of: a C extension's
    import. Outside the main thread (where Python delivers no signals) it does nothing.

    >>> import os
    >>> try:
    ...     with held_interrupts():
    ...         os.kill(os.getpid(), signal.SIGINT)
    ...         print("the block ends first")
    ... except KeyboardInterrupt:
    ...     print("then the interrupt")
    the block ends first
    then the interrupt
    >>> signal.getsignal(signal.SIGINT) is signal.default_int_handler
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: object) -> None:
        pending.append(signum)

    before: dict[int, Any] = {}
    try:
        for kind in HELD:  # one at a time: a signal acted on between two installs leaves the first restored
            previous = signal.getsignal(kind)
            signal.signal(kind, hold)
            before[kind] = previous
        yield
    finally:
        landed: BaseException | None = None
        for signum, handler in before.items():
            while True:  # signal.signal acts on pending signals before it changes the handler: until it is changed
                try:
                    signal.signal(signum, handler)
                    break
                except BaseException as exc:  # one landed between two restores; the handler restored first raised
                    landed = landed or exc
        if landed is not None:
            raise landed
    for received in dict.fromkeys(pending):
        signal.raise_signal(received)
