use super::*;

fn kind(r: Result<Value, NemoError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => format!("{e:?}")
            .split([' ', '{'])
            .next()
            .unwrap_or("")
            .to_string(),
    }
}

#[test]
fn codes_and_statuses_map_to_variants() {
    let rows: &[(u16, &str, &str)] = &[
        (200, r#"{"code":0,"data":{}}"#, "ok"),
        (200, r#"{"code":1001,"message":"expired"}"#, "BadToken"),
        (401, r#"{"code":1001,"message":"expired"}"#, "BadToken"),
        (
            404,
            r#"{"code":1002,"message":"no session"}"#,
            "SessionNotFound",
        ),
        (200, r#"{"code":2001,"message":"no credits"}"#, "NoCredits"),
        (400, r#"{"code":4001}"#, "UnsupportedFile"),
        (413, r#"{"code":"4002"}"#, "FileTooLarge"),
        // Only the token endpoint's 400 is about the client id (see below).
        (400, r#"{"message":"missing X-Client-Id"}"#, "Api"),
        (
            402,
            r#"{"success":false,"error":"free plan"}"#,
            "ExportBlocked",
        ),
        (429, r#"{"message":"slow down"}"#, "RateLimited"),
        (200, r#"{"success":false,"error":"duplicate id"}"#, "Api"),
        (
            409,
            r#"{"success":false,"error":"duplicate render id"}"#,
            "DuplicateId",
        ),
        (
            409,
            r#"{"success":false,"error":"id taken"}"#,
            "DuplicateId",
        ),
        (500, r#"{"code":5000}"#, "Api"),
        (502, "<html>502 Bad Gateway</html>", "Transport"),
        (200, "not json", "Decode"),
        (200, r#"{"success":true,"data":{"id":"r"}}"#, "ok"),
        (200, r#"{"taskId":"r","status":"completed"}"#, "ok"),
    ];
    for (status, body, want) in rows {
        assert_eq!(
            kind(classify("GET /x", *status, body)),
            *want,
            "{status} {body}"
        );
    }
}

#[test]
fn a_400_means_missing_client_id_only_from_the_token_endpoint() {
    for body in [
        r#"{"code":400,"message":"missing X-Client-Id"}"#,
        r#"{"message":"bad request"}"#,
    ] {
        let err = classify(ANONYMOUS_TOKEN, 400, body).unwrap_err();
        assert!(matches!(err, NemoError::MissingClientId { .. }), "{err:?}");
    }
    let render = classify(
        "POST /api/render/proxy/lambda",
        400,
        r#"{"error":"bad client"}"#,
    );
    assert!(matches!(render, Err(NemoError::Api { status: 400, .. })));
}

#[test]
fn bodies_in_errors_are_redacted() {
    let err = classify("POST /t", 200, r#"{"data":{"token":"nmv_usr_secret"}"#).unwrap_err();
    assert!(!err.to_string().contains("nmv_usr_secret"), "{err}");
}

#[test]
fn only_transient_errors_are_retryable() {
    let html = classify("GET /x", 502, "<html>").unwrap_err();
    assert!(html.is_retryable());
    let credits = classify("GET /x", 200, r#"{"code":2001}"#).unwrap_err();
    assert!(!credits.is_retryable());
}

#[test]
fn a_cut_off_body_is_retryable_but_a_wrong_one_is_not() {
    let cut = classify("GET /x", 200, r#"{"code":0,"data":{"avail"#).unwrap_err();
    assert!(matches!(cut, NemoError::Decode { .. }) && cut.is_retryable());
    let garbage = classify("GET /x", 200, "OK!").unwrap_err();
    assert!(matches!(garbage, NemoError::Decode { .. }) && !garbage.is_retryable());
}
