"""Knowledge-base articles: public help pages and the desk's own (services, selectors, pages)."""
