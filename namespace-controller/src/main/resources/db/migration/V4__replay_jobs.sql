-- Operators' replay jobs (docs/operations.md): dead letters put back on their namespace's log, or a
-- Kafka log's entries between two times applied again to one region's target. A job's state and
-- progress live here so that any controller replica can resume it after another died.
CREATE TABLE replay_jobs (
    id              text        PRIMARY KEY,
    namespace       text        NOT NULL,
    kind            text        NOT NULL,                    -- DEAD_LETTERS | LOG
    state           text        NOT NULL,                    -- PENDING RUNNING PAUSED SUCCEEDED FAILED CANCELLED
    request         text        NOT NULL,                    -- what was asked, as JSON (filter, rate, ...)
    rate_per_second integer     NOT NULL,
    dry_run         boolean     NOT NULL,
    actor           text        NOT NULL,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    matched         bigint      NOT NULL DEFAULT 0,
    replayed        bigint      NOT NULL DEFAULT 0,
    skipped         bigint      NOT NULL DEFAULT 0,
    failed          bigint      NOT NULL DEFAULT 0,
    -- Dead letters: the index rows it covers are those of the namespace with id <= high_water (the
    -- letters there when it was made: a letter that dies again during the job waits for the next);
    -- done are those with id <= position. Log: position is the JSON of each partition's next offset.
    high_water      bigint,
    position        text,
    message         text,                                    -- why it failed, what was missing
    lease_owner     text,                                    -- the controller running it ...
    lease_until     timestamptz                              -- ... until then, unless it renews
);
-- One job at a time per namespace, whatever the number of controllers.
CREATE UNIQUE INDEX replay_jobs_one_live ON replay_jobs (namespace) WHERE state IN ('PENDING', 'RUNNING', 'PAUSED');
CREATE INDEX replay_jobs_newest ON replay_jobs (namespace, created_at DESC);

-- A dead letter put back on the log: REPLAYED, by which job, when.
ALTER TABLE dead_letters ADD COLUMN replay_job text;
ALTER TABLE dead_letters ADD COLUMN replayed_at timestamptz;
-- A job walks its namespace's letters in the order they were recorded.
CREATE INDEX dead_letters_recorded ON dead_letters (namespace, id) WHERE state = 'DEAD';
