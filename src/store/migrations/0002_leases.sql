-- Several processes over one database (see src/store/leases.rs): export jobs carry their
-- holder, the epoch of its claim and when its lease runs out; a lease per scope keeps a
-- project's turns one at a time; the hourly turn quota counts rows every process sees.
-- Jobs written before this migration are free: the first process to look claims them.
ALTER TABLE jobs
    ADD COLUMN owner       TEXT,
    ADD COLUMN epoch       BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN lease_until TIMESTAMPTZ NOT NULL DEFAULT 'epoch';

CREATE TABLE scope_leases (
    scope       TEXT PRIMARY KEY,
    owner       TEXT        NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL
);

CREATE TABLE turns (
    user_key TEXT        NOT NULL,
    at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX turns_by_user ON turns (user_key, at);
CREATE INDEX turns_by_age ON turns (at);
