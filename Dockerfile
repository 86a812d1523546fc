# Build stage: compile the release binary.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
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
RUN printf '[store]\npath = "/data/music-video-bot.sled"\n' > /app/config.toml
USER bot
WORKDIR /app
VOLUME ["/data"]
ENV RUST_LOG=info
ENTRYPOINT ["music-video-bot"]
CMD ["console"]
