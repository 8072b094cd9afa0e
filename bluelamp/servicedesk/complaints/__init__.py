"""Complaints: the route a complaint follows, and its outcome (services, selectors, the work page's form)."""
