"""Pool deduplication beyond the hash: merging pool jobs that are one posting, re-hashing, possible duplicates."""
