//! Home page: API status and the regions fetched from the API.

use leptos::prelude::*;

use crate::api;
use crate::components::{api_status::ApiStatus, region_table::RegionTable};

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let regions = LocalResource::new(api::regions);
    view! {
        <h1>"Tableau de bord de la performance — ESMS"</h1>
        <ApiStatus/>
        <h2 class="fr-mt-4w">"Territoires"</h2>
        <Transition fallback=|| view! { <p>"Chargement des régions…"</p> }>
            {move || Suspend::new(async move {
                match regions.await {
                    Ok(page) => view! { <RegionTable regions=page.items/> }.into_any(),
                    Err(error) => view! {
                        <div class="fr-alert fr-alert--error" role="alert">
                            <p>{error.message()}</p>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
