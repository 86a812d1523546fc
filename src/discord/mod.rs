//! The Discord front: poise slash commands, a message context menu, dropped files and buttons,
//! all handed to the same engine the console drives.

mod attach;
pub mod budget;
mod cancel;
pub mod commands;
mod edit;
pub mod embeds;
mod events;
pub mod front;
pub mod guilds;
pub mod ids;
mod interaction;
mod outgoing;
mod permissions;
pub mod rest;
mod startup;
mod take;
mod threads;
mod throttle;

use crate::admin::Health;
use crate::config::{Config, SessionScope};
use crate::engine::front::{Deliver, Front};
use crate::engine::{Actor, Engine, Request};
use crate::i18n::Lang;
use front::{ChannelFront, Deferral, InteractionToken};
use poise::serenity_prelude as serenity;
use std::sync::Arc;
use std::time::Duration;

/// What every command and event handler shares.
pub struct Data {
    /// The engine.
    pub engine: Engine,
    /// The whole configuration.
    pub config: Config,
    /// Work spawned per message or click, so a stop can wait for it.
    pub tasks: tokio_util::task::TaskTracker,
    /// This process's share of Discord's global rate limit.
    pub budget: Arc<budget::Budget>,
    /// One server removal or return handled at a time (see `events::presence`).
    pub presence: tokio::sync::Mutex<()>,
}

/// The error type of commands; users see `on_error`'s sentence, never its text.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// A command's context.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Connects this process's shards to Discord and serves until the engine stops (or the
/// connections end for good). `health` learns the shards' state and, on the process that runs
/// shard 0, when the slash commands are registered.
pub async fn run(config: Config, engine: Engine, health: Arc<Health>) -> Result<(), Error> {
    let token = config
        .discord
        .token
        .clone()
        .ok_or("DISCORD_TOKEN (or discord.token) is not set")?;
    let sharding = config.discord.sharding()?;
    let http = rest::http(&config.discord, token.expose())?;
    let budget = Arc::new(budget::Budget::new(budget::share(
        config.discord.requests_per_second,
        sharding,
    )));
    let (shard_ids, total) = startup::shards_to_run(sharding, &http, &budget).await?;
    let registers = sharding.runs_shard_zero();
    health.expect_discord(shard_ids.end() - shard_ids.start() + 1, registers);
    tracing::info!(
        "running gateway shard(s) {}-{} of {total}",
        shard_ids.start(),
        shard_ids.end()
    );
    let intents = intents(&config);
    let stopped = [engine.stopped(), engine.stopped()];
    let tasks = tokio_util::task::TaskTracker::new();
    let setup = Setup {
        engine,
        config,
        tasks: tasks.clone(),
        budget,
        registers,
        health: health.clone(),
    };
    let framework = poise::Framework::builder()
        .options(options())
        .setup(move |ctx, ready, framework| Box::pin(setup.run(ctx, ready, framework)))
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .event_handler(RateLimits)
        .await?;
    watch(&client, health, stopped);
    // serenity 0.12 takes the range's end as the last shard to start (included).
    client
        .start_shard_range(*shard_ids.start()..*shard_ids.end(), total)
        .await?;
    drain(tasks).await;
    Ok(())
}

/// The gateway intents: the non-privileged ones, and message content when channels are read.
fn intents(config: &Config) -> serenity::GatewayIntents {
    let mut intents = serenity::GatewayIntents::non_privileged();
    if config.discord.reads_messages() {
        // Reading files dropped without a mention needs the privileged intent.
        intents |= serenity::GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// poise's options: the commands, and every other event handed to [`events`].
fn options() -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        commands: commands::all(),
        on_error: |e| Box::pin(events::on_error(e)),
        command_check: Some(|ctx| Box::pin(events::may_use_bot(ctx))),
        event_handler: |framework, event| {
            Box::pin(events::on_event(
                framework.serenity_context,
                event,
                framework.user_data,
            ))
        },
        // Owners are not used, and looking them up is one more call at start-up.
        initialize_owners: false,
        // Messages that mention the bot are requests for the engine, never prefix commands.
        prefix_options: poise::PrefixFrameworkOptions {
            mention_as_prefix: false,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// What the first Ready turns into the handlers' [`Data`].
struct Setup {
    engine: Engine,
    config: Config,
    tasks: tokio_util::task::TaskTracker,
    budget: Arc<budget::Budget>,
    /// This process runs shard 0, so it registers the commands.
    registers: bool,
    health: Arc<Health>,
}

impl Setup {
    /// Registers the commands (on shard 0's process), resumes the stored exports, and hands
    /// the rest to the event handlers.
    async fn run(
        self,
        ctx: &serenity::Context,
        ready: &serenity::Ready,
        framework: &poise::Framework<Data, Error>,
    ) -> Result<Data, Error> {
        tracing::info!(user = %ready.user.name, "connected to Discord");
        // Commands are global: one process registers them, the one with shard 0 (setup runs
        // on the first Ready of whichever shard comes first).
        if self.registers {
            // Off the critical path: a refusal must not leave the bot deaf.
            let commands = commands::registration(&framework.options().commands);
            tokio::spawn(startup::register_commands(
                ctx.http.clone(),
                self.budget.clone(),
                commands,
                self.health,
            ));
        } else {
            tracing::info!("shard 0 runs elsewhere; that process registers the commands");
        }
        let deliver = Arc::new(ToChannels {
            http: ctx.http.clone(),
            budget: self.budget.clone(),
            edit_interval: Duration::from_millis(self.config.discord.edit_interval_ms),
        });
        // poise holds every event until setup returns: a slow store must not cost
        // interactions their 3 seconds, so the exports resume beside the events.
        let resuming = self.engine.clone();
        tokio::spawn(async move {
            match resuming.resume_jobs(deliver).await {
                Ok(n) if n > 0 => tracing::info!("resumed {n} export(s)"),
                Ok(_) => {}
                Err(e) => tracing::error!("could not resume exports: {e}"),
            }
        });
        Ok(Data {
            engine: self.engine,
            config: self.config,
            tasks: self.tasks,
            budget: self.budget,
            presence: tokio::sync::Mutex::default(),
        })
    }
}

/// Reports the shards' state to `health` until the engine stops (the first of `stopped`), and
/// then closes the gateway connections (the second).
fn watch(
    client: &serenity::Client,
    health: Arc<Health>,
    stopped: [tokio_util::sync::WaitForCancellationFutureOwned; 2],
) {
    let [stopped, closing] = stopped;
    tokio::spawn(startup::watch_shards(
        client.shard_manager.clone(),
        health,
        stopped,
    ));
    // serenity's shard runners are tasks of their own and would otherwise outlive the client.
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        closing.await;
        shards.shutdown_all().await;
    });
}

/// Requests spawned from events ended with the engine's stop; what is left (a download of a
/// message that came during the stop) gets a moment to clean up.
async fn drain(tasks: tokio_util::task::TaskTracker) {
    tasks.close();
    if tokio::time::timeout(Duration::from_secs(5), tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some message tasks were still running at exit");
    }
}

/// Counts serenity's rate-limit waits and 429s: its limiter tells event handlers only, never
/// the framework.
struct RateLimits;

#[async_trait::async_trait]
impl serenity::EventHandler for RateLimits {
    async fn ratelimit(&self, _info: serenity::RatelimitInfo) {
        crate::telemetry::metrics::discord_rate_limited();
    }
}

/// Where stored export jobs post after a restart: `discord:<channel>:<user>`.
struct ToChannels {
    http: Arc<serenity::Http>,
    budget: Arc<budget::Budget>,
    edit_interval: Duration,
}

impl Deliver for ToChannels {
    fn front_for(&self, target: &str, scope: &str, lang: Lang) -> Option<Arc<dyn Front>> {
        let mut parts = target.strip_prefix("discord:")?.split(':');
        let channel: u64 = parts.next()?.parse().ok().filter(|c| *c > 0)?;
        let user: u64 = parts.next()?.parse().ok().filter(|u| *u > 0)?;
        let front = ChannelFront::new(
            self.http.clone(),
            self.budget.clone(),
            serenity::ChannelId::new(channel),
            serenity::UserId::new(user),
            scope.to_string(),
            self.edit_interval,
        )
        .speaking(lang);
        Some(Arc::new(front))
    }
}

/// The language of a command's own sentences: its interaction's locale.
pub(crate) fn lang(ctx: Context<'_>) -> Lang {
    Lang::from_tag(ctx.locale().unwrap_or_default())
}

/// Acknowledges a command with "thinking…" (seen by everyone, or by the member only for a
/// [`Deferral::Private`] one: decided now, as Discord keeps it for the answer), and returns its
/// place, whose front edits that deferred response.
pub(crate) async fn defer(
    ctx: Context<'_>,
    deferral: Deferral,
) -> Result<(ChannelFront, Actor), Error> {
    match deferral {
        Deferral::Private => ctx.defer_ephemeral().await?,
        Deferral::Public | Deferral::Settled => ctx.defer().await?,
    }
    Ok(place(ctx, deferral))
}

/// Runs a command's request, then ends its deferred response if nothing did.
pub(crate) async fn serve(ctx: Context<'_>, front: ChannelFront, actor: &Actor, request: Request) {
    let front = Arc::new(front);
    ctx.data()
        .engine
        .handle(actor, request, front.clone())
        .await;
    front.finish().await;
}

/// The engine's view of a command's place: who asks, in which scope, answered where;
/// `deferral` is what its interaction's response shows.
pub(crate) fn place(ctx: Context<'_>, deferral: Deferral) -> (ChannelFront, Actor) {
    let (channel, user) = (ctx.channel_id(), ctx.author().id);
    // An interaction carries its member's locale.
    let lang = ctx.locale().unwrap_or_default();
    let http = ctx.serenity_context().http.clone();
    let at = Where {
        channel,
        user,
        guild: ctx.guild_id(),
        thread: false,
    };
    let (mut front, actor) = place_for(http, ctx.data(), at, lang);
    if let poise::Context::Application(app) = ctx {
        let ttl = Duration::from_millis(ctx.data().config.discord.interaction_ttl_ms);
        let interaction = InteractionToken::new(&app.interaction.token, ttl).deferred(deferral);
        front = front
            .with_interaction(interaction)
            .with_permissions(app.interaction.app_permissions);
        if ctx.data().config.discord.attach_video {
            // The limit Discord reports for this place, never a hard-coded one.
            front = front.attaching_videos(u64::from(app.interaction.attachment_size_limit));
        }
    }
    (front, actor)
}

/// Where something happened: a channel (in a guild, or a DM) and who did it.
pub(crate) struct Where {
    /// The channel.
    pub channel: serenity::ChannelId,
    /// The user.
    pub user: serenity::UserId,
    /// The guild, if not a DM.
    pub guild: Option<serenity::GuildId>,
    /// The channel is a thread the bot opened for a video: the thread is the project's scope,
    /// whatever `session_scope` says.
    pub thread: bool,
}

/// The engine's name for a server: the community its quotas and settings belong to.
pub(crate) fn group_of(guild: serenity::GuildId) -> String {
    format!("guild:{}", guild.get())
}

/// The permissions of a command's member where they ran it (the interaction's `member`, whose
/// `permissions` Discord computes with the channel's overwrites); none in a DM.
pub(crate) fn member_permissions(ctx: Context<'_>) -> Option<serenity::Permissions> {
    match ctx {
        poise::Context::Application(app) => app.interaction.member.as_ref()?.permissions,
        poise::Context::Prefix(_) => None,
    }
}

/// Whether the member of a command may manage the server.
pub(crate) fn manages_server(ctx: Context<'_>) -> bool {
    member_permissions(ctx).is_some_and(manages)
}

/// Whether `permissions` let a member manage the server (an administrator may do anything).
pub(crate) fn manages(permissions: serenity::Permissions) -> bool {
    permissions.manage_guild() || permissions.administrator()
}

/// The place of a message or click; `lang` is the interaction's locale, empty for a message
/// (which carries none: the engine then answers in the session's language).
pub(crate) fn place_for(
    http: Arc<serenity::Http>,
    data: &Data,
    at: Where,
    lang: &str,
) -> (ChannelFront, Actor) {
    let Where {
        channel,
        user,
        guild,
        thread,
    } = at;
    let in_guild = guild.is_some();
    let config = &data.config.discord;
    let scope = match thread {
        true => ids::scope_key(SessionScope::Channel, true, channel.get(), user.get()),
        false => ids::scope_key(config.session_scope, in_guild, channel.get(), user.get()),
    };
    let interval = Duration::from_millis(config.edit_interval_ms);
    let budget = data.budget.clone();
    let front = ChannelFront::new(http, budget, channel, user, scope.clone(), interval)
        .speaking(Lang::from_tag(lang));
    let actor = Actor {
        user: format!("discord:{}", user.get()),
        scope,
        lang: lang.to_string(),
        group: guild.map(group_of),
    };
    (front, actor)
}
