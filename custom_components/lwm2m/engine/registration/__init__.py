"""Registrations: the record, Register and Update parsing, the live store, the registrar."""
