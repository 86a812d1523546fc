-- A session is written under its scope's lease (see src/store/sessions.rs): the lease carries
-- an epoch, raised each time another turn takes it, and a session write names the epoch it was
-- made under, refused once the lease is another turn's. A released lease keeps its row (no
-- owner, run out) so that the epoch never starts again from the beginning.
ALTER TABLE scope_leases
    ALTER COLUMN owner DROP NOT NULL,
    ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
