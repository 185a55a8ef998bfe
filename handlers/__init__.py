"""Flask blueprints, one per audience: parse, call one service, serialise."""
