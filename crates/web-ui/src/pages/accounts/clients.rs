//! « Clients API » (national): the partner clients (`GET /api/v1/clients`), their creation, the
//! renewal of a secret (after confirmation) and their revocation. A secret is shown once, in a box
//! with « Copier », right after a creation or a renewal.

use js_sys::{Function, Promise, Reflect};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{ApiClient, ApiClientCreate, ApiClientSecret, ApiClientUpdate};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{RequireRole, confirmed, rules, success};
use crate::api;
use crate::components::alert::error_alert;
use crate::format;
use crate::pages::cpom::form::{self, Submit};

/// `/clients-api`.
#[component]
pub fn ClientsPage() -> impl IntoView {
    view! { <RequireRole allowed=rules::manages_clients><Clients/></RequireRole> }
}

/// What the rows and the forms share.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    /// The secret just issued, shown once.
    secret: RwSignal<Option<ApiClientSecret>>,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
}

/// French label of a scope.
fn scope_label(scope: &str) -> String {
    match scope {
        "read" => "Lecture (read)".to_owned(),
        "prefill:write" => "Préremplissage (prefill:write)".to_owned(),
        "events:read" => "Flux d'événements (events:read)".to_owned(),
        other => other.to_owned(),
    }
}

#[component]
fn Clients() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let ctx = Ctx {
        secret: RwSignal::new(None),
        notice: RwSignal::new(None),
        reload: Callback::new(move |()| version.update(|v| *v += 1)),
    };
    let list = LocalResource::new(move || {
        version.track();
        api::clients()
    });
    view! {
        <h1>"Clients API"</h1>
        {move || ctx.secret.get().map(|issued| secret_box(issued, ctx.secret))}
        {success(ctx.notice)}
        <section aria-labelledby="clients" data-testid="clients-page">
            <h2 id="clients" class="fr-h4">"Clients partenaires"</h2>
            <Transition fallback=|| view! { <p role="status">"Chargement des clients…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(clients) => table(clients, ctx),
                        Err(error) => error_alert(&error).into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="fr-mt-4w" aria-labelledby="nouveau-client">
            <h2 id="nouveau-client" class="fr-h4">"Nouveau client"</h2>
            {create_form(ctx)}
        </section>
    }
}

/// Writes `text` to the clipboard (`navigator.clipboard.writeText`); `false` when the browser cannot
/// or refuses.
async fn copy(text: String) -> bool {
    let get = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name)).ok();
    let Some(clipboard) = get(&js_sys::global(), "navigator").and_then(|n| get(&n, "clipboard")) else {
        return false;
    };
    let written = get(&clipboard, "writeText")
        .and_then(|write| write.dyn_into::<Function>().ok())
        .and_then(|write| write.call1(&clipboard, &JsValue::from_str(&text)).ok())
        .and_then(|promise| promise.dyn_into::<Promise>().ok());
    match written {
        Some(promise) => JsFuture::from(promise).await.is_ok(),
        None => false,
    }
}

fn secret_box(issued: ApiClientSecret, shown: RwSignal<Option<ApiClientSecret>>) -> AnyView {
    let copied = RwSignal::new(None::<&'static str>);
    let secret = StoredValue::new(issued.client_secret);
    let previous = issued.client.previous_secret_expires_at.as_deref().map(|at| {
        format!(
            "L'ancien secret reste valable jusqu'au {}.",
            format::date_time(at)
        )
    });
    let title = NodeRef::<html::H2>::new();
    title.on_load(|title| {
        let _ = title.focus();
    });
    view! {
        <div class="fr-callout fr-callout--yellow-tournesol fr-mb-3w" data-testid="client-secret">
            <h2 class="fr-callout__title fr-h5" tabindex="-1" node_ref=title>{format!("Secret du client « {} »", issued.client.name)}</h2>
            <p class="fr-callout__text">
                "Identifiant : " <code>{issued.client.client_id}</code><br/>
                "Secret : " <code data-testid="secret-value">{secret.get_value()}</code>
            </p>
            <p class="fr-text--bold">"Ce secret ne sera plus affiché : copiez-le maintenant et conservez-le en lieu sûr."</p>
            {previous.map(|text| view! { <p>{text}</p> })}
            <div class="tdb-actions">
                <button type="button" class="fr-btn fr-btn--sm" data-testid="copy-secret"
                    on:click=move |_| spawn_local(async move {
                        copied.set(Some(if copy(secret.get_value()).await {
                            "Secret copié dans le presse-papiers."
                        } else {
                            "La copie a échoué : sélectionnez le secret et copiez-le."
                        }));
                    })>"Copier"</button>
                <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary"
                    on:click=move |_| shown.set(None)>"Masquer le secret"</button>
            </div>
            <p class="fr-text--sm fr-mb-0" role="status">{move || copied.get()}</p>
        </div>
    }
    .into_any()
}

fn table(clients: Vec<ApiClient>, ctx: Ctx) -> AnyView {
    if clients.is_empty() {
        return view! { <p>"Aucun client pour le moment."</p> }.into_any();
    }
    view! {
        <div class="fr-table" data-testid="clients">
            <table>
                <caption>"Clients partenaires"</caption>
                <thead><tr>
                    <th scope="col">"Nom"</th>
                    <th scope="col">"Identifiant"</th>
                    <th scope="col">"Droits"</th>
                    <th scope="col">"Source"</th>
                    <th scope="col">"État"</th>
                    <th scope="col">"Créé le"</th>
                    <th scope="col">"Dernière utilisation"</th>
                    <th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{clients.into_iter().map(|client| row(client, ctx)).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn row(client: ApiClient, ctx: Ctx) -> AnyView {
    let scopes = client
        .scopes
        .iter()
        .map(|s| scope_label(s))
        .collect::<Vec<_>>()
        .join(", ");
    let state = if client.active {
        view! { <p class="fr-badge fr-badge--sm fr-badge--success">"Actif"</p> }
    } else {
        view! { <p class="fr-badge fr-badge--sm fr-badge--error">"Révoqué"</p> }
    };
    let previous = client
        .previous_secret_expires_at
        .as_deref()
        .map(|at| format!("Ancien secret valable jusqu'au {}", format::date_time(at)));
    view! {
        <tr data-testid="client-row">
            <th scope="row">{client.name.clone()}</th>
            <td><code>{client.client_id.clone()}</code></td>
            <td>{scopes}</td>
            <td>{client.source.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td>{state}{previous.map(|text| view! { <p class="fr-text--xs fr-mb-0">{text}</p> })}</td>
            <td>{format::date(&client.created_at)}</td>
            <td>{client.last_used_at.as_deref().map_or_else(|| "Jamais".to_owned(), format::date_time)}</td>
            <td>{actions(&client, ctx)}</td>
        </tr>
    }
    .into_any()
}

fn actions(client: &ApiClient, ctx: Ctx) -> AnyView {
    let id = StoredValue::new(client.client_id.clone());
    let submit = Submit::new();
    let rotate = Callback::new(move |()| {
        submit.run(
            async move { api::rotate_secret(&id.get_value()).await },
            move |issued| {
                ctx.secret.set(Some(issued));
                ctx.reload.run(());
            },
        );
    });
    let set_active = move |active: bool| {
        let body = ApiClientUpdate {
            active: Some(active),
            ..ApiClientUpdate::default()
        };
        submit.run(
            async move { api::update_client(&id.get_value(), &body).await },
            move |client| {
                let what = if client.active { "rétabli" } else { "révoqué" };
                ctx.notice
                    .set(Some(format!("Client « {} » {what}.", client.name)));
                ctx.reload.run(());
            },
        );
    };
    let name = &client.name;
    let toggle = if client.active {
        confirmed(
            "Révoquer",
            format!("Révoquer « {name} » ? Il ne pourra plus obtenir de jeton."),
            "revoke",
            submit,
            Callback::new(move |()| set_active(false)),
        )
    } else {
        view! {
            <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" data-testid="restore"
                disabled=move || submit.busy.get() on:click=move |_| set_active(true)>"Rétablir"</button>
        }
        .into_any()
    };
    view! {
        <div class="tdb-actions">
            {confirmed(
                "Renouveler le secret",
                format!("Renouveler le secret de « {name} » ? L'ancien restera valable quelques heures (24 heures par défaut)."),
                "rotate",
                submit,
                rotate,
            )}
            {toggle}
        </div>
        {form::problem(submit)}
    }
    .into_any()
}

fn create_form(ctx: Ctx) -> AnyView {
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(vec!["read".to_owned()]);
    let source = RwSignal::new(String::new());
    let submit = Submit::new();
    let options = ["read", "prefill:write", "events:read"]
        .map(|s| (s.to_owned(), scope_label(s)))
        .to_vec();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ApiClientCreate {
            name: name.get_untracked().trim().to_owned(),
            scopes: scopes.get_untracked(),
            source: form::non_blank(source.get_untracked()),
        };
        submit.run(async move { api::create_client(&body).await }, move |issued| {
            name.set(String::new());
            source.set(String::new());
            ctx.secret.set(Some(issued));
            ctx.reload.run(());
        });
    };
    view! {
        <form on:submit=on_submit data-testid="client-form">
            {form::input("name", "Nom du client", "text", name)}
            {form::checks("scopes", "Droits", options, scopes)}
            {form::input("source", "Source des données préremplies (obligatoire avec prefill:write, par exemple cnsa)",
                "text", source)}
            {form::problem(submit)}
            {form::submit_button("Créer le client", submit)}
        </form>
    }
    .into_any()
}
