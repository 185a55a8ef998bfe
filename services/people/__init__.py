"""Who is who: worker and staff accounts, tokens and console sessions, staff sign-in and its throttle, the
official account's followers and bind codes, the desk's worker code, access scope (who may act where) and the
console's directory of workers and the audit log.
"""
