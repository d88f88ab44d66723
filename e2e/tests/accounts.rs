//! Accounts in the browser (issue 17): an ARS officer invites a structure's director from
//! « Utilisateurs »; the director follows the link of the mail, chooses a password on « Définir mon mot
//! de passe », signs in and sees their form.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use tdb_e2e::Harness;
use tdb_e2e::ui::{check_page, click, sign_in, sign_out, type_into, wait_css, wait_text};

const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
const FINESS: &str = "591000005";
const DIRECTOR: &str = "nouvelle.direction@ehpad-demo.fr";
const PASSWORD: &str = "cheval agrafe lanterne pivoine";

#[actix_web::test]
async fn an_ars_officer_invites_a_director_who_sets_a_password_and_sees_the_form() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/utilisateurs", harness.base_url))
        .await
        .unwrap();
    sign_in(b, ARS.0, ARS.1).await;
    wait_css(b, "[data-testid=invite-form]").await.unwrap();
    check_page(b, "utilisateurs").await;

    type_into(b, "[data-testid=invite-form] input[name=email]", DIRECTOR).await;
    type_into(
        b,
        "[data-testid=invite-form] input[name=display_name]",
        "Nouvelle direction",
    )
    .await;
    let role = wait_css(b, "[data-testid=invite-form] select[name=role]")
        .await
        .unwrap();
    role.select_by_value("esms").await.unwrap();
    type_into(b, "[data-testid=invite-form] textarea[name=structures]", FINESS).await;
    click(b, "[data-testid=invite-form] button[type=submit]").await;
    wait_text(b, "[data-testid=invite-form] [data-testid=success]", DIRECTOR).await;
    harness.screenshot("accounts-invited").await.unwrap();

    // The mail, as the dispatcher wrote it, holds the link.
    let mails = harness.mails_to(DIRECTOR);
    assert_eq!(mails.len(), 1, "one invitation mail");
    let link = mails[0]
        .split_whitespace()
        .find(|word| word.contains("/definir-mot-de-passe#jeton="))
        .expect("the link in the mail")
        .to_owned();
    assert!(link.starts_with(&harness.base_url), "{link}");

    sign_out(b).await;
    b.goto(&link).await.unwrap();
    wait_text(b, "[data-testid=link-account]", DIRECTOR).await;
    check_page(b, "definir-mot-de-passe").await;
    // The token leaves the address bar once read.
    let address = b.current_url().await.unwrap();
    assert!(!address.as_str().contains("jeton"), "{address}");
    type_into(
        b,
        "[data-testid=set-password-form] input[name=new-password]",
        PASSWORD,
    )
    .await;
    type_into(
        b,
        "[data-testid=set-password-form] input[name=confirmation]",
        PASSWORD,
    )
    .await;
    click(b, "[data-testid=set-password-form] button[type=submit]").await;
    wait_css(b, "[data-testid=password-set]").await.unwrap();
    harness.screenshot("accounts-password-set").await.unwrap();

    b.goto(&format!("{}/formulaire/2024/{FINESS}", harness.base_url))
        .await
        .unwrap();
    sign_in(b, DIRECTOR, PASSWORD).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    harness.screenshot("accounts-director-form").await.unwrap();

    // The same link a second time: no longer valid.
    sign_out(b).await;
    b.goto(&link).await.unwrap();
    wait_css(b, "[data-testid=link-gone]").await.unwrap();
    harness.stop().await;
}

/// « Mon compte »: the director turns the information mails off and on again; the switch says what it
/// did and the API keeps the choice.
#[actix_web::test]
async fn a_director_turns_the_information_mails_off_and_on() {
    const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/mon-compte", harness.base_url)).await.unwrap();
    sign_in(b, ESMS.0, ESMS.1).await;
    let toggle = "[data-testid=non-essential-mails]";
    tdb_e2e::ui::wait_until(
        b,
        &format!("document.querySelector('{toggle}') && !document.querySelector('{toggle}').disabled"),
        "the mail switch loaded",
    )
    .await;
    let token = tdb_e2e::ui::api_token(b, ESMS.0, ESMS.1).await;
    let stored = async |b: &fantoccini::Client| {
        let (status, body) = tdb_e2e::ui::api(b, "GET", "/api/v1/me/notifications", Some(&token), None).await;
        assert_eq!(status, 200, "{body}");
        body["non_essential_mails"].as_bool().unwrap()
    };
    assert!(stored(b).await, "information mails are on by default");
    assert_eq!(
        b.find(fantoccini::Locator::Css(toggle))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    check_page(b, "mon compte, courriels").await;

    click(b, "label[for=courriels-information]").await;
    wait_text(
        b,
        "[data-testid=my-mails] [data-testid=success]",
        "ne recevrez plus",
    )
    .await;
    assert!(!stored(b).await, "the switch did not turn the mails off");
    click(b, "label[for=courriels-information]").await;
    wait_text(b, "[data-testid=my-mails] [data-testid=success]", "de nouveau").await;
    assert!(stored(b).await, "the switch did not turn the mails back on");
}
