//! The DSFR header with the service name, the signed-in user and the logout button.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::labels;
use crate::session::use_session;

/// Header of every page.
#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = move |_| {
        session.sign_out();
        navigate("/", Default::default());
    };
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
                        <div class="fr-header__tools">
                            <div class="fr-header__tools-links">
                                {move || session.user.get().map(|user| view! {
                                    <ul class="fr-btns-group">
                                        <li>
                                            <a class="fr-btn" href="/cpom" data-testid="nav-cpom">"CPOM"</a>
                                        </li>
                                        <li>
                                            <span class="fr-btn" data-testid="current-user">
                                                {format!("{} — {}", user.display_name, labels::role(user.role))}
                                            </span>
                                        </li>
                                        <li>
                                            <button class="fr-btn" type="button"
                                                data-testid="logout"
                                                on:click=sign_out.clone()>
                                                "Se déconnecter"
                                            </button>
                                        </li>
                                    </ul>
                                })}
                            </div>
                        </div>
                    </div>
                </div>
            </div>
        </header>
    }
}
