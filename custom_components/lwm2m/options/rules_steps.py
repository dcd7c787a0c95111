"""Options-flow steps of validation rules: pick a writable resource, then edit its rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import ConfigFlowResult

from ..device_protocols.validation import RuleSet
from . import protocol_form as form
from .protocol_steps import CONF_RESOURCE, ProtocolSteps
from .rules_form import RulesFormError, edited, rules_schema, rules_text


class RulesSteps(ProtocolSteps):
    """rules_pick -> rules_add or rules_edit (repeated until an answer changes nothing) ->
    the object's menu."""

    _rules: RuleSet | None = None

    async def async_step_rules_pick(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj = self._chosen_object
        if user_input is not None:
            self._resource = obj.resource(int(user_input[CONF_RESOURCE]))
            self._rules = None
            return await self.async_step_rules_edit()
        return self._show_resource_pick(
            "rules_pick", form.resource_choices(obj, writable_only=True)
        )

    async def async_step_rules_edit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj, resource = self._chosen_object, self._chosen_resource
        previous, before = self._chosen_resource_settings()
        rules = self._rules if self._rules is not None else before.rules
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                changed = edited(rules, user_input)
            except RulesFormError as err:
                errors[err.field] = err.key
            else:
                if changed is None:
                    settings = replace(before, rules=rules)
                    return await self._async_save(
                        form.with_resource(obj, previous, resource.id, settings)
                    )
                rules = changed
        self._rules = rules
        placeholders = {
            "resource": f"{resource.id} {resource.name}",
            "object": f"{obj.id} {obj.name}",
        }
        if rules:
            placeholders["rules"] = rules_text(rules)
        return self.async_show_form(
            step_id="rules_edit" if rules else "rules_add",
            data_schema=rules_schema(rules),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_rules_add(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The editor while the resource has no rule yet (its text says so)."""
        return await self.async_step_rules_edit(user_input)
