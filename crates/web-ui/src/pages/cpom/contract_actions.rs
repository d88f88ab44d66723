//! The actions on a whole contract: its state (« Signer », « Démarrer », « Constater l'échéance »,
//! « Résilier » with a reason; the last two, irreversible, asked first), its terms while negotiated (`PUT` with `If-Match`), an amendment
//! (structures joining or leaving), and an extra committee.

use leptos::prelude::*;
use tdb_domain::contract::{
    AmendmentCreate, CommitteeCreate, Contract, ContractAction, ContractState, ContractTransition,
    ContractUpdate,
};

use super::contract_ctx::ContractCtx;
use super::form::{self, FormDraft, Submit};
use super::new_contract::Terms;
use crate::api::{self, Verb};
use crate::format;

/// The state buttons and the forms of the terms and of an amendment, as the user's rights allow.
pub fn actions(contract: &Contract, ctx: ContractCtx) -> AnyView {
    let rights = ctx.rights;
    view! {
        <div data-testid="contract-actions">
            {rights.transitions().then(|| transitions(contract.state, ctx))}
            {rights.edit_terms().then(|| {
                let c = contract.clone();
                form::drafted_panel("Modifier les termes du contrat", "edit-terms", &format!("contrat:{}:termes", ctx.id),
                    ViewFn::from(move || terms_form(&c, ctx)))
            })}
            {rights.amend().then(|| form::drafted_panel("Avenant", "amendment", &format!("contrat:{}:avenant", ctx.id),
                ViewFn::from(move || amendment_form(ctx))))}
        </div>
    }
    .into_any()
}

fn transitions(state: ContractState, ctx: ContractCtx) -> AnyView {
    let submit = Submit::new();
    let day = form::date_field(&format::today());
    let reason = RwSignal::new(String::new());
    let send = move |action: ContractAction| {
        let body = ContractTransition {
            action,
            date: form::non_blank(form::iso(day)),
            reason: (action == ContractAction::Terminate).then(|| reason.get_untracked()),
        };
        submit.write(
            Verb::Post,
            ctx.path("transitions"),
            None,
            form::json(&body),
            ctx.done(),
        );
    };
    let button = move |action: ContractAction, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" class="fr-btn fr-mr-2w" data-testid=testid disabled=move || submit.busy.get()
                on:click=move |_| send(action)>{label}</button>
        }
    };
    // The irreversible actions ask first (the browser's own dialog: modal, Escape cancels, the focus
    // comes back to the button), then send.
    let asking = move |action: ContractAction,
                       label: &'static str,
                       testid: &'static str,
                       question: &'static str| {
        view! {
            <button type="button" class="fr-btn fr-mr-2w" data-testid=testid disabled=move || submit.busy.get()
                on:click=move |_| {
                    let text = format!("{question} Date : {}. Cette action est définitive.", day.get_untracked());
                    if web_sys::window().is_some_and(|w| w.confirm_with_message(&text).unwrap_or(false)) {
                        send(action);
                    }
                }>{label}</button>
        }
    };
    let main = match state {
        ContractState::EnNegociation => Some(button(ContractAction::Sign, "Signer", "sign").into_any()),
        ContractState::Signe => Some(button(ContractAction::Start, "Démarrer", "start").into_any()),
        ContractState::EnCours => Some(
            asking(
                ContractAction::Expire,
                "Constater l'échéance",
                "expire",
                "Constater l'échéance du contrat ?",
            )
            .into_any(),
        ),
        ContractState::Echu | ContractState::Resilie => None,
    };
    let terminable = matches!(state, ContractState::Signe | ContractState::EnCours);
    view! {
        <section class="fr-my-3w" aria-labelledby="contract-state-actions">
            <h2 id="contract-state-actions" class="fr-h5">"État du contrat"</h2>
            {form::input("date", "Date de l'événement (signature, résiliation)", "date", day)}
            {main}
            {terminable.then(|| view! {
                <details class="fr-mt-2w">
                    <summary>"Résilier le contrat"</summary>
                    {form::text_area("reason", "Motif de la résiliation (10 caractères au moins)", reason)}
                    {asking(ContractAction::Terminate, "Résilier", "terminate", "Résilier le contrat ?")}
                </details>
            })}
            {form::problem(submit)}
        </section>
    }
    .into_any()
}

fn terms_form(contract: &Contract, ctx: ContractCtx) -> AnyView {
    let terms = Terms::new(
        contract.title.clone(),
        contract.signatory_ars,
        contract.signatory_cd,
        contract.start_date.clone(),
        contract.end_date.clone(),
    );
    let draft = terms.drafted(&format!("contrat:{}:termes", ctx.id), ctx.version);
    let submit = Submit::drafted(draft);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ContractUpdate {
            title: terms.title.get_untracked(),
            signatory_ars: terms.ars.get_untracked(),
            signatory_cd: terms.cd.get_untracked(),
            start_date: form::iso(terms.start),
            end_date: terms.end_date(),
        };
        submit.write(
            Verb::Put,
            format!("contracts/{}", ctx.id),
            Some(ctx.version),
            form::json(&body),
            ctx.done(),
        );
    };
    view! {
        <form on:submit=on_submit data-testid="terms-form">
            {draft.notice()}
            {terms.fields(draft)}
            {form::problem(submit)}
            {form::submit_button("Enregistrer les termes", submit)}
        </form>
    }
    .into_any()
}

fn amendment_form(ctx: ContractCtx) -> AnyView {
    let query = format!("organisation={}", ctx.organisation.get_value());
    let loaded = form::fetched(async move { api::all_structures(&query).await });
    form::when_loaded(loaded, move |structures| {
        let members = ctx.members.get_value();
        let joining = structures
            .iter()
            .filter(|s| s.active && !members.iter().any(|m| m.0 == s.finess))
            .map(|s| (s.finess.clone(), format!("{} — {}", s.finess, s.name)))
            .collect();
        let leaving = members
            .into_iter()
            .map(|(finess, name)| (finess.clone(), format!("{finess} — {name}")))
            .collect();
        amendment_fields(ctx, joining, leaving)
    })
}

fn amendment_fields(
    ctx: ContractCtx,
    joining: Vec<(String, String)>,
    leaving: Vec<(String, String)>,
) -> AnyView {
    let signed_on = form::date_field(&format::today());
    let object = RwSignal::new(String::new());
    let add = RwSignal::new(Vec::new());
    let remove = RwSignal::new(Vec::new());
    let draft = FormDraft::new(&format!("contrat:{}:avenant", ctx.id), ctx.version);
    draft.field("signed_on", signed_on);
    draft.field("object", object);
    draft.start();
    let submit = Submit::drafted(draft);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AmendmentCreate {
            signed_on: form::iso(signed_on),
            object: object.get_untracked(),
            add_structures: add.get_untracked(),
            remove_structures: remove.get_untracked(),
        };
        submit.write(
            Verb::Post,
            ctx.path("amendments"),
            None,
            form::json(&body),
            ctx.done(),
        );
    };
    view! {
        <form on:submit=on_submit data-testid="amendment-form">
            {draft.notice()}
            {draft.around("signed_on", form::input("signed_on", "Date de signature de l'avenant", "date", signed_on))}
            {draft.around("object", form::input("object", "Objet", "text", object))}
            {form::checks("add_structures", "Structures qui entrent dans le périmètre", joining, add)}
            {form::checks("remove_structures", "Structures qui quittent le périmètre", leaving, remove)}
            {form::problem(submit)}
            {form::submit_button("Enregistrer l'avenant", submit)}
        </form>
    }
    .into_any()
}

/// « Planifier un comité supplémentaire »: a date within the contract.
pub fn plan_committee(ctx: ContractCtx) -> AnyView {
    form::panel(
        "Planifier un comité supplémentaire",
        "plan-committee",
        ViewFn::from(move || {
            let scheduled_on = RwSignal::new(String::new());
            let submit = Submit::new();
            let on_submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let body = CommitteeCreate {
                    scheduled_on: form::iso(scheduled_on),
                };
                submit.write(
                    Verb::Post,
                    ctx.path("committees"),
                    None,
                    form::json(&body),
                    ctx.done(),
                );
            };
            view! {
                <form on:submit=on_submit data-testid="committee-form">
                    {form::input("scheduled_on", "Date prévue", "date", scheduled_on)}
                    {form::problem(submit)}
                    {form::submit_button("Planifier le comité", submit)}
                </form>
            }
        }),
    )
}
