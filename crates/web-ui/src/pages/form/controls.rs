//! The controls panel: failing blocking controls, failing alerts with their justification box.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{ControlResult, ControlStatus, Severity};

use super::state::{FlashKind, FormCtx};
use crate::api;

/// Failing controls of the entries being typed.
#[component]
pub fn ControlsPanel(ctx: FormCtx) -> impl IntoView {
    let failing = move |severity: Severity| {
        ctx.live.with(|l| {
            l.as_ref().map_or_else(Vec::new, |l| {
                l.result
                    .controls
                    .iter()
                    .filter(|c| {
                        c.severity == severity
                            && c.status == ControlStatus::Evaluated
                            && c.passed == Some(false)
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <section class="fr-p-2w fr-mb-3w tdb-panel" aria-labelledby="controles-titre" data-testid="controls">
            <h2 class="fr-h5" id="controles-titre">"Contrôles de cohérence"</h2>
            <div aria-live="polite">
                {move || {
                    let blocking = failing(Severity::Bloquant);
                    let alerts = failing(Severity::Alerte);
                    if blocking.is_empty() && alerts.is_empty() {
                        return view! { <p class="fr-text--sm">"Aucun contrôle en échec."</p> }.into_any();
                    }
                    view! {
                        {blocking.into_iter().map(|c| view! {
                            <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-1w" data-testid="blocking">
                                <p><span class="fr-text--bold">"Bloquant : "</span>{c.message}</p>
                            </div>
                        }).collect_view()}
                        {alerts.into_iter().map(|c| view! { <Alert ctx control=c/> }).collect_view()}
                    }.into_any()
                }}
            </div>
        </section>
    }
}

/// The justification key of a control entry.
fn key_of(control: &ControlResult) -> String {
    match &control.indicator {
        Some(indicator) => format!("{}.{indicator}", control.code),
        None => control.code.clone(),
    }
}

#[component]
fn Alert(ctx: FormCtx, control: ControlResult) -> impl IntoView {
    let key = key_of(&control);
    let existing = ctx
        .doc
        .with_untracked(|d| d.justifications.get(&key).map(|j| j.text.clone()));
    let justified = existing.is_some();
    let text = RwSignal::new(existing.unwrap_or_default());
    let id = format!("justification-{key}");
    let save_key = key.clone();
    let save = move |_| {
        let key = save_key.clone();
        let finess = ctx.finess.get_value();
        spawn_local(async move {
            match api::justify(ctx.year, &finess, &key, text.get_untracked()).await {
                Ok(doc) => {
                    ctx.replace(doc, false);
                    ctx.say(FlashKind::Success, "Justification enregistrée.");
                }
                Err(e) => ctx.say(FlashKind::Error, e.message()),
            }
        });
    };
    view! {
        <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-1w" data-testid="alert" data-key=key.clone()>
            <p><span class="fr-text--bold">"Alerte : "</span>{control.message}</p>
            <p class="fr-text--sm">{if justified { "Justifiée." } else { "À justifier avant la soumission." }}</p>
            <Show when=move || ctx.writable()>
                <div class="fr-input-group">
                    <label class="fr-label" for=id.clone()>
                        "Justification"
                        <span class="fr-hint-text">"10 caractères au moins"</span>
                    </label>
                    <textarea class="fr-input" id=id.clone() rows="2"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary fr-mt-1w" on:click=save.clone()>
                        "Enregistrer la justification"
                    </button>
                </div>
            </Show>
        </div>
    }
}
