"""The firmware tests' server runs on a manual clock and has an updater; their devices
install in 10 ms."""

from .firmware_harness import (
    make_device,
    server_options,
    updater,
    updater_options,
)
from .image_server import images

__all__ = [
    "images",
    "make_device",
    "server_options",
    "updater",
    "updater_options",
]
