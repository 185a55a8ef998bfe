"""Livestream job fairs (直播带岗): the fair desk's verbs (events), workers' reservations, the figures fetched
from the Channels API or typed in by hand (figures), and the counts the bureau's report takes (statistics)."""
