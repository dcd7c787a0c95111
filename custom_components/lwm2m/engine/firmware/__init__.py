"""Firmware updates (object 5): images, download grants, one run per device, the updater."""
