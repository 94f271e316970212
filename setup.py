"""The kq command, the one thing pyproject.toml cannot say per platform.

Windows: ``[project.scripts]``'s console script, so that pip makes ``kq.exe`` (a script file
there is not a command). Linux and macOS: ``bin/kq``, a launcher of our own, because the
wrapper pip writes for a console script imports ``re`` first: ~6 ms on an idle machine, half of
Python's own start-up, on every ``kq --version`` and every warm ``kq due`` (bench/README.md's
≤ 1.2× of ``python -c pass``). kq is installed from its clone, so the wheel is built where it
is installed; a wheel built on one system for the other would have the other's command.
"""

import os

from setuptools import setup


def kq_command(windows: bool) -> dict:
    """setup()'s arguments for the ``kq`` command on Windows or elsewhere."""
    if windows:
        return {"entry_points": {"console_scripts": ["kq = kqcli.cli.entry:main"]}}
    return {"scripts": ["bin/kq"]}


if __name__ == "__main__":
    setup(**kq_command(os.name == "nt"))
