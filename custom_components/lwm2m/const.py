"""Constants of the LwM2M integration."""

DOMAIN = "lwm2m"
