"""Errors raised by the engine's device-management API."""

from __future__ import annotations

from .path import Path


class LwM2MError(Exception):
    """Base of every error the engine raises to its users."""


class DeviceNotRegisteredError(LwM2MError):
    """The endpoint has no live registration."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(f"device {endpoint!r} is not registered")
        self.endpoint = endpoint


class RequestFailedError(LwM2MError):
    """The device answered a request with an error response code (4.xx/5.xx)."""

    def __init__(self, endpoint: str, path: Path, code: str, detail: str = "") -> None:
        message = f"{endpoint}: {path} failed with {code}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)
        self.endpoint = endpoint
        self.path = path
        self.code = code  # dotted CoAP code, e.g. "4.04"
        self.detail = detail


class RequestTimeoutError(LwM2MError):
    """The device did not answer in time."""

    def __init__(self, endpoint: str, path: Path) -> None:
        super().__init__(f"{endpoint}: {path} timed out")
        self.endpoint = endpoint
        self.path = path


class ResponseTimeoutError(LwM2MError):
    """The device acknowledged a request but sent no response within ``seconds``.

    Unlike RequestTimeoutError, the device took the request in: a queue-mode device's
    request is not queued again.
    """

    def __init__(self, endpoint: str, path: Path, seconds: float) -> None:
        super().__init__(f"{endpoint}: {path} was acknowledged but not answered in {seconds:g} s")
        self.endpoint = endpoint
        self.path = path
        self.seconds = seconds


class QueueFullError(LwM2MError):
    """A sleeping queue-mode device has too many requests waiting."""

    def __init__(self, endpoint: str, limit: int) -> None:
        super().__init__(f"{endpoint}: request queue is full ({limit} requests)")
        self.endpoint = endpoint
        self.limit = limit


class RequestCancelledError(LwM2MError):
    """A queued request was cancelled before the sleeping device woke up for it."""

    def __init__(self, endpoint: str, path: Path) -> None:
        super().__init__(f"{endpoint}: {path} was cancelled while queued")
        self.endpoint = endpoint
        self.path = path


class InvalidResponseError(LwM2MError):
    """The device answered with a payload that could not be decoded."""

    def __init__(self, endpoint: str, path: Path, detail: str) -> None:
        super().__init__(f"{endpoint}: {path} answered with an undecodable payload: {detail}")
        self.endpoint = endpoint
        self.path = path
        self.detail = detail


class DevicePendingError(DeviceNotRegisteredError):
    """The endpoint registered but waits for the installer to accept it: no requests."""

    def __init__(self, endpoint: str) -> None:
        LwM2MError.__init__(self, f"device {endpoint!r} is waiting to be accepted")
        self.endpoint = endpoint
