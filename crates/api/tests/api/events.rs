//! The event log and the change feed `GET /api/v1/events` (docs/events.md): events written with their
//! change (and not without it), the feed's scope, pagination, and a cursor that never skips an event
//! committed out of order (PostgreSQL).

use std::collections::BTreeSet;

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::DbConnection;
use tdb_api::db::repo::events::{self as log, NewEvent};
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, form_url, send, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// The Paris EHPAD of the small world (region 11).
const PARIS: &str = "750000011";

/// PostgreSQL: waits until every stored event is below the feed's watermark (no transaction that
/// began before the last one finished is still running anywhere on the server — other tests run
/// beside this one), so a read shows them all.
pub fn settle(state: &AppState) {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = state.pool.get().unwrap();
    if !matches!(&*conn, DbConnection::Postgres(_)) {
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let held: Count = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM events WHERE tx >= (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint",
        )
        .get_result(&mut *conn)
        .unwrap();
        if held.n == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "events held back for a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every event of the feed as `token` sees it, read page by page (`limit`), once every stored event is
/// visible ([`settle`]).
async fn read_all<S>(app: &S, state: &AppState, token: &str, query: &str, limit: u32) -> Vec<Value>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    settle(state);
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut uri = format!("/api/v1/events?limit={limit}{query}");
        if let Some(cursor) = &after {
            uri.push_str(&format!("&after={cursor}"));
        }
        let page = send(app, Method::GET, &uri, Some(token), None, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let got = page.body["items"].as_array().unwrap().clone();
        assert!(got.len() <= limit as usize);
        let next = page.body["next_cursor"].as_str().unwrap().to_owned();
        if got.is_empty() {
            assert_eq!(
                Some(&next).filter(|_| after.is_some()),
                after.as_ref(),
                "an empty page keeps the cursor"
            );
            return items;
        }
        items.extend(got);
        after = Some(next);
    }
}

/// `(type, structure)` of events.
fn kinds(items: &[Value]) -> Vec<(String, Option<String>)> {
    items
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["structure"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Events stored, whatever the scope.
fn stored_count(state: &AppState) -> i64 {
    use tdb_api::db::schema::events;
    let mut conn = state.pool.get().unwrap();
    events::table.count().get_result(&mut conn).unwrap()
}

async fn the_feed_shows_each_caller_its_scope_only(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let nord = auth::esms(&state, &[EHPAD]);
    let paris = auth::esms(&state, &[PARIS]);
    for (token, finess) in [(&nord, EHPAD), (&paris, PARIS)] {
        let written = send(
            &app,
            Method::PATCH,
            &form_url(finess, ""),
            Some(token),
            Some("*"),
            Some(json!({"values": {"places_installees_hp": 60, "places_financees_hp": 58}})),
        )
        .await;
        assert_eq!(written.status, 200, "{}", written.body);
    }
    let phase = send(
        &app,
        Method::POST,
        "/api/v1/campaigns/2024/phase",
        Some(&auth::national(&state)),
        None,
        Some(json!({"phase": "fiabilisation"})),
    )
    .await;
    assert_eq!(phase.status, 200, "{}", phase.body);

    let nord_event = ("form.values_changed".to_owned(), Some(EHPAD.to_owned()));
    let paris_event = ("form.values_changed".to_owned(), Some(PARIS.to_owned()));
    let phase_event = ("campaign.phase_changed".to_owned(), None);

    let national = read_all(&app, &state, &auth::national(&state), "", 100).await;
    assert_eq!(
        kinds(&national),
        [nord_event.clone(), paris_event.clone(), phase_event.clone()]
    );
    let first = &national[0];
    assert_eq!(first["campaign"], 2024);
    assert_eq!(first["actor"], "direction@esms.test");
    assert_eq!(first["actor_role"], "esms");
    assert_eq!(first["payload"]["channel"], "form");
    assert_eq!(first["payload"]["version"], 1);
    let items: BTreeSet<&str> = first["payload"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(
        items,
        BTreeSet::from(["places_financees_hp", "places_installees_hp"])
    );
    assert_eq!(
        national[2]["payload"],
        json!({"from": "collecte", "to": "fiabilisation", "version": 2})
    );

    // An ARS sees its region's structures (and the campaign), never another region's.
    let hdf = read_all(&app, &state, &auth::ars(&state, "32"), "", 100).await;
    assert_eq!(kinds(&hdf), [nord_event.clone(), phase_event.clone()]);
    let idf = read_all(&app, &state, &auth::ars(&state, "11"), "", 100).await;
    assert_eq!(kinds(&idf), [paris_event.clone(), phase_event.clone()]);
    // A CD whose department has no structure with an event: the campaign only.
    let pas_de_calais = read_all(&app, &state, &auth::cd(&state, "62"), "", 100).await;
    assert_eq!(kinds(&pas_de_calais), std::slice::from_ref(&phase_event));
    // A structure sees its own form's events.
    assert_eq!(
        kinds(&read_all(&app, &state, &nord, "", 100).await),
        [nord_event.clone(), phase_event.clone()]
    );
    assert_eq!(
        kinds(&read_all(&app, &state, &auth::og(&state, "750000001"), "", 100).await),
        [paris_event, phase_event]
    );

    // Partners: `read` or `events:read`, the actor's role without its address; otherwise 403.
    for scopes in [&["events:read"][..], &["read"][..]] {
        let partner = read_all(&app, &state, &auth::partner(&state, scopes, None), "", 100).await;
        assert_eq!(partner.len(), 3, "{scopes:?}");
        assert!(partner.iter().all(|e| e["actor"].is_null()), "{partner:?}");
        assert_eq!(partner[0]["actor_role"], "esms");
    }
    for scopes in [&[][..], &["prefill:write"][..]] {
        let refused = send(
            &app,
            Method::GET,
            "/api/v1/events",
            Some(&auth::partner(&state, scopes, Some("cnsa_errd"))),
            None,
            None,
        )
        .await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (403, Some("forbidden")),
            "{scopes:?}"
        );
    }
    let anonymous = send(&app, Method::GET, "/api/v1/events", None, None, None).await;
    assert_eq!(anonymous.status, 401);

    // Types filter and bad parameters.
    let only_phases = read_all(
        &app,
        &state,
        &nord,
        "&types=campaign.phase_changed,form.submitted",
        100,
    )
    .await;
    assert_eq!(kinds(&only_phases), [("campaign.phase_changed".to_owned(), None)]);
    for query in [
        "types=form.nope",
        "limit=0",
        "limit=1001",
        "after=12",
        "after=a.b",
    ] {
        let bad = send(
            &app,
            Method::GET,
            &format!("/api/v1/events?{query}"),
            Some(&nord),
            None,
            None,
        )
        .await;
        assert_eq!(
            (bad.status, bad.body["code"].as_str()),
            (422, Some("validation_failed")),
            "{query}"
        );
    }
}

async fn an_event_is_written_with_its_change_and_never_without(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let url = form_url(EHPAD, "");
    let body = json!({"values": {"places_installees_hp": 60}});

    // Refused writes leave no event: stale version (412), a bad value (422), a submission refused (409).
    let stale = send(
        &app,
        Method::PATCH,
        &url,
        Some(&esms),
        Some("\"7\""),
        Some(body.clone()),
    )
    .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    let invalid = send(
        &app,
        Method::PATCH,
        &url,
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": {"places_installees_hp": -3}})),
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    assert_eq!(stored_count(&state), 0);

    // The write and its event.
    let written = send(
        &app,
        Method::PATCH,
        &url,
        Some(&esms),
        Some("\"0\""),
        Some(body.clone()),
    )
    .await;
    assert_eq!(written.status, 200, "{}", written.body);
    assert_eq!(stored_count(&state), 1);
    // The same value again changes nothing: no event.
    let same = send(&app, Method::PATCH, &url, Some(&esms), Some("*"), Some(body)).await;
    assert_eq!(same.status, 200, "{}", same.body);
    assert_eq!(stored_count(&state), 1);
    let refused = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(stored_count(&state), 1);

    // An import by the structure: one event per form, channel `import`; a prefill push: `prefill`,
    // and a campaign-wide `import.finished`.
    let imported = send(
        &app,
        Method::POST,
        "/api/v1/campaigns/2024/imports",
        Some(&esms),
        None,
        Some(json!({"rows": [{"finess": EHPAD, "values": {"places_financees_hp": 61}}]})),
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    let pushed = send(
        &app,
        Method::POST,
        "/api/v1/campaigns/2024/imports",
        Some(&auth::partner(&state, &["prefill:write"], Some("cnsa_errd"))),
        None,
        Some(json!({"rows": [{"finess": PARIS, "values": {"produits_exploitation": 1000.5}}]})),
    )
    .await;
    assert_eq!(pushed.status, 200, "{}", pushed.body);
    let feed = read_all(&app, &state, &auth::national(&state), "", 100).await;
    assert_eq!(
        kinds(&feed),
        [
            ("form.values_changed".to_owned(), Some(EHPAD.to_owned())),
            ("form.values_changed".to_owned(), Some(EHPAD.to_owned())),
            ("form.values_changed".to_owned(), Some(PARIS.to_owned())),
            ("import.finished".to_owned(), None),
        ]
    );
    assert_eq!(feed[1]["payload"]["channel"], "import");
    assert_eq!(feed[1]["payload"]["items"], json!(["places_financees_hp"]));
    assert_eq!(feed[1]["payload"]["version"], 2);
    assert_eq!(feed[2]["payload"]["channel"], "prefill");
    assert_eq!(feed[2]["payload"]["source"], "cnsa_errd");
    assert_eq!(feed[2]["actor_role"], "partner");
    assert_eq!(feed[3]["payload"]["source"], "cnsa_errd");

    // Workflow: a reopening by the ARS is refused on a form not submitted (no event).
    let reopen = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/reopen"),
        Some(&auth::ars(&state, "32")),
        None,
        Some(json!({"comment": "Revoir les places."})),
    )
    .await;
    assert_eq!(reopen.status, 409, "{}", reopen.body);
    assert_eq!(stored_count(&state), 4);
}

/// Appends `n` events about `finess`, each in its own transaction.
fn append_events(state: &AppState, finess: &str, n: usize) {
    let mut conn = state.pool.get().unwrap();
    for i in 0..n {
        conn.transaction(|conn| log::append(conn, &[event(finess, i)]))
            .unwrap();
    }
}

fn event(finess: &str, i: usize) -> NewEvent {
    NewEvent {
        event_type: "form.values_changed".to_owned(),
        campaign_year: Some(2024),
        structure_finess: Some(finess.to_owned()),
        actor: "test".to_owned(),
        actor_role: "system".to_owned(),
        at: chrono::Utc::now().naive_utc(),
        payload: json!({"i": i}).to_string(),
    }
}

async fn pages_after_a_cursor_give_every_event_exactly_once(db: TestDb) {
    let state = world(&db, "collecte");
    append_events(&state, EHPAD, 53);
    append_events(&state, PARIS, 20);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let all = read_all(&app, &state, &national, "", 1000).await;
    assert_eq!(all.len(), 73);
    for limit in [1, 7, 50] {
        let paged = read_all(&app, &state, &national, "", limit).await;
        let ids: Vec<i64> = paged.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        let unique: BTreeSet<i64> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "limit {limit}: a duplicate");
        assert_eq!(paged, all, "limit {limit}");
    }
    // Scoped paging: the Nord structure's 53 events, in order.
    let nord = read_all(&app, &state, &auth::esms(&state, &[EHPAD]), "", 10).await;
    let order: Vec<i64> = nord.iter().map(|e| e["payload"]["i"].as_i64().unwrap()).collect();
    assert_eq!(order, (0..53).collect::<Vec<i64>>());
    // A page from the last cursor is empty until something new is written, then holds it only.
    settle(&state);
    let first = send(
        &app,
        Method::GET,
        "/api/v1/events?limit=1000",
        Some(&national),
        None,
        None,
    )
    .await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let empty = send(
        &app,
        Method::GET,
        &format!("/api/v1/events?after={cursor}"),
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(empty.body["items"], json!([]));
    assert_eq!(empty.body["next_cursor"], cursor.as_str());
    append_events(&state, PARIS, 1);
    settle(&state);
    let next = send(
        &app,
        Method::GET,
        &format!("/api/v1/events?after={cursor}"),
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(next.body["items"].as_array().unwrap().len(), 1);
}

/// `(type, payload)` of the stored events of `event_type`.
pub fn stored_of(state: &AppState, event_type: &str) -> Vec<(Option<String>, Value)> {
    use tdb_api::db::schema::events;
    let mut conn = state.pool.get().unwrap();
    let rows: Vec<(Option<String>, String)> = events::table
        .filter(events::event_type.eq(event_type))
        .order(events::id)
        .select((events::structure_finess, events::payload))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .map(|(f, p)| (f, serde_json::from_str(&p).unwrap()))
        .collect()
}

/// A campaign already in `restitution` without frozen figures (data loaded before freezing existed)
/// is frozen on its first read: `benchmarks.frozen` with `lazy`, once.
async fn a_lazy_freeze_writes_its_event_once(db: TestDb) {
    let state = world(&db, "restitution");
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let url = format!("/api/v1/campaigns/2024/structures/{EHPAD}/benchmark");
    for _ in 0..2 {
        let read = send(&app, Method::GET, &url, Some(&national), None, None).await;
        assert_eq!(read.status, 200, "{}", read.body);
    }
    assert_eq!(
        stored_of(&state, "benchmarks.frozen"),
        vec![(None, json!({"lazy": true}))]
    );
}

/// An import job of a prefill source left unfinished by a dead process is marked interrupted by the
/// sweep, with an `import.failed` event; a structure's own import (`saisie`) writes none (its forms'
/// events tell what it wrote).
async fn an_interrupted_prefill_job_writes_import_failed(db: TestDb) {
    use tdb_api::db::repo::jobs::{self, JobRow};
    use tdb_domain::contract::JobState;
    let state = world(&db, "collecte");
    let old = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    let mut conn = state.pool.get().unwrap();
    for (id, source) in [("job-prefill", "cnsa_errd"), ("job-saisie", "saisie")] {
        jobs::insert(
            &mut conn,
            &JobRow {
                id: id.to_owned(),
                campaign_year: 2024,
                source: source.to_owned(),
                actor: "client-partenaire".to_owned(),
                owner: "dead-replica".to_owned(),
                state: JobState::Running,
                dry_run: false,
                partial: false,
                total: 100,
                processed: 40,
                result_status: None,
                result: None,
                created_at: old,
                heartbeat_at: old,
                finished_at: None,
            },
        )
        .unwrap();
    }
    let swept = tdb_api::services::imports::jobs::sweep(&mut conn, "this-replica").unwrap();
    assert_eq!(swept, 2);
    assert_eq!(
        stored_of(&state, "import.failed"),
        vec![(
            None,
            json!({"job": "job-prefill", "source": "cnsa_errd", "state": "interrupted", "processed": 40, "total": 100})
        )]
    );
}

on_both_backends!(
    the_feed_shows_each_caller_its_scope_only,
    an_event_is_written_with_its_change_and_never_without,
    pages_after_a_cursor_give_every_event_exactly_once,
    a_lazy_freeze_writes_its_event_once,
    an_interrupted_prefill_job_writes_import_failed,
);

/// The `payload.i` of the events of the feed after `cursor`, and the next cursor.
async fn feed_after<S>(app: &S, token: &str, cursor: &str) -> (Vec<i64>, String)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let page = send(
        app,
        Method::GET,
        &format!("/api/v1/events?after={cursor}"),
        Some(token),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let items = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["payload"]["i"].as_i64().unwrap())
        .collect();
    (items, page.body["next_cursor"].as_str().unwrap().to_owned())
}

/// [`feed_after`], read again until it holds `n` events (other tests' transactions on the server may
/// hold the watermark back for a while; it never hides an event for good).
async fn feed_until<S>(app: &S, token: &str, cursor: &str, n: usize) -> (Vec<i64>, String)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (items, next) = feed_after(app, token, cursor).await;
        if items.len() >= n || std::time::Instant::now() > deadline {
            return (items, next);
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn begin(conn: &mut DbConnection) {
    diesel::sql_query("BEGIN").execute(conn).unwrap();
}

fn commit(conn: &mut DbConnection) {
    diesel::sql_query("COMMIT").execute(conn).unwrap();
}

/// PostgreSQL: transaction A writes event 1 and stays open while B writes event 2 and commits. The
/// feed shows neither A's event nor B's (B's id is past A's, still in flight) until A commits; then
/// both, and a cursor taken before loses nothing.
#[actix_web::test]
async fn postgres_a_cursor_never_skips_an_event_committed_out_of_order() {
    let Some(db) = TestDb::postgres() else { return };
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    append_events(&state, EHPAD, 1); // i = 0, committed
    let (seen, cursor) = feed_until(&app, &national, "0.0", 1).await;
    assert_eq!(seen, [0]);

    let mut a = state.pool.get().unwrap();
    let mut b = state.pool.get().unwrap();
    begin(&mut a);
    log::append(&mut a, &[event(EHPAD, 1)]).unwrap();
    begin(&mut b);
    log::append(&mut b, &[event(EHPAD, 2)]).unwrap();
    commit(&mut b);
    // B is committed with a larger id than A's uncommitted event: not shown yet.
    let (seen, cursor_during) = feed_after(&app, &national, &cursor).await;
    assert_eq!(seen, Vec::<i64>::new(), "B's event came before A's");
    assert_eq!(cursor_during, cursor);
    commit(&mut a);
    let (seen, cursor) = feed_until(&app, &national, &cursor_during, 2).await;
    assert_eq!(seen, [1, 2]);

    // The other order of transaction ids: B takes its transaction id first, A takes the smaller event
    // id; B commits first. B's event may be shown at once (its transaction is below every one in
    // flight) and the cursor moves past it — A's event, with a smaller id, must still come after.
    begin(&mut b);
    diesel::sql_query("SELECT pg_current_xact_id()")
        .execute(&mut b)
        .unwrap();
    begin(&mut a);
    log::append(&mut a, &[event(EHPAD, 3)]).unwrap();
    log::append(&mut b, &[event(EHPAD, 4)]).unwrap();
    commit(&mut b);
    let (seen, cursor) = feed_until(&app, &national, &cursor, 1).await;
    assert_eq!(seen, [4]);
    let (seen, cursor) = feed_after(&app, &national, &cursor).await;
    assert!(seen.is_empty());
    commit(&mut a);
    let (seen, cursor) = feed_until(&app, &national, &cursor, 1).await;
    assert_eq!(
        seen,
        [3],
        "A's event, committed last with a smaller id, is not lost"
    );
    let (seen, _) = feed_after(&app, &national, &cursor).await;
    assert!(seen.is_empty());

    // A rolled-back transaction leaves nothing, and does not hold the feed back once it is gone.
    begin(&mut a);
    log::append(&mut a, &[event(EHPAD, 5)]).unwrap();
    append_events(&state, EHPAD, 1); // i = 0 again, committed after A began
    diesel::sql_query("ROLLBACK").execute(&mut *a).unwrap();
    let (seen, _) = feed_until(&app, &national, &cursor, 1).await;
    assert_eq!(seen, [0]);
}
