//! The history of one item, from the form's audit log (`GET …/form/history?item=`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::AuditEntry;

use super::state::FormCtx;
use crate::api;
use crate::format;
use crate::live::entry_text;

/// A toggle that loads and lists the changes of an item, newest first.
#[component]
pub fn ItemHistory(ctx: FormCtx, code: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let entries = RwSignal::new(None::<Result<Vec<AuditEntry>, String>>);
    let panel = format!("historique-{code}");
    let toggle = move |_| {
        let now_open = !open.get_untracked();
        open.set(now_open);
        if now_open {
            let code = code.clone();
            let finess = ctx.finess.get_value();
            spawn_local(async move {
                let answer = api::item_history(ctx.year, &finess, &code)
                    .await
                    .map(|page| page.items)
                    .map_err(|e| e.message());
                entries.set(Some(answer));
            });
        }
    };
    view! {
        <button type="button" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm"
            aria-expanded=move || open.get().to_string() aria-controls=panel.clone() on:click=toggle>
            "Historique"
        </button>
        <div id=panel hidden=move || !open.get() aria-live="polite">
            {move || match entries.get() {
                None => view! { <p class="fr-text--sm">"Chargement de l'historique…"</p> }.into_any(),
                Some(Err(message)) => view! { <p class="fr-error-text">{message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="fr-text--sm">"Aucune modification enregistrée."</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="fr-text--sm" data-testid="history">
                        {list.into_iter().map(|e| view! { <li>{describe(&e)}</li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}

fn describe(entry: &AuditEntry) -> String {
    let value = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(entry_text)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "vide".to_owned())
    };
    let what = match entry.action.as_str() {
        "value_set" => format!("valeur {} → {}", value(&entry.old_value), value(&entry.new_value)),
        "value_cleared" => format!("valeur {} effacée", value(&entry.old_value)),
        other => other.replace('_', " "),
    };
    let channel = match entry.channel.as_str() {
        "web" => "application",
        "import" => "import",
        "api" => "interface de programmation",
        _ => "système",
    };
    format!(
        "{} — {} ({channel}) : {what}",
        format::date_time(&entry.at),
        entry.actor
    )
}
