//! Progress of long loops (Monte Carlo draws, survey replicates), for progress bars.
//!
//! A caller that wants progress installs a [`Counter`] on its own thread with [`scope`]; long loops
//! look it up with [`current`] on the thread that starts them (before they fan out to rayon) and
//! add their work to it: [`Counter::add_total`] when they start, [`Counter::advance`] per finished
//! chunk (from any thread). Another thread may read [`Counter::done`] / [`Counter::total`] while the
//! work runs. The counter is only ever written by the work, never read by it, so results are the
//! same bit for bit with or without one.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Units of work done and announced (relaxed atomics: a progress display, not synchronisation).
#[derive(Debug, Default)]
pub struct Counter {
    done: AtomicU64,
    total: AtomicU64,
}

impl Counter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Announce `n` more units of work.
    pub fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    /// Record `n` finished units.
    pub fn advance(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Counter>>> = const { RefCell::new(None) };
}

/// Install `counter` (or none) on this thread; returns the one it replaces.
pub fn set_current(counter: Option<Arc<Counter>>) -> Option<Arc<Counter>> {
    CURRENT.with(|c| c.replace(counter))
}

/// The counter installed on this thread, if any.
pub fn current() -> Option<Arc<Counter>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Run `f` with `counter` installed on this thread (the previous one is restored afterwards, also
/// when `f` panics).
pub fn scope<T>(counter: Arc<Counter>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<Counter>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            set_current(self.0.take());
        }
    }
    let _restore = Restore(set_current(Some(counter)));
    f()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn scoped_to_the_thread_and_restored() {
        assert!(current().is_none());
        let c = Arc::new(Counter::new());
        scope(c.clone(), || {
            let cur = current().unwrap();
            cur.add_total(10);
            cur.advance(4);
            // other threads do not see it
            std::thread::spawn(|| assert!(current().is_none()))
                .join()
                .unwrap();
        });
        assert!(current().is_none());
        assert_eq!((c.done(), c.total()), (4, 10));
    }
}
