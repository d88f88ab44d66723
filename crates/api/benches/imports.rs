//! Import throughput: `cargo bench -p tdb-api --bench imports` (`just bench`).
//!
//! For SQLite (a temporary file) and PostgreSQL (`TDB_BENCH_POSTGRES_URL`, else `TDB_TEST_POSTGRES_URL`,
//! a fresh schema): creates the structures and the campaign in bulk, generates the rows in memory
//! (`BENCH_STRUCTURES` EHPAD × `BENCH_VALUES` valid values, 22,000 × 100 by default), runs the import
//! engine as the CLI does (`run_batched`: full check, then one transaction per batch with audit entries
//! and recomputed forms), then the raw baselines on fresh databases: the same value rows in plain
//! multi-row INSERTs and, on PostgreSQL, in plain `COPY` (the engine's own write path there). Prints
//! values/s, the ratio to the faster baseline, the peak resident memory of each run and the engine's
//! time by step (its `import.*` tracing spans; nested spans are not subtracted). The engine runs twice,
//! on two fresh databases: with its events written (as always in production) and without them
//! (`Context::write_events = false`, a service-level switch only this benchmark turns off), and the
//! loss of throughput that writing the events costs is printed (target ≤ 10 %, issue 20).

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark's output"
)]

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::repo::forms::FormRow;
use tdb_api::db::repo::imports::{copy_values, insert_values, save_forms};
use tdb_api::db::repo::values::ValueRow;
use tdb_api::db::schema::{campaigns, organisations, structures};
use tdb_api::db::{DbConnection, DbPool};
use tdb_api::error::ApiError;
use tdb_api::services::imports::{Context, ImportRow, Importer, Options, Progress, run_batched};
use tdb_domain::catalogue_for;
use tdb_domain::contract::{FormState, ItemType};

const YEAR: i32 = 2024;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `BENCH_VALUES` EHPAD items with a valid value each.
fn item_values(n: usize) -> Vec<(String, Value)> {
    let catalogue = catalogue_for(YEAR).unwrap();
    let ehpad = |scope: &str| {
        catalogue
            .document()
            .scopes
            .iter()
            .any(|s| s.code == scope && s.members.iter().any(|m| m == "ehpad"))
    };
    let items: Vec<(String, Value)> = catalogue
        .items()
        .iter()
        .filter(|i| ehpad(&i.scope))
        .map(|i| {
            let value = match i.item_type {
                ItemType::Bool => json!(true),
                ItemType::Date => json!("2022-01-01"),
                ItemType::Enum => json!(i.values.as_ref().unwrap()[0]),
                ItemType::Score => json!(i.min.unwrap_or(0.0).max(1.0)),
                _ => json!(12.5_f64.min(i.max.unwrap_or(f64::MAX))),
            };
            (i.code.clone(), value)
        })
        .map(|(code, value)| match catalogue.item(&code).map(|i| i.item_type) {
            Some(ItemType::Count) => (code, json!(12)),
            _ => (code, value),
        })
        .take(n)
        .collect();
    assert_eq!(items.len(), n, "the catalogue has {} EHPAD items", items.len());
    for (code, value) in &items {
        tdb_domain::validate_value(catalogue, code, value).expect("a valid generated value");
    }
    items
}

fn finess_list(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("98{i:07}")).collect()
}

/// Organisation, structures and campaign, in bulk.
fn seed(pool: &DbPool, finess: &[String]) {
    let mut conn = pool.get().unwrap();
    diesel::insert_into(organisations::table)
        .values((
            organisations::finess.eq("980000000"),
            organisations::name.eq("Organisme"),
            organisations::legal_status.eq("prive_non_lucratif"),
        ))
        .execute(&mut conn)
        .unwrap();
    diesel::insert_into(campaigns::table)
        .values((
            campaigns::year.eq(YEAR),
            campaigns::catalogue_version.eq("1.0"),
            campaigns::phase.eq("collecte"),
            campaigns::version.eq(1_i64),
            campaigns::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
    for chunk in finess.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|f| {
                (
                    structures::finess.eq(f),
                    structures::name.eq(format!("EHPAD {f}")),
                    structures::category.eq("ehpad"),
                    structures::organisation_finess.eq("980000000"),
                    structures::department_code.eq("59"),
                    structures::region_code.eq("32"),
                    structures::city.eq("Lille"),
                    structures::competence.eq("ARS_CD"),
                    structures::opening_date.eq(Some("2001-01-01")),
                    structures::active.eq(true),
                    structures::version.eq(1_i64),
                )
            })
            .collect();
        tdb_api::on_backend!(&mut *conn, c => diesel::insert_into(structures::table).values(&rows).execute(c))
            .unwrap();
    }
}

/// Wall-clock time spent in the engine's `import.*` spans, by span name (summed over every entry).
static SPANS: Mutex<BTreeMap<&'static str, Duration>> = Mutex::new(BTreeMap::new());

/// Records how long each `import.*` span was entered.
struct SpanTimes;

struct Entered(Instant);

impl<S> tracing_subscriber::Layer<S> for SpanTimes
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_enter(&self, id: &tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().replace(Entered(Instant::now()));
        }
    }

    fn on_exit(&self, id: &tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(Entered(at)) = span.extensions_mut().remove::<Entered>()
        {
            *SPANS.lock().unwrap().entry(span.name()).or_default() += at.elapsed();
        }
    }
}

/// The time of each span and its share of `total` seconds; clears them.
fn take_spans(total: f64) -> String {
    let mut spans = SPANS.lock().unwrap();
    let line: Vec<String> = spans
        .iter()
        .map(|(name, d)| {
            let s = d.as_secs_f64();
            format!(
                "{} {s:.1} s ({:.0} %)",
                name.trim_start_matches("import."),
                100.0 * s / total
            )
        })
        .collect();
    spans.clear();
    line.join(", ")
}

struct Quiet;

impl Progress for Quiet {
    fn advance(&mut self, _: &mut DbConnection, _: u64) -> Result<(), ApiError> {
        Ok(())
    }
    fn checked(&mut self, _: &mut DbConnection, _: u64) -> Result<(), ApiError> {
        Ok(())
    }
}

/// Resets the peak resident size of this process (Linux), so the next read is the peak of one run.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident size since the last reset, in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// A fresh database of `backend`: the URL and what to drop at the end.
enum Fresh {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        base: String,
        schema: String,
        url: String,
    },
}

impl Fresh {
    fn new(backend: &str, base: Option<&str>, tag: &str) -> Self {
        match (backend, base) {
            ("postgres", Some(base)) => {
                let schema = format!("tdb_bench_{tag}_{}", std::process::id());
                let mut conn = PgConnection::establish(base).unwrap();
                conn.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .unwrap();
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                Self::Postgres {
                    base: base.to_owned(),
                    schema,
                    url,
                }
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
                Self::Sqlite { _dir: dir, url }
            }
        }
    }

    fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Self::Postgres { base, schema, .. } = self
            && let Ok(mut conn) = PgConnection::establish(base)
        {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

struct Run {
    seconds: f64,
    peak: f64,
}

fn engine(
    backend: &str,
    base: Option<&str>,
    (finess, items): (&[String], &[(String, Value)]),
    write_events: bool,
) -> Run {
    let fresh = Fresh::new(backend, base, if write_events { "engine" } else { "noevents" });
    let pool = tdb_api::db::connect(fresh.url()).unwrap();
    seed(&pool, finess);
    let codes: Vec<std::sync::Arc<str>> = items
        .iter()
        .map(|(c, _)| std::sync::Arc::from(c.as_str()))
        .collect();
    let rows: Vec<ImportRow> = finess
        .iter()
        .enumerate()
        .map(|(i, f)| ImportRow {
            row: i as u64,
            finess: f.clone(),
            values: codes
                .iter()
                .zip(items)
                .map(|(c, (_, v))| (c.clone(), v.clone()))
                .collect(),
            unreadable: Vec::new(),
        })
        .collect();
    let mut conn = pool.get().unwrap();
    let options = Options {
        dry_run: false,
        partial: false,
        batch_values: tdb_api::config::DEFAULT_IMPORT_BATCH_VALUES,
    };
    reset_peak();
    let start = Instant::now();
    let mut ctx = Context::new(&mut conn, Importer::system("saisie").unwrap(), YEAR, options).unwrap();
    ctx.write_events = write_events;
    let summary = run_batched(&mut conn, &ctx, &rows, &mut Quiet).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let expected = (finess.len() * items.len()) as u64;
    assert_eq!(summary.values.created, expected, "{:?}", summary.rejected.first());
    let logged: i64 = tdb_api::db::schema::events::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    if write_events {
        assert_eq!(
            logged,
            finess.len() as i64,
            "one form.values_changed per structure"
        );
    } else {
        assert_eq!(logged, 0, "no event written");
    }
    Run {
        seconds,
        peak: peak_mib(),
    }
}

/// How the raw baseline writes the value rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// Multi-row `INSERT … VALUES` of 2,000 rows.
    Insert,
    /// One `COPY … FROM STDIN` per batch (PostgreSQL).
    Copy,
}

fn baseline(
    backend: &str,
    base: Option<&str>,
    finess: &[String],
    items: &[(String, Value)],
    raw: Raw,
) -> Run {
    let fresh = Fresh::new(backend, base, "raw");
    let pool = tdb_api::db::connect(fresh.url()).unwrap();
    seed(&pool, finess);
    let now = Utc::now().naive_utc();
    let mut conn = pool.get().unwrap();
    let forms: Vec<FormRow> = finess
        .iter()
        .map(|f| FormRow {
            campaign_year: YEAR,
            structure_finess: f.clone(),
            state: FormState::EnCours,
            version: 1,
            completion_rate: 0.0,
            filled: 0,
            required: 0,
            can_submit: false,
            alert_count: 0,
            submitted_at: None,
            submitted_by: None,
            ars_validated_at: None,
            ars_validated_by: None,
            cd_validated_at: None,
            cd_validated_by: None,
            updated_at: now,
        })
        .collect();
    save_forms(&mut conn, &forms).unwrap();
    let rows: Vec<ValueRow> = finess
        .iter()
        .flat_map(|f| {
            items.iter().map(move |(code, value)| ValueRow {
                campaign_year: YEAR,
                structure_finess: f.clone(),
                item_code: code.clone(),
                value_json: value.to_string(),
                source: "saisie".to_owned(),
                batch_id: Some("raw".to_owned()),
                locked: false,
                prefill_value_json: None,
                prefill_source: None,
                override_reason: None,
                author: "bench".to_owned(),
                updated_at: now,
                version: 1,
            })
        })
        .collect();
    reset_peak();
    let start = Instant::now();
    for chunk in rows.chunks(tdb_api::config::DEFAULT_IMPORT_BATCH_VALUES) {
        conn.transaction(|c| match raw {
            Raw::Insert => insert_values(c, chunk),
            Raw::Copy => copy_values(c, chunk).expect("COPY on PostgreSQL only").map(drop),
        })
        .unwrap();
    }
    Run {
        seconds: start.elapsed().as_secs_f64(),
        peak: peak_mib(),
    }
}

fn main() {
    let structures = env_usize("BENCH_STRUCTURES", 22_000);
    let per_structure = env_usize("BENCH_VALUES", 100);
    let postgres = std::env::var("TDB_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("TDB_TEST_POSTGRES_URL"))
        .ok();
    {
        use tracing_subscriber::Layer as _;
        use tracing_subscriber::layer::SubscriberExt as _;
        let filter = tracing_subscriber::filter::Targets::new().with_target("tdb_api", tracing::Level::TRACE);
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(SpanTimes.with_filter(filter)),
        )
        .unwrap();
    }
    let finess = finess_list(structures);
    let items = item_values(per_structure);
    let values = (structures * per_structure) as f64;
    println!(
        "import engine vs raw baselines (multi-row INSERT; COPY on PostgreSQL): {structures} structures × \
         {per_structure} values = {values} values"
    );
    println!(
        "{:<10} {:>16} {:>16} {:>16} {:>8} {:>16} {:>16}",
        "backend",
        "engine values/s",
        "INSERT values/s",
        "COPY values/s",
        "ratio",
        "engine peak MiB",
        "raw peak MiB"
    );
    let mut backends = vec!["sqlite"];
    if postgres.is_some() {
        backends.push("postgres");
    } else {
        println!("postgres   SKIPPED: set TDB_BENCH_POSTGRES_URL (or TDB_TEST_POSTGRES_URL)");
    }
    for backend in backends {
        let ours = engine(backend, postgres.as_deref(), (&finess, &items), true);
        let spans = take_spans(ours.seconds);
        let silent = engine(backend, postgres.as_deref(), (&finess, &items), false);
        let _ = take_spans(silent.seconds);
        let insert = baseline(backend, postgres.as_deref(), &finess, &items, Raw::Insert);
        let copy = (backend == "postgres")
            .then(|| baseline(backend, postgres.as_deref(), &finess, &items, Raw::Copy));
        let fastest = copy
            .as_ref()
            .map_or(insert.seconds, |c| c.seconds.min(insert.seconds));
        let raw_peak = copy.as_ref().map_or(insert.peak, |c| c.peak.max(insert.peak));
        println!(
            "{:<10} {:>16.0} {:>16.0} {:>16} {:>8.2} {:>16.0} {:>16.0}",
            backend,
            values / ours.seconds,
            values / insert.seconds,
            copy.as_ref()
                .map_or_else(|| "-".to_owned(), |c| format!("{:.0}", values / c.seconds)),
            fastest / ours.seconds,
            ours.peak,
            raw_peak
        );
        println!("{:<10} engine time by step: {spans}", "");
        println!(
            "{:<10} events on {:.0} values/s ({:.1} s), events off {:.0} values/s ({:.1} s): loss {:.1} %",
            "",
            values / ours.seconds,
            ours.seconds,
            values / silent.seconds,
            silent.seconds,
            (1.0 - silent.seconds / ours.seconds) * 100.0
        );
    }
    println!(
        "target: engine ≥ 50,000 values/s and ratio ≥ 0.30 against the faster baseline (the engine also checks \
         every value first, writes one audit entry per value, recomputes and versions every form); events on loses \
         ≤ 10 % of the throughput of events off"
    );
}
