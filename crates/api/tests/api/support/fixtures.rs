//! Rows inserted directly, to set up a test's world: organisations, structures, campaigns.

use chrono::Utc;
use diesel::prelude::*;
use tdb_api::db::schema::{campaigns, organisations, structures};
use tdb_api::state::AppState;

/// A structure to insert.
pub struct StructureFixture {
    /// FINESS ET.
    pub finess: &'static str,
    /// Catalogue category code.
    pub category: &'static str,
    /// FINESS EJ of its managing body (inserted if missing).
    pub organisation: &'static str,
    /// Department code.
    pub department: &'static str,
    /// `ARS`, `CD` or `ARS_CD`.
    pub competence: &'static str,
}

/// Inserts the structures (and their managing bodies); the region comes from the department.
pub fn insert_structures(state: &AppState, fixtures: &[StructureFixture]) {
    let mut conn = state.pool.get().unwrap();
    for f in fixtures {
        tdb_api::on_backend!(&mut *conn, c => diesel::insert_into(organisations::table)
            .values((
                organisations::finess.eq(f.organisation),
                organisations::name.eq(format!("Organisme {}", f.organisation)),
                organisations::legal_status.eq("prive_non_lucratif"),
            ))
            .on_conflict_do_nothing()
            .execute(c))
        .unwrap();
        let region: String = tdb_api::db::schema::departments::table
            .find(f.department)
            .select(tdb_api::db::schema::departments::region_code)
            .first(&mut conn)
            .unwrap();
        diesel::insert_into(structures::table)
            .values((
                structures::finess.eq(f.finess),
                structures::name.eq(format!("Structure {}", f.finess)),
                structures::category.eq(f.category),
                structures::organisation_finess.eq(f.organisation),
                structures::department_code.eq(f.department),
                structures::region_code.eq(region),
                structures::city.eq("Lille"),
                structures::competence.eq(f.competence),
                structures::opening_date.eq(Some("2001-01-01")),
                structures::active.eq(true),
                structures::version.eq(1_i64),
            ))
            .execute(&mut conn)
            .unwrap();
    }
}

/// Inserts a campaign in `phase`.
pub fn insert_campaign(state: &AppState, year: i32, phase: &str) {
    let mut conn = state.pool.get().unwrap();
    diesel::insert_into(campaigns::table)
        .values((
            campaigns::year.eq(year),
            campaigns::catalogue_version.eq(tdb_domain::catalogue_for(year).unwrap().version()),
            campaigns::phase.eq(phase),
            campaigns::collecte_opens_on.eq(Some(format!("{year}-03-01"))),
            campaigns::collecte_closes_on.eq(Some(format!("{year}-06-30"))),
            campaigns::fiabilisation_closes_on.eq(Some(format!("{year}-09-30"))),
            campaigns::restitution_opens_on.eq(Some(format!("{year}-10-15"))),
            campaigns::version.eq(1_i64),
            campaigns::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
}

/// A small world used by the scope tests: Hauts-de-France (region 32) and Île-de-France (11).
///
/// | FINESS | category | managing body | department | competence |
/// |---|---|---|---|---|
/// | 590000011 | ehpad | 590000001 | 59 Nord | ARS_CD |
/// | 590000021 | ime | 590000001 | 59 Nord | ARS |
/// | 620000011 | eanm | 620000001 | 62 Pas-de-Calais | CD |
/// | 750000011 | ehpad | 750000001 | 75 Paris | ARS_CD |
pub fn small_world(state: &AppState) {
    insert_structures(
        state,
        &[
            StructureFixture {
                finess: "590000011",
                category: "ehpad",
                organisation: "590000001",
                department: "59",
                competence: "ARS_CD",
            },
            StructureFixture {
                finess: "590000021",
                category: "ime",
                organisation: "590000001",
                department: "59",
                competence: "ARS",
            },
            StructureFixture {
                finess: "620000011",
                category: "eanm",
                organisation: "620000001",
                department: "62",
                competence: "CD",
            },
            StructureFixture {
                finess: "750000011",
                category: "ehpad",
                organisation: "750000001",
                department: "75",
                competence: "ARS_CD",
            },
        ],
    );
}

/// Inserts a user with an argon2id-hashed `password`; `scope` is the organisation, region or department
/// of an `og`, `ars` or `cd` user, and the structures of an `esms` user.
pub fn insert_user(state: &AppState, email: &str, password: &str, role: &str, scope: &[&str]) {
    use tdb_api::db::schema::{user_structures, users};
    let mut conn = state.pool.get().unwrap();
    let one = scope.first().map(|s| (*s).to_owned());
    diesel::insert_into(users::table)
        .values((
            users::email.eq(email),
            users::password_hash.eq(tdb_api::auth::password::hash(password).unwrap()),
            users::display_name.eq(format!("Utilisateur {email}")),
            users::role.eq(role),
            users::organisation_finess.eq(if role == "og" { one.clone() } else { None }),
            users::region_code.eq(if role == "ars" { one.clone() } else { None }),
            users::department_code.eq(if role == "cd" { one } else { None }),
            users::active.eq(true),
            users::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
    if role == "esms" {
        for finess in scope {
            diesel::insert_into(user_structures::table)
                .values((
                    user_structures::user_email.eq(email),
                    user_structures::structure_finess.eq(*finess),
                ))
                .execute(&mut conn)
                .unwrap();
        }
    }
}

/// Inserts a partner client with a hashed `secret`.
pub fn insert_client(state: &AppState, client_id: &str, secret: &str, scopes: &str, source: Option<&str>) {
    use tdb_api::db::schema::api_clients;
    let mut conn = state.pool.get().unwrap();
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::client_id.eq(client_id),
            api_clients::secret_hash.eq(tdb_api::auth::password::hash(secret).unwrap()),
            api_clients::name.eq(format!("Client {client_id}")),
            api_clients::scopes.eq(scopes),
            api_clients::source.eq(source),
            api_clients::active.eq(true),
            api_clients::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
}
