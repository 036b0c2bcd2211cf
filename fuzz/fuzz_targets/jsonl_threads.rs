//! The multi-threaded batch path on arbitrary bytes as JSON Lines. The first four bytes choose the
//! run: 2-4 threads, a window of 1-5 chunks or the default, chunks and reads of a few bytes (so
//! that a small input makes many chunks, through the hidden `Options::read_bytes`), `with_edits`,
//! `keep_docs`, and a read error in the last input; the rest is cut at each `0xFF` byte into
//! inputs `in0`, `in1`, ... For `skip_bad` false and true, the run on several threads must write
//! the same bytes, end with the same result (summary or error) and tell the observer the same
//! things in the same order as the run on one thread. With `skip_bad`, every line the inputs
//! hold (before the read error) is written, bad lines unchanged and records cleaned as alone
//! ([`invariants::check_batch`]); without it, a bad line stops the run with its input, line
//! number and reason, after exactly the lines before it. A hang is left to libFuzzer's `-timeout`.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use std::io::{self, Cursor, Read};
use std::sync::OnceLock;
use textsweep::batch::{self, BadLine, BatchError, Doc, Input, Observer, Options, Summary};
use textsweep::Cleaner;

fn cleaner() -> &'static Cleaner {
    static C: OnceLock<Cleaner> = OnceLock::new();
    C.get_or_init(|| Cleaner::new().expect("default rules build"))
}

/// Everything the observer is told, in order.
#[derive(Default)]
struct Log(Vec<String>);

impl Observer for Log {
    fn record(&mut self, doc: &Doc) {
        self.0.push(format!("record {doc:?}"));
    }
    fn bad_line(&mut self, bad: &BadLine) {
        self.0.push(format!("bad {bad:?}"));
    }
    fn progress(&mut self, bytes_in: u64) {
        self.0.push(format!("progress {bytes_in}"));
    }
}

/// Gives the bytes before `at`, then fails every read.
struct FailsAt {
    data: Cursor<Vec<u8>>,
    at: u64,
}

impl Read for FailsAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.at.saturating_sub(self.data.position()) as usize;
        if left == 0 {
            return Err(io::Error::other("the fuzz input fails here"));
        }
        let n = buf.len().min(left);
        self.data.read(&mut buf[..n])
    }
}

/// What a run gave: its output, its result (the error's `Debug`) and its observer's log.
type Outcome = (Vec<u8>, Result<Summary, String>, Vec<String>);

fn blank(line: &[u8]) -> bool {
    line.iter().all(|b| b" \t\r\n".contains(b))
}

fuzz_target!(|data: &[u8]| {
    let Some((&[a, b, c, d], rest)) = data.split_first_chunk::<4>() else { return };
    let threads = 2 + usize::from(a % 3);
    let window = usize::from(a / 3 % 6);
    let chunk_bytes = 1 + usize::from(b) * 8;
    let read_bytes = if c == 0xFF { 64 << 10 } else { 1 + usize::from(c) };
    let fail_at = (d & 0x80 != 0).then_some(usize::from(d & 0x1F) * 128);
    let (with_edits, keep_docs) = (d & 0x40 != 0, d & 0x20 != 0);
    let parts: Vec<&[u8]> = rest.split(|&b| b == 0xFF).collect();
    let last = parts.len() - 1;
    // The read error falls inside the last input (at its end at the latest).
    let fail_at = fail_at.map(|at| at.min(parts[last].len()));

    let run = |threads: usize, skip_bad: bool| -> Outcome {
        let opts = Options { threads, skip_bad, chunk_bytes, window, read_bytes, with_edits, keep_docs, ..Options::default() };
        let inputs = parts
            .iter()
            .enumerate()
            .map(|(k, p)| match fail_at {
                Some(at) if k == last => Input::reader(format!("in{k}"), FailsAt { data: Cursor::new(p.to_vec()), at: at as u64 }),
                _ => Input::reader(format!("in{k}"), Cursor::new(p.to_vec())),
            })
            .collect();
        let (mut out, mut log) = (Vec::new(), Log::default());
        let r = batch::run(cleaner(), &opts, inputs, &mut out, &mut log).map_err(|e| format!("{e:?}"));
        (out, r, log.0)
    };
    let mut outcomes = Vec::new();
    for skip_bad in [false, true] {
        let one = run(1, skip_bad);
        let many = run(threads, skip_bad);
        let what = format!("{threads} threads, window {window}, chunks of {chunk_bytes}, reads of {read_bytes}, skip_bad {skip_bad}");
        assert_eq!(many.1, one.1, "{what}: the result differs from one thread's");
        assert!(many.0 == one.0, "{what}: the output differs from one thread's:\n{:?}\n{:?}", String::from_utf8_lossy(&many.0), String::from_utf8_lossy(&one.0));
        assert_eq!(many.2, one.2, "{what}: the observer is told other things than on one thread");
        outcomes.push(many);
    }
    let [(strict_out, strict_r, _), (skip_out, skip_r, _)] = <[Outcome; 2]>::try_from(outcomes).ok().expect("two outcomes");

    // The lines the inputs give (a failing input only its whole lines before the error), each
    // with its input and line number.
    let mut lines: Vec<(usize, u64, &[u8])> = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let part = match fail_at {
            Some(at) if k == last => &part[..part[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)],
            _ => part,
        };
        for (n, line) in part.split_inclusive(|&b| b == b'\n').enumerate() {
            lines.push((k, n as u64 + 1, line.strip_suffix(b"\n").unwrap_or(line)));
        }
    }
    let bad = |line: &[u8]| !blank(line) && batch::parse_record(line, "text").is_err();

    // With `skip_bad`: every line, records cleaned as alone, the counts, the read error.
    let joined: Vec<u8> = lines.iter().flat_map(|(_, _, l)| l.iter().copied().chain([b'\n'])).collect();
    if let Err(e) = invariants::check_batch(cleaner(), &joined, &skip_out) {
        panic!("skip_bad: {e}");
    }
    assert_eq!(skip_out.iter().filter(|&&b| b == b'\n').count(), lines.len(), "skip_bad: one output line per input line");
    match (&skip_r, fail_at) {
        (Ok(s), None) => {
            let bad_lines = lines.iter().filter(|(_, _, l)| bad(l)).count() as u64;
            let blank_lines = lines.iter().filter(|(_, _, l)| blank(l)).count() as u64;
            assert_eq!((s.bad_lines, s.blank_lines, s.records), (bad_lines, blank_lines, lines.len() as u64 - bad_lines - blank_lines), "skip_bad: the summary's counts");
            assert_eq!(s.bytes_in, rest.len() as u64 - last as u64, "skip_bad: the summary's bytes read");
        }
        (Err(e), Some(_)) => assert!(e.starts_with("Input {"), "skip_bad: a read error ends the run with it: {e}"),
        _ => panic!("skip_bad: {skip_r:?} with a read error at {fail_at:?}"),
    }

    // Without: the first bad line stops the run, after exactly the lines before it.
    match lines.iter().position(|(_, _, l)| bad(l)) {
        Some(i) => {
            let (k, n, line) = lines[i];
            let reason = batch::parse_record(line, "text").unwrap_err();
            let want = format!("{:?}", BatchError::Bad(BadLine { file: format!("in{k}"), line: n, reason }));
            assert_eq!(strict_r, Err(want), "the first bad line stops the run");
            let before: usize = skip_out.split_inclusive(|&b| b == b'\n').take(i).map(<[u8]>::len).sum();
            assert!(strict_out == skip_out[..before], "a bad line at {i}: what is written is not the lines before it");
        }
        None => {
            assert!(strict_out == skip_out, "without a bad line, skip_bad writes the same");
            assert_eq!(strict_r, skip_r, "without a bad line, skip_bad ends the same");
        }
    }
});
