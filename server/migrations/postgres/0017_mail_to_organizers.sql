-- The mail queue also carries mail to organizers (an invitation to the back office, a sign-in
-- link), and keeps the mail it gave up on so that owners see it in the back office.
-- - A row names its recipient: a signer OR an organizer (never an address: erasing either
--   deletes its mail), and for an organizer the campaign the mail is about.
-- - `kind` has no CHECK any more: the receiver reads it through `MailKind::parse`, the one list
--   of kinds, so that a new kind of mail needs no migration.
-- - `failed_at`: set when the sender gave up (after its retries); such a row is never sent again.
ALTER TABLE mail_queue DROP CONSTRAINT IF EXISTS mail_queue_kind_check;
ALTER TABLE mail_queue ALTER COLUMN signer_id DROP NOT NULL;
ALTER TABLE mail_queue ADD COLUMN organizer_id BIGINT REFERENCES organizers (id) ON DELETE CASCADE;
ALTER TABLE mail_queue ADD COLUMN campaign_id TEXT;
ALTER TABLE mail_queue ADD COLUMN failed_at TEXT;
ALTER TABLE mail_queue ADD CONSTRAINT mail_queue_one_recipient CHECK ((signer_id IS NULL) <> (organizer_id IS NULL));
CREATE INDEX mail_queue_organizer ON mail_queue (organizer_id);
CREATE INDEX mail_queue_failed ON mail_queue (failed_at);
