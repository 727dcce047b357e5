-- Mutations (MutateItems): the items live here, the log carries one marker entry per mutation whose
-- entry id is the mutation id (docs/api.md#mutations, docs/delivery.md#mutations).
CREATE TABLE mutations (
    mutation_id     uuid        PRIMARY KEY,
    namespace       text        NOT NULL,
    -- A repeat with the same key completes or reports this mutation for as long as it is kept.
    idempotency_key text,
    -- SHA-256 of the request, to refuse the key's reuse for a different one.
    fingerprint     bytea       NOT NULL,
    item_count      integer     NOT NULL,
    payload_bytes   bigint      NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    due_at          timestamptz NOT NULL,
    -- The client's clock at the first call, for every marker sent for it (a repeat may say another).
    original_write_time timestamptz,
    -- True once the marker is known to be in the log: the gateway's append was confirmed, or a worker
    -- read the marker. Until then expires_at holds: a mutation whose marker never made it is
    -- reclaimed (deleted, items and all) then, and never applied.
    logged          boolean     NOT NULL DEFAULT false,
    expires_at      timestamptz,
    -- Set when every region applied every item; the mutation (its status) is purged a retention
    -- period later.
    released_at     timestamptz,
    UNIQUE (namespace, idempotency_key)
);

CREATE INDEX mutations_expiry ON mutations (expires_at) WHERE NOT logged;
CREATE INDEX mutations_released ON mutations (released_at) WHERE released_at IS NOT NULL;

-- The items, in order, a run at a time (walgate.v1.MutationChunk).
CREATE TABLE mutation_chunks (
    mutation_id uuid    NOT NULL REFERENCES mutations ON DELETE CASCADE,
    chunk       integer NOT NULL,
    first_item  integer NOT NULL,
    item_count  integer NOT NULL,
    items       bytea   NOT NULL,
    PRIMARY KEY (mutation_id, chunk)
);

-- Each region of the namespace applies every item; its workers record how far they got here.
CREATE TABLE mutation_regions (
    mutation_id   uuid        NOT NULL REFERENCES mutations ON DELETE CASCADE,
    region        text        NOT NULL,
    state         text        NOT NULL DEFAULT 'PENDING'
                              CHECK (state IN ('PENDING', 'APPLYING', 'APPLIED', 'DEAD_LETTERED')),
    -- Items 0 .. applied_count - 1 are applied in this region.
    applied_count integer     NOT NULL DEFAULT 0,
    attempt       integer     NOT NULL DEFAULT 0,
    failed_item   integer,
    error_code    text,
    error_message text,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (mutation_id, region)
);
