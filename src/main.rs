//! The `textsweep` command: argument parsing, I/O and exit codes only. All cleaning lives in the
//! library; all output formats render the library's list of edits.
//!
//! Exit codes: 0 success, 1 reserved for "findings" modes, 2 any error (bad flag, bad rule file,
//! unreadable or non-UTF-8 input). A closed stdout (`textsweep … | head`) ends quietly with 0.

use clap::Parser;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use textsweep::batch::{self, BadLine, BatchError, Input, Observer};
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

    /// Batch mode: read JSON Lines (FILEs or standard input), clean one string field of every
    /// record and write the records in input order, every other field copied through unchanged.
    #[arg(long, help_heading = "Batch mode")]
    jsonl: bool,

    /// The string field to clean [default: text].
    #[arg(long, value_name = "NAME", requires = "jsonl", help_heading = "Batch mode")]
    field: Option<String>,

    /// Add each record's edits under a `textsweep` key (rule, category, start, end, line, column,
    /// text, reason; offsets into the original field text).
    #[arg(long, requires = "jsonl", help_heading = "Batch mode")]
    with_edits: bool,

    /// Pass lines that are not JSON objects with a string field through unchanged (and count
    /// them) instead of stopping with exit 2 at the first.
    #[arg(long, requires = "jsonl", help_heading = "Batch mode")]
    skip_bad: bool,

    /// Worker threads [default: all cores].
    #[arg(short = 'j', long = "threads", value_name = "N", requires = "jsonl", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Batch mode")]
    threads: Option<u32>,
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
        Ok(()) => ExitCode::SUCCESS,
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

fn run(args: Args) -> Result<(), Fail> {
    let cleaner = build_cleaner(&args)?;
    if args.jsonl {
        return run_batch(&cleaner, args);
    }
    let inputs: Vec<Option<&PathBuf>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files.iter().map(|p| (p.as_os_str() != "-").then_some(p)).collect()
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    for input in inputs {
        let name = input.map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
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
        write_or_fail(&mut out, cleaned.text.as_bytes())?;
    }
    if let Err(e) = out.flush() {
        return Err(io_fail(e));
    }
    if failed > 0 {
        eprintln!("textsweep: {failed} input(s) failed");
        return Err(Fail::Reported);
    }
    Ok(())
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

/// What the command line shows of a batch run: a progress bar (only on a terminal) and the bad
/// lines that were passed through.
struct BatchView {
    bar: Option<indicatif::ProgressBar>,
    bad: Vec<BadLine>,
    bad_count: u64,
}

/// Bad lines named one by one on stderr; the rest are only counted.
const BAD_LINES_SHOWN: usize = 10;

impl Observer for BatchView {
    fn bad_line(&mut self, bad: &BadLine) {
        self.bad_count += 1;
        if self.bad.len() < BAD_LINES_SHOWN {
            self.bad.push(bad.clone());
        }
    }

    fn progress(&mut self, bytes_in: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes_in);
        }
    }
}

fn progress_bar(total: Option<u64>) -> Option<indicatif::ProgressBar> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").ok()?,
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {elapsed}").ok()?),
    };
    Some(bar)
}

fn run_batch(cleaner: &Cleaner, args: Args) -> Result<(), Fail> {
    let inputs: Vec<Input> = if args.files.is_empty() {
        vec![Input::stdin()]
    } else {
        args.files.iter().map(|p| if p.as_os_str() == "-" { Input::stdin() } else { Input::path(p) }).collect()
    };
    let total = inputs.iter().map(Input::size).sum::<Option<u64>>();
    let mut opts = batch::Options { with_edits: args.with_edits, skip_bad: args.skip_bad, ..Default::default() };
    if let Some(f) = args.field {
        opts.field = f;
    }
    if let Some(n) = args.threads {
        opts.threads = n as usize;
    }
    let mut view = BatchView { bar: progress_bar(total), bad: Vec::new(), bad_count: 0 };
    // Chunks are written whole and end with a line end, so stdout's own line buffer passes them
    // through without a copy.
    let mut out = io::stdout().lock();
    let result = batch::run(cleaner, &opts, inputs, &mut out, &mut view);
    if let Some(bar) = &view.bar {
        bar.finish_and_clear();
    }
    for b in &view.bad {
        eprintln!("textsweep: {b} (passed through)");
    }
    if view.bad_count > 0 {
        let more = view.bad_count - view.bad.len() as u64;
        let more = if more > 0 { format!(", {more} more not shown") } else { String::new() };
        eprintln!("textsweep: {} bad line(s) passed through unchanged{more}", view.bad_count);
    }
    match result {
        Ok(_) => Ok(()),
        Err(BatchError::Output(e)) => Err(io_fail(e)),
        Err(e) => {
            eprintln!("textsweep: {e}");
            Err(Fail::Reported)
        }
    }
}
