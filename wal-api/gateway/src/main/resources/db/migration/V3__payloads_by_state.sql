-- A payload lives as long as its entry, not by a clock guess (issue: a replayed historical event's
-- payload could be purged within a minute of its write; retries and paused namespaces could outlast
-- the 14 days). expires_at is now only the guard against payloads whose entry never reached the log:
-- it is lifted (NULL) once the append is confirmed, or once a worker redeems the payload. Each region
-- of the namespace strikes itself from regions_pending when it applied the entry; when none is left,
-- released_at is set, and the gateways purge the row a retention period later (a copy of the entry
-- may still be read again until then: a rewind, a repeated UNKNOWN write). A dead-lettered entry
-- keeps its payload (its region stays pending). Rows written before this migration have
-- regions_pending NULL and keep their expiry.
ALTER TABLE payloads ADD COLUMN regions_pending text[];
ALTER TABLE payloads ADD COLUMN released_at timestamptz;
ALTER TABLE payloads ALTER COLUMN expires_at DROP NOT NULL;
CREATE INDEX payloads_released ON payloads (released_at) WHERE released_at IS NOT NULL;
