"""The options flow: credentials, object definitions, device protocols, firmware images and
pending devices, each topic in a module of its own."""
