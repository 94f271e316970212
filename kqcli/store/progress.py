"""The indexing progress bar: on stderr, only in a terminal, only when indexing is slow."""

from __future__ import annotations

import os
from typing import Any

SHOW_AFTER = 1.0  # seconds; a quick refresh draws nothing


class progress:  # noqa: N801 - used like a function: ``with progress("indexing") as tick``
    """A Rich progress bar on stderr, shown only when indexing takes more than a second."""

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.task, self.start = label, None, None, 0.0

    def __enter__(self) -> Any:
        import time

        self.start = time.monotonic()

        def tick(done: int, total: int) -> None:
            if self.bar is None:
                if time.monotonic() - self.start < SHOW_AFTER or not stderr_is_terminal():
                    return
                from rich.console import Console
                from rich.progress import Progress

                self.bar = Progress(console=Console(stderr=True), transient=True)
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=total)
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
