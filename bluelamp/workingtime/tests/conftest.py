"""Working-time fixtures come from the root conftest (`london`, `calendar`, fresh calendars,
the service manager who keeps the national calendar, an adviser who may not)."""
