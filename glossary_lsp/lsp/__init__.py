"""The Language Server Protocol edge: the only package that imports pygls and lsprotocol."""
