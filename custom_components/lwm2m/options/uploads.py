"""Reading files the user uploaded in a flow (blocking: run in the executor)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from homeassistant.components.file_upload import process_uploaded_file
from homeassistant.core import HomeAssistant

from ..engine import CredentialsCSVError, DeviceCredentials, parse_credentials_csv
from ..firmware.library import copy_image
from .text_decoding import decode_text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadTooLargeError(ValueError):
    """The uploaded file is larger than any credentials CSV or DDF should be."""


def read_upload(hass: HomeAssistant, file_id: str) -> tuple[str, bytes]:
    """The uploaded file's name and content."""
    with process_uploaded_file(hass, file_id) as path:
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise UploadTooLargeError(path.name)
        return path.name, path.read_bytes()


@dataclass(frozen=True, slots=True)
class CredentialsFile:
    """An uploaded credentials CSV: its rows, or the problems that refuse them."""

    name: str
    encoding: str
    records: list[DeviceCredentials]
    problems: CredentialsCSVError | None = None


def read_credentials_csv(hass: HomeAssistant, file_id: str) -> CredentialsFile:
    """Read and parse an uploaded credentials CSV.

    Raises UndecodableTextError or UploadTooLargeError.
    """
    name, content = read_upload(hass, file_id)
    decoded = decode_text(content)
    try:
        records = parse_credentials_csv(decoded.text)
    except CredentialsCSVError as err:
        return CredentialsFile(name, decoded.encoding, [], err)
    return CredentialsFile(name, decoded.encoding, records)


def receive_firmware(hass: HomeAssistant, file_id: str, folder: Path) -> tuple[str, str, int]:
    """Move an uploaded firmware image into ``folder``: (file name, sha256, size).

    Raises ImageTooLargeError or EmptyImageError.
    """
    with process_uploaded_file(hass, file_id) as path:
        sha256, size = copy_image(path, folder)
        return path.name, sha256, size
