"""Engine errors as translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .engine import (
    DeviceNotRegisteredError,
    InvalidResponseError,
    LwM2MError,
    Path,
    QueueFullError,
    RequestCancelledError,
    RequestFailedError,
    RequestTimeoutError,
    ResponseTimeoutError,
)


def validation_error(translation_key: str, **placeholders: str) -> ServiceValidationError:
    """Bad input from the user, explained by translation ``exceptions.<translation_key>``."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


def device_error(translation_key: str, **placeholders: str) -> HomeAssistantError:
    """A device or the engine failed a request, explained by ``exceptions.<translation_key>``."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


@contextmanager
def engine_errors(endpoint: str, path: Path) -> Iterator[None]:
    """Turn the engine's errors for a request on ``path`` into Home Assistant errors."""
    where = {"endpoint": endpoint, "path": str(path)}
    try:
        yield
    except DeviceNotRegisteredError as err:
        raise validation_error("not_registered", endpoint=endpoint) from err
    except RequestFailedError as err:
        raise device_error("request_failed", code=err.code, **where) from err
    except RequestTimeoutError as err:
        raise device_error("request_timeout", **where) from err
    except ResponseTimeoutError as err:
        raise device_error("response_timeout", seconds=f"{err.seconds:g}", **where) from err
    except RequestCancelledError as err:
        raise device_error("request_cancelled", **where) from err
    except QueueFullError as err:
        raise device_error("queue_full", limit=str(err.limit), endpoint=endpoint) from err
    except InvalidResponseError as err:
        raise device_error("invalid_response", detail=err.detail, **where) from err
    except LwM2MError as err:
        raise device_error("request_error", detail=str(err), **where) from err
