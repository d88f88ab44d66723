//! The DSFR header: its brand and service name are in `index.html` (painted before the app has
//! downloaded); the app adds the links of the signed-in user's role (« Utilisateurs », « Clients API »,
//! « Mon compte »), the user and the logout buttons (this browser, or every device of the person).

use leptos::portal::Portal;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::labels;
use crate::pages::accounts::rules;
use crate::session::use_session;

/// The id of the place in `index.html`'s header where the links go.
pub const LINKS_ID: &str = "tdb-liens";

/// The links of the signed-in person in the header of `index.html` (painted before the app loads, so
/// that the service's name shows at once: the app adds only what depends on the person).
#[component]
pub fn HeaderLinks() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = Callback::new(move |everywhere: bool| {
        session.sign_out(everywhere);
        navigate("/", Default::default());
    });
    // Where index.html keeps them (else at the end of the page, still reachable).
    let document = leptos::prelude::document();
    let place = document
        .get_element_by_id(LINKS_ID)
        .or_else(|| document.body().map(Into::into))?;
    Some(view! {
        <Portal mount=place>
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
                            on:click=move |_| sign_out.run(false)>
                            "Se déconnecter"
                        </button>
                    </li>
                    <li>
                        <button class="fr-btn" type="button"
                            data-testid="logout-all"
                            title="Se déconnecter de tous les appareils — ferme aussi vos sessions \
                                   ouvertes sur d'autres ordinateurs et navigateurs"
                            on:click=move |_| sign_out.run(true)>
                            "Se déconnecter de tous les appareils"
                        </button>
                    </li>
                </ul>
            })}
        </Portal>
    })
}

#[cfg(test)]
mod tests {
    use super::LINKS_ID;
    use crate::app::MAIN_ID;

    /// `index.html` paints the DSFR header (brand, service name) with the place of the links, the skip
    /// link to the `<main>` the app mounts in, and the footer.
    #[test]
    fn index_html_paints_the_header_the_links_go_into() {
        let html = include_str!("../../index.html");
        for expected in [
            "<header role=\"banner\" class=\"fr-header\">".to_owned(),
            "<p class=\"fr-logo\">République <br />Française</p>".to_owned(),
            "<p class=\"fr-header__service-title\">Tableau de bord de la performance — ESMS</p>".to_owned(),
            format!("<div class=\"fr-header__tools-links\" id=\"{LINKS_ID}\"></div>"),
            format!("<a class=\"fr-link\" href=\"#{MAIN_ID}\">Contenu</a>"),
            format!("<main id=\"{MAIN_ID}\" class=\"fr-container fr-my-6w\" tabindex=\"-1\" hidden>"),
            "<footer class=\"fr-footer\" role=\"contentinfo\">".to_owned(),
            "<a class=\"fr-footer__content-link\" href=\"/api/docs/\">Documentation de l'API</a>".to_owned(),
        ] {
            assert!(html.contains(&expected), "index.html lacks {expected}");
        }
    }
}
