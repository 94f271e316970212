"""The run context: what one part of a run of kq tells another.

A run is one ``kq ARGS``: the console script's process, a child of kq's server, or one
in-process invocation in a test. Its parts hand each other a few things that are neither
arguments of the command nor data of the repository: the language asked for and the one
kq.yaml sets, whether to page, how to page when the terminal is the server's client's, work
that can wait until the answer is out, the index connections to close then, the scan of
``customers/`` made once, the generation this run gave the index, and whether the command
printed its whole answer. They live in one :class:`Run`, made by :func:`begin` where a run
starts (:func:`kqcli.cli.run.local`, the server's child, the tests' runner) and read with
:func:`current`, instead of a module-level variable in each module that sets or reads one.

No imports: the console script reads this on its way to a kept answer.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Run:
    """One run's context. Every field has the value of a plain console-script run until a
    part of the run says otherwise."""

    __slots__ = ("lang", "repo_lang", "paging", "keys", "page", "later", "connections", "scan",
                 "generation", "answered", "served", "say", "paged")

    def __init__(self, *, page: Callable[[bytes], None] | None = None,
                 later: list[Callable[[], None]] | None = None,
                 connections: list[Any] | None = None) -> None:
        self.lang: str | None = None
        """``--lang`` (None: not given)."""
        self.repo_lang: str | None = None
        """kq.yaml's ``lang``, once the repository's settings were checked (None: not set)."""
        self.paging = True
        """False with ``--no-pager``."""
        self.keys = False
        """``--keys``: csv and tsv with the English keys and values JSON has, for scripts."""
        self.page = page
        """How a long text is paged when the terminal is elsewhere (a child of kq's server:
        the client pages it); None: the pager runs here."""
        self.later = later
        """Work that need not delay the answer (keeping it for next time): kq's server gives a
        list and runs it once its client has the exit status; None: done at once."""
        self.connections = connections
        """The on-disk indexes opened, for the server's child to close (a checkpoint of the
        write-ahead log) after its client has the answer; None: each closes with its Index."""
        self.scan: tuple[Any, ...] | None = None
        """The scan of ``customers/`` a warm check made and found changed, handed to the
        index's refresh so that it is not made twice: (folder, size cap, when, the scan)."""
        self.generation: str | None = None
        """The generation this run gave the index (as stored, JSON): a full run that brought
        the index up to date itself may keep its answer."""
        self.answered = False
        """The command printed its whole answer (only such a run's answer is kept)."""
        self.paged: bytes | None = None
        """What went to the pager instead of stdout (kqcli.store.warm.Recorder keeps a
        terminal's page as the pager got it)."""
        self.served = False
        """The console script had kq's server run the command."""
        self.say: Callable[[object], str] = str
        """How the store shows one of its texts (:class:`kqcli.store.errors.Text`) to a person:
        the command line gives its translation into the run's language."""

    def after(self, work: Callable[[], None]) -> None:
        """Do ``work`` once the answer is out: at once, or later when a list was given."""
        if self.later is None:
            work()
        else:
            self.later.append(work)


_run = Run()


def current() -> Run:
    """The run in progress."""
    return _run


def begin(run: Run | None = None) -> Run:
    """Start a run (a fresh context, or ``run``) and return it: nothing of the run before
    leaks into it."""
    global _run
    _run = run if run is not None else Run()
    return _run
