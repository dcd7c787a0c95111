"""The CoAP side of the servers: UDP sockets, the optional DTLS port, answers to uplinks."""
