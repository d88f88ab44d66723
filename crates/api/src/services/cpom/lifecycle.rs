//! A contract's lifecycle: creation in negotiation, state transitions (signing schedules the
//! committees) and amendments of its perimeter.

use chrono::{Datelike, Months, NaiveDate};
use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{
    Amendment, AmendmentCreate, Contract, ContractAction, ContractCreate, ContractState, ContractTransition,
    Role,
};
use tdb_domain::cpom::scheduled_committees;

use super::wire::{iso, to_wire};
use super::{date, field, journal, load_visible, now, prefill, today, validate, validation};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow, NewContract, PerimeterRow};
use crate::db::repo::organisations;
use crate::error::{ApiError, ProblemCode};
use crate::services::events;

/// Creates a contract `en_negociation` with its initial perimeter (see the module rules).
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    input: &ContractCreate,
) -> Result<Contract, ApiError> {
    principal.require_role(&[Role::Ars, Role::Cd, Role::Og], "créer un CPOM")?;
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        let terms = validate::Terms {
            title: &input.title,
            signatory_ars: input.signatory_ars,
            signatory_cd: input.signatory_cd,
            start_date: &input.start_date,
            end_date: input.end_date.as_deref(),
        };
        let dates = validate::terms(&terms, &mut errors);
        if organisations::find(conn, &input.organisation_finess)?.is_none() {
            errors.push(field(
                "/organisation_finess",
                "unknown_organisation",
                format!(
                    "Aucun organisme gestionnaire n'a le FINESS {}.",
                    input.organisation_finess
                ),
            ));
        }
        if input.structures.is_empty() {
            errors.push(field(
                "/structures",
                "required",
                "Le périmètre initial compte au moins une structure.",
            ));
        }
        let members = repo::structures_among(conn, &input.structures)?;
        for (i, finess) in input.structures.iter().enumerate() {
            match members.iter().find(|s| &s.finess == finess) {
                None => errors.push(field(
                    &format!("/structures/{i}"),
                    "unknown_structure",
                    format!("Aucune structure n'a le FINESS {finess}."),
                )),
                Some(s) if s.organisation_finess != input.organisation_finess => errors.push(field(
                    &format!("/structures/{i}"),
                    "other_organisation",
                    format!("La structure {finess} relève d'un autre organisme gestionnaire."),
                )),
                Some(s) if Some(&s.region_code) != members.first().map(|m| &m.region_code) => {
                    errors.push(field(
                        &format!("/structures/{i}"),
                        "other_region",
                        "Les structures d'un CPOM relèvent d'une même région.",
                    ));
                }
                Some(_) => {}
            }
        }
        validation(errors)?;
        let (Some((start, end)), Some(first)) = (dates, members.first()) else {
            return Err(ApiError::Internal("validated contract without dates".to_owned()));
        };
        validate::require_competence(principal, &terms, &input.organisation_finess, first)?;
        let department = validate::cd_department(input.signatory_cd, first);
        let (start_text, end_text) = (iso(start), iso(end));
        let id = repo::insert(
            conn,
            &NewContract {
                organisation_finess: &input.organisation_finess,
                title: input.title.trim(),
                signatory_ars: input.signatory_ars,
                signatory_cd: input.signatory_cd,
                region_code: &first.region_code,
                department_code: department,
                start_date: &start_text,
                end_date: &end_text,
                state: ContractState::EnNegociation.code(),
                created_by: &principal.subject,
                created_at: now(),
                version: 1,
            },
        )?;
        for finess in &input.structures {
            repo::join(conn, id, finess, &start_text, None)?;
        }
        journal(conn, principal, "contract_created", id, json!({"input": input}))?;
        let at = now();
        let payload = json!({"contract_id": id, "state": ContractState::EnNegociation.code(), "version": 1});
        let created: Vec<_> = input
            .structures
            .iter()
            .map(|finess| {
                events::by(
                    principal,
                    events::CPOM_CONTRACT_CREATED,
                    (None, Some(finess.as_str())),
                    &payload,
                    at,
                )
            })
            .collect();
        events::append(conn, &created)?;
        let row = repo::find(conn, id)?.ok_or_else(|| ApiError::Internal("contract vanished".to_owned()))?;
        to_wire(conn, &row)
    })
}

/// Applies a state transition (signing schedules the year-3 and year-5 committees; starting, expiring
/// and terminating push the CPOM items to the open forms of the perimeter).
pub fn transition(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &ContractTransition,
) -> Result<Contract, ApiError> {
    conn.transaction(|conn| {
        let (mut row, members, access) = load_visible(conn, principal, id)?;
        access.require_authority("changer l'état du contrat")?;
        let state = row.state;
        let mut errors = Vec::new();
        let day = match &input.date {
            Some(text) => date(text, "/date", &mut errors),
            None => Some(today()),
        };
        let next = match (input.action, state) {
            (ContractAction::Sign, ContractState::EnNegociation) => ContractState::Signe,
            (ContractAction::Start, ContractState::Signe) => ContractState::EnCours,
            (ContractAction::Expire, ContractState::EnCours) => ContractState::Echu,
            (ContractAction::Terminate, ContractState::Signe | ContractState::EnCours) => {
                if input
                    .reason
                    .as_deref()
                    .is_none_or(|r| r.trim().chars().count() < 10)
                {
                    errors.push(field(
                        "/reason",
                        "reason_required",
                        "Motivez la résiliation (10 caractères au moins).",
                    ));
                }
                ContractState::Resilie
            }
            (action, state) => {
                return Err(ApiError::Conflict {
                    code: ProblemCode::InvalidTransition,
                    detail: format!(
                        "L'action « {} » n'est pas possible sur un contrat « {} ».",
                        serde_json::to_value(action)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        state.code()
                    ),
                });
            }
        };
        validation(errors)?;
        let day = iso(day.unwrap_or_else(today));
        match next {
            ContractState::Signe => {
                row.signed_on = Some(day.clone());
                schedule_committees(conn, &row)?;
            }
            ContractState::Resilie => {
                row.terminated_on = Some(day.clone());
                row.termination_reason = input.reason.clone();
            }
            _ => {}
        }
        let previous = row.state;
        row.state = next;
        row.version += 1;
        repo::update(conn, &row)?;
        journal(
            conn,
            principal,
            "contract_transition",
            id,
            json!({"from": previous.code(), "to": row.state.code(), "date": day}),
        )?;
        let at = now();
        let payload = json!({"contract_id": id, "from": previous.code(), "to": row.state.code(), "date": day,
            "version": row.version});
        let changed: Vec<_> = members
            .iter()
            .map(|finess| {
                events::by(
                    principal,
                    events::CPOM_CONTRACT_STATE_CHANGED,
                    (None, Some(finess.as_str())),
                    &payload,
                    at,
                )
            })
            .collect();
        events::append(conn, &changed)?;
        prefill::push(conn, &members)?;
        to_wire(conn, &row)
    })
}

fn schedule_committees(conn: &mut DbConnection, row: &ContractRow) -> Result<(), ApiError> {
    let start = NaiveDate::parse_from_str(&row.start_date, "%Y-%m-%d")
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    for planned in scheduled_committees(start.year()) {
        // Mid-year of the contract year: start + (contract year − 1) years + 6 months.
        let months = u32::try_from(planned.contract_year - 1).unwrap_or(0) * 12 + 6;
        let on = start.checked_add_months(Months::new(months)).unwrap_or(start);
        repo::insert_committee(conn, row.id, planned.kind.code(), planned.contract_year, &iso(on))?;
    }
    Ok(())
}

/// Records an amendment; structures join or leave on its date.
pub fn amend(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &AmendmentCreate,
) -> Result<Amendment, ApiError> {
    conn.transaction(|conn| {
        let (mut row, members, access) = load_visible(conn, principal, id)?;
        access.require_authority("signer un avenant")?;
        if matches!(row.state, ContractState::Echu | ContractState::Resilie) {
            return Err(ApiError::Conflict {
                code: ProblemCode::ContractClosed,
                detail: "Le contrat est échu ou résilié : il ne peut plus être modifié.".to_owned(),
            });
        }
        let mut errors = Vec::new();
        let day = date(&input.signed_on, "/signed_on", &mut errors);
        if input.object.trim().is_empty() {
            errors.push(field(
                "/object",
                "required",
                "L'objet de l'avenant est obligatoire.",
            ));
        }
        let joining = repo::structures_among(conn, &input.add_structures)?;
        let current: Vec<PerimeterRow> = repo::perimeter(conn, id)?;
        for (i, finess) in input.add_structures.iter().enumerate() {
            let path = format!("/add_structures/{i}");
            match joining.iter().find(|s| &s.finess == finess) {
                None => errors.push(field(
                    &path,
                    "unknown_structure",
                    format!("Aucune structure n'a le FINESS {finess}."),
                )),
                Some(s) if s.organisation_finess != row.organisation_finess => errors.push(field(
                    &path,
                    "other_organisation",
                    format!("La structure {finess} relève d'un autre organisme gestionnaire."),
                )),
                Some(s) if s.region_code != row.region_code => errors.push(field(
                    &path,
                    "other_region",
                    "Les structures d'un CPOM relèvent d'une même région.",
                )),
                Some(_) if members.contains(finess) => errors.push(field(
                    &path,
                    "already_member",
                    format!("La structure {finess} est déjà dans le périmètre."),
                )),
                Some(_) => {}
            }
        }
        for (i, finess) in input.remove_structures.iter().enumerate() {
            if !current.iter().any(|m| &m.finess == finess && m.left_on.is_none()) {
                errors.push(field(
                    &format!("/remove_structures/{i}"),
                    "not_member",
                    format!("La structure {finess} n'est pas dans le périmètre."),
                ));
            }
        }
        validation(errors)?;
        let day = iso(day.unwrap_or_else(today));
        let amendment =
            repo::insert_amendment(conn, id, &day, input.object.trim(), &principal.subject, now())?;
        for finess in &input.add_structures {
            repo::join(conn, id, finess, &day, Some(amendment))?;
        }
        for finess in &input.remove_structures {
            repo::leave(conn, id, finess, &day)?;
        }
        row.version += 1;
        repo::update(conn, &row)?;
        journal(
            conn,
            principal,
            "amendment_signed",
            id,
            json!({"amendment_id": amendment, "input": input}),
        )?;
        let mut touched = members;
        touched.extend(input.add_structures.iter().cloned());
        let at = now();
        let payload = json!({
            "contract_id": id, "amendment_id": amendment, "signed_on": day,
            "added": input.add_structures, "removed": input.remove_structures, "version": row.version,
        });
        let signed: Vec<_> = touched
            .iter()
            .map(|finess| {
                events::by(
                    principal,
                    events::CPOM_AMENDMENT_SIGNED,
                    (None, Some(finess.as_str())),
                    &payload,
                    at,
                )
            })
            .collect();
        events::append(conn, &signed)?;
        prefill::push(conn, &touched)?;
        Ok(Amendment {
            id: amendment,
            signed_on: day,
            object: input.object.trim().to_owned(),
            created_by: principal.subject.clone(),
        })
    })
}
