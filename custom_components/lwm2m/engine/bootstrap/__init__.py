"""The LwM2M bootstrap server: requests, what is written to a device, and the sequence."""
