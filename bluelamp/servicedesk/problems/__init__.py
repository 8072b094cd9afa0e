"""Problem records and known errors (services, selectors, pages)."""
