"""What a device says when it registers: the query and the link-format payload."""

from __future__ import annotations

from collections.abc import Iterable

from custom_components.lwm2m.engine.model.versions import version_key

from .formats import OPAQUE, TEXT, supported_formats
from .objects import DeviceObject
from .quirks import Quirks

SECURITY_OBJECT = 0
DEFAULT_QUERY_ORDER = ("ep", "lt", "lwm2m", "b", "Q")
ROOT_RESOURCE_TYPE = "oma.lwm2m"


def binding_text(binding: str, queue_mode: bool, lwm2m_version: str) -> str:
    """LwM2M 1.0 marks queue mode in the binding (``UQ``); later versions use ``Q``."""
    if queue_mode and version_key(lwm2m_version) < (1, 1) and "Q" not in binding:
        return binding + "Q"
    return binding


def registration_query(
    endpoint: str,
    *,
    lifetime: int,
    lwm2m_version: str,
    binding: str,
    queue_mode: bool,
    quirks: Quirks,
) -> list[str]:
    """The Register query items, in the order the device writes them."""
    items: dict[str, str | None] = {"ep": endpoint, "lt": str(lifetime), "lwm2m": lwm2m_version}
    if not quirks.omit_binding:
        items["b"] = binding_text(binding, queue_mode, lwm2m_version)
    if queue_mode and version_key(lwm2m_version) >= (1, 1):
        items["Q"] = None
    return _ordered(items, quirks.query_order or DEFAULT_QUERY_ORDER)


def update_query(lifetime: int | None, binding: str | None) -> list[str]:
    items: dict[str, str | None] = {}
    if lifetime is not None:
        items["lt"] = str(lifetime)
    if binding is not None:
        items["b"] = binding
    return _ordered(items, DEFAULT_QUERY_ORDER)


def _ordered(items: dict[str, str | None], order: Iterable[str]) -> list[str]:
    names = [name for name in order if name in items]
    names += [name for name in DEFAULT_QUERY_ORDER if name in items and name not in names]
    return [name if items[name] is None else f"{name}={items[name]}" for name in names]


def advertised_formats(quirks: Quirks, lwm2m_version: str) -> tuple[int, ...]:
    if quirks.advertised_formats is not None:
        return quirks.advertised_formats
    formats = supported_formats(quirks, lwm2m_version)
    return tuple(fmt for fmt in formats if fmt not in (TEXT, OPAQUE))


def _param(name: str, value: str, quoted: bool) -> str:
    return f'{name}="{value}"' if quoted else f"{name}={value}"


def registration_links(
    objects: Iterable[DeviceObject], *, lwm2m_version: str, quirks: Quirks
) -> str:
    """``</>;rt="oma.lwm2m";ct=...,</1/0>,</3/0>,</3303/0>;ver=1.1,</5>``."""
    root = quirks.alternate_root or ""
    links: list[str] = []
    if quirks.root_link:
        link = f'<{root or "/"}>;rt="{ROOT_RESOURCE_TYPE}"'
        formats = advertised_formats(quirks, lwm2m_version)
        if formats:
            text = " ".join(str(fmt) for fmt in formats)
            link += ";" + _param("ct", text, quoted=len(formats) > 1)
        links.append(link)
    for obj in sorted(objects, key=lambda o: o.id):
        if obj.id == SECURITY_OBJECT:
            continue
        version = None if version_key(obj.version) == (1, 0) else obj.version
        version_param = "" if version is None else ";" + _param("ver", version, quirks.quote_ver)
        instance_ids = sorted(obj.instances)
        if not instance_ids or (quirks.version_on_object_link and version is not None):
            links.append(f"<{root}/{obj.id}>{version_param}")
            version_param = ""
        for instance_id in instance_ids:
            links.append(f"<{root}/{obj.id}/{instance_id}>{version_param}")
            version_param = ""
    return ",".join(links)
