//! Attachments from Discord's CDN: checked from their metadata first (a refused file is never
//! downloaded), then streamed to a private temporary directory (never whole in memory), or
//! forwarded as URLs when `discord.forward_urls` is on.

use super::ids::check_attachment;
use crate::engine::Media;
use crate::files::display_name;
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Downloaded attachments; the files (in a private temporary directory) are removed when this
/// is dropped.
pub struct Fetched {
    dir: Option<tempfile::TempDir>,
    /// What to hand the engine.
    pub media: Vec<Media>,
    /// One sentence per refused or failed attachment.
    pub refused: Vec<String>,
}

/// Checks and fetches attachments; a failed download is explained in `lang`.
pub async fn fetch(
    attachments: &[serenity::Attachment],
    forward_urls: bool,
    lang: Lang,
) -> Fetched {
    let mut out = Fetched {
        dir: None,
        media: Vec::new(),
        refused: Vec::new(),
    };
    for a in attachments {
        if let Err(problem) = check_attachment(&a.filename, u64::from(a.size)) {
            out.refused.push(problem.user_text(lang));
            continue;
        }
        if forward_urls {
            out.media.push(Media::Url(a.url.clone()));
            continue;
        }
        match download(&mut out, a).await {
            Ok(path) => out.media.push(Media::File(path)),
            Err(e) => {
                tracing::warn!(file = %a.filename, "attachment download failed: {e}");
                let name = display_name(&a.filename);
                out.refused
                    .push(tr!(lang, "discord-fetch-failed", name = name));
            }
        }
    }
    out
}

async fn download(out: &mut Fetched, a: &serenity::Attachment) -> Result<PathBuf, String> {
    let dir = match &out.dir {
        Some(d) => d.path().to_path_buf(),
        None => {
            // Readable by the bot's user only: members' songs are not for other local users.
            let made = tempfile::Builder::new()
                .prefix("music-video-bot-")
                .permissions(std::fs::Permissions::from_mode(0o700))
                .tempdir()
                .map_err(|e| e.to_string())?;
            let path = made.path().to_path_buf();
            out.dir = Some(made);
            path
        }
    };
    // Each file in its own folder keeps two attachments with one name apart.
    let sub = dir.join(out.media.len().to_string());
    tokio::fs::create_dir_all(&sub)
        .await
        .map_err(|e| e.to_string())?;
    let path = sub.join(display_name(&a.filename));
    crate::download::to_file(&a.url, &path).await?;
    Ok(path)
}
