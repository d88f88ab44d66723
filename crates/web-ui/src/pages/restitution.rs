//! « Restitution » of one structure for one campaign: for each indicator, the box plots of its peer
//! group at département, région and national level on one shared axis, with the structure's point,
//! the median and quartiles written, its rank among n and quartile, and the trend over the last three
//! campaigns (from the fiche de synthèse). Territories are named (« Nord », « Hauts-de-France »).

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{
    Fiche, FicheIndicator, IndicatorBenchmark, Level, LevelBenchmark, StructureBenchmark, Trend,
};

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::components::charts::{Axis, AxisScale, BoxPlot, Sparkline, box_plot_values, position_text, shown};
use crate::components::stagger::Stagger;
use crate::format;
use crate::labels;

/// `(year, finess)` of a page under `/…/:year/:finess`.
pub fn year_and_finess() -> impl Fn() -> (Option<i32>, String) + Copy {
    let params = use_params_map();
    move || {
        params.with(|p| {
            (
                p.get("year").and_then(|y| y.parse::<i32>().ok()),
                p.get("finess").unwrap_or_default(),
            )
        })
    }
}

/// `/restitution/:year/:finess`.
#[component]
pub fn RestitutionPage() -> impl IntoView {
    let target = year_and_finess();
    let loaded = LocalResource::new(move || {
        let (year, finess) = target();
        async move {
            let year = year.ok_or(UiError::Status(404))?;
            let (benchmark, fiche, structure) = futures::join!(
                api::benchmark(year, &finess),
                api::fiche(year, &finess),
                api::structure(&finess)
            );
            let (benchmark, fiche) = (benchmark?, fiche?);
            // The names of its territories; their codes if the structure cannot be read.
            let names = match structure {
                Ok(s) => Territories {
                    department: s.department_name,
                    region: s.region_name,
                },
                Err(_) => Territories {
                    department: benchmark.department.clone(),
                    region: benchmark.region.clone(),
                },
            };
            Ok::<_, UiError>((benchmark, fiche, names))
        }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement de la restitution…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((benchmark, fiche, names)) => view! { <Restitution benchmark fiche names/> }.into_any(),
                    Err(error) => view! { <h1>"Restitution"</h1> {error_alert(&error)} }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The names of the département and the région of the structure.
#[derive(Debug, Clone)]
struct Territories {
    department: String,
    region: String,
}

/// « Chiffres figés le … » or « provisoires ».
pub fn frozen_notice(frozen_at: Option<&str>) -> String {
    match frozen_at {
        Some(at) => format!(
            "Chiffres figés le {} : ils ne changeront plus.",
            format::date_time(at)
        ),
        None => "Chiffres provisoires : ils évoluent avec les saisies jusqu'à la restitution.".to_owned(),
    }
}

/// « En hausse (amélioration) »…
pub fn trend_label(indicator: &FicheIndicator) -> String {
    let trend = match indicator.trend {
        Some(Trend::Hausse) => "en hausse",
        Some(Trend::Baisse) => "en baisse",
        Some(Trend::Stable) => "stable",
        None => return "tendance non calculable".to_owned(),
    };
    match indicator.improving {
        Some(true) => format!("{trend} (amélioration)"),
        Some(false) => format!("{trend} (dégradation)"),
        None => trend.to_owned(),
    }
}

/// Indicator cards drawn per browser task ([`Stagger`]).
const CARDS_PER_TASK: usize = 3;

#[component]
fn Restitution(benchmark: StructureBenchmark, fiche: Fiche, names: Territories) -> impl IntoView {
    let year = benchmark.campaign;
    let finess = benchmark.finess.clone();
    let trends: HashMap<String, FicheIndicator> = fiche
        .indicators
        .into_iter()
        .map(|i| (i.indicator.clone(), i))
        .collect();
    let (dialogue, analysis): (Vec<_>, Vec<_>) = benchmark
        .indicators
        .into_iter()
        .partition(|i| i.level == Level::Dialogue);
    let analysis_title = format!("Indicateurs clés d'analyse ({})", analysis.len());
    let card = {
        let names = names.clone();
        move |i: IndicatorBenchmark| {
            let trend = trends.get(&i.indicator).cloned();
            view! { <IndicatorCard indicator=i trend names=names.clone()/> }
        }
    };
    // A few cards per task: the top of the page paints at once and a slow PC stays responsive while
    // the dozens of charts below are drawn (one long task of 0.7 s before, at Lighthouse's 4× CPU).
    let mut stagger = Stagger::new();
    let cards_dialogue = stagger.list(dialogue, CARDS_PER_TASK, card.clone());
    let cards_analysis = stagger.list(analysis, CARDS_PER_TASK, card);
    let drawn = stagger.start();
    view! {
        <div data-testid="restitution-page">
            <h1>{format!("Restitution {year} — {}", fiche.identity.name)}</h1>
            <p class="fr-text--sm">
                {format!(
                    "FINESS {finess} — {} — {}, {}",
                    fiche.identity.category_label, names.department, names.region
                )}
            </p>
            <p class="fr-text--sm" data-testid="frozen">{frozen_notice(benchmark.frozen_at.as_deref())}</p>
            <p>
                <a class="fr-link" href=format!("/fiche/{year}/{finess}") data-testid="to-fiche">
                    "Fiche de synthèse (imprimable)"
                </a>
            </p>
            <p>
                <a class="fr-btn fr-btn--secondary" href=format!("/simulation/{year}/{finess}")
                    data-testid="to-simulation">"Simuler"</a>
            </p>
            <p class="fr-text--sm">
                "Chaque graphique montre la répartition des structures de même catégorie du territoire : \
                 la boîte va du premier au troisième quartile, le trait vertical épais est la médiane, les \
                 moustaches vont du premier au neuvième décile, les petits traits marquent le minimum et \
                 le maximum ; le point est votre valeur. Les trois territoires d'un indicateur partagent \
                 la même échelle, graduée sous les graphiques. Sous 5 structures, les statistiques ne \
                 sont pas publiées."
            </p>
            <h2>"Indicateurs du dialogue de gestion"</h2>
            {cards_dialogue}
            <details class="fr-mt-4w">
                <summary><h2 class="fr-h4 tdb-inline">{analysis_title}</h2></summary>
                {cards_analysis}
            </details>
            {move || drawn.get().then(|| view! { <span data-testid="restitution-ready" hidden=true></span> })}
        </div>
    }
}

#[component]
fn IndicatorCard(
    indicator: IndicatorBenchmark,
    trend: Option<FicheIndicator>,
    names: Territories,
) -> impl IntoView {
    let unit = indicator.unit;
    let value = indicator.value;
    let own = match value {
        Some(v) => format!("Votre valeur : {}", shown(v, unit)),
        None => "Votre valeur n'est pas calculée (donnée manquante ou sans objet).".to_owned(),
    };
    let trend_view = trend.map(|t| {
        let label = trend_label(&t);
        let points: Vec<(i32, Option<f64>)> = t.points.iter().map(|p| (p.campaign, p.value)).collect();
        let summary = format!(" — {label}");
        view! {
            <p class="tdb-trend">
                <Sparkline points unit summary/>
                <span>{format!("Évolution : {label}")}</span>
            </p>
        }
    });
    let levels = [
        (
            "department",
            format!("Département : {}", names.department),
            indicator.department,
        ),
        ("region", format!("Région : {}", names.region), indicator.region),
        ("national", "France entière".to_owned(), indicator.national),
    ];
    // One scale for the three levels: every published minimum and maximum, and the structure's value.
    let axis = Axis::covering(
        levels
            .iter()
            .filter(|(_, _, level)| published(level))
            .filter_map(|(_, _, level)| level.peers.stats.as_ref())
            .flat_map(|stats| [stats.min, stats.max])
            .chain(value),
    );
    let scale_row = axis
        .clone()
        .filter(|_| levels.iter().any(|(_, _, l)| published(l)))
        .map(|axis| {
            view! {
                <tr data-testid="axis-row">
                    <th scope="row">{match labels::indicator_unit(unit).trim() {
                        "" => "Échelle".to_owned(),
                        unit => format!("Échelle ({unit})"),
                    }}</th>
                    <td><AxisScale axis unit/></td>
                    <td></td>
                </tr>
            }
        });
    view! {
        <section class="tdb-indicator fr-mb-3w" data-indicator=indicator.indicator.clone()>
            <h3 class="fr-h6">{indicator.label.clone()}</h3>
            <p>{own}</p>
            {trend_view}
            <div class="fr-table fr-table--no-caption">
                <table>
                    <caption>{format!("Position par territoire : {}", indicator.label)}</caption>
                    <thead><tr>
                        <th scope="col">"Territoire"</th>
                        <th scope="col">"Répartition des structures comparables"</th>
                        <th scope="col">"Position"</th>
                    </tr></thead>
                    <tbody>
                        {levels.into_iter().map(|(key, name, level)| level_row(key, name, level, axis.clone(), unit, value)).collect_view()}
                        {scale_row}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Why a group shows no statistics.
fn withheld_text(n: u32) -> String {
    match n {
        0 => "Statistiques non publiées : aucune structure comparable (il en faut au moins 5).".to_owned(),
        1 => "Statistiques non publiées : 1 structure seulement (il en faut au moins 5).".to_owned(),
        n => format!("Statistiques non publiées : {n} structures seulement (il en faut au moins 5)."),
    }
}

/// Whether the statistics of a level are published (at least 5 structures).
fn published(level: &LevelBenchmark) -> bool {
    !level.peers.withheld && level.peers.stats.is_some()
}

fn level_row(
    key: &'static str,
    name: String,
    level: LevelBenchmark,
    axis: Option<Axis>,
    unit: tdb_domain::contract::IndicatorUnit,
    value: Option<f64>,
) -> impl IntoView + use<> {
    let n = level.peers.n;
    let (chart, position) = match (level.peers.stats, axis) {
        (Some(stats), Some(axis)) if !level.peers.withheld => (
            view! {
                <BoxPlot axis stats n unit value position=level.position/>
                <p class="fr-text--xs fr-mb-0" data-testid="boxplot-values">{box_plot_values(&stats, unit)}</p>
            }
            .into_any(),
            level
                .position
                .map(|p| position_text(&p, n))
                .unwrap_or_else(|| format!("{n} structures ; votre valeur n'est pas classée")),
        ),
        _ => (
            view! {
                <p class="fr-text--sm fr-mb-0" data-testid="withheld">{withheld_text(n)}</p>
            }
            .into_any(),
            "—".to_owned(),
        ),
    };
    view! {
        <tr data-level=key>
            <th scope="row">{name}</th>
            <td>{chart}</td>
            <td>{position}</td>
        </tr>
    }
}
