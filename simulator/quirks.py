"""Quirks: behaviours of real LwM2M client stacks that a server has to put up with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UnsupportedAccept = Literal["406", "drop", "ignore"]
BaseNameStyle = Literal["trailing", "leading"]
CompositeSupport = Literal["yes", "4.04", "4.05"]
_COMPOSITE_SUPPORT = ("yes", "4.04", "4.05")


@dataclass(frozen=True, slots=True)
class Quirks:
    """How a simulated device deviates from the plainest reading of the specification.

    Registration:

    * ``registration_content_format``: False sends the Register payload without a
      Content-Format option;
    * ``root_link``: list ``</>;rt="oma.lwm2m";ct=...`` first;
    * ``alternate_root``: serve and list the objects under this path (``"/lwm2m"``);
    * ``quote_ver``: write ``ver="1.1"`` instead of ``ver=1.1``;
    * ``version_on_object_link``: announce versions as ``</3303>;ver=1.1,</3303/0>``
      instead of on the first instance link (``</3303/0>;ver=1.1``);
    * ``query_order``: the order of the Register query parameters (names not listed
      follow in the usual order);
    * ``omit_binding``: leave out ``b=``;
    * ``advertised_formats``: what ``ct`` in the root link says (default: what the device
      supports, less text and opaque).

    Reads:

    * ``default_format``: the format of a read without Accept (when it can carry the
      target);
    * ``supported_formats``: what the device produces (default: text, opaque, TLV, SenML
      JSON, SenML CBOR, and LwM2M CBOR for LwM2M 1.2);
    * ``unsupported_accept``: answer an Accept the device cannot produce with 4.06, drop
      the request silently (no ACK, no response), or ignore the Accept;
    * ``text_without_content_format``: single values read without Accept come back as
      plain text with no Content-Format option;
    * ``senml_base_name``: ``bn:"/3/0/"`` + ``n:"0"`` (trailing) or ``bn:"/3/0"`` +
      ``n:"/0"`` (leading).

    Requests:

    * ``unanswered_methods``: requests of these methods (``"FETCH"``, ``"POST"``, ...)
      are acknowledged with an empty ACK and never answered (Wakaama does this with
      FETCH);
    * ``composite``: ``"4.04"`` or ``"4.05"`` answers every composite request (FETCH,
      iPATCH) with that code, as LwM2M 1.1 clients without composite operations do.

    Firmware:

    * ``firmware_keeps_version``: a successful update (Update Result 1) leaves Firmware
      Version (/3/0/3) and Package Version (/5/0/7) as they were.

    Bootstrap:

    * ``bootstrap_account_instance``: the Security instance holding the bootstrap account;
    * ``bootstrap_requires_mandatory``: Bootstrap-Finish is refused with 4.06 while a
      Security or Server instance lacks a Mandatory resource of the device's version of
      the object (clients that validate their configuration do this).
    """

    registration_content_format: bool = True
    root_link: bool = True
    alternate_root: str | None = None
    quote_ver: bool = False
    version_on_object_link: bool = False
    query_order: tuple[str, ...] | None = None
    omit_binding: bool = False
    advertised_formats: tuple[int, ...] | None = None
    default_format: int | None = None
    supported_formats: tuple[int, ...] | None = None
    unsupported_accept: UnsupportedAccept = "406"
    text_without_content_format: bool = False
    senml_base_name: BaseNameStyle = "trailing"
    unanswered_methods: tuple[str, ...] = ()
    composite: CompositeSupport = "yes"
    firmware_keeps_version: bool = False
    bootstrap_account_instance: int = 0
    bootstrap_requires_mandatory: bool = False

    def __post_init__(self) -> None:
        if self.alternate_root is not None:
            root = self.alternate_root
            if not root.startswith("/") or root.endswith("/") or len(root) < 2:
                raise ValueError(f"alternate_root must look like '/lwm2m', got {root!r}")
        if self.unsupported_accept not in ("406", "drop", "ignore"):
            raise ValueError(
                f"unsupported_accept is '406', 'drop' or 'ignore', not {self.unsupported_accept!r}"
            )
        if self.senml_base_name not in ("trailing", "leading"):
            raise ValueError("senml_base_name is 'trailing' or 'leading'")
        if self.composite not in _COMPOSITE_SUPPORT:
            raise ValueError(f"composite is one of {_COMPOSITE_SUPPORT}, not {self.composite!r}")

    @property
    def root_segments(self) -> tuple[str, ...]:
        """The URI path segments in front of every object path."""
        if self.alternate_root is None:
            return ()
        return tuple(self.alternate_root.strip("/").split("/"))
