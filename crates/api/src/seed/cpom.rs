//! CPOM of the demo: a few contracts in force in Hauts-de-France, signed by the ARS (and the CD of the
//! Nord for the contracts of the Nord), each with action sheets and objectives tied to the dashboard,
//! written through the CPOM services (so the committees are scheduled and the forms prefilled).

use std::collections::BTreeMap;

use tdb_domain::contract::{
    ActionSheetCreate, ActionTheme, ContractAction, ContractCreate, ContractTransition, ObjectiveCreate,
    ObjectiveValueInput, Sense,
};

use super::world::World;
use super::writer::ValueRow;
use super::{Calendar, SeedError};
use crate::auth::principal::StructureScope;
use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::services::cpom::{lifecycle, objectives, sheets, validate};

/// Contracts start on 1 January of the year before the current campaign (baseline: the campaign two
/// years before it), run five years, and are signed on 15 December before their start.
fn start(calendar: Calendar) -> String {
    format!("{}-01-01", calendar.shift(2023))
}

fn failed(error: crate::error::ApiError) -> SeedError {
    SeedError::InvalidValues(format!("CPOM de démonstration : {error}"))
}

/// The managing bodies under CPOM: those of the demo `og` and `esms` users, and the busiest one of
/// the Pas-de-Calais and of the Aisne; each contract covers the body's structures in the region
/// (those of the Nord first, so that the CD of the Nord co-signs the Nord's contracts).
pub fn contracted(world: &World, og: &str, esms_structure: &str) -> Vec<(String, Vec<String>, bool)> {
    let organisation_of = |finess: &str| {
        world
            .structures
            .iter()
            .find(|s| s.row.finess == finess)
            .map(|s| s.row.organisation_finess.clone())
    };
    let busiest = |department: &str| {
        let mut counts = BTreeMap::<&str, usize>::new();
        for s in world
            .structures
            .iter()
            .filter(|s| s.row.department_code == department)
        {
            *counts.entry(&s.row.organisation_finess).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(f, _)| f.to_owned())
    };
    let mut bodies: Vec<String> = Vec::new();
    for body in [
        Some(og.to_owned()),
        organisation_of(esms_structure),
        busiest("62"),
        busiest("02"),
    ]
    .into_iter()
    .flatten()
    {
        if !bodies.contains(&body) {
            bodies.push(body);
        }
    }
    bodies
        .into_iter()
        .map(|body| {
            let mut members: Vec<&crate::db::repo::structures::StructureRow> = world
                .structures
                .iter()
                .map(|s| &s.row)
                .filter(|s| s.organisation_finess == body && s.region_code == "32")
                .collect();
            members.sort_by_key(|s| (s.department_code != "59", s.finess.clone()));
            let with_cd = members.first().is_some_and(|s| s.department_code == "59");
            (
                body,
                members.into_iter().map(|s| s.finess.clone()).collect::<Vec<_>>(),
                with_cd,
            )
        })
        .filter(|(_, members, _)| !members.is_empty())
        .collect()
}

/// Gives the structures under a demo contract a CPOM in their profile, so that their forms have CPOM
/// dates to align with the contract.
pub fn mark_contracted(world: &mut World, planned: &[(String, Vec<String>, bool)]) {
    for s in &mut world.structures {
        if planned
            .iter()
            .any(|(_, members, _)| members.contains(&s.row.finess))
        {
            s.profile.cpom = true;
        }
    }
}

/// Aligns the CPOM items of the generated forms with the demo contracts from their start year on (the
/// forms of earlier campaigns keep the previous CPOM drawn for the structure, which the platform does
/// not record): validated forms are never pushed to, so they must agree from the start.
pub fn align_forms(values: &mut [ValueRow], planned: &[(String, Vec<String>, bool)], calendar: Calendar) {
    let start_text = start(calendar);
    let start = chrono::NaiveDate::parse_from_str(&start_text, "%Y-%m-%d").unwrap_or_default();
    let start_year = chrono::Datelike::year(&start);
    let end = validate::default_end(start).map_or_else(String::new, |d| d.to_string());
    for row in values.iter_mut().filter(|v| v.campaign_year >= start_year) {
        let value = match row.item_code.as_str() {
            "cpom_en_cours" => "true".to_owned(),
            "date_debut_cpom" => format!("\"{start_text}\""),
            "date_fin_cpom" => format!("\"{end}\""),
            _ => continue,
        };
        if planned
            .iter()
            .any(|(_, members, _)| members.contains(&row.structure_finess))
        {
            if row.prefill_value_json.is_some() {
                row.prefill_value_json = Some(value.clone());
            }
            row.value_json = value;
        }
    }
}

/// Writes the demo contracts; returns how many.
pub fn write(
    conn: &mut DbConnection,
    planned: &[(String, Vec<String>, bool)],
    calendar: Calendar,
) -> Result<usize, SeedError> {
    let ars = Principal {
        subject: "ars.hdf@demo.tdb.fr".to_owned(),
        role: Role::Ars,
        scope: StructureScope::ArsRegion("32".to_owned()),
        scopes: Vec::new(),
        source: None,
    };
    for (body, members, with_cd) in planned {
        let input = ContractCreate {
            organisation_finess: body.clone(),
            title: format!("CPOM {}-{}", calendar.shift(2023), calendar.shift(2027)),
            signatory_ars: true,
            signatory_cd: *with_cd,
            start_date: start(calendar),
            end_date: None,
            structures: members.clone(),
        };
        let id = lifecycle::create(conn, &ars, &input).map_err(failed)?.id;
        let si = sheet(
            conn,
            &ars,
            id,
            ActionTheme::SystemeInformation,
            "Informatiser le dossier de l'usager",
            calendar,
        )?;
        for (indicator, label, target) in [
            (
                "taux_dossiers_administratifs_informatises",
                "Informatiser 90 % des dossiers administratifs",
                0.9,
            ),
            (
                "taux_projets_personnalises_informatises",
                "Informatiser 80 % des projets personnalisés",
                0.8,
            ),
        ] {
            objective(conn, &ars, id, si, (indicator, label), (target, calendar), None)?;
        }
        let rh = sheet(
            conn,
            &ars,
            id,
            ActionTheme::GpecAbsenteismeRisques,
            "Réduire l'absentéisme",
            calendar,
        )?;
        let absences = "Ramener l'absentéisme à 6 %";
        objective(
            conn,
            &ars,
            id,
            rh,
            ("taux_absenteisme", absences),
            (0.06, calendar),
            None,
        )?;
        let patrimoine = sheet(
            conn,
            &ars,
            id,
            ActionTheme::Patrimoine,
            "Rénover les chambres",
            calendar,
        )?;
        let rooms = "Rénover 40 chambres";
        let free = objective(
            conn,
            &ars,
            id,
            patrimoine,
            ("", rooms),
            (40.0, calendar),
            Some((calendar.shift(2022), 5.0)),
        )?;
        objectives::put_value(
            conn,
            &ars,
            free,
            calendar.shift(2023),
            &ObjectiveValueInput {
                value: 12.0,
                comment: None,
            },
        )
        .map_err(failed)?;
        for (action, date) in [
            (ContractAction::Sign, format!("{}-12-15", calendar.shift(2022))),
            (ContractAction::Start, start(calendar)),
        ] {
            let transition = ContractTransition {
                action,
                date: Some(date),
                reason: None,
            };
            lifecycle::transition(conn, &ars, id, &transition).map_err(failed)?;
        }
    }
    Ok(planned.len())
}

fn sheet(
    conn: &mut DbConnection,
    ars: &Principal,
    id: i64,
    theme: ActionTheme,
    title: &str,
    calendar: Calendar,
) -> Result<i64, SeedError> {
    let input = ActionSheetCreate {
        theme,
        theme_label: None,
        title: title.to_owned(),
        actions: None,
        owner: Some("Direction générale".to_owned()),
        deadline: Some(format!("{}-12-31", calendar.shift(2027))),
    };
    Ok(sheets::add_action_sheet(conn, ars, id, &input)
        .map_err(failed)?
        .id)
}

/// An objective `(indicator, label)` aggregated over the perimeter with its `(target, calendar)` (the
/// target year is the contract's last), or a free one (label "Chambres rénovées") when its baseline
/// `(year, value)` is given.
fn objective(
    conn: &mut DbConnection,
    ars: &Principal,
    id: i64,
    sheet: i64,
    (indicator, label): (&str, &str),
    (target, calendar): (f64, Calendar),
    free: Option<(i32, f64)>,
) -> Result<i64, SeedError> {
    let input = ObjectiveCreate {
        action_sheet_id: sheet,
        label: label.to_owned(),
        indicator_code: free.is_none().then(|| indicator.to_owned()),
        structure_finess: None,
        free_indicator_label: free.map(|_| "Chambres rénovées".to_owned()),
        baseline_year: free.map(|(year, _)| year),
        baseline_value: free.map(|(_, value)| value),
        target_value: target,
        target_year: calendar.shift(2027),
        sense: free.map(|_| Sense::HigherBetter),
    };
    Ok(objectives::add_objective(conn, ars, id, &input)
        .map_err(failed)?
        .id)
}
