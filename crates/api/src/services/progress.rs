//! Campaign monitoring: per-territory progress of the forms, ranking of the regions.
//!
//! The database counts per department (see [`repo::progress`]); this module sums departments into
//! regions and the total, derives the means and shares, and ranks regions by mean completion
//! (competition ranking: equal means share a rank, the next rank is skipped).

use std::collections::BTreeMap;

use tdb_domain::contract::{
    CampaignProgress, CategoryCount, FormState, StateCounts, TerritoryLevel, TerritoryProgress,
};

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::{self, progress::DepartmentFigures};
use crate::error::ApiError;
use crate::services::campaigns;

/// Sums of one territory.
#[derive(Debug, Default)]
struct Sums {
    structures: i64,
    with_form: i64,
    states: StateCounts,
    completion: f64,
    reached: i64,
}

impl Sums {
    fn add(&mut self, figures: &DepartmentFigures) {
        self.structures += figures.structures;
        self.reached += figures.threshold_reached;
        for (state, n, rates) in &figures.states {
            self.with_form += n;
            self.completion += rates;
            let n = u64::try_from(*n).unwrap_or(0);
            match state {
                FormState::EnCours => self.states.en_cours += n,
                FormState::Soumis => self.states.soumis += n,
                FormState::CorrectionDemandee => self.states.correction_demandee += n,
                FormState::Valide => self.states.valide += n,
                FormState::Cloture => self.states.cloture += n,
                FormState::NonCommence => self.states.non_commence += n,
            }
        }
    }

    fn into_row(
        mut self,
        code: Option<String>,
        name: String,
        region_code: Option<String>,
    ) -> TerritoryProgress {
        self.states.non_commence += u64::try_from(self.structures - self.with_form).unwrap_or(0);
        #[expect(
            clippy::cast_precision_loss,
            reason = "counts of structures are far below 2^52"
        )]
        let share = |n: f64| (self.structures > 0).then(|| n / self.structures as f64);
        #[expect(
            clippy::cast_precision_loss,
            reason = "counts of structures are far below 2^52"
        )]
        let (reached, valide) = (self.reached as f64, self.states.valide as f64);
        TerritoryProgress {
            code,
            name,
            region_code,
            structures: u64::try_from(self.structures).unwrap_or(0),
            mean_completion_rate: share(self.completion),
            share_threshold_reached: share(reached),
            share_validated: share(valide),
            states: self.states,
            rank: None,
        }
    }
}

/// Competition ranks ("1224") of the rows by mean completion, best first; rows without a mean get none.
fn rank_by_mean(rows: &mut [TerritoryProgress]) {
    let means: Vec<f64> = rows.iter().filter_map(|r| r.mean_completion_rate).collect();
    for row in rows.iter_mut() {
        row.rank = row.mean_completion_rate.map(|mean| {
            let better = means.iter().filter(|other| **other > mean).count();
            u32::try_from(better + 1).unwrap_or(u32::MAX)
        });
    }
}

/// `GET /campaigns/{year}/progress?by=`.
pub fn progress(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    by: TerritoryLevel,
) -> Result<CampaignProgress, ApiError> {
    campaigns::get(conn, year)?;
    let threshold = campaigns::threshold_percent(year)?;
    let figures = repo::progress::by_department(
        conn,
        &principal.scope,
        year,
        i32::try_from(threshold).unwrap_or(100),
    )?;
    let (department_names, region_names) = repo::progress::territory_names(conn)?;
    let mut total = Sums::default();
    let mut groups: BTreeMap<(String, Option<String>), Sums> = BTreeMap::new();
    for department in &figures {
        total.add(department);
        let key = match by {
            TerritoryLevel::Department => (department.department.clone(), Some(department.region.clone())),
            TerritoryLevel::Region => (department.region.clone(), None),
        };
        groups.entry(key).or_default().add(department);
    }
    let names = match by {
        TerritoryLevel::Department => &department_names,
        TerritoryLevel::Region => &region_names,
    };
    let mut territories: Vec<TerritoryProgress> = groups
        .into_iter()
        .map(|((code, region), sums)| {
            let name = names.get(&code).cloned().unwrap_or_default();
            sums.into_row(Some(code), name, region)
        })
        .collect();
    if by == TerritoryLevel::Region {
        rank_by_mean(&mut territories);
    }
    let categories = categories(year, repo::progress::by_category(conn, &principal.scope)?)?;
    Ok(CampaignProgress {
        campaign: year,
        by,
        threshold_percent: threshold,
        territories,
        total: total.into_row(None, "Total".to_owned(), None),
        categories,
    })
}

/// The counts per category code, named and ordered by the catalogue of campaign `year` (a code it
/// does not know comes last, named by itself).
fn categories(year: i32, counts: Vec<(String, i64)>) -> Result<Vec<CategoryCount>, ApiError> {
    let catalogue = tdb_domain::catalogue_for(year).map_err(ApiError::from)?;
    let defs = catalogue.categories();
    let mut named: Vec<(usize, CategoryCount)> = counts
        .into_iter()
        .map(|(code, n)| {
            let def = defs.iter().enumerate().find(|(_, c)| c.code.as_str() == code);
            let position = def.map(|(i, _)| i);
            let label = def.map_or_else(|| code.clone(), |(_, c)| c.label.clone());
            let count = CategoryCount {
                code,
                label,
                structures: u64::try_from(n).unwrap_or(0),
            };
            (position.unwrap_or(usize::MAX), count)
        })
        .collect();
    named.sort_by(|a, b| (a.0, &a.1.code).cmp(&(b.0, &b.1.code)));
    Ok(named.into_iter().map(|(_, c)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(mean: Option<f64>) -> TerritoryProgress {
        let mut row = Sums::default().into_row(None, String::new(), None);
        row.mean_completion_rate = mean;
        row
    }

    #[test]
    fn equal_means_share_a_rank_and_the_next_is_skipped() {
        let mut rows = vec![
            row(Some(0.5)),
            row(Some(0.9)),
            row(Some(0.7)),
            row(Some(0.9)),
            row(None),
        ];
        rank_by_mean(&mut rows);
        let ranks: Vec<Option<u32>> = rows.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, [Some(4), Some(1), Some(3), Some(1), None]);
    }
}
