"""Tests for the LwM2M integration."""
