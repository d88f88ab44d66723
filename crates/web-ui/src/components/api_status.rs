//! A visible, announced status of the API and its database.

use leptos::prelude::*;
use tdb_domain::contract::{DatabaseBackend, Health};

use crate::api;

/// Shows whether the API answers, on which database, and its version.
#[component]
pub fn ApiStatus() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <div role="status" aria-live="polite" data-testid="api-status">
            <Transition fallback=|| view! { <p class="fr-badge fr-badge--info tdb-sentence">"Connexion à l'API…"</p> }>
                {move || Suspend::new(async move {
                    match health.await {
                        Ok(health) => view! {
                            <p class="fr-badge fr-badge--success tdb-sentence">{available_label(&health)}</p>
                        }.into_any(),
                        Err(error) => view! {
                            <p class="fr-badge fr-badge--error tdb-sentence" title=error.message()>"API indisponible"</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// French label of a healthy API.
pub fn available_label(health: &Health) -> String {
    let database = match health.database {
        DatabaseBackend::Sqlite => "SQLite",
        DatabaseBackend::Postgres => "PostgreSQL",
    };
    format!("API disponible — base {database} — version {}", health.version)
}
