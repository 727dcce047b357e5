-- Every topic or queue a namespace owns (log, DLQ, delay tiers), reserved so that no two namespaces
-- can be given the same one. Names are compared as the backend compares them (collision_key:
-- Kafka treats '.' and '_' alike), per backend. A namespace's names are released when the
-- namespace is finally removed, after its resources are gone.
CREATE TABLE reserved_names (
    backend        text NOT NULL,                    -- KAFKA | SQS
    collision_key  text NOT NULL,                    -- ResourceNames.collisionKey
    name           text NOT NULL,                    -- the topic or queue as provisioned
    namespace      text NOT NULL,                    -- the owner
    PRIMARY KEY (backend, collision_key)
);
CREATE INDEX reserved_names_namespace ON reserved_names (namespace);

-- Backfill the namespaces that exist. The delay tiers are KafkaDelayTiers.TIERS as of this
-- migration. Where two existing namespaces already share a name, the older keeps it (ON CONFLICT
-- DO NOTHING): the controller still starts, and the clash is visible as the younger one's missing row.
WITH specs AS (
    SELECT name AS namespace, created_at,
           lower(spec::jsonb -> 'backend' ->> 'type') AS type,
           spec::jsonb -> 'backend' ->> 'topic' AS topic
    FROM namespaces
), names AS (
    SELECT namespace, created_at, 'KAFKA' AS backend, topic || suffix AS name
    FROM specs, unnest(ARRAY['', '.dlq', '.delay.1s', '.delay.5s', '.delay.30s', '.delay.2m',
                             '.delay.10m', '.delay.1h', '.delay.6h']) AS suffix
    WHERE type = 'kafka' AND topic IS NOT NULL
    UNION ALL
    SELECT namespace, created_at, 'SQS', topic || suffix
    FROM specs, unnest(ARRAY['', '-dlq']) AS suffix
    WHERE type = 'sqs' AND topic IS NOT NULL
)
INSERT INTO reserved_names (backend, collision_key, name, namespace)
SELECT backend, CASE WHEN backend = 'KAFKA' THEN replace(name, '.', '_') ELSE name END, name, namespace
FROM names
ORDER BY created_at, namespace
ON CONFLICT DO NOTHING;
