-- Rate-limit buckets (issue 16). Only PostgreSQL uses them (instances sharing one database); a
-- SQLite receiver is one instance and counts in memory. The table exists on both so that the
-- schemas stay alike.
CREATE TABLE rate_limit_buckets (
    client TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    updated_ms INTEGER NOT NULL,
    granted INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rate_limit_buckets_updated ON rate_limit_buckets (updated_ms);
