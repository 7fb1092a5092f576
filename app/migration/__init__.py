"""Migration of v1 per-user job databases into the shared pool: preview, backup, migrate, verify, roll back.

Entry point: `MigrationService(database)` in service.py. Modules: statuses (the synonym table), legacy (reading
v1 rows, hashing, lookup tables), preview (the dry run), migrate (the set-based SQL), verify, rollback, backup
(pg_dump), records (the frozen reports).
"""
