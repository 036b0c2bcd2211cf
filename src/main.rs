//! The `textsweep` command: argument parsing, I/O and exit codes only. All cleaning lives in the
//! library; all output formats render the library's list of edits.
//!
//! Exit codes: 0 success, 1 findings (`--check` would remove something, `--test-rules` has a
//! failing example), 2 any error (bad flag, bad rule file, unreadable or non-UTF-8 input, an audit
//! output that cannot be written). A closed stdout (`textsweep … | head`) ends quietly with 0.

use clap::Parser;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use textsweep::report::{self, Doc, Sink};
use textsweep::Cleaner;

/// Sweeps scraped-page noise (captions, widget labels, comment forms, share bars, cookie notices, …)
/// out of plain text. Reads FILEs (or standard input), writes the cleaned text to standard output.
#[derive(Parser, Debug)]
#[command(name = "textsweep", version, about, max_term_width = 100)]
struct Args {
    /// Input files; none or `-` reads standard input. Several files: their cleaned texts are
    /// written in argument order, nothing between them.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// A rule file, or a folder of `*.toml` rule files, added to the rule set (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,

    /// Leave out the built-in rules (use only `--rules`).
    #[arg(long)]
    no_default_rules: bool,

    /// Turn off a rule by id, or all rules of a category (repeatable).
    #[arg(long, value_name = "ID|CATEGORY")]
    disable: Vec<String>,

    /// Write a JSON Lines report of every edit to PATH (`-`: standard error).
    #[arg(long, value_name = "PATH", help_heading = "Audit")]
    report: Option<PathBuf>,

    /// Write a unified diff from the original to the cleaned text to PATH (`-`: standard error).
    #[arg(long, value_name = "PATH", help_heading = "Audit")]
    diff: Option<PathBuf>,

    /// Write an HTML page showing every removed span in place to PATH (`-`: standard error).
    #[arg(long, value_name = "PATH", help_heading = "Audit")]
    html: Option<PathBuf>,

    /// Print a table of edits and bytes removed per category and per rule on standard error.
    #[arg(long, help_heading = "Audit")]
    summary: bool,

    /// Write nothing to standard output; exit 1 if anything would be removed, 0 if not.
    #[arg(long, help_heading = "Audit")]
    check: bool,

    /// List the rules in use (id, category, kind, languages, source, description) and exit.
    #[arg(long, help_heading = "Rules", conflicts_with_all = ["explain", "test_rules"])]
    list_rules: bool,

    /// With --list-rules: one JSON object per rule and line.
    #[arg(long, requires = "list_rules", help_heading = "Rules")]
    json: bool,

    /// Describe one rule: description, kind, category, languages, where its data lives, examples.
    #[arg(long, value_name = "ID", help_heading = "Rules", conflicts_with = "test_rules")]
    explain: Option<String>,

    /// Run the inline examples of the rules in use (defaults and --rules files); exit 1 if any fails.
    #[arg(long, help_heading = "Rules")]
    test_rules: bool,
}

/// How a successful run ends.
#[derive(PartialEq, Eq)]
enum Outcome {
    Clean,
    /// `--check` found something to remove, or `--test-rules` a failing example: exit 1.
    Findings,
}

enum Fail {
    /// Reported already; exit 2.
    Reported,
    /// stdout was closed by the reader: stop quietly.
    BrokenPipe,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(args) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(Fail::BrokenPipe) => ExitCode::SUCCESS,
        Err(Fail::Reported) => ExitCode::from(2),
    }
}

fn build_cleaner(args: &Args) -> Result<Cleaner, Fail> {
    let mut b = Cleaner::builder().default_rules(!args.no_default_rules);
    for p in &args.rules {
        b = b.rules_path(p);
    }
    for d in &args.disable {
        b = b.disable(d);
    }
    b.build().map_err(|e| {
        eprintln!("textsweep: {e}");
        Fail::Reported
    })
}

/// Reads one input fully; `None` path means standard input.
fn read_input(path: Option<&PathBuf>) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    match path {
        None => {
            io::stdin().lock().read_to_end(&mut buf)?;
        }
        Some(p) => buf = std::fs::read(p)?,
    }
    Ok(buf)
}

/// Opens an audit output: `-` is standard error (line-buffered so that several outputs sharing
/// it interleave by whole lines), anything else a file created or truncated.
fn open_output(path: &Path) -> Result<Box<dyn Write>, Fail> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::LineWriter::new(io::stderr())));
    }
    match File::create(path) {
        Ok(f) => Ok(Box::new(io::BufWriter::new(f))),
        Err(e) => {
            eprintln!("textsweep: {}: {e}", path.display());
            Err(Fail::Reported)
        }
    }
}

/// The audit outputs asked for, as sinks over the same edits.
fn sinks(args: &Args) -> Result<Vec<Box<dyn Sink>>, Fail> {
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(p) = &args.report {
        sinks.push(Box::new(report::jsonl::Jsonl::new(open_output(p)?)));
    }
    if let Some(p) = &args.diff {
        sinks.push(Box::new(report::diff::Diff::new(open_output(p)?)));
    }
    if let Some(p) = &args.html {
        sinks.push(Box::new(report::html::Html::new(open_output(p)?)));
    }
    if args.summary {
        sinks.push(Box::new(report::summary::Summary::new(io::stderr())));
    }
    Ok(sinks)
}

/// `--list-rules`, `--explain` and `--test-rules`: render the rule set instead of cleaning.
fn rule_mode(args: &Args, cleaner: &Cleaner) -> Result<Option<Outcome>, Fail> {
    let mut out = io::stdout().lock();
    let rules = cleaner.rules();
    let mut outcome = Outcome::Clean;
    if args.list_rules && args.json {
        report::rules::write_list_json(&mut out, rules).map_err(io_fail)?;
    } else if args.list_rules {
        report::rules::write_list(&mut out, rules).map_err(io_fail)?;
    } else if let Some(id) = &args.explain {
        let Some(rule) = rules.iter().find(|r| &*r.id == id.as_str()) else {
            eprintln!("textsweep: --explain {id}: no rule of that id (see --list-rules)");
            return Err(Fail::Reported);
        };
        report::rules::write_explain(&mut out, rule).map_err(io_fail)?;
    } else if args.test_rules {
        let (ran, failures) = textsweep::check_examples(rules).map_err(|e| {
            eprintln!("textsweep: {e}");
            Fail::Reported
        })?;
        report::rules::write_test_results(&mut out, ran, &failures).map_err(io_fail)?;
        if !failures.is_empty() {
            outcome = Outcome::Findings;
        }
    } else {
        return Ok(None);
    }
    out.flush().map_err(io_fail)?;
    Ok(Some(outcome))
}

fn run(args: Args) -> Result<Outcome, Fail> {
    let cleaner = build_cleaner(&args)?;
    if let Some(outcome) = rule_mode(&args, &cleaner)? {
        return Ok(outcome);
    }
    let mut sinks = sinks(&args)?;
    let inputs: Vec<Option<&PathBuf>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files.iter().map(|p| (p.as_os_str() != "-").then_some(p)).collect()
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    let mut changed = false;
    for input in inputs {
        let doc_name = input.map_or(b"stdin".as_slice(), |p| p.as_os_str().as_encoded_bytes());
        let name = String::from_utf8_lossy(doc_name);
        let bytes = match read_input(input) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("textsweep: {name}: {e}");
                failed += 1;
                continue;
            }
        };
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("textsweep: {name}: invalid UTF-8 at byte {}", e.valid_up_to());
                failed += 1;
                continue;
            }
        };
        let cleaned = cleaner.clean(text);
        changed |= !cleaned.edits.is_empty();
        if !args.check {
            write_or_fail(&mut out, cleaned.text.as_bytes())?;
        }
        let doc = Doc { name: doc_name, text, edits: &cleaned.edits };
        for sink in &mut sinks {
            sink.document(&doc).map_err(audit_fail)?;
        }
    }
    if let Err(e) = out.flush() {
        return Err(io_fail(e));
    }
    for sink in &mut sinks {
        sink.finish().map_err(audit_fail)?;
    }
    if failed > 0 {
        eprintln!("textsweep: {failed} input(s) failed");
        return Err(Fail::Reported);
    }
    Ok(if args.check && changed { Outcome::Findings } else { Outcome::Clean })
}

/// An audit output could not be written: always an error (only stdout may be closed quietly).
fn audit_fail(e: io::Error) -> Fail {
    eprintln!("textsweep: writing audit output: {e}");
    Fail::Reported
}

fn io_fail(e: io::Error) -> Fail {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Fail::BrokenPipe
    } else {
        eprintln!("textsweep: writing output: {e}");
        Fail::Reported
    }
}

fn write_or_fail(out: &mut impl Write, bytes: &[u8]) -> Result<(), Fail> {
    out.write_all(bytes).map_err(io_fail)
}
