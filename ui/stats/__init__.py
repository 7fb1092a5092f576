"""The Stats view: the hunt's figures for a profile and across profiles, as charts and tables."""
