"""LwM2M protocol engine. It never imports Home Assistant."""
