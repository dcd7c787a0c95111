"""Device credentials: the records, their CSV import and merge, and the store both servers read."""
