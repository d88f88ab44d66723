//! The evaluations of campaign N−1 that the year-over-year controls of campaign N compare with, kept
//! in the process by form and version.
//!
//! Every read and write of a form in campaign N evaluates its form of N−1 too, which rarely changes
//! once N is open. The memo is keyed by the N−1 form's version as the scope check read it (its
//! stamp), so a changed form is evaluated again, and a replica never serves an evaluation older than
//! the version the database gave it. Bounded: when full it is emptied and fills again.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;
use tdb_domain::Evaluation;

/// Forms kept at most (one evaluation of a national-scale form is a few kilobytes).
const CAPACITY: usize = 4096;

/// Campaign year, FINESS, version of the form.
type Key = (i32, String, i64);

static MEMO: LazyLock<Mutex<HashMap<Key, Arc<Evaluation<'static>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The kept evaluation of the form of `finess` in campaign `year` at `version`, or the one
/// `evaluate` gives (then kept).
pub fn evaluation<E>(
    (year, finess, version): (i32, &str, i64),
    evaluate: impl FnOnce() -> Result<Evaluation<'static>, E>,
) -> Result<Arc<Evaluation<'static>>, E> {
    let key = (year, finess.to_owned(), version);
    if let Some(kept) = MEMO.lock().get(&key) {
        return Ok(Arc::clone(kept));
    }
    let evaluation = Arc::new(evaluate()?);
    let mut memo = MEMO.lock();
    if memo.len() >= CAPACITY {
        memo.clear();
    }
    memo.insert(key, Arc::clone(&evaluation));
    Ok(evaluation)
}
