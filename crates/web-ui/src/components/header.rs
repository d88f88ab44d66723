//! The DSFR header with the service name.

use leptos::prelude::*;

/// Header of every page.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header role="banner" class="fr-header">
            <div class="fr-header__body">
                <div class="fr-container">
                    <div class="fr-header__body-row">
                        <div class="fr-header__brand fr-enlarge-link">
                            <div class="fr-header__brand-top">
                                <div class="fr-header__logo">
                                    <p class="fr-logo">"République" <br/> "Française"</p>
                                </div>
                            </div>
                            <div class="fr-header__service">
                                <a href="/" title="Accueil — Tableau de bord de la performance — ESMS">
                                    <p class="fr-header__service-title">
                                        "Tableau de bord de la performance — ESMS"
                                    </p>
                                </a>
                                <p class="fr-header__service-tagline">
                                    "Établissements et services sociaux et médico-sociaux"
                                </p>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
        </header>
    }
}
