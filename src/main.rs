//! The `music-video-bot` binary: parses the command line and starts a front.

use anyhow::Context;
use clap::{Parser, Subcommand};
use music_video_bot::config::Config;
use music_video_bot::engine::{Actor, Engine};
use music_video_bot::store::Store;
use music_video_bot::{console, oneshot};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

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
        /// Language of new projects.
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Option<Command>, config: Config) -> anyhow::Result<ExitCode> {
    let store = Store::open(&config.store.path)
        .with_context(|| format!("opening the store at {}", config.store.path.display()))?;
    let engine = Engine::with_limits(&config.nemo, config.limits.clone(), store)
        .context("starting the engine")?;
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
            music_video_bot::discord::run(config, engine)
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
    }
}
