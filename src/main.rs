//! The `textsweep` command: argument parsing, I/O and exit codes only. All cleaning lives in the
//! library; all output formats render the library's list of edits.
//!
//! Exit codes: 0 success, 1 reserved for "findings" modes, 2 any error (bad flag, bad rule file,
//! unreadable or non-UTF-8 input without `--lossy`). A closed stdout (`textsweep … | head`) ends quietly with 0.

use clap::Parser;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
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

    /// Accept input that is not valid UTF-8: delete each invalid byte sequence (reported as an
    /// edit of category `invalid_utf8`) instead of failing with exit 2.
    #[arg(long)]
    lossy: bool,
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
        let cleaned = if args.lossy {
            cleaner.clean_lossy(&bytes)
        } else {
            match std::str::from_utf8(&bytes) {
                Ok(text) => cleaner.clean(text),
                Err(e) => {
                    eprintln!("textsweep: {name}: invalid UTF-8 at byte {}", e.valid_up_to());
                    failed += 1;
                    continue;
                }
            }
        };
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
