"""Requests a device drops for their Accept option (the ``drop`` quirk), before any ACK."""

from __future__ import annotations

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat

from .dispatch import request_path
from .formats import Outcome
from .reads import read_choice
from .responses import RefusedError
from .state import ClientState


def refuses_accept(state: ClientState, message: Message) -> bool:
    """Whether a device with the ``drop`` quirk ignores this read altogether."""
    accept = message.opt.accept
    if state.quirks.unsupported_accept != "drop" or accept is None:
        return False
    if message.code == Code.FETCH:
        return state.policy.for_composite(accept, None).outcome is Outcome.DROP
    if message.code != Code.GET or accept == ContentFormat.LINK_FORMAT:
        return False
    try:
        path = request_path(state, message.opt.uri_path)
    except RefusedError:
        return False
    if path.is_root or not state.store.exists(path):
        return False
    return read_choice(state, path, accept).outcome is Outcome.DROP
