"""glossary-lsp: a course's glossary in the editor."""

__version__ = "0.1.0"
