//! Contracts and their parts: creation, reading, state transitions, amendments, action sheets,
//! objectives and the manual values of free objectives.

use chrono::{Datelike, Months, NaiveDate};
use diesel::Connection;
use serde_json::json;
use tdb_domain::catalogue_for;
use tdb_domain::contract::{
    ActionSheet, ActionSheetCreate, ActionTheme, Amendment, AmendmentCreate, Committee, CommitteeKind,
    Contract, ContractAction, ContractCreate, ContractDetail, ContractState, ContractTransition, Objective,
    ObjectiveCreate, ObjectiveValueInput, PerimeterEntry, Role, Sense,
};
use tdb_domain::cpom::scheduled_committees;

use super::{Access, date, field, journal, load_visible, now, prefill, today, validate, validation};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{
    self as repo, ActionSheetRow, ContractRow, NewContract, ObjectiveRow, PerimeterRow,
};
use crate::db::repo::organisations;
use crate::error::{ApiError, ProblemCode};

/// The wire form of a stored contract.
pub fn to_wire(conn: &mut DbConnection, row: &ContractRow) -> Result<Contract, ApiError> {
    let organisation_name = organisations::find(conn, &row.organisation_finess)?
        .map(|o| o.name)
        .unwrap_or_default();
    let today = today().format("%Y-%m-%d").to_string();
    let structures = repo::perimeter(conn, row.id)?
        .iter()
        .filter(|m| is_member_on(m, &today))
        .count();
    Ok(Contract {
        id: row.id,
        organisation_finess: row.organisation_finess.clone(),
        organisation_name,
        title: row.title.clone(),
        signatory_ars: row.signatory_ars,
        signatory_cd: row.signatory_cd,
        region_code: row.region_code.clone(),
        department_code: row.department_code.clone(),
        start_date: row.start_date.clone(),
        end_date: row.end_date.clone(),
        state: state_of(row)?,
        signed_on: row.signed_on.clone(),
        terminated_on: row.terminated_on.clone(),
        termination_reason: row.termination_reason.clone(),
        structures: i64::try_from(structures).unwrap_or(i64::MAX),
        version: row.version,
    })
}

/// Whether a member is in the perimeter on `day` (ISO dates compare as text).
pub fn is_member_on(member: &PerimeterRow, day: &str) -> bool {
    member.joined_on.as_str() <= day && member.left_on.as_deref().is_none_or(|left| left > day)
}

/// The state of a stored contract.
pub fn state_of(row: &ContractRow) -> Result<ContractState, ApiError> {
    Ok(row.state)
}

/// The contracts the caller sees, newest first.
pub fn list(conn: &mut DbConnection, principal: &Principal) -> Result<Vec<Contract>, ApiError> {
    let mut out = Vec::new();
    for row in repo::all(conn)? {
        let members: Vec<String> = repo::perimeter(conn, row.id)?
            .into_iter()
            .map(|m| m.finess)
            .collect();
        if Access::of(principal, &row, &members).is_some() {
            out.push(to_wire(conn, &row)?);
        }
    }
    Ok(out)
}

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
        let row = repo::find(conn, id)?.ok_or_else(|| ApiError::Internal("contract vanished".to_owned()))?;
        to_wire(conn, &row)
    })
}

/// An ISO date `YYYY-MM-DD`.
pub fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A contract with all its parts.
pub fn detail(conn: &mut DbConnection, principal: &Principal, id: i64) -> Result<ContractDetail, ApiError> {
    let (row, _, _) = load_visible(conn, principal, id)?;
    assemble(conn, &row)
}

/// The parts of a contract.
pub fn assemble(conn: &mut DbConnection, row: &ContractRow) -> Result<ContractDetail, ApiError> {
    let contract = to_wire(conn, row)?;
    let perimeter = repo::perimeter(conn, row.id)?
        .into_iter()
        .map(perimeter_entry)
        .collect();
    let amendments = repo::amendments(conn, row.id)?
        .into_iter()
        .map(|a| Amendment {
            id: a.id,
            signed_on: a.signed_on,
            object: a.object,
            created_by: a.created_by,
        })
        .collect();
    let objectives = repo::objectives(conn, row.id)?;
    let action_sheets = repo::action_sheets(conn, row.id)?
        .into_iter()
        .map(|sheet| sheet_wire(sheet, &objectives))
        .collect::<Result<_, ApiError>>()?;
    let committees = repo::committees(conn, row.id)?
        .into_iter()
        .map(committee_wire)
        .collect();
    let members: Vec<String> = repo::perimeter(conn, row.id)?
        .into_iter()
        .map(|m| m.finess)
        .collect();
    let alerts = prefill::mismatches(conn, &members)?;
    Ok(ContractDetail {
        contract,
        perimeter,
        amendments,
        action_sheets,
        committees,
        alerts,
    })
}

/// The wire form of an action sheet, with its objectives among `objectives`.
pub fn sheet_wire(sheet: ActionSheetRow, objectives: &[ObjectiveRow]) -> Result<ActionSheet, ApiError> {
    let theme = ActionTheme::from_code(&sheet.theme).unwrap_or(ActionTheme::Autre);
    Ok(ActionSheet {
        id: sheet.id,
        theme,
        theme_label: sheet
            .theme_label
            .clone()
            .unwrap_or_else(|| theme.label().to_owned()),
        title: sheet.title,
        actions: sheet.actions,
        owner: sheet.owner,
        deadline: sheet.deadline,
        objectives: objectives
            .iter()
            .filter(|o| o.action_sheet_id == sheet.id)
            .map(objective_wire)
            .collect::<Result<_, ApiError>>()?,
    })
}

/// The wire form of a perimeter member.
pub fn perimeter_entry(m: PerimeterRow) -> PerimeterEntry {
    PerimeterEntry {
        finess: m.finess,
        name: m.name,
        category: m.category,
        department_code: m.department_code,
        joined_on: m.joined_on,
        left_on: m.left_on,
        amendment_id: m.amendment_id,
    }
}

/// The wire form of a committee.
pub fn committee_wire(c: repo::CommitteeRow) -> Committee {
    Committee {
        id: c.id,
        contract_id: c.contract_id,
        kind: CommitteeKind::from_code(&c.kind).unwrap_or(CommitteeKind::Supplementaire),
        contract_year: c.contract_year,
        scheduled_on: c.scheduled_on,
        held_on: c.held_on,
        minutes: c.minutes,
        decisions: c
            .decisions
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default(),
    }
}

/// The wire form of an objective.
pub fn objective_wire(o: &ObjectiveRow) -> Result<Objective, ApiError> {
    let (indicator_label, unit) = match &o.indicator_code {
        Some(code) => {
            let catalogue =
                catalogue_for(tdb_domain::LAST_CAMPAIGN).map_err(|e| ApiError::Internal(e.to_string()))?;
            let def = catalogue.indicator(code);
            (
                def.map_or_else(|| code.clone(), |d| d.label.clone()),
                def.and_then(|d| {
                    serde_json::to_value(d.unit)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                }),
            )
        }
        None => (o.free_indicator_label.clone().unwrap_or_default(), None),
    };
    Ok(Objective {
        id: o.id,
        action_sheet_id: o.action_sheet_id,
        label: o.label.clone(),
        indicator_code: o.indicator_code.clone(),
        indicator_label,
        unit,
        structure_finess: o.structure_finess.clone(),
        baseline_year: o.baseline_year,
        baseline_value: o.baseline_value,
        target_value: o.target_value,
        target_year: o.target_year,
        sense: Sense::from_code(&o.sense).unwrap_or(Sense::HigherBetter),
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
        let state = state_of(&row)?;
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
        if matches!(state_of(&row)?, ContractState::Echu | ContractState::Resilie) {
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
        prefill::push(conn, &touched)?;
        Ok(Amendment {
            id: amendment,
            signed_on: day,
            object: input.object.trim().to_owned(),
            created_by: principal.subject.clone(),
        })
    })
}

/// Who may edit the action sheets and objectives: the authority unless the contract is closed, the
/// managing body while it is negotiated.
pub(super) fn check_editable(access: Access, row: &ContractRow) -> Result<(), ApiError> {
    let state = state_of(row)?;
    match access {
        Access::Authority if !matches!(state, ContractState::Echu | ContractState::Resilie) => Ok(()),
        Access::Organisation if state == ContractState::EnNegociation => Ok(()),
        Access::Authority | Access::Organisation => Err(ApiError::Conflict {
            code: ProblemCode::ContractNotEditable,
            detail: format!(
                "Le contrat est « {} » : ses fiches actions ne se modifient plus ici.",
                state.code()
            ),
        }),
        _ => Err(ApiError::Forbidden(
            "Votre rôle ne permet pas de modifier les fiches actions de ce contrat.".to_owned(),
        )),
    }
}

/// Adds an action sheet.
pub fn add_action_sheet(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &ActionSheetCreate,
) -> Result<ActionSheet, ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        validate::action_sheet(input)?;
        let sheet = repo::insert_action_sheet(conn, id, input)?;
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "action_sheet_created",
            id,
            json!({"action_sheet_id": sheet, "input": input}),
        )?;
        Ok(ActionSheet {
            id: sheet,
            theme: input.theme,
            theme_label: input
                .theme_label
                .clone()
                .unwrap_or_else(|| input.theme.label().to_owned()),
            title: input.title.clone(),
            actions: input.actions.clone(),
            owner: input.owner.clone(),
            deadline: input.deadline.clone(),
            objectives: Vec::new(),
        })
    })
}

/// Deletes an action sheet and its objectives.
pub fn delete_action_sheet(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    sheet: i64,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        if repo::delete_action_sheet(conn, id, sheet)? == 0 {
            return Err(ApiError::not_found(format!(
                "Le contrat n'a pas de fiche action {sheet}."
            )));
        }
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "action_sheet_deleted",
            id,
            json!({"action_sheet_id": sheet}),
        )
    })
}

/// Adds an objective; its baseline is filled from the dashboard when not given.
pub fn add_objective(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &ObjectiveCreate,
) -> Result<Objective, ApiError> {
    conn.transaction(|conn| {
        let (row, members, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        let mut objective = validate::objective(conn, &row, &members, input)?;
        validate::fill_baseline(conn, &row, &mut objective)?;
        objective.id = repo::insert_objective(conn, &objective)?;
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "objective_created",
            id,
            json!({"objective_id": objective.id, "input": input}),
        )?;
        objective_wire(&objective)
    })
}

/// Deletes an objective.
pub fn delete_objective(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    objective: i64,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        if repo::delete_objective(conn, id, objective)? == 0 {
            return Err(ApiError::not_found(format!(
                "Le contrat n'a pas d'objectif {objective}."
            )));
        }
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "objective_deleted",
            id,
            json!({"objective_id": objective}),
        )
    })
}

/// Records the value of a free objective for a year (managing body or authority).
pub fn put_value(
    conn: &mut DbConnection,
    principal: &Principal,
    objective: i64,
    year: i32,
    input: &ObjectiveValueInput,
) -> Result<Objective, ApiError> {
    conn.transaction(|conn| {
        let missing =
            || ApiError::not_found(format!("Aucun objectif visible n'a l'identifiant {objective}."));
        let row = repo::objective(conn, objective)?.ok_or_else(missing)?;
        let (contract, _, access) = load_visible(conn, principal, row.contract_id).map_err(|_| missing())?;
        if !matches!(access, Access::Authority | Access::Organisation) {
            return Err(ApiError::Forbidden(
                "Seuls l'organisme gestionnaire et les autorités signataires renseignent les objectifs."
                    .to_owned(),
            ));
        }
        let mut errors = Vec::new();
        if row.indicator_code.is_some() {
            errors.push(field(
                "/value",
                "computed_objective",
                "Cet objectif suit un indicateur du tableau de bord : sa valeur vient des formulaires.",
            ));
        }
        let (start, end) = (year_of(&contract.start_date)?, year_of(&contract.end_date)?);
        if year < start - 1 || year > end {
            errors.push(field(
                "/year",
                "outside_contract",
                format!("L'année est comprise entre {} et {end}.", start - 1),
            ));
        }
        if !input.value.is_finite() {
            errors.push(field("/value", "invalid_number", "Valeur numérique attendue."));
        }
        validation(errors)?;
        repo::put_value(
            conn,
            objective,
            year,
            input.value,
            input.comment.as_deref(),
            &principal.subject,
            now(),
        )?;
        journal(
            conn,
            principal,
            "objective_value",
            row.contract_id,
            json!({"objective_id": objective, "year": year, "value": input.value}),
        )?;
        objective_wire(&row)
    })
}

/// The year of an ISO date.
pub fn year_of(text: &str) -> Result<i32, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.year())
        .map_err(|e| ApiError::Internal(format!("stored date {text}: {e}")))
}
