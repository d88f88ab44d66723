//! Restitution (§7): peer statistics of a group, a structure's benchmark, and the freezing of a
//! campaign's figures when it enters `restitution`.
//!
//! Statistics are computed from each structure's inputs ([`inputs`]): cached per form and refreshed
//! when a form changes version while the campaign is live, read from the campaign's snapshot once it
//! is frozen. The groups of a campaign are built once and kept while its data stamp holds ([`memo`]).
//! A structure only ever receives anonymous statistics and its own position, never another
//! structure's value or rank.

pub mod inputs;
pub mod memo;
pub mod peers;
pub mod reference;
pub mod simulate;
pub mod table;
pub mod territory;

use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::Connection;
use tdb_domain::contract::{
    FieldError, GroupBenchmark, IndicatorBenchmark, IndicatorDef, LevelBenchmark, StructureBenchmark,
};
use tdb_domain::{Catalogue, catalogue_for};

use crate::auth::Principal;
use crate::auth::principal::StructureScope;
use crate::db::repo::peers as repo;
use crate::db::repo::scope::visible_structures;
use crate::db::repo::{forms, structures};
use crate::db::{DbConnection, DbPool};
use crate::error::{ApiError, ProblemCode};
use crate::services::events;
use crate::services::values::rfc3339;

pub use memo::{PeerMemo, Stamp};
pub use peers::CampaignPeers;
pub use territory::Territory;

/// What the peer groups are built from: the database and the process's memo of them.
#[derive(Clone)]
pub struct PeerSource {
    /// The database pool.
    pub pool: DbPool,
    /// Peer groups of each campaign, kept while the campaign's data stamp holds.
    pub memo: Arc<PeerMemo>,
}

/// Phases whose figures are frozen.
pub fn is_frozen_phase(phase: &str) -> bool {
    matches!(phase, "restitution" | "archivee")
}

/// Freezes campaign `year` now (in the caller's transaction), unless it already is; the forms of the
/// campaigns it becomes the peer reference of get their summaries (alert counts) recomputed.
pub fn freeze(conn: &mut DbConnection, year: i32, at: NaiveDateTime) -> Result<bool, ApiError> {
    let catalogue = catalogue_for(year)?;
    let frozen = inputs::freeze(conn, year, catalogue, at)?;
    if frozen {
        crate::services::forms::refresh_after_freeze(conn, year)?;
    }
    Ok(frozen)
}

/// Freezes campaign `year` on first read (data loaded before freezing existed, or seeded), with its
/// `benchmarks.frozen` event (actor `system`, payload `{"lazy": true}`) when this call froze it.
fn freeze_lazily(conn: &mut DbConnection, year: i32, at: NaiveDateTime) -> Result<bool, ApiError> {
    let frozen = freeze(conn, year, at)?;
    if frozen {
        let event = events::of(
            (events::SYSTEM, events::SYSTEM),
            events::BENCHMARKS_FROZEN,
            (Some(year), None),
            &serde_json::json!({"lazy": true}),
            at,
        );
        events::append(conn, &[event])?;
    }
    Ok(frozen)
}

enum Lookup {
    Ready(Arc<CampaignPeers>),
    Built(Arc<CampaignPeers>, Vec<repo::PeerInputRow>),
    Freeze,
}

/// The peer groups of campaign `year`: kept ones while the data stamp holds, otherwise built (and
/// the per-form cache refreshed); a campaign past `fiabilisation` without a snapshot (data loaded
/// before this feature, or seeded) is frozen first. 404 when the campaign does not exist.
pub async fn campaign_peers(source: &PeerSource, year: i32) -> Result<Arc<CampaignPeers>, ApiError> {
    for _ in 0..2 {
        let memo = Arc::clone(&source.memo);
        let data_version = source.pool.data_version();
        match source
            .pool
            .run(move |conn| lookup(conn, &memo, year, data_version))
            .await?
        {
            Lookup::Ready(peers) => return Ok(peers),
            Lookup::Built(peers, stale) => {
                if !stale.is_empty() {
                    source
                        .pool
                        .run_write(move |conn| Ok(conn.transaction(|conn| repo::store(conn, &stale))?))
                        .await?;
                }
                return Ok(peers);
            }
            Lookup::Freeze => {
                let at = chrono::Utc::now().naive_utc();
                source
                    .pool
                    .run_write(move |conn| conn.transaction(|conn| freeze_lazily(conn, year, at)))
                    .await?;
            }
        }
    }
    Err(ApiError::Internal(format!("campaign {year} could not be frozen")))
}

/// `data_version`: the database's change counter, read before anything else (SQLite).
fn lookup(
    conn: &mut DbConnection,
    memo: &PeerMemo,
    year: i32,
    data_version: Option<i64>,
) -> Result<Lookup, ApiError> {
    let phase = forms::campaign_phase(conn, year)?.ok_or_else(|| campaign_not_found(year))?;
    let stamp = if is_frozen_phase(&phase) {
        match repo::frozen_at(conn, year)? {
            Some(at) => Stamp::Frozen(at),
            None => return Ok(Lookup::Freeze),
        }
    } else {
        match data_version.and_then(|v| memo.live_stamp_at(year, v)) {
            Some(stamp) => Stamp::Live(stamp),
            None => {
                let stamp = repo::live_stamp(conn, year)?;
                if let Some(v) = data_version {
                    memo.keep_live_stamp(year, v, stamp);
                }
                Stamp::Live(stamp)
            }
        }
    };
    if let Some(peers) = memo.get(year, &stamp) {
        return Ok(Lookup::Ready(peers));
    }
    let _building = memo.building();
    if let Some(peers) = memo.get(year, &stamp) {
        return Ok(Lookup::Ready(peers));
    }
    let catalogue = catalogue_for(year)?;
    let (inputs, stale, frozen_at) = match stamp {
        Stamp::Frozen(at) => (inputs::frozen(conn, year)?, Vec::new(), Some(at)),
        Stamp::Live(_) => {
            let refreshed = inputs::live(conn, year, catalogue)?;
            (refreshed.inputs, refreshed.stale, None)
        }
    };
    let peers = Arc::new(CampaignPeers::new(year, catalogue, frozen_at, inputs));
    memo.put(year, stamp, Arc::clone(&peers));
    Ok(Lookup::Built(peers, stale))
}

/// A fault of a statistics query, at `path`.
fn field(path: &str, code: &str, message: String) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        message,
    }
}

/// The `category` of a statistics query (`/query/category`): required and known to the campaign's
/// catalogue (a code, a FINESS category or an alias); its fault, if any, added to `errors`.
fn query_category(
    catalogue: &Catalogue,
    category: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<tdb_domain::CategoryCode> {
    let Some(code) = category else {
        errors.push(field(
            "/query/category",
            "required",
            "Indiquez une catégorie.".to_owned(),
        ));
        return None;
    };
    let found = catalogue.resolve_category(code);
    if found.is_none() {
        errors.push(field(
            "/query/category",
            "unknown_category",
            format!("La catégorie « {code} » n'existe pas dans le catalogue de la campagne."),
        ));
    }
    found
}

fn campaign_not_found(year: i32) -> ApiError {
    ApiError::NotFound {
        code: ProblemCode::CampaignNotFound,
        detail: format!("La campagne {year} n'existe pas."),
    }
}

/// Query of `GET /campaigns/{year}/benchmarks`.
#[derive(Debug, Clone)]
pub struct GroupQuery {
    /// Indicator code.
    pub indicator: Option<String>,
    /// Category code, FINESS code or alias.
    pub category: Option<String>,
    /// Territory; national when absent.
    pub territory: Option<String>,
}

/// A checked [`GroupQuery`].
struct CheckedQuery {
    indicator: usize,
    category: String,
    territory: Territory,
}

fn check_query(catalogue: &Catalogue, query: &GroupQuery) -> Result<CheckedQuery, ApiError> {
    let mut errors = Vec::new();
    let indicator = match query.indicator.as_deref() {
        None => {
            errors.push(field(
                "/query/indicator",
                "required",
                "Indiquez un indicateur.".to_owned(),
            ));
            None
        }
        Some(code) => {
            let found = catalogue.indicator_index(code);
            if found.is_none() {
                errors.push(field(
                    "/query/indicator",
                    "unknown_indicator",
                    format!("L'indicateur « {code} » n'existe pas dans le catalogue de la campagne."),
                ));
            }
            found
        }
    };
    let category =
        query_category(catalogue, query.category.as_deref(), &mut errors).map(|c| c.as_str().to_owned());
    let territory = match Territory::parse(
        query.territory.as_deref().unwrap_or("national"),
        "/query/territory",
    ) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (indicator, category, territory) {
        (Some(indicator), Some(category), Some(territory)) if errors.is_empty() => Ok(CheckedQuery {
            indicator,
            category,
            territory,
        }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// The level above `territory` (département → région → national), checking that its code exists.
fn parent(conn: &mut DbConnection, territory: &Territory) -> Result<Option<Territory>, ApiError> {
    let unknown = || {
        ApiError::Validation(vec![FieldError {
            path: "/query/territory".to_owned(),
            code: "unknown_territory".to_owned(),
            message: format!("Le territoire « {territory} » n'existe pas."),
        }])
    };
    match territory {
        Territory::National => Ok(None),
        Territory::Region(code) => {
            if repo::region_exists(conn, code)? {
                Ok(Some(Territory::National))
            } else {
                Err(unknown())
            }
        }
        Territory::Department(code) => structures::department_region(conn, code)?
            .map(|region| Some(Territory::Region(region)))
            .ok_or_else(unknown),
    }
}

/// `GET /campaigns/{year}/benchmarks`: anonymous statistics of one group, for any caller who may
/// read (a partner without the `read` scope may not).
pub async fn group(
    source: &PeerSource,
    principal: &Principal,
    year: i32,
    query: GroupQuery,
) -> Result<GroupBenchmark, ApiError> {
    if principal.scope == StructureScope::Nothing {
        return Err(ApiError::Forbidden(
            "Votre accès ne permet pas de lire les statistiques.".to_owned(),
        ));
    }
    let peers = campaign_peers(source, year).await?;
    let checked = check_query(peers.catalogue, &query)?;
    let territory = checked.territory.clone();
    let parent = source.pool.run(move |conn| parent(conn, &territory)).await?;
    let stats = peers.stats(checked.indicator, &checked.category, &checked.territory);
    Ok(GroupBenchmark {
        campaign: year,
        indicator: peers.catalogue.indicators()[checked.indicator].code.clone(),
        category: checked.category,
        territory: checked.territory.to_string(),
        fallback: if stats.withheld {
            parent.map(|p| p.to_string())
        } else {
            None
        },
        peers: stats,
        frozen_at: peers.frozen_at.map(rfc3339),
    })
}

/// Whether `indicator` applies to `category` in `catalogue` (its scope lists the category).
pub fn in_scope(catalogue: &Catalogue, indicator: &IndicatorDef, category: &str) -> bool {
    catalogue
        .document()
        .scopes
        .iter()
        .any(|s| s.code == indicator.scope && s.members.iter().any(|m| m == category))
        && indicator.first_campaign <= catalogue.campaign()
}

/// Where a structure sits for a campaign: its category and territories as in the campaign's inputs
/// (as frozen, for a frozen campaign), or as stored when it has no form.
struct Placed {
    /// FINESS ET.
    pub finess: String,
    /// Category code.
    pub category: String,
    /// Region code.
    pub region: String,
    /// Department code.
    pub department: String,
}

/// The structure `finess` if `principal` may see its benchmark and fiche: the same rule as its form
/// (a partner with `read` reads every structure, as it reads every form); 404 outside the caller's scope.
pub fn visible_structure(
    conn: &mut DbConnection,
    principal: &Principal,
    finess: &str,
) -> Result<crate::db::repo::structures::StructureRow, ApiError> {
    let not_found = || ApiError::NotFound {
        code: ProblemCode::StructureNotFound,
        detail: format!("Aucune structure {finess} n'est accessible."),
    };
    structures::find_visible(conn, visible_structures(&principal.scope), finess)?.ok_or_else(not_found)
}

/// `GET /campaigns/{year}/structures/{finess}/benchmark`: every indicator in scope of the
/// structure's category, its value and its position at each level.
pub async fn structure(
    source: &PeerSource,
    principal: Principal,
    year: i32,
    finess: String,
) -> Result<StructureBenchmark, ApiError> {
    let lookup = finess.clone();
    let row = source
        .pool
        .run(move |conn| visible_structure(conn, &principal, &lookup))
        .await?;
    let peers = campaign_peers(source, year).await?;
    Ok(structure_benchmark(&peers, &row))
}

/// The benchmark of the structure `row` in `peers`.
pub fn structure_benchmark(
    peers: &CampaignPeers,
    row: &crate::db::repo::structures::StructureRow,
) -> StructureBenchmark {
    let own = peers.input(&row.finess);
    let placed = match own {
        Some(input) => Placed {
            finess: row.finess.clone(),
            category: input.category.clone(),
            region: input.region.clone(),
            department: input.department.clone(),
        },
        None => Placed {
            finess: row.finess.clone(),
            category: row.category.clone(),
            region: row.region_code.clone(),
            department: row.department_code.clone(),
        },
    };
    let levels = [
        Territory::Department(placed.department.clone()),
        Territory::Region(placed.region.clone()),
        Territory::National,
    ];
    let indicators = peers
        .catalogue
        .indicators()
        .iter()
        .enumerate()
        .filter(|(_, def)| in_scope(peers.catalogue, def, &placed.category))
        .map(|(index, def)| {
            let value = own.and_then(|i| i.values.get(index).copied().flatten());
            let [department, region, national] = levels.clone().map(|territory| {
                let stats = peers.stats(index, &placed.category, &territory);
                let position =
                    value.and_then(|v| peers.position(index, &placed.category, &territory, v, def.direction));
                LevelBenchmark {
                    territory: territory.to_string(),
                    peers: stats,
                    position,
                }
            });
            IndicatorBenchmark {
                indicator: def.code.clone(),
                label: def.label.clone(),
                level: def.level,
                unit: def.unit,
                direction: def.direction,
                value,
                counted: value.is_some() && own.is_some_and(|i| i.reached),
                department,
                region,
                national,
            }
        })
        .collect();
    StructureBenchmark {
        campaign: peers.year,
        finess: placed.finess,
        category: placed.category,
        department: placed.department,
        region: placed.region,
        frozen_at: peers.frozen_at.map(rfc3339),
        indicators,
    }
}
