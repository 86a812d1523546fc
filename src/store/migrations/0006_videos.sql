-- Members' finished videos (see src/store/videos.rs), kept for `/videos` for
-- `[store] video_history_days`: written in the transaction that forgets the finished export
-- job (fenced by its claim), listed per member newest first, swept by age, deleted by
-- `/forget-me`.
CREATE TABLE videos (
    id          TEXT PRIMARY KEY,
    user_key    TEXT   NOT NULL,
    place       TEXT   NOT NULL,
    finished_at BIGINT NOT NULL,
    record      JSONB  NOT NULL
);
CREATE INDEX videos_by_user ON videos (user_key, finished_at DESC);
CREATE INDEX videos_by_age ON videos (finished_at);
