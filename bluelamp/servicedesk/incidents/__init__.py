"""Major incidents, the complaints route, and identity checks before password resets and
challenge-response codes. Used by the ticket pages; other domains go through servicedesk.api."""
