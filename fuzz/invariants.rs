//! The deletion-only invariant of textsweep, checked on any result, and what a batch run with
//! `skip_bad` writes. Shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the property
//! tests (`tests/properties.rs`).

use textsweep::{apply_bytes, batch, Category, Cleaned, Cleaner};

/// Checks `cleaned` against the `input` it came from: edits sorted, non-empty, non-overlapping,
/// in bounds, on UTF-8 boundaries, each `text` the removed bytes (U+FFFD per invalid sequence for
/// `invalid_utf8` edits), and the output exactly the input minus the edit spans.
#[allow(dead_code)]
pub fn check(input: &[u8], cleaned: &Cleaned) -> Result<(), String> {
    let mut last_end = 0;
    for (i, e) in cleaned.edits.iter().enumerate() {
        if e.start >= e.end || e.end > input.len() {
            return Err(format!("edit {i} has a bad span {}..{} (input {} bytes)", e.start, e.end, input.len()));
        }
        if e.start < last_end {
            return Err(format!("edit {i} at {} overlaps or precedes the previous one ending at {last_end}", e.start));
        }
        last_end = e.end;
        let removed = &input[e.start..e.end];
        if e.category == Category::InvalidUtf8 {
            let shown = String::from_utf8_lossy(removed);
            if std::str::from_utf8(removed).is_ok() || shown != e.text {
                return Err(format!("invalid_utf8 edit {i} {}..{} does not cover exactly invalid bytes", e.start, e.end));
            }
            continue;
        }
        match std::str::from_utf8(removed) {
            Ok(t) if t == e.text => {}
            Ok(t) => return Err(format!("edit {i} text {:?} != removed {:?}", e.text, t)),
            Err(_) => return Err(format!("edit {i} {}..{} is not on UTF-8 boundaries", e.start, e.end)),
        }
        if let Ok(whole) = std::str::from_utf8(input) {
            if !whole.is_char_boundary(e.start) || !whole.is_char_boundary(e.end) {
                return Err(format!("edit {i} {}..{} is not on char boundaries", e.start, e.end));
            }
        }
    }
    let expect = apply_bytes(input, &cleaned.edits);
    if expect != cleaned.text.as_bytes() {
        return Err("output is not the input minus the edit spans".into());
    }
    if cleaned.text.len() > input.len() {
        return Err("output is longer than input".into());
    }
    Ok(())
}

/// Checks the `output` of a batch run with `skip_bad` over the JSON Lines `input` (field `text`):
/// exactly one line per non-empty input line, each a line that is not a record passed through
/// unchanged, or a record whose field is what cleaning its text alone gives.
#[allow(dead_code)]
pub fn check_batch(cleaner: &Cleaner, input: &[u8], output: &[u8]) -> Result<(), String> {
    fn lines(b: &[u8]) -> Vec<&[u8]> {
        b.split(|&c| c == b'\n').filter(|l| !l.is_empty()).collect()
    }
    let (ins, outs) = (lines(input), lines(output));
    if ins.len() != outs.len() {
        return Err(format!("a batch run with skip_bad loses or adds lines: {} in, {} out", ins.len(), outs.len()));
    }
    for (i, (a, b)) in ins.iter().zip(&outs).enumerate() {
        if let (Ok(ra), Ok(rb)) = (batch::parse_record(a, "text"), batch::parse_record(b, "text")) {
            if cleaner.clean(&ra.text).text != *rb.text {
                return Err(format!("line {}: batch output differs from cleaning alone", i + 1));
            }
        } else if a != b {
            return Err(format!("line {}: a bad line was not passed through unchanged", i + 1));
        }
    }
    Ok(())
}
