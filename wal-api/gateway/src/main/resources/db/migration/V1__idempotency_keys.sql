-- Which entry an idempotency key stands for, shared by every gateway of the deployment.
-- One row per live key; rows past expires_at are dead and purged in the background.
CREATE TABLE idempotency_keys (
    namespace       text        NOT NULL,
    idempotency_key text        NOT NULL,
    entry_id        uuid        NOT NULL,
    -- SHA-256 of the request, to refuse the key's reuse for a different request.
    fingerprint     bytea       NOT NULL,
    -- PENDING (being written), DURABLE (in the log), UNKNOWN (outcome unknown: a repeat re-appends).
    state           text        NOT NULL CHECK (state IN ('PENDING', 'DURABLE', 'UNKNOWN')),
    -- The claim that last wrote the row; settling a claim that was taken over changes nothing.
    claim_token     uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (namespace, idempotency_key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
