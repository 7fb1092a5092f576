"""Insights: where the hunt stands, per profile and across profiles, computed from the status history."""
