-- Email confirmation (double opt-in), signature links and the durable outgoing mail queue.
-- `confirmation`: 'email' or 'off'. Campaigns of an earlier release keep signing as they did
-- ('off'); the receiver writes 'email' for every campaign it creates from now on.
ALTER TABLE campaigns ADD COLUMN confirmation TEXT NOT NULL DEFAULT 'off' CHECK (confirmation IN ('email', 'off'));
-- 1 until the address's owner confirms through the link in the mail: not counted, listed or
-- exported meanwhile. Rows of an earlier release, and imported rows, are confirmed (0).
ALTER TABLE signers ADD COLUMN awaiting_confirmation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX signers_unconfirmed ON signers (awaiting_confirmation, created_at);

-- The links in mails: only a hash of each token is kept; a link works once, until it expires.
CREATE TABLE signer_links (
    token_hash TEXT PRIMARY KEY,
    signer_id INTEGER NOT NULL REFERENCES signers (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'withdraw')),
    expires_at TEXT NOT NULL
);
CREATE INDEX signer_links_signer ON signer_links (signer_id);

-- Mail to send, written in the same transaction as what it reports (so an acknowledged signature
-- always gets its mail) and deleted once sent. It holds no address or text: the sender reads
-- them from the signer when it sends, so erasing a signer also cancels its mail.
CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    signer_id INTEGER NOT NULL REFERENCES signers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('signed', 'repeat', 'withdraw_link')),
    lang TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at);
CREATE INDEX mail_queue_signer ON mail_queue (signer_id);
