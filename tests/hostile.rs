//! Hostile input, end to end through the `textsweep` binary (and the library where the CLI only
//! passes it through). Each test states the documented behaviour (README, "Guarantees").

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use textsweep::{Category, Cleaner};

const BIN: &str = env!("CARGO_BIN_EXE_textsweep");

/// A fresh scratch folder for one test, removed with everything in it when the test ends (passed
/// or failed: a panic unwinds through the drop).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let d = std::env::temp_dir().join(format!("textsweep-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Scratch(d)
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut i = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = i.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn cleaner() -> Cleaner {
    Cleaner::new().unwrap()
}

const PROSE: &str = "Talks resumed in Seoul on Monday, officials said.";
const BOILER: &str = "Leave a Reply";

#[test]
fn invalid_utf8_fails_with_exit_2_and_the_byte_offset() {
    let good = format!("{PROSE}\n");
    let mut input = good.clone().into_bytes();
    input.extend_from_slice(b"caf\xe9 au lait\n");
    let at = good.len() + 3;
    let o = run(&[], &input);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("stdin: invalid UTF-8 at byte {at}")), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing of a rejected input is written");
}

#[test]
fn lossy_deletes_invalid_sequences_and_reports_them() {
    let mut input = format!("{PROSE}\n").into_bytes();
    let bad1 = input.len() + 3;
    input.extend_from_slice(b"caf\xe9 au lait \xf0\x9f\x98 ok\n\n");
    let bad2 = input.len() - " ok\n\n".len() - 3;
    input.extend_from_slice(format!("{BOILER}\n").as_bytes());
    // The CLI writes the input minus every invalid byte and the removed boilerplate line.
    let o = run(&["--lossy"], &input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = format!("{PROSE}\ncaf au lait  ok\n");
    assert_eq!(String::from_utf8(o.stdout).unwrap(), expected);
    // The library reports each invalid run as an `invalid_utf8` edit at its original offset.
    let c = cleaner().clean_lossy(&input);
    assert_eq!(textsweep::apply_bytes(&input, &c.edits), c.text.as_bytes());
    let bad: Vec<(usize, usize)> = c.edits.iter().filter(|e| e.category == Category::InvalidUtf8).map(|e| (e.start, e.end)).collect();
    assert_eq!(bad, [(bad1, bad1 + 1), (bad2, bad2 + 3)]);
    assert!(c.edits.iter().any(|e| e.category == Category::CommentForm));
    assert!(c.edits.iter().all(|e| e.category == Category::InvalidUtf8 || input[e.start..e.end] == *e.text.as_bytes()));
}

#[test]
fn nul_bytes_are_ordinary_characters() {
    let kept = format!("{PROSE}\0 more\0\n\n\0\0\n\nNUL\0inside a\0 word.\n");
    let input = format!("{kept}\n{BOILER}\n");
    let c = cleaner().clean(&input);
    assert_eq!(c.text, kept, "NULs are kept; the boilerplate line goes");
    let o = run(&[], input.as_bytes());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(o.stdout, c.text.as_bytes());
}

#[test]
fn a_leading_bom_is_kept_even_when_the_first_line_goes() {
    let body = format!("{BOILER}\n\n{PROSE}\n");
    let input = format!("\u{FEFF}{body}");
    let c = cleaner().clean(&input);
    let plain = cleaner().clean(&body);
    assert!(!plain.edits.is_empty(), "the first line is boilerplate");
    assert_eq!(c.text, format!("\u{FEFF}{}", plain.text));
    assert!(c.edits.iter().all(|e| e.start >= 3));
    assert_eq!(textsweep::apply(&input, &c.edits), c.text);
}

#[test]
fn crlf_and_lone_cr_endings_are_kept_as_they_are() {
    let lf = format!("{PROSE}\n\n{BOILER}\nYour email address will not be published.\n\n{PROSE}\n{PROSE} (AP Photo/Jane Roe)\n");
    let want = cleaner().clean(&lf).text;
    assert_ne!(want, lf, "the sample has boilerplate");
    for eol in ["\r\n", "\r"] {
        let input = lf.replace('\n', eol);
        let got = cleaner().clean(&input).text;
        assert_eq!(got, want.replace('\n', eol), "with {eol:?} endings");
    }
}

#[test]
fn empty_and_whitespace_only_input_pass_through() {
    for input in ["", " ", "\n", "\r\n\r\n", " \t \n\n  \r ", "\u{3000}\u{A0}\n"] {
        let c = cleaner().clean(input);
        assert_eq!(c.text, input);
        assert!(c.edits.is_empty());
        let o = run(&[], input.as_bytes());
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(o.stdout, input.as_bytes());
    }
}

#[test]
fn a_long_single_line_is_kept_whole() {
    // 2 MB of prose on one line (the 10 and 100 MB runs are in `benches/hostile.rs`).
    let line = "정부는 오늘 서울에서 회담을 재개한다고 밝혔다, talks resumed on Monday, officials said ".repeat(20_000);
    let c = cleaner().clean(&line);
    assert_eq!(c.text, line);
    let credits = "Photo: Jane Roe and Photo: John Doe, ".repeat(50_000);
    let c = cleaner().clean(&credits);
    assert_eq!(textsweep::apply(&credits, &c.edits), c.text);
}

#[test]
fn one_boilerplate_line_repeated_is_removed_entirely() {
    let n = 100_000;
    let input = format!("{PROSE}\n{}", format!("{BOILER}\n").repeat(n));
    // By default the removal cap holds such a page back (more than 95% would go) and says so.
    let held = cleaner().clean(&input);
    assert_eq!(held.text, input);
    let uncapped = Cleaner::builder().max_removed_share(1.0).build().unwrap();
    let c = uncapped.clean(&input);
    assert_eq!(held.held.as_ref().map(|h| h.proposed_edits), Some(c.edits.len()));
    assert_eq!(c.text, format!("{PROSE}\n"));
    assert!(!c.edits.is_empty());
}

/// A page of nothing but "Comments" headings between prose lines: each heading may open a thread
/// that runs to the end, and the position prior of each is judged in the output of the others.
/// That judgement is one linear walk per round, in a bounded number of rounds (it had scanned the
/// document once per heading). The result still cleans to itself.
#[test]
fn many_thread_headings_are_judged_in_bounded_work() {
    let input = format!("{PROSE}\nComments\n").repeat(30_000);
    let c = cleaner().clean(&input);
    assert_eq!(textsweep::apply(&input, &c.edits), c.text);
    assert_eq!(cleaner().clean(&c.text).text, c.text);
}

#[test]
fn a_huge_number_of_edits_is_reported_exactly() {
    // Each unit: a long line losing its trailing credit, a boilerplate line between prose.
    let long = "Long prose that ends in an agency credit, ".repeat(8);
    let unit = format!("{long}. Yonhap\n{PROSE}\n{BOILER}\n{PROSE}\n");
    let n = 20_000;
    let input = unit.repeat(n);
    let c = cleaner().clean(&input);
    assert_eq!(c.edits.len(), 2 * n);
    assert_eq!(c.text, format!("{long}.\n{PROSE}\n{PROSE}\n").repeat(n));
}

fn rule(id: &str, body: &str) -> String {
    format!("[[rule]]\nid = \"{id}\"\nkind = \"pattern\"\ncategory = \"comment_thread\"\ndescription = \"d\"\n{body}\n")
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn pathological_user_regexes_run_in_linear_time() {
    // Backtracking engines take exponential time on these; the `regex` crate is linear.
    let rules = rule("evil", "patterns.en = ['(a*)*b', '(a|aa)+c', '(x+x+)+y']\nmax_chars = 10000000");
    // The cap off: the last input is all one matching line.
    let cleaner = Cleaner::builder().rules_str("evil.toml", rules).max_removed_share(1.0).build().unwrap();
    let input = format!("{PROSE}\n{}\n{}\n", "a".repeat(1 << 20), "x".repeat(1 << 20));
    let c = cleaner.clean(&input);
    assert_eq!(c.text, input, "no line matches");
    let input = format!("{PROSE}\n{}b\n", "a".repeat(100_000));
    assert_eq!(cleaner.clean(&input).text, format!("{PROSE}\n"));
}

#[test]
fn oversized_user_regexes_are_rejected_with_a_location() {
    let dir = scratch("big-regex");
    let text = rule("huge", r"patterns.en = ['\w{1000}{1000}']");
    let path = dir.join("big.toml");
    std::fs::write(&path, &text).unwrap();
    let o = run(&["--rules", path.to_str().unwrap()], PROSE.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    let want = format!("{}:{}:", path.display(), line_of(&text, "patterns.en"));
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    assert!(stderr(&o).contains("too big"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // So is a neighbour guard's, at its table.
    let text = rule("huge-guard", r"patterns.en = ['x']
not_next_to.en = ['\w{1000}{1000}']");
    std::fs::write(&path, &text).unwrap();
    let o = run(&["--rules", path.to_str().unwrap()], PROSE.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    let want = format!("{}:{}:", path.display(), line_of(&text, "not_next_to.en"));
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    assert!(stderr(&o).contains("not_next_to") && stderr(&o).contains("exceeds size limit"), "{}", stderr(&o));
}

#[test]
fn bad_rule_files_fail_with_path_line_col() {
    let dir = scratch("bad-rules");
    let unknown = format!("{}colour = \"red\"\n", rule("a", "patterns.en = ['x']"));
    let bad_regex = rule("b", "patterns.en = ['ok', '(unclosed']");
    let dup = format!("{}{}", rule("c", "patterns.en = ['x']"), rule("c", "patterns.en = ['y']"));
    // Balanced only once wrapped in `^(?:…)$`: it would escape the anchors.
    let escapes = rule("e", "patterns.en = ['ok', 'a)|(b']");
    let bad_neighbour = rule("n", "patterns.en = ['ok']\nnot_next_to.any = ['(open']");
    for (name, text, needle, what) in [
        ("unknown.toml", unknown.as_str(), "colour", "unknown field"),
        ("regex.toml", bad_regex.as_str(), "'(unclosed", "bad regular expression"),
        ("escape.toml", escapes.as_str(), "'a)|(b", "unbalanced parentheses"),
        ("neighbour.toml", bad_neighbour.as_str(), "'(open", "bad regular expression"),
        ("dup.toml", dup.as_str(), "\"c\"\nkind = \"pattern\"\ncategory = \"comment_thread\"\ndescription = \"d\"\npatterns.en = ['y']", "duplicate rule id"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let o = run(&["--rules", path.to_str().unwrap()], PROSE.as_bytes());
        assert_eq!(o.status.code(), Some(2), "{name}");
        let line = line_of(text, needle);
        let col = text.split('\n').nth(line - 1).unwrap().find(needle.split('\n').next().unwrap()).unwrap() + 1;
        let want = format!("{}:{line}:", path.display());
        let err = stderr(&o);
        assert!(err.contains(&want), "{name}: want {want} in {err}");
        assert!(err.contains(what), "{name}: {err}");
        // The column points at (or, for a pattern, just inside) the offending token.
        let got_col: usize = err.split(&want).nth(1).unwrap().split(':').next().unwrap().parse().unwrap();
        assert!(got_col == col || got_col == col + 1, "{name}: col {got_col}, token at {col}: {err}");
    }
    // A duplicate across two files points into the second file.
    let (a, b) = (dir.join("one.toml"), dir.join("two.toml"));
    std::fs::write(&a, rule("same", "patterns.en = ['x']")).unwrap();
    std::fs::write(&b, rule("same", "patterns.en = ['y']")).unwrap();
    let o = run(&["--rules", a.to_str().unwrap(), "--rules", b.to_str().unwrap()], PROSE.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:2:6: duplicate rule id `same`", b.display())), "{}", stderr(&o));
}

/// A rules path that cannot be read is named without a made-up place (`PATH:0:0:` before); a
/// folder with no rule file in it is an error, not an empty rule set; running with no rules at
/// all works (nothing is removed) but says so.
#[test]
fn rule_paths_that_hold_no_rules_are_named() {
    let dir = scratch("no-rules");
    let missing = dir.join("missing.toml");
    let o = run(&["--rules", missing.to_str().unwrap()], PROSE.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with(&format!("textsweep: {}: ", missing.display())), "{}", stderr(&o));
    assert!(!stderr(&o).contains(":0:0"), "{}", stderr(&o));
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("notes.txt"), "not a rule file").unwrap();
    let o = run(&["--rules", empty.to_str().unwrap()], PROSE.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no `*.toml` file"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let input = format!("{PROSE}\n\n{BOILER}\n");
    let o = run(&["--no-default-rules"], input.as_bytes());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(o.stdout, input.as_bytes());
    assert!(stderr(&o).contains("warning: no rules in use"), "{}", stderr(&o));
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let dir = scratch("pipe");
    let path = dir.join("big.txt");
    std::fs::write(&path, format!("{PROSE}\n{BOILER}\n").repeat(200_000)).unwrap();
    let mut child = Command::new(BIN).arg(&path).arg(&path).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    out.read_exact(&mut first).unwrap();
    drop(out); // the reader goes away, like `| head -c 64`
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(&first[..PROSE.len()], PROSE.as_bytes());
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
}

#[test]
fn a_closed_stderr_is_an_error_without_a_panic() {
    let dir = scratch("stderr-pipe");
    let path = dir.join("big.txt");
    std::fs::write(&path, format!("{PROSE}\n{BOILER}\n").repeat(100_000)).unwrap();
    // The report on standard error, read by a reader that goes away, like `2>&1 >/dev/null | head -1`;
    // then the summary table and a diff, and batch mode's report.
    let jsonl = dir.join("big.jsonl");
    std::fs::write(&jsonl, format!("{}\n", serde_json::json!({ "text": format!("{PROSE}\n{BOILER}\n") })).repeat(20_000)).unwrap();
    let p = path.to_str().unwrap();
    for args in [vec!["--report", "-", p], vec!["--summary", "--diff", "-", p], vec!["--jsonl", "--report", "-", jsonl.to_str().unwrap()], vec!["--check", "--report", "-", p]] {
        let mut child = Command::new(BIN).args(&args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let mut err = child.stderr.take().unwrap();
        let mut first = [0u8; 16];
        err.read_exact(&mut first).unwrap();
        drop(err);
        let status = child.wait().unwrap();
        // A panic exits with 101 (its message is lost with the pipe). The run stopped with its
        // outputs cut short, so it is an error, never 0 (nor `--check`'s 1 or 0).
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
    // Stdout and stderr on one pipe (`2>&1 | head`): its reader closed stdout too, so the run
    // ends quietly whichever write saw it first.
    for _ in 0..5 {
        let script = format!("exec '{BIN}' --report - '{p}' '{p}' '{p}' 2>&1");
        let mut child = Command::new("sh").args(["-c", &script]).stdout(Stdio::piped()).spawn().unwrap();
        let mut r = child.stdout.take().unwrap();
        let mut first = [0u8; 4096];
        r.read_exact(&mut first).unwrap();
        drop(r);
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

#[test]
fn an_output_that_would_overwrite_an_input_or_another_output_is_refused() {
    let dir = scratch("same-file");
    let page = dir.join("page.txt");
    let original = format!("{PROSE}\n\n{BOILER}\n");
    let p = page.to_str().unwrap();
    let other = dir.join("out.jsonl");
    let other_dotted = format!("{}/./out.jsonl", dir.display());
    for (args, says) in [
        (vec!["--report", p, p], "--report"),
        (vec!["--diff", p, p], "--diff"),
        (vec!["--jsonl", "--html", p, p], "--html"),
        (vec!["--report", other.to_str().unwrap(), "--diff", &other_dotted, p], "both write"),
    ] {
        std::fs::write(&page, &original).unwrap();
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert_eq!(std::fs::read_to_string(&page).unwrap(), original, "{args:?}: the input is intact");
        assert!(!other.exists(), "{args:?}: nothing was opened");
    }
    // Standard output appended to the input (`textsweep page.txt >> page.txt`).
    let out = std::fs::OpenOptions::new().append(true).open(&page).unwrap();
    let o = Command::new(BIN).arg(&page).stdout(out).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("standard output is the input"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), original);
    // The input read on standard input, and an audit output into standard output's file.
    let report_of_stdin = Command::new(BIN).args(["--report", p]).stdin(std::fs::File::open(&page).unwrap()).output().unwrap();
    assert_eq!(report_of_stdin.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&report_of_stdin.stderr).contains("is the input standard input"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), original);
    let out_file = dir.join("out.txt");
    let o = Command::new(BIN).args(["--report", out_file.to_str().unwrap(), p]).stdout(std::fs::File::create(&out_file).unwrap()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("where standard output goes"));
    // A link to a file not made yet names that file.
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink("target.jsonl", &link).unwrap();
    let o = run(&["--report", link.to_str().unwrap(), "--diff", dir.join("target.jsonl").to_str().unwrap(), p], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // Different files are fine, and so are devices and pipes, whatever names them.
    let o = run(&["--report", other.to_str().unwrap(), p], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["--report", "/dev/null", "--diff", "/dev/null", "/dev/null"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fifo = dir.join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = run(&["--report", fifo.to_str().unwrap(), p], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8(reader.join().unwrap()).unwrap().contains("\"type\":\"summary\""));
    // A FIFO that is both an input and an output, or two outputs, is refused without being
    // opened (opening it would block for ever).
    let f = fifo.to_str().unwrap();
    for args in [vec!["--report", f, f], vec!["--report", f, "--diff", f, p]] {
        let mut child = Command::new(BIN).args(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.and_then(|s| s.code()), Some(2), "{args:?} (None: it hung)");
    }
}

#[test]
fn an_unreadable_input_is_named_and_the_others_still_processed() {
    let dir = scratch("unreadable");
    let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
    std::fs::write(&a, format!("{PROSE}\n{BOILER}\n")).unwrap();
    std::fs::write(&b, "Second file.\n").unwrap();
    let missing = dir.join("missing.txt");
    let folder: &Path = &dir; // a folder cannot be read as a file
    let args = [a.to_str().unwrap(), missing.to_str().unwrap(), folder.to_str().unwrap(), b.to_str().unwrap()];
    let o = run(&args, b"");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("textsweep: {}: ", missing.display())), "{err}");
    assert!(err.contains(&format!("textsweep: {}: ", folder.display())), "{err}");
    assert!(err.contains("2 input(s) failed"), "{err}");
    let want = format!("{}{}", cleaner().clean(&std::fs::read_to_string(&a).unwrap()).text, "Second file.\n");
    assert_eq!(String::from_utf8(o.stdout).unwrap(), want);
}

/// `after = [CATEGORY]` opens a region after a line another rule of that category removed, and a
/// bad category name is an error at its own position.
#[test]
fn regions_after_a_category_take_the_members_under_its_lines() {
    let rules = "[[rule]]\nid = \"vote\"\nkind = \"pattern\"\ncategory = \"comment_thread\"\ndescription = \"d\"\npatterns.en = ['rate this article']\n\n\
                 [[rule]]\nid = \"stars\"\nkind = \"region\"\ncategory = \"comment_thread\"\ndescription = \"d\"\nafter = [\"comment_thread\"]\nmembers.en = [\"one star\", \"two stars\"]\n";
    let c = Cleaner::builder().default_rules(false).rules_str("after.toml", rules).build().unwrap();
    let text = format!("{PROSE}\nRate this article\nOne star\nTwo stars\n{PROSE}\n");
    let edits = c.edits(&text);
    assert_eq!(c.clean(&text).text, format!("{PROSE}\n{PROSE}\n"), "{edits:?}");
    assert!(edits.iter().any(|e| &*e.rule == "stars"), "the members are the region's edit: {edits:?}");
    // Without the opening line the members stay (they are only buttons).
    let alone = format!("{PROSE}\nOne star\n{PROSE}\n");
    assert_eq!(c.clean(&alone).text, alone);

    let bad = rules.replace("after = [\"comment_thread\"]", "after = [\"comments\"]");
    let err = Cleaner::builder().default_rules(false).rules_str("after.toml", bad.clone()).build().unwrap_err().to_string();
    let line = line_of(&bad, "after = ");
    assert!(err.starts_with(&format!("after.toml:{line}:10: unknown category `comments`")), "{err}");
}
