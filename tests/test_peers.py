"""The third-party peers' build cache: keyed by the sources, built binaries that run."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .peers import Peers, sources_digest


def test_the_cache_key_follows_every_source_file(tmp_path: Path) -> None:
    (tmp_path / "build.sh").write_text("echo build\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.c").write_text("int a;\n")
    first = sources_digest(tmp_path)
    assert sources_digest(tmp_path) == first
    (tmp_path / "lib" / "a.c").write_text("int b;\n")
    changed = sources_digest(tmp_path)
    assert changed != first
    (tmp_path / "lib" / "a.c").rename(tmp_path / "lib" / "b.c")
    assert sources_digest(tmp_path) not in (first, changed)


def test_mbed_tls_client_is_built_with_connection_id(peers: Peers) -> None:
    result = subprocess.run(
        [str(peers.ssl_client2), "query_config=MBEDTLS_SSL_DTLS_CONNECTION_ID"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert peers.wakaama_udp.is_file()
    assert peers.wakaama_dtls.is_file()
