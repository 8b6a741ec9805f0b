-- An organizer may mail the signers of an earlier revision a request to endorse the letter's
-- current text; its link is a new purpose of signer link ('endorse'). (The mail queue's kinds
-- are not checked by the database since 0017.)
ALTER TABLE signer_links DROP CONSTRAINT signer_links_purpose_check,
    ADD CONSTRAINT signer_links_purpose_check CHECK (purpose IN ('confirm', 'withdraw', 'endorse'));
