"""The project's own geography data (see SOURCES.md)."""
