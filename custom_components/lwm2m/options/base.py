"""What every part of the options flow shares: the loaded entry's runtime data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import OptionsFlow
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

if TYPE_CHECKING:
    from ..data import LwM2MData


class LwM2MOptionsBase(OptionsFlow):
    """An options flow of a loaded LwM2M entry (the menu refuses to start otherwise)."""

    @property
    def _data(self) -> LwM2MData:
        data: LwM2MData = self.config_entry.runtime_data
        return data


def dropdown(options: list[dict[str, str]]) -> SelectSelector:
    """A single choice among labelled options."""
    return SelectSelector(
        SelectSelectorConfig(
            options=options,  # type: ignore[typeddict-item]
            mode=SelectSelectorMode.DROPDOWN,
        )
    )


def searchable(options: list[dict[str, str]]) -> SelectSelector:
    """A single choice among many labelled options: the picker filters them as the user
    types (what is typed may also come back as the answer)."""
    return SelectSelector(
        SelectSelectorConfig(
            options=options,  # type: ignore[typeddict-item]
            mode=SelectSelectorMode.DROPDOWN,
            custom_value=True,
        )
    )


def multi_select(options: list[dict[str, str]]) -> SelectSelector:
    """Any number of labelled options."""
    return SelectSelector(
        SelectSelectorConfig(
            options=options,  # type: ignore[typeddict-item]
            multiple=True,
            mode=SelectSelectorMode.DROPDOWN,
        )
    )
