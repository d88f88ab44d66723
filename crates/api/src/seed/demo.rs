//! `tdb seed --demo`: Hauts-de-France (its 5 departments), Île-de-France and Grand Est; about 600
//! structures of every category with their managing bodies; three campaigns with forms, seen from the
//! day of the [`Calendar`] (the current year's in collecte with its deadline ahead, the two before it
//! published and archived); one user per role and a partner client; a few CPOM in force (see `cpom`).
//! The demo `esms` user's form of the open campaign is editable, partly filled, with prefilled values
//! and an alert to justify. Skipped, with the same credentials, when already loaded.

use chrono::NaiveDateTime;
use diesel::Connection;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::forms::generate;
use super::world::World;
use super::{Calendar, SeedError, campaign_data, ensure_campaigns, writer};
use crate::auth::password;
use crate::db::DbConnection;
use crate::db::repo::users::{self, NewApiClient, NewUser};
use crate::db::schema::departments;
use crate::services::benchmarks;

/// Structures per department: Hauts-de-France in full, then every department of the two other regions.
const HAUTS_DE_FRANCE: [(&str, usize); 5] = [("02", 55), ("59", 130), ("60", 60), ("62", 110), ("80", 50)];
/// The other regions and the structures of each of their departments.
const OTHER_REGIONS: [(&str, usize); 2] = [("11", 12), ("44", 10)];
/// Every category, EHPAD first: the first structures of the Nord take them in turn.
const EVERY_CATEGORY: [&str; 20] = [
    "ehpad", "ime", "esat", "mas", "eam", "eanm", "ssiad", "spasad", "sessad", "savs", "samsah", "camsp",
    "cmpp", "itep", "iem", "eeap", "ida", "idv", "ies", "crp_esrp",
];
/// The national demo user (its presence means the demo is loaded).
const NATIONAL: &str = "national@demo.tdb.fr";

/// A login of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Role (`esms`, `og`, `ars`, `cd`, `national`, or `partner` for the client).
    pub role: &'static str,
    /// Email, or client id.
    pub login: String,
    /// Password, or client secret.
    pub secret: String,
    /// What it can see.
    pub scope: String,
}

/// What `seed --demo` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// True when the demo was already loaded (nothing written).
    pub already_loaded: bool,
    /// Managing bodies written.
    pub organisations: usize,
    /// Structures written.
    pub structures: usize,
    /// Forms written.
    pub forms: usize,
    /// Values written.
    pub values: usize,
    /// Logins.
    pub credentials: Vec<Credential>,
}

fn credential(role: &'static str, login: &str, secret: &str, scope: String) -> Credential {
    Credential {
        role,
        login: login.to_owned(),
        secret: secret.to_owned(),
        scope,
    }
}

/// Loads the demo, seen from the day of `calendar` ([`Calendar::today`] for `tdb seed --demo`), unless
/// it is there.
pub fn run(conn: &mut DbConnection, calendar: Calendar) -> Result<DemoSummary, SeedError> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x7db_2024);
    let campaigns = campaign_data(calendar)?;
    let catalogue = campaigns[0].catalogue();
    let mut world = World::default();
    let mut plan: Vec<(String, String, usize)> = HAUTS_DE_FRANCE
        .iter()
        .map(|(d, n)| ((*d).to_owned(), "32".to_owned(), *n))
        .collect();
    for (region, count) in OTHER_REGIONS {
        use diesel::prelude::*;
        let codes: Vec<String> = departments::table
            .filter(departments::region_code.eq(region))
            .select(departments::code)
            .order(departments::code)
            .load(conn)?;
        plan.extend(codes.into_iter().map(|d| (d, region.to_owned(), count)));
    }
    for (department, region, count) in &plan {
        let forced: &[&str] = if department == "59" { &EVERY_CATEGORY } else { &[] };
        world.add_department(catalogue, (department, region), *count, forced, &mut rng);
    }
    let esms_structure = world
        .structures
        .iter()
        .find(|s| s.row.department_code == "59" && s.row.category == "ehpad")
        .map(|s| s.row.finess.clone())
        .unwrap_or_default();
    let og_organisation = busiest_organisation(&world, "59");
    let credentials = vec![
        credential(
            "esms",
            "direction.ehpad@demo.tdb.fr",
            "demo-esms-2024",
            format!("structure {esms_structure}"),
        ),
        credential(
            "og",
            "siege.og@demo.tdb.fr",
            "demo-og-2024",
            format!("organisme {og_organisation}"),
        ),
        credential(
            "ars",
            "ars.hdf@demo.tdb.fr",
            "demo-ars-2024",
            "région 32 Hauts-de-France".to_owned(),
        ),
        credential(
            "cd",
            "cd.nord@demo.tdb.fr",
            "demo-cd-2024",
            "département 59 Nord".to_owned(),
        ),
        credential(
            "national",
            NATIONAL,
            "demo-national-2024",
            "France entière".to_owned(),
        ),
        credential(
            "partner",
            "cnsa-demo",
            "demo-cnsa-secret-2024",
            "read prefill:write (cnsa_errd)".to_owned(),
        ),
    ];
    if users::exists(conn, NATIONAL)? {
        return Ok(DemoSummary {
            already_loaded: true,
            organisations: 0,
            structures: 0,
            forms: 0,
            values: 0,
            credentials,
        });
    }
    let at = chrono::Utc::now().naive_utc();
    let planned: Vec<_> = world.structures.iter().map(|s| s.row.clone()).collect();
    let contracted = super::cpom::contracted(&world, &og_organisation, &esms_structure);
    super::cpom::mark_contracted(&mut world, &contracted);
    let showcase = (esms_structure.as_str(), calendar.current_year());
    let mut rows = generate(&world.structures, &campaigns, Some(showcase), at, &mut rng)?;
    super::cpom::align_forms(&mut rows.values, &contracted, calendar);
    conn.transaction(|conn| {
        ensure_campaigns(conn, calendar, at)?;
        writer::organisations(conn, &world.organisations)?;
        writer::structures(conn, &planned)?;
        writer::forms(conn, &rows.forms)?;
        writer::values(conn, &rows.values)?;
        for c in &credentials {
            let hash = password::hash(&c.secret).map_err(|e| SeedError::Password(e.to_string()))?;
            if c.role == "partner" {
                users::insert_client(
                    conn,
                    &NewApiClient {
                        client_id: c.login.clone(),
                        secret_hash: hash,
                        name: "CNSA (démonstration)".to_owned(),
                        scopes: "read prefill:write".to_owned(),
                        source: Some("cnsa_errd".to_owned()),
                        active: true,
                        created_at: at,
                    },
                )?;
                continue;
            }
            users::insert(
                conn,
                &NewUser {
                    email: c.login.clone(),
                    password_hash: hash,
                    display_name: format!("Démo {}", c.role.to_uppercase()),
                    role: c.role.to_owned(),
                    organisation_finess: (c.role == "og").then(|| og_organisation.clone()),
                    region_code: (c.role == "ars").then(|| "32".to_owned()),
                    department_code: (c.role == "cd").then(|| "59".to_owned()),
                    active: true,
                    created_at: at,
                },
            )?;
            if c.role == "esms" {
                users::add_structure(conn, &c.login, &esms_structure)?;
            }
        }
        super::cpom::write(conn, &contracted, calendar)?;
        freeze_published(conn, calendar, at)?;
        Ok::<_, SeedError>(())
    })?;
    Ok(DemoSummary {
        already_loaded: false,
        organisations: world.organisations.len(),
        structures: world.structures.len(),
        forms: rows.forms.len(),
        values: rows.values.len(),
        credentials,
    })
}

/// The managing body of `department` with the most structures (first by FINESS on a tie).
fn busiest_organisation(world: &World, department: &str) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for s in world
        .structures
        .iter()
        .filter(|s| s.row.department_code == department)
    {
        *counts.entry(&s.row.organisation_finess).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(finess, _)| finess.to_owned())
        .unwrap_or_default()
}

/// Freezes the figures of the published campaigns, oldest first, as their move to `restitution` would
/// have: each becomes the peer reference of the next one, whose forms' alert counts (the review queue's)
/// then include their `ecart_pairs` flags.
fn freeze_published(conn: &mut DbConnection, calendar: Calendar, at: NaiveDateTime) -> Result<(), SeedError> {
    for (year, phase) in calendar.campaigns() {
        if benchmarks::is_frozen_phase(phase.as_str()) {
            benchmarks::freeze(conn, year, at).map_err(|e| SeedError::Freeze(e.to_string()))?;
        }
    }
    Ok(())
}
