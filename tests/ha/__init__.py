"""Tests of the Home Assistant face."""
