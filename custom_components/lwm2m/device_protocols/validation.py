"""Validation rules of writable resources, in disjunctive normal form.

A rule compares the value to be written with an operand: a date, a number, the current
value of another resource of the same device (object link, ``/3/0/15``), a regular
expression (that must match the whole text) or a text. Rules of a group must all hold
(AND); a value is valid when any group holds (OR); no groups means anything is valid.

Only the operators that make sense for a type are allowed: all six for dates, numbers and
object links; equals / not equals for regular expressions (matches / does not match) and
texts. Ordering an object link's value needs both sides to be numbers or both times.
Booleans read as ``True``/``False`` (texts compare with them without regard to case).
"""

from __future__ import annotations

import operator as op
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..engine import ObjectLink, Path, parse_measurement


class RuleType(StrEnum):
    DATE = "date"
    NUMBER = "number"
    OBJECT_LINK = "object_link"
    REGEX = "regex"
    STRING = "string"


class Operator(StrEnum):
    GREATER = "greater"
    LOWER = "lower"
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    GREATER_OR_EQUAL = "greater_or_equal"
    LOWER_OR_EQUAL = "lower_or_equal"


_ALL: tuple[Operator, ...] = tuple(Operator)
_EQUALITY = (Operator.EQUALS, Operator.NOT_EQUALS)
OPERATORS: dict[RuleType, tuple[Operator, ...]] = {
    RuleType.DATE: _ALL,
    RuleType.NUMBER: _ALL,
    RuleType.OBJECT_LINK: _ALL,
    RuleType.REGEX: _EQUALITY,
    RuleType.STRING: _EQUALITY,
}
_COMPARE: dict[Operator, Callable[[Any, Any], bool]] = {
    Operator.GREATER: op.gt,
    Operator.LOWER: op.lt,
    Operator.EQUALS: op.eq,
    Operator.NOT_EQUALS: op.ne,
    Operator.GREATER_OR_EQUAL: op.ge,
    Operator.LOWER_OR_EQUAL: op.le,
}
_SYMBOLS = {
    Operator.GREATER: ">",
    Operator.LOWER: "<",
    Operator.EQUALS: "=",
    Operator.NOT_EQUALS: "≠",
    Operator.GREATER_OR_EQUAL: "≥",
    Operator.LOWER_OR_EQUAL: "≤",
}
_REGEX_SYMBOLS = {Operator.EQUALS: "~", Operator.NOT_EQUALS: "!~"}
# What the rule type picker calls each type, in lower case: summaries and errors say the same.
TYPE_NAMES = {
    RuleType.DATE: "date",
    RuleType.NUMBER: "number",
    RuleType.OBJECT_LINK: "object link",
    RuleType.REGEX: "regular expression",
    RuleType.STRING: "text",
}
MAX_OPERAND_LENGTH = 255


class RuleDefinitionError(ValueError):
    """A rule that cannot be used; ``key`` names the translated reason."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ValidationRule:
    """``<value to write> <operator> <operand>``; the operand is kept as entered."""

    type: RuleType
    operator: Operator
    operand: str

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS[self.type]:
            raise RuleDefinitionError("operator_not_for_type", f"{self.type} {self.operator}")
        if len(self.operand) > MAX_OPERAND_LENGTH:
            raise RuleDefinitionError("operand_too_long")
        _OPERAND_CHECKS[self.type](self.operand)

    @property
    def reference(self) -> Path | None:
        """The resource whose current value is the operand (object link rules)."""
        return _resource_path(self.operand) if self.type is RuleType.OBJECT_LINK else None

    def holds(self, value: Any, referenced: Mapping[Path, Any]) -> bool:
        compare = _COMPARE[self.operator]
        match self.type:
            case RuleType.DATE:
                moment = _moment(value)
                return moment is not None and compare(moment, _date_operand(self.operand))
            case RuleType.NUMBER:
                number = _number(value)
                return number is not None and compare(number, float(self.operand))
            case RuleType.REGEX:
                matched = re.fullmatch(self.operand, _text(value)) is not None
                return matched if self.operator is Operator.EQUALS else not matched
            case RuleType.STRING:
                return compare(_folded(value), _folded_like(self.operand, value))
        path = _resource_path(self.operand)
        return path in referenced and _compare_values(compare, value, referenced[path])

    def __str__(self) -> str:
        name = TYPE_NAMES[self.type]
        if self.type is RuleType.REGEX:
            return f'{name} {_REGEX_SYMBOLS[self.operator]} "{self.operand}"'
        operand = f'"{self.operand}"' if self.type is RuleType.STRING else self.operand
        return f"{name} {_SYMBOLS[self.operator]} {operand}"

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type.value, "operator": self.operator.value, "value": self.operand}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValidationRule:
        return cls(RuleType(data["type"]), Operator(data["operator"]), str(data["value"]))


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one value: valid, and per group the first rule that failed."""

    valid: bool
    failed: tuple[ValidationRule | None, ...]

    @property
    def failed_rules(self) -> list[ValidationRule]:
        return [rule for rule in self.failed if rule is not None]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Groups of rules: valid when every rule of at least one group holds."""

    groups: tuple[tuple[ValidationRule, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def references(self) -> set[Path]:
        return {
            rule.reference for group in self.groups for rule in group if rule.reference is not None
        }

    def check(self, value: Any, referenced: Mapping[Path, Any]) -> Verdict:
        if not self.groups:
            return Verdict(True, ())
        failed = tuple(
            next((rule for rule in group if not rule.holds(value, referenced)), None)
            for group in self.groups
        )
        return Verdict(any(rule is None for rule in failed), failed)

    def added(self, group_index: int, rule: ValidationRule) -> RuleSet:
        """A copy with ``rule`` in group ``group_index`` (a new group when it is the count)."""
        groups = list(self.groups)
        if group_index >= len(groups):
            groups.append((rule,))
        else:
            groups[group_index] = (*groups[group_index], rule)
        return RuleSet(tuple(groups))

    def without(self, positions: Iterable[tuple[int, int]]) -> RuleSet:
        """A copy without the rules at (group, rule) positions; emptied groups go."""
        dropped = set(positions)
        groups = (
            tuple(rule for index, rule in enumerate(group) if (number, index) not in dropped)
            for number, group in enumerate(self.groups)
        )
        return RuleSet(tuple(group for group in groups if group))

    def to_list(self) -> list[list[dict[str, str]]]:
        return [[rule.to_dict() for rule in group] for group in self.groups]

    @classmethod
    def from_list(cls, data: Iterable[Iterable[Mapping[str, Any]]]) -> RuleSet:
        groups = (tuple(ValidationRule.from_dict(rule) for rule in group) for group in data)
        return cls(tuple(group for group in groups if group))


# Operands


def _date_operand(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RuleDefinitionError("invalid_date", text) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number_operand(text: str) -> None:
    try:
        number = float(text)
    except ValueError:
        raise RuleDefinitionError("invalid_number", text) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RuleDefinitionError("invalid_number", text)


def _resource_path(text: str) -> Path:
    try:
        path = Path.parse(text.strip())
    except ValueError:
        raise RuleDefinitionError("invalid_object_link", text) from None
    if len(path) not in (3, 4):
        raise RuleDefinitionError("invalid_object_link", text)
    return path


def _regex_operand(text: str) -> None:
    try:
        re.compile(text)
    except re.error as err:
        raise RuleDefinitionError("invalid_regex", str(err)) from None


_OPERAND_CHECKS: dict[RuleType, Callable[[str], object]] = {
    RuleType.DATE: _date_operand,
    RuleType.NUMBER: _number_operand,
    RuleType.OBJECT_LINK: _resource_path,
    RuleType.REGEX: _regex_operand,
    RuleType.STRING: lambda text: None,
}


# Values to compare


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _folded(value: Any) -> str:
    return _text(value).lower() if isinstance(value, bool) else _text(value)


def _folded_like(operand: str, value: Any) -> str:
    return operand.lower() if isinstance(value, bool) else operand


def _number(value: Any) -> float | None:
    if isinstance(value, datetime | bytes | ObjectLink):
        return None
    try:
        return float(parse_measurement(value))
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return _date_operand(value)
        except RuleDefinitionError:
            return None
    return None


def _compare_values(compare: Callable[[Any, Any], bool], value: Any, other: Any) -> bool:
    """An object link rule: times in time, numbers by value, anything else as text.

    Equality compares as numbers only when one side is a number (so the texts "010" and
    "8" differ); ordering needs both sides to read as numbers (or times).
    """
    if other is None:
        return False
    if isinstance(other, datetime) or isinstance(value, datetime):
        left, right = _moment(value), _moment(other)
        return left is not None and right is not None and compare(left, right)
    left_number, right_number = _number(value), _number(other)
    both_numbers = left_number is not None and right_number is not None
    if compare in (op.eq, op.ne):
        if both_numbers and (_is_number(value) or _is_number(other)):
            return compare(left_number, right_number)
        return compare(_folded(value), _folded_like(_text(other), value))
    return both_numbers and compare(left_number, right_number)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)
