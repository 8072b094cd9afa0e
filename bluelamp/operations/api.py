"""What other domains may use of production operations (the change/release issue's status page
will read the health and backup reports from here)."""

__all__: list[str] = []
