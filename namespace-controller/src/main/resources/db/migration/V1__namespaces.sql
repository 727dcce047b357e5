-- Namespaces: one row per namespace that exists or is being deleted.
CREATE TABLE namespaces (
    name              text        PRIMARY KEY,
    shard             text        NOT NULL,
    state             text        NOT NULL,          -- ACTIVE | PAUSED | DELETED
    spec              text        NOT NULL,          -- the full spec as JSON, defaults filled in
    version           bigint      NOT NULL,          -- the change-feed version of its last change
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    updated_by        text        NOT NULL,
    phase             text        NOT NULL,          -- PROVISIONING | READY | FAILED | DELETING
    phase_reason      text,
    resources         text,                          -- JSON list of the backend resources
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL
);
CREATE INDEX namespaces_shard_state ON namespaces (shard, state);
CREATE INDEX namespaces_pending ON namespaces (phase, next_attempt_at) WHERE phase <> 'READY';

-- The change feed: every change to a namespace's spec or state, gap-free and in commit order
-- (writers serialize on an advisory lock before taking the next version).
CREATE TABLE namespace_changes (
    version     bigint      PRIMARY KEY,
    name        text        NOT NULL,
    kind        text        NOT NULL,                -- CREATED | UPDATED | PAUSED | RESUMED | DELETED
    spec        text        NOT NULL,
    changed_at  timestamptz NOT NULL,
    changed_by  text        NOT NULL
);

-- Who changed what, and when; never updated, never deleted by the service.
CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    name        text        NOT NULL,
    version     bigint,
    before_spec text,
    after_spec  text
);
CREATE INDEX audit_log_name ON audit_log (name, id);
