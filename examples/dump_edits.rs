//! Development aid: reads `{"id", "text"}` JSON Lines on stdin and writes, per record,
//! `{"id", "edits": [{rule, category, start, end, text}]}`, so that evaluation scripts can compare
//! the edits with labelled spans. `cargo run --release --example dump_edits < docs.jsonl`
use std::io::{self, BufRead, Write};

fn main() {
    let cleaner = textsweep::Cleaner::new().expect("default rules");
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for line in io::stdin().lock().lines() {
        let line = line.expect("read");
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        let text = v["text"].as_str().unwrap_or("");
        let edits: Vec<_> = cleaner
            .edits(text)
            .into_iter()
            .map(|e| serde_json::json!({"rule": &*e.rule, "category": e.category, "start": e.start, "end": e.end, "text": e.text, "reason": e.reason}))
            .collect();
        serde_json::to_writer(&mut out, &serde_json::json!({"id": v["id"], "edits": edits})).unwrap();
        out.write_all(b"\n").unwrap();
    }
}
