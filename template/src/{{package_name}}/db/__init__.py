"""The data layer: `engine` builds the AsyncEngine, `session` hands out sessions, `base`
declares models. Import each from its module."""
