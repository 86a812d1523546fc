//! The project commands: credits, status, export, open, reset.

use crate::discord::front::Deferral;
use crate::discord::{defer, lang, member_permissions, place, serve, Context, Error};
use crate::engine::Request;
use crate::tr;

/// A request answered in the channel, for everyone there to see.
async fn run(ctx: Context<'_>, request: Request) -> Result<(), Error> {
    let (front, actor) = defer(ctx, Deferral::Public).await?;
    serve(ctx, front, &actor, request).await;
    Ok(())
}

/// A request whose every answer is for the member only.
async fn run_privately(ctx: Context<'_>, request: Request) -> Result<(), Error> {
    let (front, actor) = defer(ctx, Deferral::Private).await?;
    serve(ctx, front.private_replies(), &actor, request).await;
    Ok(())
}

/// Your NemoVideo credits: available, frozen by running jobs, total (only you see them).
#[poise::command(slash_command)]
pub async fn credits(ctx: Context<'_>) -> Result<(), Error> {
    run_privately(ctx, Request::Credits).await
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
    run_privately(ctx, Request::Open).await
}

/// Start a fresh project here (in a channel: members who can manage messages only).
#[poise::command(slash_command)]
pub async fn reset(ctx: Context<'_>) -> Result<(), Error> {
    let (_, actor) = place(ctx, Deferral::Settled);
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
    member_permissions(ctx).is_some_and(|p| p.manage_messages())
}
