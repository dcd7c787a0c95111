"""Shared fixtures."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path as FsPath

import pytest
from hypothesis import HealthCheck, settings

from .ha_deprecations import DeprecationReports
from .peers import Peers, PeersUnavailableError, build_peers, unavailable

# Wall-clock limits make property tests flaky on a loaded machine; speed lives in bench/.
settings.register_profile(
    "lwm2m", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("lwm2m")

REPO_ROOT = FsPath(__file__).resolve().parent.parent
SHARED_REGISTRY = REPO_ROOT.parent / "shared" / "lwm2m-registry"


@pytest.fixture
def registry_dir() -> FsPath:
    """The OMA registry's DDF files beside the checkout; skips (loudly) when absent."""
    if not SHARED_REGISTRY.is_dir():
        pytest.skip(f"OMA registry DDFs not found at {SHARED_REGISTRY} (../shared is absent)")
    return SHARED_REGISTRY


@pytest.fixture(scope="session")
def peers() -> Peers:
    """Wakaama and Mbed TLS built from ../shared/peers (cached, see tests/peers.py)."""
    try:
        return build_peers()
    except PeersUnavailableError as err:
        unavailable(str(err))
    except subprocess.CalledProcessError as err:
        output = (err.stdout or b"").decode(errors="replace") + (err.stderr or b"").decode(
            errors="replace"
        )
        pytest.fail(f"building the third-party peers failed:\n{output[-4000:]}")


@pytest.fixture(autouse=True)
def home_assistant_deprecations() -> Iterator[DeprecationReports]:
    """Fails the test during which Home Assistant reported a deprecated call."""
    reports = DeprecationReports()
    root = logging.getLogger()
    root.addHandler(reports)
    try:
        yield reports
    finally:
        root.removeHandler(reports)
    if reports.records:
        pytest.fail(reports.summary(), pytrace=False)
