//! The weight of a form on the wire: indicators' explanations only when asked (`?explain=true`), the
//! document compressed as the client accepts, and the summary of a PATCH (`Prefer: return=minimal`) a
//! few hundred bytes.

use std::io::Read;

use actix_web::http::Method;
use actix_web::test;
use flate2::read::GzDecoder;
use serde_json::{Value, json};

use crate::forms_fixtures::{EHPAD, complete_ehpad, form_url, send, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// The indicators of a form document that carry an explanation.
fn explained(document: &Value) -> usize {
    document["evaluation"]["indicators"]
        .as_object()
        .unwrap()
        .values()
        .filter(|i| i.get("explanation").is_some())
        .count()
}

/// The app of a collecte world, an esms token of its EHPAD, and the answer of the PATCH that filled
/// its whole form (`complete_ehpad`).
async fn completed_ehpad(
    db: &TestDb,
) -> (
    impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    String,
    crate::forms_fixtures::Answer,
) {
    let state = world(db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state).await;
    let written = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&token),
        Some("*"),
        Some(json!({ "values": complete_ehpad() })),
    )
    .await;
    assert_eq!(written.status, 200, "{}", written.body);
    (app, token, written)
}

async fn explanations_come_only_when_asked_and_forms_travel_compressed(db: TestDb) {
    let (app, token, written) = completed_ehpad(&db).await;
    assert_eq!(explained(&written.body), 0, "a PATCH answer explains nothing");

    let plain = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&token), None, None).await;
    assert_eq!(plain.status, 200);
    assert_eq!(explained(&plain.body), 0);
    let occupation = &plain.body["evaluation"]["indicators"]["taux_occupation_hp"];
    assert_eq!(occupation["status"], "ok", "{occupation}");

    let asked = send(
        &app,
        Method::GET,
        &form_url(EHPAD, "?explain=true"),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(asked.status, 200);
    let indicators = asked.body["evaluation"]["indicators"].as_object().unwrap().len();
    assert_eq!(explained(&asked.body), indicators);
    assert_eq!(
        asked.body["evaluation"]["indicators"]["taux_occupation_hp"]["explanation"]["inputs"][0]["item"],
        "journees_realisees_hp"
    );
    // The same document otherwise.
    let mut stripped = asked.body.clone();
    for indicator in stripped["evaluation"]["indicators"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        indicator.as_object_mut().unwrap().remove("explanation");
    }
    assert_eq!(stripped, plain.body);

    for bad in ["?explain=oui", "?explain=true&verbose=1"] {
        let refused = send(&app, Method::GET, &form_url(EHPAD, bad), Some(&token), None, None).await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (400, Some("invalid_query")),
            "{bad}"
        );
    }

    let request = test::TestRequest::get()
        .uri(&form_url(EHPAD, ""))
        .insert_header(("Authorization", token.clone()))
        .insert_header(("Accept-Encoding", "gzip"))
        .to_request();
    let answer = test::call_service(&app, request).await;
    assert_eq!(
        answer
            .headers()
            .get("Content-Encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    let packed = test::read_body(answer).await;
    let mut inflated = String::new();
    GzDecoder::new(&packed[..]).read_to_string(&mut inflated).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&inflated).unwrap(), plain.body);
    assert!(
        packed.len() * 4 < inflated.len(),
        "{} for {}",
        packed.len(),
        inflated.len()
    );

    // One changed value, the summary preferred (as the web app does): a few hundred bytes, the named
    // items as stored (one set, one emptied: a null value), the new version in the body and the `ETag`.
    let request = test::TestRequest::patch()
        .uri(&form_url(EHPAD, ""))
        .insert_header(("Authorization", token.clone()))
        .insert_header(("If-Match", "*"))
        .insert_header(("Prefer", "return=minimal"))
        .insert_header(("Accept-Encoding", "gzip"))
        .set_json(json!({"values": {"jours_ouverture_hp": 364, "gmp_valide": null}}))
        .to_request();
    let answer = test::call_service(&app, request).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer
            .headers()
            .get("Preference-Applied")
            .map(|v| v.to_str().unwrap()),
        Some("return=minimal")
    );
    let etag = answer.headers().get("ETag").unwrap().to_str().unwrap().to_owned();
    let bytes = test::read_body(answer).await;
    assert!(bytes.len() < 1024, "summary of {} bytes", bytes.len());
    let summary: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(etag, format!("\"{}\"", summary["version"]));
    assert_eq!(summary["values"]["jours_ouverture_hp"]["value"], 364);
    assert_eq!(summary["values"]["jours_ouverture_hp"]["source"], "saisie");
    assert_eq!(summary["values"]["gmp_valide"]["value"], Value::Null);
    assert_eq!(summary["absent"], json!([]));
    assert_eq!(summary["state"], "en_cours");
    assert!(summary.get("evaluation").is_none());
    // The form read next agrees with the summary.
    let read = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&token), None, None).await;
    assert_eq!(read.body["version"], summary["version"]);
    assert_eq!(
        read.body["values"]["jours_ouverture_hp"],
        summary["values"]["jours_ouverture_hp"]
    );
    assert_eq!(read.body["values"]["gmp_valide"], summary["values"]["gmp_valide"]);
    assert_eq!(
        read.body["evaluation"]["completion"]["rate"],
        summary["completion_rate"]
    );
    assert_eq!(read.body["evaluation"]["submission"], summary["submission"]);
    assert_eq!(read.body["cpom_alerts"], summary["cpom_alerts"]);

    // Without the preference, the whole form (without explanations), gzipped when accepted.
    let request = test::TestRequest::patch()
        .uri(&form_url(EHPAD, ""))
        .insert_header(("Authorization", token.clone()))
        .insert_header(("If-Match", "*"))
        .insert_header(("Accept-Encoding", "gzip"))
        .set_json(json!({"values": {"jours_ouverture_hp": 365}}))
        .to_request();
    let answer = test::call_service(&app, request).await;
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().get("Preference-Applied").is_none());
    let packed = test::read_body(answer).await;
    let mut inflated = String::new();
    GzDecoder::new(&packed[..]).read_to_string(&mut inflated).unwrap();
    let document: Value = serde_json::from_str(&inflated).unwrap();
    assert_eq!(document["values"]["jours_ouverture_hp"]["value"], 365);
    assert_eq!(explained(&document), 0);
}

on_both_backends!(explanations_come_only_when_asked_and_forms_travel_compressed);

/// A form written value after value with `Prefer: return=minimal` (the web app's way) is judged on
/// the values the previous write kept typed, and its document is built only when read: what is then
/// read is what the form's rows give when evaluated afresh (`?explain=true` reads them again), for
/// numbers, an emptied value, « sans objet », a yes/no and an enumeration.
async fn a_form_written_value_after_value_reads_as_computed_afresh(db: TestDb) {
    let (app, token, _) = completed_ehpad(&db).await;
    let status = tdb_domain::catalogue_for(2024)
        .unwrap()
        .item("statut_juridique")
        .and_then(|i| i.values.clone())
        .unwrap();
    let mut rates = Vec::new();
    for values in [
        json!({"journees_realisees_hp": 12000}),
        json!({"gmp_valide": "sans_objet"}),
        json!({"statut_juridique": status[1], "proprietaire_locaux": false}),
        json!({"jours_ouverture_hp": null}),
        json!({"journees_realisees_hp": 20500.5}),
    ] {
        let request = test::TestRequest::patch()
            .uri(&form_url(EHPAD, ""))
            .insert_header(("Authorization", token.clone()))
            .insert_header(("If-Match", "*"))
            .insert_header(("Prefer", "return=minimal"))
            .set_json(json!({ "values": values }))
            .to_request();
        let answer = test::call_service(&app, request).await;
        assert_eq!(answer.status(), 200);
        let summary: Value = serde_json::from_slice(&test::read_body(answer).await).unwrap();
        rates.push(summary["completion_rate"].clone());
    }
    assert_ne!(
        rates.first(),
        rates.last(),
        "the emptied value lowers the completion"
    );
    let read = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&token), None, None).await;
    let mut fresh = send(
        &app,
        Method::GET,
        &form_url(EHPAD, "?explain=true"),
        Some(&token),
        None,
        None,
    )
    .await
    .body;
    for indicator in fresh["evaluation"]["indicators"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        indicator.as_object_mut().unwrap().remove("explanation");
    }
    assert_eq!(read.body["values"]["gmp_valide"]["value"], "sans_objet");
    assert_eq!(read.body["values"]["journees_realisees_hp"]["value"], 20500.5);
    assert_eq!(
        read.body["evaluation"]["completion"]["rate"],
        *rates.last().unwrap()
    );
    assert_eq!(read.body, fresh);
}

on_both_backends!(a_form_written_value_after_value_reads_as_computed_afresh);
