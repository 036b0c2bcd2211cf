//! The JSONL batch reader on arbitrary bytes: `parse_record` on every line must agree with
//! serde_json about the field's value, and a whole batch run with `skip_bad` must write exactly one
//! line per input line, each either passed through unchanged or a record whose field is the cleaned
//! text of the original field.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use textsweep::batch::{self, Input, Options};
use textsweep::Cleaner;

fn cleaner() -> &'static Cleaner {
    static C: OnceLock<Cleaner> = OnceLock::new();
    C.get_or_init(|| Cleaner::new().expect("default rules build"))
}

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        if let Ok(rec) = batch::parse_record(line, "text") {
            // JSON's grammar puts no bound on numbers and allows any `\uXXXX` escape; serde_json's
            // `Value` refuses numbers beyond f64 (`2.5e11113`) and lone surrogates (`\uDDDD`) in
            // other fields, which the reader copies through unchanged, as it should.
            match serde_json::from_slice::<serde_json::Value>(line) {
                Ok(v) => assert_eq!(v["text"].as_str(), Some(&*rec.text), "field value differs from serde_json's"),
                Err(e) if e.to_string().starts_with("number out of range") || e.to_string().contains("surrogate") => {}
                Err(e) => panic!("a parsed record is valid JSON: {e}"),
            }
        }
    }
    let opts = Options { skip_bad: true, threads: 1, ..Default::default() };
    let mut out = Vec::new();
    let input = Input::reader("fuzz", std::io::Cursor::new(data.to_vec()));
    if batch::run(cleaner(), &opts, vec![input], &mut out, &mut ()).is_ok() {
        if let Err(e) = invariants::check_batch(cleaner(), data, &out) {
            panic!("{e}");
        }
    }
});
