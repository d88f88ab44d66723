//! Peer statistics read from the database: `cargo bench -p tdb-api --bench peers` (`just bench`).
//!
//! On a database seeded with `tdb seed --national` (`BENCH_PEERS_DATABASE`, a URL; otherwise a
//! temporary SQLite file seeded here with `BENCH_STRUCTURES` structures, 22,000 by default):
//!
//! * cold: the inputs of campaign 2024 with an empty per-form cache (every form's values read and
//!   evaluated), then the cache written;
//! * warm: what a request does after a write elsewhere: the cached inputs read from the database and
//!   checked against the forms' versions, the groups built, and the statistics (n, min, d1, q1,
//!   median, q3, d9, max, mean) of every indicator × category × (national, each region, each
//!   department) computed.
//!
//! Prints a table and one `RESULT key=value` line (milliseconds) for scripts/bench-peers.sh.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark's output"
)]

use std::time::Instant;

use diesel::prelude::*;
use tdb_api::db::repo::peers;
use tdb_api::db::schema::peer_inputs;
use tdb_api::services::benchmarks::CampaignPeers;
use tdb_api::services::benchmarks::inputs;
use tdb_domain::catalogue_for;

const YEAR: i32 = 2024;

fn main() {
    let structures: usize = std::env::var("BENCH_STRUCTURES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(22_000);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("BENCH_PEERS_DATABASE")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("peers.sqlite3").display()));
    let pool = tdb_api::db::connect(&url).unwrap();
    let mut conn = pool.get().unwrap();
    let started = Instant::now();
    let seeded = tdb_api::seed::national::run(&mut conn, structures, |_, _| {}).unwrap();
    println!(
        "database {:?}: {} structures seeded ({:?} present before) in {:.0} s",
        pool.backend(),
        seeded.structures,
        seeded.already_present,
        started.elapsed().as_secs_f64()
    );
    let catalogue = catalogue_for(YEAR).unwrap();

    diesel::delete(peer_inputs::table.filter(peer_inputs::campaign_year.eq(YEAR)))
        .execute(&mut *conn)
        .unwrap();
    let t = Instant::now();
    let cold = inputs::live(&mut conn, YEAR, catalogue).unwrap();
    let cold_ms = t.elapsed().as_secs_f64() * 1000.0;
    let forms = cold.inputs.len();
    let t = Instant::now();
    peers::store(&mut conn, &cold.stale).unwrap();
    let store_ms = t.elapsed().as_secs_f64() * 1000.0;

    let mut warm = Vec::new();
    let mut groups = 0;
    let mut published = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let refreshed = inputs::live(&mut conn, YEAR, catalogue).unwrap();
        assert!(refreshed.stale.is_empty());
        let built = CampaignPeers::new(YEAR, catalogue, None, refreshed.inputs);
        let stats = built.all_stats();
        warm.push(t.elapsed().as_secs_f64() * 1000.0);
        groups = stats.len();
        published = stats.iter().filter(|s| !s.withheld).count();
    }
    warm.sort_by(f64::total_cmp);
    let warm_ms = warm[warm.len() / 2];
    println!(
        "{forms} forms of {YEAR}: cold (evaluate every form) {cold_ms:.0} ms + cache write {store_ms:.0} ms; \
         warm (read cache + build + every statistic) median {warm_ms:.0} ms, best {:.0} ms",
        warm[0]
    );
    println!("{groups} non-empty groups (indicator × category × territory), {published} published (n ≥ 5)");
    println!(
        "RESULT forms={forms} groups={groups} cold_ms={cold_ms:.0} store_ms={store_ms:.0} warm_ms={warm_ms:.0}"
    );
}
