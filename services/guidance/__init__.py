"""Counsellors' guidance (职业指导): a record per contact with a worker, corrections as new versions, the case list
of follow-ups due and of hard-to-place tier-1 workers not yet contacted this month, and the worker's own view.
"""
