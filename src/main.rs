//! The `textsweep` command: argument parsing, I/O and exit codes only. All cleaning lives in the
//! library; all output formats render the library's list of edits.
//!
//! Exit codes: 0 success, 1 findings (`--check` would remove something, `--test-rules` has a
//! failing example), 2 any error (bad flag, bad rule file, unreadable or non-UTF-8 input without `--lossy`, an audit
//! output that cannot be written). A closed stdout (`textsweep … | head`) ends quietly with 0.

use clap::Parser;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use textsweep::batch::{self, BadLine, BatchError, Input, Observer};
use textsweep::report::{self, Doc, Sink};
use textsweep::Cleaner;

/// `eprintln!` that cannot panic: a message to a closed or full standard error is dropped (the
/// exit code still tells), where `eprintln!` would panic and exit with 101.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr(), $($arg)*);
    }};
}

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

    /// Leave a document (of at least 500 non-space characters) unchanged when the rules would
    /// remove more than this share of it, and say so in the report (`1` turns the guard off).
    #[arg(long, value_name = "SHARE", default_value_t = textsweep::DEFAULT_MAX_REMOVED_SHARE, value_parser = parse_share)]
    max_removed_share: f64,

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

    /// Accept input that is not valid UTF-8: delete each invalid byte sequence (reported as an
    /// edit of category `invalid_utf8`) instead of failing with exit 2. Not with --jsonl, where
    /// such a line is a bad line (see --skip-bad).
    #[arg(long, conflicts_with = "jsonl")]
    lossy: bool,
}

impl Args {
    /// The audit outputs that go to a path, by flag (`-`, standard error, included).
    fn audit_paths(&self) -> impl Iterator<Item = (&'static str, &PathBuf)> {
        [("--report", &self.report), ("--diff", &self.diff), ("--html", &self.html)].into_iter().filter_map(|(flag, p)| p.as_ref().map(|p| (flag, p)))
    }
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

/// Bytes from which glibc serves an allocation with its own mapping, given back when it is freed.
/// glibc starts at 128 KiB and raises the bound to the size of every such block freed (up to
/// 32 MiB), after which big blocks come from the heap and their freed pages stay resident; which
/// blocks happen to be freed first then moves peak RSS by 4-5 MB from one rule set to the next
/// (measured on 206 MB of JSONL, `-j1`: 47.6 MB with the moving bound, 43.4 MB with a fixed one;
/// 256 KiB cost 0.4 s of system time in `mmap` calls). At 1 MiB rather than 4 MiB, the blocks
/// each worker's lazy DFAs outgrow (their transition tables double as they fill, to 4 MB for the
/// main line set) go back to the system instead of staying in the worker's heap: on the 1 GB
/// stream, two workers, peak RSS 61.9-62.4 MB against 64.2-66.1 MB, run time the same (ten
/// alternating runs each at `-j1` and `-j2`).
const MMAP_THRESHOLD: i32 = 1 << 20;
/// Free bytes at the top of the heap that glibc keeps before giving them back. A fixed mmap bound
/// also fixes this one, at 128 KiB, and the heap's top then shrank and grew again at every other
/// document (0.2 s of system time on the same run); at 4 MiB that churn is gone, the run takes
/// fewer page faults than with glibc's moving bounds (11,400 against 12,500) and peak RSS is
/// the same as at 128 KiB within 1 MB.
const TRIM_THRESHOLD: i32 = 4 << 20;

/// Sets the allocator's fixed bounds (see [`MMAP_THRESHOLD`], [`TRIM_THRESHOLD`]); the CLI's choice, not the
/// library's, which leaves its host's allocator alone.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets an allocator parameter; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

fn main() -> ExitCode {
    tune_allocator();
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
    let mut b = Cleaner::builder()
        .default_rules(!args.no_default_rules)
        .max_removed_share(args.max_removed_share)
        .examples(args.list_rules || args.explain.is_some() || args.test_rules);
    for p in &args.rules {
        b = b.rules_path(p);
    }
    for d in &args.disable {
        b = b.disable(d);
    }
    let cleaner = b.build().map_err(|e| {
        say!("textsweep: {e}");
        Fail::Reported
    })?;
    if cleaner.rules().is_empty() && !(args.list_rules || args.test_rules) {
        say!("textsweep: warning: no rules in use (--no-default-rules without --rules, or every rule disabled): nothing will be removed");
    }
    Ok(cleaner)
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
            say!("textsweep: {}: {e}", path.display());
            Err(Fail::Reported)
        }
    }
}

/// Refuses, before anything is opened, a run that would write over what it reads or write two
/// outputs into one file: an audit output that is one of the inputs (opening it truncates the
/// input before it is read), two audit outputs naming one file (the second would overwrite the
/// first), an audit output that is standard output's file, and standard output redirected into an
/// input (as `cat` refuses it; with `>>` the run would read its own output for ever). Standard
/// input counts as an input when it is read. Only regular files and FIFOs are compared, by what
/// `stat` says, and nothing is opened (a FIFO opened to look at it would block): `/dev/null`,
/// terminals and pipes are never refused, and `/dev/stderr` only when it is standard output's
/// file.
fn check_paths(args: &Args) -> Result<(), Fail> {
    let reads_stdin = args.files.is_empty() || args.files.iter().any(|p| p.as_os_str() == "-");
    let mut inputs: Vec<(String, FileId)> = args.files.iter().filter(|p| p.as_os_str() != "-").filter_map(|p| Some((p.display().to_string(), FileId::of_path(p)?))).collect();
    if reads_stdin {
        inputs.extend(FileId::of_stdio(StdStream::In).map(|id| ("standard input".to_string(), id)));
    }
    let stdout = if args.check { None } else { FileId::of_stdio(StdStream::Out) };
    let outputs: Vec<(&str, &PathBuf)> = args.audit_paths().filter(|(_, p)| p.as_os_str() != "-").collect();
    let refuse = |what: String| {
        say!("textsweep: {what}; nothing was read or written");
        Err(Fail::Reported)
    };
    let targets: Vec<Target> = outputs.iter().map(|(_, p)| Target::of(p)).collect();
    for (k, &(flag, out)) in outputs.iter().enumerate() {
        let target = &targets[k];
        if let Target::File(id) = target {
            if let Some((input, _)) = inputs.iter().find(|(_, i)| i == id) {
                return refuse(format!("{flag} {} is the input {input}: writing it would destroy the input", out.display()));
            }
            if stdout.as_ref() == Some(id) {
                return refuse(format!("{flag} {} is where standard output goes: one would overwrite the other", out.display()));
            }
        }
        if let Some(j) = targets[..k].iter().position(|t| t.same(target)) {
            return refuse(format!("{} and {flag} both write {}", outputs[j].0, out.display()));
        }
    }
    if let Some(out) = &stdout {
        if let Some((input, _)) = inputs.iter().find(|(_, i)| i == out) {
            return refuse(format!("standard output is the input {input}"));
        }
    }
    Ok(())
}

/// A regular file or a FIFO as `stat` names it: device and inode (on other systems than Unix,
/// a regular file's canonical path).
#[derive(Debug, PartialEq, Eq)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

enum StdStream {
    In,
    Out,
    Err,
}

impl StdStream {
    /// What `fstat` says of the stream (on a copy of its descriptor: nothing is opened).
    #[cfg(unix)]
    fn metadata(&self) -> Option<std::fs::Metadata> {
        use std::os::fd::AsFd;
        let fd = match self {
            StdStream::In => io::stdin().as_fd().try_clone_to_owned(),
            StdStream::Out => io::stdout().as_fd().try_clone_to_owned(),
            StdStream::Err => io::stderr().as_fd().try_clone_to_owned(),
        };
        File::from(fd.ok()?).metadata().ok()
    }
}

impl FileId {
    /// The regular file or FIFO at `path` (symbolic links followed), without opening it; `None`
    /// for anything else or nothing.
    fn of_path(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            FileId::of_meta(&meta)
        }
        #[cfg(not(unix))]
        {
            meta.is_file().then(|| std::fs::canonicalize(path).ok().map(FileId::Path)).flatten()
        }
    }

    /// The regular file a standard stream is, if it is one (a pipe, FIFO or terminal there is
    /// the shell's: `--report /dev/stdout … | jq` is the user's to mix).
    fn of_stdio(which: StdStream) -> Option<FileId> {
        #[cfg(unix)]
        {
            FileId::of_meta(&which.metadata().filter(|m| m.is_file())?)
        }
        #[cfg(not(unix))]
        {
            let _ = which;
            None
        }
    }

    #[cfg(unix)]
    fn of_meta(meta: &std::fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        (meta.is_file() || meta.file_type().is_fifo()).then(|| FileId::Inode(meta.dev(), meta.ino()))
    }
}

/// What an output path will write: a regular file that exists, or the path a new file will get
/// (its folder resolved, a dangling symbolic link followed).
enum Target {
    File(FileId),
    New(PathBuf),
    /// Neither (a device, a FIFO, a folder that cannot be resolved): compared with nothing.
    Other,
}

impl Target {
    fn of(path: &Path) -> Target {
        if let Some(id) = FileId::of_path(path) {
            return Target::File(id);
        }
        if std::fs::metadata(path).is_ok() {
            return Target::Other;
        }
        // A path that does not exist yet, or a link to one: where the file will be made.
        let mut p = path.to_path_buf();
        for _ in 0..40 {
            match std::fs::read_link(&p) {
                Ok(to) => p = p.parent().map_or(to.clone(), |d| d.join(&to)),
                Err(_) => break,
            }
        }
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        match (std::fs::canonicalize(dir), p.file_name()) {
            (Ok(d), Some(f)) => Target::New(d.join(f)),
            _ => Target::Other,
        }
    }

    fn same(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::File(a), Target::File(b)) => a == b,
            (Target::New(a), Target::New(b)) => a == b,
            _ => false,
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
            say!("textsweep: --explain {id}: no rule of that id (see --list-rules)");
            return Err(Fail::Reported);
        };
        report::rules::write_explain(&mut out, rule).map_err(io_fail)?;
    } else if args.test_rules {
        let (ran, failures) = textsweep::check_examples(rules).map_err(|e| {
            say!("textsweep: {e}");
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
    // Lives until the process exits: freeing its tables one by one would cost as much as a tenth
    // of building them, on every run, for memory the exit gives back anyway.
    let cleaner: &Cleaner = Box::leak(Box::new(build_cleaner(&args)?));
    if let Some(outcome) = rule_mode(&args, cleaner)? {
        return Ok(outcome);
    }
    check_paths(&args)?;
    let mut sinks = sinks(&args)?;
    if args.jsonl {
        return run_batch(cleaner, &args, sinks);
    }
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
                say!("textsweep: {name}: {e}");
                failed += 1;
                continue;
            }
        };
        let cleaned = if args.lossy {
            cleaner.clean_lossy(&bytes)
        } else {
            match std::str::from_utf8(&bytes) {
                Ok(text) => cleaner.clean(text),
                Err(e) => {
                    say!("textsweep: {name}: invalid UTF-8 at byte {}", e.valid_up_to());
                    failed += 1;
                    continue;
                }
            }
        };
        changed |= !cleaned.edits.is_empty();
        if !args.check {
            write_or_fail(&mut out, cleaned.text.as_bytes())?;
        }
        if sinks.is_empty() {
            continue;
        }
        // A document repaired by --lossy is rendered from its bytes with the invalid ones
        // substituted one for one (see `Doc::lossy`).
        let substituted;
        let doc = match std::str::from_utf8(&bytes) {
            Ok(text) => Doc::new(doc_name, text, &cleaned.edits),
            Err(_) => {
                substituted = report::substituted(&bytes);
                Doc::lossy(doc_name, &bytes, &substituted, &cleaned.edits)
            }
        }
        .held(cleaned.held.as_ref());
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
        say!("textsweep: {failed} input(s) failed");
        return Err(Fail::Reported);
    }
    Ok(if args.check && changed { Outcome::Findings } else { Outcome::Clean })
}

/// `--max-removed-share`: a number in (0, 1].
fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!("`{s}` is not a share in (0, 1]")),
    }
}

/// An audit output could not be written: an error, a reader that went away included (the run
/// stops there, and what it wrote is cut short: only a closed stdout ends quietly). But when
/// stdout and stderr are one pipe (`--report - … 2>&1 | head`), its reader closed stdout too,
/// whichever write saw it first.
fn audit_fail(e: io::Error) -> Fail {
    if e.kind() == io::ErrorKind::BrokenPipe && stdout_is_stderr() {
        return Fail::BrokenPipe;
    }
    say!("textsweep: writing audit output: {e}");
    Fail::Reported
}

/// Whether standard output and standard error are the same open file (one pipe, `2>&1`).
fn stdout_is_stderr() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let id = |s: StdStream| s.metadata().map(|m| (m.dev(), m.ino()));
        matches!((id(StdStream::Out), id(StdStream::Err)), (Some(a), Some(b)) if a == b)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn io_fail(e: io::Error) -> Fail {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Fail::BrokenPipe
    } else {
        say!("textsweep: writing output: {e}");
        Fail::Reported
    }
}

fn write_or_fail(out: &mut impl Write, bytes: &[u8]) -> Result<(), Fail> {
    out.write_all(bytes).map_err(io_fail)
}

/// What the command line shows of a batch run: a progress bar (only on a terminal), the bad
/// lines that were passed through, and the audit sinks, fed record by record in input order with
/// the record id as the document name.
struct BatchView {
    bar: Option<indicatif::ProgressBar>,
    bad: Vec<BadLine>,
    bad_count: u64,
    sinks: Vec<Box<dyn Sink>>,
    sink_error: Option<io::Error>,
}

/// Bad lines named one by one on stderr; the rest are only counted.
const BAD_LINES_SHOWN: usize = 10;

impl Observer for BatchView {
    fn record(&mut self, rec: &batch::Doc) {
        let doc = Doc::new(rec.name.as_bytes(), &rec.text, &rec.edits).held(rec.held.as_ref());
        for sink in &mut self.sinks {
            if let Err(e) = sink.document(&doc) {
                self.sink_error.get_or_insert(e);
            }
        }
    }

    fn bad_line(&mut self, bad: &BadLine) {
        for sink in &mut self.sinks {
            sink.bad_line();
        }
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

fn run_batch(cleaner: &Cleaner, args: &Args, sinks: Vec<Box<dyn Sink>>) -> Result<Outcome, Fail> {
    let inputs: Vec<Input> = if args.files.is_empty() {
        vec![Input::stdin()]
    } else {
        args.files.iter().map(|p| if p.as_os_str() == "-" { Input::stdin() } else { Input::path(p) }).collect()
    };
    let total = inputs.iter().map(Input::size).sum::<Option<u64>>();
    let keep_docs = !sinks.is_empty();
    let mut opts = batch::Options { with_edits: args.with_edits, skip_bad: args.skip_bad, keep_docs, ..Default::default() };
    if let Some(f) = &args.field {
        opts.field = f.clone();
    }
    if let Some(n) = args.threads {
        opts.threads = n as usize;
    }
    // An audit output on stderr (`--report -`) would interleave with the bar's redraws.
    let audit_on_stderr = args.audit_paths().any(|(_, p)| p.as_os_str() == "-");
    let bar = if audit_on_stderr { None } else { progress_bar(total) };
    let mut view = BatchView { bar, bad: Vec::new(), bad_count: 0, sinks, sink_error: None };
    // Chunks are written whole and end with a line end, so stdout's own line buffer passes them
    // through without a copy. `--check` writes no records.
    let mut stdout = io::stdout().lock();
    let mut nothing = io::sink();
    let out: &mut dyn Write = if args.check { &mut nothing } else { &mut stdout };
    let result = batch::run(cleaner, &opts, inputs, out, &mut view);
    if let Some(bar) = &view.bar {
        bar.finish_and_clear();
    }
    for b in &view.bad {
        say!("textsweep: {b} (passed through)");
    }
    if view.bad_count > 0 {
        let more = view.bad_count - view.bad.len() as u64;
        let more = if more > 0 { format!(", {more} more not shown") } else { String::new() };
        say!("textsweep: {} bad line(s) passed through unchanged{more}", view.bad_count);
    }
    if let Some(e) = view.sink_error.take() {
        return Err(audit_fail(e));
    }
    for sink in &mut view.sinks {
        sink.finish().map_err(audit_fail)?;
    }
    match result {
        Ok(summary) => Ok(if args.check && summary.changed > 0 { Outcome::Findings } else { Outcome::Clean }),
        Err(BatchError::Output(e)) => Err(io_fail(e)),
        Err(e) => {
            say!("textsweep: {e}");
            Err(Fail::Reported)
        }
    }
}
