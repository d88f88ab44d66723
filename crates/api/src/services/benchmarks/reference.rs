//! The reference distribution of the peer outlier flags (`ecart_pairs.<indicator>`): for a campaign
//! being entered, the figures of the **last frozen campaign before it**, by category — the national
//! group and every regional group of each dialogue indicator in scope — as [`GroupSpread`]s (n, median,
//! quartiles, MAD).
//!
//! They are derived from the frozen snapshot (`benchmark_snapshot_inputs`), which already keeps every
//! counted value of every group: the median, quartiles and MAD of a group are a pure function of those
//! rows, so nothing more is stored at freezing and the figures can never drift from the published
//! statistics. A snapshot never changes once written, so a category's figures are kept in the process
//! under (campaign, `frozen_at`, category), bounded like the memo of the N−1 evaluations.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock};

use chrono::NaiveDateTime;
use parking_lot::Mutex;
use tdb_domain::contract::{GroupSpread, IndicatorReference, Level, PeerReference};
use tdb_domain::stats::outliers::group_spread;
use tdb_domain::stats::sort_values;
use tdb_domain::{Catalogue, OutlierReference, catalogue_for};

use super::inputs::parse_values;
use super::{PeerSource, campaign_not_found, campaign_peers, field, in_scope, query_category};
use crate::auth::Principal;
use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::repo::{campaigns, forms, peers};
use crate::error::{ApiError, ProblemCode};
use crate::services::values::rfc3339;

/// Categories kept at most.
const CAPACITY: usize = 256;

/// The figures of one category in one frozen campaign.
#[derive(Debug)]
pub struct CategoryReference {
    /// The frozen campaign.
    pub campaign: i32,
    /// When it was frozen.
    pub frozen_at: NaiveDateTime,
    /// Category code.
    pub category: String,
    /// Per dialogue indicator in scope (catalogue order of the frozen campaign): code, national group,
    /// regional groups by region code.
    indicators: Vec<(String, GroupSpread, HashMap<String, GroupSpread>)>,
}

impl CategoryReference {
    /// The wire reference, with the regional groups of `region` when given.
    pub fn wire(&self, region: Option<&str>) -> PeerReference {
        let empty = group_spread(&[]);
        PeerReference {
            campaign: self.campaign,
            category: self.category.clone(),
            region: region.map(str::to_owned),
            frozen_at: Some(rfc3339(self.frozen_at)),
            indicators: self
                .indicators
                .iter()
                .map(|(code, national, regions)| {
                    let region = region.map(|r| regions.get(r).copied().unwrap_or(empty));
                    (
                        code.clone(),
                        IndicatorReference {
                            national: *national,
                            region,
                        },
                    )
                })
                .collect::<BTreeMap<_, _>>(),
        }
    }

    /// The reference compiled for `catalogue` (the campaign being entered) and `region`.
    pub fn compiled(&self, catalogue: &Catalogue, region: &str) -> OutlierReference {
        OutlierReference::new(catalogue, &self.wire(Some(region)))
    }
}

/// The compiled references of the forms of one campaign, by category and region, each built on first
/// use: what a batch of forms (an import, the refresh after a freeze) evaluates against.
#[derive(Default)]
pub struct ByGroup(HashMap<(String, String), Option<OutlierReference>>);

impl ByGroup {
    /// The reference of a form of campaign `year` (whose catalogue is `catalogue`) of a structure of
    /// `category` in `region`; `None` when no campaign before it is frozen.
    pub fn get(
        &mut self,
        conn: &mut DbConnection,
        (year, catalogue): (i32, &Catalogue),
        category: &str,
        region: &str,
    ) -> Result<Option<&OutlierReference>, ApiError> {
        let key = (category.to_owned(), region.to_owned());
        if !self.0.contains_key(&key) {
            let compiled = for_campaign(conn, year, category)?.map(|r| r.compiled(catalogue, region));
            self.0.insert(key.clone(), compiled);
        }
        Ok(self.0.get(&key).and_then(Option::as_ref))
    }
}

type Key = (i32, NaiveDateTime, String);

static MEMO: LazyLock<Mutex<HashMap<Key, Arc<CategoryReference>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The reference of `category` for a form of campaign `year`: the last campaign frozen before `year`,
/// `None` when there is none.
pub fn for_campaign(
    conn: &mut DbConnection,
    year: i32,
    category: &str,
) -> Result<Option<Arc<CategoryReference>>, ApiError> {
    match peers::last_frozen_before(conn, year)? {
        Some((frozen, at)) => of_frozen(conn, (frozen, at), category).map(Some),
        None => Ok(None),
    }
}

/// The figures of `category` in campaign `frozen`, frozen at `at`: kept ones, or read from the snapshot.
pub fn of_frozen(
    conn: &mut DbConnection,
    (frozen, at): (i32, NaiveDateTime),
    category: &str,
) -> Result<Arc<CategoryReference>, ApiError> {
    let key = (frozen, at, category.to_owned());
    if let Some(kept) = MEMO.lock().get(&key) {
        return Ok(Arc::clone(kept));
    }
    let rows = peers::snapshot_of_category(conn, frozen, category)?;
    let built = Arc::new(build(catalogue_for(frozen)?, (frozen, at), category, &rows)?);
    let mut memo = MEMO.lock();
    if memo.len() >= CAPACITY {
        memo.clear();
    }
    memo.insert(key, Arc::clone(&built));
    Ok(built)
}

/// Groups the counted values (completion reached, indicator `ok`) of the rows nationally and by region.
fn build(
    catalogue: &Catalogue,
    (campaign, frozen_at): (i32, NaiveDateTime),
    category: &str,
    rows: &[(String, bool, String)],
) -> Result<CategoryReference, ApiError> {
    let parsed = rows
        .iter()
        .filter(|(_, reached, _)| *reached)
        .map(|(region, _, json)| Ok((region.as_str(), parse_values(json)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let mut indicators = Vec::new();
    for (index, def) in catalogue.indicators().iter().enumerate() {
        if def.level != Level::Dialogue || !in_scope(catalogue, def, category) {
            continue;
        }
        let mut national = Vec::new();
        let mut by_region: HashMap<&str, Vec<f64>> = HashMap::new();
        for (region, values) in &parsed {
            if let Some(v) = values.get(index).copied().flatten() {
                national.push(v);
                by_region.entry(region).or_default().push(v);
            }
        }
        sort_values(&mut national);
        let regions = by_region
            .into_iter()
            .map(|(region, mut values)| {
                sort_values(&mut values);
                (region.to_owned(), group_spread(&values))
            })
            .collect();
        indicators.push((def.code.clone(), group_spread(&national), regions));
    }
    Ok(CategoryReference {
        campaign,
        frozen_at,
        category: category.to_owned(),
        indicators,
    })
}

/// Freezes the last published campaign before `year` if its figures are not frozen yet (seeded data, or
/// data loaded before the snapshots existed: as its first statistics read would), so that the forms of
/// `year` get their reference.
pub async fn ensure_frozen(source: &PeerSource, year: i32) -> Result<(), ApiError> {
    let published = source
        .pool
        .run(move |conn| {
            let Some(published) = campaigns::last_published_before(conn, year)? else {
                return Ok(None);
            };
            Ok::<_, ApiError>(peers::frozen_at(conn, published)?.is_none().then_some(published))
        })
        .await?;
    if let Some(published) = published {
        campaign_peers(source, published).await?;
    }
    Ok(())
}

/// `GET /campaigns/{year}/peer-reference`: the reference of `category` (and of `region`'s groups when
/// given) for the forms of campaign `year`, for any caller who may read (a partner without `read` may
/// not): anonymous figures of published groups, like the group statistics.
pub fn served(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    (category, region): (Option<&str>, Option<&str>),
) -> Result<PeerReference, ApiError> {
    if principal.scope == StructureScope::Nothing {
        return Err(ApiError::Forbidden(
            "Votre accès ne permet pas de lire les statistiques.".to_owned(),
        ));
    }
    if forms::campaign_phase(conn, year)?.is_none() {
        return Err(campaign_not_found(year));
    }
    let catalogue = catalogue_for(year)?;
    let mut errors = Vec::new();
    let resolved = query_category(catalogue, category, &mut errors);
    if let Some(code) = region
        && !peers::region_exists(conn, code)?
    {
        errors.push(field(
            "/query/region",
            "unknown_region",
            format!("La région « {code} » n'existe pas."),
        ));
    }
    let Some(category) = resolved.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let reference = for_campaign(conn, year, category.as_str())?.ok_or_else(|| ApiError::NotFound {
        code: ProblemCode::NoPeerReference,
        detail: format!(
            "Aucune campagne antérieure à {year} n'a de chiffres figés : pas de référence pour les écarts aux pairs."
        ),
    })?;
    Ok(reference.wire(region))
}
