"""LwM2M values as people and files see them: JSON forms, typed input, names of codes,
the device's identity. No Home Assistant here."""
