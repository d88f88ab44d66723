//! Home page « À faire »: what the signed-in user has to do in the open campaign.
//!
//! A structure or a managing body sees its forms (state, completion, deadline, open correction
//! requests); an ARS or CD officer sees the review queue (submitted forms still awaiting the validation
//! of its authority, most alerts first) and the progress of the campaign by department; a national user
//! sees the progress only (it validates nothing).

use leptos::prelude::*;
use tdb_domain::contract::{
    Campaign, CampaignPhase, CampaignProgress, CorrectionStatus, FormDocument, Role, SessionUser, Structure,
    StructureForm,
};

use crate::api::{self, UiError};
use crate::format;
use crate::labels;
use crate::session::use_session;

/// The home page of a signed-in user.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let campaign = LocalResource::new(open_campaign);
    view! {
        <h1>"À faire"</h1>
        <Transition fallback=|| view! { <p role="status">"Chargement de la campagne…"</p> }>
            {move || Suspend::new(async move {
                let user = session.user.get_untracked();
                match (campaign.await, user) {
                    (Ok(campaign), Some(user)) => view! { <Todo campaign user/> }.into_any(),
                    (Err(error), _) => error_alert(&error).into_any(),
                    (_, None) => ().into_any(),
                }
            })}
        </Transition>
    }
}

/// The campaign being collected or checked, else the latest one.
async fn open_campaign() -> Result<Campaign, UiError> {
    let campaigns = api::campaigns().await?.items;
    let open = campaigns
        .iter()
        .filter(|c| matches!(c.phase, CampaignPhase::Collecte | CampaignPhase::Fiabilisation))
        .max_by_key(|c| c.year)
        .or_else(|| campaigns.iter().max_by_key(|c| c.year));
    open.cloned().ok_or(UiError::Status(404))
}

#[component]
fn Todo(campaign: Campaign, user: SessionUser) -> impl IntoView {
    let deadline = campaign.dates.collecte_closes_on.clone().map(|day| {
        let left = format::days_until(&format::today(), &day)
            .map(|d| format!(" ({})", format::countdown(d)))
            .unwrap_or_default();
        format!("Date limite de saisie : {}{left}", format::date(&day))
    });
    let year = campaign.year;
    let phase = match campaign.phase {
        CampaignPhase::Preparation => "préparation",
        CampaignPhase::Collecte => "collecte",
        CampaignPhase::Fiabilisation => "fiabilisation",
        CampaignPhase::Restitution => "restitution",
        CampaignPhase::Archivee => "archivée",
    };
    let body = match user.role {
        Role::Esms | Role::Og => view! { <MyForms year user/> }.into_any(),
        _ => view! {
            <p>
                <a class="fr-link" href=format!("/territoire/{year}") data-testid="to-territory">
                    {format!("Tableau de bord territorial de la campagne {year}")}
                </a>
            </p>
            // Only the ARS and CD validate forms: a national user has no review queue.
            {matches!(user.role, Role::Ars | Role::Cd).then(|| view! { <ReviewQueue year/> })}
            <Progress year/>
        }
        .into_any(),
    };
    view! {
        <p class="fr-text--lead" data-testid="campaign">
            {format!("Campagne {year} — phase de {phase}")}
        </p>
        {deadline.map(|text| view! {
            <p class="fr-badge fr-badge--warning fr-mb-3w" data-testid="deadline">{text}</p>
        })}
        {body}
    }
}

async fn my_structures(user: &SessionUser) -> Result<Vec<Structure>, UiError> {
    if let Some(organisation) = &user.organisation {
        return Ok(api::structures(&format!("organisation={organisation}"))
            .await?
            .items);
    }
    let mut structures = Vec::new();
    for finess in &user.structures {
        structures.push(api::structure(finess).await?);
    }
    Ok(structures)
}

async fn forms_of(year: i32, structures: Vec<Structure>) -> Vec<(Structure, Result<FormDocument, UiError>)> {
    let forms = futures::future::join_all(
        structures
            .iter()
            .map(|s| api::form(year, &s.finess))
            .collect::<Vec<_>>(),
    )
    .await;
    structures.into_iter().zip(forms).collect()
}

#[component]
fn MyForms(year: i32, user: SessionUser) -> impl IntoView {
    let rows = LocalResource::new(move || {
        let user = user.clone();
        async move { Ok::<_, UiError>(forms_of(year, my_structures(&user).await?).await) }
    });
    view! {
        <h2>"Mes formulaires"</h2>
        <Transition fallback=|| view! { <p role="status">"Chargement des formulaires…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => view! {
                        <FormsTable
                            year
                            testid="my-forms"
                            caption=format!("Formulaires de la campagne {year} ({})", rows.len())
                            headers=&["Structure", "État", "Complétude", "Demandes de correction", "Action"]
                            rows=rows.into_iter().map(|(s, form)| my_form_row(s, form)).collect()
                        />
                    }.into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

fn my_form_row(s: Structure, form: Result<FormDocument, UiError>) -> FormRowCells {
    let (state, completion, corrections) = match &form {
        Ok(doc) => {
            let open = doc
                .corrections
                .iter()
                .filter(|c| c.status == CorrectionStatus::Ouverte)
                .count();
            (
                view! { <span class=labels::state_badge(doc.state)>{labels::state(doc.state)}</span> }
                    .into_any(),
                format!(
                    "{} (seuil {})",
                    format::percent(doc.evaluation.completion.rate),
                    format::percent(doc.evaluation.completion.threshold)
                ),
                if open == 0 {
                    "Aucune".to_owned()
                } else {
                    format!("{open} à traiter")
                },
            )
        }
        Err(e) => (e.message().into_any(), String::new(), String::new()),
    };
    FormRowCells {
        cells: vec![state, completion.into_any(), corrections.into_any()],
        action: format!("Ouvrir le formulaire de {}", s.name),
        fiche: true,
        structure: s,
    }
}

#[component]
fn ReviewQueue(year: i32) -> impl IntoView {
    let rows = LocalResource::new(move || async move {
        let mut rows: Vec<(Structure, StructureForm)> =
            // The forms still awaiting this officer's authority (not those it already validated).
            api::structures(&format!("form_state=soumis&campaign={year}&awaiting=me"))
                .await?
                .items
                .into_iter()
                .filter_map(|mut s| s.form.take().map(|f| (s, f)))
                .collect();
        rows.sort_by_key(|(s, f)| (std::cmp::Reverse(f.alert_count), s.name.clone()));
        Ok::<_, UiError>(rows)
    });
    view! {
        <h2>"Formulaires à examiner"</h2>
        <Transition fallback=|| view! { <p role="status">"Chargement de la file d'examen…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p data-testid="review-queue">"Aucun formulaire soumis n'attend votre examen."</p>
                    }.into_any(),
                    Ok(rows) => view! {
                        <FormsTable
                            year
                            testid="review-queue"
                            caption=format!("Formulaires soumis, les plus alertés d'abord ({})", rows.len())
                            headers=&["Structure", "Département", "Alertes", "Complétude", "Soumis le", "Action"]
                            rows=rows.into_iter().map(|(s, f)| FormRowCells {
                                cells: vec![
                                    s.department_name.clone().into_any(),
                                    f.alert_count.into_any(),
                                    format::percent(f.completion_rate).into_any(),
                                    f.submitted_at.as_deref().map(format::date).unwrap_or_default().into_any(),
                                ],
                                action: format!("Examiner le formulaire de {}", s.name),
                                fiche: false,
                                structure: s,
                            }).collect()
                        />
                    }.into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

/// One row of a [`FormsTable`]: the structure, the cells between its name and its links, the label of
/// the link to its form, and whether to link its fiche de synthèse.
struct FormRowCells {
    structure: Structure,
    cells: Vec<AnyView>,
    action: String,
    fiche: bool,
}

/// A table of forms of campaign `year`, one row per structure: its name and FINESS, the given cells,
/// then links to its form, its restitution and (when asked) its fiche de synthèse.
#[component]
fn FormsTable(
    year: i32,
    testid: &'static str,
    caption: String,
    headers: &'static [&'static str],
    rows: Vec<FormRowCells>,
) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|FormRowCells { structure: s, cells, action, fiche }| {
            let fiche = fiche.then(|| {
                view! {
                    <br/>
                    <a class="fr-link" href=format!("/fiche/{year}/{}", s.finess)>
                        {format!("Fiche de synthèse de {}", s.name)}
                    </a>
                }
            });
            view! {
                <tr data-finess=s.finess.clone()>
                    <td>{s.name.clone()}<br/><span class="fr-hint-text">{format!("FINESS {}", s.finess)}</span></td>
                    {cells.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}
                    <td>
                        <a class="fr-link" href=format!("/formulaire/{year}/{}", s.finess)>{action}</a><br/>
                        <a class="fr-link" href=format!("/restitution/{year}/{}", s.finess)>
                            {format!("Restitution de {}", s.name)}
                        </a>
                        {fiche}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table" data-testid=testid>
            <table>
                <caption>{caption}</caption>
                <thead><tr>
                    {headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Progress(year: i32) -> impl IntoView {
    let progress = LocalResource::new(move || api::progress_by_department(year));
    view! {
        <h2 class="fr-mt-6w">"Avancement de la campagne par département"</h2>
        <Transition fallback=|| view! { <p role="status">"Chargement de l'avancement…"</p> }>
            {move || Suspend::new(async move {
                match progress.await {
                    Ok(progress) => progress_table(progress).into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

/// The progress of a campaign by territory, with a total row.
pub fn progress_table(progress: CampaignProgress) -> impl IntoView {
    let rate = |r: Option<f64>| r.map(format::percent).unwrap_or_else(|| "—".to_owned());
    let rows = progress
        .territories
        .into_iter()
        .chain(std::iter::once(progress.total))
        .map(|t| {
            view! {
                <tr>
                    <th scope="row">{t.name}</th>
                    <td>{t.structures}</td>
                    <td>{t.states.non_commence}</td>
                    <td>{t.states.en_cours}</td>
                    <td>{t.states.soumis}</td>
                    <td>{t.states.correction_demandee}</td>
                    <td>{t.states.valide}</td>
                    <td>{rate(t.mean_completion_rate)}</td>
                    <td>{rate(t.share_threshold_reached)}</td>
                    <td>{rate(t.share_validated)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table" data-testid="progress">
            <table>
                <caption>{format!("Seuil de complétude : {} %", progress.threshold_percent)}</caption>
                <thead><tr>
                    <th scope="col">"Département"</th>
                    <th scope="col">"Structures"</th>
                    <th scope="col">"Non commencés"</th>
                    <th scope="col">"En cours"</th>
                    <th scope="col">"Soumis"</th>
                    <th scope="col">"Correction demandée"</th>
                    <th scope="col">"Validés"</th>
                    <th scope="col">"Complétude moyenne"</th>
                    <th scope="col">"Part au seuil"</th>
                    <th scope="col">"Part validée"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A DSFR error alert with the French message of an API error.
pub fn error_alert(error: &UiError) -> impl IntoView + use<> {
    view! {
        <div class="fr-alert fr-alert--error" role="alert">
            <p>{error.message()}</p>
        </div>
    }
}
