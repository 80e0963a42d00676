"""Text: positions (offsets ↔ LSP), document views and prose detection."""
