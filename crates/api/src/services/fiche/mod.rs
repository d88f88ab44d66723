//! The fiche de synthèse of a structure: identity, completion and state over the last three
//! campaigns, its dialogue-level indicators against their peers with their trend, and the failing
//! controls of the campaign's form; as JSON ([`fiche`]) or as an A4 PDF ([`pdf`]).

pub mod batch;
pub mod pdf;

use std::collections::HashMap;
use std::sync::Arc;

use tdb_domain::catalogue_for;
use tdb_domain::contract::{
    ControlStatus, Direction, Fiche, FicheCampaign, FicheCapacity, FicheControl, FicheIdentity,
    FicheIndicator, FichePoint, FormState, Level, Severity,
};

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::structures::StructureRow;
use crate::db::repo::{forms, organisations, values};
use crate::error::{ApiError, ProblemCode};
use crate::services::benchmarks::{self, CampaignPeers, PeerSource, Territory, in_scope, is_frozen_phase};
use crate::services::cpom::in_force;
use crate::services::forms::document;
use crate::services::values::parse_json;

/// Campaigns shown on a fiche: the campaign and the two before it.
const CAMPAIGNS: i32 = 3;

/// Authorised capacity items and the French label of their mode.
const CAPACITY: [(&str, &str); 3] = [
    ("places_autorisees_hp", "Hébergement permanent"),
    ("places_autorisees_ht", "Hébergement temporaire"),
    ("places_autorisees_aj", "Accueil de jour"),
];

/// What the fiche reads from the database, besides the peer groups.
struct Base {
    row: StructureRow,
    fiche: Fiche,
    /// Campaigns that exist among the three, oldest first.
    years: Vec<i32>,
}

/// The fiche of `finess` for campaign `year`, as `principal` may see it (404 outside the scope).
pub async fn fiche(
    source: &PeerSource,
    principal: Principal,
    finess: String,
    year: i32,
) -> Result<Fiche, ApiError> {
    let base = source
        .pool
        .run(move |conn| read_base(conn, &principal, &finess, year))
        .await?;
    let mut peers = Vec::new();
    for y in &base.years {
        peers.push(benchmarks::campaign_peers(source, *y).await?);
    }
    Ok(complete(base, &peers))
}

/// The fiche from `base` and the peer groups of its campaigns (same order as `base.years`).
fn complete(base: Base, peers: &[Arc<CampaignPeers>]) -> Fiche {
    let Base {
        row,
        mut fiche,
        years,
    } = base;
    let Some(current) = peers.last() else { return fiche };
    let category = current
        .input(&row.finess)
        .map_or(row.category.clone(), |i| i.category.clone());
    fiche.frozen_at = current.frozen_at.map(crate::services::values::rfc3339);
    fiche.indicators = current
        .catalogue
        .indicators()
        .iter()
        .filter(|def| def.level == Level::Dialogue && in_scope(current.catalogue, def, &category))
        .map(|def| {
            let points: Vec<FichePoint> = years
                .iter()
                .zip(peers)
                .map(|(year, peers)| point(peers, *year, &row, &def.code, def.direction))
                .collect();
            let values: Vec<Option<f64>> = points.iter().map(|p| p.value).collect();
            let (trend, improving) = tdb_domain::display::trend(&values, def.unit, def.direction);
            FicheIndicator {
                indicator: def.code.clone(),
                label: def.label.clone(),
                unit: def.unit,
                direction: def.direction,
                points,
                trend,
                improving,
            }
        })
        .collect();
    fiche
}

/// One campaign of an indicator: the structure's value, and the first group not withheld from the
/// département up with its median and the structure's rank.
fn point(
    peers: &CampaignPeers,
    year: i32,
    row: &StructureRow,
    code: &str,
    direction: Direction,
) -> FichePoint {
    let empty = FichePoint {
        campaign: year,
        value: None,
        territory: None,
        median: None,
        rank: None,
        n: None,
    };
    let Some(index) = peers.catalogue.indicator_index(code) else {
        return empty;
    };
    let input = peers.input(&row.finess);
    let value = input.and_then(|i| i.values.get(index).copied().flatten());
    let (category, region, department) = match input {
        Some(i) => (i.category.as_str(), i.region.as_str(), i.department.as_str()),
        None => (
            row.category.as_str(),
            row.region_code.as_str(),
            row.department_code.as_str(),
        ),
    };
    let levels = [
        Territory::Department(department.to_owned()),
        Territory::Region(region.to_owned()),
        Territory::National,
    ];
    for territory in levels {
        let stats = peers.stats(index, category, &territory);
        if let Some(summary) = stats.stats {
            let rank = value
                .and_then(|v| peers.position(index, category, &territory, v, direction))
                .and_then(|p| p.rank);
            return FichePoint {
                value,
                territory: Some(territory.to_string()),
                median: Some(summary.median),
                rank,
                n: Some(stats.n),
                ..empty
            };
        }
    }
    FichePoint { value, ..empty }
}

fn read_base(
    conn: &mut DbConnection,
    principal: &Principal,
    finess: &str,
    year: i32,
) -> Result<Base, ApiError> {
    let row = benchmarks::visible_structure(conn, principal, finess)?;
    if forms::campaign_phase(conn, year)?.is_none() {
        return Err(ApiError::NotFound {
            code: ProblemCode::CampaignNotFound,
            detail: format!("La campagne {year} n'existe pas."),
        });
    }
    let catalogue = catalogue_for(year)?;
    let organisation_name = organisations::find(conn, &row.organisation_finess)?
        .map(|o| o.name)
        .unwrap_or_default();
    let category_label = catalogue
        .categories()
        .iter()
        .find(|c| c.code == row.category)
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let stored: HashMap<String, serde_json::Value> = values::load_json(conn, year, finess)?
        .into_iter()
        .map(|(item, json)| (item, parse_json(&json)))
        .collect();
    let capacity = CAPACITY
        .iter()
        .filter_map(|(item, label)| {
            Some(FicheCapacity {
                item: (*item).to_owned(),
                label: (*label).to_owned(),
                places: stored.get(*item)?.as_f64()?,
            })
        })
        .collect();
    // The CPOM today, by the one rule the coverage page also uses (never the form's own answer, which
    // may be stale or typed before the contract was recorded).
    let contract = in_force::under_cpom_on(conn, finess, &in_force::today())?;
    let cpom = Some(contract.is_some());
    let cpom_ends_on = contract.map(|c| c.end_date);
    let mut years = Vec::new();
    let mut campaigns = Vec::new();
    for y in year - CAMPAIGNS + 1..=year {
        let Some(phase) = forms::campaign_phase(conn, y)? else {
            continue;
        };
        let threshold = u64::from(catalogue_for(y)?.completion_rule().threshold_percent);
        let form = forms::find(conn, y, finess)?;
        let state = match &form {
            Some(f) => f.state,
            None if is_frozen_phase(&phase) => FormState::Cloture,
            None => FormState::NonCommence,
        };
        let (rate, reached) = form.as_ref().map_or((0.0, false), |f| {
            let filled = u64::try_from(f.filled).unwrap_or(0);
            let required = u64::try_from(f.required).unwrap_or(0);
            (f.completion_rate, 100 * filled >= threshold * required)
        });
        years.push(y);
        campaigns.push(FicheCampaign {
            campaign: y,
            state,
            completion_rate: rate,
            threshold_reached: reached,
        });
    }
    let failed_controls = failed_controls(&document(conn, principal, year, finess)?);
    Ok(Base {
        fiche: Fiche {
            campaign: year,
            identity: FicheIdentity {
                finess: row.finess.clone(),
                name: row.name.clone(),
                category: row.category.clone(),
                category_label,
                organisation_finess: row.organisation_finess.clone(),
                organisation_name,
                city: row.city.clone(),
                department: row.department_code.clone(),
                region: row.region_code.clone(),
                capacity,
                cpom,
                cpom_ends_on,
            },
            campaigns,
            indicators: Vec::new(),
            failed_controls,
            frozen_at: None,
        },
        row,
        years,
    })
}

/// Failing controls of a form: blocking ones first, then alerts, each in result order.
fn failed_controls(document: &tdb_domain::contract::FormDocument) -> Vec<FicheControl> {
    let mut failed: Vec<FicheControl> = document
        .evaluation
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Evaluated && c.passed == Some(false))
        .map(|c| {
            let key = match &c.indicator {
                Some(indicator) => format!("{}.{indicator}", c.code),
                None => c.code.clone(),
            };
            FicheControl {
                justified: document.justifications.contains_key(&key),
                key,
                severity: c.severity,
                message: c.message.clone(),
            }
        })
        .collect();
    failed.sort_by_key(|c| c.severity != Severity::Bloquant);
    failed
}
