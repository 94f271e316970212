"""Fuzzed customer files and kq.yaml: never a traceback, never a hang (issue 14).

The cases come from bench/fuzz.py (seeded mutations of examples/ plus whole nasty documents);
``bench/fuzz.py COUNT`` runs many more of the same.
"""

from __future__ import annotations

import importlib.util
import itertools
import time
from pathlib import Path

import pytest

BENCH_FUZZ = Path(__file__).resolve().parent.parent / "bench" / "fuzz.py"
_spec = importlib.util.spec_from_file_location("kq_bench_fuzz", BENCH_FUZZ)
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

CORE_CASES = 400
SETTINGS_CASES = 120
CLI_CASES = 20
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def pool() -> list[tuple[str, str]]:
    return fuzz.examples()


@pytest.fixture(scope="module")
def settings():
    return fuzz.default_settings()


def findings(cases, check) -> list[str]:
    """Each case that raised or hung, with its seed and the start of its bytes."""
    found = []
    for seed, (what, raw) in cases:
        try:
            with fuzz.time_limit(TIMEOUT):
                check(raw)
        except Exception as e:  # noqa: BLE001 - every escape is a finding
            found.append(f"seed {seed} ({what}): {type(e).__name__}: {e} -- {raw[:200]!r}")
    return found


def test_fuzzed_customer_files_never_raise_or_hang_in_the_core(pool, settings):
    cases = [(n, fuzz.case(n, pool)) for n in range(CORE_CASES)]
    assert findings(cases, lambda raw: fuzz.through_core(raw, settings)) == []


def test_whole_nasty_documents_never_raise_in_the_core(settings):
    cases = [(i, ("whole document", doc.encode("utf-8", "surrogatepass")))
             for i, doc in enumerate(fuzz.WHOLE_DOCUMENTS)]
    assert findings(cases, lambda raw: fuzz.through_core(raw, settings)) == []


def test_fuzzed_kq_yaml_never_raises_or_hangs_in_due():
    rows = fuzz.example_rows()
    cases = [(n, fuzz.settings_case(n)) for n in range(SETTINGS_CASES)]
    assert findings(cases, lambda raw: fuzz.through_settings(raw, rows)) == []


def test_fuzzed_files_never_raise_through_check_list_due_and_show(pool, tmp_path):
    cases = [(n, fuzz.case(n, pool)) for n in range(1000, 1000 + CLI_CASES)]
    roots = (tmp_path / str(n) for n in itertools.count())
    assert findings(cases, lambda raw: fuzz.through_cli(raw, next(roots))) == []


def test_fuzzer_yields_both_refused_and_accepted_files(pool, settings):
    """A fuzzer that only broke files (or never did) would test little."""
    outcomes = [bool(fuzz.through_core(fuzz.case(n, pool)[1], settings)) for n in range(200)]
    assert 40 <= outcomes.count(True) <= 190


def test_fuzzer_cases_are_reproducible_from_their_seed(pool):
    assert fuzz.case(7, pool) == fuzz.case(7, pool)
    assert fuzz.case(7, pool) != fuzz.case(8, pool)


def test_a_hang_is_reported_not_waited_for():
    start = time.monotonic()
    with pytest.raises(fuzz.Hang), fuzz.time_limit(0.2):
        while True:
            pass
    assert time.monotonic() - start < 2


def test_a_case_that_raises_is_a_finding():
    def crash(raw: bytes) -> None:
        raise ValueError("boom")

    assert findings([(3, ("x", b"name: x\n"))], crash) == [
        "seed 3 (x): ValueError: boom -- b'name: x\\n'"]
