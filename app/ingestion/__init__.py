"""Ingestion: sources (files, Apify), per-actor normalizers and the pool-deduplicating pipeline."""
