"""The LwM2M server: its CoAP resources, observations, queue mode and the request API."""
