"""Notices to workers inside WeChat: the outbox written in the business transaction and delivered after
commit, and the evening earnings summary.
"""
