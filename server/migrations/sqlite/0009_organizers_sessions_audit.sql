-- The organizers' back office (/admin): accounts, roles per campaign, sessions, one-time links
-- (invitations, sign-in links), bearer tokens for scripts, sign-in failures (throttling),
-- deliveries of the letter, and the audit log of every change, sign-in and export.
CREATE TABLE organizers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Lower-cased, trimmed.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- argon2id in PHC format; NULL until an invited organizer chooses a password.
    password_hash TEXT,
    created_at TEXT NOT NULL
);

-- `campaign_id` '*' gives the role on every campaign.
CREATE TABLE organizer_roles (
    organizer_id INTEGER NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    campaign_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'moderator', 'viewer')),
    PRIMARY KEY (organizer_id, campaign_id)
);

-- Only the SHA-256 of a session token is kept: a copy of the database signs nobody in.
CREATE TABLE organizer_sessions (
    token_hash TEXT PRIMARY KEY,
    organizer_id INTEGER NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX organizer_sessions_organizer ON organizer_sessions (organizer_id);

-- Invitations and sign-in links: used once, before `expires_at`.
CREATE TABLE organizer_links (
    token_hash TEXT PRIMARY KEY,
    organizer_id INTEGER NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'sign_in')),
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organizer_id INTEGER NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    campaign_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'moderator', 'viewer')),
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

-- One row per failed sign-in, by account (`account:<email>`) and by client address
-- (`address:<ip>`); rows older than the throttling window are deleted.
CREATE TABLE sign_in_failures (
    subject TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    delivered_on TEXT NOT NULL,
    recipient TEXT NOT NULL,
    method TEXT NOT NULL,
    note TEXT NOT NULL,
    -- Organizers may show the record on the public letter page.
    public INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    -- Who: an organizer's email, `token:<label> (<email>)`, `admin-token` or `cli`.
    actor TEXT NOT NULL,
    -- '' for actions on no campaign (sign-ins, organizers with a role on every campaign).
    campaign_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id);
