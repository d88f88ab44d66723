//! « Utilisateurs »: the accounts in the caller's reach (`GET /api/v1/users`, filtered and paged), what
//! may be done on each (« Modifier », « Désactiver » after confirmation, « Réactiver », « Renvoyer
//! l'invitation »), and the invitation forms.

use leptos::prelude::*;
use tdb_domain::contract::{AccountStatus, Page, Role, UserAccount, UserUpdate};

use super::invite::{ScopeFields, csv_form, invite_form};
use super::rules::{self, ScopeInput, UserFilter};
use super::{RequireRole, confirmed, success};
use crate::api;
use crate::components::alert::error_alert;
use crate::components::pager::pager;
use crate::format;
use crate::labels;
use crate::pages::cpom::form::{self, Submit};
use crate::session::use_session;

/// `/utilisateurs`.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! { <RequireRole allowed=rules::manages_accounts><Users/></RequireRole> }
}

/// What the rows of the list share.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    roles: &'static [Role],
    filter: RwSignal<UserFilter>,
    notice: RwSignal<Option<String>>,
    editing: RwSignal<Option<String>>,
    reload: Callback<()>,
}

#[component]
fn Users() -> impl IntoView {
    let roles = use_session().role().map_or(&[][..], rules::invitable_roles);
    let version = RwSignal::new(0_u32);
    let ctx = Ctx {
        roles,
        filter: RwSignal::new(UserFilter {
            page: 1,
            ..UserFilter::default()
        }),
        notice: RwSignal::new(None),
        editing: RwSignal::new(None),
        reload: Callback::new(move |()| version.update(|v| *v += 1)),
    };
    let list = LocalResource::new(move || {
        version.track();
        let query = ctx.filter.with(UserFilter::query);
        async move { api::users(&query).await }
    });
    view! {
        <h1>"Utilisateurs"</h1>
        <section aria-labelledby="comptes" data-testid="users-page">
            <h2 id="comptes" class="fr-h4">"Comptes"</h2>
            {filters(ctx)}
            {success(ctx.notice)}
            <Transition fallback=|| view! { <p role="status">"Chargement des comptes…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(page) => table(page, ctx),
                        Err(error) => error_alert(&error).into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="fr-mt-4w" aria-labelledby="inviter">
            <h2 id="inviter" class="fr-h4">"Inviter une personne"</h2>
            {invite_form(roles, ctx.reload)}
        </section>
        <section class="fr-mt-4w" aria-labelledby="inviter-csv">
            <h2 id="inviter-csv" class="fr-h4">"Inviter depuis un fichier CSV"</h2>
            {csv_form(ctx.reload)}
        </section>
    }
}

fn filters(ctx: Ctx) -> AnyView {
    let (q, role, status) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let all = |label: &str| (String::new(), label.to_owned());
    let roles = std::iter::once(all("Tous les rôles"))
        .chain(ctx.roles.iter().map(|r| {
            (
                rules::role_code(*r).to_owned(),
                labels::account_role(*r).to_owned(),
            )
        }))
        .collect();
    let statuses = std::iter::once(all("Tous les statuts"))
        .chain(
            [
                AccountStatus::Invited,
                AccountStatus::Active,
                AccountStatus::Deactivated,
            ]
            .map(|s| {
                (
                    rules::status_code(s).to_owned(),
                    labels::account_status(s).to_owned(),
                )
            }),
        )
        .collect();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.filter.set(UserFilter {
            q: q.get_untracked(),
            role: role.get_untracked(),
            status: status.get_untracked(),
            page: 1,
        });
    };
    view! {
        <form role="search" aria-label="Filtrer les comptes" on:submit=on_submit data-testid="user-filters"
            class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-2w">
            <div class="fr-col-12 fr-col-md-4">{form::input("q", "Rechercher (adresse ou nom)", "text", q)}</div>
            <div class="fr-col-12 fr-col-md-3">{form::select("role", "Rôle", roles, role)}</div>
            <div class="fr-col-12 fr-col-md-3">{form::select("status", "Statut", statuses, status)}</div>
            <div class="fr-col-12 fr-col-md-2"><button class="fr-btn" type="submit">"Filtrer"</button></div>
        </form>
    }
    .into_any()
}

fn table(page: Page<UserAccount>, ctx: Ctx) -> AnyView {
    if page.items.is_empty() {
        return view! { <p data-testid="no-users">"Aucun compte ne correspond à ces filtres."</p> }
            .into_any();
    }
    view! {
        <div class="fr-table" data-testid="users">
            <table>
                <caption>{format!("Comptes ({} au total)", page.meta.total)}</caption>
                <thead><tr>
                    <th scope="col">"Nom"</th>
                    <th scope="col">"Adresse électronique"</th>
                    <th scope="col">"Rôle"</th>
                    <th scope="col">"Périmètre"</th>
                    <th scope="col">"Statut"</th>
                    <th scope="col">"Créé le"</th>
                    <th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{page.items.into_iter().map(|account| row(account, ctx)).collect_view()}</tbody>
            </table>
        </div>
        {pager(page.meta, "Pagination des comptes", Callback::new(move |to| ctx.filter.update(|f| f.page = to)))}
    }
    .into_any()
}

fn row(account: UserAccount, ctx: Ctx) -> AnyView {
    let editing = {
        let account = account.clone();
        move || {
            ctx.editing
                .with(|e| e.as_ref() == Some(&account.email))
                .then(|| view! { <tr><td colspan="7">{edit_form(&account, ctx)}</td></tr> })
        }
    };
    let expiry = account
        .invitation_expires_at
        .as_deref()
        .map(|at| format!("Lien valable jusqu'au {}", format::date(at)));
    view! {
        <tr data-testid="user-row">
            <th scope="row">{account.display_name.clone()}</th>
            <td>{account.email.clone()}</td>
            <td>{labels::account_role(account.role)}</td>
            <td>{rules::scope_text(&account)}</td>
            <td>
                <p class=labels::account_status_badge(account.status)>{labels::account_status(account.status)}</p>
                {expiry.map(|text| view! { <p class="fr-text--xs fr-mb-0">{text}</p> })}
            </td>
            <td>{format::date(&account.created_at)}</td>
            <td>{actions(&account, ctx)}</td>
        </tr>
        {editing}
    }
    .into_any()
}

fn actions(account: &UserAccount, ctx: Ctx) -> AnyView {
    let email = StoredValue::new(account.email.clone());
    let submit = Submit::new();
    let done = move |message: &'static str| {
        move |account: UserAccount| {
            ctx.notice.set(Some(format!("{message} {}.", account.email)));
            ctx.reload.run(());
        }
    };
    let set_active = move |active: bool| {
        let body = UserUpdate {
            active: Some(active),
            ..UserUpdate::default()
        };
        let message = if active {
            "Compte réactivé :"
        } else {
            "Compte désactivé :"
        };
        submit.run(
            async move { api::update_user(&email.get_value(), &body).await },
            done(message),
        );
    };
    let toggle = if account.status == AccountStatus::Deactivated {
        view! {
            <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" data-testid="reactivate"
                disabled=move || submit.busy.get() on:click=move |_| set_active(true)>"Réactiver"</button>
        }
        .into_any()
    } else {
        confirmed(
            "Désactiver",
            format!(
                "Désactiver le compte de {} ? Ses sessions seront fermées.",
                account.email
            ),
            "deactivate",
            submit,
            Callback::new(move |()| set_active(false)),
        )
    };
    let resend = (account.status == AccountStatus::Invited).then(|| {
        view! {
            <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" data-testid="resend"
                disabled=move || submit.busy.get()
                on:click=move |_| submit.run(
                    async move { api::resend_invitation(&email.get_value()).await },
                    done("Invitation renvoyée à"),
                )>"Renvoyer l'invitation"</button>
        }
    });
    view! {
        <div class="tdb-actions">
            <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary" data-testid="edit"
                aria-expanded=move || ctx.editing.with(|e| e.as_ref() == Some(&email.get_value())).to_string()
                on:click=move |_| ctx.editing.update(|e| {
                    let this = email.get_value();
                    *e = if e.as_ref() == Some(&this) { None } else { Some(this) };
                })>"Modifier"</button>
            {toggle}
            {resend}
        </div>
        {form::problem(submit)}
    }
    .into_any()
}

fn edit_form(account: &UserAccount, ctx: Ctx) -> AnyView {
    let name = RwSignal::new(account.display_name.clone());
    let scope = ScopeFields::new(account.role, ScopeInput::of(account));
    let submit = Submit::new();
    let email = StoredValue::new(account.email.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = scope.input().update(&name.get_untracked(), scope.role());
        submit.run(
            async move { api::update_user(&email.get_value(), &body).await },
            move |account| {
                ctx.editing.set(None);
                ctx.notice
                    .set(Some(format!("Compte de {} modifié.", account.email)));
                ctx.reload.run(());
            },
        );
    };
    view! {
        <form on:submit=on_submit data-testid="edit-user-form"
            aria-label=format!("Modifier le compte de {}", account.email)>
            {form::input("display_name", "Nom affiché", "text", name)}
            {scope.view(ctx.roles)}
            {form::problem(submit)}
            <div class="tdb-actions">
                {form::submit_button("Enregistrer", submit)}
                <button type="button" class="fr-btn fr-btn--tertiary" on:click=move |_| ctx.editing.set(None)>
                    "Annuler"
                </button>
            </div>
        </form>
    }
    .into_any()
}
