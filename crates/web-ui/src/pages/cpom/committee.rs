//! `/cpom/comites/:id`: a follow-up committee and its report (objectives per status, follow-up up to
//! the committee's year, minutes and decisions).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{CommitteeKind, CommitteeReport};

use super::{status_badge, value};
use crate::api::{self, UiError};
use crate::format;
use crate::pages::home::error_alert;

/// The committee page.
#[component]
pub fn CommitteePage() -> impl IntoView {
    let params = use_params_map();
    let report = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
        async move { api::cpom_committee_report(id.ok_or(UiError::Status(404))?).await }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement du rapport…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => report_view(report).into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

fn report_view(r: CommitteeReport) -> impl IntoView {
    let kind = match r.committee.kind {
        CommitteeKind::MiParcours => "Comité de suivi à mi-parcours",
        CommitteeKind::BilanFinal => "Comité de bilan final",
        CommitteeKind::Supplementaire => "Comité de suivi supplémentaire",
    };
    let when = match &r.committee.held_on {
        Some(day) => format!("tenu le {}", format::date(day)),
        None => format!("prévu le {}", format::date(&r.committee.scheduled_on)),
    };
    let years: Vec<i32> = r
        .follow_up
        .first()
        .map(|o| o.points.iter().map(|p| p.year).collect())
        .unwrap_or_default();
    view! {
        <p><a class="fr-link" href=format!("/cpom/{}", r.contract.id)>"Retour au contrat"</a></p>
        <h1>{format!("{kind} — {}", r.contract.title)}</h1>
        <p class="fr-text--lead">{format!("Année {} du contrat, {when}", r.committee.contract_year)}</p>
        <p>{if r.frozen { "Rapport figé à la tenue du comité." } else { "Rapport calculé à partir des dernières données." }}</p>
        <ul data-testid="report-counts">
            <li>{format!("Objectifs atteints : {}", r.counts.atteint)}</li>
            <li>{format!("En bonne voie : {}", r.counts.en_bonne_voie)}</li>
            <li>{format!("En retard : {}", r.counts.en_retard)}</li>
            <li>{format!("Non mesurables : {}", r.counts.non_mesurable)}</li>
        </ul>
        <div class="fr-table" data-testid="report-follow-up">
            <table>
                <caption>"Suivi des objectifs"</caption>
                <thead><tr>
                    <th scope="col">"Objectif"</th>
                    <th scope="col">"Cible"</th>
                    {years.iter().map(|y| view! { <th scope="col">{y.to_string()}</th> }).collect_view()}
                    <th scope="col">"Statut"</th>
                </tr></thead>
                <tbody>
                    {r.follow_up.iter().map(|o| {
                        let unit = o.objective.unit.clone();
                        let (label, class) = status_badge(o.status);
                        view! {
                            <tr>
                                <td>{o.objective.label.clone()}</td>
                                <td>{format!("{} en {}", value(unit.as_deref(), o.objective.target_value), o.objective.target_year)}</td>
                                {o.points.iter().map(|p| view! {
                                    <td>{p.actual.map_or_else(|| "—".to_owned(), |a| format!(
                                        "{}{}", value(unit.as_deref(), a), if p.provisoire { " (provisoire)" } else { "" }
                                    ))}</td>
                                }).collect_view()}
                                <td><span class=class>{label}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"Compte rendu"</h2>
        <p data-testid="minutes">{r.committee.minutes.clone().unwrap_or_else(|| "Pas encore consigné.".to_owned())}</p>
        <h2>"Décisions"</h2>
        <ul>
            {r.committee.decisions.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}
        </ul>
    }
}
