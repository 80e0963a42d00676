"""The course rules, one module per family; `diagnose` runs them."""
