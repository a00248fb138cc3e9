"""A provincial instance: the public (and, with a token, shared) layers of many park instances
harvested through their own OGC APIs into one database, a ``park_code`` on every row."""
