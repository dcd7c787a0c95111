"""The device shell: its command syntax, parsed into requests. No Home Assistant here."""
