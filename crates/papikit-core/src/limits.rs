//! Resource limits: the memory a request would allocate is estimated before anything is
//! allocated, and a request over the limit is refused with [`PapiError::ResourceLimit`] naming the
//! argument and the estimate (instead of the process being killed by a failed allocation).
//!
//! The limit is, in order: the value set with [`set_memory_limit`] (Python
//! `pk.set_memory_limit`), the environment variable `PAPIKIT_MEMORY_LIMIT` (bytes, or a number with
//! a `k`/`M`/`G`/`T` suffix, e.g. `2G`), or half of the machine's physical memory (`/proc/meminfo`;
//! 4 GB where that cannot be read).

use crate::error::{PapiError, Result};
use std::sync::atomic::{AtomicU64, Ordering};

/// 0 = not set (use the environment or the machine's memory).
static LIMIT: AtomicU64 = AtomicU64::new(0);

/// Fallback when the machine's memory cannot be read.
const FALLBACK: u64 = 4_000_000_000;

/// Set the memory limit in bytes for this process; `None` restores the default.
pub fn set_memory_limit(bytes: Option<u64>) -> Result<()> {
    match bytes {
        Some(0) => Err(PapiError::InvalidArgument {
            argument: "limit".into(),
            message: "0 bytes; give a positive number of bytes, or None for the default".into(),
        }),
        Some(b) => {
            LIMIT.store(b, Ordering::Relaxed);
            Ok(())
        }
        None => {
            LIMIT.store(0, Ordering::Relaxed);
            Ok(())
        }
    }
}

/// Parse `2G`, `512M`, `1000000` (bytes).
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, mult) = match t.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_lowercase() {
                'k' => 1_000,
                'm' => 1_000_000,
                'g' => 1_000_000_000,
                't' => 1_000_000_000_000,
                _ => return None,
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    let v: f64 = num.trim().parse().ok()?;
    (v.is_finite() && v > 0.0 && v * (mult as f64) < 1.8e19).then_some((v * mult as f64) as u64)
}

/// Physical memory from `/proc/meminfo` (MemTotal, kB).
fn machine_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// The limit in force, in bytes.
pub fn memory_limit() -> u64 {
    let set = LIMIT.load(Ordering::Relaxed);
    if set > 0 {
        return set;
    }
    if let Some(b) = std::env::var("PAPIKIT_MEMORY_LIMIT")
        .ok()
        .as_deref()
        .and_then(parse_bytes)
    {
        return b;
    }
    machine_memory().map_or(FALLBACK, |m| m / 2)
}

/// Refuse a request of `argument` estimated at `bytes` (`what` it would hold) over the limit.
/// The estimate is computed in u128 by the caller so that it cannot overflow.
pub fn check_memory(argument: &str, bytes: u128, what: &str) -> Result<()> {
    let limit = memory_limit();
    if bytes <= u128::from(limit) {
        return Ok(());
    }
    Err(PapiError::ResourceLimit {
        argument: argument.into(),
        estimate: u64::try_from(bytes).unwrap_or(u64::MAX),
        limit,
        what: what.into(),
    })
}

/// Bytes of `count` f64 values, as a product of factors (u128, saturating).
pub fn f64_bytes(factors: &[usize]) -> u128 {
    factors
        .iter()
        .fold(8u128, |acc, &f| acc.saturating_mul(f as u128))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_bytes("2G"), Some(2_000_000_000));
        assert_eq!(parse_bytes("512m"), Some(512_000_000));
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("x"), None);
        assert_eq!(parse_bytes("-1G"), None);
        assert_eq!(parse_bytes(""), None);
    }

    #[test]
    fn huge_requests_are_refused_with_the_estimate() {
        let e = check_memory("replicates", f64_bytes(&[1_000_000_000, 800]), "draws").unwrap_err();
        match e {
            PapiError::ResourceLimit {
                argument, estimate, ..
            } => {
                assert_eq!(argument, "replicates");
                assert_eq!(estimate, 6_400_000_000_000);
            }
            other => panic!("{other:?}"),
        }
        assert!(check_memory("replicates", 1000, "draws").is_ok());
        assert!(memory_limit() > 0);
    }
}
