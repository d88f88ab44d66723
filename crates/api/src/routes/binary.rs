//! Schemas of the binary bodies (PDF, zip, XLSX, CSV): strings of their media type in the OpenAPI 3.1
//! way (`type: string` with `contentMediaType`), the binary ones also `format: binary` (what generators
//! such as openapi-python-client read as a file), so that generated clients handle them as files rather
//! than as arrays of integers. Used inline in the handlers' `#[utoipa::path]` (`body = inline(Pdf)`).

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::services::exports::xlsx_output;

/// A string of bytes of `media_type`.
fn binary(media_type: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
        .content_media_type(media_type)
        .into()
}

/// A string of text of `media_type`.
fn text(media_type: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .content_media_type(media_type)
        .into()
}

/// A PDF document (`application/pdf`).
pub struct Pdf;

impl PartialSchema for Pdf {
    fn schema() -> RefOr<Schema> {
        binary("application/pdf")
    }
}

impl ToSchema for Pdf {}

/// A zip archive (`application/zip`).
pub struct Zip;

impl PartialSchema for Zip {
    fn schema() -> RefOr<Schema> {
        binary("application/zip")
    }
}

impl ToSchema for Zip {}

/// An XLSX workbook (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`).
pub struct Xlsx;

impl PartialSchema for Xlsx {
    fn schema() -> RefOr<Schema> {
        binary(xlsx_output::MEDIA_TYPE)
    }
}

impl ToSchema for Xlsx {}

/// A CSV table (`text/csv`).
pub struct Csv;

impl PartialSchema for Csv {
    fn schema() -> RefOr<Schema> {
        text("text/csv")
    }
}

impl ToSchema for Csv {}
