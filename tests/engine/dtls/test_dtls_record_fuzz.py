"""Mutated real flights into a server with live sessions: nothing escapes the server,
no forged record reaches the application or ends a session, and every live session
still answers afterwards. The full run (10^6 datagrams) is marked slow."""

from __future__ import annotations

import time

import pytest

from .record_fuzzing import FuzzRun


def fuzz_and_check(count: int, seed: int) -> None:
    run = FuzzRun.prepare()
    started = time.perf_counter()
    outcome = run.fuzz(count, seed=seed)
    elapsed = time.perf_counter() - started
    counters = run.net.server.counters
    print(
        f"{count:,} fuzzed datagrams in {elapsed:.0f} s ({count / elapsed:,.0f}/s): "
        f"{dict(outcome)}; server: malformed {counters['malformed']:,}, "
        f"decrypt failed {counters['decrypt_failed']:,}, replayed {counters['replayed']:,}, "
        f"dropped {counters['dropped']:,}, handshakes started {counters['handshakes_started']:,}"
    )
    assert [name for name in outcome if "exception" in name] == []
    assert run.net.events.data == []  # no forged or replayed record got through
    assert run.net.events.moved == []  # and none moved a session
    assert run.sessions_still_answer() == []


def test_fuzzed_records_leave_live_sessions_working() -> None:
    fuzz_and_check(20_000, seed=1)


@pytest.mark.slow
def test_a_million_fuzzed_records_leave_live_sessions_working() -> None:
    fuzz_and_check(1_000_000, seed=2)
