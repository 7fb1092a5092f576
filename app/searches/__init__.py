"""Saved searches: a profile's Apify search run on a schedule, by the window or by `run-due`."""
