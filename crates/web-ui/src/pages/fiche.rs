//! The fiche de synthèse of a structure as a printable page: identity, completion over the last
//! three campaigns, the dialogue-level indicators with the peer median, rank/n and trend, failing
//! controls. « Imprimer » prints it (the print stylesheet hides the header and footer, A4); the PDF
//! made by the server is fetched with the session token and saved as a file.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{Fiche, FicheIndicator, FichePoint, Severity};

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::components::charts::{Sparkline, shown};
use crate::download;
use crate::format;
use crate::labels;
use crate::pages::restitution::{frozen_notice, trend_label, year_and_finess};

/// `/fiche/:year/:finess`.
#[component]
pub fn FichePage() -> impl IntoView {
    let target = year_and_finess();
    let loaded = LocalResource::new(move || {
        let (year, finess) = target();
        async move { api::fiche(year.ok_or(UiError::Status(404))?, &finess).await }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement de la fiche…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(fiche) => view! { <FicheView fiche/> }.into_any(),
                    Err(error) => view! { <h1>"Fiche de synthèse"</h1> {error_alert(&error)} }.into_any(),
                }
            })}
        </Transition>
    }
}

fn cpom(fiche: &Fiche) -> String {
    match (fiche.identity.cpom, &fiche.identity.cpom_ends_on) {
        (Some(true), Some(end)) => format!("en cours, échéance le {}", format::date(end)),
        (Some(true), None) => "en cours".to_owned(),
        (Some(false), _) => "aucun CPOM en cours".to_owned(),
        (None, _) => "non renseigné".to_owned(),
    }
}

fn capacity(fiche: &Fiche) -> String {
    if fiche.identity.capacity.is_empty() {
        return "non renseignée".to_owned();
    }
    fiche
        .identity
        .capacity
        .iter()
        .map(|c| format!("{} : {}", c.label, format::places(c.places)))
        .collect::<Vec<_>>()
        .join(" ; ")
}

#[component]
fn FicheView(fiche: Fiche) -> impl IntoView {
    let year = fiche.campaign;
    let finess = fiche.identity.finess.clone();
    let pdf_status = RwSignal::new(None::<Result<(), UiError>>);
    let pdf_busy = RwSignal::new(false);
    let download_pdf = {
        let finess = finess.clone();
        move |_| {
            let finess = finess.clone();
            pdf_busy.set(true);
            spawn_local(async move {
                let result = api::fiche_pdf(year, &finess).await.and_then(|bytes| {
                    let name = format!("fiche-{year}-{finess}.pdf");
                    if download::save(&bytes, &name, download::PDF) {
                        Ok(())
                    } else {
                        Err(UiError::Decode("blob".to_owned()))
                    }
                });
                pdf_busy.set(false);
                pdf_status.set(Some(result));
            });
        }
    };
    let id = fiche.identity.clone();
    let identity = [
        ("FINESS", id.finess.clone()),
        ("Catégorie", id.category_label.clone()),
        (
            "Organisme gestionnaire",
            format!("{} (FINESS {})", id.organisation_name, id.organisation_finess),
        ),
        ("Commune", format!("{} ({})", id.city, id.department)),
        ("Capacité autorisée", capacity(&fiche)),
        ("CPOM", cpom(&fiche)),
    ];
    let years: Vec<i32> = fiche.campaigns.iter().map(|c| c.campaign).collect();
    let campaign_rows = fiche
        .campaigns
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.campaign}</th>
                    <td>{labels::state(c.state)}</td>
                    <td>{format::percent(c.completion_rate)}</td>
                    <td>{if c.threshold_reached { "oui" } else { "non" }}</td>
                </tr>
            }
        })
        .collect_view();
    let indicator_rows = fiche
        .indicators
        .iter()
        .map(|i| indicator_row(i, &years))
        .collect_view();
    let controls = fiche.failed_controls.clone();
    view! {
        <article class="tdb-fiche" data-testid="fiche-page">
            <div class="tdb-no-print fr-btns-group fr-btns-group--inline-md fr-mb-2w">
                <button class="fr-btn" type="button" data-testid="print" on:click=|_| download::print()>
                    "Imprimer"
                </button>
                <button class="fr-btn fr-btn--secondary" type="button" data-testid="pdf"
                    disabled=move || pdf_busy.get() on:click=download_pdf>
                    "Télécharger le PDF"
                </button>
                <a class="fr-btn fr-btn--tertiary" href=format!("/restitution/{year}/{finess}")>
                    "Restitution détaillée"
                </a>
            </div>
            {move || pdf_status.get().map(|status| match status {
                Ok(()) => view! { <p class="tdb-no-print" role="status">"Le PDF de la fiche est téléchargé."</p> }.into_any(),
                Err(error) => view! { <div class="tdb-no-print">{error_alert(&error)}</div> }.into_any(),
            })}
            <h1>{format!("Fiche de synthèse {year}")}</h1>
            <h2 class="fr-h3">{id.name.clone()}</h2>
            <p class="fr-text--sm">{frozen_notice(fiche.frozen_at.as_deref())}</p>
            <dl class="tdb-identity">
                {identity.into_iter().map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
            <h2 class="fr-h4">"Complétude et état des formulaires"</h2>
            <div class="fr-table">
                <table>
                    <caption>"Formulaires des trois dernières campagnes"</caption>
                    <thead><tr>
                        <th scope="col">"Campagne"</th>
                        <th scope="col">"État"</th>
                        <th scope="col">"Complétude"</th>
                        <th scope="col">"Seuil atteint"</th>
                    </tr></thead>
                    <tbody>{campaign_rows}</tbody>
                </table>
            </div>
            <h2 class="fr-h4">"Indicateurs du dialogue de gestion"</h2>
            <div class="fr-table tdb-fiche__indicators">
                <table data-testid="fiche-indicators">
                    <caption>
                        "Valeur par campagne ; médiane, rang et effectif du premier territoire publié \
                         (département, sinon région, sinon France entière) pour la dernière campagne"
                    </caption>
                    <thead><tr>
                        <th scope="col">"Indicateur"</th>
                        {years.iter().map(|y| view! { <th scope="col">{*y}</th> }).collect_view()}
                        <th scope="col">"Médiane"</th>
                        <th scope="col">"Rang"</th>
                        <th scope="col">"Tendance"</th>
                    </tr></thead>
                    <tbody>{indicator_rows}</tbody>
                </table>
            </div>
            <h2 class="fr-h4">"Contrôles non satisfaits"</h2>
            {if controls.is_empty() {
                view! { <p>"Aucun contrôle en échec."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {controls.into_iter().map(|c| {
                            let kind = match c.severity {
                                Severity::Bloquant => "Bloquant",
                                Severity::Alerte if c.justified => "Alerte justifiée",
                                Severity::Alerte => "Alerte non justifiée",
                            };
                            view! { <li><strong>{kind}</strong>{format!(" : {}", c.message)}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <span data-testid="fiche-ready" hidden=true></span>
        </article>
    }
}

fn point_of(indicator: &FicheIndicator, year: i32) -> Option<&FichePoint> {
    indicator.points.iter().find(|p| p.campaign == year)
}

fn indicator_row(indicator: &FicheIndicator, years: &[i32]) -> impl IntoView + use<> {
    let unit = indicator.unit;
    let cells = years
        .iter()
        .map(|y| {
            let text = point_of(indicator, *y)
                .and_then(|p| p.value)
                .map_or_else(|| "—".to_owned(), |v| shown(v, unit));
            view! { <td>{text}</td> }
        })
        .collect_view();
    let last = years.last().and_then(|y| point_of(indicator, *y));
    let median = last
        .and_then(|p| p.median)
        .map_or_else(|| "non publiée".to_owned(), |m| shown(m, unit));
    let rank = match last.map(|p| (p.rank, p.n)) {
        Some((Some(rank), Some(n))) => format!("{rank} sur {n}"),
        _ => "—".to_owned(),
    };
    let label = trend_label(indicator);
    let points: Vec<(i32, Option<f64>)> = indicator.points.iter().map(|p| (p.campaign, p.value)).collect();
    let summary = format!(" — {label}");
    view! {
        <tr>
            <th scope="row">{indicator.label.clone()}</th>
            {cells}
            <td>{median}</td>
            <td>{rank}</td>
            <td><Sparkline points unit summary/><br/><span class="fr-text--xs">{label}</span></td>
        </tr>
    }
}
