"""The indexing progress bar: on stderr, only in a terminal, only when indexing is slow; never
in an answer kept (it goes to the process's own stderr, not to the stream a run's answer is
recorded from: kqcli.store.warm.Recorder), which would replay it later."""

from __future__ import annotations

import os
import sys
from typing import Any

SHOW_AFTER = 1.0  # seconds; a quick refresh draws nothing

class progress:  # noqa: N801 - used like a function: ``with progress("indexing") as tick``
    """A Rich progress bar on stderr, shown only when indexing takes more than a second."""

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.task, self.start = label, None, None, 0.0
        self.silent = False  # stderr is no terminal: asked once, not at every tick

    def __enter__(self) -> Any:
        import time

        self.start = time.monotonic()

        def tick(done: int, total: int) -> None:
            if self.bar is None:
                if self.silent or time.monotonic() - self.start < SHOW_AFTER:
                    return
                if not stderr_is_terminal():
                    self.silent = True
                    return
                from rich.console import Console
                from rich.progress import Progress

                terminal = sys.__stderr__ or sys.stderr  # not the recorded sys.stderr
                self.bar = Progress(console=Console(file=terminal), transient=True)
                self.bar.start()
                from .context import current

                # a label is a Text, which the command line translates (the run's ``say``)
                self.task = self.bar.add_task(current().say(self.label), total=total)
            self.bar.update(self.task, completed=done)

        return tick

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except OSError:
        return False
