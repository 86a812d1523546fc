use super::*;

fn req(r: Request) -> Line {
    Line::Request(r)
}

#[test]
fn lines_parse() {
    let file = |p: &str| Media::File(PathBuf::from(p));
    let rows = vec![
        ("", Line::Empty),
        ("   ", Line::Empty),
        ("hello there", req(Request::Say("hello there".into()))),
        ("导出", req(Request::Say("导出".into()))),
        ("/credits", req(Request::Credits)),
        ("/STATUS", req(Request::Status)),
        ("/export", req(Request::Export)),
        ("/open", req(Request::Open)),
        ("/reset", req(Request::Reset)),
        ("/help", Line::Help),
        (
            "/credits now",
            Line::Invalid(Invalid::TakesNoArguments("credits".into())),
        ),
        (
            "/musicvideo",
            req(Request::MusicVideo {
                prompt: None,
                media: vec![],
            }),
        ),
        (
            "/musicvideo make it neon --file song.mp3",
            req(Request::MusicVideo {
                prompt: Some("make it neon".into()),
                media: vec![file("song.mp3")],
            }),
        ),
        (
            "/musicvideo --file \"my song.wav\" --file b.mp3",
            req(Request::MusicVideo {
                prompt: None,
                media: vec![file("my song.wav"), file("b.mp3")],
            }),
        ),
        ("/musicvideo --file", Line::Invalid(Invalid::FileNeedsPath)),
        (
            "/musicvideo 80's synthwave, #neon --file 'my song.mp3' slow",
            req(Request::MusicVideo {
                prompt: Some("80's synthwave, #neon slow".into()),
                media: vec![file("my song.mp3")],
            }),
        ),
        (
            "/upload a.mp3 https://x.test/b.wav",
            req(Request::Upload {
                media: vec![file("a.mp3"), Media::Url("https://x.test/b.wav".into())],
                text: String::new(),
            }),
        ),
        ("/upload", Line::Invalid(Invalid::UploadNeedsPath)),
        ("/upload \"open", Line::Invalid(Invalid::UnclosedQuote)),
        (
            "/dance",
            Line::Invalid(Invalid::UnknownCommand("dance".into())),
        ),
    ];
    for (input, want) in rows {
        assert_eq!(parse_line(input), want, "{input}");
    }
}

#[test]
fn refusals_and_help_speak_the_chosen_language() {
    let rows = [
        (
            Invalid::TakesNoArguments("credits".into()),
            "/credits takes no arguments",
            "/credits 不需要参数",
        ),
        (
            Invalid::UnknownCommand("dance".into()),
            "unknown command /dance; try /help",
            "没有 /dance 这个命令；试试 /help",
        ),
        (
            Invalid::UploadNeedsPath,
            "/upload needs at least one file path or URL",
            "/upload 至少需要一个文件路径或链接",
        ),
        (
            Invalid::FileNeedsPath,
            "--file needs a path",
            "--file 后面需要一个路径",
        ),
        (
            Invalid::UnclosedQuote,
            "A quote in that line is not closed: close it, or put a backslash before it.",
            "这一行里有个引号没有闭合：请补上另一半，或在它前面加反斜杠。",
        ),
    ];
    for (invalid, en, zh) in rows {
        assert_eq!(invalid.sentence(Lang::En), en);
        assert_eq!(invalid.sentence(Lang::ZhCn), zh);
    }
    // Indented as a table under its heading, in both languages.
    assert!(help(Lang::En).starts_with("Commands:\n  /musicvideo [prompt…]"));
    assert!(help(Lang::ZhCn).starts_with("命令：\n  /musicvideo [描述…]"));
    assert!(help(Lang::ZhCn).ends_with("也可以）。"));
}

#[test]
fn upload_takes_paths_as_a_terminal_writes_them() {
    let song = "/music/My Song (final).mp3";
    let exists = |p: &Path| p == Path::new(song);
    let files = |ps: &[&str]| Ok(ps.iter().map(|p| Media::File(p.into())).collect());
    let rows: Vec<(&str, Result<Vec<Media>, Invalid>)> = vec![
        ("/music/a.mp3", files(&["/music/a.mp3"])),
        ("a.mp3  b.wav\t", files(&["a.mp3", "b.wav"])),
        ("'/music/My Song (final).mp3'", files(&[song])),
        (
            "\"/music/My Song (final).mp3\" b.wav",
            files(&[song, "b.wav"]),
        ),
        ("/music/My\\ Song\\ \\(final\\).mp3", files(&[song])),
        ("  /music/My Song (final).mp3 ", files(&[song])),
        (
            "/music/Other Song.mp3",
            files(&["/music/Other", "Song.mp3"]),
        ),
        ("'/music/My Song.mp3", Err(Invalid::UnclosedQuote)),
    ];
    for (args, want) in rows {
        assert_eq!(upload_media(args, exists), want, "{args}");
    }
}

#[tokio::test]
async fn piped_output_prints_final_messages_once() {
    let buf: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let front = ConsoleFront::new(buf.clone(), false, "c", Lang::En);
    let id = front.send("Hel", false).await.unwrap();
    front.edit(&id, "Hello", false).await.unwrap();
    front.status("⏳ Still working...").await.unwrap();
    front.edit(&id, "Hello world", true).await.unwrap();
    let text = String::from_utf8(buf.lock().clone()).unwrap();
    assert_eq!(text, "⏳ Still working...\nHello world\n");
}

#[tokio::test]
async fn cards_print_as_text_and_progress_as_one_line_a_step() {
    let buf: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let front = ConsoleFront::new(buf.clone(), false, "c", Lang::En);
    let credits = crate::nemo::Credits {
        available: 50.0,
        frozen: 0.0,
        total: 50.0,
    };
    let card = crate::engine::cards::credits(Lang::En, &credits);
    front.card(&card).await.unwrap();
    let status = crate::store::JobStatus::Nemo("processing".into());
    let step = crate::engine::cards::progress(Lang::En, &status, 50, "in about 20 s");
    front.progress(&step).await.unwrap();
    let text = String::from_utf8(buf.lock().clone()).unwrap();
    let (shown, steps) = text.split_at(card.text().len() + 1);
    assert_eq!(shown, format!("{}\n", card.text()));
    assert!(shown.contains("\nAvailable: 50\n"), "{shown}");
    assert_eq!(
        steps,
        "🎬 Rendering your music video · ▰▰▰▰▰▱▱▱▱▱ 50% · Rendering · ready in about 20 s\n"
    );
}

#[tokio::test]
async fn a_link_posted_again_says_so() {
    let buf: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let front = ConsoleFront::new(buf.clone(), false, "c", Lang::En);
    let mut link = Link {
        kind: crate::engine::LinkKind::Video,
        text: "Ready:".into(),
        url: "https://x.test/v.mp4".into(),
        key: "render_1".into(),
        again: false,
        card: None,
    };
    front.post_link(&link).await.unwrap();
    link.again = true;
    front.post_link(&link).await.unwrap();
    let text = String::from_utf8(buf.lock().clone()).unwrap();
    let again = crate::tr!(crate::i18n::Lang::En, "posted-again");
    assert_eq!(
        text,
        format!("Ready: https://x.test/v.mp4\nReady: https://x.test/v.mp4 {again}\n")
    );
}

#[tokio::test]
async fn live_output_streams_the_new_text() {
    let buf: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let front = ConsoleFront::new(buf.clone(), true, "c", Lang::En);
    let id = front.send("Hel", false).await.unwrap();
    front.edit(&id, "Hello", true).await.unwrap();
    let text = String::from_utf8(buf.lock().clone()).unwrap();
    assert_eq!(text, "Hello\n");
}
