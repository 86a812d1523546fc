-- Servers' records (see src/store/servers.rs): what each community's moderators chose, keyed by
-- group (`guild:<id>`). Each write takes a number from one sequence, so a process's cache asks
-- for the rows changed since the last number it saw; a forgotten server keeps its row with no
-- record (a tombstone), so the other processes' caches learn of it too.
CREATE SEQUENCE servers_version;

CREATE TABLE servers (
    grp     TEXT PRIMARY KEY,
    record  JSONB,
    version BIGINT      NOT NULL,
    updated TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX servers_by_version ON servers (version);

-- A forgotten server's projects are found by the group their session names.
CREATE INDEX sessions_by_group ON sessions ((record->>'group'));
