"""LwM2M for Home Assistant."""
