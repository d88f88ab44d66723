//! Home page « À faire »: what the signed-in user has to do in the open campaign.
//!
//! A structure or a managing body sees its forms (state, completion, deadline, open correction
//! requests); an ARS or CD officer sees the review queue (by default the submitted forms still awaiting
//! the validation of its authority; filtered by state, category and département, paged by the API, the forms with the most alerts first) and
//! the progress of the campaign by department; a national user sees the progress only (it validates
//! nothing).

use leptos::prelude::*;
use tdb_domain::contract::{
    Campaign, CampaignPhase, CorrectionStatus, FormDocument, Page, Role, SessionUser, Structure,
    StructureForm,
};

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::components::pager::pager;
use crate::components::progress::progress_table;
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
        return Ok(
            api::structures(&format!("per_page=500&organisation={organisation}"))
                .await?
                .items,
        );
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

/// Forms per page of the review queue.
const QUEUE_PER_PAGE: u32 = 10;

/// The state filter of the review queue: its value, its French label and its query.
const QUEUE_STATES: [(&str, &str, &str); 4] = [
    (
        "attente",
        "Soumis, en attente de votre validation",
        "form_state=soumis&awaiting=me",
    ),
    ("soumis", "Soumis (toutes validations)", "form_state=soumis"),
    (
        "correction_demandee",
        "Correction demandée",
        "form_state=correction_demandee",
    ),
    ("valide", "Validé", "form_state=valide"),
];

/// What the officer filters the review queue by; empty strings filter nothing.
#[derive(Debug, Clone, PartialEq, Default)]
struct QueueFilter {
    state: String,
    category: String,
    department: String,
    page: u32,
}

impl QueueFilter {
    /// The query of `GET /structures` for campaign `year`: the API filters, pages and puts the forms
    /// with the most alerts first.
    fn query(&self, year: i32) -> String {
        let state = QUEUE_STATES
            .iter()
            .find(|(value, _, _)| *value == self.state)
            .map_or(QUEUE_STATES[0].2, |(_, _, query)| query);
        let mut query = format!(
            "{state}&campaign={year}&sort=alerts&page={}&per_page={QUEUE_PER_PAGE}",
            self.page.max(1)
        );
        for (name, value) in [("category", &self.category), ("department", &self.department)] {
            if !value.is_empty() {
                query.push_str(&format!("&{name}={}", api::encode(value)));
            }
        }
        query
    }
}

/// The options of the category and département filters, with their French labels.
async fn queue_options(year: i32) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let (categories, departments) =
        futures::join!(api::category_labels(year), api::progress_by_department(year));
    let mut departments: Vec<(String, String)> = departments
        .map(|p| {
            crate::components::progress::department_names(&p)
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    departments.sort_by(|a, b| a.1.cmp(&b.1));
    (categories.unwrap_or_default(), departments)
}

/// A field of the review queue's filter a select is bound to: how to read it, how to write it.
type QueueField = (fn(&QueueFilter) -> &str, fn(&mut QueueFilter, String));

/// A DSFR select of the review queue's filters, bound to one field of the filter (back to page 1 on
/// change); `all` is the option that filters nothing.
fn queue_select(
    id: &'static str,
    label: &'static str,
    all: Option<&'static str>,
    options: Vec<(String, String)>,
    filter: RwSignal<QueueFilter>,
    (get, set): QueueField,
) -> impl IntoView {
    view! {
        <div class="fr-col-12 fr-col-md-4 fr-select-group">
            <label class="fr-label" for=id>{label}</label>
            <select class="fr-select" id=id data-testid=id
                on:change=move |ev| filter.update(|f| {
                    set(f, event_target_value(&ev));
                    f.page = 1;
                })>
                {all.map(|all| view! { <option value="">{all}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let current = value.clone();
                    view! {
                        <option value=value selected=move || filter.with(|f| get(f) == current)>
                            {text}
                        </option>
                    }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn ReviewQueue(year: i32) -> impl IntoView {
    let filter = RwSignal::new(QueueFilter {
        state: QUEUE_STATES[0].0.to_owned(),
        page: 1,
        ..Default::default()
    });
    let options = LocalResource::new(move || queue_options(year));
    let page = LocalResource::new(move || {
        let query = filter.get().query(year);
        async move {
            let page = api::structures(&query).await?;
            Ok::<_, UiError>((query, page))
        }
    });
    let states: Vec<(String, String)> = QUEUE_STATES
        .iter()
        .map(|(value, label, _)| ((*value).to_owned(), (*label).to_owned()))
        .collect();
    view! {
        <h2>"Formulaires à examiner"</h2>
        <div class="fr-grid-row fr-grid-row--gutters" data-testid="queue-filters">
            {queue_select("queue-state", "État", None, states, filter, (|f| &f.state, |f, v| f.state = v))}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let (categories, departments) = options.await;
                    view! {
                        {queue_select("queue-category", "Catégorie", Some("Toutes les catégories"), categories, filter,
                            (|f| &f.category, |f, v| f.category = v))}
                        {queue_select("queue-department", "Département", Some("Tous les départements"), departments, filter,
                            (|f| &f.department, |f, v| f.department = v))}
                    }
                })}
            </Transition>
        </div>
        <Transition fallback=|| view! { <p role="status">"Chargement de la file d'examen…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok((query, page)) => queue_page(year, query, page, filter).into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

/// One page of the review queue: the count of forms, their table and the pagination.
fn queue_page(
    year: i32,
    query: String,
    page: Page<Structure>,
    filter: RwSignal<QueueFilter>,
) -> impl IntoView {
    let meta = page.meta;
    let rows: Vec<(Structure, StructureForm)> = page
        .items
        .into_iter()
        .filter_map(|mut s| s.form.take().map(|f| (s, f)))
        .collect();
    let count = match meta.total {
        0 => "Aucun formulaire ne correspond à ces critères.".to_owned(),
        1 => "1 formulaire.".to_owned(),
        total => {
            let first = u64::from(meta.page - 1) * u64::from(meta.per_page) + 1;
            let last = (first + rows.len() as u64).saturating_sub(1);
            format!("{total} formulaires ; {first} à {last} affichés.")
        }
    };
    let table = (!rows.is_empty()).then(|| {
        view! {
            <FormsTable
                year
                testid="review-queue-table"
                caption=format!("Formulaires de la file d'examen, par nombre d'alertes décroissant ({})", meta.total)
                headers=&["Structure", "Département", "État", "Alertes", "Complétude", "Soumis le", "Action"]
                rows=rows.into_iter().map(|(s, f)| FormRowCells {
                    cells: vec![
                        s.department_name.clone().into_any(),
                        view! { <span class=labels::state_badge(f.state)>{labels::state(f.state)}</span> }.into_any(),
                        f.alert_count.into_any(),
                        format::percent(f.completion_rate).into_any(),
                        f.submitted_at.as_deref().map(format::date).unwrap_or_default().into_any(),
                    ],
                    action: format!("Examiner le formulaire de {}", s.name),
                    fiche: false,
                    structure: s,
                }).collect()
            />
        }
    });
    view! {
        <div data-testid="review-queue" data-query=query>
            <p role="status" data-testid="queue-count">{count}</p>
            {table}
            {pager(meta, "Pagination de la file d'examen", Callback::new(move |to| filter.update(|f| f.page = to)))}
        </div>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_queue_asks_the_api_to_filter_and_page() {
        let mut filter = QueueFilter {
            state: "attente".to_owned(),
            page: 1,
            ..Default::default()
        };
        assert_eq!(
            filter.query(2024),
            "form_state=soumis&awaiting=me&campaign=2024&sort=alerts&page=1&per_page=10"
        );
        filter.state = "valide".to_owned();
        filter.category = "crp_esrp".to_owned();
        filter.department = "2A".to_owned();
        filter.page = 3;
        assert_eq!(
            filter.query(2024),
            "form_state=valide&campaign=2024&sort=alerts&page=3&per_page=10&category=crp_esrp&department=2A"
        );
    }
}
