"""Device-management requests: one CoAP exchange each, formats negotiated, payloads decoded."""
