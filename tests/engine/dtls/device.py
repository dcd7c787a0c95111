"""An LwM2M-like device built on aiocoap's own tinydtls client transport (DTLSSocket)."""

from __future__ import annotations

from typing import Any

import aiocoap
from aiocoap import resource

from simulator.secure import require_tinydtls


class DeviceObject(resource.Resource):
    async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
        return aiocoap.Message(payload=b"device-says-hi")


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def start_device(port: int, identity: bytes, key: bytes, host: str = "127.0.0.1") -> Any:
    """A client context that also serves /3/0, with credentials for the server on ``port``."""
    require_tinydtls()
    site = resource.Site()
    site.add_resource(["3", "0"], DeviceObject())
    context = await aiocoap.Context.create_server_context(site, transports=["tinydtls"])
    context.client_credentials.load_from_dict(
        {
            f"coaps://{_authority(host, port)}/*": {
                "dtls": {
                    "psk": {"hex": key.hex()},
                    "client-identity": {"ascii": identity.decode()},
                }
            }
        }
    )
    return context


async def register(device: Any, port: int, host: str = "127.0.0.1") -> aiocoap.Message:
    request = aiocoap.Message(
        code=aiocoap.POST,
        uri=f"coaps://{_authority(host, port)}/rd?ep=device",
        payload=b"</3/0>",
    )
    response: aiocoap.Message = await device.request(request).response
    return response
