//! Resource limits (own test binary: the limit is process-wide).

#![allow(clippy::unwrap_used, clippy::panic)]

use papikit_core::PapiError;
use papikit_core::framework::builtin;
use papikit_core::limits::set_memory_limit;
use papikit_core::survey::synthetic::synthetic_survey;
use papikit_core::survey::{Design, Method, ScoreOptions, domain_means, score};

#[test]
fn requests_over_the_limit_are_refused_before_allocating() {
    let df = synthetic_survey(2023, 1, 0.05).unwrap();
    let mut d = Design::new("province");
    d.strata = Some("district".into());
    d.psu = Some("commune".into());
    set_memory_limit(Some(1_000_000)).unwrap();
    let opts = ScoreOptions {
        method: Method::Bootstrap,
        replicates: 5_000,
        ..ScoreOptions::default()
    };
    let e = score(&df, &d, &builtin(2023).unwrap(), &opts).unwrap_err();
    let m = domain_means(
        &df,
        &d,
        &["d8_internet_at_home"],
        Method::Bootstrap,
        50_000,
        1,
    );
    set_memory_limit(None).unwrap();
    match e {
        PapiError::ResourceLimit {
            argument,
            estimate,
            limit,
            ..
        } => {
            assert_eq!(argument, "replicates");
            assert_eq!(limit, 1_000_000);
            assert!(estimate > limit);
        }
        e => panic!("{e:?}"),
    }
    assert!(matches!(m, Err(PapiError::ResourceLimit { .. })), "{m:?}");
    // the cap comes first: 10^9 replicates is an InvalidArgument, whatever the limit
    let opts = ScoreOptions {
        replicates: 1_000_000_000,
        ..opts
    };
    assert!(matches!(
        score(&df, &d, &builtin(2023).unwrap(), &opts),
        Err(PapiError::InvalidArgument { .. })
    ));
}
