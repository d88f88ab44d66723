//! Engine benchmark: `cargo bench -p tdb-domain --bench engine [-- --machine]`.
//!
//! (a) one complete EHPAD form: compact evaluation, wire result with explanations, full JSON request;
//! (b) recomputing 22 000 structures × 3 campaigns (each with the year-over-year control against the
//!     campaign before), on every core available;
//! (c) peer statistics (n, min, d1, q1, median, q3, d9, max, mean) of 114 indicators × 20 categories ×
//!     (national, 18 regions, 101 departments) over 22 000 structures, with synthetic data of the shape
//!     of `shared/bench/pandas_peer_baseline.py`;
//! (d) peer outlier flags of one complete EHPAD form (evaluation with the `ecart_pairs` entries, against
//!     a reference of national and regional groups), and the what-if simulation of one structure
//!     (evaluation + position of every indicator in scope in its 3 groups, own value replaced).
//!
//! Each case is timed several times; the table gives the median and the best wall time, and for
//! single-threaded cases the median time the thread spent on a CPU (which leaves out the time other
//! processes held the cores). `--machine` adds one `key=value` line of medians; `--only form`,
//! `--only recompute`, `--only peer` or `--only outliers` runs one case.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::time::Instant;

use serde_json::json;
use tdb_domain::contract::{EvaluateRequest, IndicatorReference, ItemType, Level, PeerReference};
use tdb_domain::stats::groups::{PeerGroups, PeerKey};
use tdb_domain::stats::outliers::group_spread;
use tdb_domain::stats::{position_replacing, sort_values};
use tdb_domain::{
    Catalogue, Evaluation, FormValues, OutlierReference, Value, catalogue_for, evaluate, evaluate_request,
    evaluate_with_peers,
};

const STRUCTURES: usize = 22_000;
const INDICATORS: usize = 114;
const CATEGORIES: u16 = 20;
const DEPARTMENTS: u16 = 101;
const REGIONS: u16 = 18;

/// xorshift64*: small, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Approximately normal(mean, sd): sum of 12 uniforms.
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let s: f64 = (0..12).map(|_| self.unit()).sum();
        mean + sd * (s - 6.0)
    }
}

/// Median and best wall time of several runs, and the median on-CPU time of the calling thread, in
/// seconds.
#[derive(Clone, Copy)]
struct Timing {
    median: f64,
    best: f64,
    cpu: Option<f64>,
}

impl Timing {
    /// The calling thread's CPU time says nothing when the work ran on other threads.
    fn single_threaded(self, threads: usize) -> Self {
        Timing {
            cpu: if threads == 1 { self.cpu } else { None },
            ..self
        }
    }

    fn scaled(self, factor: f64) -> Self {
        Timing {
            median: self.median * factor,
            best: self.best * factor,
            cpu: self.cpu.map(|c| c * factor),
        }
    }
}

/// Time the calling thread has spent on a CPU (Linux `schedstat`), in seconds: unlike wall time, it
/// leaves out the time other processes held the cores.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

fn middle(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Times `f` `reps` times.
fn time(reps: usize, mut f: impl FnMut()) -> Timing {
    let mut wall = Vec::with_capacity(reps);
    let mut cpu = Vec::with_capacity(reps);
    for _ in 0..reps {
        let c = thread_cpu();
        let t = Instant::now();
        f();
        wall.push(t.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (c, thread_cpu()) {
            cpu.push(after - before);
        }
    }
    let best = wall.iter().copied().fold(f64::INFINITY, f64::min);
    let cpu = (cpu.len() == reps).then(|| middle(cpu));
    Timing {
        median: middle(wall),
        best,
        cpu,
    }
}

fn in_scope(cat: &Catalogue, scope: &str, category: &str) -> bool {
    cat.document()
        .scopes
        .iter()
        .any(|s| s.code == scope && s.members.iter().any(|m| m == category))
}

/// A value for every item of the category's scope; `empty_per_mille` of them left empty.
fn synthetic_form(cat: &Catalogue, category: &str, rng: &mut Rng, empty_per_mille: u64) -> FormValues {
    let mut form = FormValues::new(cat);
    for item in cat.items() {
        if !in_scope(cat, &item.scope, category) || rng.below(1000) < empty_per_mille {
            continue;
        }
        let value = match item.item_type {
            ItemType::Bool => Value::Bool(rng.below(4) != 0),
            ItemType::Date | ItemType::Enum => continue,
            ItemType::Score => Value::Number(rng.below(800) as f64),
            ItemType::Count => Value::Number((1 + rng.below(120)) as f64),
            _ if item.max.is_some() => Value::Number((200 + rng.below(166)) as f64),
            _ => Value::Number((1 + rng.below(5_000_000)) as f64 / 100.0),
        };
        form.set(cat, &item.code, Some(value)).unwrap();
    }
    form
}

/// A complete, coherent EHPAD (HT, AJ, social aid, owner, CPOM), as in §5.2.
fn ehpad_json(cat: &Catalogue) -> BTreeMap<String, serde_json::Value> {
    let mut values = BTreeMap::new();
    for item in cat.items() {
        if !in_scope(cat, &item.scope, "ehpad") {
            continue;
        }
        let v = match item.item_type {
            ItemType::Bool => json!(true),
            ItemType::Date => json!("2022-01-01"),
            ItemType::Enum => json!(item.values.as_ref().unwrap()[0]),
            ItemType::Score => json!(700),
            _ => json!(10),
        };
        values.insert(item.code.clone(), v);
    }
    for (code, v) in [
        ("places_installees_hp", 60.0),
        ("places_financees_hp", 60.0),
        ("jours_ouverture_hp", 365.0),
        ("journees_realisees_hp", 20000.0),
        ("journees_financees", 21000.0),
        ("personnes_accompagnees_31_12", 60.0),
        ("etp_reels_31_12", 110.0),
        ("effectif_total_31_12", 80.0),
        ("sorties_definitives", 50.0),
        ("etp_vacants_31_12", 20.0),
        ("produits_exploitation", 1000.0),
    ] {
        values.insert(code.to_owned(), json!(v));
    }
    values
}

fn bench_one_form() -> (Timing, Timing, Timing) {
    let cat = catalogue_for(2024).unwrap();
    let previous_cat = catalogue_for(2023).unwrap();
    let json_values = ehpad_json(cat);
    let form = FormValues::from_json(cat, &json_values).unwrap();
    let previous_form = FormValues::from_json(previous_cat, &json_values).unwrap();
    let none = BTreeSet::new();
    let previous = evaluate(previous_cat, "ehpad", &previous_form, None, &none).unwrap();
    let check = evaluate(cat, "ehpad", &form, Some(&previous), &none).unwrap();
    assert!(check.completion().reached);
    assert_eq!(check.completion().overall.filled, 150);

    let iters = 2_000;
    let compact = time(15, || {
        for _ in 0..iters {
            black_box(evaluate(cat, black_box("ehpad"), &form, Some(&previous), &none).unwrap());
        }
    })
    .scaled(1e6 / iters as f64);
    let full = time(15, || {
        for _ in 0..iters / 4 {
            black_box(
                evaluate(cat, black_box("ehpad"), &form, Some(&previous), &none)
                    .unwrap()
                    .to_result(),
            );
        }
    })
    .scaled(1e6 / (iters / 4) as f64);
    let request = EvaluateRequest {
        campaign: 2024,
        category: "500".to_owned(),
        values: json_values.clone(),
        previous_values: Some(json_values),
        justified: Vec::new(),
        peer_reference: None,
    };
    let json_path = time(9, || {
        for _ in 0..iters / 10 {
            black_box(evaluate_request(black_box(&request)).unwrap());
        }
    })
    .scaled(1e6 / (iters / 10) as f64);
    (compact, full, json_path)
}

/// Sorted synthetic values around `mean`.
fn sorted_group(rng: &mut Rng, n: usize, mean: f64) -> Vec<f64> {
    let mut v: Vec<f64> = (0..n)
        .map(|_| rng.normal(mean, mean.abs() * 0.1 + 0.01))
        .collect();
    sort_values(&mut v);
    v
}

/// (flags: evaluation with and without the peer entries; simulation of one structure), in µs.
fn bench_outliers() -> (Timing, Timing, Timing) {
    let cat = catalogue_for(2024).unwrap();
    let previous_cat = catalogue_for(2023).unwrap();
    let json_values = ehpad_json(cat);
    let form = FormValues::from_json(cat, &json_values).unwrap();
    let previous_form = FormValues::from_json(previous_cat, &json_values).unwrap();
    let none = BTreeSet::new();
    let previous = evaluate(previous_cat, "ehpad", &previous_form, None, &none).unwrap();
    let plain = evaluate(cat, "ehpad", &form, Some(&previous), &none).unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    // Groups around each indicator's own value: national 7,000, region 400, department 70.
    let groups: Vec<[Vec<f64>; 3]> = plain
        .indicators()
        .iter()
        .map(|o| {
            let mean = o.value.unwrap_or(1.0);
            [7_000, 400, 70].map(|n| sorted_group(&mut rng, n, mean))
        })
        .collect();
    let reference = PeerReference {
        campaign: 2023,
        category: "ehpad".to_owned(),
        region: Some("32".to_owned()),
        frozen_at: None,
        indicators: cat
            .indicators()
            .iter()
            .zip(&groups)
            .filter(|(def, _)| def.level == Level::Dialogue)
            .map(|(def, g)| {
                (
                    def.code.clone(),
                    IndicatorReference {
                        national: group_spread(&g[0]),
                        region: Some(group_spread(&g[1])),
                    },
                )
            })
            .collect(),
    };
    let compiled = OutlierReference::new(cat, &reference);
    let flagged = evaluate_with_peers(cat, "ehpad", &form, Some(&previous), &none, Some(&compiled)).unwrap();
    assert!(flagged.peer_outcomes().iter().any(|o| o.z_region.is_some()));

    let iters = 2_000;
    let without = time(15, || {
        for _ in 0..iters {
            black_box(evaluate(cat, black_box("ehpad"), &form, Some(&previous), &none).unwrap());
        }
    })
    .scaled(1e6 / iters as f64);
    let with = time(15, || {
        for _ in 0..iters {
            black_box(
                evaluate_with_peers(
                    cat,
                    black_box("ehpad"),
                    &form,
                    Some(&previous),
                    &none,
                    Some(&compiled),
                )
                .unwrap(),
            );
        }
    })
    .scaled(1e6 / iters as f64);
    let own: Vec<Option<f64>> = plain.indicators().iter().map(|o| o.value).collect();
    let directions: Vec<_> = cat.indicators().iter().map(|d| d.direction).collect();
    let simulate = time(15, || {
        for _ in 0..iters / 4 {
            let simulated = evaluate(cat, black_box("ehpad"), &form, None, &none).unwrap();
            for (index, outcome) in simulated.indicators().iter().enumerate() {
                let Some(v) = outcome.value else { continue };
                let counts = simulated.peer_value(index).is_some();
                for group in &groups[index] {
                    black_box(position_replacing(
                        group,
                        own[index],
                        (v, counts),
                        directions[index],
                    ));
                }
            }
        }
    })
    .scaled(1e6 / (iters / 4) as f64);
    (without, with, simulate)
}

fn bench_recompute(threads: usize) -> (Timing, usize) {
    let campaigns = [2022, 2023, 2024];
    let categories: Vec<String> = catalogue_for(2024)
        .unwrap()
        .categories()
        .iter()
        .map(|c| c.code.clone())
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let structure_category: Vec<&str> = (0..STRUCTURES)
        .map(|_| categories[rng.below(categories.len() as u64) as usize].as_str())
        .collect();
    let forms: Vec<Vec<FormValues>> = campaigns
        .iter()
        .map(|c| {
            let cat = catalogue_for(*c).unwrap();
            structure_category
                .iter()
                .map(|category| synthetic_form(cat, category, &mut rng, 30))
                .collect()
        })
        .collect();
    let none = BTreeSet::new();
    let work = |range: std::ops::Range<usize>| {
        let mut reached = 0;
        for i in range {
            let mut previous: Option<Evaluation<'static>> = None;
            for (c, campaign) in campaigns.iter().enumerate() {
                let cat = catalogue_for(*campaign).unwrap();
                let e = evaluate(cat, structure_category[i], &forms[c][i], previous.as_ref(), &none).unwrap();
                reached += usize::from(e.completion().reached);
                previous = Some(e);
            }
        }
        reached
    };
    let chunk = STRUCTURES.div_ceil(threads);
    let mut reached = 0;
    let timing = time(5, || {
        reached = if threads == 1 {
            work(0..STRUCTURES)
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| s.spawn(move || work(t * chunk..((t + 1) * chunk).min(STRUCTURES))))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).sum()
            })
        };
    });
    (timing.single_threaded(threads).scaled(1e3), reached)
}

fn bench_peer_stats(threads: usize) -> Timing {
    let mut rng = Rng(1);
    let keys: Vec<PeerKey> = (0..STRUCTURES)
        .map(|_| {
            let department = rng.below(u64::from(DEPARTMENTS)) as u16;
            PeerKey {
                category: rng.below(u64::from(CATEGORIES)) as u16,
                region: department % REGIONS,
                department,
            }
        })
        .collect();
    let columns: Vec<Vec<f64>> = (0..INDICATORS)
        .map(|_| (0..STRUCTURES).map(|_| rng.normal(0.9, 0.1)).collect())
        .collect();
    let groups = PeerGroups::new(&keys);
    let per_thread = INDICATORS.div_ceil(threads);
    let work = |part: &[Vec<f64>]| {
        for column in part {
            let stats = groups.compute(column);
            assert_eq!(stats.national.len(), usize::from(CATEGORIES));
            black_box(stats);
        }
    };
    let timing = time(7, || {
        if threads == 1 {
            work(&columns);
        } else {
            std::thread::scope(|s| {
                for part in columns.chunks(per_thread) {
                    s.spawn(move || work(part));
                }
            });
        }
    });
    timing.single_threaded(threads).scaled(1e3)
}

fn row(label: &str, t: Timing, unit: &str) {
    let cpu = t.cpu.map_or_else(|| "—".to_owned(), |c| format!("{c:.2} {unit}"));
    println!(
        "{label:<74} {:>10.2} {unit} {:>10.2} {unit} {cpu:>13}",
        t.median, t.best
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let machine = args.iter().any(|a| a == "--machine");
    // `--only form|recompute|peer` runs one case (for profiling).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let runs = |case: &str| only.is_none_or(|o| o == case);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("tdb-domain engine benchmark ({cores} core(s))");
    println!(
        "{:<74} {:>13} {:>13} {:>13}",
        "case", "median", "best", "thread CPU"
    );
    let mut line = Vec::new();

    if runs("form") {
        let (compact, full, json_path) = bench_one_form();
        row(
            "(a) evaluate one complete EHPAD form (typed values, compact result)",
            compact,
            "µs",
        );
        row("    … plus the §9 wire result with explanations", full, "µs");
        row(
            "    … from a JSON request (validation of values and previous values)",
            json_path,
            "µs",
        );
        line.push(format!("evaluate_us={:.3}", compact.median));
        line.push(format!("evaluate_result_us={:.3}", full.median));
        line.push(format!("evaluate_request_us={:.3}", json_path.median));
    }
    if runs("recompute") {
        let (recompute_1, _) = bench_recompute(1);
        let (recompute, reached) = bench_recompute(cores);
        row(
            &format!("(b) recompute {STRUCTURES} structures × 3 campaigns, 1 thread"),
            recompute_1,
            "ms",
        );
        row(
            &format!("    same, {cores} thread(s) ({reached} forms reached the threshold)"),
            recompute,
            "ms",
        );
        line.push(format!("recompute_ms={:.1}", recompute.median));
        line.push(format!("recompute_1t_ms={:.1}", recompute_1.median));
    }
    if runs("peer") {
        let peer_1 = bench_peer_stats(1);
        let peer = bench_peer_stats(cores);
        let label = format!(
            "(c) peer stats {INDICATORS} indicators × {CATEGORIES} categories × 120 territories, 1 thread"
        );
        row(&label, peer_1, "ms");
        row(&format!("    same, {cores} thread(s)"), peer, "ms");
        line.push(format!("peer_stats_ms={:.1}", peer.median));
        line.push(format!("peer_stats_1t_ms={:.1}", peer_1.median));
    }
    if runs("outliers") {
        let (without, with, simulate) = bench_outliers();
        row(
            "(d) evaluate one complete EHPAD form, no peer reference",
            without,
            "µs",
        );
        row(
            "    same with the peer outlier flags (28 dialogue indicators)",
            with,
            "µs",
        );
        row(
            "    simulate one structure: evaluation + 3 group positions per indicator",
            simulate,
            "µs",
        );
        line.push(format!("flags_extra_us={:.3}", with.median - without.median));
        line.push(format!("evaluate_with_flags_us={:.3}", with.median));
        line.push(format!("simulate_us={:.3}", simulate.median));
    }
    if machine {
        println!("BENCH {} cores={cores}", line.join(" "));
    }
}
