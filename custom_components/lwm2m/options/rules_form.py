"""The options-flow editor of a resource's validation rules: one rule added and any removed
per answer; an answer that changes nothing ends the editing."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ..device_protocols.validation import (
    Operator,
    RuleDefinitionError,
    RuleSet,
    RuleType,
    ValidationRule,
)

REMOVE = "remove"
GROUP = "group"
RULE_TYPE = "rule_type"
OPERATOR = "operator"
VALUE = "value"


class RulesFormError(ValueError):
    """An answer the editor cannot take; ``field`` and ``key`` say where and why."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key


def rules_schema(rules: RuleSet) -> vol.Schema:
    groups = len(rules.groups)
    fields: dict[Any, Any] = {}
    if rules:
        fields[vol.Optional(REMOVE, default=[])] = SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=f"{g}:{i}", label=f"{g + 1}: {rule}")
                    for g, group in enumerate(rules.groups)
                    for i, rule in enumerate(group)
                ],
                multiple=True,
                mode=SelectSelectorMode.LIST,
            )
        )
    fields[vol.Required(GROUP, default=max(groups, 1))] = NumberSelector(
        NumberSelectorConfig(min=1, max=groups + 1, step=1, mode=NumberSelectorMode.BOX)
    )
    fields[vol.Required(RULE_TYPE, default=RuleType.STRING.value)] = _select(
        [kind.value for kind in RuleType], "rule_type"
    )
    fields[vol.Required(OPERATOR, default=Operator.EQUALS.value)] = _select(
        [operator.value for operator in Operator], "rule_operator"
    )
    fields[vol.Optional(VALUE)] = TextSelector()
    return vol.Schema(fields)


def _select(options: list[str], translation_key: str) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=options, mode=SelectSelectorMode.DROPDOWN, translation_key=translation_key
        )
    )


def rules_text(rules: RuleSet) -> str:
    """One line per group, its rules joined by ∧ (every rule of a line must hold)."""
    lines = [
        f"{number}. " + " ∧ ".join(str(rule) for rule in group)
        for number, group in enumerate(rules.groups, start=1)
    ]
    return "\n".join(lines)


def edited(rules: RuleSet, data: dict[str, Any]) -> RuleSet | None:
    """The rules after the answer, or None when it changes nothing.

    Raises RulesFormError for a rule that cannot be used.
    """
    operand = data.get(VALUE)
    removed = [_position(item) for item in data.get(REMOVE, [])]
    if operand is None and not removed:
        return None
    result = rules
    if operand is not None:  # the group selector keeps the number within 1..groups + 1
        result = result.added(int(data[GROUP]) - 1, _rule(data, str(operand)))
    return result.without(removed)


def _rule(data: dict[str, Any], operand: str) -> ValidationRule:
    try:
        return ValidationRule(RuleType(data[RULE_TYPE]), Operator(data[OPERATOR]), operand)
    except RuleDefinitionError as err:
        field = OPERATOR if err.key == "operator_not_for_type" else VALUE
        raise RulesFormError(field, err.key) from err


def _position(item: str) -> tuple[int, int]:
    group, _, index = item.partition(":")
    return int(group), int(index)
