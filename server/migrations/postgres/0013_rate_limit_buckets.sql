-- Rate-limit buckets shared by every instance on this database (issue 16): one row per client
-- key (an IPv4 address or an IPv6 /64), refilled by elapsed time on each use.
CREATE TABLE rate_limit_buckets (
    client TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_ms BIGINT NOT NULL,
    granted BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX rate_limit_buckets_updated ON rate_limit_buckets (updated_ms);
