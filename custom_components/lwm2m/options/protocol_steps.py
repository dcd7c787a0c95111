"""Options-flow steps of device protocols: the object, its resources' entities and
observation, and one resource's functionalities."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)

from ..device_protocols.settings import ObjectProtocol, ResourceSettings
from ..engine import ObjectDef, ResourceDef
from . import protocol_form as form
from .base import LwM2MOptionsBase, dropdown, multi_select, searchable
from .functions_form import FunctionsFormError, functions_schema, settings_from_input

CONF_OBJECT = "object"
CONF_RESOURCE = "resource"

_PERIOD = NumberSelector(NumberSelectorConfig(min=0, step=1, mode=NumberSelectorMode.BOX))
_NUMBER = NumberSelector(NumberSelectorConfig(step="any", mode=NumberSelectorMode.BOX))


class ProtocolSteps(LwM2MOptionsBase):
    """Device protocol -> object -> (entities and observation | one resource | rules): each
    answer is saved at once and leads back to the object's menu, until Done."""

    _object: ObjectDef | None = None
    _resource: ResourceDef | None = None
    _saved: bool = False

    @property
    def _chosen_object(self) -> ObjectDef:
        assert self._object is not None  # every step after device_protocols has one
        return self._object

    @property
    def _chosen_resource(self) -> ResourceDef:
        assert self._resource is not None  # every step after a resource pick has one
        return self._resource

    async def async_step_device_protocols(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        object_registry = self._data.object_registry
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            answer = str(user_input[CONF_OBJECT])
            self._object = form.find_object(object_registry, answer)
            if self._object is not None:
                self._saved = False
                return await self.async_step_protocol_object()
            errors[CONF_OBJECT] = "object_not_found"
            placeholders["answer"] = answer
        hub = self._data.hub
        seen = {path.ids[0] for state in hub.devices.values() for path in state.objects if path.ids}
        return self.async_show_form(
            step_id="device_protocols",
            data_schema=vol.Schema(
                {vol.Required(CONF_OBJECT): searchable(form.object_choices(object_registry, seen))}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_protocol_object(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj = self._chosen_object
        options = ["protocol_resources", "resource_pick"]
        if form.resource_choices(obj, writable_only=True):
            options.append("rules_pick")
        options.append("protocol_done")
        summary = _summary(obj, self._data.storage.protocols.get(obj.id))
        placeholders = {"object": f"{obj.id} {obj.name}"}
        if summary:
            placeholders["summary"] = summary
        return self.async_show_menu(
            step_id="protocol_object_configured" if summary else "protocol_object",
            menu_options=options,
            description_placeholders=placeholders,
        )

    async def async_step_protocol_object_configured(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The object's menu once it has a protocol (its text lists what is configured)."""
        return await self.async_step_protocol_object(user_input)

    async def async_step_protocol_done(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj = self._chosen_object
        return self.async_abort(
            reason="protocol_saved" if self._saved else "protocol_unchanged",
            description_placeholders={"object": f"{obj.id} {obj.name}"},
        )

    async def async_step_protocol_resources(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj = self._chosen_object
        previous = self._data.storage.protocols.get(obj.id)
        errors: dict[str, str] = {}
        if user_input is not None:
            pmin, pmax = user_input.get(form.PMIN), user_input.get(form.PMAX)
            if pmin is not None and pmax is not None and pmin > pmax:
                errors[form.PMIN] = "pmin_above_pmax"
            elif user_input.get(form.RESET):
                return await self._async_save(None)
            elif form.unobservable(obj, user_input, previous):
                errors[form.OBSERVED] = "observe_needs_functionality"
            else:
                return await self._async_save(form.protocol_from_choice(obj, user_input, previous))
        current = form.current_choice(obj, previous)
        schema = vol.Schema(
            {
                vol.Optional(form.SHOWN, default=current[form.SHOWN]): multi_select(
                    form.resource_choices(obj)
                ),
                vol.Optional(form.OBSERVED, default=current[form.OBSERVED]): multi_select(
                    form.resource_choices(obj, readable_only=True)
                ),
                vol.Optional(form.PMIN): _PERIOD,
                vol.Optional(form.PMAX): _PERIOD,
                vol.Optional(form.GT): _NUMBER,
                vol.Optional(form.LT): _NUMBER,
                vol.Optional(form.ST): _NUMBER,
                vol.Optional(form.RESET, default=False): BooleanSelector(),
            }
        )
        attributes = (form.PMIN, form.PMAX, form.GT, form.LT, form.ST)
        suggested = {key: current[key] for key in attributes if current[key] is not None}
        return self.async_show_form(
            step_id="protocol_resources",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={"object": f"{obj.id} {obj.name}"},
        )

    def _show_resource_pick(self, step_id: str, choices: list[dict[str, str]]) -> ConfigFlowResult:
        """A dropdown of the chosen object's resources (``choices``) under ``step_id``."""
        obj = self._chosen_object
        return self.async_show_form(
            step_id=step_id,
            data_schema=vol.Schema({vol.Required(CONF_RESOURCE): dropdown(choices)}),
            description_placeholders={"object": f"{obj.id} {obj.name}"},
        )

    def _chosen_resource_settings(self) -> tuple[ObjectProtocol | None, ResourceSettings]:
        """The chosen object's stored protocol and the chosen resource's settings now."""
        obj, resource = self._chosen_object, self._chosen_resource
        previous = self._data.storage.protocols.get(obj.id)
        before = form.protocol_or_defaults(obj, previous).settings(resource.id)
        return previous, before or ResourceSettings(show=False)

    async def async_step_resource_pick(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj = self._chosen_object
        if user_input is not None:
            self._resource = obj.resource(int(user_input[CONF_RESOURCE]))
            return await self.async_step_resource_functions()
        return self._show_resource_pick(
            "resource_pick", form.resource_choices(obj, readable_only=True)
        )

    async def async_step_resource_functions(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        obj, resource = self._chosen_object, self._chosen_resource
        previous, before = self._chosen_resource_settings()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                settings = settings_from_input(before, user_input)
            except FunctionsFormError as err:
                errors["base"] = err.key
            else:
                return await self._async_save(
                    form.with_resource(obj, previous, resource.id, settings)
                )
        return self.async_show_form(
            step_id="resource_functions",
            data_schema=functions_schema(before, numeric=resource.type.is_numeric),
            errors=errors,
            description_placeholders={
                "object": f"{obj.id} {obj.name}",
                "resource": f"{resource.id} {resource.name}",
                "type": resource.type.value,
            },
        )

    async def _async_save(self, protocol: ObjectProtocol | None) -> ConfigFlowResult:
        """Store the object's protocol (None: back to the defaults); entities follow, and
        the object's menu comes back for the next change."""
        obj = self._chosen_object
        storage = self._data.storage
        if protocol is None:
            storage.protocols.objects.pop(obj.id, None)
        else:
            storage.protocols.objects[obj.id] = protocol
        await storage.async_save_protocols()
        await self._data.hub.async_settings_changed()
        self._saved = True
        return await self.async_step_protocol_object()


def _summary(obj: ObjectDef, protocol: ObjectProtocol | None) -> str:
    """One line per configured resource: what it has (empty: nothing is configured)."""
    if protocol is None:
        return ""
    lines = []
    known = [(rid, s) for rid, s in sorted(protocol.resources.items()) if rid in obj.resources]
    for rid, settings in known:
        flags = {
            "shown": settings.show,
            **dict.fromkeys((name.replace("_", " ") for name in settings.functions), True),
            "observed": settings.observes,
            "validation": bool(settings.rules),
        }
        traits = ", ".join(name for name, on in flags.items() if on) or "hidden"
        lines.append(f"- {rid} {obj.resources[rid].name}: {traits}")
    return "\n".join(lines)
