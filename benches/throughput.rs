//! Batch throughput on real text: `cargo bench --bench throughput [-- OPTIONS]`.
//!
//! Builds `{"id","text"}` JSON Lines from the shared data sets (read at run time, never copied
//! into the repository), repeats each set in memory to at least `--min-mb` MB (200 by default, so
//! start-up does not count), and runs the batch pipeline (parse, clean, splice, write to a sink)
//! with one thread and with all threads, printing MB/s of input JSONL and docs/s. It also prints
//! the time to compile the default rules. Timing is printed, never asserted.
//!
//! Options: `--data DIR` (default `../shared/data` beside the project), `--min-mb N`,
//! `--threads 1,2` (default: 1 and all cores), `--sets trafilatura,inscriptis,synth`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use textsweep::batch::{self, Input, Options};
use textsweep::Cleaner;

const USAGE: &str = "usage: cargo bench --bench throughput [-- [--data DIR] [--min-mb N] [--threads 1,2] [--sets trafilatura,inscriptis,synth]]";

struct Args {
    data: PathBuf,
    min_mb: f64,
    threads: Vec<usize>,
    sets: Vec<String>,
}

fn parse_args() -> Args {
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut a = Args {
        data: Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        min_mb: 200.0,
        threads: if all > 1 { vec![1, all] } else { vec![1] },
        sets: vec!["trafilatura".into(), "inscriptis".into(), "synth".into()],
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--data" => a.data = PathBuf::from(val()),
            "--min-mb" => a.min_mb = val().parse().expect("--min-mb N"),
            "--threads" => a.threads = val().split(',').map(|t| t.parse().expect("--threads 1,2")).collect(),
            "--sets" => a.sets = val().split(',').map(String::from).collect(),
            "--bench" => {} // passed by `cargo bench`
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => {
                eprintln!("throughput: unknown option {other}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    a
}

/// The lines of a JSONL file, gunzipped with the system's `gzip` when the name ends in `.gz`.
fn read_lines(path: &Path) -> Vec<String> {
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let out = Command::new("gzip")
            .arg("-dc")
            .arg(path)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("running gzip for {}: {e}", path.display()));
        assert!(out.status.success(), "gzip -dc {} failed", path.display());
        out.stdout
    } else {
        std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    String::from_utf8(bytes).expect("UTF-8 JSONL").lines().map(String::from).collect()
}

/// `{"id","text"}` lines of one data set, repeated to at least `min_mb` MB.
fn build_set(data: &Path, set: &str, min_mb: f64) -> Option<(Vec<u8>, usize)> {
    let path = match set {
        "synth" => data.join("synth/public_inputs.jsonl"),
        name => data.join(format!("realpages/{name}.jsonl.gz")),
    };
    if !path.exists() {
        eprintln!("skipping {set}: {} not found (pass --data DIR)", path.display());
        return None;
    }
    let records: Vec<(String, String)> = read_lines(&path)
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON record");
            (v["id"].to_string(), v["text"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let mut out = Vec::new();
    let mut docs = 0;
    let mut copy = 0;
    while (out.len() as f64) < min_mb * 1e6 {
        for (id, text) in &records {
            let line = serde_json::json!({"id": format!("{}#{copy}", id.trim_matches('"')), "text": text});
            serde_json::to_writer(&mut out, &line).expect("writing to a Vec");
            out.push(b'\n');
            docs += 1;
        }
        copy += 1;
    }
    Some((out, docs))
}

fn main() {
    let args = parse_args();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    println!("machine: {} cores, {cpu}", std::thread::available_parallelism().map_or(1, |n| n.get()));

    let mut best = f64::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        let c = Cleaner::new().expect("default rules");
        best = best.min(t.elapsed().as_secs_f64());
        drop(c);
    }
    println!("rules compile: {:.1} ms (best of 20)", best * 1e3);
    // The cue automata of scripts other than ASCII are built when a document first needs them:
    // the first document in accented Latin, Cyrillic, Hangul, … pays for its script's automaton.
    // Measured as the first cleaning of one line in every script, less the same on a warm cleaner.
    let every_script = "Mise à jour: café. Обновлено. 기사입력. 更新日時. आज. วันนี้. ελληνικά. تحديث\n";
    let (mut first, mut warm) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let c = Cleaner::new().expect("default rules");
        let t = Instant::now();
        c.edits(every_script);
        first = first.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        c.edits(every_script);
        warm = warm.min(t.elapsed().as_secs_f64());
    }
    println!("script cue automata (the Latin table, the other groups' compact automata), built on first use: {:.1} ms in all (best of 5)", (first - warm) * 1e3);

    let cleaner = Cleaner::new().expect("default rules");
    println!("{:<12} {:>8} {:>8} {:>8} {:>10} {:>10}", "set", "MB", "threads", "seconds", "MB/s", "docs/s");
    for set in &args.sets {
        let Some((data, docs)) = build_set(&args.data, set, args.min_mb) else { continue };
        let mb = data.len() as f64 / 1e6;
        for &threads in &args.threads {
            let opts = Options { threads, ..Options::default() };
            let input = Input::reader(set.clone(), std::io::Cursor::new(data.clone()));
            let mut sink = std::io::sink();
            let t = Instant::now();
            let summary = batch::run(&cleaner, &opts, vec![input], &mut sink, &mut ()).expect("the batch runs");
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(summary.records as usize, docs);
            println!("{set:<12} {mb:>8.0} {threads:>8} {secs:>8.2} {:>10.1} {:>10.0}", mb / secs, docs as f64 / secs);
        }
    }
}
