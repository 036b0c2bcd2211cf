//! The audit outputs, checked through the real binary and real tools.
//!
//! For every fixture (and CRLF, lone-CR and final-newline variants of each), the `--diff` output is
//! applied with GNU `patch -p1` and with `git apply` to a copy of the input, and the result must be
//! the cleaned standard output byte for byte; the `edit` records of `--report` are replayed on the
//! input and must give the same output. Nothing here hard-codes what the rules remove: expectations
//! come from the input, the binary's own output and the library.

use base64::Engine as _;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use textsweep::{Cleaner, Edit};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_textsweep"))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every input of the fixture tree: `*.input.txt`, `*.keep.txt` and `seed/input.txt`.
fn fixture_inputs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in fs::read_dir(fixtures_dir()).unwrap() {
        let dir = dir.unwrap().path();
        for f in fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with("input.txt") || name.ends_with(".keep.txt") {
                let rel = format!("{}/{}", dir.file_name().unwrap().to_string_lossy(), name);
                out.push((rel, fs::read_to_string(&f).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.iter().any(|(n, _)| n == "seed/input.txt"), "the seed page is among the fixtures");
    out
}

/// The input with every line ending replaced, and with the final newline toggled.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    let lf = text.replace("\r\n", "\n");
    let toggled = match lf.strip_suffix('\n') {
        Some(t) => t.to_string(),
        None => format!("{lf}\n"),
    };
    vec![("as-is", text.to_string()), ("crlf", lf.replace('\n', "\r\n")), ("cr", lf.replace('\n', "\r")), ("final-newline-toggled", toggled)]
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = bin().current_dir(dir).args(args).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn records(jsonl: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(jsonl).expect("the report is UTF-8");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// Applies `patch` to a copy of `original` at `dir/name` with `tool`, returns the patched bytes.
fn apply_with(tool: &str, scratch: &Path, name: &str, original: &[u8], patch: &[u8]) -> Vec<u8> {
    let dir = scratch.join(tool);
    let _ = fs::remove_dir_all(&dir);
    let file = dir.join(name);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, original).unwrap();
    fs::write(dir.join("the.patch"), patch).unwrap();
    let out = match tool {
        "patch" => Command::new("patch").current_dir(&dir).args(["-p1", "--batch", "--input", "the.patch"]).output(),
        _ => Command::new("git").current_dir(&dir).args(["apply", "-p1", "the.patch"]).env("GIT_CEILING_DIRECTORIES", scratch).output(),
    }
    .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    assert!(out.status.success(), "{tool} failed on {name}:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    fs::read(&file).unwrap_or_else(|e| panic!("{tool} left no {name}: {e}"))
}

/// Replays the `edit` records of `doc` on `input`, checking each against the input on the way.
fn replay(recs: &[Value], doc: &str, input: &str) -> String {
    let mut out = String::new();
    let mut pos = 0;
    for r in recs.iter().filter(|r| r["type"] == "edit" && r["doc"] == doc) {
        let (s, e) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        assert!(s >= pos && e > s, "{doc}: spans sorted and non-empty");
        assert_eq!(r["text"], input[s..e], "{doc}: `text` is the removed span");
        let before = &input[..s];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!((r["line"].as_u64().unwrap() as usize, r["column"].as_u64().unwrap() as usize), (line, column), "{doc}");
        assert_eq!(r["version"], 1);
        out.push_str(&input[pos..s]);
        pos = e;
    }
    out.push_str(&input[pos..]);
    out
}

/// Runs one document through the binary and checks its diff and report; returns whether it changed.
fn check_document(scratch: &Path, name: &str, input: &str) -> bool {
    let file = scratch.join(name);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, input).unwrap();
    let out = run_in(scratch, &["--diff", "out.diff", "--report", "out.jsonl", name]);
    let cleaned = out.stdout;
    let diff = fs::read(scratch.join("out.diff")).unwrap();
    if diff.is_empty() {
        assert_eq!(cleaned, input.as_bytes(), "{name}: no diff, so nothing may change");
    } else {
        for tool in ["patch", "git"] {
            let got = apply_with(tool, &scratch.join("apply"), name, input.as_bytes(), &diff);
            assert!(got == cleaned, "{name}: {tool} result differs from the cleaned output\n{}", String::from_utf8_lossy(&diff));
        }
    }
    let recs = records(&fs::read(scratch.join("out.jsonl")).unwrap());
    assert_eq!(replay(&recs, name, input).as_bytes(), cleaned, "{name}: replayed report");
    let kinds: Vec<&str> = recs.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"begin"));
    assert_eq!(&kinds[kinds.len() - 2..], ["end", "summary"]);
    let end = &recs[recs.len() - 2];
    assert_eq!(end["bytes_in"], input.len());
    assert_eq!(end["bytes_out"], cleaned.len());
    assert_eq!(end["edits"], kinds.iter().filter(|k| **k == "edit").count());
    !diff.is_empty()
}

#[test]
fn diff_applies_with_patch_and_git_and_report_replays_on_every_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let mut changed = 0;
    let mut total = 0;
    for (name, input) in fixture_inputs() {
        for (variant, text) in variants(&input) {
            total += 1;
            changed += usize::from(check_document(tmp.path(), &format!("{variant}/{name}"), &text));
        }
    }
    // The removing fixtures must have produced real diffs in every variant, or nothing was tested.
    let removing = fixture_inputs().iter().filter(|(n, _)| n.ends_with("input.txt")).count();
    assert!(changed >= removing * 3, "only {changed} of {total} documents changed");
}

#[test]
fn synthetic_edge_cases_round_trip() {
    let seed = fs::read_to_string(fixtures_dir().join("seed/input.txt")).unwrap();
    let form = "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n";
    let cases = [
        ("empty.txt", String::new()),
        ("whole.txt", form.to_string()),
        ("whole-no-newline.txt", form.trim_end().to_string()),
        ("whole-crlf.txt", form.replace('\n', "\r\n")),
        // a token removed in the middle of a line, first and last line of the file
        ("mid-line.txt", "Trump return to the White 추천 House, he could call for a hefty increase.".to_string()),
        ("mid-line-crlf.txt", "Intro line.\r\nTrump return to the White 추천 House, he said.\r\nLast line.\r\n".to_string()),
        ("start-and-end.txt", format!("{form}\n{seed}\n\n{form}")),
        ("mixed-endings.txt", format!("{}\r\n{}", seed.replace("\n\n", "\r\r\n"), form)),
        ("with space.txt", seed.clone()),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let cleaner = Cleaner::new().unwrap();
    for (name, text) in &cases {
        let changed = check_document(tmp.path(), name, text);
        assert_eq!(changed, !cleaner.clean(text).edits.is_empty(), "{name}");
    }
    // The cases do exercise what they are named for.
    assert!(cleaner.clean(form).text.is_empty(), "the comment form alone is removed entirely");
    let mid = &cases[4].1;
    assert!(cleaner.clean(mid).edits.iter().any(|e| e.start > 0 && e.end < mid.len() && !e.text.contains('\n')));
}

#[test]
fn several_documents_make_one_patch_and_one_report() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = fixture_inputs();
    let names: Vec<&str> = inputs.iter().map(|(n, _)| n.as_str()).collect();
    for (name, text) in &inputs {
        fs::create_dir_all(tmp.path().join(name).parent().unwrap()).unwrap();
        fs::write(tmp.path().join(name), text).unwrap();
    }
    let mut args = vec!["--diff", "all.diff", "--report", "all.jsonl"];
    args.extend(&names);
    let out = run_in(tmp.path(), &args);
    let cleaner = Cleaner::new().unwrap();
    let diff = fs::read(tmp.path().join("all.diff")).unwrap();
    for tool in ["patch", "git"] {
        let dir = tmp.path().join(tool);
        for (name, text) in &inputs {
            fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
            fs::write(dir.join(name), text).unwrap();
        }
        fs::write(dir.join("all.diff"), &diff).unwrap();
        let status = match tool {
            "patch" => Command::new("patch").current_dir(&dir).args(["-p1", "--batch", "--quiet", "--input", "all.diff"]).status(),
            _ => Command::new("git").current_dir(&dir).args(["apply", "all.diff"]).env("GIT_CEILING_DIRECTORIES", tmp.path()).status(),
        };
        assert!(status.unwrap().success(), "{tool}");
        let mut joined = Vec::new();
        for (name, text) in &inputs {
            let got = fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(got, cleaner.clean(text).text, "{tool}: {name}");
            joined.extend_from_slice(got.as_bytes());
        }
        assert_eq!(joined, out.stdout, "stdout is the cleaned texts in order");
    }
    let recs = records(&fs::read(tmp.path().join("all.jsonl")).unwrap());
    let begins: Vec<&str> = recs.iter().filter(|r| r["type"] == "begin").map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(begins, names);
    let summary = recs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(recs.iter().filter(|r| r["type"] == "summary").count(), 1);
    assert_eq!(summary["docs"], inputs.len());
    let edits: Vec<_> = inputs.iter().flat_map(|(_, t)| cleaner.clean(t).edits).collect();
    assert_eq!(summary["edits"], edits.len());
    for c in textsweep::Category::ALL {
        let n = edits.iter().filter(|e| e.category == *c).count();
        assert_eq!(summary["edits_by_category"].get(c.name()).and_then(Value::as_u64).unwrap_or(0) as usize, n, "{c}");
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_names_keep_the_report_valid_and_the_diff_applicable() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let raw = b"page-\xff\xfe.txt";
    let name = OsStr::from_bytes(raw);
    let seed = fs::read_to_string(fixtures_dir().join("seed/input.txt")).unwrap();
    fs::write(tmp.path().join(name), &seed).unwrap();
    let out = bin().current_dir(tmp.path()).arg("--report").arg("r.jsonl").arg("--diff").arg("d.diff").arg(name).output().unwrap();
    assert!(out.status.success());
    let recs = records(&fs::read(tmp.path().join("r.jsonl")).unwrap());
    for r in recs.iter().filter(|r| r["type"] != "summary") {
        let bytes = base64::engine::general_purpose::STANDARD.decode(r["doc_base64"].as_str().unwrap()).unwrap();
        assert_eq!(bytes, raw);
        assert_eq!(r["doc"], String::from_utf8_lossy(raw).as_ref());
    }
    let dir = tmp.path().join("p");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(name), &seed).unwrap();
    let st = Command::new("patch").current_dir(&dir).args(["-p1", "--batch", "--quiet", "--input"]).arg(tmp.path().join("d.diff")).status().unwrap();
    assert!(st.success());
    assert_eq!(fs::read(dir.join(name)).unwrap(), out.stdout);
}

/// A diff of `./sub/page.txt` or of an absolute path names the file as `git diff --no-index` does
/// (`a/sub/page.txt`, `a/tmp/…/page.txt`), so that `git apply` (which rejects `a/./…` and
/// `a//tmp/…`) and `patch -p1` take it; the report keeps the name as given.
#[test]
fn diff_headers_name_dotted_and_absolute_paths_as_git_does() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = fs::read(fixtures_dir().join("seed/input.txt")).unwrap();
    fs::create_dir(tmp.path().join("sub")).unwrap();
    fs::write(tmp.path().join("sub/page.txt"), &seed).unwrap();
    let abs = tmp.path().join("sub/page.txt");
    let abs = abs.to_str().unwrap();
    for (given, header) in [("./sub/page.txt", "sub/page.txt"), ("sub/./page.txt", "sub/page.txt"), (abs, abs.trim_start_matches('/'))] {
        let out = run_in(tmp.path(), &["--diff", "d.diff", "--report", "r.jsonl", given]);
        let patch = fs::read(tmp.path().join("d.diff")).unwrap();
        assert!(patch.starts_with(format!("--- a/{header}\n+++ b/{header}\n").as_bytes()), "{given}: {}", String::from_utf8_lossy(&patch));
        for tool in ["patch", "git"] {
            assert_eq!(apply_with(tool, tmp.path(), header, &seed, &patch), out.stdout, "{given}: {tool}");
        }
        assert_eq!(records(&fs::read(tmp.path().join("r.jsonl")).unwrap())[0]["doc"], given);
    }
}

/// With `--lossy`, a document that is not valid UTF-8 is in every audit output: the report's edits
/// (the `invalid_utf8` ones included) take the input to the output byte for byte, the diff applies
/// with both tools to the file as it is, and the summary counts it.
#[test]
fn lossy_documents_are_in_every_audit_output() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = fs::read(fixtures_dir().join("seed/input.txt")).unwrap();
    // Invalid bytes in a kept line, in a removed line and at the very end (no newline after).
    let mut input = b"caf\xe9 au lait \xf0\x9f\x98 ok\n\n".to_vec();
    input.extend_from_slice(&seed);
    input.extend_from_slice(b"\n\nShare on Facebook \xff\nShare on Twitter\n\xfe");
    fs::write(tmp.path().join("bad.txt"), &input).unwrap();
    let out = run_in(tmp.path(), &["--lossy", "--report", "r.jsonl", "--diff", "d.diff", "--summary", "bad.txt"]);
    let cleaned = out.stdout;
    assert!(cleaned.len() < input.len() - 3, "rules removed lines too");
    let recs = records(&fs::read(tmp.path().join("r.jsonl")).unwrap());
    let (mut kept, mut pos, mut invalid) = (Vec::new(), 0, 0);
    for r in recs.iter().filter(|r| r["type"] == "edit") {
        let (s, e) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        assert!(s >= pos && e > s);
        match std::str::from_utf8(&input[s..e]) {
            Ok(t) => assert_eq!(r["text"], t),
            Err(_) => {
                assert_eq!(r["category"], "invalid_utf8");
                invalid += 1;
            }
        }
        let line = input[..s].iter().filter(|&&b| b == b'\n').count() + 1;
        assert_eq!(r["line"].as_u64().unwrap() as usize, line);
        kept.extend_from_slice(&input[pos..s]);
        pos = e;
    }
    kept.extend_from_slice(&input[pos..]);
    assert_eq!(kept, cleaned, "the report's edits take the input to the output");
    assert_eq!(invalid, 4);
    let end = recs.iter().find(|r| r["type"] == "end").unwrap();
    assert_eq!((end["bytes_in"].as_u64().unwrap() as usize, end["bytes_out"].as_u64().unwrap() as usize), (input.len(), cleaned.len()));
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(summary.contains("1 document, 1 changed"), "{summary}");
    let patch = fs::read(tmp.path().join("d.diff")).unwrap();
    for tool in ["patch", "git"] {
        assert_eq!(apply_with(tool, tmp.path(), "bad.txt", &input, &patch), cleaned, "{tool}");
    }
}

#[test]
fn check_writes_nothing_and_exits_1_only_with_findings() {
    let seed = fixtures_dir().join("seed/input.txt");
    let keep = fixture_inputs().into_iter().find(|(n, _)| n.ends_with(".keep.txt")).unwrap().0;
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("r.jsonl");
    let out = bin().arg("--check").arg("--report").arg(&report).arg(&seed).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(records(&fs::read(&report).unwrap()).iter().any(|r| r["type"] == "edit"), "--check still writes the report");
    let out = bin().arg("--check").arg(fixtures_dir().join(keep)).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = bin().args(["--check", "--no-default-rules", "--rules", "/no/such/file.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn summary_counts_per_category_and_rule() {
    let seed = fs::read_to_string(fixtures_dir().join("seed/input.txt")).unwrap();
    let out = bin().arg("--summary").arg(fixtures_dir().join("seed/input.txt")).output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stderr).unwrap();
    let edits = Cleaner::new().unwrap().clean(&seed).edits;
    assert!(!edits.is_empty());
    for e in &edits {
        for key in [e.category.name(), &e.rule] {
            let n: Vec<&Edit> = edits.iter().filter(|x| x.category.name() == key || &*x.rule == key).collect();
            let bytes: usize = n.iter().map(|x| x.end - x.start).sum();
            let row = table.lines().find(|l| l.split_whitespace().next() == Some(key)).unwrap_or_else(|| panic!("no row {key}:\n{table}"));
            assert_eq!(row.split_whitespace().skip(1).collect::<Vec<_>>(), [n.len().to_string(), bytes.to_string()], "{table}");
        }
    }
    let removed: usize = edits.iter().map(|e| e.end - e.start).sum();
    assert!(table.contains(&format!("{removed} of {} bytes removed", seed.len())), "{table}");
}

#[test]
fn html_is_self_contained_and_marks_every_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("r.html");
    let inputs = [fixtures_dir().join("seed/input.txt"), fixtures_dir().join("foreign-widget-token/hangul-in-english.input.txt")];
    let out = bin().arg("--html").arg(&page).args(&inputs).output().unwrap();
    assert!(out.status.success());
    let html = fs::read_to_string(&page).unwrap();
    for banned in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert_eq!(html.matches("<section>").count(), inputs.len());
    let cleaner = Cleaner::new().unwrap();
    let mut total = 0;
    for p in &inputs {
        for e in cleaner.clean(&fs::read_to_string(p).unwrap()).edits {
            total += 1;
            assert!(html.contains(&format!("<del class=\"c-{}\" title=\"{} ({}): ", e.category, e.rule, e.category)), "{}", e.rule);
            assert!(html.contains(&format!("<tr><td><span class=\"sw c-{}\"></span>{}</td>", e.category, e.category)));
        }
    }
    assert_eq!(html.matches("<del ").count(), total);
}

#[test]
fn list_rules_and_explain_cover_every_rule() {
    let cleaner = Cleaner::builder().examples(true).build().unwrap();
    let table = String::from_utf8(bin().arg("--list-rules").output().unwrap().stdout).unwrap();
    let json = bin().args(["--list-rules", "--json"]).output().unwrap();
    assert!(json.status.success());
    let recs = records(&json.stdout);
    assert_eq!(recs.len(), cleaner.rules().len());
    // The README's count of the default rules is this one.
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let said = format!("`textsweep --list-rules` lists the {} default rules", recs.len());
    assert!(readme.contains(&said), "README should say: {said}");
    for (r, rec) in cleaner.rules().iter().zip(&recs) {
        assert!(table.lines().any(|l| l.starts_with(&format!("{} ", r.id)) && l.contains(r.category.name())), "{table}");
        assert_eq!(rec["id"], &*r.id);
        assert_eq!(rec["kind"], r.kind_name());
        assert_eq!(rec["category"], r.category.name());
        assert_eq!(rec["examples"], r.examples.len());
        let out = bin().args(["--explain", &r.id]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(&r.description));
        assert!(text.contains(&format!("kind:      {}", r.kind_name())));
        assert!(text.contains(&format!("{}:{}", r.source.path, r.source.line)));
        for (ex, src) in &r.examples {
            assert!(text.contains(&format!("{}:{}", src.path, src.line)));
            assert!(text.contains(&format!("{:?}", ex.input)));
        }
    }
    let out = bin().args(["--explain", "no-such-rule"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(bin().arg("--json").output().unwrap().status.code(), Some(2), "--json needs --list-rules");
}

#[test]
fn test_rules_reports_failing_user_examples_with_file_and_line() {
    let cleaner = Cleaner::builder().examples(true).build().unwrap();
    let (ran, _) = textsweep::check_examples(cleaner.rules()).unwrap();
    let out = bin().arg("--test-rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains(&format!("{ran} passed, 0 failed")));

    let tmp = tempfile::tempdir().unwrap();
    let rules = "[[rule]]\nid = \"my-ad\"\nkind = \"phrase\"\ncategory = \"advertisement\"\ndescription = \"Ad labels.\"\n\
                 phrases.en = [\"Advertisement\"]\n\n[[rule.example]]\ninput = \"Text.\\nAdvertisement\\n\"\noutput = \"Text.\\n\"\n\n\
                 [[rule.example]]\ninput = \"Text.\\nAdvertisement\\n\"\n";
    let file = tmp.path().join("mine.toml");
    fs::write(&file, rules).unwrap();
    // The second example claims the ad line stays: it fails, at the line of its table.
    let line = rules.lines().enumerate().filter(|(_, l)| *l == "[[rule.example]]").nth(1).unwrap().0 + 1;
    let out = bin().arg("--test-rules").arg("--rules").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("FAIL {}:{line}: example of rule my-ad", file.display())), "{text}");
    assert!(text.contains(&format!("{} passed, 1 failed", ran + 1)), "{text}");
    let out = bin().arg("--test-rules").arg("--no-default-rules").arg("--rules").arg(&file).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("1 passed, 1 failed"));
}

#[test]
fn readme_shows_real_output_of_the_commands_it_shows() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let prompt = "```console\n$ cargo run --release -q -- ";
    let mut shown = 0;
    for block in readme.split(prompt).skip(1) {
        let (command, rest) = block.split_once('\n').unwrap();
        let expected = &rest[..rest.find("```").unwrap()];
        let (args, only_stderr) = match command.strip_suffix(" > /dev/null") {
            Some(a) => (a, true),
            None => (command, false),
        };
        let out = bin().current_dir(env!("CARGO_MANIFEST_DIR")).args(args.split_whitespace()).output().unwrap();
        let mut got = if only_stderr { Vec::new() } else { out.stdout };
        got.extend_from_slice(&out.stderr);
        assert_eq!(String::from_utf8(got).unwrap(), expected, "README output of `{command}` is stale; rerun it and paste");
        shown += 1;
    }
    assert!(shown >= 2, "the README shows a report and a diff");
    assert!(readme.contains("](docs/html-report.png)"));
    let png = fs::metadata(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/html-report.png")).unwrap();
    assert!(png.len() < 300 * 1024, "keep the screenshot small");
}

/// A small deterministic generator (xorshift), so that the random cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_deletions_render_diffs_that_patch_and_git_apply_exactly() {
    use std::sync::Arc;
    use textsweep::report::{diff::write_diff, jsonl::write_document, Doc};
    let pieces = ["a", "bc", "é", "추천", " ", "\n", "\n", "\r\n", "\r", "\n\n", "word "];
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut applied = 0;
    for case in 0..200 {
        let text: String = (0..rng.below(60)).map(|_| pieces[rng.below(pieces.len())]).collect();
        let mut cuts: Vec<usize> = (0..rng.below(8) * 2).map(|_| rng.below(text.len() + 1)).filter(|&i| text.is_char_boundary(i)).collect();
        cuts.sort();
        cuts.dedup();
        let edits: Vec<Edit> = cuts
            .chunks_exact(2)
            .enumerate()
            .map(|(i, c)| Edit {
                rule: Arc::from(format!("rule-{}", i % 3)),
                category: textsweep::Category::ALL[(case + i) % textsweep::Category::ALL.len()],
                start: c[0],
                end: c[1],
                text: text[c[0]..c[1]].to_string(),
                reason: "random".into(),
            })
            .collect();
        let expected = textsweep::apply(&text, &edits);
        let doc = Doc::new(b"doc.txt", &text, &edits);
        let mut diff = Vec::new();
        write_diff(&mut diff, &doc).unwrap();
        let mut report = Vec::new();
        write_document(&mut report, &doc).unwrap();
        assert_eq!(replay(&records(&report), "doc.txt", &text), expected, "case {case}: {text:?} {edits:?}");
        if edits.is_empty() {
            assert!(diff.is_empty());
            continue;
        }
        applied += 1;
        for tool in ["patch", "git"] {
            let got = apply_with(tool, tmp.path(), "doc.txt", text.as_bytes(), &diff);
            assert!(got == expected.as_bytes(), "case {case}, {tool}: {text:?} {edits:?}\n{}", String::from_utf8_lossy(&diff));
        }
    }
    assert!(applied > 100, "only {applied} cases had edits");
}

/// A page that is one boilerplate line after another (a share bar, a cookie prompt, a newsletter
/// prompt, repeated) and a few words of text, long enough for the removal cap to apply.
fn mostly_boilerplate() -> String {
    let mut s = String::new();
    for _ in 0..30 {
        s.push_str("Share on Facebook\nShare on Twitter\nSubscribe to our newsletter\nAdvertisement\n");
    }
    s.push_str("The end.\n");
    s
}

#[test]
fn removal_cap_leaves_the_document_unchanged_and_the_report_says_why() {
    let text = mostly_boilerplate();
    let uncapped = Cleaner::builder().max_removed_share(1.0).build().unwrap().clean(&text);
    assert!(uncapped.held.is_none());
    let solid = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
    let share = uncapped.edits.iter().map(|e| solid(&e.text)).sum::<usize>() as f64 / solid(&text) as f64;
    assert!(share > textsweep::DEFAULT_MAX_REMOVED_SHARE, "the rules remove {share} of the page");

    let capped = Cleaner::new().unwrap().clean(&text);
    assert_eq!(capped.text, text, "held: the output is the input");
    assert!(capped.edits.is_empty());
    let held = capped.held.expect("the guard says why");
    assert_eq!(held.proposed_edits, uncapped.edits.len());
    assert_eq!(held.of, solid(&text));
    assert!(held.reason().contains("cap"), "{}", held.reason());

    // A lower cap with the uncapped share above it also holds; one above it does not.
    let c = Cleaner::builder().max_removed_share(share - 0.01).build().unwrap();
    assert!(c.clean(&text).held.is_some());
    let c = Cleaner::builder().max_removed_share((share + 0.01).min(1.0)).build().unwrap();
    assert_eq!(c.clean(&text), uncapped);

    // The CLI: unchanged output, the `end` record carries the guard, the summary counts it.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("page.txt"), &text).unwrap();
    let out = run_in(dir.path(), &["--report", "r.jsonl", "page.txt"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, text.as_bytes());
    let recs = records(&fs::read(dir.path().join("r.jsonl")).unwrap());
    let end = recs.iter().find(|r| r["type"] == "end").unwrap();
    assert_eq!(end["held"]["guard"], "max_removed_share");
    assert_eq!(end["held"]["proposed_edits"], uncapped.edits.len());
    assert_eq!(recs.last().unwrap()["docs_held"], 1);
    let out = run_in(dir.path(), &["--max-removed-share", "1", "page.txt"]);
    assert_eq!(out.stdout, uncapped.text.as_bytes());
}

#[test]
fn removal_cap_spares_short_documents() {
    let text = "Share on Facebook\nShare on Twitter\nSubscribe to our newsletter\n";
    assert!(text.len() < textsweep::GUARD_MIN_CHARS);
    let c = Cleaner::new().unwrap().clean(text);
    assert!(c.held.is_none());
    assert!(!c.edits.is_empty(), "a short page of boilerplate goes whole: {:?}", c.text);
}
