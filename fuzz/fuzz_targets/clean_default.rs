//! The cleaner with the default rules on arbitrary bytes: `clean_lossy` on everything, `clean` on
//! valid UTF-8; both must keep the deletion-only invariant and agree on valid input.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use textsweep::Cleaner;

fn cleaner() -> &'static Cleaner {
    static C: OnceLock<Cleaner> = OnceLock::new();
    C.get_or_init(|| Cleaner::new().expect("default rules build"))
}

fuzz_target!(|data: &[u8]| {
    let c = cleaner();
    let lossy = c.clean_lossy(data);
    if let Err(e) = invariants::check(data, &lossy) {
        panic!("clean_lossy: {e}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let strict = c.clean(text);
        assert_eq!(strict, lossy, "clean and clean_lossy differ on valid UTF-8");
    }
});
