//! The cache of form documents never serves a stale form: reads follow the writes of another replica
//! (its own cache), correction messages (which keep the version) and phase changes; `If-Match: *`
//! writes over any current version while a stale tag still fails.

use actix_web::http::Method;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;
use tdb_api::db::schema::{campaigns, correction_messages, correction_requests};
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, YEAR, form_url, send, snapshot, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth, state};

async fn if_match_star_writes_over_any_version_and_a_stale_tag_still_fails(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let url = form_url(EHPAD, "");
    let patch = |admissions: i64| Some(json!({"values": {"admissions": admissions}}));

    let first = send(&app, Method::PATCH, &url, Some(&token), Some("*"), patch(10)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        first.etag.as_deref(),
        Some("\"1\""),
        "`*` matches the form before its first write"
    );
    let second = send(&app, Method::PATCH, &url, Some(&token), Some("*"), patch(11)).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.etag.as_deref(), Some("\"2\""));
    assert_eq!(second.body["values"]["admissions"]["value"].as_f64(), Some(11.0));

    let before = snapshot(&state, EHPAD);
    let stale = send(&app, Method::PATCH, &url, Some(&token), Some("\"1\""), patch(12)).await;
    assert_eq!(
        (stale.status, stale.body["code"].as_str()),
        (412, Some("stale_version"))
    );
    assert_eq!(snapshot(&state, EHPAD), before, "a refused write writes nothing");
    let current = send(&app, Method::PATCH, &url, Some(&token), Some("\"2\""), patch(12)).await;
    assert_eq!(current.status, 200, "{}", current.body);
    assert_eq!(current.etag.as_deref(), Some("\"3\""));
}

async fn reads_follow_the_writes_of_another_replica(db: TestDb) {
    let one = world(&db, "collecte");
    let other = state(&db);
    let token = auth::esms(&one, &[EHPAD]);
    let (app_one, app_other) = (app(one.clone()).await, app(other.clone()).await);
    let url = form_url(EHPAD, "");

    let written = send(
        &app_one,
        Method::PATCH,
        &url,
        Some(&token),
        Some("*"),
        Some(json!({"values": {"admissions": 10}})),
    )
    .await;
    assert_eq!(written.status, 200, "{}", written.body);
    for app in [&app_one, &app_other] {
        let seen = send(app, Method::GET, &url, Some(&token), None, None).await;
        assert_eq!(seen.etag.as_deref(), Some("\"1\""));
        assert_eq!(seen.body["values"]["admissions"]["value"].as_f64(), Some(10.0));
    }
    let cached = send(&app_one, Method::GET, &url, Some(&token), None, None).await;
    assert_eq!(
        cached.body, written.body,
        "the cached document is the one the write answered"
    );

    let rewritten = send(
        &app_other,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"1\""),
        Some(json!({"values": {"admissions": 12}})),
    )
    .await;
    assert_eq!(rewritten.status, 200, "{}", rewritten.body);
    let seen = send(&app_one, Method::GET, &url, Some(&token), None, None).await;
    assert_eq!(seen.etag.as_deref(), Some("\"2\""));
    assert_eq!(seen.body["values"]["admissions"]["value"].as_f64(), Some(12.0));
    assert_eq!(seen.body, rewritten.body);

    // A correction message keeps the form's version; the next read shows it all the same.
    let request = open_correction(&other, "admissions", "Vérifiez les admissions de l'année.");
    let seen = send(&app_one, Method::GET, &url, Some(&token), None, None).await;
    assert_eq!(seen.etag.as_deref(), Some("\"2\""));
    assert_eq!(
        seen.body["corrections"][0]["messages"].as_array().map(Vec::len),
        Some(1)
    );
    add_message(&other, request, "Les admissions incluent l'accueil temporaire.");
    let seen = send(&app_one, Method::GET, &url, Some(&token), None, None).await;
    assert_eq!(seen.etag.as_deref(), Some("\"2\""));
    assert_eq!(
        seen.body["corrections"][0]["messages"].as_array().map(Vec::len),
        Some(2)
    );

    // So does a change of the campaign's phase: the form is no longer editable in `fiabilisation`.
    assert_eq!(seen.body["editable"], true);
    set_phase(&other, "fiabilisation");
    let seen = send(&app_one, Method::GET, &url, Some(&token), None, None).await;
    assert_eq!(seen.body["editable"], false);
}

/// Opens a correction request on an item of the EHPAD's form, with its first message, as a review does.
fn open_correction(state: &AppState, item: &str, message: &str) -> i64 {
    let mut conn = state.pool.get().unwrap();
    diesel::insert_into(correction_requests::table)
        .values((
            correction_requests::campaign_year.eq(YEAR),
            correction_requests::structure_finess.eq(EHPAD),
            correction_requests::item_code.eq(item),
            correction_requests::status.eq("ouverte"),
            correction_requests::created_by.eq("agent@ars.test"),
            correction_requests::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
    let id = correction_requests::table
        .select(diesel::dsl::max(correction_requests::id))
        .first::<Option<i64>>(&mut conn)
        .unwrap()
        .unwrap();
    drop(conn);
    add_message(state, id, message);
    id
}

fn add_message(state: &AppState, request: i64, body: &str) {
    let mut conn = state.pool.get().unwrap();
    diesel::insert_into(correction_messages::table)
        .values((
            correction_messages::request_id.eq(request),
            correction_messages::author.eq("agent@ars.test"),
            correction_messages::body.eq(body),
            correction_messages::at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
}

fn set_phase(state: &AppState, phase: &str) {
    let mut conn = state.pool.get().unwrap();
    diesel::update(campaigns::table.find(YEAR))
        .set(campaigns::phase.eq(phase))
        .execute(&mut conn)
        .unwrap();
}

/// PostgreSQL: the stamp every read takes first (whose match serves the cached document) is one
/// prepared statement, kept by the connection and reused: reading it again prepares nothing more. (SQL
/// literals in it once made diesel prepare it anew at each read: the form GET fell from about 6,300
/// to 2,200 requests/s in `scripts/bench-api.sh`.)
#[actix_web::test]
async fn postgres_the_stamp_of_a_read_is_prepared_once() {
    use tdb_api::auth::principal::StructureScope;
    use tdb_api::db::repo::forms;

    let Some(db) = TestDb::postgres() else { return };
    let state = world(&db, "collecte");
    let mut conn = state.pool.get().unwrap();
    let scope = StructureScope::Structures(vec![EHPAD.to_owned()]);
    let stamp = forms::stamp(&mut conn, &scope, YEAR, EHPAD).unwrap().unwrap();
    let prepared = prepared_statements(&mut conn, "%");
    for _ in 0..5 {
        assert_eq!(
            forms::stamp(&mut conn, &scope, YEAR, EHPAD).unwrap(),
            Some(stamp.clone())
        );
    }
    assert_eq!(
        prepared_statements(&mut conn, "%"),
        prepared,
        "a read of the stamp prepared a statement again"
    );
    assert_eq!(
        prepared_statements(&mut conn, "%benchmark_snapshots%"),
        1,
        "the stamp's statement is not kept prepared"
    );
}

/// A `PATCH` reads only what the form has: without justifications, open correction requests or CPOM
/// contracts (its stamp says so, read with the scope check), none of their tables is read again
/// (statements counted with diesel's instrumentation); the next write of the same form plans on the
/// values the previous one kept (the form's values are not read again) and, the form being still at
/// the stamp's version, its first statement moves it to the next (no lock read first); once the form
/// has a justification, it is read and the answered document carries it.
async fn a_patch_reads_only_what_the_form_has(db: TestDb) {
    use std::sync::{Arc, Mutex};

    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use tdb_api::auth::{Claims, Principal, Role};
    use tdb_api::db::schema::justifications;
    use tdb_api::services::forms;
    use tdb_api::services::if_match::IfMatch;
    use tdb_domain::contract::FormPatch;

    let state = world(&db, "collecte");
    let mut claims = Claims::new("direction@esms.test", Role::Esms);
    claims.structures = vec![EHPAD.to_owned()];
    let principal = Principal::from_claims(claims);
    let statements = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut conn = state.pool.get().unwrap();
    let log = Arc::clone(&statements);
    let counter: Box<dyn Instrumentation> = Box::new(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            log.lock().unwrap().push(query.to_string());
        }
    });
    conn.set_instrumentation(counter);
    let mut write = |admissions: i64| {
        statements.lock().unwrap().clear();
        let patch: FormPatch = serde_json::from_value(json!({"values": {"admissions": admissions}})).unwrap();
        let gate = state.pool.write_gate();
        let patched = forms::patch(
            &mut conn,
            (&gate, &state.forms),
            &principal,
            (YEAR, EHPAD),
            &IfMatch::Any,
            &patch,
        )
        .unwrap();
        let read: Vec<String> = statements.lock().unwrap().clone();
        let document = patched.parts.document();
        forms::publish(&state.forms, YEAR, patched).unwrap();
        (document, read)
    };
    // Whether a statement names `table` (quoted as PostgreSQL or SQLite quote it).
    let names =
        |q: &str, table: &str| q.contains(&format!("\"{table}\"")) || q.contains(&format!("`{table}`"));
    // Every statement but the stamp's (the only one reading `structures`) naming `table`.
    let reading = |read: &[String], table: &str| -> usize {
        read.iter()
            .filter(|q| !names(q, "structures") && names(q, table))
            .count()
    };

    let (document, read) = write(10);
    assert_eq!(document.values["admissions"].value, json!(10));
    for table in [
        "justifications",
        "correction_requests",
        "cpom_perimeter",
        "benchmark_snapshots",
    ] {
        assert_eq!(
            reading(&read, table),
            0,
            "{table} read by a patch of a form without any: {read:#?}"
        );
    }
    assert_eq!(
        reading(&read, "form_values"),
        2,
        "the values read, then the one updated: {read:#?}"
    );
    let (document, read) = write(12);
    assert_eq!(document.values["admissions"].value, json!(12));
    assert_eq!(
        reading(&read, "form_values"),
        1,
        "the values kept by the previous write, only the one updated: {read:#?}"
    );
    assert_eq!(
        reading(&read, "forms"),
        1,
        "the form still at the stamp's version is moved to the next one without being read or locked \
         first: {read:#?}"
    );

    diesel::insert_into(justifications::table)
        .values((
            justifications::campaign_year.eq(YEAR),
            justifications::structure_finess.eq(EHPAD),
            justifications::control_key.eq("variation_annuelle.taux_occupation"),
            justifications::text.eq("Travaux dans une aile pendant six mois."),
            justifications::author.eq("direction@esms.test"),
            justifications::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut *state.pool.get().unwrap())
        .unwrap();
    let (document, read) = write(11);
    assert_eq!(reading(&read, "justifications"), 1, "{read:#?}");
    assert_eq!(
        document
            .justifications
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["variation_annuelle.taux_occupation"]
    );
}

/// How many statements PostgreSQL keeps prepared for the session of `conn` whose text is `LIKE`
/// `pattern`.
fn prepared_statements(conn: &mut tdb_api::db::DbConnection, pattern: &str) -> i64 {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "(SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '{pattern}')"
    )))
    .get_result(conn)
    .unwrap()
}

/// The audit entry and the event of a write of one value are single-row INSERTs that PostgreSQL keeps
/// prepared: appended again, no statement is prepared again (a batch INSERT is parsed each time).
#[actix_web::test]
async fn postgres_one_audit_entry_and_one_event_are_inserted_by_prepared_statements() {
    use tdb_api::db::repo::audit::{self, NewAuditEntry};
    use tdb_api::db::repo::events::{self, NewEvent};

    let Some(db) = TestDb::postgres() else { return };
    let state = world(&db, "collecte");
    let mut conn = state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    let entry = NewAuditEntry {
        at: now,
        actor: "direction@esms.test".to_owned(),
        channel: "web".to_owned(),
        action: "value_set".to_owned(),
        campaign_year: Some(YEAR),
        structure_finess: Some(EHPAD.to_owned()),
        item_code: Some("admissions".to_owned()),
        old_value: None,
        new_value: Some("10".to_owned()),
        detail: None,
    };
    let event = NewEvent {
        event_type: "form.values_changed".to_owned(),
        campaign_year: Some(YEAR),
        structure_finess: None,
        actor: "direction@esms.test".to_owned(),
        actor_role: "esms".to_owned(),
        at: now,
        payload: "{}".to_owned(),
    };
    for _ in 0..3 {
        audit::append(&mut conn, std::slice::from_ref(&entry)).unwrap();
        events::append(&mut conn, std::slice::from_ref(&event)).unwrap();
    }
    assert_eq!(
        prepared_statements(&mut conn, "INSERT INTO \"audit_log\"%"),
        1,
        "the audit entry's INSERT is not kept prepared"
    );
    assert_eq!(
        prepared_statements(&mut conn, "INSERT INTO \"events\"%"),
        1,
        "the event's INSERT is not kept prepared"
    );
}

/// The two UPDATEs of a write of one value (the value's row, the form moved to its next version) are
/// kept prepared by PostgreSQL too (`db::repo::prepared`): written again, no statement is prepared again.
#[actix_web::test]
async fn postgres_the_updates_of_a_write_are_kept_prepared() {
    use tdb_api::db::repo::forms::{self, FormAdvance, FormSummary};
    use tdb_api::db::repo::values;

    let Some(db) = TestDb::postgres() else { return };
    let state = world(&db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let body = Some(json!({"values": {"admissions": 10}}));
    let first = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&token),
        Some("*"),
        body,
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let mut conn = state.pool.get().unwrap();
    let mut value = values::load(&mut conn, YEAR, EHPAD)
        .unwrap()
        .into_iter()
        .next()
        .expect("a stored value");
    let first_version = forms::find(&mut conn, YEAR, EHPAD)
        .unwrap()
        .expect("the form's row")
        .version;
    for version in first_version..first_version + 3 {
        value.version += 1;
        values::update(&mut conn, &value).unwrap();
        let advance = FormAdvance {
            state: "en_cours",
            version: version + 1,
            summary: FormSummary {
                completion_rate: 0.5,
                filled: 10,
                required: 20,
                can_submit: false,
                alert_count: 0,
            },
            updated_at: Utc::now().naive_utc(),
        };
        let moved = forms::advance(&mut conn, (YEAR, EHPAD), version, &advance).unwrap();
        assert_eq!(moved.map(|row| row.version), Some(version + 1));
    }
    assert_eq!(
        prepared_statements(&mut conn, "UPDATE \"form_values\"%"),
        1,
        "the value's UPDATE is not kept prepared"
    );
    assert_eq!(
        prepared_statements(&mut conn, "UPDATE \"forms\"%"),
        1,
        "the form's UPDATE is not kept prepared"
    );
}

on_both_backends!(
    a_patch_reads_only_what_the_form_has,
    if_match_star_writes_over_any_version_and_a_stale_tag_still_fails,
    reads_follow_the_writes_of_another_replica,
);
