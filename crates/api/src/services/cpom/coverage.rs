//! Coverage of the territories by CPOM (`GET /cpom/coverage?by=department|region`).
//!
//! Counted today over the active structures the caller sees: a structure is *under CPOM* when the one
//! rule of [`super::in_force`] (also the fiche's) says so today: a member today of the perimeter of a
//! contract in force today (`en_cours` and within its dates…); a managing body is under CPOM in a territory when
//! one of its structures there is. Per territory: both counts and shares; over the scope: the pooled
//! mean (total under CPOM ÷ total) and the territory minimum and maximum.
//!
//! Legal obligation (domain.md §9, art. L.313-12 IV ter CASF, arrêté du 3 mars 2017): EHPAD had to be
//! under CPOM by the end of the five-year programme 2017–2021, i.e. by 2021-12-31. `missing` lists
//! the active EHPAD not under CPOM today, once that date has passed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tdb_domain::contract::{Coverage, MissingCpom, Role, ShareSummary, TerritoryCoverage};

use super::in_force;
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow, PerimeterRow};
use crate::db::repo::scope::visible_structures;
use crate::db::schema::{departments, regions};
use crate::error::{ApiError, ProblemCode};

/// Legal deadline of the CPOM obligation of EHPAD.
pub const EHPAD_DEADLINE: &str = "2021-12-31";
/// Categories under that obligation.
pub const OBLIGED_CATEGORIES: [&str; 1] = ["ehpad"];

/// The coverage by `by` (`department` or `region`) over the caller's scope.
pub fn coverage(conn: &mut DbConnection, principal: &Principal, by: &str) -> Result<Coverage, ApiError> {
    principal.require_role(
        &[Role::Ars, Role::Cd, Role::National],
        "consulter la couverture des CPOM",
    )?;
    if by != "department" && by != "region" {
        return Err(ApiError::BadRequest {
            code: ProblemCode::InvalidQuery,
            detail: "Le paramètre « by » vaut « department » ou « region ».".to_owned(),
        });
    }
    let day = in_force::today();
    let contracts: Vec<(ContractRow, Vec<PerimeterRow>)> = repo::all(conn)?
        .into_iter()
        .map(|row| {
            let perimeter = repo::perimeter(conn, row.id)?;
            Ok((row, perimeter))
        })
        .collect::<Result<_, ApiError>>()?;
    let mut memberships: HashMap<&str, Vec<(&ContractRow, &PerimeterRow)>> = HashMap::new();
    for (row, perimeter) in &contracts {
        for member in perimeter {
            memberships
                .entry(member.finess.as_str())
                .or_default()
                .push((row, member));
        }
    }
    let covered: HashSet<&str> = memberships
        .iter()
        .filter(|(_, list)| in_force::contract_on(list.iter().copied(), &day).is_some())
        .map(|(finess, _)| *finess)
        .collect();
    let structures = repo::active_structures(conn, visible_structures(&principal.scope))?;
    let names: BTreeMap<String, String> = {
        use diesel::prelude::*;
        if by == "department" {
            departments::table
                .select((departments::code, departments::name))
                .load(conn)?
        } else {
            regions::table.select((regions::code, regions::name)).load(conn)?
        }
        .into_iter()
        .collect()
    };
    #[derive(Default)]
    struct Tally {
        organisations: BTreeSet<String>,
        organisations_under: BTreeSet<String>,
        structures: i64,
        under: i64,
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut missing = Vec::new();
    for s in &structures {
        let code = if by == "department" {
            &s.department_code
        } else {
            &s.region_code
        };
        let tally = tallies.entry(code.clone()).or_default();
        tally.structures += 1;
        tally.organisations.insert(s.organisation_finess.clone());
        let under = covered.contains(s.finess.as_str());
        if under {
            tally.under += 1;
            tally.organisations_under.insert(s.organisation_finess.clone());
        } else if OBLIGED_CATEGORIES.contains(&s.category.as_str()) && day.as_str() > EHPAD_DEADLINE {
            missing.push(MissingCpom {
                finess: s.finess.clone(),
                name: s.name.clone(),
                category: s.category.clone(),
                department_code: s.department_code.clone(),
                organisation_finess: s.organisation_finess.clone(),
                deadline: EHPAD_DEADLINE.to_owned(),
            });
        }
    }
    let share = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);
    let territories: Vec<TerritoryCoverage> = tallies
        .into_iter()
        .map(|(code, t)| {
            let organisations = i64::try_from(t.organisations.len()).unwrap_or(i64::MAX);
            let organisations_under = i64::try_from(t.organisations_under.len()).unwrap_or(i64::MAX);
            TerritoryCoverage {
                name: names.get(&code).cloned().unwrap_or_default(),
                code,
                organisations,
                organisations_under_cpom: organisations_under,
                organisation_share: share(organisations_under, organisations),
                structures: t.structures,
                structures_under_cpom: t.under,
                structure_share: share(t.under, t.structures),
            }
        })
        .collect();
    let summary = |part: fn(&TerritoryCoverage) -> (i64, i64)| {
        let (under, whole) = territories
            .iter()
            .map(part)
            .fold((0, 0), |(a, b), (u, w)| (a + u, b + w));
        let shares: Vec<f64> = territories
            .iter()
            .filter_map(|t| {
                let (u, w) = part(t);
                share(u, w)
            })
            .collect();
        ShareSummary {
            mean: share(under, whole),
            min: shares.iter().copied().reduce(f64::min),
            max: shares.iter().copied().reduce(f64::max),
        }
    };
    let organisation_share = summary(|t| (t.organisations_under_cpom, t.organisations));
    let structure_share = summary(|t| (t.structures_under_cpom, t.structures));
    Ok(Coverage {
        by: by.to_owned(),
        on: day,
        territories,
        organisation_share,
        structure_share,
        missing,
    })
}
