//! The `music-video-bot` binary: parses the command line and starts a front.

use anyhow::Context;
use clap::{Parser, Subcommand};
use music_video_bot::admin::{self, Admin, Health};
use music_video_bot::config::{Config, StoreBackend};
use music_video_bot::engine::{Actor, Engine};
use music_video_bot::signals::StopSignals;
use music_video_bot::store::{Store, StoreError};
use music_video_bot::telemetry;
use music_video_bot::{console, oneshot};
use parking_lot::Mutex;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Turns songs into AI music videos through the NemoVideo API.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (default: ./config.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Discord bot (the default when DISCORD_TOKEN is set).
    Discord,
    /// Chat with the bot in the terminal: each line is a message, or a /command.
    Console {
        /// Who you are.
        #[arg(long, default_value = "you")]
        user: String,
        /// Which channel you are in (each channel has its own project).
        #[arg(long, default_value = "terminal")]
        channel: String,
        /// Language of the console's words and of new projects: `en` or `zh-CN`.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// One song in, one music video out.
    Render {
        /// The song (MP3, WAV, M4A, AAC, FLAC; up to 200 MB).
        audio: PathBuf,
        /// What to make (default: a video that matches the beat and mood of the song).
        prompt: Option<String>,
        /// Also download the MP4 here.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Asks the running bot's admin endpoint (`admin.listen`) whether it is ready: exit 0 when
    /// it is, 1 when not (for container health checks).
    Health {
        /// Only ask whether the process answers (`/healthz`), not whether it can serve.
        #[arg(long)]
        live: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::logs::init(config.log.format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(Command::Health { live }) = cli.command {
        return runtime.block_on(probe_health(&config, live));
    }
    let code = match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // Everything that matters was awaited (the store flushed); a read of standard input still
    // blocked on its thread must not keep the process alive.
    runtime.shutdown_background();
    code
}

/// `health`: 0 when the endpoint says ready (or alive, with `--live`), 1 otherwise.
async fn probe_health(config: &Config, live: bool) -> ExitCode {
    let listen = config.admin.listen.trim();
    if listen.is_empty() {
        eprintln!("error: admin.listen is not set, so there is no endpoint to ask");
        return ExitCode::from(2);
    }
    match admin::probe(listen, if live { "/healthz" } else { "/readyz" }).await {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("{why}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Option<Command>, config: Config) -> anyhow::Result<ExitCode> {
    // Listening from the start, so an early signal still stops the bot cleanly.
    let signals = StopSignals::install().context("listening for SIGTERM and SIGINT")?;
    let store = match Store::open(&config.store).await {
        Ok(store) => store,
        Err(e) => {
            // Like a config error: one line (the URL's password masked), exit 2, no retries.
            eprintln!("error: {}", store_problem(&config, &e));
            return Ok(ExitCode::from(2));
        }
    };
    let engine = Engine::configured(
        &config.nemo,
        config.limits.clone(),
        config.analysis.clone(),
        store.clone(),
    )
    .context("starting the engine")?;
    engine.set_forget_servers_after(config.store.forget_servers_after());
    engine.set_video_history_days(config.store.video_history_days);
    // Servers that removed the bot while it was down are forgotten once their grace is over.
    match engine.forget_left_servers().await {
        Ok(0) => {}
        Ok(n) => tracing::info!("forgot {n} servers the bot was removed from"),
        Err(e) => tracing::warn!("could not forget the servers the bot was removed from: {e}"),
    }
    let health = Arc::new(Health::default());
    if !config.admin.listen.trim().is_empty() {
        let metrics = telemetry::metrics::install()
            .map_err(|e| tracing::error!("metrics are off: {e}"))
            .ok();
        let admin = Admin {
            health: health.clone(),
            store,
            metrics,
        };
        let listen = config.admin.listen.trim();
        let addr = admin::start(listen, admin, engine.stopped())
            .await
            .with_context(|| format!("admin.listen: cannot listen on {listen}"))?;
        tracing::info!("admin endpoint listening on http://{addr}");
    }
    let grace = config.runtime.shutdown_grace();
    let stopper = tokio::spawn(stop_on_signal(signals, engine.clone(), grace));
    let code = serve(command, config, engine.clone(), health).await;
    if engine.is_stopping() {
        // Let the stop finish its work (the store's last flush) before exiting.
        stopper.await.context("stopping")?;
    } else {
        stopper.abort();
    }
    code
}

/// Why the store did not open, naming the sled directory (PostgreSQL errors name their URL).
fn store_problem(config: &Config, e: &StoreError) -> String {
    match config.store.backend {
        StoreBackend::Sled => format!("opening the store at {}: {e}", config.store.path.display()),
        StoreBackend::Postgres => e.to_string(),
    }
}

/// The first SIGTERM/SIGINT stops the engine cleanly; a second one exits at once.
async fn stop_on_signal(mut signals: StopSignals, engine: Engine, grace: Duration) {
    let (name, _) = signals.next().await;
    tracing::warn!(
        "{name}: taking no new requests; finishing those in progress (up to {} s), then stopping. Send it again to stop at once.",
        grace.as_secs()
    );
    signals.exit_on_next();
    if !engine.stop(grace).await {
        tracing::warn!("requests still running after the grace period were interrupted");
    }
}

/// Runs the chosen front until it ends (input done, or the engine stopped).
async fn serve(
    command: Option<Command>,
    config: Config,
    engine: Engine,
    health: Arc<Health>,
) -> anyhow::Result<ExitCode> {
    let command = command.unwrap_or(match config.discord.token {
        Some(_) => Command::Discord,
        None => Command::Console {
            user: "you".into(),
            channel: "terminal".into(),
            lang: "en".into(),
        },
    });
    match command {
        Command::Discord => {
            music_video_bot::discord::run(config, engine, health)
                .await
                .map_err(|e| anyhow::anyhow!("Discord: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Console {
            user,
            channel,
            lang,
        } => {
            let actor = Actor {
                user: format!("console:{user}"),
                scope: format!("channel:{channel}"),
                lang,
                group: None,
            };
            let live = std::io::stdout().is_terminal();
            let out: console::Output = Arc::new(Mutex::new(std::io::stdout()));
            let input = tokio::io::BufReader::new(tokio::io::stdin());
            console::run(engine, actor, input, out, live).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Render {
            audio,
            prompt,
            output,
        } => match oneshot::render(&engine, &audio, prompt, output.as_deref()).await {
            Ok(url) => {
                println!("{url}");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(ExitCode::FAILURE)
            }
        },
        // Answered before the store is opened (the running bot holds its lock); kept here so
        // the match stays whole.
        Command::Health { live } => Ok(probe_health(&config, live).await),
    }
}
