use super::*;

#[test]
fn names_are_checked_by_extension() {
    let rows = [
        ("song.mp3", Some(MediaKind::Audio)),
        ("SONG.MP3", Some(MediaKind::Audio)),
        ("a.flac", Some(MediaKind::Audio)),
        ("a.m4a", Some(MediaKind::Audio)),
        ("clip.mov", Some(MediaKind::Video)),
        ("cover.jpeg", Some(MediaKind::Image)),
        ("setup.exe", None),
        ("mp3", None),
        (".mp3", None),
        ("song.mp3.exe", None),
        ("", None),
    ];
    for (name, want) in rows {
        assert_eq!(kind_of_name(name).ok(), want, "{name}");
    }
}

#[test]
fn content_must_match_the_extension() {
    let mut wav = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
    wav.extend_from_slice(&[0; 4]);
    let rows: Vec<(&str, Vec<u8>, bool)> = vec![
        ("a.mp3", b"ID3\x04\0\0".to_vec(), true),
        ("a.mp3", vec![0xFF, 0xFB, 0x90, 0x64], true),
        ("a.aac", vec![0xFF, 0xF1, 0x50, 0x80], true),
        ("a.wav", wav.clone(), true),
        ("a.mp3", wav, false),
        ("a.flac", b"fLaC\0\0".to_vec(), true),
        ("a.m4a", b"\0\0\0\x20ftypM4A ".to_vec(), true),
        ("a.mp4", b"\0\0\0\x20ftypisom".to_vec(), true),
        ("a.webm", vec![0x1A, 0x45, 0xDF, 0xA3, 1], true),
        (
            "a.png",
            vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
            true,
        ),
        ("a.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0], true),
        ("a.gif", b"GIF89a".to_vec(), true),
        ("a.webp", b"RIFF\0\0\0\0WEBPVP8 ".to_vec(), true),
        ("a.mp3", b"just text renamed\n".to_vec(), false),
        ("a.mp3", Vec::new(), false),
        ("a.png", vec![0xFF, 0xD8, 0xFF], false),
    ];
    for (name, head, ok) in rows {
        assert_eq!(sniff(name, &head).is_ok(), ok, "{name} {head:?}");
    }
}

#[test]
fn sizes_and_sentences() {
    assert!(check_size("a.mp3", 1).is_ok());
    assert!(check_size("a.mp3", MAX_UPLOAD_BYTES).is_ok());
    let too = check_size("a.mp3", MAX_UPLOAD_BYTES + 1)
        .unwrap_err()
        .to_string();
    assert!(too.contains("200 MB") && too.contains("200.0 MB"), "{too}");
    assert!(check_size("a.mp3", 0)
        .unwrap_err()
        .to_string()
        .contains("empty"));
    let unsupported = kind_of_name("x.exe").unwrap_err().to_string();
    assert!(
        unsupported.contains("mp3, wav, m4a, aac, flac"),
        "{unsupported}"
    );
}

#[test]
fn urls_and_display_names() {
    let rows = [
        ("https://cdn.example.com/a/song.wav", true),
        ("http://x.test/song.FLAC?sig=1", true),
        ("ftp://x.test/song.mp3", false),
        ("https://x.test/", false),
        ("https://x.test/page.html", false),
        ("https:///song.mp3", false),
        ("song.mp3", false),
    ];
    for (url, ok) in rows {
        assert_eq!(check_url(url).is_ok(), ok, "{url}");
    }
    assert_eq!(display_name("../../etc/pass\u{7}wd.mp3"), "passwd.mp3");
    assert_eq!(display_name("C:\\music\\a.mp3"), "a.mp3");
    assert_eq!(display_name(&"x".repeat(300)).chars().count(), 100);
    assert_eq!(display_name(""), "file");
    assert_eq!(display_name(".."), "file", "never a parent directory");
    assert_eq!(display_name("a/.."), "file");
    let long = format!("{}.mp3", "x".repeat(300));
    assert!(
        display_name(&long).ends_with(".mp3"),
        "the extension survives shortening"
    );
    assert_eq!(display_name(&long).chars().count(), 100);
}

#[tokio::test]
async fn files_are_checked_from_their_first_bytes() {
    let dir = std::env::temp_dir().join(format!("mvb-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let huge = dir.join("huge.wav");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(MAX_UPLOAD_BYTES + 1)
        .unwrap();
    assert!(matches!(
        check_file(&huge).await,
        Err(FileProblem::TooLarge { .. })
    ));
    let real = dir.join("ok.mp3");
    std::fs::write(&real, b"ID3\x04\0\0\0\0\0\0").unwrap();
    let checked = check_file(&real).await.unwrap();
    assert_eq!(
        (checked.name.as_str(), checked.kind),
        ("ok.mp3", MediaKind::Audio)
    );
    let missing = check_file(&dir.join("nope.mp3")).await.unwrap_err();
    assert!(
        matches!(missing, FileProblem::Unreadable { .. }),
        "{missing:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
