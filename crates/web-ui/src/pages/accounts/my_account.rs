//! « Mon compte »: who the signed-in person is (`GET /api/v1/auth/me`) and the change of their password
//! (`POST /api/v1/auth/password`, which ends their other sessions).

use leptos::prelude::*;
use tdb_domain::contract::{Me, PasswordChange};

use super::password::{matching, new_password_fields};
use super::{checked_input, refusal, rules, success};
use crate::api;
use crate::labels;
use crate::pages::cpom::form::{self, Submit};
use crate::session::use_session;

/// `/mon-compte`.
#[component]
pub fn MyAccountPage() -> impl IntoView {
    let me = form::fetched(api::me());
    let name = use_session()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.display_name.clone()));
    view! {
        <h1>"Mon compte"</h1>
        <section aria-labelledby="identite" data-testid="my-identity">
            <h2 id="identite" class="fr-h4">"Identité"</h2>
            {form::when_loaded(me, move |me| identity(me, name.clone()))}
        </section>
        <section class="fr-mt-4w" aria-labelledby="mot-de-passe">
            <h2 id="mot-de-passe" class="fr-h4">"Changer mon mot de passe"</h2>
            {password_form()}
        </section>
    }
}

fn identity(me: &Me, name: Option<String>) -> AnyView {
    let scope = if !me.structures.is_empty() {
        Some(("Structures", me.structures.join(", ")))
    } else if let Some(organisation) = &me.organisation {
        Some(("Organisme gestionnaire", organisation.clone()))
    } else if let Some(region) = &me.region {
        Some(("Région", region.clone()))
    } else {
        me.department.clone().map(|d| ("Département", d))
    };
    let line =
        |label: &'static str, value: String| view! { <dt class="fr-text--bold">{label}</dt><dd>{value}</dd> };
    view! {
        <dl>
            {name.map(|name| line("Nom", name))}
            {line("Adresse électronique", me.subject.clone())}
            {line("Rôle", labels::account_role(me.role).to_owned())}
            {scope.map(|(label, value)| line(label, value))}
        </dl>
    }
    .into_any()
}

fn password_form() -> AnyView {
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let submit = Submit::new();
    let done = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        if !matching(password, confirmation, mismatch) {
            return;
        }
        let body = PasswordChange {
            current_password: current.get_untracked(),
            new_password: password.get_untracked(),
        };
        submit.run(async move { api::change_password(&body).await }, move |()| {
            for field in [current, password, confirmation] {
                field.set(String::new());
            }
            done.set(Some(
                "Mot de passe modifié. Vos autres sessions ont été fermées.".to_owned(),
            ));
        });
    };
    let wrong = Signal::derive(move || {
        submit.error.with(|e| {
            e.as_ref()
                .and_then(|e| rules::field_message(e, "/current_password"))
        })
    });
    view! {
        <form class="tdb-login" on:submit=on_submit data-testid="password-form">
            {checked_input("current-password", "Mot de passe actuel", None, "password", "current-password",
                current, wrong)}
            {new_password_fields(password, confirmation, mismatch, submit, "/new_password")}
            {refusal(submit)}
            {success(done)}
            {form::submit_button("Changer mon mot de passe", submit)}
        </form>
    }
    .into_any()
}
