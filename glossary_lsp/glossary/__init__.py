"""The glossary: its model, loading and merging, the glossary store, the seed importer."""
