//! CPOM contracts and their parts: perimeter, amendments, action sheets, objectives, manual values,
//! committees; and the reads of coverage.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tdb_domain::contract::ContractState;

use crate::db::DbConnection;
use crate::db::schema::{
    cpom_action_sheets, cpom_amendments, cpom_committees, cpom_contracts, cpom_objective_values,
    cpom_objectives, cpom_perimeter, structures,
};

/// A stored contract.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cpom_contracts, treat_none_as_null = true)]
pub struct ContractRow {
    /// Identifier.
    pub id: i64,
    /// Managing body.
    pub organisation_finess: String,
    /// Title.
    pub title: String,
    /// The ARS signs.
    pub signatory_ars: bool,
    /// The CD signs.
    pub signatory_cd: bool,
    /// Region.
    pub region_code: String,
    /// Department of the CD.
    pub department_code: Option<String>,
    /// Start.
    pub start_date: String,
    /// End.
    pub end_date: String,
    /// State.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: ContractState,
    /// Signature date.
    pub signed_on: Option<String>,
    /// Termination date.
    pub terminated_on: Option<String>,
    /// Termination reason.
    pub termination_reason: Option<String>,
    /// Creator.
    pub created_by: String,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Version.
    pub version: i64,
}

/// A contract to insert (the id is assigned).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cpom_contracts)]
pub struct NewContract<'a> {
    /// Managing body.
    pub organisation_finess: &'a str,
    /// Title.
    pub title: &'a str,
    /// The ARS signs.
    pub signatory_ars: bool,
    /// The CD signs.
    pub signatory_cd: bool,
    /// Region.
    pub region_code: &'a str,
    /// Department of the CD.
    pub department_code: Option<&'a str>,
    /// Start.
    pub start_date: &'a str,
    /// End.
    pub end_date: &'a str,
    /// State code.
    pub state: &'a str,
    /// Creator.
    pub created_by: &'a str,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Version.
    pub version: i64,
}

/// A member of a perimeter, with the structure's identity (perimeter joined with structures).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cpom_perimeter)]
pub struct PerimeterRow {
    /// Structure.
    #[diesel(select_expression = structures::finess)]
    pub finess: String,
    /// Name.
    #[diesel(select_expression = structures::name)]
    pub name: String,
    /// Category.
    #[diesel(select_expression = structures::category)]
    pub category: String,
    /// Department.
    #[diesel(select_expression = structures::department_code)]
    pub department_code: String,
    /// Joined on.
    pub joined_on: String,
    /// Left on.
    pub left_on: Option<String>,
    /// Amendment.
    pub amendment_id: Option<i64>,
}

/// A stored amendment.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cpom_amendments)]
pub struct AmendmentRow {
    /// Identifier.
    pub id: i64,
    /// Contract.
    pub contract_id: i64,
    /// Signed on.
    pub signed_on: String,
    /// Object.
    pub object: String,
    /// Author.
    pub created_by: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A stored action sheet.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cpom_action_sheets)]
pub struct ActionSheetRow {
    /// Identifier.
    pub id: i64,
    /// Contract.
    pub contract_id: i64,
    /// Theme.
    pub theme: String,
    /// Label of `autre`.
    pub theme_label: Option<String>,
    /// Title.
    pub title: String,
    /// Actions.
    pub actions: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Deadline.
    pub deadline: Option<String>,
}

/// A stored objective.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = cpom_objectives)]
pub struct ObjectiveRow {
    /// Identifier.
    pub id: i64,
    /// Contract.
    pub contract_id: i64,
    /// Action sheet.
    pub action_sheet_id: i64,
    /// Label.
    pub label: String,
    /// Indicator.
    pub indicator_code: Option<String>,
    /// One structure.
    pub structure_finess: Option<String>,
    /// Free indicator.
    pub free_indicator_label: Option<String>,
    /// Baseline campaign.
    pub baseline_year: Option<i32>,
    /// Baseline value.
    pub baseline_value: Option<f64>,
    /// Target.
    pub target_value: f64,
    /// Target year.
    pub target_year: i32,
    /// Sense.
    pub sense: String,
}

/// A stored committee.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cpom_committees)]
pub struct CommitteeRow {
    /// Identifier.
    pub id: i64,
    /// Contract.
    pub contract_id: i64,
    /// Kind.
    pub kind: String,
    /// Contract year.
    pub contract_year: i32,
    /// Planned on.
    pub scheduled_on: String,
    /// Held on.
    pub held_on: Option<String>,
    /// Minutes.
    pub minutes: Option<String>,
    /// Decisions (JSON array).
    pub decisions: Option<String>,
    /// Frozen report (JSON).
    pub report_json: Option<String>,
}

/// Every contract, newest first.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ContractRow>> {
    cpom_contracts::table
        .select(ContractRow::as_select())
        .order(cpom_contracts::id.desc())
        .load(conn)
}

/// One contract.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ContractRow>> {
    cpom_contracts::table
        .find(id)
        .select(ContractRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a contract; returns its id.
pub fn insert(conn: &mut DbConnection, row: &NewContract<'_>) -> QueryResult<i64> {
    crate::on_backend!(conn, c => diesel::insert_into(cpom_contracts::table)
        .values(row)
        .returning(cpom_contracts::id)
        .get_result(c))
}

/// Rewrites a contract.
pub fn update(conn: &mut DbConnection, row: &ContractRow) -> QueryResult<()> {
    diesel::update(cpom_contracts::table.find(row.id))
        .set(row.clone())
        .execute(conn)
        .map(drop)
}

/// Moves a contract from version `expected` to the next one; `false` when another change came first
/// (the row lock this takes also orders concurrent writers on PostgreSQL).
pub fn bump_version(conn: &mut DbConnection, id: i64, expected: i64) -> QueryResult<bool> {
    diesel::update(
        cpom_contracts::table
            .find(id)
            .filter(cpom_contracts::version.eq(expected)),
    )
    .set(cpom_contracts::version.eq(expected + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Bumps the version of a contract whose sheets or objectives changed: its `ETag` covers them.
pub fn touch(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(cpom_contracts::table.find(id))
        .set(cpom_contracts::version.eq(cpom_contracts::version + 1))
        .execute(conn)
        .map(drop)
}

/// Contracts whose perimeter holds one of `finess` (ever).
pub fn ids_covering(conn: &mut DbConnection, finess: &[String]) -> QueryResult<Vec<i64>> {
    cpom_perimeter::table
        .filter(cpom_perimeter::structure_finess.eq_any(finess))
        .select(cpom_perimeter::contract_id)
        .distinct()
        .load(conn)
}

/// The contracts whose perimeter holds (or held) `finess`, each with that structure's membership.
pub fn memberships(conn: &mut DbConnection, finess: &str) -> QueryResult<Vec<(ContractRow, PerimeterRow)>> {
    cpom_perimeter::table
        .inner_join(cpom_contracts::table)
        .inner_join(structures::table)
        .filter(cpom_perimeter::structure_finess.eq(finess))
        .select((ContractRow::as_select(), PerimeterRow::as_select()))
        .order(cpom_contracts::id)
        .load(conn)
}

/// The perimeter of a contract, by join date then FINESS.
pub fn perimeter(conn: &mut DbConnection, contract: i64) -> QueryResult<Vec<PerimeterRow>> {
    cpom_perimeter::table
        .inner_join(structures::table)
        .filter(cpom_perimeter::contract_id.eq(contract))
        .select(PerimeterRow::as_select())
        .order((cpom_perimeter::joined_on, structures::finess))
        .load(conn)
}

/// Adds a structure to a perimeter.
pub fn join(
    conn: &mut DbConnection,
    contract: i64,
    finess: &str,
    on: &str,
    amendment: Option<i64>,
) -> QueryResult<()> {
    diesel::insert_into(cpom_perimeter::table)
        .values((
            cpom_perimeter::contract_id.eq(contract),
            cpom_perimeter::structure_finess.eq(finess),
            cpom_perimeter::joined_on.eq(on),
            cpom_perimeter::amendment_id.eq(amendment),
        ))
        .execute(conn)
        .map(drop)
}

/// Moves the join date of the initial structures (those not added by an amendment) to `on`.
pub fn move_initial_members(conn: &mut DbConnection, contract: i64, on: &str) -> QueryResult<usize> {
    diesel::update(
        cpom_perimeter::table
            .filter(cpom_perimeter::contract_id.eq(contract))
            .filter(cpom_perimeter::amendment_id.is_null()),
    )
    .set(cpom_perimeter::joined_on.eq(on))
    .execute(conn)
}

/// Records that a structure left a perimeter.
pub fn leave(conn: &mut DbConnection, contract: i64, finess: &str, on: &str) -> QueryResult<usize> {
    diesel::update(
        cpom_perimeter::table
            .filter(cpom_perimeter::contract_id.eq(contract))
            .filter(cpom_perimeter::structure_finess.eq(finess))
            .filter(cpom_perimeter::left_on.is_null()),
    )
    .set(cpom_perimeter::left_on.eq(on))
    .execute(conn)
}

/// Amendments of a contract, oldest first.
pub fn amendments(conn: &mut DbConnection, contract: i64) -> QueryResult<Vec<AmendmentRow>> {
    cpom_amendments::table
        .filter(cpom_amendments::contract_id.eq(contract))
        .select(AmendmentRow::as_select())
        .order(cpom_amendments::id)
        .load(conn)
}

/// Inserts an amendment; returns its id.
pub fn insert_amendment(
    conn: &mut DbConnection,
    contract: i64,
    signed_on: &str,
    object: &str,
    actor: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    let values = (
        cpom_amendments::contract_id.eq(contract),
        cpom_amendments::signed_on.eq(signed_on),
        cpom_amendments::object.eq(object),
        cpom_amendments::created_by.eq(actor),
        cpom_amendments::created_at.eq(at),
    );
    crate::on_backend!(conn, c => diesel::insert_into(cpom_amendments::table)
        .values(values)
        .returning(cpom_amendments::id)
        .get_result(c))
}

/// Action sheets of a contract.
pub fn action_sheets(conn: &mut DbConnection, contract: i64) -> QueryResult<Vec<ActionSheetRow>> {
    cpom_action_sheets::table
        .filter(cpom_action_sheets::contract_id.eq(contract))
        .select(ActionSheetRow::as_select())
        .order(cpom_action_sheets::id)
        .load(conn)
}

/// Inserts an action sheet; returns its id.
pub fn insert_action_sheet(
    conn: &mut DbConnection,
    contract: i64,
    sheet: &tdb_domain::contract::ActionSheetCreate,
) -> QueryResult<i64> {
    let values = (
        cpom_action_sheets::contract_id.eq(contract),
        cpom_action_sheets::theme.eq(sheet.theme.code()),
        cpom_action_sheets::theme_label.eq(sheet.theme_label.clone()),
        cpom_action_sheets::title.eq(sheet.title.clone()),
        cpom_action_sheets::actions.eq(sheet.actions.clone()),
        cpom_action_sheets::owner.eq(sheet.owner.clone()),
        cpom_action_sheets::deadline.eq(sheet.deadline.clone()),
    );
    crate::on_backend!(conn, c => diesel::insert_into(cpom_action_sheets::table)
        .values(values)
        .returning(cpom_action_sheets::id)
        .get_result(c))
}

/// Replaces an action sheet of a contract; returns the number of rows changed (0: not of that contract).
pub fn update_action_sheet(
    conn: &mut DbConnection,
    contract: i64,
    id: i64,
    sheet: &tdb_domain::contract::ActionSheetCreate,
) -> QueryResult<usize> {
    diesel::update(
        cpom_action_sheets::table
            .filter(cpom_action_sheets::id.eq(id))
            .filter(cpom_action_sheets::contract_id.eq(contract)),
    )
    .set((
        cpom_action_sheets::theme.eq(sheet.theme.code()),
        cpom_action_sheets::theme_label.eq(sheet.theme_label.clone()),
        cpom_action_sheets::title.eq(sheet.title.clone()),
        cpom_action_sheets::actions.eq(sheet.actions.clone()),
        cpom_action_sheets::owner.eq(sheet.owner.clone()),
        cpom_action_sheets::deadline.eq(sheet.deadline.clone()),
    ))
    .execute(conn)
}

/// Deletes an action sheet and its objectives (with their values).
pub fn delete_action_sheet(conn: &mut DbConnection, contract: i64, id: i64) -> QueryResult<usize> {
    let objectives: Vec<i64> = cpom_objectives::table
        .filter(cpom_objectives::action_sheet_id.eq(id))
        .select(cpom_objectives::id)
        .load(conn)?;
    for objective in objectives {
        delete_objective(conn, contract, objective)?;
    }
    diesel::delete(
        cpom_action_sheets::table
            .filter(cpom_action_sheets::id.eq(id))
            .filter(cpom_action_sheets::contract_id.eq(contract)),
    )
    .execute(conn)
}

/// Objectives of a contract.
pub fn objectives(conn: &mut DbConnection, contract: i64) -> QueryResult<Vec<ObjectiveRow>> {
    cpom_objectives::table
        .filter(cpom_objectives::contract_id.eq(contract))
        .select(ObjectiveRow::as_select())
        .order(cpom_objectives::id)
        .load(conn)
}

/// The catalogue objectives measured on the structure `finess` alone, by id.
pub fn objectives_of_structure(conn: &mut DbConnection, finess: &str) -> QueryResult<Vec<ObjectiveRow>> {
    cpom_objectives::table
        .filter(cpom_objectives::structure_finess.eq(finess))
        .filter(cpom_objectives::indicator_code.is_not_null())
        .select(ObjectiveRow::as_select())
        .order(cpom_objectives::id)
        .load(conn)
}

/// One objective.
pub fn objective(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ObjectiveRow>> {
    cpom_objectives::table
        .find(id)
        .select(ObjectiveRow::as_select())
        .first(conn)
        .optional()
}

/// The columns of an objective but its id: what an insert writes and an update replaces.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = cpom_objectives, treat_none_as_null = true)]
struct ObjectiveColumns<'a> {
    contract_id: i64,
    action_sheet_id: i64,
    label: &'a str,
    indicator_code: Option<&'a str>,
    structure_finess: Option<&'a str>,
    free_indicator_label: Option<&'a str>,
    baseline_year: Option<i32>,
    baseline_value: Option<f64>,
    target_value: f64,
    target_year: i32,
    sense: &'a str,
}

impl<'a> From<&'a ObjectiveRow> for ObjectiveColumns<'a> {
    fn from(row: &'a ObjectiveRow) -> Self {
        Self {
            contract_id: row.contract_id,
            action_sheet_id: row.action_sheet_id,
            label: &row.label,
            indicator_code: row.indicator_code.as_deref(),
            structure_finess: row.structure_finess.as_deref(),
            free_indicator_label: row.free_indicator_label.as_deref(),
            baseline_year: row.baseline_year,
            baseline_value: row.baseline_value,
            target_value: row.target_value,
            target_year: row.target_year,
            sense: &row.sense,
        }
    }
}

/// Inserts an objective (its id is ignored); returns its id.
pub fn insert_objective(conn: &mut DbConnection, row: &ObjectiveRow) -> QueryResult<i64> {
    crate::on_backend!(conn, c => diesel::insert_into(cpom_objectives::table)
        .values(ObjectiveColumns::from(row))
        .returning(cpom_objectives::id)
        .get_result(c))
}

/// Replaces an objective (found by its id and contract); returns the number of rows changed.
pub fn update_objective(conn: &mut DbConnection, row: &ObjectiveRow) -> QueryResult<usize> {
    diesel::update(
        cpom_objectives::table
            .filter(cpom_objectives::id.eq(row.id))
            .filter(cpom_objectives::contract_id.eq(row.contract_id)),
    )
    .set(ObjectiveColumns::from(row))
    .execute(conn)
}

/// Deletes an objective and its values.
pub fn delete_objective(conn: &mut DbConnection, contract: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(cpom_objective_values::table.filter(cpom_objective_values::objective_id.eq(id)))
        .execute(conn)?;
    diesel::delete(
        cpom_objectives::table
            .filter(cpom_objectives::id.eq(id))
            .filter(cpom_objectives::contract_id.eq(contract)),
    )
    .execute(conn)
}

/// Manual values `(objective, year, value)` of a contract's objectives.
pub fn manual_values(conn: &mut DbConnection, contract: i64) -> QueryResult<Vec<(i64, i32, f64)>> {
    cpom_objective_values::table
        .inner_join(cpom_objectives::table)
        .filter(cpom_objectives::contract_id.eq(contract))
        .select((
            cpom_objective_values::objective_id,
            cpom_objective_values::year,
            cpom_objective_values::value,
        ))
        .load(conn)
}

/// Writes the manual value of an objective for a year (replacing any).
pub fn put_value(
    conn: &mut DbConnection,
    objective: i64,
    year: i32,
    value: f64,
    comment: Option<&str>,
    author: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        cpom_objective_values::table
            .filter(cpom_objective_values::objective_id.eq(objective))
            .filter(cpom_objective_values::year.eq(year)),
    )
    .execute(conn)?;
    diesel::insert_into(cpom_objective_values::table)
        .values((
            cpom_objective_values::objective_id.eq(objective),
            cpom_objective_values::year.eq(year),
            cpom_objective_values::value.eq(value),
            cpom_objective_values::comment.eq(comment),
            cpom_objective_values::author.eq(author),
            cpom_objective_values::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Committees of a contract, by planned date.
pub fn committees(conn: &mut DbConnection, contract: i64) -> QueryResult<Vec<CommitteeRow>> {
    cpom_committees::table
        .filter(cpom_committees::contract_id.eq(contract))
        .select(CommitteeRow::as_select())
        .order((cpom_committees::scheduled_on, cpom_committees::id))
        .load(conn)
}

/// One committee.
pub fn committee(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CommitteeRow>> {
    cpom_committees::table
        .find(id)
        .select(CommitteeRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a committee; returns its id.
pub fn insert_committee(
    conn: &mut DbConnection,
    contract: i64,
    kind: &str,
    contract_year: i32,
    scheduled_on: &str,
) -> QueryResult<i64> {
    let values = (
        cpom_committees::contract_id.eq(contract),
        cpom_committees::kind.eq(kind),
        cpom_committees::contract_year.eq(contract_year),
        cpom_committees::scheduled_on.eq(scheduled_on),
    );
    crate::on_backend!(conn, c => diesel::insert_into(cpom_committees::table)
        .values(values)
        .returning(cpom_committees::id)
        .get_result(c))
}

/// Records a committee as held, with its frozen report.
pub fn record_committee(
    conn: &mut DbConnection,
    id: i64,
    held_on: &str,
    minutes: &str,
    decisions: &str,
    report: &str,
) -> QueryResult<()> {
    diesel::update(cpom_committees::table.find(id))
        .set((
            cpom_committees::held_on.eq(held_on),
            cpom_committees::minutes.eq(minutes),
            cpom_committees::decisions.eq(decisions),
            cpom_committees::report_json.eq(report),
        ))
        .execute(conn)
        .map(drop)
}

/// The stored structures among `finess`.
pub fn structures_among(
    conn: &mut DbConnection,
    finess: &[String],
) -> QueryResult<Vec<super::structures::StructureRow>> {
    structures::table
        .filter(structures::finess.eq_any(finess))
        .select(super::structures::StructureRow::as_select())
        .order(structures::finess)
        .load(conn)
}

/// Active structures visible under `visible`, for coverage.
pub fn active_structures(
    conn: &mut DbConnection,
    visible: super::scope::StructureFilter,
) -> QueryResult<Vec<super::structures::StructureRow>> {
    structures::table
        .filter(visible)
        .filter(structures::active.eq(true))
        .select(super::structures::StructureRow::as_select())
        .order(structures::finess)
        .load(conn)
}
