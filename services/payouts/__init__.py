"""Paying workers: WeChat Pay transfers in two phases with one state machine (transfers), result notifies, the
in-flight sweeper, cash at the station desk, the pieces each payout settles (items), the payout policy, and what
workers and the console's board see of them.
"""
