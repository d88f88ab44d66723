//! « Mon compte »: who the signed-in person is (`GET /api/v1/auth/me`), the mails they receive
//! (`GET`/`PUT /api/v1/me/notifications`: the non-essential ones can be turned off) and the change of
//! their password (`POST /api/v1/auth/password`, which ends their other sessions).

use leptos::prelude::*;
use tdb_domain::contract::{Me, NotificationPreferences, PasswordChange};

use super::password::{matching, new_password_fields};
use super::{checked_input, refusal, rules, success};
use crate::api::{self, UiError};
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
        <section class="fr-mt-4w" aria-labelledby="courriels" data-testid="my-mails">
            <h2 id="courriels" class="fr-h4">"Courriels"</h2>
            {mails()}
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

/// The non-essential mails on or off. The essential ones (account and password links, a disabled
/// webhook, corrections requested, a reopened form) are always sent.
fn mails() -> AnyView {
    let wanted = RwSignal::new(None::<bool>);
    let submit = Submit::new();
    let done = RwSignal::new(None::<String>);
    let loaded = form::fetched(api::notification_preferences());
    Effect::new(move || {
        if let Some(on) = loaded.with(|l| {
            l.as_ref()
                .and_then(|l| l.as_ref().ok())
                .map(|p| p.non_essential_mails)
        }) {
            wanted.set(Some(on));
        }
    });
    let load_refused =
        move || loaded.with(|l| l.as_ref().and_then(|l| l.as_ref().err()).map(UiError::message));
    let on_change = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        done.set(None);
        let body = NotificationPreferences {
            non_essential_mails: on,
        };
        submit.run(
            async move { api::set_notification_preferences(&body).await },
            move |stored: NotificationPreferences| {
                wanted.set(Some(stored.non_essential_mails));
                done.set(Some(
                    if stored.non_essential_mails {
                        "Vous recevrez de nouveau les courriels d'information."
                    } else {
                        "Vous ne recevrez plus les courriels d'information ; les courriels indispensables restent envoyés."
                    }
                    .to_owned(),
                ));
            },
        );
    };
    view! {
        <p class="fr-text--sm">
            "Les courriels indispensables vous sont toujours envoyés : liens de compte et de mot de passe, \
             demandes de correction et réouverture d'un formulaire, abonnement webhook désactivé."
        </p>
        <div class="fr-toggle">
            <input type="checkbox" class="fr-toggle__input" id="courriels-information"
                aria-describedby="courriels-information-aide" data-testid="non-essential-mails"
                prop:checked=move || wanted.get().unwrap_or(true)
                disabled=move || wanted.get().is_none() || submit.busy.get()
                on:change=on_change/>
            <label class="fr-toggle__label" for="courriels-information"
                data-fr-checked-label="Activé" data-fr-unchecked-label="Désactivé">
                "Recevoir les courriels d'information"
            </label>
            <p class="fr-hint-text" id="courriels-information-aide">
                "Ouverture d'une phase de campagne, rappels avant la clôture de la collecte, formulaire \
                 soumis ou validé."
            </p>
        </div>
        {move || load_refused().map(|message| view! {
            <div class="fr-alert fr-alert--error fr-alert--sm fr-my-2w" role="alert"><p>{message}</p></div>
        })}
        {refusal(submit)}
        {success(done)}
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
