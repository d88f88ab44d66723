//! `.env.example` lists exactly the variables the configuration reads.

use std::collections::BTreeSet;

#[test]
fn env_example_lists_exactly_the_variables_read() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");
    let text = std::fs::read_to_string(path).unwrap();
    let listed: BTreeSet<String> = text
        .lines()
        .map(|line| line.trim().trim_start_matches('#').trim())
        .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim().to_owned()))
        .filter(|key| key.starts_with("TDB_"))
        .collect();
    let read: BTreeSet<String> = tdb_api::config::env_vars().into_iter().collect();
    assert!(read.contains("TDB_DATABASE_URL") && read.contains("TDB_JWT_SECRET"));
    assert_eq!(
        listed, read,
        ".env.example must list exactly the variables read by the configuration"
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let secret = tdb_api::config::Secret::new("a-very-secret-value-of-forty-characters!!");
    assert_eq!(format!("{secret:?}"), "Secret(***)");
}

#[test]
fn short_jwt_secrets_are_refused() {
    assert!("too-short".parse::<tdb_api::config::Secret>().is_err());
    assert!(
        "f43fb4f3780a1000a89e7da780fd42f248dd9fa56c85a178"
            .parse::<tdb_api::config::Secret>()
            .is_ok()
    );
}

/// Issue 16: a long but predictable secret (36 × "a") is refused at startup with a clear message.
#[test]
fn predictable_jwt_secrets_are_refused() {
    for weak in ["a".repeat(36), "ab".repeat(20), "x".repeat(32)] {
        let error = weak.parse::<tdb_api::config::Secret>().unwrap_err();
        assert!(
            error.contains("too predictable") && error.contains("openssl rand"),
            "{error}"
        );
    }
    assert!(
        "mVe3fdLgC3Ux1cJQKSIvvps/6NzIR7HvV4pByXnCMcQ="
            .parse::<tdb_api::config::Secret>()
            .is_ok()
    );
}
