-- The dead-letter index (docs/operations.md): one row per record a worker wrote to a DLQ, recorded by
-- the worker after the DLQ acknowledged it and before it settled the source. The DLQ keeps the
-- bytes; a row says who, why, when and where. Rows go with their namespace.
CREATE TABLE dead_letters (
    id                  bigserial   PRIMARY KEY,
    namespace           text        NOT NULL,
    region              text        NOT NULL,
    entry_id            text,                          -- null: the record was no envelope
    partition_key       text,
    target_key          text,
    first_error_code    text        NOT NULL,
    first_error_message text,
    error_code          text        NOT NULL,          -- why it was dead-lettered: its last failure
    error_message       text        NOT NULL,
    attempts            integer     NOT NULL,
    accepted_at         timestamptz,
    dead_at             timestamptz NOT NULL,
    dlq                 text        NOT NULL,          -- the DLQ topic or queue
    dlq_partition       integer,                       -- Kafka: partition and offset
    dlq_offset          bigint,
    message_id          text,                          -- SQS: the message id
    state               text        NOT NULL DEFAULT 'DEAD',   -- DEAD | DISCARDED
    discarded_at        timestamptz,
    discarded_by        text,
    discard_reason      text,
    recorded_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((message_id IS NULL) = (dlq_partition IS NOT NULL AND dlq_offset IS NOT NULL))
);
-- A record is indexed once, however often it is reported (a worker's retry, a reindex).
CREATE UNIQUE INDEX dead_letters_kafka_place ON dead_letters (dlq, dlq_partition, dlq_offset)
    WHERE message_id IS NULL;
CREATE UNIQUE INDEX dead_letters_sqs_place ON dead_letters (dlq, message_id) WHERE message_id IS NOT NULL;
-- Listing: a namespace's dead letters, newest first.
CREATE INDEX dead_letters_newest ON dead_letters (namespace, dead_at DESC, id DESC) WHERE state = 'DEAD';
CREATE INDEX dead_letters_entry ON dead_letters (namespace, entry_id);

-- What an action on dead letters did (counts, filter, reason), next to who and when.
ALTER TABLE audit_log ADD COLUMN details text;
