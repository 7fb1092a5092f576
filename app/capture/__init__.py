"""Capturing one job by hand, from a posting URL or from a saved page."""
