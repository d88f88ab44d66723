//! Why a catalogue file cannot be used. Every variant names the offending code and place, so a broken
//! file fails at load with a message that says what to fix.

use crate::expr::ParseError;

/// A catalogue that cannot be loaded, or a campaign that no catalogue covers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// No shipped catalogue covers this campaign (before 2019, or beyond the last shipped file).
    #[error("campaign {campaign} is not covered by the catalogue (covered: {first}–{last})")]
    CampaignNotCovered {
        /// The campaign asked for.
        campaign: i32,
        /// First covered campaign.
        first: i32,
        /// Last covered campaign.
        last: i32,
    },
    /// The file is not valid JSON of the catalogue shape.
    #[error("catalogue file is not valid: {message}")]
    Json {
        /// The JSON parser's message (with line and column).
        message: String,
    },
    /// A shipped file does not carry the campaign it is filed under.
    #[error("catalogue file for campaign {expected} says campaign {found}")]
    CampaignMismatch {
        /// The campaign the file is filed under.
        expected: i32,
        /// The campaign written in the file.
        found: i32,
    },
    /// A code is not lowercase snake_case ASCII (§1.2).
    #[error("invalid code '{code}' ({what}): codes are [a-z][a-z0-9_]*")]
    InvalidCode {
        /// What carries the code (item, indicator, category…).
        what: &'static str,
        /// The code.
        code: String,
    },
    /// Two definitions share a code (items, indicators and controls share one namespace; categories
    /// share one with their FINESS codes and aliases).
    #[error("duplicate code '{code}' ({what})")]
    DuplicateCode {
        /// Which namespace.
        what: &'static str,
        /// The code.
        code: String,
    },
    /// A scope set names a category that does not exist.
    #[error("scope '{scope}' names unknown category '{category}'")]
    UnknownCategory {
        /// The scope set.
        scope: String,
        /// The unknown category code.
        category: String,
    },
    /// A definition uses a scope set that does not exist.
    #[error("{owner} uses unknown scope '{scope}'")]
    UnknownScope {
        /// The definition, e.g. `item 'admissions'`.
        owner: String,
        /// The unknown scope code.
        scope: String,
    },
    /// An expression refers to a code that is nothing in the catalogue.
    #[error("unknown code '{code}' in {place}")]
    UnknownCode {
        /// Where, e.g. `formula of indicator 'taux_caf'`.
        place: String,
        /// The unknown code.
        code: String,
    },
    /// An expression refers to something it may not (§1.6, §1.7).
    #[error("'{code}' may not be used in {place}: {reason}")]
    InvalidReference {
        /// Where.
        place: String,
        /// The code.
        code: String,
        /// Why not.
        reason: &'static str,
    },
    /// An expression does not parse.
    #[error("{place} does not parse: {error}")]
    Parse {
        /// Where.
        place: String,
        /// The parser's error (with the byte offset).
        error: ParseError,
    },
    /// An expression parses but has the wrong shape for its place.
    #[error("{place}: {reason}")]
    InvalidExpression {
        /// Where.
        place: String,
        /// Why.
        reason: &'static str,
    },
    /// A definition's attributes contradict each other or the rules.
    #[error("{owner}: {reason}")]
    InvalidDefinition {
        /// The definition.
        owner: String,
        /// What is wrong.
        reason: String,
    },
}
