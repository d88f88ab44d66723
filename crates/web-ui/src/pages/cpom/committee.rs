//! `/cpom/comites/:id`: a follow-up committee and its report (objectives per status, follow-up up to
//! the committee's year, minutes and decisions); « Télécharger le rapport (PDF) » (fetched with the
//! in-memory token, handed over as a file) and, for the signing authority, the record of the meeting
//! (`PUT /cpom/committees/{id}`, which freezes the report).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{CommitteeKind, CommitteeRecord, CommitteeReport};

use super::form::{self, FormDraft, Submit};
use super::{Rights, status_badge, value};
use crate::api::{self, UiError, Verb};
use crate::components::alert::error_alert;
use crate::download;
use crate::format;
use crate::session::use_session;

/// The committee page.
#[component]
pub fn CommitteePage() -> impl IntoView {
    let params = use_params_map();
    let report = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
        async move { api::cpom_committee_report(id.ok_or(UiError::Status(404))?).await }
    });
    let role = use_session().role();
    let reload = Callback::new(move |()| report.refetch());
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement du rapport…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => {
                        let record = (report.committee.held_on.is_none()
                            && Rights::of(role, report.contract.state).committees())
                        .then(|| record_form(report.committee.id, reload));
                        view! {
                            {report_view(report)}
                            {record}
                        }.into_any()
                    }
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

fn report_view(r: CommitteeReport) -> impl IntoView {
    let pdf = pdf_button(r.committee.id);
    let kind = match r.committee.kind {
        CommitteeKind::MiParcours => "Comité de suivi à mi-parcours",
        CommitteeKind::BilanFinal => "Comité de bilan final",
        CommitteeKind::Supplementaire => "Comité de suivi supplémentaire",
    };
    let when = match &r.committee.held_on {
        Some(day) => format!("tenu le {}", format::date(day)),
        None if r.committee.late => format!(
            "prévu le {}, en retard : aucune tenue enregistrée",
            format::date(&r.committee.scheduled_on)
        ),
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
        {pdf}
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

/// « Télécharger le rapport (PDF) ».
fn pdf_button(id: i64) -> AnyView {
    let status = RwSignal::new(None::<Result<(), UiError>>);
    let busy = RwSignal::new(false);
    let download = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = api::cpom_committee_pdf(id).await.and_then(|bytes| {
                if download::save(&bytes, &format!("rapport-comite-{id}.pdf"), download::PDF) {
                    Ok(())
                } else {
                    Err(UiError::Decode("blob".to_owned()))
                }
            });
            busy.set(false);
            status.set(Some(result));
        });
    };
    view! {
        <div class="fr-my-2w" data-testid="report-pdf-area">
            <button class="fr-btn fr-btn--secondary" type="button" data-testid="report-pdf"
                disabled=move || busy.get() on:click=download>
                "Télécharger le rapport (PDF)"
            </button>
            {move || status.get().map(|status| match status {
                Ok(()) => view! { <p role="status">"Le rapport PDF est téléchargé."</p> }.into_any(),
                Err(error) => error_alert(&error).into_any(),
            })}
        </div>
    }
    .into_any()
}

/// The record of the meeting: held on, minutes, decisions (one per line).
fn record_form(id: i64, reload: Callback<()>) -> AnyView {
    let held_on = form::date_field(&format::today());
    let minutes = RwSignal::new(String::new());
    let decisions = RwSignal::new(String::new());
    let draft = FormDraft::new(&format!("comite:{id}:compte-rendu"), 0);
    for (name, signal) in [
        ("held_on", held_on),
        ("minutes", minutes),
        ("decisions", decisions),
    ] {
        draft.field(name, signal);
    }
    draft.start();
    let submit = Submit::drafted(draft);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CommitteeRecord {
            held_on: form::iso(held_on),
            minutes: minutes.get_untracked(),
            decisions: decisions
                .get_untracked()
                .lines()
                .filter_map(|l| form::non_blank(l.to_owned()))
                .collect(),
        };
        submit.write(
            Verb::Put,
            format!("committees/{id}"),
            None,
            form::json(&body),
            Box::new(move |_| reload.run(())),
        );
    };
    view! {
        <section class="fr-mt-4w" aria-labelledby="record-title">
            <h2 id="record-title">"Consigner la tenue du comité"</h2>
            <p class="fr-text--sm">"Le rapport est figé à l'enregistrement."</p>
            <form on:submit=on_submit data-testid="record-form">
                {draft.notice()}
                {form::input("held_on", "Date de tenue", "date", held_on)}
                {form::text_area("minutes", "Compte rendu", minutes)}
                {form::text_area("decisions", "Décisions (une par ligne)", decisions)}
                {form::problem(submit)}
                {form::submit_button("Enregistrer le compte rendu", submit)}
            </form>
        </section>
    }
    .into_any()
}
