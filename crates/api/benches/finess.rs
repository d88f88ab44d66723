//! `cargo bench -p tdb-api --bench finess`: import of a generated FINESS extract in the official layout
//! (`structureet` rows then `geolocalisation` rows, Latin-1) into a fresh SQLite database, streamed from
//! the file: lines per second and peak memory (`VmHWM`, reset before each run) for 100,000 lines, then
//! 200,000 lines to show that memory does not follow the file size. Target: ≥ 50,000 lines/s.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark fails loudly and prints its figures"
)]

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use tdb_api::db;
use tdb_api::services::finess;

/// Real FINESS category codes: ours (resolved through the catalogue) and others (ignored).
const CATEGORIES: [&str; 12] = [
    "500", "183", "246", "255", "354", "182", "449", "209", "355", "620", "124", "460",
];
/// `(FINESS department, postcode, commune)`.
const PLACES: [(&str, &str, &str); 6] = [
    ("59", "59000", "LILLE"),
    ("62", "62000", "ARRAS"),
    ("75", "75013", "PARIS"),
    ("69", "69003", "LYON"),
    ("2A", "20000", "AJACCIO"),
    ("9A", "97110", "POINTE A PITRE"),
];

/// Writes a FINESS extract of `lines` lines (header included): half `structureet`, half
/// `geolocalisation`, accents in Latin-1.
fn generate(path: &Path, lines: usize) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    writeln!(out, "finess;etalab;100;2026-11-30").unwrap();
    let structures = (lines - 1) / 2;
    let finess = |i: usize, ej: bool| {
        let (dep, _, _) = PLACES[i % PLACES.len()];
        let prefix = if dep == "9A" { "97" } else { dep };
        format!("{prefix}{}{:06}", if ej { 9 } else { 1 }, i / PLACES.len())
    };
    for i in 0..structures {
        let (dep, postcode, city) = PLACES[i % PLACES.len()];
        let category = CATEGORIES[i % CATEGORIES.len()];
        let line = format!(
            "structureet;{};{};RESIDENCE {i};Résidence Les Érables n°{i};;;12;RUE;DES LILAS;;;350;{dep};LIBELLÉ;\
             {postcode} {city};0320000000;;{category};Libellé de catégorie;4401;Agrégat;;8710A;;;;;\
             1995-01-0{};1994-06-01;2026-01-10;",
            finess(i, false),
            finess(i / 5 * 5 + i % PLACES.len(), true),
            1 + i % 9,
        );
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&line);
        out.write_all(&bytes).unwrap();
        out.write_all(b"\n").unwrap();
    }
    for i in 0..(lines - 1 - structures) {
        writeln!(
            out,
            "geolocalisation;{};{}.0;{}.0;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2026-01-10",
            finess(i, false),
            700_000 + i,
            6_600_000 + i
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// Peak resident memory of the process since the last reset, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn reset_peak() {
    // Linux ≥ 4.0: `5` resets VmHWM to the current resident size.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let today = chrono::Utc::now().date_naive();
    println!("FINESS import, streamed, one transaction, fresh SQLite database (release)");
    for lines in [100_000, 200_000] {
        let file = dir.path().join(format!("finess-{lines}.csv"));
        generate(&file, lines);
        let size = std::fs::metadata(&file).unwrap().len();
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("finess-{lines}.db")).display()
        );
        let pool = db::connect(&url).unwrap();
        let mut conn = pool.get().unwrap();
        reset_peak();
        let before = peak_kib();
        let started = Instant::now();
        let input = BufReader::with_capacity(1 << 16, File::open(&file).unwrap());
        let report = finess::import(&mut conn, input, false, today, &mut |_| {}).unwrap();
        let elapsed = started.elapsed().as_secs_f64();
        let peak = peak_kib();
        #[allow(clippy::cast_precision_loss, reason = "a rate")]
        let rate = report.lines as f64 / elapsed;
        println!(
            "{lines:>7} lines ({:.1} MB): {:.2} s, {rate:>9.0} lines/s, {} created, {} ignored; peak RSS {:.1} MiB \
             ({:+.1} MiB during the import){}",
            size as f64 / 1e6,
            elapsed,
            report.created,
            report.ignored,
            peak as f64 / 1024.0,
            (peak as f64 - before as f64) / 1024.0,
            if rate >= 50_000.0 {
                ""
            } else {
                "  BELOW TARGET (50,000 lines/s)"
            }
        );
    }
}
