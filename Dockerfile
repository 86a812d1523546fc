# Build stage: compile the release binary. Each path the manifest names must be copied
# (.ci/docker-build-check rebuilds this stage's context from these COPY lines in CI).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
# The message catalogs are compiled into the binary.
COPY locales ./locales
COPY benches ./benches
RUN cargo build --release --locked --bin music-video-bot

# Run stage: a small image, a non-root user, data in a volume.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app --uid 10001 bot \
    && mkdir -p /data && chown bot:bot /data
COPY --from=build /src/target/release/music-video-bot /usr/local/bin/music-video-bot
COPY config.example.toml /app/config.example.toml
# The store lives on the volume, so sessions, tokens and running exports survive restarts.
# The admin endpoint listens inside the container only (the health check below uses it); to
# let Prometheus scrape it, mount a config with listen = "0.0.0.0:9464" on a private network.
RUN printf '[store]\npath = "/data/music-video-bot.sled"\n\n[admin]\nlisten = "127.0.0.1:9464"\n' > /app/config.toml
USER bot
WORKDIR /app
VOLUME ["/data"]
ENV RUST_LOG=info
# SIGTERM stops the bot cleanly: turns in progress get [runtime] shutdown_grace_ms (25 s), so
# give `docker stop` more than Docker's default 10 s: `docker stop -t 30`
# (compose: stop_grace_period: 30s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["music-video-bot", "health"]
ENTRYPOINT ["music-video-bot"]
CMD ["discord"]
