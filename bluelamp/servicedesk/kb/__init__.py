"""Knowledge base articles and problem records (services, selectors, pages)."""
