//! Checks before any upload, so a refused file is never sent: a supported extension, at most
//! 200 MB, and first bytes that really are that kind of media.

use crate::i18n::Lang;
use crate::tr;
use std::path::{Path, PathBuf};
use tokio::io::AsyncReadExt;

/// 200 MB, the contract's upload limit.
pub const MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;

/// Extensions the API accepts (the contract's list, plus FLAC the seed promises, and JPEG).
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "mp3", "wav", "m4a", "aac", "flac", "mp4", "mov", "avi", "webm", "mkv", "jpg", "jpeg", "png",
    "gif", "webp",
];

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A song.
    Audio,
    /// A clip.
    Video,
    /// A picture.
    Image,
}

/// Why a file is refused; `Display` is for the log, [`FileProblem::user_text`] for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// Not a supported extension.
    #[error("I can't use {name}: that file type isn't supported. Supported formats: {}.", SUPPORTED_EXTENSIONS.join(", "))]
    Unsupported {
        /// Display name.
        name: String,
    },
    /// Over 200 MB.
    #[error("{name} is {} MB; the limit is 200 MB. Try compressing it or trimming the song.", mb(*size))]
    TooLarge {
        /// Display name.
        name: String,
        /// Bytes.
        size: u64,
    },
    /// Zero bytes.
    #[error("{name} is empty (0 bytes).")]
    Empty {
        /// Display name.
        name: String,
    },
    /// The content is not what the name says.
    #[error("{name} doesn't look like a real .{ext} file (its content isn't that kind of media). Please send the original file.")]
    NotMedia {
        /// Display name.
        name: String,
        /// The claimed extension.
        ext: String,
    },
    /// Not a file (a directory, a device…).
    #[error("{name} is not a regular file")]
    NotAFile {
        /// Display name.
        name: String,
    },
    /// Cannot be read.
    #[error("I couldn't read {name}: {reason}.")]
    Unreadable {
        /// Display name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A link that is not http(s) or names no supported file.
    #[error("That link can't be used: it must be an http(s) link to a file in one of these formats: {}.", SUPPORTED_EXTENSIONS.join(", "))]
    BadUrl {
        /// The link, shortened.
        url: String,
    },
}

impl FileProblem {
    /// The sentence shown to the user, in `lang`.
    pub fn user_text(&self, lang: Lang) -> String {
        let formats = || SUPPORTED_EXTENSIONS.join(", ");
        match self {
            FileProblem::Unsupported { name } => {
                tr!(
                    lang,
                    "file-unsupported",
                    name = name.as_str(),
                    formats = formats()
                )
            }
            FileProblem::TooLarge { name, size } => {
                tr!(
                    lang,
                    "file-too-large",
                    name = name.as_str(),
                    size = mb(*size)
                )
            }
            FileProblem::Empty { name } => tr!(lang, "file-empty", name = name.as_str()),
            FileProblem::NotMedia { name, ext } => {
                tr!(
                    lang,
                    "file-not-media",
                    name = name.as_str(),
                    ext = ext.as_str()
                )
            }
            FileProblem::NotAFile { name } => tr!(lang, "file-not-a-file", name = name.as_str()),
            FileProblem::Unreadable { name, reason } => tr!(
                lang,
                "file-unreadable",
                name = name.as_str(),
                reason = reason.as_str()
            ),
            FileProblem::BadUrl { .. } => tr!(lang, "file-bad-url", formats = formats()),
        }
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// The lower-case extension of a name, if any.
fn extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The kind a name's extension promises, if it is supported.
pub fn kind_of_name(name: &str) -> Result<MediaKind, FileProblem> {
    let kind = match extension(name).as_deref() {
        Some("mp3" | "wav" | "m4a" | "aac" | "flac") => MediaKind::Audio,
        Some("mp4" | "mov" | "avi" | "webm" | "mkv") => MediaKind::Video,
        Some("jpg" | "jpeg" | "png" | "gif" | "webp") => MediaKind::Image,
        _ => {
            return Err(FileProblem::Unsupported {
                name: display_name(name),
            })
        }
    };
    Ok(kind)
}

/// Refuses empty files and files over the limit.
pub fn check_size(name: &str, size: u64) -> Result<(), FileProblem> {
    let name = display_name(name);
    match size {
        0 => Err(FileProblem::Empty { name }),
        s if s > MAX_UPLOAD_BYTES => Err(FileProblem::TooLarge { name, size: s }),
        _ => Ok(()),
    }
}

/// Families of containers: several extensions share one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    MpegAudio,
    Wav,
    Flac,
    IsoMedia,
    Avi,
    Matroska,
    Jpeg,
    Png,
    Gif,
    Webp,
}

fn family_of_ext(ext: &str) -> Option<Family> {
    Some(match ext {
        "mp3" | "aac" => Family::MpegAudio,
        "wav" => Family::Wav,
        "flac" => Family::Flac,
        "m4a" | "mp4" | "mov" => Family::IsoMedia,
        "avi" => Family::Avi,
        "webm" | "mkv" => Family::Matroska,
        "jpg" | "jpeg" => Family::Jpeg,
        "png" => Family::Png,
        "gif" => Family::Gif,
        "webp" => Family::Webp,
        _ => return None,
    })
}

fn family_of_bytes(head: &[u8]) -> Option<Family> {
    let at = |i: usize, sig: &[u8]| head.get(i..i + sig.len()) == Some(sig);
    if at(0, b"ID3") || at(0, b"ADIF") {
        return Some(Family::MpegAudio);
    }
    // An MPEG audio frame (MP3) or ADTS header (AAC): 11 sync bits.
    if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 {
        return Some(Family::MpegAudio);
    }
    if at(0, b"RIFF") {
        return match head.get(8..12) {
            Some(b"WAVE") => Some(Family::Wav),
            Some(b"AVI ") => Some(Family::Avi),
            Some(b"WEBP") => Some(Family::Webp),
            _ => None,
        };
    }
    let sigs: [(usize, &[u8], Family); 6] = [
        (0, b"fLaC", Family::Flac),
        (4, b"ftyp", Family::IsoMedia),
        (0, &[0x1A, 0x45, 0xDF, 0xA3], Family::Matroska),
        (0, &[0xFF, 0xD8, 0xFF], Family::Jpeg),
        (
            0,
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
            Family::Png,
        ),
        (0, b"GIF8", Family::Gif),
    ];
    sigs.iter()
        .find(|(i, sig, _)| at(*i, sig))
        .map(|(_, _, f)| *f)
}

/// Checks that a file's first bytes are the media its extension names.
pub fn sniff(name: &str, head: &[u8]) -> Result<MediaKind, FileProblem> {
    let kind = kind_of_name(name)?;
    let ext = extension(name).unwrap_or_default();
    if family_of_ext(&ext).is_some() && family_of_ext(&ext) == family_of_bytes(head) {
        Ok(kind)
    } else {
        Err(FileProblem::NotMedia {
            name: display_name(name),
            ext,
        })
    }
}

/// The MIME type sent with an upload.
pub fn mime_type(name: &str) -> &'static str {
    match extension(name).as_deref() {
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("m4a") => "audio/mp4",
        Some("aac") => "audio/aac",
        Some("flac") => "audio/flac",
        Some("mp4") => "video/mp4",
        Some("mov") => "video/quicktime",
        Some("avi") => "video/x-msvideo",
        Some("webm") => "video/webm",
        Some("mkv") => "video/x-matroska",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

/// A checked local file, ready to upload.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    /// Where it is.
    pub path: PathBuf,
    /// The name sent and shown.
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// What it holds.
    pub kind: MediaKind,
}

/// Runs every check on a local file, reading only its first bytes (never the whole file).
pub async fn check_file(path: &Path) -> Result<CheckedFile, FileProblem> {
    let raw = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = display_name(&raw);
    kind_of_name(&name)?;
    let unreadable = |e: std::io::Error| FileProblem::Unreadable {
        name: name.clone(),
        reason: e.kind().to_string(),
    };
    let meta = tokio::fs::metadata(path).await.map_err(unreadable)?;
    if !meta.is_file() {
        return Err(FileProblem::NotAFile { name });
    }
    check_size(&name, meta.len())?;
    let mut head = Vec::with_capacity(16);
    let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
    file.take(16)
        .read_to_end(&mut head)
        .await
        .map_err(unreadable)?;
    let kind = sniff(&name, &head)?;
    Ok(CheckedFile {
        path: path.to_path_buf(),
        name,
        size: meta.len(),
        kind,
    })
}

/// An http(s) URL whose path names a supported format.
pub fn check_url(url: &str) -> Result<MediaKind, FileProblem> {
    let bad = || FileProblem::BadUrl {
        url: display_name(url),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let (host, file) = path.split_once('/').ok_or_else(bad)?;
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    kind_of_name(file).map_err(|_| bad())
}

/// A safe display name for a user-supplied file name: no directories or control characters,
/// at most 100 characters.
pub fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    // "." and ".." are directories, not names: joined to a folder they would escape it.
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        return "file".into();
    }
    if clean.chars().count() <= 100 {
        return clean.to_string();
    }
    // Shorten the stem, keeping a short extension so the file still checks as its type.
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 5 => {
            (stem, format!(".{ext}"))
        }
        _ => (clean, String::new()),
    };
    let keep = 99 - ext.chars().count();
    let cut: String = stem.chars().take(keep).collect();
    format!("{cut}…{ext}")
}

#[cfg(test)]
mod tests;
