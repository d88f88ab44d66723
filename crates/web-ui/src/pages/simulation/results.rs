//! What the simulation API answered, as shown: the « actuel / simulé » table of the dialogue
//! indicators, each indicator's position in its département, région and national groups (box plot of
//! the group with the simulated point, rank and quartile current and simulated), and the CPOM
//! objectives' status. Every number is the API's; raw values are also in `data-*` attributes.

use leptos::prelude::*;
use tdb_domain::contract::{
    IndicatorUnit, Level, Position, SimulatedIndicator, SimulatedLevel, SimulatedObjective, Simulation,
};

use super::SimCtx;
use crate::components::charts::{Axis, AxisScale, BoxPlot, position_text, shown};
use crate::pages::cpom::status_badge;

/// The results of the last answer, marked busy while a newer one is asked for.
#[component]
pub(super) fn Results(ctx: SimCtx) -> impl IntoView {
    let changed = move || ctx.simulation.with(|s| s.changed.join(" "));
    view! {
        <section data-testid="simulation-results" aria-busy=move || ctx.pending.get().to_string()
            data-changed=changed>
            <h2 class="fr-h4">"Résultats de la simulation"</h2>
            <p class="fr-text--sm" data-testid="simulation-pending">
                {move || if ctx.pending.get() { "Calcul en cours…" } else { "Résultats à jour." }}
            </p>
            {move || ctx.problem.get().map(|message| view! {
                <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" data-testid="simulation-problem">
                    <p>{message}</p>
                </div>
            })}
            {move || ctx.simulation.with(|s| {
                (!s.reached).then(|| view! {
                    <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" data-testid="not-reached">
                        <p>
                            "Avec ces valeurs, le taux de complétude requis n'est pas atteint : la structure ne \
                             compte pas dans l'effectif de ses groupes, sa position y est donnée à titre \
                             indicatif."
                        </p>
                    </div>
                })
            })}
            {move || ctx.simulation.with(|s| view! {
                <Comparison simulation=s.clone() names=ctx.names.get_value()/>
                <Objectives simulation=s.clone()/>
            })}
        </section>
    }
}

/// A value as shown, or a dash when it is not calculated.
fn value_text(value: Option<f64>, unit: IndicatorUnit) -> String {
    value.map_or_else(|| "non calculé".to_owned(), |v| shown(v, unit))
}

/// The raw value for `data-value` (empty when not calculated).
fn raw(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn dialogue(simulation: &Simulation) -> impl Iterator<Item = &SimulatedIndicator> {
    simulation
        .indicators
        .iter()
        .filter(|i| i.level == Level::Dialogue)
}

/// The « actuel / simulé » table, then one card per dialogue indicator.
#[component]
fn Comparison(simulation: Simulation, names: Names) -> impl IntoView {
    let rows = dialogue(&simulation)
        .map(|i| {
            let unit = i.unit;
            let differs = i.current != i.simulated;
            view! {
                <tr data-indicator=i.indicator.clone()>
                    <th scope="row">{i.label.clone()}</th>
                    <td data-col="current" data-value=raw(i.current)>{value_text(i.current, unit)}</td>
                    <td data-col="simulated" data-value=raw(i.simulated) class:fr-text--bold=differs>
                        {value_text(i.simulated, unit)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let cards = dialogue(&simulation)
        .map(|i| view! { <IndicatorCard indicator=i.clone() names=names.clone()/> })
        .collect_view();
    view! {
        <div class="fr-table" data-testid="simulation-table">
            <table>
                <caption>"Indicateurs du dialogue de gestion : actuel / simulé"</caption>
                <thead><tr>
                    <th scope="col">"Indicateur"</th>
                    <th scope="col">"Actuel"</th>
                    <th scope="col">"Simulé"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h3 class="fr-h5">"Position dans les groupes de comparaison"</h3>
        {cards}
    }
}

/// The names of the structure's département and région (its groups are named by them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Names {
    /// « Nord ».
    pub department: String,
    /// « Hauts-de-France ».
    pub region: String,
}

/// « Département : Nord », « Région : Hauts-de-France », « France entière » (as on the restitution).
fn territory_name(territory: &str, names: &Names) -> String {
    match territory.split_once(':') {
        Some(("department", _)) => format!("Département : {}", names.department),
        Some(_) => format!("Région : {}", names.region),
        None => "France entière".to_owned(),
    }
}

#[component]
fn IndicatorCard(indicator: SimulatedIndicator, names: Names) -> impl IntoView {
    let unit = indicator.unit;
    let value = indicator.simulated;
    let levels = [
        ("department", indicator.department),
        ("region", indicator.region),
        ("national", indicator.national),
    ];
    // One scale for the three levels (as on the restitution): every published minimum and maximum,
    // and the simulated value.
    let axis = Axis::covering(
        levels
            .iter()
            .filter(|(_, level)| !level.peers.withheld)
            .filter_map(|(_, level)| level.peers.stats.as_ref())
            .flat_map(|stats| [stats.min, stats.max])
            .chain(value),
    );
    let scale_row = axis.clone().map(|axis| {
        view! {
            <tr>
                <th scope="row">"Échelle"</th>
                <td><AxisScale axis unit/></td>
                <td></td>
                <td></td>
            </tr>
        }
    });
    view! {
        <section class="tdb-indicator fr-mb-3w" data-indicator=indicator.indicator.clone()>
            <h4 class="fr-h6">{indicator.label.clone()}</h4>
            <p class="fr-text--sm">
                {format!(
                    "Actuel : {} — simulé : {}",
                    value_text(indicator.current, unit),
                    value_text(indicator.simulated, unit)
                )}
            </p>
            <div class="fr-table fr-table--no-caption">
                <table>
                    <caption>{format!("Position simulée par territoire : {}", indicator.label)}</caption>
                    <thead><tr>
                        <th scope="col">"Territoire"</th>
                        <th scope="col">"Répartition (point : valeur simulée)"</th>
                        <th scope="col">"Actuel"</th>
                        <th scope="col">"Simulé"</th>
                    </tr></thead>
                    <tbody>
                        {levels
                            .into_iter()
                            .map(|(key, level)| level_row(key, level, axis.clone(), &names, unit, value))
                            .collect_view()}
                        {scale_row}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A position cell: its text and its raw rank and quartile.
fn position_cell(col: &'static str, position: Option<&Position>, n: u32) -> impl IntoView + use<> {
    let text = position.map_or_else(|| "non classée".to_owned(), |p| position_text(p, n));
    let rank = position
        .and_then(|p| p.rank)
        .map(|r| r.to_string())
        .unwrap_or_default();
    let quartile = position.map(|p| p.quartile.to_string()).unwrap_or_default();
    view! { <td data-col=col data-rank=rank data-quartile=quartile>{text}</td> }
}

fn level_row(
    key: &'static str,
    level: SimulatedLevel,
    axis: Option<Axis>,
    names: &Names,
    unit: IndicatorUnit,
    value: Option<f64>,
) -> impl IntoView + use<> {
    let n = level.peers.n;
    let name = territory_name(&level.territory, names);
    match (level.peers.stats, axis) {
        (Some(stats), Some(axis)) if !level.peers.withheld => view! {
            <tr data-level=key>
                <th scope="row">{name}</th>
                <td><BoxPlot axis stats n unit value position=level.simulated/></td>
                {position_cell("current-position", level.current.as_ref(), n)}
                {position_cell("simulated-position", level.simulated.as_ref(), n)}
            </tr>
        }
        .into_any(),
        _ => view! {
            <tr data-level=key>
                <th scope="row">{name}</th>
                <td colspan="3" data-testid="withheld">
                    {format!("Statistiques non publiées : {n} structure(s) comparable(s), il en faut au moins 5.")}
                </td>
            </tr>
        }
        .into_any(),
    }
}

/// The CPOM objectives measured on the structure alone, current and simulated status.
#[component]
fn Objectives(simulation: Simulation) -> impl IntoView {
    if simulation.objectives.is_empty() {
        return view! {
            <h3 class="fr-h5">"Objectifs CPOM"</h3>
            <p class="fr-text--sm" data-testid="no-objectives">
                "Aucun objectif CPOM en vigueur n'est mesuré sur cette structure seule."
            </p>
        }
        .into_any();
    }
    let rows = simulation
        .objectives
        .iter()
        .map(|o| objective_row(o, &simulation))
        .collect_view();
    view! {
        <div class="fr-table" data-testid="simulation-objectives">
            <table>
                <caption>"Objectifs CPOM : statut actuel / simulé"</caption>
                <thead><tr>
                    <th scope="col">"Indicateur"</th>
                    <th scope="col">"Cible"</th>
                    <th scope="col">"Actuel"</th>
                    <th scope="col">"Simulé"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn objective_row(objective: &SimulatedObjective, simulation: &Simulation) -> impl IntoView + use<> {
    let indicator = simulation
        .indicators
        .iter()
        .find(|i| i.indicator == objective.indicator);
    let label = indicator.map_or_else(|| objective.indicator.clone(), |i| i.label.clone());
    let target = indicator.map_or_else(
        || objective.target_value.to_string(),
        |i| shown(objective.target_value, i.unit),
    );
    let (current, current_class) = status_badge(objective.current);
    let (simulated, simulated_class) = status_badge(objective.simulated);
    view! {
        <tr data-objective=objective.id>
            <th scope="row">{label}</th>
            <td>{format!("{target} en {}", objective.target_year)}</td>
            <td><span class=current_class>{current}</span></td>
            <td data-col="simulated-status"><span class=simulated_class>{simulated}</span></td>
        </tr>
    }
}
