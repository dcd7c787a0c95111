"""Validation rules: the seed's example as a table, every type and operator, the DNF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.lwm2m.device_protocols.validation import (
    OPERATORS,
    Operator,
    RuleDefinitionError,
    RuleSet,
    RuleType,
    ValidationRule,
)
from custom_components.lwm2m.engine import ObjectLink, Path

TIMEZONE = Path.of(3, 0, 15)
NOT_TEST = ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "test")
ENDS_WITH_ASD = ValidationRule(RuleType.REGEX, Operator.EQUALS, ".*asd")
SAME_AS_TIMEZONE = ValidationRule(RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0/15")
# Seed 001: valid if the string is not "test", OR if it ends with "asd" AND equals /3/0/15.
SEED_RULES = RuleSet(((NOT_TEST,), (ENDS_WITH_ASD, SAME_AS_TIMEZONE)))


@pytest.mark.parametrize(
    ("value", "timezone", "group_1", "group_2", "valid"),
    [
        ("test", "Europe/Berlin", False, False, False),
        ("test", "test", False, False, False),  # equals /3/0/15, but does not end with asd
        ("Test", "Europe/Berlin", True, False, True),  # texts compare exactly
        ("test ", "Europe/Berlin", True, False, True),
        ("", "Europe/Berlin", True, False, True),
        ("Europe/Berlin", "Europe/Berlin", True, False, True),
        ("zone-asd", "zone-asd", True, True, True),  # both groups hold
        ("zone-asd", "Europe/Berlin", True, False, True),  # ends with asd, differs from /3/0/15
        ("zone-asd", None, True, False, True),  # /3/0/15 unknown: the link rule fails
        ("asd", "asd", True, True, True),
        ("asdx", "asdx", True, False, True),  # regex must match the whole text
        ("ASD", "ASD", True, False, True),  # the regex is case-sensitive
        (42, "42", True, False, True),
        (True, "True", True, False, True),
    ],
)
def test_seed_example(
    value: Any, timezone: str | None, group_1: bool, group_2: bool, valid: bool
) -> None:
    """Every text ending in "asd" is also not "test": group 2 never decides alone, but each
    group is still evaluated, as the ``failed`` column shows."""
    referenced = {} if timezone is None else {TIMEZONE: timezone}
    verdict = SEED_RULES.check(value, referenced)
    assert verdict.valid is valid
    assert [rule is None for rule in verdict.failed] == [group_1, group_2]


def test_the_failed_rules_are_named() -> None:
    verdict = SEED_RULES.check("test", {TIMEZONE: "Europe/Berlin"})
    assert [str(rule) for rule in verdict.failed_rules] == [
        'text ≠ "test"',
        'regular expression ~ ".*asd"',
    ]
    verdict = SEED_RULES.check("test", {TIMEZONE: "test"})
    assert str(SAME_AS_TIMEZONE) == "object link = /3/0/15"
    assert verdict.failed_rules[1] == ENDS_WITH_ASD


def test_a_range_or_zero_needs_the_or() -> None:
    """(10 <= value <= 20) OR value = 0: unlike the seed's rules, each group decides alone."""
    rules = RuleSet(
        (
            (
                ValidationRule(RuleType.NUMBER, Operator.GREATER_OR_EQUAL, "10"),
                ValidationRule(RuleType.NUMBER, Operator.LOWER_OR_EQUAL, "20"),
            ),
            (ValidationRule(RuleType.NUMBER, Operator.EQUALS, "0"),),
        )
    )
    results = {value: rules.check(value, {}).valid for value in (0, 5, 10, 15.5, 20, 21, -1)}
    assert results == {0: True, 5: False, 10: True, 15.5: True, 20: True, 21: False, -1: False}
    assert rules.check("0x0F", {}).valid  # text reads as a measurement: 15
    assert not rules.check("fifteen", {}).valid
    assert rules.references == set()


def test_no_rules_accept_anything() -> None:
    assert RuleSet().check(object(), {}).valid
    assert not RuleSet()


@pytest.mark.parametrize(
    ("operator", "value", "holds"),
    [
        (Operator.GREATER, 11, True),
        (Operator.GREATER, 10, False),
        (Operator.LOWER, 9.5, True),
        (Operator.EQUALS, 10.0, True),
        (Operator.NOT_EQUALS, 10, False),
        (Operator.GREATER_OR_EQUAL, 10, True),
        (Operator.LOWER_OR_EQUAL, 10.01, False),
    ],
)
def test_number_operators(operator: Operator, value: Any, holds: bool) -> None:
    assert ValidationRule(RuleType.NUMBER, operator, "10").holds(value, {}) is holds


@pytest.mark.parametrize(
    ("value", "holds"),
    [
        (datetime(2025, 6, 1, tzinfo=UTC), True),
        (datetime(2024, 6, 1), False),  # naive times are UTC
        ("2025-01-02", True),
        (1767225600, True),  # 2026-01-01 as seconds since the epoch
        ("soon", False),
        (3.5, False),
    ],
)
def test_date_rules(value: Any, holds: bool) -> None:
    rule = ValidationRule(RuleType.DATE, Operator.GREATER, "2025-01-01")
    assert rule.holds(value, {}) is holds


def test_a_date_operand_with_a_time_zone() -> None:
    rule = ValidationRule(RuleType.DATE, Operator.LOWER, "2025-01-01T12:00:00+02:00")
    assert rule.holds(datetime(2025, 1, 1, 9, 59, tzinfo=UTC), {})
    assert not rule.holds(datetime(2025, 1, 1, 10, 0, tzinfo=UTC), {})


def test_string_rules_and_booleans() -> None:
    only_off = ValidationRule(RuleType.STRING, Operator.EQUALS, "False")
    assert only_off.holds(False, {})
    assert not only_off.holds(True, {})
    assert ValidationRule(RuleType.STRING, Operator.EQUALS, "false").holds(False, {})
    assert ValidationRule(RuleType.STRING, Operator.EQUALS, "00ff").holds(b"\x00\xff", {})
    assert ValidationRule(RuleType.REGEX, Operator.NOT_EQUALS, "[0-9]+").holds("12a", {})
    in_2025 = ValidationRule(RuleType.REGEX, Operator.EQUALS, "2025-.*")
    assert in_2025.holds(datetime(2025, 3, 1, tzinfo=UTC), {})


@pytest.mark.parametrize(
    ("operator", "value", "other", "holds"),
    [
        (Operator.GREATER, 25, 20.5, True),  # numbers by value
        (Operator.GREATER, "25", "20.5", True),  # texts that read as numbers
        (Operator.LOWER, "abc", "abd", False),  # ordering needs numbers or times
        (Operator.EQUALS, 8, "010", True),  # a number against text: by value (octal)
        (Operator.EQUALS, "8", "010", False),  # two texts: as text
        (Operator.NOT_EQUALS, "a", "b", True),
        (Operator.EQUALS, ObjectLink(3, 0), ObjectLink(3, 0), True),
        (Operator.EQUALS, "x", None, False),
        (
            Operator.GREATER_OR_EQUAL,
            datetime(2025, 1, 2, tzinfo=UTC),
            datetime(2025, 1, 1, tzinfo=UTC),
            True,
        ),
        (Operator.LOWER, "2024-12-31", datetime(2025, 1, 1, tzinfo=UTC), True),
        (Operator.LOWER, b"\x01", datetime(2025, 1, 1, tzinfo=UTC), False),
    ],
)
def test_object_link_rules(operator: Operator, value: Any, other: Any, holds: bool) -> None:
    rule = ValidationRule(RuleType.OBJECT_LINK, operator, "/3303/0/5700")
    assert rule.reference == Path.of(3303, 0, 5700)
    assert rule.holds(value, {Path.of(3303, 0, 5700): other}) is holds


@pytest.mark.parametrize(
    ("kind", "operator", "operand", "key"),
    [
        (RuleType.REGEX, Operator.GREATER, ".*", "operator_not_for_type"),
        (RuleType.STRING, Operator.LOWER_OR_EQUAL, "a", "operator_not_for_type"),
        (RuleType.NUMBER, Operator.EQUALS, "ten", "invalid_number"),
        (RuleType.NUMBER, Operator.EQUALS, "inf", "invalid_number"),
        (RuleType.DATE, Operator.EQUALS, "31.01.2025", "invalid_date"),
        (RuleType.OBJECT_LINK, Operator.EQUALS, "3/0/15", "invalid_object_link"),
        (RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0", "invalid_object_link"),
        (RuleType.REGEX, Operator.EQUALS, "([a-z]", "invalid_regex"),
        (RuleType.STRING, Operator.EQUALS, "x" * 256, "operand_too_long"),
    ],
)
def test_unusable_rules(kind: RuleType, operator: Operator, operand: str, key: str) -> None:
    with pytest.raises(RuleDefinitionError) as err:
        ValidationRule(kind, operator, operand)
    assert err.value.key == key


def test_only_fitting_operators() -> None:
    assert OPERATORS[RuleType.REGEX] == (Operator.EQUALS, Operator.NOT_EQUALS)
    assert OPERATORS[RuleType.STRING] == (Operator.EQUALS, Operator.NOT_EQUALS)
    for kind in (RuleType.DATE, RuleType.NUMBER, RuleType.OBJECT_LINK):
        assert set(OPERATORS[kind]) == set(Operator)


def test_editing_and_round_trip() -> None:
    rules = RuleSet().added(0, NOT_TEST).added(1, ENDS_WITH_ASD).added(1, SAME_AS_TIMEZONE)
    assert rules == SEED_RULES
    assert rules.references == {TIMEZONE}
    assert RuleSet.from_list(rules.to_list()) == rules
    assert rules.to_list()[1][1] == {
        "type": "object_link",
        "operator": "equals",
        "value": "/3/0/15",
    }
    assert rules.without([(0, 0)]) == RuleSet(((ENDS_WITH_ASD, SAME_AS_TIMEZONE),))
    assert rules.without([(1, 1)]) == RuleSet(((NOT_TEST,), (ENDS_WITH_ASD,)))
    assert RuleSet.from_list([[], [NOT_TEST.to_dict()]]) == RuleSet(((NOT_TEST,),))
    assert str(ValidationRule(RuleType.DATE, Operator.GREATER, "2025-01-01")) == (
        "date > 2025-01-01"
    )
