//! `tdb seed --national --structures N`: N structures spread over every department, with forms and
//! values for campaigns 2022–2024 (the fixed [`Calendar::reference`], so benchmark runs compare the same
//! data whatever the date), written in batches of multi-row INSERTs, one transaction per batch.

use diesel::Connection;
use diesel::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::forms::generate;
use super::world::World;
use super::{Calendar, SeedError, campaign_data, ensure_campaigns, writer};
use crate::db::DbConnection;
use crate::db::schema::{departments, structures};

/// Structures generated and written per transaction.
const STRUCTURES_PER_BATCH: usize = 200;

/// What `seed --national` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalSummary {
    /// Structures already in the database when nothing was written.
    pub already_present: Option<i64>,
    /// Managing bodies written.
    pub organisations: usize,
    /// Structures written.
    pub structures: usize,
    /// Forms written.
    pub forms: usize,
    /// Values written.
    pub values: usize,
}

/// Loads `count` structures unless the database already holds structures; `progress(done, total)` is
/// called after each batch.
pub fn run(
    conn: &mut DbConnection,
    count: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<NationalSummary, SeedError> {
    let present: i64 = structures::table.count().get_result(conn)?;
    if present > 0 {
        return Ok(NationalSummary {
            already_present: Some(present),
            organisations: 0,
            structures: 0,
            forms: 0,
            values: 0,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(0x7db_0022);
    let campaigns = campaign_data(Calendar::reference())?;
    let departments: Vec<(String, String)> = departments::table
        .select((departments::code, departments::region_code))
        .order(departments::code)
        .load(conn)?;
    let mut world = World::default();
    let share = count / departments.len().max(1);
    let extra = count % departments.len().max(1);
    for (i, (department, region)) in departments.iter().enumerate() {
        let n = share + usize::from(i < extra);
        world.add_department(campaigns[0].catalogue(), (department, region), n, &[], &mut rng);
    }
    let at = chrono::Utc::now().naive_utc();
    conn.transaction(|conn| {
        ensure_campaigns(conn, Calendar::reference(), at)?;
        writer::organisations(conn, &world.organisations)?;
        let rows: Vec<_> = world.structures.iter().map(|s| s.row.clone()).collect();
        writer::structures(conn, &rows)?;
        Ok::<_, SeedError>(())
    })?;
    let (mut forms, mut values) = (0, 0);
    for (i, chunk) in world.structures.chunks(STRUCTURES_PER_BATCH).enumerate() {
        let rows = generate(chunk, &campaigns, None, at, &mut rng)?;
        conn.transaction(|conn| {
            writer::forms(conn, &rows.forms)?;
            writer::values(conn, &rows.values)
        })?;
        forms += rows.forms.len();
        values += rows.values.len();
        progress((i * STRUCTURES_PER_BATCH + chunk.len()).min(count), count);
    }
    Ok(NationalSummary {
        already_present: None,
        organisations: world.organisations.len(),
        structures: world.structures.len(),
        forms,
        values,
    })
}
