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

    before = {signum: signal.signal(signum, hold) for signum in HELD}
    try:
        yield
    finally:
        landed: BaseException | None = None
        for signum, handler in before.items():
            try:
                signal.signal(signum, handler)
            except BaseException as exc:  # one landed between two restores, and the handler restored first raised
                landed = exc
                signal.signal(signum, handler)  # (signal.signal acts on pending signals before it changes the handler)
        if landed is not None:
            raise landed
    for number in dict.fromkeys(pending):
        signal.raise_signal(number)
