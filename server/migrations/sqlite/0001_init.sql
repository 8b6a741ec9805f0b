-- Campaigns the receiver knows, stored as their compiled JSON.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
