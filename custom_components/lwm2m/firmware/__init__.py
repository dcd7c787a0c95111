"""Firmware in Home Assistant: the registered images, the updates of each device, the
shell's ``fwupdate``, and how versions compare."""
