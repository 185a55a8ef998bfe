"""Matching beyond piece work (issue 16): verified employers, reviewed recruitment posts, complaints, applications
with their status history, placements and their follow-up, and the statistics the bureau's report counts."""
