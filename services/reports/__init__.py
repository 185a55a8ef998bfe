"""What the market reports: today's figures at a glance (dashboard), the figures for the county HR bureau
(statistics), and the demo market for the embedded default.
"""
