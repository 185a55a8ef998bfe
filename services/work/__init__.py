"""The piece work itself: stations, enterprises and jobs (catalog), orders taken under a guarded counter, the
worker's piece reports, the materials desk and its one balance rule, and quality inspection, which turns accepted
pieces into money owed.
"""
