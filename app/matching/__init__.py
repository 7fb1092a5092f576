"""Matching across profiles: resumes, skills, match scores and gaps, recommendations fan-out, Discover."""
