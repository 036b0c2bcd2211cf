//! Batch mode (`--jsonl`): the library pipeline against per-document cleaning, and the command's
//! flags, errors and exit codes. Nothing here is timed.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use textsweep::batch::{self, parse_record, Doc, Input, Observer, Options};
use textsweep::Cleaner;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/batch/records.jsonl")
}

fn fixture_lines() -> Vec<String> {
    std::fs::read_to_string(fixture()).unwrap().lines().map(str::to_string).collect()
}

/// A fixture record whose text the rules change.
fn noisy_line() -> String {
    let cleaner = Cleaner::new().unwrap();
    fixture_lines()
        .into_iter()
        .find(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let t = v["text"].as_str().unwrap();
            cleaner.clean(t).text != t
        })
        .expect("the fixture has a noisy record")
}

/// `n` copies of the fixture records, each with a distinct id prefix, as one JSONL text.
fn many(n: usize) -> String {
    let mut s = String::new();
    for k in 0..n {
        for line in fixture_lines() {
            s.push_str(&line.replacen('{', &format!("{{\"copy\":{k},"), 1));
            s.push('\n');
        }
    }
    s
}

fn run_lib(input: &str, opts: &Options, observer: &mut dyn Observer) -> (Vec<u8>, Result<batch::Summary, batch::BatchError>) {
    let cleaner = Cleaner::new().unwrap();
    let mut out = Vec::new();
    let r = batch::run(&cleaner, opts, vec![Input::reader("mem", std::io::Cursor::new(input.as_bytes().to_vec()))], &mut out, observer);
    (out, r)
}

fn cli(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_textsweep"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A process that stops early (a usage error) closes its stdin: that is not a test failure.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

/// Every output line is its input line with only the `text` literal replaced, and that text is
/// exactly what cleaning the document alone gives.
fn assert_matches_per_document(input: &str, output: &[u8]) {
    let cleaner = Cleaner::new().unwrap();
    let output = std::str::from_utf8(output).unwrap();
    let (ins, outs): (Vec<&str>, Vec<&str>) = (input.lines().collect(), output.lines().collect());
    assert_eq!(ins.len(), outs.len(), "one output line per input line");
    let mut changed = 0;
    for (i, (a, b)) in ins.iter().zip(&outs).enumerate() {
        let va: Value = serde_json::from_str(a).unwrap();
        let vb: Value = serde_json::from_str(b).unwrap();
        let original = va["text"].as_str().unwrap();
        let alone = cleaner.clean(original).text;
        assert_eq!(vb["text"].as_str().unwrap(), alone, "line {}", i + 1);
        if alone != original {
            changed += 1;
        }
        // Everything around the field is byte-identical.
        let (ra, rb) = (parse_record(a.as_bytes(), "text").unwrap(), parse_record(b.as_bytes(), "text").unwrap());
        assert_eq!(&a.as_bytes()[..ra.span.start], &b.as_bytes()[..rb.span.start], "line {}", i + 1);
        assert_eq!(&a.as_bytes()[ra.span.end..], &b.as_bytes()[rb.span.end..], "line {}", i + 1);
        if alone == original {
            assert_eq!(a, b, "an untouched record is written as it came");
        }
    }
    assert!(changed > 0, "the fixture has records the rules change");
}

/// Counts the chunks written (one progress report each).
struct CountChunks(usize);
impl Observer for CountChunks {
    fn progress(&mut self, _bytes_in: u64) {
        self.0 += 1;
    }
}

/// Runs `f` on a thread of its own and gives its outcome (`Err` if it panicked), or fails the
/// test if it has not ended within a minute (the run hung).
fn ends<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> std::thread::Result<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the run ended")
}

/// A run that stops, for a bad line or a panic in the thread that writes, ends however many
/// threads wait for a token (a window of one chunk, three threads), and a panic is passed on.
#[test]
fn a_stopped_run_ends_whatever_the_threads_wait_for() {
    let mut input = many(40);
    let at = input.len() / 2;
    let at = at + input[at..].find('\n').unwrap() + 1;
    input.insert_str(at, "not json\n");
    for (threads, window) in [(3, 1), (4, 1), (3, 2), (2, 0), (4, 0)] {
        let text = input.clone();
        let r = ends(move || run_lib(&text, &Options { threads, chunk_bytes: 700, window, ..Options::default() }, &mut ()).1.map(|s| s.records));
        assert!(matches!(r, Ok(Err(batch::BatchError::Bad(_)))), "{threads} threads, window {window}: {r:?}");

        /// Panics at its third chunk.
        struct Panics(usize);
        impl Observer for Panics {
            fn progress(&mut self, _bytes_in: u64) {
                self.0 += 1;
                assert!(self.0 < 3, "the observer panics");
            }
        }
        let text = many(40);
        let r = ends(move || run_lib(&text, &Options { threads, chunk_bytes: 700, window, ..Options::default() }, &mut Panics(0)).1.is_ok());
        assert!(r.is_err(), "{threads} threads, window {window}: the observer's panic is passed on");
    }
}

#[test]
fn batch_output_equals_cleaning_each_document_alone() {
    // About 520 KB: the reader takes 64 KiB at a time, so eight chunks or more.
    let input = many(80);
    for threads in [1, 2, 3, 5] {
        // Small chunks and windows from one chunk (fewer than the threads) to the default: many
        // chunks in flight, finishing out of order, the calling thread cleaning some of them.
        for window in [1, 2, 3, 0] {
            let opts = Options { threads, chunk_bytes: 700, window, ..Options::default() };
            let mut chunks = CountChunks(0);
            let (out, r) = run_lib(&input, &opts, &mut chunks);
            let summary = r.unwrap();
            assert_eq!(summary.records as usize, input.lines().count(), "{threads} threads, window {window}");
            assert!(chunks.0 >= 8, "{threads} threads, window {window}: {} chunks", chunks.0);
            assert_matches_per_document(&input, &out);
        }
    }
}

/// Records longer than one read of the batch reader (64 KB), and longer than many chunks, are
/// read whole and cleaned as each text alone, whether the reader gets them in odd pieces or at
/// once, between short records, the last one without its closing `\n`: the reader looks for a
/// line break only in the bytes each read adds.
#[test]
fn records_longer_than_a_read_are_read_whole() {
    /// Gives at most 777 bytes a call.
    struct Pieces(std::io::Cursor<Vec<u8>>);
    impl std::io::Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(777);
            self.0.read(&mut buf[..n])
        }
    }
    /// The input read when each chunk was written.
    struct Chunks(Vec<u64>);
    impl batch::Observer for Chunks {
        fn progress(&mut self, bytes_in: u64) {
            self.0.push(bytes_in);
        }
    }
    let records = fixture_lines();
    // A record whose text is the noisy record's text many times over, `\n`-escaped between.
    let long = |copies: usize| {
        let v: Value = serde_json::from_str(&noisy_line()).unwrap();
        let text = vec![v["text"].as_str().unwrap(); copies].join("\n");
        serde_json::json!({ "id": format!("long-{copies}"), "text": text }).to_string()
    };
    let lines = [records[0].clone(), long(400), records[1].clone(), long(150), long(1), long(1200), records[2].clone()];
    let input = lines.join("\n") + "\n";
    assert!(lines.iter().filter(|l| l.len() > 64 << 10).count() >= 2, "two records span reads");
    let longest = lines.iter().map(|l| l.len() + 1).max().unwrap();
    let cleaner = Cleaner::new().unwrap();
    for threads in [1, 2] {
        for chunk_bytes in [700, 1 << 16, 1 << 20] {
            let opts = Options { threads, chunk_bytes, window: 3, ..Options::default() };
            for pieces in [true, false] {
                let bytes = input.as_bytes().to_vec();
                let source = if pieces { Input::reader("pieces", Pieces(std::io::Cursor::new(bytes))) } else { Input::reader("whole", std::io::Cursor::new(bytes)) };
                let mut out = Vec::new();
                let mut chunks = Chunks(Vec::new());
                let summary = batch::run(&cleaner, &opts, vec![source], &mut out, &mut chunks).unwrap();
                assert_eq!(summary.records as usize, lines.len(), "{threads} threads, chunks of {chunk_bytes}, pieces {pieces}");
                assert_matches_per_document(&input, &out);
                // A chunk stops at the first line break once it holds `chunk_bytes`: it is never
                // more than that, the longest record and one read (64 KB) of what follows.
                let sizes: Vec<u64> = chunks.0.windows(2).map(|w| w[1] - w[0]).chain(chunks.0.first().copied()).collect();
                assert!(sizes.iter().all(|&b| b as usize <= chunk_bytes + longest + (64 << 10)), "{threads} threads, chunks of {chunk_bytes}: {sizes:?}");
                if chunk_bytes < 1 << 20 {
                    assert!(sizes.len() > 1, "{threads} threads, chunks of {chunk_bytes}: one chunk");
                }
            }
            // The last record without its `\n` is read all the same.
            let mut out = Vec::new();
            let trimmed = input.trim_end_matches('\n');
            batch::run(&cleaner, &opts, vec![Input::reader("no-eol", Pieces(std::io::Cursor::new(trimmed.as_bytes().to_vec())))], &mut out, &mut ()).unwrap();
            assert_matches_per_document(trimmed, &out);
        }
    }
}

/// The batch reader hands the engine the offsets of a value's `\n` and `\r` escapes as its line
/// breaks: records whose texts end lines with `\n`, `\r\n` or a lone `\r`, open with a byte-order
/// mark, or spell a line break `\u000a` / `\u000D` (no canonical escape: its lines are searched),
/// are cleaned as each text alone.
#[test]
fn line_breaks_from_escapes_clean_as_the_text_alone() {
    let mut input = String::new();
    let mut texts = 0;
    for line in fixture_lines() {
        let v: Value = serde_json::from_str(&line).unwrap();
        let text = v["text"].as_str().unwrap();
        for (k, variant) in [text.to_string(), text.replace('\n', "\r\n"), text.replace('\n', "\r"), format!("\u{feff}{text}"), format!("\u{feff}{}", text.replace('\n', "\r\n"))].into_iter().enumerate() {
            let literal = serde_json::to_string(&variant).unwrap();
            input.push_str(&format!("{{\"k\":{k},\"text\":{literal}}}\n"));
            let spelled = literal.replacen("\\n", "\\u000a", 1).replacen("\\r", "\\u000D", 1);
            input.push_str(&format!("{{\"k\":{k},\"text\":{spelled}}}\n"));
            texts += 1;
        }
    }
    assert!(texts > 20 && input.contains("\\r\\n") && input.contains("\\u000a"));
    let (out, r) = run_lib(&input, &Options { threads: 1, ..Options::default() }, &mut ());
    r.unwrap();
    assert_matches_per_document(&input, &out);
}

#[test]
fn observer_sees_every_record_in_order_with_its_edits() {
    struct Collect(Vec<Doc>);
    impl Observer for Collect {
        fn record(&mut self, doc: &Doc) {
            self.0.push(doc.clone());
        }
    }
    let input = many(2);
    let opts = Options { threads: 2, chunk_bytes: 500, keep_docs: true, ..Options::default() };
    let mut c = Collect(Vec::new());
    let (_, r) = run_lib(&input, &opts, &mut c);
    r.unwrap();
    let cleaner = Cleaner::new().unwrap();
    assert_eq!(c.0.len(), input.lines().count());
    for (doc, line) in c.0.iter().zip(input.lines()) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(doc.text, v["text"].as_str().unwrap());
        assert_eq!(doc.edits, cleaner.edits(&doc.text));
        let want_name = match &v["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(doc.name, want_name);
    }
}

#[test]
fn cli_jsonl_matches_per_document_and_keeps_order_with_two_threads() {
    let input = many(40);
    let out = cli(&["--jsonl", "-j2"], input.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_matches_per_document(&input, &out.stdout);
    let copies: Vec<u64> = out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice::<Value>(l).unwrap()["copy"].as_u64().unwrap()).collect();
    assert!(copies.windows(2).all(|w| w[0] <= w[1]), "records come out in input order");
    // The same with files as arguments, and the plain per-document command agrees.
    let one = cli(&["--jsonl", "-j1", fixture().to_str().unwrap()], b"");
    assert!(one.status.success());
    let first: Value = serde_json::from_slice(one.stdout.split(|&b| b == b'\n').nth(1).unwrap()).unwrap();
    let original: Value = serde_json::from_str(&fixture_lines()[1]).unwrap();
    let plain = cli(&[], original["text"].as_str().unwrap().as_bytes());
    assert_eq!(first["text"].as_str().unwrap().as_bytes(), &plain.stdout[..]);
}

#[test]
fn malformed_line_writes_earlier_records_then_exits_2_naming_file_and_line() {
    let lines = fixture_lines();
    let dir = std::env::temp_dir().join(format!("textsweep-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.jsonl");
    let content = format!("{}\n{}\n{{\"id\": 3, \"text\": \"unterminated\n{}\n", lines[0], lines[1], lines[2]);
    std::fs::write(&path, &content).unwrap();
    let out = cli(&["--jsonl", "-j2", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:3:", path.display())), "{err}");
    let written: Vec<&[u8]> = out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(written.len(), 2, "the two records before the bad line are written");
    // --skip-bad: the line passes through unchanged, is counted, and the rest is cleaned.
    let out = cli(&["--jsonl", "--skip-bad", path.to_str().unwrap()], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert_eq!(text.lines().nth(2).unwrap(), "{\"id\": 3, \"text\": \"unterminated");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 bad line(s) passed through"), "{err}");
    assert!(err.contains(":3:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_and_non_string_fields_are_bad_records() {
    let good = &fixture_lines()[0];
    for (bad, why) in [
        ("{\"id\": 9, \"body\": \"x\"}", "no field `text`"),
        ("{\"id\": 9, \"text\": 42}", "field `text` is not a string"),
        ("{\"id\": 9, \"text\": [\"a\"]}", "field `text` is not a string"),
        ("[\"not\", \"an object\"]", "not a JSON object"),
    ] {
        let input = format!("{good}\n{bad}\n{good}\n");
        let out = cli(&["--jsonl"], input.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("stdin:2:") && err.contains(why), "{bad}: {err}");
        assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 1);
        let out = cli(&["--jsonl", "--skip-bad", "-j2"], input.as_bytes());
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap().lines().nth(1).unwrap(), bad);
    }
}

/// An input that fails ends the run with an error naming it, after every whole record read
/// before the failure is written, in order, whatever the threads: a reader that fails after
/// some bytes (the partial line before the failure is not a record) and a file that does not
/// exist, between two that do (the one after it is not read).
#[test]
fn a_failing_input_ends_the_run_after_everything_read_before_it() {
    /// Gives `data`, then fails.
    struct FailsAfter(std::io::Cursor<Vec<u8>>);
    impl std::io::Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("the disk went away")),
                n => Ok(n),
            }
        }
    }
    // About 260 KB, read 64 KiB at a time: the failure comes after several chunks.
    let input = many(40);
    // Five bytes into a line: the reader fails in the middle of a record.
    let whole = &input[..input[..input.len() * 2 / 3].rfind('\n').unwrap() + 1];
    let cut = whole.len() + 5;
    let dir = tempfile::tempdir().unwrap();
    let (first, missing, last) = (dir.path().join("first.jsonl"), dir.path().join("missing.jsonl"), dir.path().join("last.jsonl"));
    std::fs::write(&first, &input).unwrap();
    std::fs::write(&last, &input).unwrap();
    for (threads, window) in [(1, 3), (2, 3), (3, 3), (2, 1), (4, 2)] {
        let opts = Options { threads, chunk_bytes: 700, window, ..Options::default() };
        let cleaner = Cleaner::new().unwrap();
        let mut out = Vec::new();
        let r = batch::run(&cleaner, &opts, vec![Input::reader("flaky", FailsAfter(std::io::Cursor::new(input.as_bytes()[..cut].to_vec())))], &mut out, &mut ());
        match r {
            Err(batch::BatchError::Input { file, error }) => assert_eq!((file.as_str(), error.to_string().as_str()), ("flaky", "the disk went away"), "{threads} threads"),
            other => panic!("{threads} threads: {other:?}"),
        }
        assert_eq!(String::from_utf8(out.clone()).unwrap().lines().count(), whole.lines().count(), "{threads} threads");
        assert_matches_per_document(whole, &out);

        let mut out = Vec::new();
        let r = batch::run(&cleaner, &opts, vec![Input::path(&first), Input::path(&missing), Input::path(&last)], &mut out, &mut ());
        match r {
            Err(batch::BatchError::Input { file, error }) => {
                assert_eq!(file, missing.display().to_string(), "{threads} threads");
                assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
            }
            other => panic!("{threads} threads: {other:?}"),
        }
        assert_matches_per_document(&input, &out);
    }
}

/// Bad lines are named by their input and their line in it, in inputs of many chunks (the
/// reader counts lines for the workers; on one thread the lines the last chunk held number the
/// next), and the count starts again with each input.
#[test]
fn bad_lines_are_numbered_across_chunks_and_inputs() {
    struct Bad(Vec<(String, u64)>);
    impl Observer for Bad {
        fn bad_line(&mut self, b: &batch::BadLine) {
            self.0.push((b.file.clone(), b.line));
        }
    }
    // The fixture's records between short ones, about 300 KB an input: several chunks of at
    // least 64 KB each.
    let mut good = fixture_lines();
    good.extend((0..200).map(|k| format!("{{\"id\":{k},\"text\":\"Paragraph {k} of the story.\\n\\nShare this article\"}}")));
    let mut texts = Vec::new();
    let mut want = Vec::new();
    for (name, every) in [("first", 97), ("second", 41)] {
        let mut t = String::new();
        let mut n = 0;
        while t.len() < 300_000 {
            for l in &good {
                n += 1;
                if n % every == 0 {
                    t.push_str("not json\n");
                    want.push((name.to_string(), n));
                } else {
                    t.push_str(l);
                    t.push('\n');
                }
            }
        }
        texts.push((name, t));
    }
    assert!(want.len() > 20);
    for threads in [1, 2] {
        let cleaner = Cleaner::new().unwrap();
        let inputs = texts.iter().map(|(name, t)| Input::reader(*name, std::io::Cursor::new(t.clone().into_bytes()))).collect();
        let mut bad = Bad(Vec::new());
        let opts = Options { threads, skip_bad: true, chunk_bytes: 1 << 16, ..Options::default() };
        batch::run(&cleaner, &opts, inputs, &mut Vec::new(), &mut bad).unwrap();
        assert_eq!(bad.0, want, "{threads} threads");
    }
}

#[test]
fn skip_bad_counts_in_the_summary_and_blank_lines_pass_through() {
    let good = noisy_line();
    let input = format!("{good}\n\n  \nnot json\n{good}");
    let opts = Options { skip_bad: true, threads: 1, ..Options::default() };
    let (out, r) = run_lib(&input, &opts, &mut ());
    let s = r.unwrap();
    assert_eq!((s.records, s.bad_lines, s.blank_lines), (2, 1, 2));
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(&lines[1..4], &["", "  ", "not json"]);
    assert!(out.ends_with('\n'), "a missing final newline is added");
}

#[test]
fn field_flag_cleans_another_field_and_leaves_text_alone() {
    let line = noisy_line();
    let v: Value = serde_json::from_str(&line).unwrap();
    let body = v["text"].as_str().unwrap();
    let input = format!("{}\n", serde_json::json!({"text": body, "body": body}));
    let out = cli(&["--jsonl", "--field", "body"], input.as_bytes());
    assert!(out.status.success());
    let o: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cleaned = Cleaner::new().unwrap().clean(body).text;
    assert_ne!(cleaned, body, "the record has noise");
    assert_eq!(o["body"].as_str().unwrap(), cleaned);
    assert_eq!(o["text"].as_str().unwrap(), body);
    // Without the flag, a record with only `body` is bad.
    let out = cli(&["--jsonl"], b"{\"body\": \"x\"}\n");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn with_edits_adds_the_edit_records() {
    let input = many(1);
    let out = cli(&["--jsonl", "--with-edits"], input.as_bytes());
    assert!(out.status.success());
    let mut seen = 0;
    for (a, b) in input.lines().zip(String::from_utf8(out.stdout).unwrap().lines()) {
        let original: Value = serde_json::from_str(a).unwrap();
        let o: Value = serde_json::from_str(b).unwrap();
        let text = original["text"].as_str().unwrap();
        let edits = o["textsweep"].as_array().expect("every record gets the key");
        for e in edits {
            seen += 1;
            let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
            let mut want = vec!["category", "column", "end", "line", "reason", "rule", "start", "text"];
            want.sort();
            assert_eq!(keys, want);
            let (s, end) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
            assert_eq!(&text[s..end], e["text"].as_str().unwrap());
            let before = &text[..s];
            assert_eq!(e["line"].as_u64().unwrap() as usize, before.matches('\n').count() + 1);
            assert_eq!(e["column"].as_u64().unwrap() as usize, before.rsplit('\n').next().unwrap().chars().count() + 1);
            assert!(e["category"].as_str().unwrap().parse::<textsweep::Category>().is_ok());
        }
        // The text is the same as without --with-edits.
        assert_eq!(o["text"].as_str().unwrap(), Cleaner::new().unwrap().clean(text).text);
    }
    assert!(seen > 0);
}

#[test]
fn batch_flags_need_jsonl() {
    let out = cli(&["--skip-bad"], b"x");
    assert_eq!(out.status.code(), Some(2));
    let out = cli(&["--jsonl", "-j", "0"], b"");
    assert_eq!(out.status.code(), Some(2));
}

/// Found by the `jsonl` fuzz target: values the reader skips (other fields) were not checked for
/// raw control characters or invalid UTF-8, so such lines passed as records and were copied into
/// the output as invalid JSON. Both are bad lines now.
#[test]
fn lines_with_raw_control_characters_or_invalid_utf8_are_bad() {
    let good: &[u8] = b"{\"id\":\"a\",\"text\":\"Some text.\"}";
    let control: &[u8] = b"{\"id\":\"b\x01\",\"text\":\"x\"}";
    let invalid: &[u8] = b"{\"id\":\"c\xff\",\"text\":\"x\"}";
    assert!(batch::parse_record(good, "text").is_ok());
    assert!(batch::parse_record(control, "text").is_err());
    assert!(batch::parse_record(invalid, "text").is_err());
    let input = [good, control, invalid, b""].join(&b'\n');
    let out = cli(&["--jsonl"], &input);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin:2:"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(&["--jsonl", "--skip-bad"], &input);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, input, "bad lines pass through unchanged");
}

/// Found by the `jsonl` fuzz target: a number beyond f64 (`2.5e11113`) is valid JSON (the grammar
/// has no bound) that serde_json's `Value` refuses. The reader accepts the record and copies the
/// number through byte for byte while it cleans the text field.
#[test]
fn numbers_beyond_f64_in_other_fields_are_copied_unchanged() {
    let text: Value = serde_json::from_str(&noisy_line()).unwrap();
    let text = text["text"].as_str().unwrap();
    let line = format!("{{\"id\":\"n\",\"n\":[1,2.5e11113,-1e-99999],\"text\":{}}}\n", serde_json::to_string(text).unwrap());
    let rec = batch::parse_record(line.trim_end().as_bytes(), "text").expect("valid JSON is a record");
    assert_eq!(rec.text, text);
    let out = cli(&["--jsonl"], line.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.starts_with("{\"id\":\"n\",\"n\":[1,2.5e11113,-1e-99999],\"text\":"), "{out}");
    let cleaned = Cleaner::new().unwrap().clean(text).text;
    assert_ne!(cleaned, text, "the record is noisy, so the test sees the text field change");
    assert!(out.contains(&serde_json::to_string(&cleaned).unwrap()), "{out}");
}

/// Found by the `jsonl` fuzz target: a lone surrogate escape (`\uDDDD`) is allowed by JSON's
/// grammar and refused by serde_json's `Value`. In another field the reader copies it through
/// unchanged; in the cleaned field it cannot be text, so the line is bad (passed through with
/// `--skip-bad`).
#[test]
fn lone_surrogate_escapes_are_copied_in_other_fields_and_bad_in_the_text_field() {
    let other = "{\"id\":\"s\",\"note\":\"f\\uDDDD\",\"text\":\"Some text.\"}";
    let rec = batch::parse_record(other.as_bytes(), "text").expect("valid JSON is a record");
    assert_eq!(rec.text, "Some text.");
    let out = cli(&["--jsonl"], format!("{other}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, format!("{other}\n").as_bytes(), "copied byte for byte");
    let in_text = "{\"id\":\"t\",\"text\":\"a\\uDDDD b\"}";
    assert!(batch::parse_record(in_text.as_bytes(), "text").is_err());
    let out = cli(&["--jsonl", "--skip-bad"], format!("{in_text}\n").as_bytes());
    assert_eq!(out.stdout, format!("{in_text}\n").as_bytes());
}
