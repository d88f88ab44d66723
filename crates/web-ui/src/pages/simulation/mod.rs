//! « Simuler »: what-if simulation of one structure for one campaign (`/simulation/:year/:finess`).
//!
//! The page loads a copy of the structure's stored values (its form, the campaign's catalogue) and the
//! simulation of no change (`POST …/simulate` with `{}`: the current figures; a refusal of the API's
//! scope is shown in French). The person changes any input — grouped by axis like the form, checked
//! as typed by the domain engine — and, 400 ms after the last keystroke, the changed values are sent to
//! `POST …/simulate`; the page shows that answer and nothing else, so its numbers are the API's: each
//! dialogue indicator current and simulated, its rank and quartile in its département, région and
//! national groups with the simulated point on their box plots (frozen figures once published), and
//! the CPOM objectives' status. One polite live region says, once per answer, what moved. Nothing is
//! saved; « Réinitialiser » brings the stored values back. docs/restitution.md « What-if simulation ».

mod inputs;
mod results;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{FormDocument, Level, SimulateRequest, Simulation, Structure};

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::live::{self, Engine, Live};
use crate::pages::restitution::{frozen_notice, year_and_finess};

/// Quiet time after the last change before the simulation is asked for.
const DEBOUNCE: Duration = Duration::from_millis(400);

/// `/simulation/:year/:finess`.
#[component]
pub fn SimulationPage() -> impl IntoView {
    let target = year_and_finess();
    let loaded = LocalResource::new(move || {
        let (year, finess) = target();
        async move {
            let year = year.ok_or(UiError::Status(404))?;
            load(year, finess).await
        }
    });
    view! {
        <Transition fallback=|| view! {
            <p class="tdb-loading" role="status" aria-busy="true">"Chargement de la simulation…"</p>
        }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(page) => view! { <Simulator page/> }.into_any(),
                    Err(error) => view! { <h1>"Simulation"</h1> {error_alert(&error)} }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the page needs: the simulation of no change, the stored form, its engine, the structure.
#[derive(Clone)]
struct Loaded {
    simulation: Simulation,
    doc: FormDocument,
    engine: Rc<Engine>,
    structure: Structure,
}

async fn load(year: i32, finess: String) -> Result<Loaded, UiError> {
    let none = SimulateRequest {
        values: BTreeMap::new(),
    };
    let (simulation, doc, catalogue, structure) = futures::join!(
        api::simulate(year, &finess, &none),
        api::form(year, &finess),
        api::catalogue_json(year),
        api::structure(&finess)
    );
    // The simulation's refusal first: it says whether this person may simulate this structure.
    let simulation = simulation?;
    let doc = doc?;
    let catalogue = live::compiled(catalogue?).map_err(|e| UiError::Decode(e.to_string()))?;
    let engine = Engine::new(catalogue, doc.category.clone(), None, None);
    Ok(Loaded {
        simulation,
        doc,
        engine: Rc::new(engine),
        structure: structure?,
    })
}

/// Signals of the page (cheap to copy into every closure).
#[derive(Clone, Copy)]
struct SimCtx {
    /// The engine (catalogue of the campaign) that checks what is typed.
    engine: StoredValue<Rc<Engine>, LocalStorage>,
    /// The text of every stored value, as the inputs first show it.
    stored: StoredValue<BTreeMap<String, String>>,
    /// The text of every input.
    drafts: RwSignal<BTreeMap<String, String>>,
    /// The engine's reading of the inputs: applicable items, valid values, French errors.
    live: Memo<Option<Live>>,
    /// The changes to simulate (items whose text differs from the stored one and is valid) and the
    /// items whose text is not a valid value (left out of the simulation).
    request: Memo<(BTreeMap<String, serde_json::Value>, Vec<String>)>,
    /// The API's last answer.
    simulation: RwSignal<Simulation>,
    /// A simulation is asked for and not answered yet.
    pending: RwSignal<bool>,
    /// Why the last simulation failed.
    problem: RwSignal<Option<String>>,
    /// The sentence of the live region.
    announce: RwSignal<String>,
    /// The names of the structure's département and région, for its groups.
    names: StoredValue<results::Names>,
}

impl SimCtx {
    fn new(year: i32, finess: String, page: Loaded) -> Self {
        let names = StoredValue::new(results::Names {
            department: page.structure.department_name.clone(),
            region: page.structure.region_name.clone(),
        });
        let texts = live::drafts_of(&page.doc.values);
        let stored = StoredValue::new(texts.clone());
        let drafts = RwSignal::new(texts);
        let engine = StoredValue::new_local(page.engine);
        let live =
            Memo::new(move |_| drafts.with(|d| engine.with_value(|e| e.evaluate(d, &BTreeSet::new()))));
        let request = Memo::new(move |_| {
            live.with(|live| {
                let Some(live) = live else {
                    return (BTreeMap::new(), Vec::new());
                };
                let changed = drafts.with(|d| {
                    stored.with_value(|s| {
                        d.iter()
                            .filter(|(code, text)| {
                                s.get(*code).map_or(!text.trim().is_empty(), |t| t != *text)
                            })
                            .filter_map(|(code, _)| Some((code.clone(), live.values.get(code)?.clone())))
                            .collect()
                    })
                });
                (changed, live.errors.keys().cloned().collect())
            })
        });
        let ctx = Self {
            engine,
            stored,
            drafts,
            live,
            request,
            simulation: RwSignal::new(page.simulation),
            pending: RwSignal::new(false),
            problem: RwSignal::new(None),
            announce: RwSignal::new(String::new()),
            names,
        };
        ctx.simulate_on_change(year, finess);
        ctx
    }

    /// Asks for the simulation of the changes once they have not moved for [`DEBOUNCE`]; an answer to
    /// an older request than the last one is dropped.
    fn simulate_on_change(self, year: i32, finess: String) {
        let finess = StoredValue::new(finess);
        let ticket = StoredValue::new(0_u64);
        Effect::new(move |first: Option<()>| {
            let (values, invalid) = self.request.get();
            if first.is_none() {
                return;
            }
            let mine = ticket.get_value() + 1;
            ticket.set_value(mine);
            self.pending.set(true);
            set_timeout(
                move || {
                    if ticket.get_value() != mine {
                        return;
                    }
                    spawn_local(async move {
                        let request = SimulateRequest { values };
                        let answer = api::simulate(year, &finess.get_value(), &request).await;
                        if ticket.get_value() != mine {
                            return;
                        }
                        self.answered(answer, &invalid);
                    });
                },
                DEBOUNCE,
            );
        });
    }

    fn answered(self, answer: Result<Simulation, UiError>, invalid: &[String]) {
        self.pending.set(false);
        match answer {
            Ok(simulation) => {
                let labels: Vec<String> = self.engine.with_value(|e| {
                    invalid
                        .iter()
                        .filter_map(|code| e.catalogue.item(code).map(|i| i.label.clone()))
                        .collect()
                });
                self.announce.set(summary(&simulation, &labels));
                self.problem.set(None);
                self.simulation.set(simulation);
            }
            Err(error) => {
                let mut message = error.message();
                for (_, field) in error.field_errors() {
                    message.push(' ');
                    message.push_str(&field);
                }
                self.announce
                    .set(format!("La simulation n'a pas pu être mise à jour. {message}"));
                self.problem.set(Some(message));
            }
        }
    }

    /// Back to the stored values (the simulation follows).
    fn reset(self) {
        self.drafts.set(self.stored.get_value());
    }
}

/// `none` for 0, « 1 `one` », « n `many` ».
fn count(n: usize, none: &str, one: &str, many: &str) -> String {
    match n {
        0 => none.to_owned(),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// The one sentence the live region says after an answer.
fn summary(simulation: &Simulation, invalid: &[String]) -> String {
    let dialogue = || {
        simulation
            .indicators
            .iter()
            .filter(|i| i.level == Level::Dialogue)
    };
    let moved = dialogue().filter(|i| i.current != i.simulated).count();
    let ranks = dialogue()
        .flat_map(|i| [&i.department, &i.region, &i.national])
        .filter(|l| l.current.as_ref().and_then(|p| p.rank) != l.simulated.as_ref().and_then(|p| p.rank))
        .count();
    let mut text = if simulation.changed.is_empty() {
        "Simulation revenue aux valeurs enregistrées.".to_owned()
    } else {
        format!(
            "Simulation mise à jour : {} ; {} ; {}.",
            count(
                simulation.changed.len(),
                "aucune donnée modifiée",
                "donnée modifiée",
                "données modifiées"
            ),
            count(
                moved,
                "aucun indicateur du dialogue ne change",
                "indicateur du dialogue change",
                "indicateurs du dialogue changent"
            ),
            count(ranks, "aucun rang ne change", "rang change", "rangs changent"),
        )
    };
    for label in invalid {
        text.push_str(&format!(" Valeur non valide ignorée : « {label} »."));
    }
    text
}

#[component]
fn Simulator(page: Loaded) -> impl IntoView {
    let year = page.simulation.campaign;
    let finess = page.simulation.finess.clone();
    let title = format!("Simulation {year} — {}", page.structure.name);
    let identity = format!(
        "FINESS {finess} — {} — {}",
        page.structure.city, page.structure.department_name
    );
    let frozen = frozen_notice(page.simulation.frozen_at.as_deref());
    let ctx = SimCtx::new(year, finess.clone(), page);
    view! {
        <div class="tdb-simulation" data-testid="simulation-page">
            <h1>{title}</h1>
            <p class="fr-text--sm">{identity}</p>
            <div class="fr-notice fr-notice--info fr-mb-2w" data-testid="nothing-saved">
                <div class="fr-container">
                    <div class="fr-notice__body">
                        <p class="fr-notice__title">
                            "Rien n'est enregistré : cette page travaille sur une copie des valeurs enregistrées \
                             de la structure. Ni le formulaire ni les chiffres publiés ne changent."
                        </p>
                    </div>
                </div>
            </div>
            <p class="fr-text--sm" data-testid="frozen">{frozen}</p>
            <p class="fr-text--sm">
                "Modifiez les données : les indicateurs, leurs rangs et quartiles dans les groupes du \
                 département, de la région et de la France entière sont recalculés par le serveur quelques \
                 instants après votre dernière saisie, contre les chiffres de la campagne. Le groupe ne bouge \
                 pas : votre valeur y remplace la valeur enregistrée."
            </p>
            <p>
                <a class="fr-link" href=format!("/restitution/{year}/{finess}")>"Retour à la restitution"</a>
            </p>
            <p class="fr-sr-only" role="status" aria-live="polite" aria-atomic="true"
                data-testid="simulation-announce">{move || ctx.announce.get()}</p>
            <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-lg-5">
                    <inputs::Inputs ctx/>
                </div>
                <div class="fr-col-12 fr-col-lg-7">
                    <results::Results ctx/>
                </div>
            </div>
            <span data-testid="simulation-ready" hidden=true></span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use tdb_domain::contract::{
        Direction, IndicatorUnit, PeerStats, Position, SimulatedIndicator, SimulatedLevel,
    };

    use super::*;

    fn level(territory: &str, current: Option<u32>, simulated: Option<u32>) -> SimulatedLevel {
        let position = |rank| Position {
            rank: Some(rank),
            position: 1,
            percentile: 50.0,
            quartile: 2,
        };
        SimulatedLevel {
            territory: territory.to_owned(),
            peers: PeerStats {
                n: 10,
                withheld: false,
                reason: None,
                stats: None,
            },
            current: current.map(position),
            simulated: simulated.map(position),
        }
    }

    fn indicator(
        code: &str,
        level_of: Level,
        values: (f64, f64),
        national: (u32, u32),
    ) -> SimulatedIndicator {
        SimulatedIndicator {
            indicator: code.to_owned(),
            label: code.to_owned(),
            level: level_of,
            unit: IndicatorUnit::Ratio,
            direction: Direction::HigherBetter,
            current: Some(values.0),
            simulated: Some(values.1),
            department: level("department:59", Some(3), Some(3)),
            region: level("region:32", Some(5), Some(5)),
            national: level("national", Some(national.0), Some(national.1)),
        }
    }

    fn simulation(changed: &[&str], indicators: Vec<SimulatedIndicator>) -> Simulation {
        Simulation {
            campaign: 2024,
            finess: "591000005".to_owned(),
            category: "ehpad".to_owned(),
            department: "59".to_owned(),
            region: "32".to_owned(),
            frozen_at: None,
            reached: true,
            changed: changed.iter().map(|c| (*c).to_owned()).collect(),
            indicators,
            objectives: Vec::new(),
        }
    }

    #[test]
    fn one_sentence_counts_the_changes_of_the_dialogue_indicators_only() {
        let moved = simulation(
            &["places_financees_hp"],
            vec![
                indicator("taux_occupation_hp", Level::Dialogue, (0.9, 1.8), (72, 1)),
                indicator("taux_realisation_activite", Level::Dialogue, (0.9, 0.9), (40, 40)),
                // A key analysis indicator that moves is not counted: the page shows the dialogue ones.
                indicator(
                    "nombre_moyen_journees_absence",
                    Level::CleAnalyse,
                    (4.0, 8.0),
                    (9, 1),
                ),
            ],
        );
        assert_eq!(
            summary(&moved, &[]),
            "Simulation mise à jour : 1 donnée modifiée ; 1 indicateur du dialogue change ; 1 rang change."
        );
        let two = simulation(
            &["a", "b"],
            vec![indicator("x", Level::Dialogue, (1.0, 1.0), (2, 2))],
        );
        assert_eq!(
            summary(&two, &["Places financées".to_owned()]),
            "Simulation mise à jour : 2 données modifiées ; aucun indicateur du dialogue ne change ; aucun \
             rang ne change. Valeur non valide ignorée : « Places financées »."
        );
        assert_eq!(
            summary(&simulation(&[], Vec::new()), &[]),
            "Simulation revenue aux valeurs enregistrées."
        );
    }
}
