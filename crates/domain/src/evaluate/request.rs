//! The JSON entry points: validate a request's values, evaluate, build the result.

use std::collections::{BTreeMap, BTreeSet};

use super::{Evaluation, OutlierReference, evaluate, evaluate_with_peers};
use crate::catalogue::{Catalogue, CatalogueError, catalogue_for};
use crate::contract::{EvaluateRequest, EvaluationResult};
use crate::values::{FormValues, ValueError};

/// Which part of the request a rejected value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueField {
    /// `values`
    Values,
    /// `previous_values`
    PreviousValues,
}

/// A rejected value of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedValue {
    /// Where it was sent.
    pub field: ValueField,
    /// Why it was rejected.
    pub error: ValueError,
}

impl RejectedValue {
    /// JSON pointer of the value in the request: `/values/<item>` or `/previous_values/<item>`.
    pub fn path(&self) -> String {
        let field = match self.field {
            ValueField::Values => "values",
            ValueField::PreviousValues => "previous_values",
        };
        format!(
            "/{field}/{}",
            self.error.item.replace('~', "~0").replace('/', "~1")
        )
    }
}

/// Why a request cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    /// The category is not a code, FINESS code or alias of the catalogue.
    #[error("unknown category '{category}'")]
    UnknownCategory {
        /// As sent.
        category: String,
    },
    /// No catalogue covers the campaign.
    #[error("campaign {campaign} is not covered by the catalogue")]
    CampaignNotCovered {
        /// As sent.
        campaign: i32,
    },
    /// A shipped catalogue file failed to load (a build defect).
    #[error(transparent)]
    Catalogue(CatalogueError),
    /// Values were rejected: every bad item of `values` and `previous_values`.
    #[error("{} rejected value(s)", .0.len())]
    InvalidValues(Vec<RejectedValue>),
}

impl From<CatalogueError> for EvaluateError {
    fn from(e: CatalogueError) -> Self {
        match e {
            CatalogueError::CampaignNotCovered { campaign, .. } => {
                EvaluateError::CampaignNotCovered { campaign }
            }
            other => EvaluateError::Catalogue(other),
        }
    }
}

/// The catalogue used to validate and evaluate the previous campaign's values: the shipped file of
/// N−1, or the campaign's own catalogue when N−1 is not covered (campaign 2019, whose year-over-year
/// control ignores them: [`Catalogue::has_previous_campaign`]).
pub fn previous_catalogue(campaign: i32) -> Result<&'static Catalogue, CatalogueError> {
    catalogue_for(campaign - 1).or_else(|_| catalogue_for(campaign))
}

fn reject(field: ValueField, errors: Vec<ValueError>) -> impl Iterator<Item = RejectedValue> {
    errors
        .into_iter()
        .map(move |error| RejectedValue { field, error })
}

struct Prepared {
    catalogue: &'static Catalogue,
    values: FormValues,
    previous: Option<(&'static Catalogue, FormValues)>,
    rejected: Vec<RejectedValue>,
}

fn prepare(req: &EvaluateRequest) -> Result<Prepared, EvaluateError> {
    let catalogue = catalogue_for(req.campaign)?;
    if catalogue.resolve_category(&req.category).is_none() {
        return Err(EvaluateError::UnknownCategory {
            category: req.category.clone(),
        });
    }
    let (values, errors) = FormValues::from_json_lenient(catalogue, &req.values);
    let mut rejected: Vec<RejectedValue> = reject(ValueField::Values, errors).collect();
    let previous = match &req.previous_values {
        Some(map) => {
            let prev_catalogue = previous_catalogue(req.campaign)?;
            let (prev, errors) = FormValues::from_json_lenient(prev_catalogue, map);
            rejected.extend(reject(ValueField::PreviousValues, errors));
            Some((prev_catalogue, prev))
        }
        None => None,
    };
    Ok(Prepared {
        catalogue,
        values,
        previous,
        rejected,
    })
}

fn run(req: &EvaluateRequest, p: &Prepared) -> Result<EvaluationResult, EvaluateError> {
    let justified: BTreeSet<String> = req.justified.iter().cloned().collect();
    let previous: Option<Evaluation<'_>> = p
        .previous
        .as_ref()
        .map(|(cat, values)| evaluate(cat, &req.category, values, None, &BTreeSet::new()))
        .transpose()?;
    let peers = req
        .peer_reference
        .as_ref()
        .map(|r| OutlierReference::new(p.catalogue, r));
    Ok(evaluate_with_peers(
        p.catalogue,
        &req.category,
        &p.values,
        previous.as_ref(),
        &justified,
        peers.as_ref(),
    )?
    .to_result())
}

/// Evaluates a request whose values must all be valid: any rejected value (unknown item included), in
/// `values` or `previous_values`, fails the whole request with every rejected value listed.
pub fn evaluate_request(req: &EvaluateRequest) -> Result<EvaluationResult, EvaluateError> {
    let prepared = prepare(req)?;
    if !prepared.rejected.is_empty() {
        return Err(EvaluateError::InvalidValues(prepared.rejected));
    }
    run(req, &prepared)
}

/// Evaluates unvalidated input (tests, dry-run imports): rejected values are treated as empty and
/// reported in `invalid` (§9), by item code; rejected previous values are left out of `invalid` and
/// treated as empty.
pub fn evaluate_request_lenient(req: &EvaluateRequest) -> Result<EvaluationResult, EvaluateError> {
    let prepared = prepare(req)?;
    let mut result = run(req, &prepared)?;
    let invalid: BTreeMap<_, _> = prepared
        .rejected
        .iter()
        .filter(|r| r.field == ValueField::Values)
        .map(|r| (r.error.item.clone(), r.error.to_invalid()))
        .collect();
    result.invalid = Some(invalid);
    Ok(result)
}
