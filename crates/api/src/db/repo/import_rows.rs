//! The borrowed rows that bulk import writes insert — values, audit entries — and the session-local
//! staging table of PostgreSQL's `COPY` path. Shared by [`super::imports`] (multi-row statements) and
//! [`super::copy`] (`COPY`), which both sit above this module.

use diesel::prelude::*;

use crate::db::repo::audit::NewAuditEntry;
use crate::db::repo::values::ValueRow;
use crate::db::schema::{audit_log, form_values};

diesel::table! {
    /// Session-local staging of the value rows of an import batch (a temporary table shaped like
    /// `form_values`, emptied after each use and at each commit).
    import_values_stage (campaign_year, structure_finess, item_code) {
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Item code.
        item_code -> Text,
        /// Value JSON.
        value_json -> Text,
        /// Source.
        source -> Text,
        /// Import batch.
        batch_id -> Nullable<Text>,
        /// Locked.
        locked -> Bool,
        /// Kept pushed value.
        prefill_value_json -> Nullable<Text>,
        /// Its source.
        prefill_source -> Nullable<Text>,
        /// Override reason.
        override_reason -> Nullable<Text>,
        /// Author.
        author -> Text,
        /// When.
        updated_at -> Timestamp,
        /// Version.
        version -> BigInt,
    }
}

/// A value row to insert, borrowed (`None` is NULL, as SQLite's multi-row upserts and `COPY` require).
#[derive(Insertable)]
#[diesel(table_name = form_values, treat_none_as_default_value = false)]
#[diesel(table_name = import_values_stage)]
pub struct ValueInsert<'a> {
    campaign_year: i32,
    structure_finess: &'a str,
    item_code: &'a str,
    value_json: &'a str,
    source: &'a str,
    batch_id: Option<&'a str>,
    locked: bool,
    prefill_value_json: Option<&'a str>,
    prefill_source: Option<&'a str>,
    override_reason: Option<&'a str>,
    author: &'a str,
    updated_at: chrono::NaiveDateTime,
    version: i64,
}

impl<'a> From<&'a ValueRow> for ValueInsert<'a> {
    fn from(row: &'a ValueRow) -> Self {
        Self {
            campaign_year: row.campaign_year,
            structure_finess: &row.structure_finess,
            item_code: &row.item_code,
            value_json: &row.value_json,
            source: &row.source,
            batch_id: row.batch_id.as_deref(),
            locked: row.locked,
            prefill_value_json: row.prefill_value_json.as_deref(),
            prefill_source: row.prefill_source.as_deref(),
            override_reason: row.override_reason.as_deref(),
            author: &row.author,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

/// An audit entry to insert, borrowed (`None` is NULL: a true multi-row INSERT on SQLite too, where
/// defaultable columns would make diesel insert row by row).
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditInsert<'a> {
    /// When.
    pub at: chrono::NaiveDateTime,
    /// Who.
    pub actor: &'a str,
    /// Channel.
    pub channel: &'a str,
    /// What happened.
    pub action: &'a str,
    /// Campaign.
    pub campaign_year: Option<i32>,
    /// Structure.
    pub structure_finess: Option<&'a str>,
    /// Item.
    pub item_code: Option<&'a str>,
    /// Value before (JSON).
    pub old_value: Option<&'a str>,
    /// Value after (JSON).
    pub new_value: Option<&'a str>,
    /// Detail (JSON).
    pub detail: Option<&'a str>,
}

impl<'a> From<&'a NewAuditEntry> for AuditInsert<'a> {
    fn from(entry: &'a NewAuditEntry) -> Self {
        Self {
            at: entry.at,
            actor: &entry.actor,
            channel: &entry.channel,
            action: &entry.action,
            campaign_year: entry.campaign_year,
            structure_finess: entry.structure_finess.as_deref(),
            item_code: entry.item_code.as_deref(),
            old_value: entry.old_value.as_deref(),
            new_value: entry.new_value.as_deref(),
            detail: entry.detail.as_deref(),
        }
    }
}
