"""The client side of the bootstrap interface, while a bootstrap is under way.

Bootstrap-Discover (GET with Accept link-format), Bootstrap-Delete, Bootstrap-Write
and Bootstrap-Finish (POST /bs) are answered here; anything else (a Read, say) goes
the usual way. Bootstrap-Write ignores the resources' operations, as the interface
allows, and creates the instances it names. The bootstrap account (the Security
instance whose Bootstrap-Server resource is true) survives every delete, and a write
that would turn it into another kind of account is refused.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import CodecError, ContentFormat, Link, Operations, Path
from custom_components.lwm2m.engine.codec import decode, format_link_format
from custom_components.lwm2m.engine.model.versions import version_key

from .accounts import (
    BOOTSTRAP_SERVER,
    SECURITY_OBJECT,
    SECURITY_SHORT_SERVER_ID,
    SERVER_OBJECT,
    SERVER_SHORT_SERVER_ID,
    URI,
    is_bootstrap_account,
    server_accounts,
)
from .defaults import DEVICE_OBJECT
from .responses import RefusedError, bad_request, content, not_found
from .state import ClientState

BOOTSTRAP_PATH = ("bs",)


class BootstrapSession:
    """One bootstrap: ``finished`` resolves when the server sends Bootstrap-Finish."""

    def __init__(self, state: ClientState) -> None:
        self.state = state
        self.finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def handle(self, request: Message) -> Message | None:
        """The answer to a bootstrap-interface request, None for other requests."""
        try:
            return self._handle(request)
        except RefusedError as refusal:
            return refusal.to_message()

    def _handle(self, request: Message) -> Message | None:
        segments = tuple(request.opt.uri_path)
        if request.code == Code.POST and segments == BOOTSTRAP_PATH:
            return self._finish()
        code = request.code
        if code == Code.GET and request.opt.accept == ContentFormat.LINK_FORMAT:
            return self._discover(_path(segments))
        if code == Code.DELETE:
            return self._delete(_path(segments))
        if code == Code.PUT:
            payload = bytes(request.payload)
            return self._write(_path(segments), request.opt.content_format, payload)
        return None

    # --- Bootstrap-Discover -------------------------------------------------------------

    def _discover(self, path: Path) -> Message:
        if len(path) > 2:
            raise bad_request("Bootstrap-Discover targets the root, an object or an instance")
        store = self.state.store
        if not store.exists(path):
            raise not_found(f"{path} does not exist")
        links = [Link("/", {"lwm2m": self.state.lwm2m_version})] if path.is_root else []
        listed: set[int] = set()
        for instance in store.instance_paths():
            if not instance.startswith(path):
                continue
            object_id = instance.ids[0]
            if object_id not in listed and len(path) < 2:
                listed.add(object_id)
                links.extend(self._object_link(object_id, always=path.is_object))
            links.append(Link(str(instance), self._instance_params(instance)))
        if path.is_object and not listed:
            links.extend(self._object_link(path.ids[0], always=True))
        return content(format_link_format(links).encode("utf-8"), ContentFormat.LINK_FORMAT)

    def _object_link(self, object_id: int, *, always: bool) -> list[Link]:
        """``</1>;ver=1.1``: an object whose version is not 1.0 says so (LwM2M 1.1 6.2.1)."""
        obj = self.state.store.objects.get(object_id)
        version = "1.0" if obj is None else obj.version
        if version_key(version) == (1, 0):
            return [Link(f"/{object_id}")] if always else []
        return [Link(f"/{object_id}", {"ver": version})]

    def _instance_params(self, path: Path) -> dict[str, str | None]:
        instance = self.state.store.instance(path) or {}
        if path.object_id == SERVER_OBJECT and SERVER_SHORT_SERVER_ID in instance:
            return {"ssid": str(instance[SERVER_SHORT_SERVER_ID])}
        if path.object_id != SECURITY_OBJECT or is_bootstrap_account(instance):
            return {}
        params: dict[str, str | None] = {}
        if SECURITY_SHORT_SERVER_ID in instance:
            params["ssid"] = str(instance[SECURITY_SHORT_SERVER_ID])
        if URI in instance:
            params["uri"] = str(instance[URI])
        return params

    # --- Bootstrap-Delete ---------------------------------------------------------------

    def _delete(self, path: Path) -> Message:
        if len(path) > 2:
            raise bad_request("Bootstrap-Delete targets the root, an object or an instance")
        if path.is_instance and self._protected(path):
            raise bad_request("the bootstrap account cannot be deleted")
        store = self.state.store
        for instance in list(store.instance_paths()):
            if not instance.startswith(path) or self._protected(instance):
                continue
            if path.is_root and instance.object_id == DEVICE_OBJECT:
                continue
            store.delete_instance(instance)
            self.state.attributes.forget(instance)
        return Message(code=Code.DELETED)

    def _protected(self, path: Path) -> bool:
        if path.object_id != SECURITY_OBJECT:
            return False
        return is_bootstrap_account(self.state.store.instance(path) or {})

    # --- Bootstrap-Write ----------------------------------------------------------------

    def _write(self, path: Path, content_format: int | None, payload: bytes) -> Message:
        if path.is_root or path.is_resource_instance:
            raise bad_request("Bootstrap-Write targets an object, an instance or a resource")
        if content_format is None:
            raise bad_request("a payload needs a Content-Format")
        try:
            values = decode(content_format, path, payload, self.state.store.model)
        except CodecError as err:
            raise bad_request(str(err)) from None
        by_instance: dict[Path, dict[Path, Any]] = defaultdict(dict)
        for value_path, value in values.items():
            by_instance[Path(value_path.ids[:2])][value_path] = value
        for instance, instance_values in by_instance.items():
            self._check_account_kept(instance, instance_values, replace=len(path) < 3)
        store = self.state.store
        for instance, instance_values in by_instance.items():
            object_id, instance_id = instance.ids
            store.create_instance(object_id, instance_id)
            if len(path) < 3:
                store.objects[object_id].instances[instance_id] = {}
            store.apply(instance_values, replace_multiple=True)
        return Message(code=Code.CHANGED)

    def _check_account_kept(
        self, instance: Path, values: dict[Path, Any], *, replace: bool
    ) -> None:
        if not self._protected(instance):
            return
        flag = values.get(instance.child(BOOTSTRAP_SERVER))
        if flag is False or (replace and flag is None):
            raise bad_request("the bootstrap account cannot become another account")

    # --- Bootstrap-Finish ---------------------------------------------------------------

    def _finish(self) -> Message:
        if self.state.quirks.bootstrap_requires_mandatory:
            missing = self._missing_mandatory()
            if missing:
                return Message(code=Code.NOT_ACCEPTABLE, payload=missing.encode("utf-8"))
        usable = [
            account
            for account in server_accounts(self.state.store)
            if account.server_instance is not None and account.uri
        ]
        if not usable:
            return Message(code=Code.NOT_ACCEPTABLE, payload=b"no usable LwM2M server account")
        if not self.finished.done():
            self.finished.set_result(None)
        return Message(code=Code.CHANGED)

    def _missing_mandatory(self) -> str | None:
        """The first Mandatory resource (executable ones aside) an account lacks."""
        store = self.state.store
        for object_id in (SECURITY_OBJECT, SERVER_OBJECT):
            obj = store.objects.get(object_id)
            if obj is None:
                continue
            definition = store.model.get(object_id, obj.version) or store.definition(object_id)
            if definition is None:
                continue
            for instance_id, instance in sorted(obj.instances.items()):
                for resource in definition.resources.values():
                    if not resource.mandatory or resource.operations == Operations.E:
                        continue
                    if resource.id not in instance:
                        return (
                            f"/{object_id}/{instance_id}: missing mandatory "
                            f"'{resource.name}' resource value"
                        )
        return None


def _path(segments: tuple[str, ...]) -> Path:
    parts = [segment for segment in segments if segment]
    try:
        return Path.parse("/" + "/".join(parts))
    except ValueError:
        raise not_found("not an LwM2M path") from None
