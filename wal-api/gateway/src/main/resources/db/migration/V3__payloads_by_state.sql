-- A payload lives as long as its entry, not by a clock guess (issue: a replayed historical event's
-- payload could be purged within a minute of its write; retries and paused namespaces could outlast
-- the 14 days). expires_at is now only the guard against payloads whose entry never reached the log:
-- it is lifted (NULL) once the append is confirmed, or once a worker redeems the payload. Each region
-- of the namespace strikes itself from regions_pending when it applied the entry; the row goes when
-- none is left. A dead-lettered entry keeps its payload (its region stays pending).
ALTER TABLE payloads ADD COLUMN regions_pending text[] NOT NULL DEFAULT '{}';
ALTER TABLE payloads ALTER COLUMN expires_at DROP NOT NULL;
