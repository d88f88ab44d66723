//! « Nouveau contrat » on `/cpom` (ARS, CD, og): the managing body among those of the structures the
//! user sees (an `og` sees only its own), the terms, and the initial structures among that body's;
//! `POST /cpom/contracts`, then the new contract's page.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use tdb_domain::contract::{ContractCreate, Role, Structure};

use super::form::{self, FormDraft, Submit};
use crate::api::{self, Verb};

/// The terms of a contract being written: title, signatories, start, optional end.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    /// Title.
    pub title: RwSignal<String>,
    /// The ARS signs.
    pub ars: RwSignal<bool>,
    /// The CD signs.
    pub cd: RwSignal<bool>,
    /// Start `YYYY-MM-DD`.
    pub start: RwSignal<String>,
    /// End `YYYY-MM-DD`, empty for the default.
    pub end: RwSignal<String>,
}

impl Terms {
    /// Terms filled with these values (dates `YYYY-MM-DD`).
    pub fn new(title: String, ars: bool, cd: bool, start: String, end: String) -> Self {
        Self {
            title: RwSignal::new(title),
            ars: RwSignal::new(ars),
            cd: RwSignal::new(cd),
            start: form::date_field(&start),
            end: form::date_field(&end),
        }
    }

    /// The fields of the terms, each with its entry of another version when `draft` has one.
    pub fn fields(self, draft: FormDraft) -> AnyView {
        view! {
            {draft.around("title", form::input("title", "Titre du contrat", "text", self.title))}
            <fieldset class="fr-fieldset">
                <legend class="fr-fieldset__legend fr-text--regular">"Signataires"</legend>
                <div class="fr-fieldset__element">{form::check("signatory_ars", "L'ARS signe", self.ars)}</div>
                <div class="fr-fieldset__element">
                    {form::check("signatory_cd", "Le conseil départemental signe", self.cd)}
                </div>
            </fieldset>
            {draft.around("start_date", form::input("start_date", "Date d'effet", "date", self.start))}
            {draft.around("end_date", form::input("end_date", "Échéance (facultative : 5 ans moins un jour après la date d'effet)", "date", self.end))}
        }
        .into_any()
    }

    /// Keeps the text fields of the terms in the draft of the CPOM form `form`, typed on `version`, and
    /// restores it (call before [`Self::fields`]).
    pub fn drafted(self, form: &str, version: i64) -> FormDraft {
        self.drafted_with(FormDraft::new(form, version))
    }

    /// The same, adding the terms to `draft` (which may hold other fields already).
    pub fn drafted_with(self, draft: FormDraft) -> FormDraft {
        draft.field("title", self.title);
        draft.field("start_date", self.start);
        draft.field("end_date", self.end);
        draft.start();
        draft
    }

    /// The end typed, if any.
    pub fn end_date(self) -> Option<String> {
        form::non_blank(form::iso(self.end))
    }
}

/// The creation form, once the structures the user sees are loaded.
pub fn new_contract(role: Option<Role>) -> AnyView {
    let loaded = form::fetched(api::all_structures(""));
    form::when_loaded(loaded, move |structures| contract_form(role, structures))
}

fn contract_form(role: Option<Role>, structures: &[Structure]) -> AnyView {
    let structures: Vec<Structure> = structures.iter().filter(|s| s.active).cloned().collect();
    let mut organisations: Vec<(String, String)> = structures
        .iter()
        .map(|s| {
            (
                s.organisation_finess.clone(),
                format!("{} ({})", s.organisation_name, s.organisation_finess),
            )
        })
        .collect();
    organisations.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    organisations.dedup();
    let organisation = RwSignal::new(match organisations.as_slice() {
        [(only, _)] => only.clone(),
        _ => String::new(),
    });
    if organisations.len() != 1 {
        organisations.insert(
            0,
            (String::new(), "— Choisir un organisme gestionnaire —".to_owned()),
        );
    }
    let terms = Terms::new(
        String::new(),
        role != Some(Role::Cd),
        role == Some(Role::Cd),
        String::new(),
        String::new(),
    );
    let chosen = RwSignal::new(Vec::<String>::new());
    let structures = StoredValue::new(structures);
    let draft = FormDraft::new("nouveau-contrat", 0);
    draft.field("organisation_finess", organisation);
    let draft = terms.drafted_with(draft);
    let submit = Submit::drafted(draft);
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let organisation_finess = organisation.get_untracked();
        let picked = chosen.get_untracked();
        let members: Vec<String> = structures.with_value(|all| {
            all.iter()
                .filter(|s| s.organisation_finess == organisation_finess && picked.contains(&s.finess))
                .map(|s| s.finess.clone())
                .collect()
        });
        let body = ContractCreate {
            organisation_finess,
            title: terms.title.get_untracked(),
            signatory_ars: terms.ars.get_untracked(),
            signatory_cd: terms.cd.get_untracked(),
            start_date: form::iso(terms.start),
            end_date: terms.end_date(),
            structures: members,
        };
        let navigate = navigate.clone();
        submit.write(
            Verb::Post,
            "contracts".to_owned(),
            None,
            form::json(&body),
            Box::new(move |answer| {
                if let Some(id) = answer["id"].as_i64() {
                    navigate(&format!("/cpom/{id}"), Default::default());
                }
            }),
        );
    };
    view! {
        <form on:submit=on_submit data-testid="contract-form">
            {draft.notice()}
            {form::select("organisation_finess", "Organisme gestionnaire", organisations, organisation)}
            {terms.fields(draft)}
            {move || {
                let organisation = organisation.get();
                let options = structures.with_value(|all| {
                    all.iter()
                        .filter(|s| s.organisation_finess == organisation)
                        .map(|s| (s.finess.clone(), format!("{} — {} ({})", s.finess, s.name, s.city)))
                        .collect()
                });
                form::checks("structures", "Structures du périmètre initial", options, chosen)
            }}
            {form::problem(submit)}
            {form::submit_button("Créer le contrat", submit)}
        </form>
    }
    .into_any()
}
