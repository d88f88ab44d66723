//! Campaigns: creation (national), forward-only phase changes with their audit, closing of the forms
//! when a campaign leaves `fiabilisation`, freezing of its peer statistics when it enters
//! `restitution`.

use diesel::Connection;
use tdb_domain::contract::{
    Campaign, CampaignCreate, CampaignDates, CampaignPhase, FieldError, PhaseChange, PhaseChangeResult,
};

use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::campaigns::{self, AuditEntry, CampaignRow};
use crate::error::{ApiError, ProblemCode};
use crate::services::benchmarks;
use crate::services::events;
use crate::services::forms::close_forms;
use crate::services::notifications;
use crate::services::passwords::LinkBase;
use crate::services::structures::is_iso_date;

/// The wire form of a stored campaign.
pub fn to_campaign(row: CampaignRow) -> Campaign {
    Campaign {
        year: row.year,
        catalogue_version: row.catalogue_version,
        phase: CampaignPhase::parse(&row.phase).unwrap_or(CampaignPhase::Preparation),
        dates: CampaignDates {
            collecte_opens_on: row.collecte_opens_on,
            collecte_closes_on: row.collecte_closes_on,
            fiabilisation_closes_on: row.fiabilisation_closes_on,
            restitution_opens_on: row.restitution_opens_on,
        },
        version: row.version,
        updated_at: row
            .updated_at
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// Every date is `YYYY-MM-DD` and the dates given are in calendar order; lists every bad field under
/// `prefix` (`/dates`).
pub fn check_dates(dates: &CampaignDates, prefix: &str) -> Vec<FieldError> {
    let named = [
        ("collecte_opens_on", &dates.collecte_opens_on),
        ("collecte_closes_on", &dates.collecte_closes_on),
        ("fiabilisation_closes_on", &dates.fiabilisation_closes_on),
        ("restitution_opens_on", &dates.restitution_opens_on),
    ];
    let mut errors = Vec::new();
    let mut previous: Option<(&str, &str)> = None;
    for (name, value) in named {
        let Some(value) = value.as_deref() else { continue };
        if !is_iso_date(value) {
            errors.push(FieldError {
                path: format!("{prefix}/{name}"),
                code: "invalid_date".to_owned(),
                message: "La date doit exister et s'écrire AAAA-MM-JJ.".to_owned(),
            });
            continue;
        }
        if let Some((before_name, before)) = previous
            && value < before
        {
            errors.push(FieldError {
                path: format!("{prefix}/{name}"),
                code: "dates_out_of_order".to_owned(),
                message: format!("Cette date doit être postérieure ou égale à {before_name} ({before})."),
            });
        }
        previous = Some((name, value));
    }
    errors
}

/// `GET /campaigns/{year}`.
pub fn get(conn: &mut DbConnection, year: i32) -> Result<Campaign, ApiError> {
    campaigns::find(conn, year)?
        .map(to_campaign)
        .ok_or_else(|| not_found(year))
}

fn not_found(year: i32) -> ApiError {
    ApiError::NotFound {
        code: ProblemCode::CampaignNotFound,
        detail: format!("La campagne {year} n'existe pas."),
    }
}

/// `POST /campaigns` (`national`): a new campaign in `preparation`.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    input: &CampaignCreate,
) -> Result<Campaign, ApiError> {
    principal.require_role(&[Role::National], "créer une campagne")?;
    let mut errors = Vec::new();
    let catalogue = tdb_domain::catalogue_for(input.year);
    if catalogue.is_err() {
        errors.push(FieldError {
            path: "/year".to_owned(),
            code: "campaign_not_covered".to_owned(),
            message: format!(
                "Aucun catalogue ne couvre la campagne {} (campagnes couvertes : {} à {}).",
                input.year,
                tdb_domain::FIRST_CAMPAIGN,
                tdb_domain::LAST_CAMPAIGN
            ),
        });
    }
    errors.extend(check_dates(&input.dates, "/dates"));
    let catalogue = match catalogue {
        Ok(catalogue) if errors.is_empty() => catalogue,
        _ => return Err(ApiError::Validation(errors)),
    };
    let row = CampaignRow {
        year: input.year,
        catalogue_version: catalogue.version().to_owned(),
        phase: CampaignPhase::Preparation.as_str().to_owned(),
        collecte_opens_on: input.dates.collecte_opens_on.clone(),
        collecte_closes_on: input.dates.collecte_closes_on.clone(),
        fiabilisation_closes_on: input.dates.fiabilisation_closes_on.clone(),
        restitution_opens_on: input.dates.restitution_opens_on.clone(),
        version: 1,
        updated_at: chrono::Utc::now().naive_utc(),
    };
    conn.transaction(|conn| {
        if campaigns::find(conn, input.year)?.is_some() {
            return Err(ApiError::Conflict {
                code: ProblemCode::AlreadyExists,
                detail: format!("La campagne {} existe déjà.", input.year),
            });
        }
        campaigns::insert(conn, &row)?;
        campaigns::append_audit(
            conn,
            &[AuditEntry {
                at: row.updated_at,
                actor: principal.subject.clone(),
                channel: principal.channel().to_owned(),
                action: "campaign_created".to_owned(),
                campaign_year: Some(row.year),
                structure_finess: None,
                detail: Some(serde_json::json!({"catalogue_version": row.catalogue_version}).to_string()),
            }],
        )?;
        Ok(to_campaign(row))
    })
}

/// `POST /campaigns/{year}/phase` (`national`): moves to the next phase, sets the dates sent, audits
/// the change, queues the mail telling every structure's people that the phase opened, and closes
/// every form when leaving `fiabilisation`, all in one transaction.
pub fn change_phase(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, base): (i32, &LinkBase),
    input: &PhaseChange,
) -> Result<PhaseChangeResult, ApiError> {
    principal.require_role(&[Role::National], "changer la phase d'une campagne")?;
    conn.transaction(|conn| {
        let current = campaigns::find(conn, year)?.ok_or_else(|| not_found(year))?;
        let from = CampaignPhase::parse(&current.phase)
            .ok_or_else(|| ApiError::Internal(format!("stored phase `{}`", current.phase)))?;
        if from.next() != Some(input.phase) {
            return Err(ApiError::Conflict {
                code: ProblemCode::InvalidPhaseTransition,
                detail: match from.next() {
                    Some(next) => format!(
                        "La campagne {year} est en phase « {} » : elle ne peut passer qu'en « {} ».",
                        from.as_str(),
                        next.as_str()
                    ),
                    None => format!("La campagne {year} est archivée : sa phase ne change plus."),
                },
            });
        }
        let dates = merge(&current, &input.dates);
        let errors = check_dates(&dates, "/dates");
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let row = CampaignRow {
            phase: input.phase.as_str().to_owned(),
            collecte_opens_on: dates.collecte_opens_on,
            collecte_closes_on: dates.collecte_closes_on,
            fiabilisation_closes_on: dates.fiabilisation_closes_on,
            restitution_opens_on: dates.restitution_opens_on,
            version: current.version + 1,
            updated_at: chrono::Utc::now().naive_utc(),
            ..current
        };
        if !campaigns::update_phase(conn, &row)? {
            return Err(ApiError::Conflict {
                code: ProblemCode::ConcurrentChange,
                detail: "La campagne a été modifiée entre-temps : rechargez-la.".to_owned(),
            });
        }
        campaigns::append_audit(
            conn,
            &[AuditEntry {
                at: row.updated_at,
                actor: principal.subject.clone(),
                channel: principal.channel().to_owned(),
                action: "campaign_phase".to_owned(),
                campaign_year: Some(year),
                structure_finess: None,
                detail: Some(
                    serde_json::json!({"from": from.as_str(), "to": input.phase.as_str()}).to_string(),
                ),
            }],
        )?;
        let mut new_events = vec![events::by(
            principal,
            events::CAMPAIGN_PHASE_CHANGED,
            (Some(year), None),
            &serde_json::json!({"from": from.as_str(), "to": input.phase.as_str(), "version": row.version}),
            row.updated_at,
        )];
        if input.phase == CampaignPhase::Restitution && benchmarks::freeze(conn, year, row.updated_at)? {
            new_events.push(events::by(
                principal,
                events::BENCHMARKS_FROZEN,
                (Some(year), None),
                &serde_json::json!({}),
                row.updated_at,
            ));
        }
        events::append(conn, &new_events)?;
        let ends_on = match input.phase {
            CampaignPhase::Collecte => row.collecte_closes_on.as_deref(),
            CampaignPhase::Fiabilisation => row.fiabilisation_closes_on.as_deref(),
            _ => None,
        };
        notifications::phase_opened(conn, base, (year, input.phase), ends_on, row.updated_at)?;
        let closed = if from == CampaignPhase::Fiabilisation {
            close_forms(conn, year, &principal.subject)?
        } else {
            0
        };
        Ok(PhaseChangeResult {
            campaign: to_campaign(row),
            closed_forms: u64::try_from(closed).unwrap_or(0),
        })
    })
}

fn merge(current: &CampaignRow, sent: &CampaignDates) -> CampaignDates {
    let pick = |sent: &Option<String>, stored: &Option<String>| sent.clone().or_else(|| stored.clone());
    CampaignDates {
        collecte_opens_on: pick(&sent.collecte_opens_on, &current.collecte_opens_on),
        collecte_closes_on: pick(&sent.collecte_closes_on, &current.collecte_closes_on),
        fiabilisation_closes_on: pick(&sent.fiabilisation_closes_on, &current.fiabilisation_closes_on),
        restitution_opens_on: pick(&sent.restitution_opens_on, &current.restitution_opens_on),
    }
}

/// The threshold of a campaign's completion rule, in percent.
pub fn threshold_percent(year: i32) -> Result<u32, ApiError> {
    tdb_domain::catalogue_for(year)
        .map(|c| c.completion_rule().threshold_percent)
        .map_err(ApiError::from)
}
