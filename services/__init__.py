"""The business of lingong: one module per area, each state change a verb that owns its transaction."""
