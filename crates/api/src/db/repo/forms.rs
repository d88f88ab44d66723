//! Forms: the context of a form (campaign phase, visible structure), its stamp (what a read depends
//! on, in one statement), its row, the version lock, and the closing of a campaign's forms.

use chrono::NaiveDateTime;
use diesel::dsl::{max, sum};
use diesel::prelude::*;
use diesel::sql_types::Integer;
use tdb_domain::contract::FormState;

use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::repo::corrections;
use crate::db::repo::prepared::KeepPrepared;
use crate::db::repo::scope::{self, visible_structures};
use crate::db::repo::stored;
use crate::db::schema::{
    benchmark_snapshots, campaigns, correction_messages, correction_requests, cpom_contracts, cpom_perimeter,
    forms, justifications, structures,
};

/// What a form needs to know of its structure.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StructureContext {
    /// FINESS ET.
    pub finess: String,
    /// Catalogue category code.
    pub category: String,
    /// `ARS`, `CD` or `ARS_CD`.
    pub competence: String,
    /// Region code (the regional group of the peer outlier flags).
    pub region: String,
}

/// Everything a form's document depends on besides the rows it is computed from, read in one
/// statement with the scope check: the structure, the campaign's phase, the versions of the form and of
/// the same structure's form for campaign N−1, and the newest message of its correction threads.
///
/// Every write of a form's values, justifications, state or correction requests bumps its version; a
/// message does not (it must not make the other party's pending edit stale), hence `last_message`.
/// Two reads with equal stamps read the same document (for a given catalogue, compiled in).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct FormStamp {
    /// The structure.
    pub structure: StructureContext,
    /// Phase of the campaign; `None` when the campaign does not exist.
    pub phase: Option<String>,
    /// Version of the form; `None` before its first write.
    pub version: Option<i64>,
    /// Version of the form of campaign N−1; `None` when there is none.
    pub previous_version: Option<i64>,
    /// Identifier of the newest correction message of the form.
    pub last_message: Option<i64>,
    /// Sum of the versions of the CPOM contracts whose perimeter holds (or held) the structure: every
    /// change of such a contract moves it, and so may the document's CPOM alerts.
    pub cpom: Option<i64>,
    /// The last campaign before this one whose figures are frozen: the reference of the peer outlier
    /// flags (a campaign frozen since moves it).
    pub reference: Option<i32>,
}

/// What a write of a form may skip reading, read in the statement of its stamp
/// ([`stamp_for_write`]); true of the form at the stamp's version (writing justifications or
/// correction requests bumps it).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct FormFacts {
    /// When the stamp's reference campaign was frozen (what its kept figures are keyed by).
    pub reference_frozen_at: Option<NaiveDateTime>,
    /// Whether the form has justifications.
    pub justified: bool,
    /// Whether the form has open correction requests.
    pub open_requests: bool,
    /// The code of the form's state at the stamp's version (`None` before its first write).
    state: Option<String>,
}

impl FormFacts {
    /// The form's state at the stamp's version (`None` before its first write, or for a code this build
    /// does not know).
    pub fn state(&self) -> Option<FormState> {
        self.state.clone().and_then(|code| FormState::try_from(code).ok())
    }
}

/// A stored form.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = forms)]
pub struct FormRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Workflow state.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: FormState,
    /// Version (the ETag).
    pub version: i64,
    /// Cached completion rate.
    pub completion_rate: f64,
    /// Cached filled count.
    pub filled: i32,
    /// Cached required count.
    pub required: i32,
    /// Cached submission readiness.
    pub can_submit: bool,
    /// Cached number of failing alerts.
    pub alert_count: i32,
    /// Last submission.
    pub submitted_at: Option<NaiveDateTime>,
    /// Who submitted.
    pub submitted_by: Option<String>,
    /// ARS validation.
    pub ars_validated_at: Option<NaiveDateTime>,
    /// ARS validator.
    pub ars_validated_by: Option<String>,
    /// CD validation.
    pub cd_validated_at: Option<NaiveDateTime>,
    /// CD validator.
    pub cd_validated_by: Option<String>,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// The columns of a form besides its key, borrowed from a [`FormRow`]: what a save rewrites, and what
/// an import inserts after the key. `None` is NULL in both (a true multi-row INSERT on SQLite too).
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = forms, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct FormColumns<'a> {
    state: &'a str,
    version: i64,
    completion_rate: f64,
    filled: i32,
    required: i32,
    can_submit: bool,
    alert_count: i32,
    submitted_at: Option<NaiveDateTime>,
    submitted_by: Option<&'a str>,
    ars_validated_at: Option<NaiveDateTime>,
    ars_validated_by: Option<&'a str>,
    cd_validated_at: Option<NaiveDateTime>,
    cd_validated_by: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a FormRow> for FormColumns<'a> {
    fn from(row: &'a FormRow) -> Self {
        Self {
            state: row.state.as_str(),
            version: row.version,
            completion_rate: row.completion_rate,
            filled: row.filled,
            required: row.required,
            can_submit: row.can_submit,
            alert_count: row.alert_count,
            submitted_at: row.submitted_at,
            submitted_by: row.submitted_by.as_deref(),
            ars_validated_at: row.ars_validated_at,
            ars_validated_by: row.ars_validated_by.as_deref(),
            cd_validated_at: row.cd_validated_at,
            cd_validated_by: row.cd_validated_by.as_deref(),
            updated_at: row.updated_at,
        }
    }
}

/// Every form of campaign `year` with its structure's category and region, by FINESS.
pub fn of_campaign_with_category(
    conn: &mut DbConnection,
    year: i32,
) -> QueryResult<Vec<(FormRow, String, String)>> {
    forms::table
        .inner_join(structures::table)
        .filter(forms::campaign_year.eq(year))
        .select((
            FormRow::as_select(),
            structures::category,
            structures::region_code,
        ))
        .order(forms::structure_finess)
        .load(conn)
}

/// Rewrites the cached evaluation summary of a stored form (completion, readiness, alert count), not
/// its version: what the form holds did not change, only what it is judged against.
pub fn set_summary(conn: &mut DbConnection, row: &FormRow) -> QueryResult<usize> {
    diesel::update(forms::table.find((row.campaign_year, row.structure_finess.as_str())))
        .set((
            forms::completion_rate.eq(row.completion_rate),
            forms::filled.eq(row.filled),
            forms::required.eq(row.required),
            forms::can_submit.eq(row.can_submit),
            forms::alert_count.eq(row.alert_count),
        ))
        .execute(conn)
}

/// The phase of campaign `year`, if it exists.
pub fn campaign_phase(conn: &mut DbConnection, year: i32) -> QueryResult<Option<String>> {
    campaigns::table
        .find(year)
        .select(campaigns::phase)
        .first(conn)
        .optional()
}

/// The columns of a form's stamp ([`FormStamp`]), for the structure `finess` of the query they are
/// selected from. No SQL literal anywhere: the statement keeps one text per scope shape, and both
/// backends reuse its prepared form (a literal makes diesel prepare it again at each read).
macro_rules! stamp_columns {
    ($year:expr, $finess:expr) => {{
        let (year, finess): (i32, &str) = ($year, $finess);
        let phase = campaigns::table
            .find(year)
            .select(campaigns::phase)
            .single_value();
        let version = forms::table
            .find((year, finess))
            .select(forms::version)
            .single_value();
        let previous_version = forms::table
            .find((year.saturating_sub(1), finess))
            .select(forms::version)
            .single_value();
        let requests = correction_requests::table
            .filter(correction_requests::campaign_year.eq(year))
            .filter(correction_requests::structure_finess.eq(finess))
            .select(correction_requests::id);
        let last_message = correction_messages::table
            .filter(correction_messages::request_id.eq_any(requests))
            .select(diesel::dsl::max(correction_messages::id))
            .single_value();
        // The sum of the versions of the structure's CPOM contracts (versions only grow): as `int4`
        // each, so that the sum is a BIGINT on PostgreSQL too (of BIGINTs it would be NUMERIC).
        let cpom = cpom_contracts::table
            .inner_join(cpom_perimeter::table)
            .filter(cpom_perimeter::structure_finess.eq(finess))
            .select(sum(cpom_contracts::version.fallible_cast::<Integer>()))
            .single_value();
        let reference = benchmark_snapshots::table
            .filter(benchmark_snapshots::campaign_year.lt(year))
            .select(max(benchmark_snapshots::campaign_year))
            .single_value();
        (
            (
                structures::finess,
                structures::category,
                structures::competence,
                structures::region_code,
            ),
            phase,
            version,
            previous_version,
            last_message,
            cpom,
            reference,
        )
    }};
}

/// `$columns` of the structure `$finess` if `$scope` sees it. The scope's condition is left out of the
/// statement when [`scope::decided`] settles it without the row: the statement then keeps a static
/// shape, which diesel looks up by its type instead of writing its SQL again at each request. That
/// statement runs on the backend's own connection: through the multi-backend wrapper, diesel writes
/// the SQL of every statement again at each execution, static shape or not (its `SerializedQuery`).
macro_rules! first_in_scope {
    ($conn:expr, $scope:expr, $finess:expr, $columns:expr) => {{
        let finess: &str = $finess;
        match scope::decided($scope, finess) {
            Some(false) => Ok(None),
            Some(true) => crate::on_backend!($conn, c => structures::table
                .filter(structures::finess.eq(finess))
                .select($columns)
                .first(c)
                .optional()),
            None => structures::table
                .filter(structures::finess.eq(finess))
                .filter(visible_structures($scope))
                .select($columns)
                .first($conn)
                .optional(),
        }
    }};
}

/// The stamp of the form of `finess` for `year`, if `scope` sees the structure.
pub fn stamp(
    conn: &mut DbConnection,
    scope: &StructureScope,
    year: i32,
    finess: &str,
) -> QueryResult<Option<FormStamp>> {
    first_in_scope!(conn, scope, finess, stamp_columns!(year, finess))
}

/// What a write's stamp also reads of the form (see [`FormFacts`]): when the reference campaign was
/// frozen, whether the form has justifications, whether it has open correction requests, its state.
macro_rules! form_facts {
    ($year:expr, $finess:expr) => {{
        let (year, finess): (i32, &str) = ($year, $finess);
        let reference_frozen_at = benchmark_snapshots::table
            .filter(benchmark_snapshots::campaign_year.lt(year))
            .order(benchmark_snapshots::campaign_year.desc())
            .select(benchmark_snapshots::frozen_at)
            .single_value();
        let justified = diesel::dsl::exists(
            justifications::table
                .filter(justifications::campaign_year.eq(year))
                .filter(justifications::structure_finess.eq(finess)),
        );
        let open_requests = diesel::dsl::exists(
            correction_requests::table
                .filter(correction_requests::campaign_year.eq(year))
                .filter(correction_requests::structure_finess.eq(finess))
                .filter(correction_requests::status.eq(corrections::OPEN)),
        );
        let state = forms::table
            .find((year, finess))
            .select(forms::state)
            .single_value();
        (reference_frozen_at, justified, open_requests, state)
    }};
}

/// The stamp of the form of `finess` for `year` with what a write may skip reading, in one statement,
/// if `scope` sees the structure (reads keep the shorter [`stamp`]).
pub fn stamp_for_write(
    conn: &mut DbConnection,
    scope: &StructureScope,
    year: i32,
    finess: &str,
) -> QueryResult<Option<(FormStamp, FormFacts)>> {
    first_in_scope!(
        conn,
        scope,
        finess,
        (stamp_columns!(year, finess), form_facts!(year, finess))
    )
}

/// The form of `finess` for `year`, if it has a row.
pub fn find(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Option<FormRow>> {
    forms::table
        .find((year, finess))
        .select(FormRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the form of `finess` for `year` has a row.
pub fn exists(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(forms::table.find((year, finess)))).get_result(conn)
}

/// Takes the write lock of a form: a no-op UPDATE of its row. Returns whether the row exists.
///
/// Run it as the first statement of a write transaction: PostgreSQL then holds the row lock until the
/// commit, so a concurrent writer re-reads the version after it; SQLite takes its database write lock
/// before any read, so the busy timeout applies instead of a snapshot conflict.
pub fn lock(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<bool> {
    let n = diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::structure_finess.eq(finess)),
    )
    .set(forms::version.eq(forms::version))
    .execute(conn)?;
    Ok(n == 1)
}

/// Takes the write lock of a form (first statement of a write transaction) and reads its row; `None`
/// when the form has no row yet. PostgreSQL: one `SELECT … FOR UPDATE` (no new row version, one round
/// trip); SQLite: [`lock`] then [`find`].
pub fn lock_row(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Option<FormRow>> {
    if let DbConnection::Postgres(c) = conn {
        return forms::table
            .find((year, finess))
            .select(FormRow::as_select())
            .for_update()
            .first(c)
            .optional();
    }
    if lock(conn, year, finess)? {
        find(conn, year, finess)
    } else {
        Ok(None)
    }
}

/// What a write of values changes on its form: the next version and its time, the state it moves to
/// and the cached evaluation summary.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = forms)]
pub struct FormAdvance<'a> {
    /// The state after the write.
    pub state: &'a str,
    /// The next version.
    pub version: i64,
    /// The summary of the evaluation after the write.
    #[diesel(embed)]
    pub summary: FormSummary,
    /// The write's time.
    pub updated_at: NaiveDateTime,
}

/// The cached evaluation summary of a form.
#[derive(Debug, Clone, Copy, PartialEq, AsChangeset)]
#[diesel(table_name = forms)]
pub struct FormSummary {
    /// Completion rate.
    pub completion_rate: f64,
    /// Filled required items.
    pub filled: i32,
    /// Required items.
    pub required: i32,
    /// Submission readiness.
    pub can_submit: bool,
    /// Failing alerts.
    pub alert_count: i32,
}

/// Moves the form of `finess` for `year` to `advance` if it is still at version `expected`, and answers
/// its row; `None` when it is not (another version, or no row). As the first statement of a write
/// transaction it takes the form's lock, as [`lock_row`] would, without reading it first.
pub fn advance(
    conn: &mut DbConnection,
    (year, finess): (i32, &str),
    expected: i64,
    advance: &FormAdvance<'_>,
) -> QueryResult<Option<FormRow>> {
    crate::on_backend!(conn, c => KeepPrepared(diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::structure_finess.eq(finess))
            .filter(forms::version.eq(expected)),
    )
    .set(advance)
    .returning(FormRow::as_returning()))
    .get_result(c)
    .optional())
}

/// Inserts the row of a form unless one exists; returns whether it inserted.
pub fn create(conn: &mut DbConnection, row: &FormRow) -> QueryResult<bool> {
    let n = crate::on_backend!(conn, c => diesel::insert_into(forms::table)
        .values(row.clone())
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Rewrites a form whose stored version is still `expected`; returns whether it matched.
pub fn save(conn: &mut DbConnection, row: &FormRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(row.campaign_year))
            .filter(forms::structure_finess.eq(&row.structure_finess))
            .filter(forms::version.eq(expected)),
    )
    .set(FormColumns::from(row))
    .execute(conn)?;
    Ok(n == 1)
}

/// FINESS and state of every form of `year` not yet in `state`.
pub fn not_in_state(
    conn: &mut DbConnection,
    year: i32,
    state: FormState,
) -> QueryResult<Vec<(String, FormState)>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::state.ne(state.as_str()))
        .select((forms::structure_finess, forms::state))
        .order(forms::structure_finess)
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(finess, code)| Ok((finess, stored::parse(code)?)))
        .collect()
}

/// Moves every form of `year` to `state` (version + 1); returns how many changed.
pub fn set_all_states(
    conn: &mut DbConnection,
    year: i32,
    state: FormState,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::state.ne(state.as_str())),
    )
    .set((
        forms::state.eq(state.as_str()),
        forms::version.eq(forms::version + 1),
        forms::updated_at.eq(at),
    ))
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use diesel::query_builder::QueryId;

    use super::*;

    fn static_shape<Q: QueryId>(_: &Q) -> bool {
        Q::HAS_STATIC_QUERY_ID
    }

    /// A statement of a static shape is looked up in diesel's cache by its type; any other has its SQL
    /// written again at each execution to be looked up (a tenth of a form write's CPU in `perf`).
    #[test]
    fn the_stamps_under_a_decided_scope_are_statements_of_a_static_shape() {
        let (year, finess) = (2024, "590000011");
        let structure = structures::table.filter(structures::finess.eq(finess));
        assert!(static_shape(
            &structure.select(stamp_columns!(year, finess)).limit(1)
        ));
        assert!(static_shape(
            &structure
                .select((stamp_columns!(year, finess), form_facts!(year, finess)))
                .limit(1)
        ));
        // What the decision spares: the boxed condition of the scopes that depend on the row.
        let organisation = StructureScope::Organisation("590000010".to_owned());
        assert!(!static_shape(
            &structure
                .filter(visible_structures(&organisation))
                .select(stamp_columns!(year, finess))
        ));
        let one = StructureScope::Structures(vec![finess.to_owned()]);
        assert_eq!(scope::decided(&one, finess), Some(true));
        assert_eq!(scope::decided(&one, "590000012"), Some(false));
        assert_eq!(scope::decided(&StructureScope::All, finess), Some(true));
        assert_eq!(scope::decided(&StructureScope::Nothing, finess), Some(false));
        assert_eq!(scope::decided(&organisation, finess), None);
    }
}
