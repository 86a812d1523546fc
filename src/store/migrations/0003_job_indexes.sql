-- Running exports are counted per member and per community (the export quotas) and listed per
-- scope (/status) without reading every job: indexes on the record's fields they select by.
CREATE INDEX jobs_by_requester ON jobs ((record->>'requested_by'));
CREATE INDEX jobs_by_group ON jobs ((record->>'group'));
CREATE INDEX jobs_by_scope ON jobs ((record->>'scope'));
