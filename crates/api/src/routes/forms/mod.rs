//! `/api/v1/campaigns/{year}/structures/{finess}/form…`: the form of a structure for a campaign.
//!
//! Handlers parse, call `services::forms`, and answer the form with its `ETag` (`"<version>"`).
//! Writes take `If-Match`: required for a patch of values (428 without it), optional for
//! justifications and transitions (checked when sent). A stale tag answers 412.

pub mod corrections;
pub mod get;
pub mod history;
pub mod justifications;
pub mod patch;
pub mod workflow;

use actix_web::http::header::{ContentType, ETag, EntityTag};
use actix_web::{HttpResponse, web};
use tdb_domain::contract::FormDocument;

use crate::services::forms::FormBody;

/// Registers the form routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get::get_form)
        .service(patch::patch_form)
        .service(justifications::put_justification)
        .service(justifications::delete_justification)
        .service(history::form_history)
        .service(workflow::submit_form)
        .service(workflow::review_form)
        .service(workflow::reopen_form)
        .service(corrections::post_correction_message);
}

/// Path of a form: campaign year and FINESS ET.
type FormPath = web::Path<(i32, String)>;

/// 200 with the form and its `ETag`.
fn form_response(document: FormDocument) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ETag(EntityTag::new_strong(document.version.to_string())))
        .json(document)
}

/// 200 with a serialised form and its `ETag`.
fn body_response(body: FormBody) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ETag(EntityTag::new_strong(body.version.to_string())))
        .content_type(ContentType::json())
        .body(body.json)
}
