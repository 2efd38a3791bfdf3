"""Storage of batches, their rows and the audit trail (SQLAlchemy 2).

SQLite in the data directory is the embedded default; PostgreSQL serves deployments where
several processes share one store. The schema is managed by Alembic (``bsu db upgrade``).
"""
