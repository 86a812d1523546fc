-- The records the sled backend keeps, one table per tree. A record is the same JSON document
-- sled stores (see src/store/mod.rs), so both backends decode it the same way.
CREATE TABLE sessions (
    scope   TEXT PRIMARY KEY,
    record  JSONB NOT NULL,
    updated TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    key     TEXT PRIMARY KEY,
    record  JSONB NOT NULL,
    updated TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
    id      TEXT PRIMARY KEY,
    record  JSONB NOT NULL,
    updated TIMESTAMPTZ NOT NULL DEFAULT now()
);
