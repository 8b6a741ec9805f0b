-- An organizer may mail the signers of an earlier revision a request to endorse the letter's
-- current text; its link is a new purpose of signer link ('endorse'). (The mail queue's kinds
-- are not checked by the database since 0017.) SQLite cannot change a CHECK constraint in place,
-- so the links' table is rebuilt with its rows (nothing refers to it; it refers to `signers`,
-- whose rows stay).
CREATE TABLE signer_links_new (
    token_hash TEXT PRIMARY KEY,
    signer_id INTEGER NOT NULL REFERENCES signers (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'withdraw', 'endorse')),
    expires_at TEXT NOT NULL
);
INSERT INTO signer_links_new (token_hash, signer_id, purpose, expires_at)
    SELECT token_hash, signer_id, purpose, expires_at FROM signer_links;
DROP TABLE signer_links;
ALTER TABLE signer_links_new RENAME TO signer_links;
CREATE INDEX signer_links_signer ON signer_links (signer_id);
