-- Per-campaign receiver settings, signatures, idempotency answers, and the history of demand status.
ALTER TABLE campaigns ADD COLUMN source TEXT;
ALTER TABLE campaigns ADD COLUMN moderation TEXT NOT NULL DEFAULT 'auto' CHECK (moderation IN ('auto', 'review'));
ALTER TABLE campaigns ADD COLUMN organizations_need_review INTEGER NOT NULL DEFAULT 1;
-- Partner origins allowed to post signatures, one per line (`https://partner.example`).
ALTER TABLE campaigns ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN min_fill_ms INTEGER NOT NULL DEFAULT 3000;

CREATE TABLE signers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('organization', 'individual')),
    email_normalized TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'spam')),
    listed INTEGER NOT NULL,
    -- The validated submission as JSON (core's signature model).
    data TEXT NOT NULL,
    spam_reason TEXT,
    -- Links the signer to its idempotency answers, so that erasure removes those too.
    payload_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    UNIQUE (campaign_id, email_normalized)
);
CREATE INDEX signers_public ON signers (campaign_id, state, listed, kind, id);

CREATE TABLE idempotency_keys (
    campaign_id TEXT NOT NULL,
    key TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, key)
);

-- Every status change of a demand; the latest row of a demand is its current status. The id
-- orders all changes (it is the SSE event id), so a feed "as of change N" is exact.
CREATE TABLE demand_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id TEXT NOT NULL,
    demand_id TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    evidence TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX demand_history_campaign ON demand_history (campaign_id, demand_id, id);
