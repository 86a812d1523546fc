//! The project commands: credits, status, export, open, reset.

use crate::discord::{lang, place, Context, Error};
use crate::engine::Request;
use crate::tr;
use std::sync::Arc;

async fn run(ctx: Context<'_>, request: Request) -> Result<(), Error> {
    ctx.defer().await?;
    let (front, actor) = place(ctx);
    ctx.data()
        .engine
        .handle(&actor, request, Arc::new(front))
        .await;
    Ok(())
}

/// Your NemoVideo credits: available, frozen by running jobs, total (only you see them).
#[poise::command(slash_command)]
pub async fn credits(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let (front, actor) = place(ctx);
    let front = Arc::new(front.private_replies());
    ctx.data()
        .engine
        .handle(&actor, Request::Credits, front)
        .await;
    Ok(())
}

/// The timeline of this project, its media and running exports.
#[poise::command(slash_command)]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    run(ctx, Request::Status).await
}

/// Render the current timeline to a 1080p MP4.
#[poise::command(slash_command)]
pub async fn export(ctx: Context<'_>) -> Result<(), Error> {
    run(ctx, Request::Export).await
}

/// A private link to continue this project in NemoVideo's web editor.
#[poise::command(slash_command)]
pub async fn open(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let (front, actor) = place(ctx);
    ctx.data()
        .engine
        .handle(&actor, Request::Open, Arc::new(front))
        .await;
    Ok(())
}

/// Start a fresh project here (in a channel: members who can manage messages only).
#[poise::command(slash_command)]
pub async fn reset(ctx: Context<'_>) -> Result<(), Error> {
    let (_, actor) = place(ctx);
    if actor.scope.starts_with("channel:") && !can_manage_messages(ctx) {
        let reply = poise::CreateReply::default()
            .content(tr!(lang(ctx), "discord-reset-not-allowed"))
            .ephemeral(true);
        ctx.send(reply).await?;
        return Ok(());
    }
    run(ctx, Request::Reset).await
}

fn can_manage_messages(ctx: Context<'_>) -> bool {
    match ctx {
        poise::Context::Application(app) => app
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.manage_messages()),
        poise::Context::Prefix(_) => false,
    }
}
