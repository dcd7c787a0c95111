"""Tests of the HA-free protocol engine."""
