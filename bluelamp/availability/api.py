"""What other domains may use of availability: nothing. It shows itself through the site's
registries (core.plugins: its header link, the maintenance banner, its minute job)."""

__all__: list[str] = []
