//! Page shown for an unknown client route.

use leptos::prelude::*;

/// "Page introuvable".
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <h1>"Page introuvable"</h1>
        <p class="fr-text--lead">"La page que vous cherchez n'existe pas ou a été déplacée."</p>
        <a class="fr-btn" href="/">"Retour à l'accueil"</a>
    }
}
