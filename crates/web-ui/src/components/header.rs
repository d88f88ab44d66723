//! The DSFR header with the service name, the links of the signed-in user's role (« Utilisateurs »,
//! « Clients API », « Mon compte »), the user and the logout buttons (this browser, or every device of
//! the person).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::labels;
use crate::pages::accounts::rules;
use crate::session::use_session;

/// Header of every page.
#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = move |everywhere: bool| {
        session.sign_out(everywhere);
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
                                        {rules::manages_accounts(user.role).then(|| view! {
                                            <li>
                                                <a class="fr-btn" href="/utilisateurs" data-testid="nav-users">
                                                    "Utilisateurs"
                                                </a>
                                            </li>
                                        })}
                                        {rules::manages_clients(user.role).then(|| view! {
                                            <li>
                                                <a class="fr-btn" href="/clients-api" data-testid="nav-clients">
                                                    "Clients API"
                                                </a>
                                            </li>
                                        })}
                                        <li>
                                            <a class="fr-btn" href="/mon-compte" data-testid="nav-account">"Mon compte"</a>
                                        </li>
                                        <li>
                                            <span class="fr-btn" data-testid="current-user">
                                                {format!("{} — {}", user.display_name, labels::role(user.role))}
                                            </span>
                                        </li>
                                        <li>
                                            <button class="fr-btn" type="button"
                                                data-testid="logout"
                                                on:click={let sign_out = sign_out.clone(); move |_| sign_out(false)}>
                                                "Se déconnecter"
                                            </button>
                                        </li>
                                        <li>
                                            <button class="fr-btn" type="button"
                                                data-testid="logout-all"
                                                title="Se déconnecter de tous les appareils — ferme aussi vos sessions \
                                                       ouvertes sur d'autres ordinateurs et navigateurs"
                                                on:click={let sign_out = sign_out.clone(); move |_| sign_out(true)}>
                                                "Se déconnecter de tous les appareils"
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
