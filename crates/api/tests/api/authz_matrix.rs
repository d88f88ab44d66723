//! The authorization matrix: every endpoint × every kind of caller × a structure in the caller's scope
//! and one outside it, with the exact status expected.
//!
//! The world is `small_world` with campaign 2024 in `collecte` and no form yet. Inside = the joint EHPAD
//! 590000011 (Nord, Hauts-de-France, managing body 590000001); outside = the joint EHPAD 750000011
//! (Paris). Callers: nobody, an `esms` user of 590000011, the `og` 590000001, the ARS of region 32, the CD
//! of department 59, `national`, a partner with `read`, a partner with only `prefill:write`. Reads share
//! one world, and so do the refused write cells (a refusal changes nothing); every write cell expected to
//! succeed runs in a fresh world, so an allowed write cannot change a later cell.
//! CPOM endpoints share one world per test instead, and every write cell acts on contracts made for
//! it alone (a contract's writes change nothing outside the contract).

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use serde_json::{Value, json};
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, send, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// The structure outside every regional caller's scope.
const PARIS: &str = "750000011";

/// Kinds of caller, in the column order of the matrix.
const CALLERS: [&str; 8] = [
    "anonymous",
    "esms",
    "og",
    "ars",
    "cd",
    "national",
    "reader",
    "pusher",
];

fn token(state: &AppState, caller: &str) -> Option<String> {
    Some(match caller {
        "esms" => auth::esms(state, &[EHPAD]),
        "og" => auth::og(state, "590000001"),
        "ars" => auth::ars(state, "32"),
        "cd" => auth::cd(state, "59"),
        "national" => auth::national(state),
        "reader" => auth::partner(state, &["read"], None),
        "pusher" => auth::partner(state, &["prefill:write"], Some("cnsa_errd")),
        _ => return None,
    })
}

/// One endpoint: how to call it inside and outside scope, and the statuses per caller.
struct Row {
    method: Method,
    /// URI with `{finess}` standing for the structure (or `{organisation}`, `{department}`).
    uri: &'static str,
    body: Option<Value>,
    inside: [u16; 8],
    outside: [u16; 8],
    /// `If-Match` sent (the ETag of the untouched resource).
    if_match: &'static str,
}

fn row(method: Method, uri: &'static str, body: Option<Value>, inside: [u16; 8], outside: [u16; 8]) -> Row {
    Row {
        method,
        uri,
        body,
        inside,
        outside,
        if_match: "\"0\"",
    }
}

/// `row` sent with `If-Match: tag`.
fn versioned(mut row: Row, tag: &'static str) -> Row {
    row.if_match = tag;
    row
}

/// The identifiers a URI or body template refers to, inside and outside scope.
fn fill(template: &str, inside: bool) -> String {
    let (finess, organisation, department, new_finess) = if inside {
        (EHPAD, "590000001", "59", "590009991")
    } else {
        (PARIS, "750000001", "75", "750009991")
    };
    template
        .replace("{finess}", finess)
        .replace("{organisation}", organisation)
        .replace("{department}", department)
        .replace("{new_finess}", new_finess)
}

/// Runs every cell of `row`, collecting every mismatch before failing.
///
/// Cells expected to be refused share one world: a refusal changes nothing, and a refusal that wrongly
/// succeeds is already a mismatch that fails the row. A write cell expected to succeed gets a world of
/// its own, so that its write cannot change a later cell.
async fn check(db: &TestDb, row: Row) {
    let mut mismatches = Vec::new();
    let shared = matrix_world(db);
    for (scope, inside, expected) in scopes(&row) {
        for (caller, status) in CALLERS.iter().zip(expected) {
            // A fresh database, alive until the end of the cell.
            let (fresh_db, fresh_state);
            let state = if row.method == Method::GET || status >= 400 {
                &shared
            } else {
                fresh_db = db.sibling();
                fresh_state = matrix_world(&fresh_db);
                &fresh_state
            };
            let service = app(state.clone()).await;
            let cell = Cell {
                scope,
                caller,
                status,
            };
            run(&service, state, &row, &cell, |t| fill(t, inside), &mut mismatches).await;
        }
    }
    assert_matches(&mismatches);
}

/// The matrix's world: `world` in `collecte`, plus an invited `esms` account of each structure
/// (`direction-<finess>@test.fr`) and a partner client `client-matrix`.
fn matrix_world(db: &TestDb) -> AppState {
    use tdb_api::db::repo::users::{self, NewApiClient, NewUser};
    let state = world(db, "collecte");
    let mut conn = state.pool.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    for finess in [EHPAD, PARIS] {
        let email = format!("direction-{finess}@test.fr");
        users::insert(
            &mut conn,
            &NewUser {
                email: email.clone(),
                password_hash: String::new(),
                display_name: format!("Direction {finess}"),
                role: "esms".to_owned(),
                organisation_finess: None,
                region_code: None,
                department_code: None,
                active: true,
                created_at: now,
            },
        )
        .unwrap();
        users::add_structure(&mut conn, &email, finess).unwrap();
    }
    users::insert_client(
        &mut conn,
        &NewApiClient {
            client_id: "client-matrix".to_owned(),
            secret_hash: tdb_api::auth::password::dummy_hash().to_owned(),
            name: "Client".to_owned(),
            scopes: "read".to_owned(),
            source: None,
            active: true,
            created_at: now,
        },
    )
    .unwrap();
    drop(conn);
    state
}

/// The two halves of a row: `(scope, inside, statuses)`.
fn scopes(row: &Row) -> [(&'static str, bool, [u16; 8]); 2] {
    [("inside", true, row.inside), ("outside", false, row.outside)]
}

/// One cell of the matrix.
struct Cell {
    scope: &'static str,
    caller: &'static str,
    status: u16,
}

/// Sends `row` as the cell's caller, its templates filled by `filled`, and records a mismatch.
async fn run<S>(
    service: &S,
    state: &AppState,
    row: &Row,
    cell: &Cell,
    filled: impl Fn(&str) -> String,
    mismatches: &mut Vec<String>,
) where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let uri = filled(row.uri);
    let body = row
        .body
        .as_ref()
        .map(|b| serde_json::from_str::<Value>(&filled(&b.to_string())).unwrap());
    let answer = send(
        service,
        row.method.clone(),
        &uri,
        token(state, cell.caller).as_deref(),
        Some(row.if_match),
        body,
    )
    .await;
    if answer.status != cell.status {
        mismatches.push(format!(
            "{} {uri} as {} ({}): expected {}, got {} {}",
            row.method, cell.caller, cell.scope, cell.status, answer.status, answer.body
        ));
    }
}

fn assert_matches(mismatches: &[String]) {
    assert!(
        mismatches.is_empty(),
        "authorization matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

const FORM: &str = "/api/v1/campaigns/2024/structures/{finess}/form";

//                                   anon esms  og  ars  cd  nat read push
const READ_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 404];
const READ_OUT: [u16; 8] = [401, 404, 404, 404, 404, 200, 200, 404];
const EVERYONE: [u16; 8] = [200; 8];
const LOGGED_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];

async fn form_read(db: TestDb) {
    check(&db, row(Method::GET, FORM, None, READ_IN, READ_OUT)).await;
}

async fn form_history(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/campaigns/2024/structures/{finess}/form/history",
            None,
            READ_IN,
            READ_OUT,
        ),
    )
    .await;
}

async fn form_patch(db: TestDb) {
    let body = json!({"values": {"admissions": 3}});
    check(
        &db,
        row(
            Method::PATCH,
            FORM,
            Some(body),
            [401, 200, 200, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_justify(db: TestDb) {
    let body = json!({"text": "Une justification assez longue."});
    check(
        &db,
        row(
            Method::PUT,
            "/api/v1/campaigns/2024/structures/{finess}/form/justifications/gir_egal_effectif",
            Some(body),
            [401, 409, 409, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_unjustify(db: TestDb) {
    check(
        &db,
        row(
            Method::DELETE,
            "/api/v1/campaigns/2024/structures/{finess}/form/justifications/gir_egal_effectif",
            None,
            [401, 404, 404, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_submit(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/submit",
            None,
            [401, 409, 409, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_review(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/review",
            Some(json!({"decision": "validate"})),
            [401, 403, 403, 409, 409, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_reopen(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/reopen",
            Some(json!({"comment": "Réouverture demandée."})),
            [401, 403, 403, 409, 409, 409, 403, 404],
            [401, 404, 404, 404, 404, 409, 403, 404],
        ),
    )
    .await;
}

async fn form_correction_message(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/corrections/1/messages",
            Some(json!({"body": "Bonjour"})),
            [401, 404, 404, 404, 404, 404, 403, 404],
            [401, 404, 404, 404, 404, 404, 403, 404],
        ),
    )
    .await;
}

async fn auth_me(db: TestDb) {
    check(
        &db,
        row(Method::GET, "/api/v1/auth/me", None, LOGGED_IN, LOGGED_IN),
    )
    .await;
}

/// The session endpoints, called without a refresh cookie, with the public `Origin` and without it:
/// refresh answers 401 to everyone (the cookie is the credential, not the bearer token), logout 204
/// (idempotent), logout-all needs a person's bearer token (partners have no session: 403); without
/// `Origin`, 403 `origin_refused` (logout-all authenticates first).
async fn session_endpoints(db: TestDb) {
    let state = crate::support::state(&db);
    let service = app(state.clone()).await;
    let public = state.config.public_url().origin();
    //                                          anon esms  og  ars  cd  nat read push
    let rows: [(&str, Option<&str>, [u16; 8]); 6] = [
        ("/api/v1/auth/refresh", Some(&public), [401; 8]),
        ("/api/v1/auth/logout", Some(&public), [204; 8]),
        (
            "/api/v1/auth/logout-all",
            Some(&public),
            [401, 204, 204, 204, 204, 204, 403, 403],
        ),
        ("/api/v1/auth/refresh", None, [403; 8]),
        ("/api/v1/auth/logout", None, [403; 8]),
        (
            "/api/v1/auth/logout-all",
            None,
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
    ];
    let mut mismatches = Vec::new();
    for (uri, origin, expected) in rows {
        for (caller, status) in CALLERS.iter().zip(expected) {
            let mut request = actix_web::test::TestRequest::post().uri(uri);
            if let Some(token) = token(&state, caller) {
                request = request.insert_header(("Authorization", token));
            }
            if let Some(origin) = origin {
                request = request.insert_header(("Origin", origin.to_owned()));
            }
            let response = actix_web::test::call_service(&service, request.to_request()).await;
            if response.status().as_u16() != status {
                mismatches.push(format!(
                    "POST {uri} as {caller} (Origin {origin:?}): expected {status}, got {}",
                    response.status()
                ));
            }
        }
    }
    assert_matches(&mismatches);
}

async fn public_reference_and_catalogue(db: TestDb) {
    for uri in ["/api/v1/health", "/api/v1/regions", "/api/v1/catalogue/2024"] {
        check(&db.sibling(), row(Method::GET, uri, None, EVERYONE, EVERYONE)).await;
    }
    let evaluate = json!({"campaign": 2024, "category": "ehpad", "values": {}});
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/evaluate",
            Some(evaluate),
            EVERYONE,
            EVERYONE,
        ),
    )
    .await;
}

async fn structure_read(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/structures/{finess}",
            None,
            READ_IN,
            READ_OUT,
        ),
    )
    .await;
}

async fn structure_list(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/structures?department={department}",
            None,
            LOGGED_IN,
            LOGGED_IN,
        ),
    )
    .await;
}

fn structure_body() -> Value {
    json!({"name": "EHPAD Les Tilleuls", "category": "ehpad", "organisation_finess": "{organisation}",
           "department_code": "{department}", "city": "Ville", "opening_date": "2001-01-01", "active": true})
}

async fn structure_update(db: TestDb) {
    let mut update = row(
        Method::PUT,
        "/api/v1/structures/{finess}",
        Some(structure_body()),
        [401, 403, 403, 200, 403, 200, 403, 404],
        [401, 404, 404, 404, 404, 200, 403, 404],
    );
    update.if_match = "\"1\"";
    check(&db, update).await;
}

async fn structure_create(db: TestDb) {
    let mut body = structure_body();
    body["finess"] = json!("{new_finess}");
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/structures",
            Some(body),
            [401, 403, 403, 201, 403, 201, 403, 403],
            [401, 403, 403, 403, 403, 201, 403, 403],
        ),
    )
    .await;
}

async fn organisation_read(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/organisations/{organisation}",
            None,
            READ_IN,
            READ_OUT,
        ),
    )
    .await;
}

async fn organisation_create(db: TestDb) {
    let body = json!({"finess": "{new_finess}", "name": "Association Nouvelle", "legal_status": "prive_non_lucratif"});
    let allowed = [401, 403, 403, 201, 403, 201, 403, 403];
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/organisations",
            Some(body),
            allowed,
            allowed,
        ),
    )
    .await;
}

async fn campaign_reads(db: TestDb) {
    for uri in ["/api/v1/campaigns", "/api/v1/campaigns/2024"] {
        check(&db.sibling(), row(Method::GET, uri, None, LOGGED_IN, LOGGED_IN)).await;
    }
}

async fn campaign_administration(db: TestDb) {
    let national_only = [401, 403, 403, 403, 403, 201, 403, 403];
    let create = json!({"year": 2025, "dates": {}});
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/campaigns",
            Some(create),
            national_only,
            national_only,
        ),
    )
    .await;
    let mut phase_only = national_only;
    phase_only[5] = 200;
    let phase = json!({"phase": "fiabilisation", "dates": {}});
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/campaigns/2024/phase",
            Some(phase),
            phase_only,
            phase_only,
        ),
    )
    .await;
}

async fn finess_referential(db: TestDb) {
    // National only. The matrix sends a JSON body, which is no FINESS file: `national` passes the
    // authorization and gets 400 `malformed_finess` (the import itself: tests/api/referential.rs).
    let national_only = [401, 403, 403, 403, 403, 400, 403, 403];
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/referential/finess?dry_run=true",
            Some(json!("structureet")),
            national_only,
            national_only,
        ),
    )
    .await;
    // Jobs: national only (an unknown job is then 404).
    let jobs = [401, 403, 403, 403, 403, 404, 403, 403];
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/referential/finess/jobs/inconnu",
            None,
            jobs,
            jobs,
        ),
    )
    .await;
}

async fn campaign_progress(db: TestDb) {
    for by in ["department", "region"] {
        let uri = if by == "department" {
            "/api/v1/campaigns/2024/progress?by=department"
        } else {
            "/api/v1/campaigns/2024/progress?by=region"
        };
        check(&db.sibling(), row(Method::GET, uri, None, LOGGED_IN, LOGGED_IN)).await;
    }
}

/// Exports answer 200 (an empty file outside the scope); a partner without `read` may not export.
const EXPORT_ANY: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 403];

async fn campaign_export(db: TestDb) {
    for uri in [
        "/api/v1/campaigns/2024/export?department={department}",
        "/api/v1/campaigns/2024/export?finess={finess}&layout=regional&format=xlsx",
    ] {
        check(&db.sibling(), row(Method::GET, uri, None, EXPORT_ANY, EXPORT_ANY)).await;
    }
}

/// The indicator table is a list like the exports: the scope's rows, no rows outside it.
async fn indicator_table(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/campaigns/2024/indicators?department={department}",
            None,
            EXPORT_ANY,
            EXPORT_ANY,
        ),
    )
    .await;
}

async fn structure_template(db: TestDb) {
    let mut inside = READ_IN;
    let mut outside = READ_OUT;
    inside[7] = 403;
    outside[7] = 403;
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/campaigns/2024/structures/{finess}/template.xlsx",
            None,
            inside,
            outside,
        ),
    )
    .await;
}

async fn restitution_reads(db: TestDb) {
    // As the form: a partner with `read` reads every structure's benchmark and fiche.
    //                 anon esms  og  ars  cd  nat read push
    let own_only_in = [401, 200, 200, 200, 200, 200, 200, 404];
    let own_only_out = [401, 404, 404, 404, 404, 200, 200, 404];
    for uri in [
        "/api/v1/campaigns/2024/structures/{finess}/benchmark",
        "/api/v1/structures/{finess}/fiche?campaign=2024",
        "/api/v1/structures/{finess}/fiche.pdf?campaign=2024",
    ] {
        check(
            &db.sibling(),
            row(Method::GET, uri, None, own_only_in, own_only_out),
        )
        .await;
    }
    let anonymous_statistics = [401, 200, 200, 200, 200, 200, 200, 403];
    check(
        &db.sibling(),
        row(
            Method::GET,
            "/api/v1/fiche-batches/fic-0000000000000000",
            None,
            [401, 404, 404, 404, 404, 404, 404, 404],
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
    )
    .await;
    check(
        &db.sibling(),
        row(
            Method::GET,
            "/api/v1/campaigns/2024/benchmarks?indicator=taux_occupation_hp&category=ehpad&territory=department:{department}",
            None,
            anonymous_statistics,
            anonymous_statistics,
        ),
    )
    .await;
}

async fn what_if_and_peer_reference(db: TestDb) {
    // What-if simulation: the callers of the structure's benchmark (nothing is written, but each cell
    // still gets its own world as any POST).
    //                 anon esms  og  ars  cd  nat read push
    let own_only_in = [401, 200, 200, 200, 200, 200, 200, 404];
    let own_only_out = [401, 404, 404, 404, 404, 200, 200, 404];
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/simulate",
            Some(json!({"values": {"journees_realisees_hp": 27740}})),
            own_only_in,
            own_only_out,
        ),
    )
    .await;
    // The reference distribution: anonymous figures, refused to a partner without `read`; this world
    // has no frozen campaign before 2024, so whoever may read gets 404 `no_peer_reference`.
    let reference = [401, 404, 404, 404, 404, 404, 404, 403];
    check(
        &db.sibling(),
        row(
            Method::GET,
            "/api/v1/campaigns/2024/peer-reference?category=ehpad",
            None,
            reference,
            reference,
        ),
    )
    .await;
}

async fn organisation_template(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/campaigns/2024/organisations/{organisation}/template.xlsx",
            None,
            [401, 200, 200, 200, 200, 200, 200, 403],
            [401, 404, 404, 404, 404, 200, 200, 403],
        ),
    )
    .await;
}

async fn restitution_batches(db: TestDb) {
    //                        anon esms  og  ars  cd  nat read push
    let authorities_inside = [401, 403, 403, 202, 202, 202, 403, 403];
    let national_outside = [401, 403, 403, 403, 403, 202, 403, 403];
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/fiches?territory=department:{department}",
            None,
            authorities_inside,
            national_outside,
        ),
    )
    .await;
}

/// The CPOM identifiers one cell acts on.
struct CpomSet {
    /// A signed contract (version 4: created, sheet, objective, signed) with an action sheet, a free
    /// objective and its two committees.
    contract: i64,
    sheet: i64,
    objective: i64,
    /// Its year-3 committee.
    committee: i64,
    /// A contract in negotiation (version 1), without parts.
    draft: i64,
}

impl CpomSet {
    /// Makes the contracts of a set, through the services: of managing body 590000001 (Nord, ARS 32
    /// and CD 59 sign) inside, of 750000001 (Paris, ARS 11) outside.
    fn new(state: &AppState, inside: bool) -> Self {
        use tdb_api::auth::principal::StructureScope;
        use tdb_api::auth::{Principal, Role};
        use tdb_api::services::cpom::{contracts, lifecycle, objectives, sheets};
        use tdb_domain::contract::{
            ActionSheetCreate, ActionTheme, ContractAction, ContractCreate, ContractTransition,
            ObjectiveCreate, Sense,
        };
        let (region, organisation, finess) = if inside {
            ("32", "590000001", EHPAD)
        } else {
            ("11", "750000001", PARIS)
        };
        let ars = Principal {
            subject: format!("ars{region}@test"),
            role: Role::Ars,
            scope: StructureScope::ArsRegion(region.to_owned()),
            scopes: Vec::new(),
            source: None,
        };
        let mut conn = state.pool.get().unwrap();
        let mut create = |title: &str, start: &str| {
            let input = ContractCreate {
                organisation_finess: organisation.to_owned(),
                title: title.to_owned(),
                signatory_ars: true,
                signatory_cd: true,
                start_date: start.to_owned(),
                end_date: None,
                structures: vec![finess.to_owned()],
            };
            lifecycle::create(&mut conn, &ars, &input).unwrap().id
        };
        let contract = create("CPOM", "2024-01-01");
        let draft = create("CPOM en négociation", "2025-01-01");
        let sheet = ActionSheetCreate {
            theme: ActionTheme::Patrimoine,
            theme_label: None,
            title: "Rénover".to_owned(),
            actions: None,
            owner: None,
            deadline: None,
        };
        let sheet = sheets::add_action_sheet(&mut conn, &ars, contract, &sheet)
            .unwrap()
            .id;
        let objective = ObjectiveCreate {
            action_sheet_id: sheet,
            label: "Chambres rénovées".to_owned(),
            indicator_code: None,
            structure_finess: None,
            free_indicator_label: Some("Chambres rénovées".to_owned()),
            baseline_year: None,
            baseline_value: None,
            target_value: 20.0,
            target_year: 2028,
            sense: Some(Sense::HigherBetter),
        };
        let objective = objectives::add_objective(&mut conn, &ars, contract, &objective)
            .unwrap()
            .id;
        let sign = ContractTransition {
            action: ContractAction::Sign,
            date: None,
            reason: None,
        };
        lifecycle::transition(&mut conn, &ars, contract, &sign).unwrap();
        let committee = contracts::detail(&mut conn, &ars, contract).unwrap().committees[0].id;
        Self {
            contract,
            sheet,
            objective,
            committee,
            draft,
        }
    }

    /// `template` with the set's identifiers.
    fn fill(&self, template: &str) -> String {
        template
            .replace("\"{sheet_id}\"", &self.sheet.to_string())
            .replace("{contract}", &self.contract.to_string())
            .replace("{sheet}", &self.sheet.to_string())
            .replace("{objective}", &self.objective.to_string())
            .replace("{committee}", &self.committee.to_string())
            .replace("{draft}", &self.draft.to_string())
    }
}

/// Removes the contracts made after contract `last` (by a write cell) with their parts, so that the
/// contracts of later cells do not pile up (prefill and reads go over a structure's contracts).
fn forget_contracts_after(state: &AppState, last: i64) {
    use diesel::prelude::*;
    use tdb_api::db::schema::{
        cpom_action_sheets, cpom_amendments, cpom_committees, cpom_contracts, cpom_objective_values,
        cpom_objectives, cpom_perimeter,
    };
    let mut conn = state.pool.get().unwrap();
    let objectives = cpom_objectives::table
        .filter(cpom_objectives::contract_id.gt(last))
        .select(cpom_objectives::id);
    diesel::delete(
        cpom_objective_values::table.filter(cpom_objective_values::objective_id.eq_any(objectives)),
    )
    .execute(&mut conn)
    .unwrap();
    diesel::delete(cpom_objectives::table.filter(cpom_objectives::contract_id.gt(last)))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(cpom_action_sheets::table.filter(cpom_action_sheets::contract_id.gt(last)))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(cpom_committees::table.filter(cpom_committees::contract_id.gt(last)))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(cpom_perimeter::table.filter(cpom_perimeter::contract_id.gt(last)))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(cpom_amendments::table.filter(cpom_amendments::contract_id.gt(last)))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(cpom_contracts::table.filter(cpom_contracts::id.gt(last)))
        .execute(&mut conn)
        .unwrap();
}

async fn cpom_endpoints(db: TestDb) {
    //                 anon esms  og  ars  cd  nat read push
    let logged_in = [401, 200, 200, 200, 200, 200, 200, 200];
    let read_in = [401, 200, 200, 200, 200, 200, 404, 404];
    let read_out = [401, 404, 404, 404, 404, 200, 404, 404];
    let out = |ok_national: u16| [401, 404, 404, 404, 404, ok_national, 404, 404];
    let authority = |ok: u16| [401, 403, 403, ok, ok, 403, 404, 404];
    let editor = |ok: u16| [401, 403, 409, ok, ok, 403, 404, 404];
    let contract_terms = json!({"title": "CPOM modifié", "signatory_ars": true, "signatory_cd": true,
                                "start_date": "2025-01-01"});
    let rows = [
        row(Method::GET, "/api/v1/cpom/contracts", None, logged_in, logged_in),
        row(
            Method::POST,
            "/api/v1/cpom/contracts",
            Some(
                json!({"organisation_finess": "{organisation}", "title": "CPOM", "signatory_ars": true,
                "signatory_cd": true, "start_date": "2025-01-01", "structures": ["{finess}"]}),
            ),
            [401, 403, 201, 201, 201, 403, 403, 403],
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::GET,
            "/api/v1/cpom/contracts/{contract}",
            None,
            read_in,
            read_out,
        ),
        row(
            Method::GET,
            "/api/v1/cpom/contracts/{contract}/follow-up",
            None,
            read_in,
            read_out,
        ),
        row(
            Method::GET,
            "/api/v1/cpom/committees/{committee}/report",
            None,
            read_in,
            read_out,
        ),
        row(
            Method::POST,
            "/api/v1/cpom/contracts/{contract}/transitions",
            Some(json!({"action": "start"})),
            authority(200),
            out(403),
        ),
        row(
            Method::POST,
            "/api/v1/cpom/contracts/{contract}/amendments",
            Some(json!({"signed_on": "2025-01-01", "object": "Avenant"})),
            authority(201),
            out(403),
        ),
        row(
            Method::POST,
            "/api/v1/cpom/contracts/{contract}/action-sheets",
            Some(json!({"theme": "patrimoine", "title": "Rénover"})),
            editor(201),
            out(403),
        ),
        versioned(
            row(
                Method::PUT,
                "/api/v1/cpom/contracts/{draft}",
                Some(contract_terms.clone()),
                [401, 403, 200, 200, 200, 403, 404, 404],
                out(403),
            ),
            "\"1\"",
        ),
        // After signature the terms change only by amendment (409); the managing body has no say.
        versioned(
            row(
                Method::PUT,
                "/api/v1/cpom/contracts/{contract}",
                Some(contract_terms),
                [401, 403, 403, 409, 409, 403, 404, 404],
                out(403),
            ),
            "\"4\"",
        ),
        versioned(
            row(
                Method::PUT,
                "/api/v1/cpom/contracts/{contract}/action-sheets/{sheet}",
                Some(json!({"theme": "patrimoine", "title": "Rénover les chambres"})),
                editor(200),
                out(403),
            ),
            "\"4\"",
        ),
        row(
            Method::DELETE,
            "/api/v1/cpom/contracts/{contract}/action-sheets/{sheet}",
            None,
            editor(204),
            out(403),
        ),
        row(
            Method::POST,
            "/api/v1/cpom/contracts/{contract}/objectives",
            Some(
                json!({"action_sheet_id": "{sheet_id}", "label": "Objectif", "free_indicator_label": "Libre",
                "target_value": 1.0, "target_year": 2028, "sense": "higher_better"}),
            ),
            editor(201),
            out(403),
        ),
        versioned(
            row(
                Method::PUT,
                "/api/v1/cpom/contracts/{contract}/objectives/{objective}",
                Some(
                    json!({"action_sheet_id": "{sheet_id}", "label": "Objectif", "free_indicator_label": "Libre",
                    "target_value": 2.0, "target_year": 2027, "sense": "higher_better"}),
                ),
                editor(200),
                out(403),
            ),
            "\"4\"",
        ),
        row(
            Method::DELETE,
            "/api/v1/cpom/contracts/{contract}/objectives/{objective}",
            None,
            editor(204),
            out(403),
        ),
        row(
            Method::PUT,
            "/api/v1/cpom/objectives/{objective}/values/2025",
            Some(json!({"value": 3.0})),
            [401, 403, 200, 200, 200, 403, 404, 404],
            out(403),
        ),
        row(
            Method::POST,
            "/api/v1/cpom/contracts/{contract}/committees",
            Some(json!({"scheduled_on": "2027-01-15"})),
            authority(201),
            out(403),
        ),
        row(
            Method::PUT,
            "/api/v1/cpom/committees/{committee}",
            Some(json!({"held_on": "2026-06-20", "minutes": "Compte rendu"})),
            authority(200),
            out(403),
        ),
        row(
            Method::GET,
            "/api/v1/cpom/coverage?by=department",
            None,
            [401, 403, 403, 200, 200, 200, 403, 403],
            [401, 403, 403, 200, 200, 200, 403, 403],
        ),
    ];
    // One world: reads use one set per side; every write cell makes its own set.
    let state = world(&db, "collecte");
    let service = app(state.clone()).await;
    let reads = [CpomSet::new(&state, true), CpomSet::new(&state, false)];
    let last = reads[1].draft;
    let mut mismatches = Vec::new();
    for row in rows {
        for (scope, inside, expected) in scopes(&row) {
            for (caller, status) in CALLERS.iter().zip(expected) {
                let fresh;
                let set = if row.method == Method::GET {
                    &reads[usize::from(!inside)]
                } else {
                    fresh = CpomSet::new(&state, inside);
                    &fresh
                };
                let cell = Cell {
                    scope,
                    caller,
                    status,
                };
                run(
                    &service,
                    &state,
                    &row,
                    &cell,
                    |t| fill(&set.fill(t), inside),
                    &mut mismatches,
                )
                .await;
                if row.method != Method::GET {
                    forget_contracts_after(&state, last);
                }
            }
        }
    }
    assert_matches(&mismatches);
}

/// The change feed: every authenticated caller reads it (filtered to its scope, tests/api/events.rs);
/// a partner needs `read` or `events:read`.
async fn event_feed(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/events",
            None,
            [401, 200, 200, 200, 200, 200, 200, 403],
            [401, 200, 200, 200, 200, 200, 200, 403],
        ),
    )
    .await;
}

on_both_backends!(
    event_feed,
    cpom_endpoints,
    campaign_export,
    indicator_table,
    structure_template,
    organisation_template,
    restitution_reads,
    what_if_and_peer_reference,
    restitution_batches,
    structure_read,
    structure_list,
    structure_update,
    structure_create,
    organisation_read,
    organisation_create,
    campaign_reads,
    campaign_administration,
    finess_referential,
    campaign_progress,
    form_read,
    form_history,
    form_patch,
    form_justify,
    form_unjustify,
    form_submit,
    form_review,
    form_reopen,
    form_correction_message,
    auth_me,
    session_endpoints,
    public_reference_and_catalogue,
);

// Accounts and partner clients (docs/accounts.md): `{finess}`'s director account is within the reach
// of its og, ARS and CD inside, of national only outside; authority accounts and clients are national's.
const ACCOUNT_IN: [u16; 8] = [401, 403, 200, 200, 200, 200, 403, 403];
const ACCOUNT_OUT: [u16; 8] = [401, 403, 404, 404, 404, 200, 403, 403];
const NATIONAL_ONLY: [u16; 8] = [401, 403, 403, 403, 403, 200, 403, 403];
const DIRECTOR: &str = "/api/v1/users/direction-{finess}@test.fr";

async fn accounts_read(db: TestDb) {
    check(
        &db.sibling(),
        row(Method::GET, "/api/v1/users", None, ACCOUNT_IN, ACCOUNT_IN),
    )
    .await;
    check(&db, row(Method::GET, DIRECTOR, None, ACCOUNT_IN, ACCOUNT_OUT)).await;
}

async fn accounts_invite(db: TestDb) {
    let created = |statuses: [u16; 8]| statuses.map(|s| if s == 200 { 201 } else { s });
    let esms = json!({"email": "nouveau@test.fr", "role": "esms", "structures": ["{finess}"]});
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/users",
            Some(esms),
            created(ACCOUNT_IN),
            created(NATIONAL_ONLY),
        ),
    )
    .await;
    let og = json!({"email": "siege@test.fr", "role": "og", "organisation_finess": "{organisation}"});
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/users",
            Some(og),
            created(ACCOUNT_IN),
            created(NATIONAL_ONLY),
        ),
    )
    .await;
    // Authority accounts: national alone, whatever the territory.
    let ars = json!({"email": "agent@test.fr", "role": "ars", "region_code": "32"});
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/users",
            Some(ars),
            created(NATIONAL_ONLY),
            created(NATIONAL_ONLY),
        ),
    )
    .await;
    let cd = json!({"email": "agent@test.fr", "role": "cd", "department_code": "{department}"});
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/users",
            Some(cd),
            created(NATIONAL_ONLY),
            created(NATIONAL_ONLY),
        ),
    )
    .await;
}

async fn accounts_change(db: TestDb) {
    check(
        &db.sibling(),
        row(
            Method::PATCH,
            DIRECTOR,
            Some(json!({"display_name": "Direction"})),
            ACCOUNT_IN,
            ACCOUNT_OUT,
        ),
    )
    .await;
    check(
        &db.sibling(),
        row(
            Method::PATCH,
            DIRECTOR,
            Some(json!({"active": false})),
            ACCOUNT_IN,
            ACCOUNT_OUT,
        ),
    )
    .await;
    // Raising an account to an authority role: national alone.
    let raise = json!({"role": "ars", "region_code": "32"});
    check(
        &db.sibling(),
        row(
            Method::PATCH,
            DIRECTOR,
            Some(raise),
            [401, 403, 403, 403, 403, 200, 403, 403],
            ACCOUNT_OUT,
        ),
    )
    .await;
    let accepted = |statuses: [u16; 8]| statuses.map(|s| if s == 200 { 202 } else { s });
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/users/direction-{finess}@test.fr/invitation",
            None,
            accepted(ACCOUNT_IN),
            accepted(ACCOUNT_OUT),
        ),
    )
    .await;
}

async fn partner_clients(db: TestDb) {
    check(
        &db.sibling(),
        row(Method::GET, "/api/v1/clients", None, NATIONAL_ONLY, NATIONAL_ONLY),
    )
    .await;
    let create = json!({"name": "Client", "scopes": ["read"]});
    let created = NATIONAL_ONLY.map(|s| if s == 200 { 201 } else { s });
    check(
        &db.sibling(),
        row(Method::POST, "/api/v1/clients", Some(create), created, created),
    )
    .await;
    check(
        &db.sibling(),
        row(
            Method::PATCH,
            "/api/v1/clients/client-matrix",
            Some(json!({"active": false})),
            NATIONAL_ONLY,
            NATIONAL_ONLY,
        ),
    )
    .await;
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/clients/client-matrix/secret",
            None,
            NATIONAL_ONLY,
            NATIONAL_ONLY,
        ),
    )
    .await;
}

/// Webhook subscriptions (docs/events.md): national and partners with `read`/`events:read` only, the
/// same inside and outside (a webhook is not about one structure). A public literal address, so the
/// creation resolves nothing.
async fn webhooks(db: TestDb) {
    const HOOKS: [u16; 8] = [401, 403, 403, 403, 403, 200, 200, 403];
    check(
        &db.sibling(),
        row(Method::GET, "/api/v1/webhooks", None, HOOKS, HOOKS),
    )
    .await;
    let created = HOOKS.map(|s| if s == 200 { 201 } else { s });
    let create = json!({"url": "https://93.184.215.14/hook", "types": ["form.submitted"]});
    check(
        &db,
        row(Method::POST, "/api/v1/webhooks", Some(create), created, created),
    )
    .await;
}

/// The signed-in person's notification mails: every person (not about a structure: the same inside and
/// outside), never a partner client (no address).
async fn notification_preferences(db: TestDb) {
    const PEOPLE: [u16; 8] = [401, 200, 200, 200, 200, 200, 403, 403];
    check(
        &db.sibling(),
        row(Method::GET, "/api/v1/me/notifications", None, PEOPLE, PEOPLE),
    )
    .await;
    check(
        &db,
        row(
            Method::PUT,
            "/api/v1/me/notifications",
            Some(json!({"non_essential_mails": false})),
            PEOPLE,
            PEOPLE,
        ),
    )
    .await;
}

/// The self-service password endpoints need no token: the same answer for everyone (a link that
/// does not exist is 410 to all).
async fn password_self_service(db: TestDb) {
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/auth/password/forgot",
            Some(json!({"email": "direction-{finess}@test.fr"})),
            [202; 8],
            [202; 8],
        ),
    )
    .await;
    check(
        &db.sibling(),
        row(
            Method::POST,
            "/api/v1/auth/password/link",
            Some(json!({"token": "inconnu"})),
            [410; 8],
            [410; 8],
        ),
    )
    .await;
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/auth/password/set",
            Some(json!({"token": "inconnu", "password": "cheval agrafe lanterne pivoine"})),
            [410; 8],
            [410; 8],
        ),
    )
    .await;
}

on_both_backends!(
    accounts_read,
    accounts_invite,
    accounts_change,
    partner_clients,
    webhooks,
    notification_preferences,
    password_self_service
);
