-- Letter revisions (issue 13): every distinct text of a campaign's letter, and the revision each
-- signature endorsed. The letter's own signatories (the campaign file's lists) are kept apart from
-- the signers who signed through the receiver: they have no address and are never confirmed.
CREATE TABLE letter_revisions (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    -- From 1 per campaign, in import order.
    number BIGINT NOT NULL,
    -- SHA-256 (hex) of `text`.
    hash TEXT NOT NULL,
    -- The endorsed text as plain text (server/src/revisions.rs), kept to show what changed.
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, number)
);

-- The revision a signer endorsed (NULL only for signatures stored before revisions existed,
-- until the receiver attaches them to the campaign's first revision at start).
ALTER TABLE signers ADD COLUMN revision BIGINT;

CREATE TABLE letter_signatories (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('organization', 'individual')),
    -- Order in the letter's list.
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    affiliation TEXT,
    -- The revision they signed: the first one for the letter as it was published.
    revision BIGINT NOT NULL
);
CREATE INDEX letter_signatories_campaign ON letter_signatories (campaign_id, kind, position);
