use super::*;

#[test]
fn defaults_match_the_contract() {
    let c = Config::default();
    assert_eq!(c.nemo.api_base, "https://mega-api-prod.nemovideo.ai");
    assert_eq!(c.nemo.poll_interval_ms, 30_000);
    assert_eq!(c.nemo.still_working_ms, 120_000);
    assert_eq!(c.nemo.sse_timeout_ms, 900_000);
    assert_eq!(c.discord.session_scope, SessionScope::Channel);
    c.validate().unwrap();
}

#[test]
fn file_values_override_defaults_and_env_overrides_file() {
    let mut c = Config::from_toml(
        "[nemo]\napi_base = \"http://127.0.0.1:9\"\npoll_interval_ms = 10\n[discord]\nsession_scope = \"user\"\n",
    )
    .unwrap();
    assert_eq!(c.nemo.poll_interval_ms, 10);
    assert_eq!(c.nemo.retry_after_ms, 30_000);
    assert_eq!(c.discord.session_scope, SessionScope::User);
    c.apply_env(|k| match k {
        "NEMO_API_BASE" => Some("http://localhost:1".into()),
        "NEMO_TOKEN" => Some("nmv_usr_env".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(c.nemo.api_base, "http://localhost:1");
    assert_eq!(c.nemo.token.unwrap().expose(), "nmv_usr_env");
}

#[test]
fn errors_name_the_key() {
    let rows = [
        ("[nemo]\npoll_interval_ms = \"soon\"", "poll_interval_ms"),
        ("[nemo]\nnot_a_key = 1", "not_a_key"),
        ("[discord]\nsession_scope = \"guild\"", "session_scope"),
        ("[nemo", "TOML"),
    ];
    for (text, key) in rows {
        let err = Config::from_toml(text).unwrap_err();
        assert!(err.contains(key) || key == "TOML", "{text}: {err}");
    }
    let mut c = Config::default();
    c.nemo.api_base = "ftp://x".into();
    assert!(c
        .validate()
        .unwrap_err()
        .to_string()
        .contains("nemo.api_base"));
    let mut c = Config::default();
    c.nemo.sse_timeout_ms = 0;
    assert!(c
        .validate()
        .unwrap_err()
        .to_string()
        .contains("sse_timeout_ms"));
}

#[test]
fn the_example_file_parses_to_the_defaults_and_names_every_section() {
    let text = include_str!("../../config.example.toml");
    let example = Config::from_toml(text).unwrap();
    assert_eq!(format!("{example:?}"), format!("{:?}", Config::default()));
    for section in [
        "nemo", "store", "discord", "limits", "runtime", "admin", "log",
    ] {
        assert!(text.contains(&format!("\n[{section}]\n")), "[{section}]");
    }
}

#[test]
fn a_bad_admin_address_names_the_key() {
    let mut c = Config::default();
    c.admin.listen = "localhost".into();
    assert!(c
        .validate()
        .unwrap_err()
        .to_string()
        .contains("admin.listen"));
    c.admin.listen = "127.0.0.1:9464".into();
    c.validate().unwrap();
    let c = Config::from_toml("[log]\nformat = \"xml\"").unwrap_err();
    assert!(c.contains("format"), "{c}");
}

#[test]
fn rest_address_is_an_address_for_discord_itself() {
    let rows = [
        ("rest_address = \"127.0.0.1:8443\"", None),
        (
            "rest_address = \"discord.local\"",
            Some("an address and port"),
        ),
        (
            "api_base = \"http://proxy:80\"\nrest_address = \"127.0.0.1:8443\"",
            Some("REST proxy"),
        ),
    ];
    for (keys, want) in rows {
        let c = Config::from_toml(&format!("[discord]\n{keys}\n")).unwrap();
        let got = c.validate().err().map(|e| e.to_string());
        match (want, got) {
            (None, None) => {}
            (Some(w), Some(e)) => {
                assert!(e.contains("discord.rest_address") && e.contains(w), "{e}")
            }
            (w, e) => panic!("{keys}: wanted {w:?}, got {e:?}"),
        }
    }
}

#[test]
fn shard_keys_are_checked_at_start_up() {
    let c = Config::from_toml("[discord]\nshard_range = \"0-3\"\nshard_count = 2\n").unwrap();
    let err = c.validate().unwrap_err().to_string();
    assert!(err.starts_with("config key `discord.shard_range`"), "{err}");
    let c = Config::from_toml("[discord]\nshard_range = \"0-1\"\n").unwrap();
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("discord.shard_count"), "{err}");
    let err = Config::from_toml("[discord]\nshards = \"many\"").unwrap_err();
    assert!(err.contains("shards"), "{err}");
}

#[test]
fn secrets_never_show_in_debug() {
    let mut c = Config::default();
    c.apply_env(|k| match k {
        "DISCORD_TOKEN" => Some("discord-secret".into()),
        "DATABASE_URL" => Some("postgres://bot:db-secret@db/mvb".into()),
        _ => None,
    })
    .unwrap();
    let shown = format!("{c:?}");
    assert!(!shown.contains("discord-secret") && !shown.contains("db-secret"));
}

#[test]
fn postgres_needs_a_url_and_the_env_supplies_one() {
    let mut c = Config::from_toml("[store]\nbackend = \"postgres\"\n").unwrap();
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("store.url"), "{err}");
    c.store.url = Some(Secret::new("mysql://bot:pw@db/x"));
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("store.url") && !err.contains("pw"), "{err}");
    c.apply_env(|k| (k == "DATABASE_URL").then(|| "postgres://bot:pw@db/mvb".into()))
        .unwrap();
    c.validate().unwrap();
    assert_eq!(c.store.backend, StoreBackend::Postgres);
    assert!(Config::from_toml("[store]\nbackend = \"mysql\"")
        .unwrap_err()
        .contains("backend"));
}

#[test]
fn servers_are_forgotten_after_a_week_unless_set_and_never_at_once() {
    let c = Config::default();
    assert_eq!(c.store.forget_servers_after(), Duration::from_secs(604_800));
    let c = Config::from_toml("[store]\nforget_servers_after_secs = 60\n").unwrap();
    assert_eq!(c.store.forget_servers_after(), Duration::from_secs(60));
    c.validate().unwrap();
    let c = Config::from_toml("[store]\nforget_servers_after_secs = 0\n").unwrap();
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("store.forget_servers_after_secs"), "{err}");
}

#[test]
fn video_history_is_kept_thirty_days_unless_set_and_never_zero() {
    assert_eq!(Config::default().store.video_history_days, 30);
    let c = Config::from_toml("[store]\nvideo_history_days = 7\n").unwrap();
    assert_eq!(c.store.video_history_days, 7);
    c.validate().unwrap();
    let c = Config::from_toml("[store]\nvideo_history_days = 0\n").unwrap();
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("store.video_history_days"), "{err}");
}

#[test]
fn the_message_content_intent_follows_channels_unless_set() {
    let rows = [
        ("", false),
        ("channels = [1]", true),
        ("message_content = true", true),
        ("channels = [1]\nmessage_content = false", false),
    ];
    for (keys, reads) in rows {
        let c = Config::from_toml(&format!("[discord]\n{keys}\n")).unwrap();
        assert_eq!(c.discord.reads_messages(), reads, "{keys}");
    }
}

#[test]
fn songs_are_heard_ten_minutes_deep_and_told_unless_set() {
    let c = Config::default();
    assert_eq!((c.analysis.max_minutes, c.analysis.tell_agent), (10, true));
    let c = Config::from_toml("[analysis]\nmax_minutes = 0\ntell_agent = false\n").unwrap();
    assert_eq!((c.analysis.max_minutes, c.analysis.tell_agent), (0, false));
    c.validate().unwrap();
    let c = Config::from_toml("[analysis]\nmax_minutes = 31\n").unwrap();
    let err = c.validate().unwrap_err().to_string();
    assert!(err.contains("analysis.max_minutes"), "{err}");
}
