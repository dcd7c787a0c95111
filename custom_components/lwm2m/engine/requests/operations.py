"""The LwM2M device-management operations, each as CoAP request and response handling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiocoap
from aiocoap.numbers.codes import Code

from ..codec import (
    CodecError,
    ContentFormat,
    Link,
    encode,
    encode_empty_instance,
    encode_paths,
    parse_link_format,
)
from ..errors import InvalidResponseError, RequestFailedError
from ..path import Path
from .composite import composite_or_single, probe_limit
from .exchange import DeviceLink, Exchange, Exchanger, check
from .payloads import decode_values, is_single_value
from .request import DeviceRequest, Operation

Handler = Callable[[Exchanger, DeviceLink, DeviceRequest], Awaitable[Any]]


def values_of(link: DeviceLink, path: Path, response: aiocoap.Message) -> dict[Path, Any]:
    try:
        return decode_values(response.opt.content_format, path, bytes(response.payload), link.model)
    except CodecError as error:
        raise InvalidResponseError(link.endpoint, path, str(error)) from None


async def fetch_values(
    exchanger: Exchanger,
    link: DeviceLink,
    path: Path,
    accept: int | None,
    *,
    observe: bool = False,
) -> Exchange:
    """A GET on ``path`` (an observation when ``observe``), Accept negotiated."""
    single = is_single_value(link.model, path)
    options: dict[str, Any] = {"observe": 0} if observe else {}

    def build(fmt: int | None) -> aiocoap.Message:
        return exchanger.message(link, Code.GET, path, accept=fmt, **options)

    first = accept if accept is not None else link.formats.read_format(single)
    exchange = await exchanger.negotiate(
        link,
        path,
        build,
        first,
        lambda: link.formats.read_format(single),
        blockwise=not observe,
    )
    check(link, path, exchange.response, (Code.CONTENT,))
    return exchange


async def read(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> dict[Path, Any]:
    exchange = await fetch_values(exchanger, link, request.path, request.accept)
    return values_of(link, request.path, exchange.response)


async def _send_values(
    exchanger: Exchanger,
    link: DeviceLink,
    request: DeviceRequest,
    code: Code,
    path: Path,
    encode_at: Path,
    expected: tuple[Code, ...],
) -> aiocoap.Message:
    values = request.value_map
    single = is_single_value(link.model, encode_at) and len(values) == 1

    def build(fmt: int | None) -> aiocoap.Message:
        chosen = link.formats.write_format(single) if fmt is None else fmt
        payload = encode(chosen, encode_at, values, link.model)
        return exchanger.message(link, code, path, content_format=chosen, payload=payload)

    first = request.content_format
    if first is None:
        first = link.formats.write_format(single)
    exchange = await exchanger.negotiate(
        link,
        path,
        build,
        first,
        lambda: link.formats.write_format(single),
        refused_code=Code.UNSUPPORTED_CONTENT_FORMAT,
    )
    check(link, path, exchange.response, expected)
    return exchange.response


async def write(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> None:
    path = request.path
    if len(path) < 2:
        raise ValueError(f"cannot write {path}: write an object instance or a resource")
    code = Code.POST if request.partial and path.is_instance else Code.PUT
    await _send_values(exchanger, link, request, code, path, path, (Code.CHANGED,))


async def create(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> Path:
    path = request.path
    if not 1 <= len(path) <= 2:
        raise ValueError(f"cannot create at {path}: give an object or the new instance")
    target = Path.of(path.ids[0])
    expected = (Code.CREATED, Code.CHANGED)
    if path.is_instance and not request.values:
        response = await _create_empty_instance(exchanger, link, path, target, expected)
    else:
        response = await _send_values(exchanger, link, request, Code.POST, target, target, expected)
    return _created_path(link, request, response)


async def _create_empty_instance(
    exchanger: Exchanger, link: DeviceLink, path: Path, target: Path, expected: tuple[Code, ...]
) -> aiocoap.Message:
    """Only TLV names an instance that has no values; the other formats would leave the id
    to the device."""
    message = exchanger.message(
        link,
        Code.POST,
        target,
        content_format=ContentFormat.TLV,
        payload=encode_empty_instance(path),
    )
    exchange = await exchanger.send(link, message, path)
    check(link, target, exchange.response, expected)
    return exchange.response


def _created_path(link: DeviceLink, request: DeviceRequest, response: aiocoap.Message) -> Path:
    location = list(response.opt.location_path)
    if location[: len(link.root)] == list(link.root):
        location = location[len(link.root) :]
    if location:
        try:
            created = Path.parse("/" + "/".join(location))
        except ValueError:
            raise InvalidResponseError(link.endpoint, request.path, "bad Location-Path") from None
        if created.is_instance:
            return created
    instances = {key.ids[:2] for key, _ in request.values if len(key) >= 2}
    if request.path.is_instance:
        return request.path
    if len(instances) == 1:
        return Path(instances.pop())
    raise InvalidResponseError(link.endpoint, request.path, "no Location-Path for the new instance")


async def delete(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> None:
    message = exchanger.message(link, Code.DELETE, request.path)
    exchange = await exchanger.send(link, message, request.path)
    check(link, request.path, exchange.response, (Code.DELETED,))


async def execute(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> None:
    payload = (request.arguments or "").encode("utf-8")
    message = exchanger.message(link, Code.POST, request.path, payload=payload)
    exchange = await exchanger.send(link, message, request.path)
    check(link, request.path, exchange.response, (Code.CHANGED,))


async def discover(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> list[Link]:
    message = exchanger.message(link, Code.GET, request.path, accept=int(ContentFormat.LINK_FORMAT))
    exchange = await exchanger.send(link, message, request.path)
    check(link, request.path, exchange.response, (Code.CONTENT,))
    try:
        return parse_link_format(bytes(exchange.response.payload))
    except CodecError as error:
        raise InvalidResponseError(link.endpoint, request.path, str(error)) from None


def attribute_query(attributes: tuple[tuple[str, int | float | None], ...]) -> list[str]:
    query = []
    for name, value in attributes:
        if value is None:
            query.append(name)
        elif isinstance(value, float) and value.is_integer() and name not in ("gt", "lt", "st"):
            query.append(f"{name}={int(value)}")
        else:
            query.append(f"{name}={value}")
    return query


async def write_attributes(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> None:
    message = exchanger.message(
        link, Code.PUT, request.path, uri_query=attribute_query(request.attributes)
    )
    exchange = await exchanger.send(link, message, request.path)
    check(link, request.path, exchange.response, (Code.CHANGED,))


def composite_message(
    exchanger: Exchanger, link: DeviceLink, paths: tuple[Path, ...], fmt: int, **options: Any
) -> aiocoap.Message:
    return exchanger.message(
        link,
        Code.FETCH,
        Path(),
        content_format=fmt,
        accept=fmt,
        payload=encode_paths(fmt, paths),
        **options,
    )


async def fetch_composite(
    exchanger: Exchanger, link: DeviceLink, paths: tuple[Path, ...], *, observe: bool = False
) -> Exchange:
    options: dict[str, Any] = {"observe": 0} if observe else {}

    def build(fmt: int | None) -> aiocoap.Message:
        chosen = link.formats.composite_format() if fmt is None else fmt
        return composite_message(exchanger, link, paths, chosen, **options)

    exchange = await exchanger.negotiate(
        link,
        Path(),
        build,
        link.formats.composite_format(),
        link.formats.composite_format,
        blockwise=not observe,
        refused_code=Code.UNSUPPORTED_CONTENT_FORMAT,
        limit=probe_limit(exchanger, link),
    )
    if exchange.response.code == Code.NOT_ACCEPTABLE:
        raise RequestFailedError(link.endpoint, Path(), exchange.response.code.dotted)
    check(link, Path(), exchange.response, (Code.CONTENT,))
    return exchange


_SKIPPED_BY_COMPOSITE = ("4.04", "4.05")  # missing or unreadable: left out, not an error


async def read_composite(
    exchanger: Exchanger, link: DeviceLink, request: DeviceRequest
) -> dict[Path, Any]:
    async def composite() -> dict[Path, Any]:
        exchange = await fetch_composite(exchanger, link, request.paths)
        return values_of(link, Path(), exchange.response)

    async def single() -> dict[Path, Any]:
        return await read_each(exchanger, link, request.paths)

    return await composite_or_single(exchanger, link, composite, single)


async def read_each(
    exchanger: Exchanger, link: DeviceLink, paths: tuple[Path, ...]
) -> dict[Path, Any]:
    """A Read per path, merged as Read-Composite merges them: paths that do not exist or
    cannot be read are left out; when none can, the first refusal is raised."""
    values: dict[Path, Any] = {}
    refusals: list[RequestFailedError] = []
    for path in paths:
        try:
            values.update(await read(exchanger, link, DeviceRequest(Operation.READ, path)))
        except RequestFailedError as error:
            if error.code not in _SKIPPED_BY_COMPOSITE:
                raise
            refusals.append(error)
    if refusals and not values:
        raise refusals[0]
    return values


async def write_composite(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> None:
    async def composite() -> None:
        await _patch(exchanger, link, request)

    async def single() -> None:
        for path, value in request.values:
            await write(
                exchanger, link, DeviceRequest(Operation.WRITE, path, values=((path, value),))
            )

    await composite_or_single(exchanger, link, composite, single)


async def _patch(exchanger: Exchanger, link: DeviceLink, request: DeviceRequest) -> None:
    values = request.value_map

    def build(fmt: int | None) -> aiocoap.Message:
        chosen = link.formats.composite_format() if fmt is None else fmt
        payload = encode(chosen, Path(), values, link.model)
        return exchanger.message(link, Code.iPATCH, Path(), content_format=chosen, payload=payload)

    exchange = await exchanger.negotiate(
        link,
        Path(),
        build,
        link.formats.composite_format()
        if request.content_format is None
        else request.content_format,
        link.formats.composite_format,
        refused_code=Code.UNSUPPORTED_CONTENT_FORMAT,
        limit=probe_limit(exchanger, link),
    )
    check(link, Path(), exchange.response, (Code.CHANGED,))


HANDLERS: dict[Operation, Handler] = {
    Operation.READ: read,
    Operation.WRITE: write,
    Operation.CREATE: create,
    Operation.DELETE: delete,
    Operation.EXECUTE: execute,
    Operation.DISCOVER: discover,
    Operation.WRITE_ATTRIBUTES: write_attributes,
    Operation.READ_COMPOSITE: read_composite,
    Operation.WRITE_COMPOSITE: write_composite,
}
