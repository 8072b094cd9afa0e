"""What other domains may use of changes and releases: nothing yet (availability will read
releases and maintenance windows)."""

__all__: list[str] = []
