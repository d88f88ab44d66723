//! Limits on the large imports and exports running at once, per process and per caller: each holds
//! a [`Permit`] for as long as it runs (a large import's job included), so the memory they take
//! together stays bounded. Past the caller's limit: 429 `too_many_requests`; past the process's:
//! 503 `server_busy`; both with `Retry-After`.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::error::ApiError;

/// Seconds a refused caller is told to wait.
pub const RETRY_AFTER: u64 = 10;

/// The running large requests.
#[derive(Debug)]
pub struct HeavyLimits {
    total: usize,
    per_caller: usize,
    running: Mutex<(usize, HashMap<String, usize>)>,
}

impl HeavyLimits {
    /// Limits of `total` at once in the process and `per_caller` for one caller (at least 1 each).
    pub fn new(total: usize, per_caller: usize) -> Arc<Self> {
        Arc::new(Self {
            total: total.max(1),
            per_caller: per_caller.max(1),
            running: Mutex::new((0, HashMap::new())),
        })
    }

    /// A permit for one more large request of `caller`, or the refusal.
    pub fn try_acquire(self: &Arc<Self>, caller: &str) -> Result<Permit, ApiError> {
        let mut running = self.running.lock();
        let (total, callers) = &mut *running;
        let mine = callers.get(caller).copied().unwrap_or(0);
        if mine >= self.per_caller {
            return Err(ApiError::TooManyRequests {
                retry_after: RETRY_AFTER,
            });
        }
        if *total >= self.total {
            return Err(ApiError::Busy {
                retry_after: RETRY_AFTER,
            });
        }
        *total += 1;
        callers.insert(caller.to_owned(), mine + 1);
        Ok(Permit {
            limits: Arc::clone(self),
            caller: caller.to_owned(),
        })
    }

    /// Large requests running now.
    pub fn running(&self) -> usize {
        self.running.lock().0
    }
}

/// One running large request; released when dropped.
#[derive(Debug)]
pub struct Permit {
    limits: Arc<HeavyLimits>,
    caller: String,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut running = self.limits.running.lock();
        let (total, callers) = &mut *running;
        *total = total.saturating_sub(1);
        if let Some(mine) = callers.get_mut(&self.caller) {
            *mine = mine.saturating_sub(1);
            if *mine == 0 {
                callers.remove(&self.caller);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_count_per_caller_and_per_process_and_are_released() {
        let limits = HeavyLimits::new(2, 1);
        let a = limits.try_acquire("a").unwrap();
        assert_eq!(
            limits.try_acquire("a").unwrap_err().code().as_str(),
            "too_many_requests"
        );
        let b = limits.try_acquire("b").unwrap();
        assert_eq!(
            limits.try_acquire("c").unwrap_err().code().as_str(),
            "server_busy"
        );
        drop(a);
        assert_eq!(limits.running(), 1);
        let _c = limits.try_acquire("c").unwrap();
        drop(b);
        let _a = limits.try_acquire("a").unwrap();
    }
}
