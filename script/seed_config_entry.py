"""Give a new development configuration an LwM2M config entry, so it starts configured.

Only a configuration without ``.storage/core.config_entries`` is seeded: once Home
Assistant has written that file it is its own, and the entry is added in the UI instead.
The entry listens on 127.0.0.1 with the OPEN security policy, so the demo devices of
script/develop may register without credentials.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENTRY_DATA = {
    "bind_address": "127.0.0.1",
    "coap_port": 5683,
    "coaps_port": 5684,
    "bootstrap_port": 5783,
    "bootstraps_port": 5784,
    "server_uri": "coap://127.0.0.1:5683",
    "security_policy": "open",
}


def seed(config_dir: Path, data: Mapping[str, Any] = ENTRY_DATA) -> bool:
    """Write the entries file; False when the configuration already has one."""
    path = config_dir / ".storage" / "core.config_entries"
    if path.exists():
        return False
    entry = {
        "entry_id": uuid.uuid4().hex,
        "version": 1,
        "minor_version": 1,
        "domain": "lwm2m",
        "title": "LwM2M",
        "data": dict(data),
        "options": {},
        "source": "user",
        "unique_id": None,
        "disabled_by": None,
    }
    # Minor version 1 of the file: Home Assistant migrates it to its own on first load.
    document = {
        "version": 1,
        "minor_version": 1,
        "key": "core.config_entries",
        "data": {"entries": [entry]},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "config")
    if seed(target):
        print(f"[develop] seeded an LwM2M config entry in {target}/.storage")
    else:
        print("[develop] config entries exist already; add LwM2M in the UI if it is missing")
