//! Statements kept prepared although diesel would prepare them again at each execution.
//!
//! Diesel never keeps an `UPDATE` prepared: the columns a changeset sets may vary (an `Option` field
//! left out when `None`), so the shapes of one statement are unbounded in general. The `UPDATE`s of a
//! form write have a few shapes each, and run at every keystroke saved: parsed and planned again each
//! time, they were a measurable share of PostgreSQL's work under `just bench` (`base_yyparse` in
//! `perf`). [`KeepPrepared`] marks such a statement safe to keep: diesel then keys it by its SQL, so
//! each shape is prepared once per connection.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// `statement`, kept prepared by diesel's statement cache (one entry per SQL text). Only for
/// statements with a small, bounded number of shapes.
#[derive(Debug, Clone, Copy)]
pub struct KeepPrepared<T>(pub T);

impl<T, DB> QueryFragment<DB> for KeepPrepared<T>
where
    T: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    // A hidden method of diesel's public trait (its default walks the statement, whose UPDATE marks
    // itself unsafe): the one place where a statement says it may be kept.
    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<T> QueryId for KeepPrepared<T> {
    type QueryId = ();
    // Not a static shape: diesel keys the statement by its SQL text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<T: Query> Query for KeepPrepared<T> {
    type SqlType = T::SqlType;
}

impl<T, Conn> RunQueryDsl<Conn> for KeepPrepared<T> {}
