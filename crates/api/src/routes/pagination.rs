//! `?page=&per_page=` parameters shared by every list endpoint.

use serde::Deserialize;
use tdb_domain::contract::{FieldError, PageMeta};
use utoipa::IntoParams;

use crate::error::ApiError;

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: u32 = 500;
const DEFAULT_PER_PAGE: u32 = 50;

/// Paging parameters of a list.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, example = 1)]
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, example = 50)]
    pub per_page: Option<u32>,
}

/// Validated paging: page ≥ 1, 1 ≤ per_page ≤ 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl PageParams {
    /// Checks the parameters, listing every invalid one.
    pub fn validate(self) -> Result<Paging, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        if page == 0 {
            errors.push(FieldError {
                path: "/query/page".to_owned(),
                code: "out_of_range".to_owned(),
                message: "La page commence à 1.".to_owned(),
            });
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            errors.push(FieldError {
                path: "/query/per_page".to_owned(),
                code: "out_of_range".to_owned(),
                message: format!(
                    "Le nombre d'éléments par page doit être compris entre 1 et {MAX_PER_PAGE}."
                ),
            });
        }
        if errors.is_empty() {
            Ok(Paging { page, per_page })
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

impl Paging {
    /// Rows to skip.
    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// Rows to read.
    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    /// The `meta` of a page given the total count.
    pub fn meta(self, total: i64) -> PageMeta {
        PageMeta {
            total: u64::try_from(total).unwrap_or(0),
            page: self.page,
            per_page: self.per_page,
        }
    }
}
