//! Notification mails (docs/events.md): who gets a mail for each workflow change and phase opening,
//! the per-person opt-out of the non-essential ones (`/me/notifications`), and the collecte reminders
//! (once per structure and reminder, only below the completion threshold), with the time injected.

use actix_web::http::Method;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;
use tdb_api::auth::{Claims, Role};
use tdb_api::db::schema::{mail_outbox, reminders_sent};
use tdb_api::services::notifications::reminders;
use tdb_api::services::passwords::LinkBase;
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, YEAR, complete_ehpad, form_url, send, world};
use crate::on_both_backends;
use crate::support::fixtures::insert_user;
use crate::support::{TestDb, app, auth};

const PASSWORD: &str = "cheval agrafe lanterne pivoine";

/// The people of the small world: two of the EHPAD (Marc turns the non-essential mails off), the
/// managing body of the EHPAD and of the IME, one of the IME, and authorities of the EHPAD's region
/// and department and of elsewhere.
fn people(state: &AppState) {
    insert_user(state, "claire@tilleuls.fr", PASSWORD, "esms", &[EHPAD]);
    insert_user(state, "marc@tilleuls.fr", PASSWORD, "esms", &[EHPAD]);
    insert_user(state, "siege@asso.fr", PASSWORD, "og", &["590000001"]);
    insert_user(state, "ime@asso.fr", PASSWORD, "esms", &["590000021"]);
    insert_user(state, "ime-compta@asso.fr", PASSWORD, "esms", &["590000021"]);
    insert_user(state, "ars@hdf.fr", PASSWORD, "ars", &["32"]);
    insert_user(state, "ars@idf.fr", PASSWORD, "ars", &["11"]);
    insert_user(state, "cd@nord.fr", PASSWORD, "cd", &["59"]);
    insert_user(state, "cd@pas-de-calais.fr", PASSWORD, "cd", &["62"]);
}

/// A bearer token of the `esms` person `email` of `structures`.
fn person(state: &AppState, email: &str, structures: &[&str]) -> String {
    let mut claims = Claims::new(email, Role::Esms);
    claims.structures = structures.iter().map(|s| (*s).to_owned()).collect();
    auth::bearer(state, &claims)
}

/// The recipients of the queued mails whose subject contains `subject`, sorted.
fn recipients(state: &AppState, subject: &str) -> Vec<String> {
    let mut conn = state.pool.get().unwrap();
    let mut all: Vec<String> = mail_outbox::table
        .filter(mail_outbox::subject.like(format!("%{subject}%")))
        .select(mail_outbox::recipient)
        .load(&mut conn)
        .unwrap();
    all.sort();
    all
}

/// The text of the only queued mail to `email` whose subject contains `subject`.
fn text_to(state: &AppState, email: &str, subject: &str) -> String {
    let mut conn = state.pool.get().unwrap();
    let texts: Vec<String> = mail_outbox::table
        .filter(mail_outbox::recipient.eq(email))
        .filter(mail_outbox::subject.like(format!("%{subject}%")))
        .select(mail_outbox::text_body)
        .load(&mut conn)
        .unwrap();
    assert_eq!(texts.len(), 1, "{email}: {texts:?}");
    texts[0].clone()
}

async fn preferences_and_workflow_mails_reach_the_right_people(db: TestDb) {
    let state = world(&db, "collecte");
    people(&state);
    let app = app(state.clone()).await;
    let marc = person(&state, "marc@tilleuls.fr", &[EHPAD]);
    let claire = person(&state, "claire@tilleuls.fr", &[EHPAD]);
    let (ars, cd, national) = (
        auth::ars(&state, "32"),
        auth::cd(&state, "59"),
        auth::national(&state),
    );

    // Preferences: everything by default; Marc turns the non-essential mails off (and reads it back).
    let read = send(
        &app,
        Method::GET,
        "/api/v1/me/notifications",
        Some(&marc),
        None,
        None,
    )
    .await;
    assert_eq!(
        (read.status, &read.body),
        (200, &json!({"non_essential_mails": true}))
    );
    let off = json!({"non_essential_mails": false});
    let set = send(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        Some(&marc),
        None,
        Some(off.clone()),
    )
    .await;
    assert_eq!((set.status, &set.body), (200, &off));
    let read = send(
        &app,
        Method::GET,
        "/api/v1/me/notifications",
        Some(&marc),
        None,
        None,
    )
    .await;
    assert_eq!(read.body, off);
    let other = send(
        &app,
        Method::GET,
        "/api/v1/me/notifications",
        Some(&claire),
        None,
        None,
    )
    .await;
    assert_eq!(other.body, json!({"non_essential_mails": true}));
    let unknown = send(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        Some(&claire),
        None,
        Some(json!({"non_essential_mails": false, "sms": true})),
    )
    .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);

    // Submitted: the ARS of the region and the CD of the department (joint competence), nobody else.
    let filled = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&claire),
        Some("\"0\""),
        Some(json!({"values": complete_ehpad()})),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    assert!(recipients(&state, "").is_empty(), "a value write sends no mail");
    let submit = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&claire),
        None,
        None,
    )
    .await;
    assert_eq!(submit.status, 200, "{}", submit.body);
    assert_eq!(recipients(&state, "soumis"), ["ars@hdf.fr", "cd@nord.fr"]);
    let text = text_to(&state, "cd@nord.fr", "soumis");
    assert!(text.contains("Structure 590000011 (FINESS 590000011)"), "{text}");
    assert!(text.contains("/formulaire/2024/590000011"), "{text}");

    // Corrections requested: essential, every person of the EHPAD and its managing body (Marc too).
    let asked = send(&app, Method::POST, &form_url(EHPAD, "/review"), Some(&ars), None, Some(json!({
        "decision": "request_corrections",
        "comment": "Merci de vérifier.",
        "items": [{"item": "journees_realisees_hp", "message": "Les journées semblent inclure l'accueil de jour."}]
    }))).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(
        recipients(&state, "Corrections demandées"),
        ["claire@tilleuls.fr", "marc@tilleuls.fr", "siege@asso.fr"]
    );
    let text = text_to(&state, "claire@tilleuls.fr", "Corrections demandées");
    assert!(text.contains("1 donnée(s) à revoir"), "{text}");
    assert!(text.contains("Commentaire : Merci de vérifier."), "{text}");

    // Validated by each authority: information, not to Marc.
    let again = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&claire),
        None,
        None,
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let validate = Some(json!({"decision": "validate"}));
    let by_ars = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/review"),
        Some(&ars),
        None,
        validate.clone(),
    )
    .await;
    assert_eq!(by_ars.status, 200, "{}", by_ars.body);
    assert_eq!(
        recipients(&state, "validé par l'ARS"),
        ["claire@tilleuls.fr", "siege@asso.fr"]
    );
    let text = text_to(&state, "siege@asso.fr", "validé par l'ARS");
    assert!(
        text.contains("La validation du conseil départemental est encore attendue."),
        "{text}"
    );
    let by_cd = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/review"),
        Some(&cd),
        None,
        validate,
    )
    .await;
    assert_eq!(by_cd.status, 200, "{}", by_cd.body);
    assert_eq!(by_cd.body["state"], "valide");
    assert_eq!(
        recipients(&state, "Formulaire 2024 validé :"),
        ["claire@tilleuls.fr", "siege@asso.fr"]
    );

    // Reopened: essential.
    let reopened = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/reopen"),
        Some(&cd),
        None,
        Some(json!({"comment": "Une erreur de saisie signalée par la structure."})),
    )
    .await;
    assert_eq!(reopened.status, 200, "{}", reopened.body);
    assert_eq!(
        recipients(&state, "rouvert"),
        ["claire@tilleuls.fr", "marc@tilleuls.fr", "siege@asso.fr"]
    );
    assert!(text_to(&state, "marc@tilleuls.fr", "rouvert").contains("Motif : Une erreur de saisie"));

    // A refused transition queues nothing.
    let before = recipients(&state, "").len();
    let refused = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/review"),
        Some(&ars),
        None,
        Some(json!({"decision": "validate"})),
    )
    .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(recipients(&state, "").len(), before);

    // A phase opens: every structure's people who did not opt out, no authority.
    let phase = send(
        &app,
        Method::POST,
        &format!("/api/v1/campaigns/{YEAR}/phase"),
        Some(&national),
        None,
        Some(json!({"phase": "fiabilisation"})),
    )
    .await;
    assert_eq!(phase.status, 200, "{}", phase.body);
    assert_eq!(
        recipients(&state, "ouverture de la phase « fiabilisation »"),
        [
            "claire@tilleuls.fr",
            "ime-compta@asso.fr",
            "ime@asso.fr",
            "siege@asso.fr"
        ]
    );
    let text = text_to(&state, "ime@asso.fr", "ouverture de la phase");
    assert!(text.contains("Elle se termine le 30/09/2024."), "{text}");

    // Marc turns them on again: the next phase reaches him.
    let on = json!({"non_essential_mails": true});
    let set = send(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        Some(&marc),
        None,
        Some(on),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let phase = send(
        &app,
        Method::POST,
        &format!("/api/v1/campaigns/{YEAR}/phase"),
        Some(&national),
        None,
        Some(json!({"phase": "restitution"})),
    )
    .await;
    assert_eq!(phase.status, 200, "{}", phase.body);
    assert!(recipients(&state, "« restitution »").contains(&"marc@tilleuls.fr".to_owned()));
}

fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, month, d).unwrap()
}

async fn reminders_reach_each_structure_below_the_threshold_once(db: TestDb) {
    let state = world(&db, "collecte");
    people(&state);
    let app = app(state.clone()).await;
    // The EHPAD reaches the threshold; the IME, the EANM and the Paris EHPAD have no form.
    let claire = person(&state, "claire@tilleuls.fr", &[EHPAD]);
    let filled = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&claire),
        Some("\"0\""),
        Some(json!({"values": complete_ehpad()})),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    // One of the IME's two people opted out.
    let compta = person(&state, "ime-compta@asso.fr", &["590000021"]);
    let off = Some(json!({"non_essential_mails": false}));
    let set = send(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        Some(&compta),
        None,
        off,
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);

    let base = LinkBase {
        origin: "https://tdb.example.fr".to_owned(),
    };
    let now = chrono::Utc::now().naive_utc();
    let run = |today: NaiveDate| reminders::run(&state.pool, &base, &[3, 14], (today, now)).unwrap();
    // The collecte closes on 30/06: nothing 20 days before.
    assert_eq!(run(day(6, 10)), 0);
    assert!(recipients(&state, "Rappel").is_empty());
    // 10 days before: the « 14 days » reminder, to the three structures below the threshold, once.
    assert_eq!(run(day(6, 20)), 3);
    assert_eq!(run(day(6, 20)), 0);
    assert_eq!(run(day(6, 21)), 0);
    assert_eq!(
        recipients(&state, "Rappel : la collecte 2024 se termine dans 10 jours"),
        ["ime@asso.fr", "siege@asso.fr"]
    );
    let text = text_to(&state, "ime@asso.fr", "Rappel");
    assert!(
        text.contains("La collecte 2024 se termine le 30/06/2024."),
        "{text}"
    );
    assert!(text.contains("n'a pas encore été commencé"), "{text}");
    assert!(text.contains("seuil de 90 %"), "{text}");
    assert!(
        text.contains("https://tdb.example.fr/formulaire/2024/590000021"),
        "{text}"
    );
    // 2 days before: the « 3 days » one; after the end, none.
    assert_eq!(run(day(6, 28)), 3);
    assert_eq!(run(day(6, 29)), 0);
    assert_eq!(run(day(7, 1)), 0);
    assert_eq!(
        recipients(&state, "Rappel : la collecte 2024 se termine dans 2 jours"),
        ["ime@asso.fr", "siege@asso.fr"]
    );
    // Never the EHPAD's people (above the threshold), nor the one who opted out.
    for email in [
        "claire@tilleuls.fr",
        "marc@tilleuls.fr",
        "ime-compta@asso.fr",
        "cd@nord.fr",
    ] {
        assert!(
            !recipients(&state, "Rappel").contains(&email.to_owned()),
            "{email}"
        );
    }
    let mut conn = state.pool.get().unwrap();
    let recorded: Vec<(String, i32)> = reminders_sent::table
        .order((reminders_sent::days, reminders_sent::structure_finess))
        .select((reminders_sent::structure_finess, reminders_sent::days))
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        recorded,
        [
            ("590000021".to_owned(), 3),
            ("620000011".to_owned(), 3),
            ("750000011".to_owned(), 3),
            ("590000021".to_owned(), 14),
            ("620000011".to_owned(), 14),
            ("750000011".to_owned(), 14),
        ]
    );
}

on_both_backends!(
    preferences_and_workflow_mails_reach_the_right_people,
    reminders_reach_each_structure_below_the_threshold_once
);
