//! The OpenAPI contract, generated from the handlers' `#[utoipa::path]` and the wire types.
//!
//! `just openapi` writes it to `openapi/openapi.json`; a test fails when the committed file differs.

use utoipa::OpenApi;

use crate::routes;

/// The tdb API contract.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tdb — Tableau de bord de la performance des ESMS",
        description = "REST API of tdb. Conventions (URLs, pagination, errors, authentication): \
                       docs/api-design.md. Errors are RFC 7807 `application/problem+json` bodies with a \
                       stable `code`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    servers((url = "/", description = "This server")),
    nest((path = "/api/v1", api = V1Api)),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "State of the service."),
        (name = "auth", description = "Logging in (people) and client credentials (partner systems)."),
        (name = "reference", description = "Reference data: territories."),
        (name = "catalogue", description = "The data dictionary and the evaluation of a form by its rules."),
        (name = "forms", description = "The form of a structure for a campaign: values, evaluation, workflow, history."),
        (name = "structures", description = "Structures (ESMS) and their managing bodies, within the caller's scope."),
        (name = "campaigns", description = "Yearly campaigns, their phases and their monitoring."),
        (name = "imports", description = "Values imported in bulk (JSON, CSV, XLSX) by partners, the national level and the structures; background jobs."),
        (name = "exports", description = "Values exported within the caller's scope (CSV, XLSX; wide, long, official regional layout) and XLSX templates to fill in and import back."),
        (name = "cpom", description = "CPOM: contracts with the authorities, perimeter, amendments, action sheets, objectives tied to the dashboard, follow-up, committees, coverage."),
        (name = "restitution", description = "Peer statistics (benchmarks), a structure against its peers, the fiche de synthèse (JSON, PDF)."),
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token security scheme used by protected endpoints.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from /api/v1/auth/login or /api/v1/auth/token.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The `/api/v1` routes (paths relative to the scope, as actix declares them).
#[derive(OpenApi)]
#[openapi(paths(
    routes::health::health,
    routes::auth::login,
    routes::auth::token,
    routes::auth::me,
    routes::regions::list_regions,
    routes::catalogue::get_catalogue,
    routes::evaluate::evaluate,
    routes::forms::get::get_form,
    routes::forms::patch::patch_form,
    routes::forms::justifications::put_justification,
    routes::forms::justifications::delete_justification,
    routes::forms::workflow::submit_form,
    routes::forms::workflow::review_form,
    routes::forms::workflow::reopen_form,
    routes::forms::corrections::post_correction_message,
    routes::forms::history::form_history,
    routes::structures::list_structures,
    routes::structures::get_structure,
    routes::structures::create_structure,
    routes::structures::update_structure,
    routes::organisations::get_organisation,
    routes::organisations::create_organisation,
    routes::campaigns::list_campaigns,
    routes::campaigns::get_campaign,
    routes::campaigns::create_campaign,
    routes::campaigns::change_phase,
    routes::progress::campaign_progress,
    routes::benchmarks::group_benchmark,
    routes::benchmarks::structure_benchmark,
    routes::benchmarks::indicator_table,
    routes::fiches::get_fiche,
    routes::fiches::get_fiche_pdf,
    routes::fiches::post_fiche_batch,
    routes::fiches::get_fiche_batch,
    routes::fiches::get_fiche_batch_archive,
    routes::imports::post_import,
    routes::imports::get_import_job,
    routes::exports::export,
    routes::exports::structure_template,
    routes::exports::organisation_template,
    routes::cpom::list_contracts,
    routes::cpom::create_contract,
    routes::cpom::get_contract,
    routes::cpom::update_contract,
    routes::cpom::transition_contract,
    routes::cpom::create_amendment,
    routes::cpom::create_action_sheet,
    routes::cpom::update_action_sheet,
    routes::cpom::delete_action_sheet,
    routes::cpom::create_objective,
    routes::cpom::update_objective,
    routes::cpom::delete_objective,
    routes::cpom::put_objective_value,
    routes::cpom::get_follow_up,
    routes::cpom::create_committee,
    routes::cpom::get_committee_report,
    routes::cpom::get_committee_report_pdf,
    routes::cpom::record_committee,
    routes::cpom::coverage_report,
))]
struct V1Api;

/// The contract as pretty-printed JSON, exactly as committed in `openapi/openapi.json` (without the
/// final newline).
pub fn to_pretty_json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}
