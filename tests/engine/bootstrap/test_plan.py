"""What the bootstrap server writes, where, and how it reads a Bootstrap-Request."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import (
    BindingMode,
    ContentFormat,
    DeviceCredentials,
    Path,
    SecurityMode,
)
from custom_components.lwm2m.engine.bootstrap.layout import (
    ClientLayout,
    first_free,
    layout_from_links,
)
from custom_components.lwm2m.engine.bootstrap.plan import (
    BootstrapPlan,
    InstanceWrite,
    plan_bootstrap,
    public_key_bytes,
)
from custom_components.lwm2m.engine.bootstrap.request import (
    INSTANCE_FORMATS,
    BadBootstrapRequestError,
    BootstrapRequest,
    parse_bootstrap_request,
)
from custom_components.lwm2m.engine.bootstrap.sequence import RetryPolicy
from custom_components.lwm2m.engine.codec import parse_link_format
from custom_components.lwm2m.engine.model import ObjectRegistry
from tests.engine.model.ddf_builder import ddf, item, obj

PSK_ROW = DeviceCredentials(
    endpoint="ep",
    security_mode=SecurityMode.PSK,
    server_url="coaps://lwm2m.example:5684",
    server_public_key="0xA1B2",
    lwm2m_psk_id="id-l",
    lwm2m_psk_key=b"k" * 16,
    bootstrap_psk_id="id-b",
    bootstrap_psk_key=b"b" * 16,
    generate_bootstrap_server_config=True,
    security_instance_offset=2,
    bootstrap_short_server_id=0,
    lwm2m_short_server_id=9,
    binding_mode=BindingMode.U,
)
NO_SEC_ROW = DeviceCredentials(endpoint="ep", security_mode=SecurityMode.NO_SEC)


def values_of(write: InstanceWrite) -> dict[int, object]:
    return {path.resource_id: value for path, value in write.values.items()}


def plan(row: DeviceCredentials, layout: ClientLayout | None = None) -> BootstrapPlan:
    return plan_bootstrap(
        row, layout or ClientLayout(), server_uri="coaps://s:1", bootstrap_uri="coaps://b:2"
    )


# --- Bootstrap-Request --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (("ep=dev",), BootstrapRequest("dev")),
        (("ep=dev", "pct=112"), BootstrapRequest("dev", 112, 112)),
        (("pct=11542", "ep=dev", "x=1"), BootstrapRequest("dev", 11542, 11542)),
        (("ep=dev", "pct=0"), BootstrapRequest("dev", None, 0)),  # text: TLV instead
        (("ep=dev", "pct=60"), BootstrapRequest("dev", None, 60)),
    ],
)
def test_request_query(query: tuple[str, ...], expected: BootstrapRequest) -> None:
    assert parse_bootstrap_request(query) == expected


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ((), "missing endpoint name"),
        (("ep=",), "bad endpoint name"),
        (("ep=a\x01b",), "bad endpoint name"),
        (("ep=a", "ep=b"), "repeated parameter ep"),
        (("ep=a", "pct=json"), "bad preferred content format"),
        (("ep=a", "pct=70000"), "bad preferred content format"),
        (("ep=a", "pct="), "bad preferred content format"),
    ],
)
def test_malformed_request_query(query: tuple[str, ...], reason: str) -> None:
    with pytest.raises(BadBootstrapRequestError, match=reason):
        parse_bootstrap_request(query)


# --- layout -------------------------------------------------------------------------------


def test_layout_from_discover_answer() -> None:
    links = parse_link_format(
        b'</>;lwm2m=1.1,</0/1>,</0/4>;ssid=3;uri="coap://x",</1/2>;ssid=3,</3/0>,</0>,'
        b"</0/1/0>,<text>"
    )
    layout = layout_from_links(links)
    assert layout == ClientLayout(frozenset({1, 4}), frozenset({2}), (1,))
    assert layout.bootstrap_account == 1


def test_layout_ignores_links_that_are_no_lwm2m_paths() -> None:
    links = parse_link_format(b"</99999/0>,</0/2>")
    assert layout_from_links(links).security == frozenset({2})


def test_layout_with_two_candidate_accounts_names_none() -> None:
    layout = layout_from_links(parse_link_format(b"</0/0>,</0/5>"))
    assert layout.bootstrap_accounts == (0, 5)
    assert layout.bootstrap_account is None


def test_first_free() -> None:
    assert first_free(0, ()) == 0
    assert first_free(2, {2, 3, 5}) == 4
    with pytest.raises(ValueError, match="no free instance id"):
        first_free(65534, {65534})


# --- plan ---------------------------------------------------------------------------------


def test_psk_row_plan() -> None:
    result = plan(PSK_ROW)
    assert (result.security_instance, result.server_instance, result.bootstrap_instance) == (
        2,
        0,
        3,
    )
    security, server, bootstrap = result.writes
    assert security.path == Path.of(0, 2)
    assert values_of(security) == {
        0: "coaps://s:1",
        1: False,
        2: 0,
        3: b"id-l",
        4: b"\xa1\xb2",
        5: b"k" * 16,
        10: 9,
    }
    assert server.path == Path.of(1, 0)
    assert values_of(server) == {0: 9, 1: 86400, 6: True, 7: "U"}
    assert bootstrap.path == Path.of(0, 3)
    # bootstrapShortServerId 0 means "none": resource 10 is left out.
    assert values_of(bootstrap) == {
        0: "coaps://b:2",
        1: True,
        2: 0,
        3: b"id-b",
        4: b"",
        5: b"b" * 16,
    }


def test_no_sec_row_writes_empty_secrets() -> None:
    security, server = plan(NO_SEC_ROW).writes
    assert values_of(security) == {0: "coaps://s:1", 1: False, 2: 3, 3: b"", 4: b"", 5: b"", 10: 1}
    assert values_of(server) == {0: 1, 1: 86400, 6: True, 7: "UQ"}


def test_notification_storing_false_is_kept() -> None:
    row = DeviceCredentials("ep", SecurityMode.NO_SEC, notification_if_disabled=False)
    _, server = plan(row).writes
    assert values_of(server)[6] is False


def server_ddf(version: str, extra_mandatory: bool) -> bytes:
    """A Server object definition of ``version``: Mandatory 0, 1, 6, 7 and 8 (execute);
    with ``extra_mandatory`` also a Mandatory resource 30 nobody has a default for."""
    items = [
        item("0", name="Short Server ID", type_="Integer"),
        item("1", name="Lifetime", operations="RW", type_="Integer"),
        item("6", name="Storing", operations="RW", type_="Boolean"),
        item("7", name="Binding", operations="RW", type_="String"),
        item("8", name="Trigger", operations="E", type_=""),
    ]
    if extra_mandatory:
        items.append(item("30", name="New", operations="RW", type_="Integer"))
    return ddf(obj("1", name="LwM2M Server", version=version, lwm2m_version="1.1", items=items))


def test_mandatory_resources_follow_the_version_the_client_reports() -> None:
    registry = ObjectRegistry.default()
    registry.add_ddf(server_ddf("1.0", extra_mandatory=False))
    registry.add_ddf(server_ddf("1.1", extra_mandatory=True))
    for reported, unfilled in (("1.0", ()), ("1.1", (Path.of(1, 0, 30),))):
        layout = layout_from_links(parse_link_format(f"</1>;ver={reported}".encode()))
        assert layout.version(1) == reported
        result = plan_bootstrap(
            NO_SEC_ROW, layout, server_uri="coap://s", bootstrap_uri="coap://b", model=registry
        )
        assert values_of(result.writes[1]) == {0: 1, 1: 86400, 6: True, 7: "UQ"}
        assert result.unfilled == unfilled


def test_layout_takes_versions_from_object_or_first_instance_links() -> None:
    links = parse_link_format(b'</>;lwm2m=1.1,</0/0>,</1>;ver=1.2,</1/0>;ssid=1,</3/0>;ver="1.1"')
    layout = layout_from_links(links)
    assert layout.versions == {1: "1.2", 3: "1.1"}
    assert layout.version(0) is None


def test_optional_server_resources_when_given() -> None:
    row = DeviceCredentials(
        endpoint="ep",
        security_mode=SecurityMode.NO_SEC,
        registration_lifetime=60,
        default_minimum_period=1,
        default_maximum_period=2,
        disable_timeout=3,
        notification_if_disabled=True,
        bootstrap_short_server_id=44,
        generate_bootstrap_server_config=True,
    )
    _, server, bootstrap = plan(row).writes
    assert values_of(server) == {0: 1, 1: 60, 2: 1, 3: 2, 5: 3, 6: True, 7: "UQ"}
    assert values_of(bootstrap)[10] == 44
    assert values_of(bootstrap)[2] == 3


def test_ids_avoid_what_the_client_kept() -> None:
    layout = ClientLayout(frozenset({2, 3}), frozenset({0}), (3,))
    result = plan(PSK_ROW, layout)
    assert (result.security_instance, result.server_instance, result.bootstrap_instance) == (
        4,
        1,
        3,
    )


def test_generated_bootstrap_account_without_known_account_takes_next_free_id() -> None:
    layout = ClientLayout(frozenset({0, 5}), frozenset(), (0, 5))
    result = plan(PSK_ROW, layout)
    assert (result.security_instance, result.bootstrap_instance) == (2, 3)


def test_instance_write_repr_hides_values() -> None:
    write = plan(PSK_ROW).writes[0]
    assert repr(write) == "<InstanceWrite /0/2>"
    assert "id-l" not in repr(plan(PSK_ROW))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, b""),
        ("", b""),
        ("a1B2", b"\xa1\xb2"),
        ("0xA1B2", b"\xa1\xb2"),
        (" 00ff ", b"\x00\xff"),
        ("not hex", b"not hex"),
        ("abc", b"abc"),
    ],
)
def test_public_key_bytes(text: str | None, expected: bytes) -> None:
    assert public_key_bytes(text) == expected


def test_retry_policy() -> None:
    policy = RetryPolicy(attempts=4, delay=0.5)
    assert [policy.backoff(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(delay=-1)


def test_instance_formats_cover_the_value_formats() -> None:
    assert ContentFormat.TLV in INSTANCE_FORMATS
    assert ContentFormat.TEXT not in INSTANCE_FORMATS
