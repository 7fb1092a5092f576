"""Team mode: one PostgreSQL server shared by several desktops, each person's profiles private (row-level security)."""
