//! The form page of one structure for one campaign: fill in, understand, submit — or review.
//!
//! Loads the form document, the campaign's catalogue (and N−1's when the server used it) and the
//! structure, then shows the tabs of items, the live indicators of the tab, the completion meter, the
//! controls panel, and the actions (save, submit; for an ARS or CD officer: request corrections,
//! validate). Everything computed is recomputed in the browser by the domain engine as the user types.

mod actions;
mod completion;
mod controls;
mod fields;
mod history;
mod indicators;
mod review;
mod state;

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{FormDocument, Structure};
use tdb_domain::{Catalogue, OutlierReference};

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::labels;
use crate::leave_guard;
use crate::live::{self, Engine};
use crate::session::use_session;

pub(crate) use fields::input_for;
use state::FormCtx;

/// `/formulaire/:year/:finess`.
#[component]
pub fn FormPage() -> impl IntoView {
    let params = use_params_map();
    let target = move || {
        params.with(|p| {
            (
                p.get("year").and_then(|y| y.parse::<i32>().ok()),
                p.get("finess").unwrap_or_default(),
            )
        })
    };
    // The structure's name titles the page as soon as its request answers, before the form, the
    // catalogues and their evaluation (the largest text of the page paints early on a slow line and
    // PC). A signal set by the load, not a resource it awaits: awaiting one would load the form again
    // when the structure arrives.
    let name = RwSignal::new(None::<String>);
    let loaded = LocalResource::new(move || {
        let (year, finess) = target();
        async move {
            name.set(None);
            let year = year.ok_or(UiError::Status(404))?;
            load(year, finess, name).await
        }
    });
    let title = move || match (target().0, name.get()) {
        (Some(year), Some(name)) => format!("{name} — campagne {year}"),
        (Some(year), None) => format!("Formulaire — campagne {year}"),
        (None, _) => "Formulaire".to_owned(),
    };
    view! {
        <h1>{title}</h1>
        <Transition fallback=|| view! { <p role="status" aria-busy="true" class="tdb-loading">"Chargement du formulaire…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((doc, engine, structure)) => view! { <FormView doc engine structure/> }.into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

/// Loads what the page shows; `name` gets the structure's name as soon as it is known.
async fn load(
    year: i32,
    finess: String,
    name: RwSignal<Option<String>>,
) -> Result<(FormDocument, Rc<Engine>, Structure), UiError> {
    let structure = async {
        let structure = api::structure(&finess).await;
        if let Ok(structure) = &structure {
            name.set(Some(structure.name.clone()));
        }
        structure
    };
    let (doc, catalogue, structure) =
        futures::join!(api::form(year, &finess), api::catalogue_json(year), structure);
    let (doc, structure) = (doc?, structure?);
    let catalogue = compile(catalogue?)?;
    // N−1 (when the server used it) and the peer reference are fetched together, not one after the
    // other: one round trip less before the form shows.
    let previous = async {
        if !doc.previous_campaign_used {
            return Ok(None);
        }
        let (form, json) = futures::join!(api::form(year - 1, &finess), api::catalogue_json(year - 1));
        let values = form?
            .values
            .into_iter()
            .map(|(code, entry)| (code, entry.value))
            .collect();
        Ok::<_, UiError>(Some((compile(json?)?, values)))
    };
    let (previous, reference) = futures::join!(
        previous,
        api::peer_reference(year, &doc.category, &structure.region_code)
    );
    // No reference (nothing frozen before, or refused): no peer outlier alert, as on the server.
    let peers = reference
        .ok()
        .map(|reference| OutlierReference::new(catalogue, &reference));
    let engine = Engine::new(catalogue, doc.category.clone(), previous?, peers);
    Ok((doc, Rc::new(engine), structure))
}

fn compile(json: String) -> Result<&'static Catalogue, UiError> {
    live::compiled(json).map_err(|e| UiError::Decode(e.to_string()))
}

#[component]
fn FormView(doc: FormDocument, engine: Rc<Engine>, structure: Structure) -> impl IntoView {
    let session = use_session();
    let ctx = FormCtx::new(doc, engine, session.role(), session.email());
    leave_guard::guard(move || ctx.writable() && ctx.dirty());
    view! {
        <div data-testid="form-page">
            <p class="fr-text--sm">
                {format!("FINESS {} — {} — {}", structure.finess, structure.city, structure.department_name)}
                " "
                {move || ctx.doc.with(|d| view! {
                    <span class=labels::state_badge(d.state) data-testid="form-state">{labels::state(d.state)}</span>
                })}
            </p>
            {move || ctx.read_only_reason().map(|reason| view! {
                <div class="fr-notice fr-notice--info fr-mb-2w" data-testid="read-only-notice">
                    <div class="fr-notice__body">
                        <p class="fr-notice__title">{reason}</p>
                    </div>
                </div>
            })}
            <p>
                <a class="fr-link" data-testid="to-simulation"
                    href=format!("/simulation/{}/{}", ctx.year, structure.finess)>
                    "Simuler à partir des valeurs enregistrées"
                </a>
            </p>
            <actions::DraftNotice ctx/>
            {move || ctx.live.with(|l| l.is_none()).then(|| view! {
                <div class="fr-alert fr-alert--error" role="alert">
                    <p>"La catégorie de cette structure est inconnue du catalogue : le calcul est impossible."</p>
                </div>
            })}
            <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-lg-8">
                    <fields::Tabs ctx/>
                    <actions::ActionBar ctx/>
                </div>
                <div class="fr-col-12 fr-col-lg-4">
                    <completion::CompletionPanel ctx/>
                    <controls::ControlsPanel ctx/>
                    <review::ReviewPanel ctx/>
                </div>
            </div>
            <span data-testid="form-ready" hidden=true></span>
        </div>
    }
}
