"""DDF parsing: structure, both schemas, tolerated slop and refused documents."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.lwm2m.engine import (
    DDFError,
    ObjectDef,
    Operations,
    ResourceType,
    ValueRange,
    parse_ddf,
)
from tests.engine.model.ddf_builder import ddf, item, obj


def parse_one(document: bytes) -> ObjectDef:
    (parsed,) = parse_ddf(document)
    return parsed


def test_schema_1_0_object_without_versions_gets_defaults() -> None:
    parsed = parse_one(ddf(obj("3400", name="Sensor", urn="urn:oma:lwm2m:ext:3400")))
    assert parsed.id == 3400
    assert parsed.name == "Sensor"
    assert parsed.version == "1.0"
    assert parsed.lwm2m_version == "1.0"
    assert parsed.urn == "urn:oma:lwm2m:ext:3400"
    assert parsed.multiple is True
    assert parsed.mandatory is False


def test_schema_1_1_object_carries_its_versions_and_urn() -> None:
    document = ddf(
        obj(
            "3",
            name="Device",
            version="1.2",
            lwm2m_version="1.1",
            urn="urn:oma:lwm2m:oma:3:1.2",
            multiple="Single",
            mandatory="Mandatory",
        )
    )
    parsed = parse_one(document)
    assert (parsed.version, parsed.lwm2m_version) == ("1.2", "1.1")
    assert parsed.urn == "urn:oma:lwm2m:oma:3:1.2"
    assert parsed.multiple is False
    assert parsed.mandatory is True


@pytest.mark.parametrize(
    ("object_id", "version", "urn"),
    [
        ("3", None, "urn:oma:lwm2m:oma:3"),
        ("3", "1.1", "urn:oma:lwm2m:oma:3:1.1"),
        ("3303", "1.1", "urn:oma:lwm2m:ext:3303:1.1"),
        ("10241", None, "urn:oma:lwm2m:x:10241"),
        ("42769", "2.0", "urn:oma:lwm2m:x:42769:2.0"),
    ],
)
def test_missing_urn_follows_the_registry_rule(
    object_id: str, version: str | None, urn: str
) -> None:
    assert parse_one(ddf(obj(object_id, version=version, urn=None))).urn == urn


def test_empty_urn_is_treated_as_missing() -> None:
    assert parse_one(ddf(obj("6", urn="  "))).urn == "urn:oma:lwm2m:oma:6"


def test_resource_fields() -> None:
    document = ddf(
        obj(
            items=[
                item(
                    "5700",
                    name="Sensor Value",
                    operations="R",
                    type_="Float",
                    units="Cel",
                    range_enumeration="-40..85",
                ),
                item("4", name="Reboot", operations="E", type_="", multiple="Single"),
                item("11", name="Codes", operations="R", type_="Integer", multiple="Multiple"),
                item("1", name="Uri", operations="RW", type_="String", mandatory="Optional"),
                item("0", name="Key", operations="", type_="Opaque"),
                item("2", name="Lock", operations="W", type_="Boolean"),
            ]
        )
    )
    resources = parse_one(document).resources
    assert list(resources) == [0, 1, 2, 4, 11, 5700], "resources are kept sorted by id"
    value = resources[5700]
    assert (value.name, value.type, value.operations) == (
        "Sensor Value",
        ResourceType.FLOAT,
        Operations.R,
    )
    assert value.units == "Cel"
    assert value.value_range == ValueRange(-40, 85)
    assert value.mandatory is True
    assert value.multiple is False
    reboot = resources[4]
    assert reboot.type is ResourceType.NONE
    assert reboot.operations is Operations.E
    assert resources[11].multiple is True
    assert resources[1].operations == Operations.R | Operations.W
    assert resources[1].mandatory is False
    assert resources[0].operations is Operations.NONE
    assert resources[2].operations is Operations.W


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("String", ResourceType.STRING),
        ("Integer", ResourceType.INTEGER),
        ("Unsigned Integer", ResourceType.UNSIGNED_INTEGER),
        ("Float", ResourceType.FLOAT),
        ("Boolean", ResourceType.BOOLEAN),
        ("Opaque", ResourceType.OPAQUE),
        ("Time", ResourceType.TIME),
        ("Objlnk", ResourceType.OBJLNK),
        ("Corelnk", ResourceType.CORELNK),
        ("", ResourceType.NONE),
        ("  objlnk ", ResourceType.OBJLNK),
        ("CoreLnk", ResourceType.CORELNK),
        ("unsigned\n   integer", ResourceType.UNSIGNED_INTEGER),
    ],
)
def test_every_type_and_its_casing(text: str, expected: ResourceType) -> None:
    resource = parse_one(ddf(obj(items=[item("1", type_=text)]))).resource(1)
    assert resource is not None
    assert resource.type is expected


def test_slop_is_tolerated() -> None:
    document = ddf(
        obj(
            "\n  3311 ",
            name="  Light \n Control ",
            version=" 1.1 ",
            multiple=" multiple ",
            mandatory="OPTIONAL",
            items=[
                item(
                    " 5850 ",
                    name="On/Off ",
                    operations=" rw ",
                    multiple="single",
                    mandatory=" mandatory",
                    type_=" Boolean ",
                    units="\n        ",
                    range_enumeration="\n        ",
                )
            ],
        )
    )
    parsed = parse_one(document)
    assert (parsed.id, parsed.name, parsed.version) == (3311, "Light Control", "1.1")
    resource = parsed.resources[5850]
    assert resource.name == "On/Off"
    assert resource.operations == Operations.R | Operations.W
    assert resource.units == ""
    assert resource.range_enumeration == ""
    assert resource.mandatory is True


def test_missing_optional_elements_take_defaults() -> None:
    document = ddf(
        obj(
            name=None,
            multiple=None,
            mandatory=None,
            items=[
                item(
                    "7",
                    name=None,
                    operations=None,
                    multiple=None,
                    mandatory=None,
                    type_=None,
                    range_enumeration=None,
                    units=None,
                    description=None,
                )
            ],
        )
    )
    parsed = parse_one(document)
    assert (parsed.name, parsed.multiple, parsed.mandatory) == ("", True, False)
    resource = parsed.resources[7]
    assert resource.name == ""
    assert resource.type is ResourceType.NONE
    assert resource.operations is Operations.NONE
    assert (resource.multiple, resource.mandatory) == (False, False)
    assert resource.range_enumeration == ""


def test_object_without_resources_element() -> None:
    assert parse_one(ddf(obj(resources=False))).resources == {}


def test_several_objects_in_one_file_keep_document_order() -> None:
    document = ddf(obj("5"), obj("3"), obj("5", version="1.1"))
    assert [(o.id, o.version) for o in parse_ddf(document)] == [
        (5, "1.0"),
        (3, "1.0"),
        (5, "1.1"),
    ]


def test_default_namespace_is_ignored() -> None:
    body = obj("3303", items=[item("5700", type_="Float")])
    document = f'<LWM2M xmlns="http://example.com/lwm2m">{body}</LWM2M>'.encode()
    parsed = parse_one(document)
    assert parsed.id == 3303
    assert parsed.resources[5700].type is ResourceType.FLOAT


def test_prefixed_namespace_is_ignored() -> None:
    body = obj("3").replace("<", "<d:").replace("<d:/", "</d:")
    document = f'<d:LWM2M xmlns:d="urn:example">{body}</d:LWM2M>'.encode()
    assert parse_one(document).id == 3


def test_bare_object_root_is_accepted() -> None:
    assert parse_one(obj("4").encode()).id == 4


def test_comments_cdata_and_unknown_elements_are_harmless() -> None:
    document = ddf(
        obj(
            "9",
            name="<![CDATA[Soft]]><!-- c -->ware",
            items=[item("1").replace("<Units>", "<Future>x</Future><Units>")],
        ).replace("<Resources>", "<Resources><!-- none --><Other/>")
    )
    parsed = parse_one(document)
    assert parsed.name == "Software"
    assert list(parsed.resources) == [1]


def test_utf8_bom_and_utf16_documents() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><LWM2M>' + obj("3", name="Gerät") + "</LWM2M>"
    assert parse_one(text.encode("utf-16")).name == "Gerät"
    assert parse_one(b"\xef\xbb\xbf" + ddf(obj("3"))).id == 3


def test_object_version_is_normalised() -> None:
    assert parse_one(ddf(obj(version="2"))).version == "2.0"


def test_resource_and_object_defs_are_immutable() -> None:
    parsed = parse_one(ddf(obj()))
    with pytest.raises(TypeError):
        parsed.resources[99] = parsed.resources[1]  # type: ignore[index]


# --- refused documents -------------------------------------------------------------------


def assert_refused(document: bytes, element: str, reason_part: str) -> DDFError:
    with pytest.raises(DDFError) as caught:
        parse_ddf(document)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.element == element
    assert reason_part in error.reason
    assert element in str(error)
    assert error.reason in str(error)
    return error


@pytest.mark.parametrize(
    "document",
    [b"", b"not xml at all", b"<LWM2M><Object>", b"<LWM2M></Object>", b"\x00\xff"],
)
def test_not_xml(document: bytes) -> None:
    assert_refused(document, "(document)", "not well-formed XML")


def test_str_instead_of_bytes() -> None:
    with pytest.raises(DDFError, match="expected bytes"):
        parse_ddf("<LWM2M/>")  # type: ignore[arg-type]


def test_no_object() -> None:
    assert_refused(b"<LWM2M><Other/></LWM2M>", "LWM2M", "no <Object>")


def test_missing_object_id() -> None:
    assert_refused(ddf(obj("1"), obj(None)), "Object#2/ObjectID", "missing")


@pytest.mark.parametrize("object_id", ["", "abc", "-1", "65536", "3.0", "١٢"])
def test_invalid_object_id(object_id: str) -> None:
    assert_refused(ddf(obj(object_id)), "Object#1/ObjectID", "is not an object id")


def test_item_without_id() -> None:
    document = ddf(obj("3303", items=[item("1"), item(None)]))
    assert_refused(document, "Object[3303]/Resources/Item#2", "missing ID attribute")


@pytest.mark.parametrize("resource_id", ["", "x", "-5", "65536", "5.5"])
def test_item_with_non_numeric_id(resource_id: str) -> None:
    document = ddf(obj("3303", items=[item(resource_id)]))
    assert_refused(document, "Object[3303]/Resources/Item#1", "is not a resource id")


def test_unknown_type() -> None:
    document = ddf(obj("3303", items=[item("5700", type_="Double")]))
    assert_refused(document, "Object[3303]/Resources/Item[5700]/Type", "unknown type 'Double'")


@pytest.mark.parametrize("operations", ["X", "RE", "RWE", "WR", "R W", "read"])
def test_bad_operations(operations: str) -> None:
    document = ddf(obj("3303", items=[item("5700", operations=operations)]))
    assert_refused(document, "Object[3303]/Resources/Item[5700]/Operations", "is not one of")


def test_duplicate_resource_id() -> None:
    document = ddf(obj("3303", items=[item("5700"), item("5701"), item(" 5700")]))
    assert_refused(document, "Object[3303]/Resources/Item[5700]", "duplicate resource id 5700")


def test_duplicate_object_version_in_one_file() -> None:
    document = ddf(obj("3", version="1.1"), obj("3", version="1.1"))
    assert_refused(document, "Object[3]", "version 1.1 is defined twice")


@pytest.mark.parametrize(
    ("object_kwargs", "element"),
    [
        ({"multiple": "Many"}, "Object[30000]/MultipleInstances"),
        ({"mandatory": "Required"}, "Object[30000]/Mandatory"),
        (
            {"items": [item("2", multiple="Twice")]},
            "Object[30000]/Resources/Item[2]/MultipleInstances",
        ),
        ({"items": [item("2", mandatory="Maybe")]}, "Object[30000]/Resources/Item[2]/Mandatory"),
    ],
)
def test_unknown_multiplicity_or_mandatory_value(
    object_kwargs: dict[str, Any], element: str
) -> None:
    assert_refused(ddf(obj(**object_kwargs)), element, "is not")


@pytest.mark.parametrize(
    ("field", "element"),
    [("version", "Object[30000]/ObjectVersion"), ("lwm2m_version", "Object[30000]/LWM2MVersion")],
)
def test_invalid_versions(field: str, element: str) -> None:
    kwargs: dict[str, Any] = {field: "v1-beta"}
    assert_refused(ddf(obj(**kwargs)), element, "not a version number")


def test_descriptions_are_kept_and_do_not_make_definitions_differ() -> None:
    (parsed,) = parse_ddf(ddf(obj(items=[item(description="  The  pump's\n speed. ")])))
    assert parsed.description == "Test object."
    assert parsed.resources[1].description == "The pump's speed."
    (plain,) = parse_ddf(ddf(obj(items=[item(description="")])))
    assert plain == parsed
