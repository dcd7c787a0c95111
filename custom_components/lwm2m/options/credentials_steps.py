"""Options-flow steps of the credentials CSV: upload, then a preview of what the import adds
and changes, or of every row's problems (all rows are imported, or none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import FileSelector, FileSelectorConfig
from homeassistant.util import dt as dt_util

from ..const import LOGGER
from ..engine import CredentialsCSVError, merge_credentials
from .base import LwM2MOptionsBase
from .credentials_report import (
    REPORT_FOLDER,
    SHOWN_PROBLEMS,
    CsvPreview,
    write_problems,
)
from .text_decoding import UndecodableTextError
from .uploads import UploadTooLargeError, read_credentials_csv

CONF_FILE = "file"


class CredentialsSteps(LwM2MOptionsBase):
    """import_credentials -> credentials_preview -> imported, or credentials_problems -> back
    to the upload."""

    _preview: CsvPreview | None = None

    async def async_step_import_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            try:
                self._preview = await self._async_preview(user_input[CONF_FILE])
            except UndecodableTextError as err:
                errors[CONF_FILE] = "csv_not_utf8"
                placeholders = {
                    "line": str(err.line),
                    "column": str(err.column),
                    "byte": f"{err.byte:02X}",
                }
            except UploadTooLargeError:
                errors[CONF_FILE] = "file_too_large"
            else:
                return await self.async_step_credentials_preview()
        return self.async_show_form(
            step_id="import_credentials",
            data_schema=vol.Schema(
                {vol.Required(CONF_FILE): FileSelector(FileSelectorConfig(accept=".csv,text/csv"))}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_preview(self, file_id: str) -> CsvPreview:
        upload = await self.hass.async_add_executor_job(read_credentials_csv, self.hass, file_id)
        problems = upload.problems
        rows = len(upload.records)
        if problems is None:
            try:
                merged, summary = merge_credentials(self._data.storage.credentials, upload.records)
            except CredentialsCSVError as err:
                problems = err
            else:
                return CsvPreview(
                    upload.name, upload.encoding, rows, merged=merged, summary=summary
                )
        preview = CsvPreview(upload.name, upload.encoding, rows, problems=problems)
        if len(problems.errors) > SHOWN_PROBLEMS:
            folder = Path(self.hass.config.path(REPORT_FOLDER))
            preview.problems_file = await self.hass.async_add_executor_job(
                write_problems, folder, preview, dt_util.now()
            )
        return preview

    async def async_step_credentials_preview(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        preview = self._preview
        assert preview is not None  # import_credentials leads here with a read file
        if preview.merged is None:
            return await self.async_step_credentials_problems()
        if user_input is None:
            return self.async_show_form(
                step_id="credentials_preview", description_placeholders=preview.placeholders()
            )
        await self._data.hub.async_set_credentials(preview.merged)
        LOGGER.info("Imported device credentials from %s: %s", preview.name, preview.counts())
        return self.async_abort(
            reason="credentials_imported", description_placeholders=preview.placeholders()
        )

    async def async_step_credentials_problems(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Every problem of the file; submitting leads back to the upload."""
        preview = self._preview
        assert preview is not None
        if user_input is not None:
            return await self.async_step_import_credentials()
        return self.async_show_form(
            step_id="credentials_problems",
            description_placeholders=preview.problem_placeholders(),
        )
