//! The project commands: credits, status, export, open, reset.

use crate::discord::{place, Context, Error};
use crate::engine::Request;
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
#[poise::command(slash_command, description_localized("zh-CN", "查看积分余额"))]
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
#[poise::command(slash_command, description_localized("zh-CN", "查看当前时间线和状态"))]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    run(ctx, Request::Status).await
}

/// Render the current timeline to a 1080p MP4.
#[poise::command(slash_command, description_localized("zh-CN", "导出 1080p MP4 视频"))]
pub async fn export(ctx: Context<'_>) -> Result<(), Error> {
    run(ctx, Request::Export).await
}

/// A private link to continue this project in NemoVideo's web editor.
#[poise::command(
    slash_command,
    description_localized("zh-CN", "在网页编辑器中打开此项目")
)]
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
#[poise::command(slash_command, description_localized("zh-CN", "开始一个新项目"))]
pub async fn reset(ctx: Context<'_>) -> Result<(), Error> {
    let (_, actor) = place(ctx);
    if actor.scope.starts_with("channel:") && !can_manage_messages(ctx) {
        let reply = poise::CreateReply::default()
            .content("Only members who can manage messages can reset this channel's project.")
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
