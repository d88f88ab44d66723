//! The pieces every CPOM form shares, reused by the account pages: the state of a submission (busy,
//! refusal), the refusal shown next to the form (the problem's `detail` and each field's message under
//! a French field name), labelled inputs, check-box lists, a panel opened on demand and an inline delete
//! confirmation.

use std::cell::Cell;
use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde_json::Value;

pub use super::draft::FormDraft;
use crate::api::{self, UiError, Verb};
use crate::components::alert::error_alert;
use crate::format;

/// What a form shows of its last submission.
#[derive(Debug, Clone, Copy)]
pub struct Submit {
    /// A request is running: the submit button is disabled.
    pub busy: RwSignal<bool>,
    /// The refusal of the last request.
    pub error: RwSignal<Option<UiError>>,
    /// The draft of the form, cleared once the server accepts it.
    draft: Option<FormDraft>,
}

impl Submit {
    /// A form not submitted yet.
    pub fn new() -> Self {
        Self {
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            draft: None,
        }
    }

    /// A form whose fields are kept in `draft` until the server accepts it.
    pub fn drafted(draft: FormDraft) -> Self {
        Self {
            draft: Some(draft),
            ..Self::new()
        }
    }

    /// Sends a CPOM write (see [`api::cpom_write`]); `done` gets the answer, the refusal stays shown.
    pub fn write(
        self,
        verb: Verb,
        path: String,
        version: Option<i64>,
        body: Option<String>,
        done: Box<dyn FnOnce(Value)>,
    ) {
        self.run(api::cpom_write(verb, path, version, body), done);
    }

    /// Runs the API request `call`; `done` gets the answer, the refusal stays shown.
    pub fn run<T: 'static>(
        self,
        call: impl Future<Output = Result<T, UiError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.busy.set(true);
        self.error.set(None);
        spawn_local(async move {
            let answer = call.await;
            self.busy.set(false);
            match answer {
                Ok(value) => {
                    if let Some(draft) = self.draft {
                        draft.clear();
                    }
                    done(value)
                }
                Err(error) => self.error.set(Some(error)),
            }
        });
    }

    /// Sets a refusal found before sending (a number that does not read).
    pub fn refuse(self, path: &str, message: &str) {
        self.error.set(Some(UiError::Api(tdb_domain::contract::Problem {
            type_uri: "about:blank".to_owned(),
            title: "Saisie invalide".to_owned(),
            status: 422,
            detail: "La saisie est incomplète ou invalide.".to_owned(),
            code: "validation_failed".to_owned(),
            errors: vec![tdb_domain::contract::FieldError {
                path: path.to_owned(),
                code: "invalid".to_owned(),
                message: message.to_owned(),
            }],
        })));
    }
}

/// What a form needs from the API before it shows: `None` while the request runs.
pub type Loaded<T> = RwSignal<Option<Result<T, UiError>>, LocalStorage>;

/// Starts `fetch` and keeps its answer (lighter than a resource and a `<Transition>` for a form
/// opened once).
pub fn fetched<T: 'static>(fetch: impl Future<Output = Result<T, UiError>> + 'static) -> Loaded<T> {
    let loaded = RwSignal::new_local(None);
    spawn_local(async move { loaded.set(Some(fetch.await)) });
    loaded
}

/// The view of a [`Loaded`] answer: a waiting message, the refusal, or `ready` of the answer.
pub fn when_loaded<T: 'static>(
    loaded: Loaded<T>,
    ready: impl Fn(&T) -> AnyView + Send + Sync + 'static,
) -> AnyView {
    view! {
        {move || loaded.with(|answer| match answer {
            None => view! { <p role="status">"Chargement…"</p> }.into_any(),
            Some(Ok(value)) => ready(value),
            Some(Err(error)) => error_alert(error).into_any(),
        })}
    }
    .into_any()
}

/// A body as JSON text.
pub fn json(body: &impl Serialize) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// `Some(text)` unless blank.
pub fn non_blank(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The French name of the field a problem's JSON pointer designates (`/structures/1` → « Structure
/// n° 2 »).
pub fn field_label(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let name = match parts.next().unwrap_or_default() {
        "title" => "Titre",
        "organisation_finess" => "Organisme gestionnaire",
        "signatory_ars" | "signatory_cd" => "Signataires",
        "start_date" => "Date d'effet",
        "end_date" => "Échéance du contrat",
        "structures" => "Structure",
        "add_structures" => "Structure ajoutée",
        "remove_structures" => "Structure retirée",
        "date" => "Date",
        "reason" => "Motif",
        "signed_on" => "Date de l'avenant",
        "object" => "Objet",
        "theme" => "Thème",
        "theme_label" => "Libellé du thème",
        "actions" => "Actions",
        "owner" => "Pilote",
        "deadline" => "Échéance",
        "action_sheet_id" => "Fiche action",
        "label" => "Libellé",
        "indicator_code" => "Indicateur",
        "free_indicator_label" => "Indicateur libre",
        "structure_finess" => "Structure suivie",
        "target_value" => "Valeur cible",
        "target_year" => "Année cible",
        "sense" => "Sens",
        "value" => "Valeur",
        "year" => "Année",
        "scheduled_on" => "Date prévue",
        "held_on" => "Date de tenue",
        "minutes" => "Compte rendu",
        "decisions" => "Décisions",
        "email" => "Adresse électronique",
        "display_name" | "name" => "Nom",
        "role" => "Rôle",
        "region_code" => "Région",
        "department_code" => "Département",
        "scopes" => "Droits",
        "source" => "Source",
        "file" => "Fichier",
        other => return other.to_owned(),
    };
    match parts.next().and_then(|i| i.parse::<usize>().ok()) {
        Some(index) => format!("{name} n° {}", index + 1),
        None => name.to_owned(),
    }
}

/// The message of a refusal; a stale version names the contract.
pub fn refusal(error: &UiError) -> String {
    match error {
        UiError::Stale => "Le contrat a été modifié entre-temps : rechargez la page.".to_owned(),
        other => other.message(),
    }
}

/// Each field error of a refusal as « Field : message »; a date the API could not read is explained
/// in the format the user types.
pub fn field_messages(error: &UiError) -> Vec<String> {
    let UiError::Api(problem) = error else {
        return Vec::new();
    };
    problem
        .errors
        .iter()
        .map(|e| {
            let message = if e.code == "invalid_date" {
                "Date attendue au format jj/mm/aaaa."
            } else {
                e.message.as_str()
            };
            format!("{} : {message}", field_label(&e.path))
        })
        .collect()
}

/// The refusal of the form's last request, announced (`role=alert`).
pub fn problem(submit: Submit) -> impl IntoView {
    view! {
        <div aria-live="assertive">
            {move || submit.error.get().map(|error| view! {
                <div class="fr-alert fr-alert--error fr-alert--sm fr-my-2w" role="alert" data-testid="form-error">
                    <p>{refusal(&error)}</p>
                    <ul>
                        {field_messages(&error).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A fresh element id (forms may appear several times on a page).
pub fn fresh_id() -> String {
    let n = NEXT_ID.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    format!("cpom-champ-{n}")
}

/// A labelled text input named `name`, bound to `value`. `kind`: `text`; `email`; `decimal` (numeric
/// keyboard: French decimals such as `12,5`); `date`, typed `jj/mm/aaaa` whatever the browser's
/// language (see [`iso`]).
pub fn input(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: RwSignal<String>,
) -> AnyView {
    let id = fresh_id();
    let date = kind == "date";
    view! {
        <div class="fr-input-group">
            <label class="fr-label" for=id.clone()>
                {label}
                {date.then(|| view! { <span class="fr-hint-text">"Format attendu : jj/mm/aaaa"</span> })}
            </label>
            <input class="fr-input" id=id name=name type=if kind == "email" { "email" } else { "text" }
                inputmode=(kind == "decimal").then_some("decimal")
                placeholder=date.then_some("jj/mm/aaaa") bind:value=value/>
        </div>
    }
    .into_any()
}

/// A date field's value for the API: `YYYY-MM-DD`, or the text as typed when it does not read (the
/// API then refuses it under the field's name, see [`problem`]).
pub fn iso(date: RwSignal<String>) -> String {
    let text = date.get_untracked();
    format::parse_date(&text).unwrap_or_else(|| text.trim().to_owned())
}

/// A date field's signal, filled with `iso` (`YYYY-MM-DD`) shown `jj/mm/aaaa`.
pub fn date_field(iso: &str) -> RwSignal<String> {
    RwSignal::new(format::date(iso))
}

/// A labelled text area named `name`, bound to `value`.
pub fn text_area(name: &'static str, label: &'static str, value: RwSignal<String>) -> AnyView {
    let id = fresh_id();
    view! {
        <div class="fr-input-group">
            <label class="fr-label" for=id.clone()>{label}</label>
            <textarea class="fr-input" id=id name=name rows="3" bind:value=value></textarea>
        </div>
    }
    .into_any()
}

/// A labelled select named `name` over `(value, label)` options, bound to `value`.
pub fn select(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    value: RwSignal<String>,
) -> AnyView {
    let id = fresh_id();
    view! {
        <div class="fr-select-group">
            <label class="fr-label" for=id.clone()>{label}</label>
            <select class="fr-select" id=id name=name on:change=move |ev| value.set(event_target_value(&ev))>
                {options.into_iter().map(|(code, text)| {
                    let selected = value.get_untracked() == code;
                    view! { <option value=code selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

/// A check box bound to `checked`.
pub fn check(name: &'static str, label: &'static str, checked: RwSignal<bool>) -> AnyView {
    let id = fresh_id();
    view! {
        <div class="fr-checkbox-group">
            <input type="checkbox" id=id.clone() name=name bind:checked=checked/>
            <label class="fr-label" for=id>{label}</label>
        </div>
    }
    .into_any()
}

/// A list of check boxes over `(value, label)` options: `chosen` holds the checked values.
pub fn checks(
    name: &'static str,
    legend: &'static str,
    options: Vec<(String, String)>,
    chosen: RwSignal<Vec<String>>,
) -> AnyView {
    if options.is_empty() {
        return view! { <p class="fr-text--sm">{format!("{legend} : aucune.")}</p> }.into_any();
    }
    view! {
        <fieldset class="fr-fieldset" data-testid=name>
            <legend class="fr-fieldset__legend fr-text--regular">{legend}</legend>
            {options.into_iter().map(|(code, text)| {
                let id = fresh_id();
                let value = code.clone();
                let is_chosen = chosen.with_untracked(|c| c.contains(&code));
                view! {
                    <div class="fr-fieldset__element">
                        <div class="fr-checkbox-group">
                            <input type="checkbox" id=id.clone() name=name value=value checked=is_chosen
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| x != &code);
                                        if on {
                                            c.push(code.clone());
                                        }
                                    });
                                }/>
                            <label class="fr-label" for=id>{text}</label>
                        </div>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
    .into_any()
}

/// The submit button of a form, disabled while it is sent.
pub fn submit_button(label: &'static str, submit: Submit) -> AnyView {
    view! {
        <button class="fr-btn" type="submit" disabled=move || submit.busy.get()>{label}</button>
    }
    .into_any()
}

/// A button that opens (and closes) `body` below it: forms appear, and load what they need, on demand.
pub fn panel(label: &'static str, testid: &'static str, body: ViewFn) -> AnyView {
    panel_open(label, testid, false, body)
}

/// A [`panel`] of the CPOM form `form` (see [`FormDraft::new`]): open from the start when the person
/// left a draft of it.
pub fn drafted_panel(label: &'static str, testid: &'static str, form: &str, body: ViewFn) -> AnyView {
    panel_open(label, testid, super::draft::exists(form), body)
}

fn panel_open(label: &'static str, testid: &'static str, opened: bool, body: ViewFn) -> AnyView {
    let open = RwSignal::new(opened);
    view! {
        <div class="fr-my-2w">
            <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" data-testid=testid
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                {label}
            </button>
            {move || open.get().then(|| view! { <div class="fr-card fr-p-3w fr-mt-1w">{body.run()}</div> })}
        </div>
    }
    .into_any()
}

/// « Supprimer », then « Confirmer la suppression » / « Annuler »: `DELETE` of `path`, then `done`.
pub fn delete_button(what: &'static str, path: String, done: Callback<()>) -> AnyView {
    let asked = RwSignal::new(false);
    let submit = Submit::new();
    let path = StoredValue::new(path);
    view! {
        <span class="tdb-delete">
            {move || if asked.get() {
                view! {
                    <span role="group" aria-label=format!("Supprimer {what}")>
                        <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" data-testid="confirm-delete"
                            disabled=move || submit.busy.get()
                            on:click=move |_| submit.write(
                                Verb::Delete, path.get_value(), None, None, Box::new(move |_| done.run(())),
                            )>
                            {format!("Confirmer la suppression de {what}")}
                        </button>
                        <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline"
                            on:click=move |_| asked.set(false)>"Annuler"</button>
                    </span>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" data-testid="delete"
                        on:click=move |_| asked.set(true)>{format!("Supprimer {what}")}</button>
                }.into_any()
            }}
            {problem(submit)}
        </span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_as_french_field_names() {
        assert_eq!(field_label("/title"), "Titre");
        assert_eq!(field_label("/structures/1"), "Structure n° 2");
        assert_eq!(field_label("/add_structures/0"), "Structure ajoutée n° 1");
        assert_eq!(field_label("/reason"), "Motif");
        assert_eq!(field_label("/unknown"), "unknown");
    }

    #[test]
    fn a_stale_contract_asks_for_a_reload() {
        assert_eq!(
            refusal(&UiError::Stale),
            "Le contrat a été modifié entre-temps : rechargez la page."
        );
    }

    #[test]
    fn unreadable_dates_are_explained_in_the_typed_format() {
        let error = UiError::Api(tdb_domain::contract::Problem {
            type_uri: "about:blank".to_owned(),
            title: "Requête invalide".to_owned(),
            status: 422,
            detail: "Champs invalides.".to_owned(),
            code: "validation_failed".to_owned(),
            errors: vec![
                tdb_domain::contract::FieldError {
                    path: "/start_date".to_owned(),
                    code: "invalid_date".to_owned(),
                    message: "Date attendue au format AAAA-MM-JJ.".to_owned(),
                },
                tdb_domain::contract::FieldError {
                    path: "/structures/0".to_owned(),
                    code: "other_organisation".to_owned(),
                    message: "Autre organisme.".to_owned(),
                },
            ],
        });
        assert_eq!(
            field_messages(&error),
            [
                "Date d'effet : Date attendue au format jj/mm/aaaa.",
                "Structure n° 1 : Autre organisme."
            ]
        );
    }

    #[test]
    fn blank_texts_are_absent() {
        assert_eq!(non_blank("  ".to_owned()), None);
        assert_eq!(non_blank(" Pilote ".to_owned()), Some("Pilote".to_owned()));
    }
}
