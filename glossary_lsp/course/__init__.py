"""The course: its modules, their order and identity, and the index of the terms they use."""
