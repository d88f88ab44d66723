//! The DSFR footer.

use leptos::prelude::*;

/// Footer of every page.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="fr-footer" role="contentinfo">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">
                            "tdb — plateforme libre du tableau de bord de la performance dans le secteur médico-social."
                        </p>
                        <ul class="fr-footer__content-list">
                            <li class="fr-footer__content-item">
                                <a class="fr-footer__content-link" href="/api/docs/">"Documentation de l'API"</a>
                            </li>
                        </ul>
                    </div>
                </div>
            </div>
        </footer>
    }
}
