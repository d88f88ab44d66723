//! « Simuler » on the restitution page: a copy of the structure's values whose inputs of the dialogue
//! indicators can be changed; each change asks `POST …/simulate` (nothing is saved) and shows, side by
//! side, the current and simulated value, rank and quartile of every dialogue indicator, with the
//! simulated point on the box plot of its first published group. A polite live region announces one
//! sentence per update; « Réinitialiser » brings the stored values back.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::Catalogue;
use tdb_domain::contract::{Level, SimulateRequest, SimulatedIndicator, SimulatedLevel, Simulation};

use crate::api::{self, UiError};
use crate::components::charts::{BoxPlot, position_text, shown};
use crate::format;
use crate::live::entry_text;
use crate::pages::home::error_alert;

/// The items that feed the dialogue indicators, with their label and stored text, in catalogue order.
async fn inputs(year: i32, finess: String) -> Result<Vec<(String, String, String)>, UiError> {
    let (doc, json) = futures::join!(api::form(year, &finess), api::catalogue_json(year));
    let doc = doc?;
    let catalogue = Catalogue::from_json(json?).map_err(|e| UiError::Decode(e.to_string()))?;
    let mut wanted = std::collections::BTreeSet::new();
    for def in catalogue
        .indicators()
        .iter()
        .filter(|d| d.level == Level::Dialogue)
    {
        if let Some(result) = doc.evaluation.indicators.get(&def.code) {
            wanted.extend(result.explanation.inputs.iter().map(|i| i.item.clone()));
        }
    }
    Ok(catalogue
        .items()
        .iter()
        .filter(|item| wanted.contains(&item.code))
        .map(|item| {
            let text = doc
                .values
                .get(&item.code)
                .map(|e| entry_text(&e.value))
                .unwrap_or_default();
            (item.code.clone(), item.label.clone(), text)
        })
        .collect())
}

/// The changed entries as JSON numbers (empty text: null), and the items whose text is not a number.
fn changes(
    stored: &BTreeMap<String, String>,
    drafts: &BTreeMap<String, String>,
) -> (BTreeMap<String, serde_json::Value>, Vec<String>) {
    let mut values = BTreeMap::new();
    let mut invalid = Vec::new();
    for (code, text) in drafts {
        if stored.get(code) == Some(text) {
            continue;
        }
        if text.trim().is_empty() {
            values.insert(code.clone(), serde_json::Value::Null);
        } else if let Some(n) = format::parse_number(text).and_then(serde_json::Number::from_f64) {
            values.insert(code.clone(), serde_json::Value::Number(n));
        } else {
            invalid.push(code.clone());
        }
    }
    (values, invalid)
}

/// The « Simuler » button and panel of a structure's restitution.
#[component]
pub fn SimulatePanel(
    /// Campaign year N.
    year: i32,
    /// FINESS ET of the structure.
    finess: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let loaded = LocalResource::new({
        let finess = finess.clone();
        move || {
            let finess = finess.clone();
            async move {
                if open.get() {
                    inputs(year, finess).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        }
    });
    view! {
        <section class="fr-mb-3w" data-testid="simulate">
            <button class="fr-btn fr-btn--secondary" type="button" data-testid="simulate-toggle"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                "Simuler"
            </button>
            <Transition fallback=|| view! { <p role="status">"Chargement des valeurs…"</p> }>
                {
                    let finess = finess.clone();
                    move || {
                        let finess = finess.clone();
                        Suspend::new(async move {
                            match loaded.await {
                                Ok(Some(items)) => view! { <Simulator year finess items/> }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(error) => error_alert(&error).into_any(),
                            }
                        })
                    }
                }
            </Transition>
        </section>
    }
}

#[component]
fn Simulator(year: i32, finess: String, items: Vec<(String, String, String)>) -> impl IntoView {
    let stored: BTreeMap<String, String> = items.iter().map(|(c, _, t)| (c.clone(), t.clone())).collect();
    let drafts = RwSignal::new(stored.clone());
    let result = RwSignal::new(None::<Simulation>);
    let problem = RwSignal::new(None::<String>);
    let announce = RwSignal::new(String::new());
    let run = {
        let stored = stored.clone();
        move || {
            let (values, invalid) = drafts.with_untracked(|d| changes(&stored, d));
            if !invalid.is_empty() {
                problem.set(Some(format!("Valeur non numérique : {}.", invalid.join(", "))));
                return;
            }
            let finess = finess.clone();
            spawn_local(async move {
                match api::simulate(year, &finess, &SimulateRequest { values }).await {
                    Ok(simulation) => {
                        announce.set(summary(&simulation));
                        problem.set(None);
                        result.set(Some(simulation));
                    }
                    Err(error) => problem.set(Some(error.message())),
                }
            });
        }
    };
    run();
    let reset = {
        let run = run.clone();
        move |_| {
            drafts.set(stored.clone());
            run();
        }
    };
    let fields = items
        .into_iter()
        .map(|(code, label, _)| {
            let id = format!("sim-{code}");
            let value_code = code.clone();
            let run = run.clone();
            view! {
                <div class="fr-input-group tdb-sim-field">
                    <label class="fr-label" for=id.clone()>{label}</label>
                    <input class="fr-input" id=id type="text" inputmode="decimal" data-item=code.clone()
                        prop:value=move || drafts.with(|d| d.get(&value_code).cloned().unwrap_or_default())
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            drafts.update(|d| {
                                d.insert(code.clone(), text);
                            });
                            run();
                        }/>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="fr-mt-2w" data-testid="simulator">
            <p class="fr-text--sm">
                "Modifiez les valeurs ci-dessous : les indicateurs, rangs et quartiles sont recalculés \
                 contre les chiffres de la campagne. Rien n'est enregistré."
            </p>
            <p class="fr-sr-only" aria-live="polite" data-testid="simulate-announce">{move || announce.get()}</p>
            {move || problem.get().map(|p| view! { <p class="fr-error-text" role="alert">{p}</p> })}
            <button class="fr-btn fr-btn--tertiary fr-mb-2w" type="button" data-testid="simulate-reset"
                on:click=reset>"Réinitialiser"</button>
            <div class="tdb-sim-fields">{fields}</div>
            {move || result.get().map(|s| view! { <Comparison simulation=s/> })}
        </div>
    }
}

/// One sentence for the live region.
fn summary(simulation: &Simulation) -> String {
    let moved = simulation
        .indicators
        .iter()
        .filter(|i| i.level == Level::Dialogue && i.current != i.simulated)
        .count();
    format!(
        "Simulation mise à jour : {} valeur(s) modifiée(s), {moved} indicateur(s) du dialogue changent.",
        simulation.changed.len()
    )
}

/// The first published group, from the département up.
fn first_published(indicator: &SimulatedIndicator) -> &SimulatedLevel {
    [&indicator.department, &indicator.region, &indicator.national]
        .into_iter()
        .find(|l| !l.peers.withheld)
        .unwrap_or(&indicator.national)
}

/// « Département 59 », « Région 32 », « France entière ».
fn group_name(territory: &str) -> String {
    match territory.split_once(':') {
        Some(("department", code)) => format!("Département {code}"),
        Some((_, code)) => format!("Région {code}"),
        None => "France entière".to_owned(),
    }
}

#[component]
fn Comparison(simulation: Simulation) -> impl IntoView {
    let rows = simulation
        .indicators
        .into_iter()
        .filter(|i| i.level == Level::Dialogue)
        .map(|i| {
            let unit = i.unit;
            let value = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| shown(v, unit));
            let level = first_published(&i).clone();
            let n = level.peers.n;
            let rank = |p: Option<&tdb_domain::contract::Position>| {
                p.map_or_else(|| "—".to_owned(), |p| position_text(p, n))
            };
            let chart = level.peers.stats.map(|stats| {
                view! { <BoxPlot stats n unit value=i.simulated position=level.simulated/> }
            });
            view! {
                <tr data-indicator=i.indicator.clone()>
                    <th scope="row">{i.label.clone()}</th>
                    <td data-col="current">{value(i.current)}</td>
                    <td data-col="simulated">{value(i.simulated)}</td>
                    <td>{group_name(&level.territory)}</td>
                    <td data-col="current-rank">{rank(level.current.as_ref())}</td>
                    <td data-col="simulated-rank">{rank(level.simulated.as_ref())}</td>
                    <td>{chart}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table" data-testid="simulation-table">
            <table>
                <caption>"Actuel / simulé"</caption>
                <thead><tr>
                    <th scope="col">"Indicateur"</th>
                    <th scope="col">"Actuel"</th>
                    <th scope="col">"Simulé"</th>
                    <th scope="col">"Groupe"</th>
                    <th scope="col">"Rang actuel"</th>
                    <th scope="col">"Rang simulé"</th>
                    <th scope="col">"Répartition (point simulé)"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
