-- The mail queue also carries mail to organizers (an invitation to the back office, a sign-in
-- link), and keeps the mail it gave up on so that owners see it in the back office.
-- - A row names its recipient: a signer OR an organizer (never an address: erasing either
--   deletes its mail), and for an organizer the campaign the mail is about.
-- - `kind` has no CHECK any more: the receiver reads it through `MailKind::parse`, the one list
--   of kinds, so that a new kind of mail needs no table rebuild.
-- - `failed_at`: set when the sender gave up (after its retries); such a row is never sent again.
-- SQLite cannot change a column's constraints: the table is rebuilt (nothing refers to it).
CREATE TABLE mail_queue_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    signer_id INTEGER REFERENCES signers (id) ON DELETE CASCADE,
    organizer_id INTEGER REFERENCES organizers (id) ON DELETE CASCADE,
    campaign_id TEXT,
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    failed_at TEXT,
    CHECK ((signer_id IS NULL) <> (organizer_id IS NULL))
);
INSERT INTO mail_queue_new (id, signer_id, kind, lang, attempts, next_attempt_at, last_error, created_at)
    SELECT id, signer_id, kind, lang, attempts, next_attempt_at, last_error, created_at FROM mail_queue;
DROP TABLE mail_queue;
ALTER TABLE mail_queue_new RENAME TO mail_queue;
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at);
CREATE INDEX mail_queue_signer ON mail_queue (signer_id);
CREATE INDEX mail_queue_organizer ON mail_queue (organizer_id);
CREATE INDEX mail_queue_failed ON mail_queue (failed_at);
