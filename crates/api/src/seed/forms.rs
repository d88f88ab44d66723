//! Forms of generated structures: a state per campaign phase, values, and the cached evaluation.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tdb_domain::contract::{CampaignPhase, ControlStatus};
use tdb_domain::{Catalogue, Evaluation, FormValues, evaluate};

use super::SeedError;
use super::values::{self, applicable_items};
use super::world::{Planned, values_rng};
use super::writer::{FormRow, ValueRow};

/// Who the generated rows are attributed to.
const AUTHOR: &str = "seed";

/// A campaign to fill, with its catalogue and the items that apply per category.
pub struct CampaignData {
    /// Year.
    pub year: i32,
    /// Phase (decides the mix of form states).
    pub phase: CampaignPhase,
    catalogue: &'static Catalogue,
    applicable: Vec<HashSet<String>>,
    /// Per item: its prefill source code and whether that source locks the value.
    prefill: HashMap<String, (String, bool)>,
}

impl CampaignData {
    /// Prepares campaign `year` in `phase`.
    pub fn new(year: i32, phase: CampaignPhase) -> Result<Self, SeedError> {
        let catalogue = tdb_domain::catalogue_for(year).map_err(|e| SeedError::Catalogue(e.to_string()))?;
        let applicable = catalogue
            .categories()
            .iter()
            .map(|c| applicable_items(catalogue, &c.code))
            .collect();
        let prefill = catalogue
            .items()
            .iter()
            .filter_map(|item| {
                let source = serde_json::to_value(item.prefill?).ok()?.as_str()?.to_owned();
                let locked = matches!(source.as_str(), "finess" | "cnsa_galaad");
                Some((item.code.clone(), (source, locked)))
            })
            .collect();
        Ok(Self {
            year,
            phase,
            catalogue,
            applicable,
            prefill,
        })
    }

    /// The catalogue of the campaign.
    pub fn catalogue(&self) -> &'static Catalogue {
        self.catalogue
    }
}

/// What happens to one structure's form in a campaign.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    /// No form row.
    Absent,
    /// A form in `state` holding about `fill` of its values.
    Form { state: &'static str, fill: f64 },
}

fn fate(phase: CampaignPhase, rng: &mut ChaCha8Rng) -> Fate {
    let draw: f64 = rng.r#gen();
    match phase {
        CampaignPhase::Preparation => Fate::Absent,
        CampaignPhase::Restitution | CampaignPhase::Archivee if draw < 0.03 => Fate::Absent,
        CampaignPhase::Restitution | CampaignPhase::Archivee => Fate::Form {
            state: "cloture",
            fill: if draw < 0.1 { 0.93 } else { 1.0 },
        },
        _ if draw < 0.08 => Fate::Absent,
        _ if draw < 0.13 => Fate::Form {
            state: "non_commence",
            fill: 0.0,
        },
        _ if draw < 0.48 => Fate::Form {
            state: "en_cours",
            fill: rng.gen_range(0.3..0.95),
        },
        _ if draw < 0.68 => Fate::Form {
            state: "soumis",
            fill: 1.0,
        },
        _ if draw < 0.73 => Fate::Form {
            state: "correction_demandee",
            fill: 1.0,
        },
        _ => Fate::Form {
            state: "valide",
            fill: 1.0,
        },
    }
}

/// Rows of one batch of structures for every campaign, in campaign order.
#[derive(Debug, Default)]
pub struct Batch {
    /// Form rows.
    pub forms: Vec<FormRow>,
    /// Value rows.
    pub values: Vec<ValueRow>,
}

/// The form a newcomer opens first (the demo `esms` user's, in the campaign being collected): FINESS
/// and campaign year.
pub type Showcase<'a> = (&'a str, i32);

/// Generates the forms of `structures` for `campaigns` (ascending years): values drawn from each
/// structure's profile, completion and readiness computed by the domain engine (with the previous
/// campaign for the year-over-year control). The `showcase` form, if any, is made to show the product
/// working ([`showcase_values`]).
pub fn generate(
    structures: &[Planned],
    campaigns: &[CampaignData],
    showcase: Option<Showcase<'_>>,
    at: NaiveDateTime,
    rng: &mut ChaCha8Rng,
) -> Result<Batch, SeedError> {
    let mut batch = Batch::default();
    let no_justification = BTreeSet::new();
    for planned in structures {
        let mut previous: Option<Evaluation<'static>> = None;
        for campaign in campaigns {
            let is_showcase = showcase == Some((planned.row.finess.as_str(), campaign.year));
            let fate = match fate(campaign.phase, rng) {
                _ if is_showcase => Fate::Form {
                    state: "en_cours",
                    fill: 1.0,
                },
                fate => fate,
            };
            let Fate::Form { state, fill } = fate else {
                previous = None;
                continue;
            };
            let category = &campaign.catalogue.categories()[planned.category];
            let drift = 1.0 + f64::from(campaign.year - 2023) * 0.02 + rng.gen_range(-0.03..0.03);
            let mut all = values::generate(
                campaign.catalogue,
                category,
                &campaign.applicable[planned.category],
                &planned.profile,
                drift,
                &mut values_rng(planned),
            );
            if fill < 1.0 {
                values::retain_share(&mut all, || rng.gen_bool(fill));
            }
            if is_showcase {
                showcase_values(&mut all, campaign);
            }
            let typed = FormValues::from_json(campaign.catalogue, &all).map_err(|errors| {
                SeedError::InvalidValues(
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.item, e.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            let evaluation = evaluate(
                campaign.catalogue,
                &category.code,
                &typed,
                previous.as_ref(),
                &no_justification,
            )
            .map_err(|e| SeedError::Catalogue(e.to_string()))?;
            let completion = evaluation.completion().overall;
            let failing = evaluation
                .controls()
                .iter()
                .filter(|c| c.status == ControlStatus::Evaluated && c.passed == Some(false))
                .count();
            let submitted = !matches!(state, "non_commence" | "en_cours");
            let validated = matches!(state, "valide" | "cloture");
            let finess = &planned.row.finess;
            batch.forms.push(FormRow {
                campaign_year: campaign.year,
                structure_finess: finess.clone(),
                state: state.to_owned(),
                version: 1,
                completion_rate: completion.rate(),
                filled: i32::try_from(completion.filled).unwrap_or(i32::MAX),
                required: i32::try_from(completion.required).unwrap_or(i32::MAX),
                can_submit: evaluation.can_submit(),
                alert_count: i32::try_from(failing).unwrap_or(i32::MAX),
                submitted_at: submitted.then_some(at),
                submitted_by: submitted.then(|| AUTHOR.to_owned()),
                ars_validated_at: (validated && planned.row.competence != "CD").then_some(at),
                ars_validated_by: (validated && planned.row.competence != "CD").then(|| AUTHOR.to_owned()),
                cd_validated_at: (validated && planned.row.competence != "ARS").then_some(at),
                cd_validated_by: (validated && planned.row.competence != "ARS").then(|| AUTHOR.to_owned()),
                updated_at: at,
            });
            for (code, value) in all {
                let json = value.to_string();
                let (source, locked, prefill) = match campaign.prefill.get(&code) {
                    Some((source, locked)) => (source.clone(), *locked, Some(json.clone())),
                    None => ("saisie".to_owned(), false, None),
                };
                batch.values.push(ValueRow {
                    campaign_year: campaign.year,
                    structure_finess: finess.clone(),
                    item_code: code,
                    value_json: json,
                    prefill_source: prefill.as_ref().map(|_| source.clone()),
                    source,
                    batch_id: Some(format!("seed-{}", campaign.year)),
                    locked,
                    prefill_value_json: prefill,
                    override_reason: None,
                    author: AUTHOR.to_owned(),
                    updated_at: at,
                    version: 1,
                });
            }
            previous = Some(evaluation);
        }
    }
    Ok(batch)
}

/// The showcase form: the activity and staff axes (0 to 2) filled, of the finance and objectives axes
/// only the values pushed by a partner (prefilled, shown with their source) — what a director has
/// typed before the accounts are closed —, and one more GIR 1 resident than the headcount allows, so the
/// `gir_egal_effectif` alert waits for a justification. Whole axes are left, not scattered items, so
/// the coherence controls of what is filled hold.
fn showcase_values(all: &mut BTreeMap<String, serde_json::Value>, campaign: &CampaignData) {
    let catalogue = campaign.catalogue;
    all.retain(|code, _| {
        campaign.prefill.contains_key(code) || catalogue.item(code).is_some_and(|item| item.axis < 3)
    });
    if let Some(gir_1) = all.get_mut("personnes_gir_1")
        && let Some(n) = gir_1.as_i64()
    {
        *gir_1 = serde_json::Value::from(n + 1);
    }
}
