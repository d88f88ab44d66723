//! Reference data (regions, departments) and the list envelope.

use serde::{Deserialize, Serialize};

/// A French region (INSEE code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "32", "name": "Hauts-de-France"})))]
pub struct Region {
    /// INSEE region code, e.g. `32`.
    pub code: String,
    /// Official name.
    pub name: String,
}

/// A French department (INSEE code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "59", "name": "Nord", "region_code": "32"})))]
pub struct Department {
    /// INSEE department code, e.g. `59`, `2A`, `971`.
    pub code: String,
    /// Official name.
    pub name: String,
    /// INSEE code of its region.
    pub region_code: String,
}

/// A page of a list: `{"items": […], "meta": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Paging information.
    pub meta: PageMeta,
}

/// Paging information of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageMeta {
    /// Number of items across all pages.
    pub total: u64,
    /// Page number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}
