//! Invitations: « Inviter une personne » (`POST /api/v1/users`), « Inviter depuis un fichier CSV »
//! (`POST /api/v1/users/invitations`, with « Vérifier sans envoyer »), and the role and scope fields
//! they share with the « Modifier » form of an account.

use leptos::html;
use leptos::prelude::*;
use tdb_domain::contract::{InvitationReport, Role};

use super::rules::{self, ScopeInput};
use super::success;
use crate::api;
use crate::labels;
use crate::pages::cpom::form::{self, Submit};

/// The role select and the scope field of the chosen role.
#[derive(Debug, Clone, Copy)]
pub struct ScopeFields {
    role: RwSignal<String>,
    structures: RwSignal<String>,
    organisation: RwSignal<String>,
    region: RwSignal<String>,
    department: RwSignal<String>,
}

impl ScopeFields {
    /// Fields filled with `role` and `scope`.
    pub fn new(role: Role, scope: ScopeInput) -> Self {
        Self {
            role: RwSignal::new(rules::role_code(role).to_owned()),
            structures: RwSignal::new(scope.structures),
            organisation: RwSignal::new(scope.organisation),
            region: RwSignal::new(scope.region),
            department: RwSignal::new(scope.department),
        }
    }

    /// The chosen role.
    pub fn role(self) -> Role {
        rules::role_of(&self.role.get_untracked()).unwrap_or(Role::Esms)
    }

    /// The scope fields as typed.
    pub fn input(self) -> ScopeInput {
        ScopeInput {
            structures: self.structures.get_untracked(),
            organisation: self.organisation.get_untracked(),
            region: self.region.get_untracked(),
            department: self.department.get_untracked(),
        }
    }

    /// The select over `roles`, then the field the chosen role needs.
    pub fn view(self, roles: &'static [Role]) -> AnyView {
        let options = roles
            .iter()
            .map(|r| {
                (
                    rules::role_code(*r).to_owned(),
                    labels::account_role(*r).to_owned(),
                )
            })
            .collect();
        view! {
            {form::select("role", "Rôle", options, self.role)}
            {move || match rules::role_of(&self.role.get()) {
                Some(Role::Esms) => form::text_area("structures",
                    "Structures : numéros FINESS d'établissement, séparés par des espaces ou des virgules",
                    self.structures),
                Some(Role::Og) => form::input("organisation_finess", "FINESS de l'organisme gestionnaire", "text",
                    self.organisation),
                Some(Role::Ars) => form::input("region_code", "Région : code INSEE, par exemple 32", "text",
                    self.region),
                Some(Role::Cd) => form::input("department_code", "Département : code, par exemple 59 ou 2A", "text",
                    self.department),
                _ => ().into_any(),
            }}
        }
        .into_any()
    }
}

/// « Inviter une personne »: `invited` runs once the server accepted the invitation.
pub fn invite_form(roles: &'static [Role], invited: Callback<()>) -> AnyView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let scope = ScopeFields::new(
        roles.first().copied().unwrap_or(Role::Esms),
        ScopeInput::default(),
    );
    let submit = Submit::new();
    let sent = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(None);
        let body = scope
            .input()
            .invite(&email.get_untracked(), &name.get_untracked(), scope.role());
        submit.run(async move { api::invite(&body).await }, move |account| {
            sent.set(Some(format!("Invitation envoyée à {}.", account.email)));
            email.set(String::new());
            name.set(String::new());
            invited.run(());
        });
    };
    view! {
        <form on:submit=on_submit data-testid="invite-form">
            {form::input("email", "Adresse électronique", "email", email)}
            {form::input("display_name", "Nom affiché (facultatif : par défaut, la partie de l'adresse avant @)",
                "text", name)}
            {scope.view(roles)}
            {form::problem(submit)}
            {success(sent)}
            {form::submit_button("Envoyer l'invitation", submit)}
        </form>
    }
    .into_any()
}

/// « 1 ligne lue », « 3 lignes lues ».
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// What a bulk invitation did, then its refused lines.
fn report_view(report: InvitationReport) -> AnyView {
    let lines = count(report.lines, "ligne lue", "lignes lues");
    let refused = count(report.rejected.len() as u64, "ligne refusée", "lignes refusées");
    let summary = if report.dry_run {
        let invited = count(
            report.invited,
            "invitation serait envoyée",
            "invitations seraient envoyées",
        );
        format!("Vérification sans envoi : {lines}, {invited}, {refused}.")
    } else {
        let invited = count(report.invited, "invitation envoyée", "invitations envoyées");
        format!("{lines}, {invited}, {refused}.")
    };
    let class = if report.rejected.is_empty() {
        "fr-alert fr-alert--success fr-alert--sm fr-my-2w"
    } else {
        "fr-alert fr-alert--warning fr-alert--sm fr-my-2w"
    };
    view! {
        <div class=class role="status" data-testid="csv-report"><p>{summary}</p></div>
        {(!report.rejected.is_empty()).then(|| view! {
            <div class="fr-table" data-testid="csv-rejected">
                <table>
                    <caption>"Lignes refusées"</caption>
                    <thead><tr>
                        <th scope="col">"Ligne"</th>
                        <th scope="col">"Adresse électronique"</th>
                        <th scope="col">"Motif"</th>
                    </tr></thead>
                    <tbody>
                        {report.rejected.into_iter().map(|r| view! {
                            <tr><td>{r.line}</td><td>{r.email.unwrap_or_default()}</td><td>{r.detail}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
    .into_any()
}

/// « Inviter depuis un fichier CSV »: the file is sent as it is; `invited` runs after a real import.
pub fn csv_form(invited: Callback<()>) -> AnyView {
    let file = NodeRef::<html::Input>::new();
    let dry_run = RwSignal::new(true);
    let submit = Submit::new();
    let report = RwSignal::new(None::<InvitationReport>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        report.set(None);
        let chosen = file
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(chosen) = chosen else {
            submit.refuse("/file", "Choisissez un fichier CSV.");
            return;
        };
        submit.run(
            api::invite_csv(chosen.into(), dry_run.get_untracked()),
            move |answer| {
                if !answer.dry_run && answer.invited > 0 {
                    invited.run(());
                }
                report.set(Some(answer));
            },
        );
    };
    view! {
        <form on:submit=on_submit data-testid="csv-form">
            <div class="fr-upload-group fr-mb-2w">
                <label class="fr-label" for="invitations-csv">
                    "Fichier CSV"
                    <span class="fr-hint-text">
                        "Une ligne par personne : adresse;FINESS ou adresse;FINESS;rôle (esms ou og). \
                         Séparateur point-virgule, encodage UTF-8 ou Latin-1, ligne d'en-tête facultative."
                    </span>
                </label>
                <input class="fr-upload" type="file" id="invitations-csv" name="file" accept=".csv,text/csv"
                    node_ref=file/>
            </div>
            {form::check("dry_run", "Vérifier sans envoyer", dry_run)}
            {form::problem(submit)}
            <div aria-live="polite">{move || report.get().map(report_view)}</div>
            <button class="fr-btn" type="submit" disabled=move || submit.busy.get()>
                {move || if dry_run.get() { "Vérifier le fichier" } else { "Envoyer les invitations" }}
            </button>
        </form>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(1, "ligne lue", "lignes lues"), "1 ligne lue");
        assert_eq!(count(0, "ligne lue", "lignes lues"), "0 ligne lue");
        assert_eq!(count(3, "ligne lue", "lignes lues"), "3 lignes lues");
    }
}
