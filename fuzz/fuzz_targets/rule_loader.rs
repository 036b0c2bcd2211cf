//! The rule-file loader on arbitrary text: it must return rules or a located error
//! (`PATH:LINE:COL: message`, pointing inside the file), never panic; loaded rules must build and
//! clean their own examples without breaking the invariant.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use textsweep::{Cleaner, Error};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Cleaner::builder().default_rules(false).rules_str("fuzz.toml", text.as_ref()).build() {
        Err(Error::Rule(e)) => {
            let lines = text.split('\n').count();
            assert!(e.line >= 1 && e.line <= lines, "line {} out of 1..={lines}: {e}", e.line);
            let line = text.split('\n').nth(e.line - 1).unwrap_or("");
            assert!(e.col >= 1 && e.col <= line.chars().count() + 1, "col out of range: {e}");
            let shown = e.to_string();
            assert!(shown.starts_with(&format!("fuzz.toml:{}:{}: ", e.line, e.col)), "{shown}");
        }
        Err(_) => {}
        Ok(cleaner) => {
            for rule in cleaner.rules() {
                for (ex, _) in &rule.examples {
                    let cleaned = cleaner.clean(&ex.input);
                    if let Err(e) = invariants::check(ex.input.as_bytes(), &cleaned) {
                        panic!("{e}");
                    }
                }
            }
            let _ = textsweep::check_examples(cleaner.rules());
        }
    }
});
