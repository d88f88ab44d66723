//! `/cpom/:id`: a contract with its perimeter, action sheets, objectives (status, chart of actual vs
//! target), committees and the alerts on the forms' CPOM items; and the forms of what the user may
//! do on it ([`Rights`]), each reloading the contract once the API accepted it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{ContractDetail, FollowUp, ObjectiveFollowUp};

use super::chart::objective_chart;
use super::contract_ctx::ContractCtx;
use super::{Rights, contract_actions, objectives, sheets, state_label, status_badge, value};
use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::format;
use crate::session::use_session;

fn year(iso: &str) -> i32 {
    iso.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default()
}

/// The contract page.
#[component]
pub fn ContractPage() -> impl IntoView {
    let params = use_params_map();
    let loaded = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
        async move {
            let id = id.ok_or(UiError::Status(404))?;
            let (detail, follow) = futures::join!(api::cpom_contract(id), api::cpom_follow_up(id));
            Ok::<_, UiError>((detail?, follow?))
        }
    });
    let role = use_session().role();
    let reload = Callback::new(move |()| loaded.refetch());
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement du contrat…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((detail, follow)) => {
                        let c = &detail.contract;
                        let ctx = ContractCtx {
                            id: c.id,
                            version: c.version,
                            rights: Rights::of(role, c.state),
                            years: (year(&c.start_date), year(&c.end_date)),
                            organisation: StoredValue::new(c.organisation_finess.clone()),
                            members: StoredValue::new(
                                detail
                                    .perimeter
                                    .iter()
                                    .filter(|m| m.left_on.is_none())
                                    .map(|m| (m.finess.clone(), m.name.clone()))
                                    .collect(),
                            ),
                            reload,
                        };
                        contract_view(detail, follow, ctx).into_any()
                    }
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

fn contract_view(detail: ContractDetail, follow: FollowUp, ctx: ContractCtx) -> impl IntoView {
    let rights = ctx.rights;
    let manage = rights.edit_sheets() || rights.report_values();
    let actions = contract_actions::actions(&detail.contract, ctx);
    let c = detail.contract;
    view! {
        <p><a class="fr-link" href="/cpom">"Retour aux contrats"</a></p>
        <h1 data-testid="contract-title">{c.title.clone()}</h1>
        <p class="fr-text--lead">
            {format!("{} — du {} au {}", c.organisation_name, format::date(&c.start_date), format::date(&c.end_date))}
            " " <span class="fr-badge fr-badge--info" data-testid="contract-state">{state_label(c.state)}</span>
        </p>
        {actions}
        {(!detail.alerts.is_empty()).then(|| view! {
            <div class="fr-alert fr-alert--warning fr-mb-3w" data-testid="cpom-alerts">
                <h2 class="fr-alert__title">"Incohérences avec les formulaires"</h2>
                <ul>
                    {detail.alerts.iter().map(|a| view! {
                        <li>{format!(
                            "Campagne {}, structure {} : « {} » vaut {} dans le formulaire, {} d'après les contrats.",
                            a.year, a.finess, a.item, format::quoted(&a.form_value), format::quoted(&a.contract_value)
                        )}</li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <h2>"Périmètre"</h2>
        <div class="fr-table" data-testid="perimeter">
            <table>
                <caption>{format!("Structures couvertes ({})", detail.perimeter.len())}</caption>
                <thead><tr>
                    <th scope="col">"FINESS"</th><th scope="col">"Structure"</th>
                    <th scope="col">"Entrée"</th><th scope="col">"Sortie"</th>
                </tr></thead>
                <tbody>
                    {detail.perimeter.iter().map(|m| view! {
                        <tr>
                            <td>{m.finess.clone()}</td>
                            <td>{m.name.clone()}</td>
                            <td>{format::date(&m.joined_on)}{m.amendment_id.map(|_| " (avenant)")}</td>
                            <td>{m.left_on.as_deref().map(format::date).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!detail.amendments.is_empty()).then(|| view! {
            <h2>"Avenants"</h2>
            <ul data-testid="amendments">
                {detail.amendments.iter().map(|a| view! {
                    <li>{format!("{} — {}", format::date(&a.signed_on), a.object)}</li>
                }).collect_view()}
            </ul>
        })}
        <h2>"Fiches actions"</h2>
        {detail.action_sheets.iter().map(|sheet| {
            let objectives: Vec<ObjectiveFollowUp> = follow
                .objectives
                .iter()
                .filter(|o| o.objective.action_sheet_id == sheet.id)
                .cloned()
                .collect();
            view! {
                <section class="fr-mb-4w" data-testid="action-sheet">
                    <h3>{format!("{} — {}", sheet.theme_label, sheet.title)}</h3>
                    {sheet.owner.clone().map(|o| view! { <p>{format!("Pilote : {o}")}</p> })}
                    {sheet.deadline.as_deref().map(|d| view! { <p>{format!("Échéance : {}", format::date(d))}</p> })}
                    {sheet.actions.clone().map(|a| view! { <p class="fr-text--sm">{a}</p> })}
                    {rights.edit_sheets().then(|| sheets::sheet_tools(sheet, ctx))}
                    <div class="fr-table">
                        <table>
                            <thead><tr>
                                <th scope="col">"Objectif"</th>
                                <th scope="col">"Indicateur"</th>
                                <th scope="col">"Référence"</th>
                                <th scope="col">"Cible"</th>
                                <th scope="col">"Statut"</th>
                                <th scope="col">"Réalisé et cible"</th>
                                {manage.then(|| view! { <th scope="col">"Actions"</th> })}
                            </tr></thead>
                            <tbody>
                                {objectives.iter().map(|o| objective_row(o, manage.then_some(ctx))).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {rights.edit_sheets().then(|| objectives::add_objective(sheet.id, ctx))}
                </section>
            }
        }).collect_view()}
        {rights.edit_sheets().then(|| sheets::add_sheet(ctx))}
        <h2>"Comités de suivi"</h2>
        <ul data-testid="committees">
            {detail.committees.iter().map(|k| {
                let kind = match k.kind {
                    tdb_domain::contract::CommitteeKind::MiParcours => "Comité à mi-parcours",
                    tdb_domain::contract::CommitteeKind::BilanFinal => "Comité de bilan final",
                    tdb_domain::contract::CommitteeKind::Supplementaire => "Comité supplémentaire",
                };
                let when = match &k.held_on {
                    Some(day) => format!("tenu le {}", format::date(day)),
                    None => format!("prévu le {}", format::date(&k.scheduled_on)),
                };
                // Planned before today and never recorded: flagged.
                let late = k.late.then(|| view! {
                    " "<span class="fr-badge fr-badge--sm fr-badge--warning" data-testid="committee-late">"En retard"</span>
                });
                view! {
                    <li><a href=format!("/cpom/comites/{}", k.id)>
                        {format!("{kind} (année {}) — {when}", k.contract_year)}
                    </a>{late}</li>
                }
            }).collect_view()}
        </ul>
        {rights.committees().then(|| contract_actions::plan_committee(ctx))}
    }
}

fn objective_row(follow: &ObjectiveFollowUp, manage: Option<ContractCtx>) -> impl IntoView + use<> {
    let o = &follow.objective;
    let unit = o.unit.clone();
    let (label, class) = status_badge(follow.status);
    let reason = follow
        .points
        .iter()
        .rev()
        .find(|p| p.status == follow.status)
        .and_then(|p| p.reason.clone());
    let baseline = match (o.baseline_year, o.baseline_value) {
        (Some(year), Some(v)) => format!("{} ({year})", value(unit.as_deref(), v)),
        _ => "—".to_owned(),
    };
    let scope = o
        .structure_finess
        .as_ref()
        .map_or_else(|| "périmètre".to_owned(), |f| format!("structure {f}"));
    view! {
        <tr data-testid="objective">
            <td>{o.label.clone()}</td>
            <td>{format!("{} ({scope})", o.indicator_label)}</td>
            <td>{baseline}</td>
            <td>{format!("{} en {}", value(unit.as_deref(), o.target_value), o.target_year)}</td>
            <td>
                <span class=class data-testid="objective-status">{label}</span>
                {reason.map(|r| view! { <p class="fr-text--sm">{r}</p> })}
            </td>
            <td>{objective_chart(follow)}</td>
            {manage.map(|ctx| view! { <td>{objectives::objective_tools(o, ctx)}</td> })}
        </tr>
    }
}
