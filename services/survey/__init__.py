"""The employer demand survey (走访摸排): visit records kept as versions (records) and the demand they add up to
by month and by season (demand), so the market can plan for 旺季用工紧、淡季人力闲."""
