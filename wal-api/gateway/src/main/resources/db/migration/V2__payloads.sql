-- Payloads too large for their log (a claim check): the log's envelope carries a PayloadRef and the
-- bytes live here under the entry id until they expire, which is long enough for every delivery,
-- retry and dead-letter replay of the entry (walgate.gateway.payload-retention after it is due).
CREATE TABLE payloads (
    entry_id   uuid        PRIMARY KEY,
    namespace  text        NOT NULL,
    payload    bytea       NOT NULL,
    sha256     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX payloads_expiry ON payloads (expires_at);
