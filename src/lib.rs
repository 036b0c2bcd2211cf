//! # textsweep
//!
//! Sweeps scraped-page noise out of plain text — photo captions and agency credits, UI-widget
//! labels in another script dropped mid-sentence, comment forms, share bars, cookie and newsletter
//! prompts, ads, related-link lists, footers — and reports every deletion.
//!
//! The output is always the input minus the byte spans of the returned [`Edit`]s: nothing is
//! rewritten, and every report, diff and count is rendered from that one list.
//!
//! ```
//! use textsweep::{Category, Cleaner};
//!
//! let cleaner = Cleaner::new()?; // the default rules; build once, share across threads
//! let page = "Talks resumed in Seoul on Monday, officials said.\n\nLeave a Reply\n\n\
//!             Your email address will not be published. Required fields are marked *\n";
//! let cleaned = cleaner.clean(page);
//! assert_eq!(cleaned.text, "Talks resumed in Seoul on Monday, officials said.\n");
//! assert!(cleaned.edits.iter().all(|e| e.category == Category::CommentForm));
//! // Every edit says what it removed and where.
//! let e = &cleaned.edits[0];
//! assert_eq!(&page[e.start..e.end], e.text);
//! # Ok::<(), textsweep::Error>(())
//! ```
//!
//! Rules are data (`rules/*.toml`, embedded as the default set); see [`CleanerBuilder`] to add
//! your own rule files or disable rules and categories.

pub mod batch;
pub mod category;
pub mod document;
pub mod report;
mod engine;
mod lineset;
mod lossy;
mod par;
pub mod profile;
pub mod rules;
pub mod text;

pub use category::Category;
pub use rules::{Rule, RuleError};

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One deletion: the byte range `start..end` of the original text, and why it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The stable id of the rule that proposed it.
    pub rule: Arc<str>,
    pub category: Category,
    /// Byte offset of the first removed byte in the original text.
    pub start: usize,
    /// Byte offset just past the last removed byte.
    pub end: usize,
    /// The removed text, `original[start..end]`.
    pub text: String,
    /// A short human reason.
    pub reason: String,
}

/// The result of cleaning one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The input minus the edit spans.
    pub text: String,
    /// The edits, sorted by `start`, non-overlapping.
    pub edits: Vec<Edit>,
    /// Set when a guard held the document back: the rules matched, their edits were not applied
    /// (`edits` is empty and `text` is the input).
    pub held: Option<Held>,
}

/// Why a document was output unchanged although rules matched it.
///
/// The one guard is the removal cap ([`CleanerBuilder::max_removed_share`]): when the edits would
/// remove more than that share of a document's non-white-space characters, the document is more
/// likely one the rules misread than one that is all boilerplate, so it is left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The guard's name: `max_removed_share`.
    pub guard: &'static str,
    /// Non-white-space characters the edits would have removed.
    pub would_remove: usize,
    /// Non-white-space characters in the document.
    pub of: usize,
    /// The cap, in per mille of `of`.
    pub limit_permille: u32,
    /// The edits that were proposed and not applied.
    pub proposed_edits: usize,
}

impl Held {
    /// One sentence for reports.
    pub fn reason(&self) -> String {
        format!(
            "the rules would remove {} of {} non-space characters ({:.1}%), more than the {:.1}% cap; output unchanged",
            self.would_remove,
            self.of,
            self.would_remove as f64 * 100.0 / self.of.max(1) as f64,
            self.limit_permille as f64 / 10.0
        )
    }
}

/// Default removal cap: measured on the shared real pages (see README, "Guards"), a cap of 95% of a
/// document's non-space characters costs nothing on extractor output and raises full-page
/// (inscriptis) AEB F1 from 0.848 to 0.851 and TFEV must-keep recall from 0.870 to 0.894.
pub const DEFAULT_MAX_REMOVED_SHARE: f64 = 0.95;
/// Documents shorter than this (non-space characters) are never held: one boilerplate line (a
/// cookie notice an extractor returned alone) may go whole.
pub const GUARD_MIN_CHARS: usize = 500;

/// Everything that can go wrong while building a [`Cleaner`].
#[derive(Debug)]
pub enum Error {
    /// A rule file is malformed; the error carries `path:line:col`.
    Rule(RuleError),
    /// `disable` named neither a rule id nor a category.
    UnknownRule(String),
    /// The rules could not be compiled together (for example, the joint pattern set is too big).
    Build(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rule(e) => e.fmt(f),
            Error::UnknownRule(s) => write!(f, "--disable {s}: no rule or category of that name"),
            Error::Build(s) => write!(f, "rules do not compile together: {s}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<RuleError> for Error {
    fn from(e: RuleError) -> Self {
        Error::Rule(e)
    }
}

/// Builds a [`Cleaner`]: default rules, extra rule files, disabled rules or categories.
#[derive(Debug, Clone)]
pub struct CleanerBuilder {
    defaults: bool,
    paths: Vec<PathBuf>,
    sources: Vec<(String, String)>,
    disabled: Vec<String>,
    max_removed_share: f64,
    examples: bool,
}

impl Default for CleanerBuilder {
    fn default() -> Self {
        CleanerBuilder { defaults: true, paths: Vec::new(), sources: Vec::new(), disabled: Vec::new(), max_removed_share: DEFAULT_MAX_REMOVED_SHARE, examples: false }
    }
}

impl CleanerBuilder {
    /// Use (the default) or leave out the embedded default rules.
    pub fn default_rules(mut self, yes: bool) -> Self {
        self.defaults = yes;
        self
    }

    /// Adds a rule file, or every `*.toml` file of a folder.
    pub fn rules_path(mut self, path: impl AsRef<Path>) -> Self {
        self.paths.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds rules from a string; `name` is used in error messages.
    pub fn rules_str(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.sources.push((name.into(), toml.into()));
        self
    }

    /// Also loads the default rules' inline examples into [`Rule::examples`] (off by default), for
    /// [`check_examples`] and the rule listings. Cleaning never reads them, and they are a third
    /// of the default rule files. Rules added with [`CleanerBuilder::rules_path`] or
    /// [`CleanerBuilder::rules_str`] always keep theirs.
    pub fn examples(mut self, yes: bool) -> Self {
        self.examples = yes;
        self
    }

    /// Disables a rule by id, or every rule of a category by its name.
    pub fn disable(mut self, id_or_category: impl Into<String>) -> Self {
        self.disabled.push(id_or_category.into());
        self
    }

    /// The removal cap: a document of at least [`GUARD_MIN_CHARS`] non-space characters whose edits
    /// would remove more than this share of them is output unchanged, with [`Cleaned::held`] saying
    /// why. Default [`DEFAULT_MAX_REMOVED_SHARE`]; `1.0` (or more) turns the guard off.
    pub fn max_removed_share(mut self, share: f64) -> Self {
        self.max_removed_share = share;
        self
    }

    /// Loads and compiles the rules.
    pub fn build(self) -> Result<Cleaner, Error> {
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        if self.defaults {
            // Each default file parses on its own (two at a time); their ids are then checked
            // together, in file order, as one sequential load would.
            let files = if self.examples { rules::default_files() } else { rules::default_files_without_examples() };
            let loaded = par::map(files, |(_, text)| rules::load_cost(text), |(path, text)| rules::load_builtin_str(path, text, &mut HashSet::new()));
            for file in loaded {
                for rule in file? {
                    if !seen.insert(rule.id.to_string()) {
                        return Err(Error::Build(format!("{}:{}: duplicate rule id `{}`", rule.source.path, rule.source.line, rule.id)));
                    }
                    rules.push(rule);
                }
            }
        }
        for p in &self.paths {
            rules.extend(rules::load_path(p, &mut seen)?);
        }
        for (name, text) in &self.sources {
            rules.extend(rules::load_str(name, text, &mut seen)?);
        }
        for d in &self.disabled {
            let cat = d.parse::<Category>().ok();
            if cat.is_none() && !rules.iter().any(|r| &*r.id == d.as_str()) {
                return Err(Error::UnknownRule(d.clone()));
            }
        }
        rules.retain(|r| {
            !self.disabled.iter().any(|d| &*r.id == d.as_str() || d.parse::<Category>().ok() == Some(r.category))
        });
        let mut c = Cleaner::from_rules(rules)?;
        c.max_removed_share = self.max_removed_share;
        Ok(c)
    }
}

/// A compiled rule set. Build once, then clean any number of documents, from any number of threads
/// (`Cleaner` is `Send + Sync`).
#[derive(Debug)]
pub struct Cleaner {
    rules: Vec<Rule>,
    index: engine::Index,
    max_removed_share: f64,
}

impl Cleaner {
    /// A cleaner with the default rules.
    pub fn new() -> Result<Cleaner, Error> {
        CleanerBuilder::default().build()
    }

    /// Starts a [`CleanerBuilder`].
    pub fn builder() -> CleanerBuilder {
        CleanerBuilder::default()
    }

    /// A cleaner from already loaded rules.
    pub fn from_rules(rules: Vec<Rule>) -> Result<Cleaner, Error> {
        let index = engine::Index::build(&rules).map_err(Error::Build)?;
        Ok(Cleaner { rules, index, max_removed_share: DEFAULT_MAX_REMOVED_SHARE })
    }

    /// The rules in use, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The edits the rules make to `text`, sorted and non-overlapping; none when a guard holds the
    /// document back ([`Cleaner::judge`] says why).
    ///
    /// A leading byte-order mark (U+FEFF) is never removed: the rules see the text after it.
    pub fn edits(&self, text: &str) -> Vec<Edit> {
        self.judge(text).0
    }

    /// The edits, or none and the reason a guard held the document back.
    pub fn judge(&self, text: &str) -> (Vec<Edit>, Option<Held>) {
        self.judge_with(text, None)
    }

    /// [`Cleaner::judge`], given the offsets of every `\n` and `\r` in `text` when the caller
    /// knows them (a JSON string's reader finds them as escapes): the lines are then cut
    /// without a search.
    pub(crate) fn judge_with(&self, text: &str, breaks: Option<&[usize]>) -> (Vec<Edit>, Option<Held>) {
        let edits = self.proposed(text, breaks);
        match self.guard(text, &edits) {
            Some(held) => (Vec::new(), Some(held)),
            None => (edits, None),
        }
    }

    /// The rules' edits before the guards.
    fn proposed(&self, text: &str, breaks: Option<&[usize]>) -> Vec<Edit> {
        const BOM: char = '\u{FEFF}';
        let Some(rest) = text.strip_prefix(BOM) else {
            return engine::run_with(&self.rules, &self.index, text, breaks);
        };
        let shifted: Option<Vec<usize>> = breaks.map(|b| b.iter().map(|&p| p - BOM.len_utf8()).collect());
        let mut edits = engine::run_with(&self.rules, &self.index, rest, shifted.as_deref());
        for e in &mut edits {
            e.start += BOM.len_utf8();
            e.end += BOM.len_utf8();
        }
        edits
    }

    /// The removal cap (see [`CleanerBuilder::max_removed_share`]).
    fn guard(&self, text: &str, edits: &[Edit]) -> Option<Held> {
        if edits.is_empty() || self.max_removed_share >= 1.0 {
            return None;
        }
        let solid = text::solid_chars;
        let would_remove: usize = edits.iter().map(|e| solid(&e.text)).sum();
        // Holding needs `of >= GUARD_MIN_CHARS` and `would_remove > share * of`: most changed
        // documents lose far less than that, and skip counting the whole text.
        if would_remove as f64 <= self.max_removed_share * GUARD_MIN_CHARS as f64 {
            return None;
        }
        let of = solid(text);
        if of < GUARD_MIN_CHARS {
            return None;
        }
        (would_remove as f64 > self.max_removed_share * of as f64).then(|| Held {
            guard: "max_removed_share",
            would_remove,
            of,
            limit_permille: (self.max_removed_share.max(0.0) * 1000.0).round() as u32,
            proposed_edits: edits.len(),
        })
    }

    /// Cleans one document.
    pub fn clean(&self, text: &str) -> Cleaned {
        let (edits, held) = self.judge(text);
        Cleaned { text: apply(text, &edits), edits, held }
    }

    /// Cleans bytes that may not be valid UTF-8 (the CLI's `--lossy`).
    ///
    /// Every run of invalid UTF-8 is deleted and reported as an edit of category
    /// [`Category::InvalidUtf8`] (rule id `invalid-utf8`); the rules then clean the remaining text
    /// (the valid pieces, joined). All edit offsets are byte offsets into `bytes`, sorted and
    /// non-overlapping, and the deletion-only invariant holds on bytes:
    /// `apply_bytes(bytes, &cleaned.edits) == cleaned.text.as_bytes()`.
    ///
    /// Since `Edit::text` is a `String`, an `invalid_utf8` edit cannot hold the removed bytes
    /// themselves: its `text` is one U+FFFD per invalid sequence (as `String::from_utf8_lossy`
    /// would show it) and its `reason` lists the bytes in hex. Every other edit's `text` is exactly
    /// `bytes[start..end]`. A rule's removal that spans invalid bytes is reported as several
    /// edits, one per valid piece, around the `invalid_utf8` edits. For valid input the result is
    /// exactly [`Cleaner::clean`]'s.
    pub fn clean_lossy(&self, bytes: &[u8]) -> Cleaned {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return self.clean(text);
        }
        lossy::clean(self, bytes)
    }
}

/// The bytes minus the edit spans; [`apply`] for [`Cleaner::clean_lossy`]'s byte offsets.
pub fn apply_bytes(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(kept_len(bytes.len(), edits));
    for r in kept(bytes.len(), edits) {
        out.extend_from_slice(&bytes[r]);
    }
    out
}

/// The ranges of `0..len` that sorted, non-overlapping `edits` leave, in order (some empty).
fn kept(len: usize, edits: &[Edit]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let starts = std::iter::once(0).chain(edits.iter().map(|e| e.end));
    let ends = edits.iter().map(|e| e.start).chain(std::iter::once(len));
    starts.zip(ends).map(|(a, b)| a..b)
}

/// How many of `len` bytes `edits` leave.
fn kept_len(len: usize, edits: &[Edit]) -> usize {
    len - edits.iter().map(|e| e.end - e.start).sum::<usize>().min(len)
}

/// The text minus the edit spans. Edits must be sorted and non-overlapping, as [`Cleaner::edits`]
/// returns them.
///
/// # Panics
/// If an edit does not start and end on character boundaries of `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    assert!(edits.iter().all(|e| text.is_char_boundary(e.start) && text.is_char_boundary(e.end)), "edits must lie on character boundaries");
    // Joined from `str` pieces: cutting at character boundaries keeps UTF-8 valid, so the output
    // is not validated again.
    let mut out = String::with_capacity(kept_len(text.len(), edits));
    for r in kept(text.len(), edits) {
        out.push_str(&text[r]);
    }
    out
}

/// The text of every file of `fixtures/` (one folder per rule or topic), in path order: the real
/// and realistic pages the unit tests hold shortcuts to the long way on.
#[cfg(test)]
pub(crate) fn fixture_texts() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    for dir in std::fs::read_dir(root).expect("the fixtures folder") {
        paths.extend(std::fs::read_dir(dir.expect("a fixtures entry").path()).into_iter().flatten().map(|f| f.expect("a fixture file").path()));
    }
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
}

/// A xorshift generator for the tests' random cases, the same cases on every run.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// Every line of every file of `fixtures/` (see [`fixture_texts`]).
#[cfg(test)]
pub(crate) fn fixture_lines() -> Vec<String> {
    fixture_texts().iter().flat_map(|t| t.lines().map(str::to_string)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn cleaner_is_send_and_sync() {
        assert_send_sync::<Cleaner>();
    }

    #[test]
    fn disable_rejects_unknown_names() {
        let e = Cleaner::builder().disable("no-such-rule").build().unwrap_err();
        assert!(e.to_string().contains("no-such-rule"));
    }
}

/// One inline rule example that did not do what it says.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule: Arc<str>,
    /// `path:line` of the example in its rule file.
    pub location: String,
    pub input: String,
    pub expected: String,
    pub got: String,
}

/// Runs every inline example of `rules`, each with its own rule alone (a `topic` rule's with all
/// of `rules`). Returns how many ran and
/// the ones that failed. The default rules carry their examples only in a cleaner built with
/// [`CleanerBuilder::examples`].
pub fn check_examples(rules: &[Rule]) -> Result<(usize, Vec<ExampleFailure>), Error> {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if rule.examples.is_empty() {
            continue;
        }
        // A `topic` rule removes nothing alone: its examples show what it keeps of what the
        // other rules of the set would remove.
        let one = if matches!(rule.kind, rules::Kind::Topic(_)) { rules } else { &rules[i..=i] };
        let index = engine::Index::build(one).map_err(Error::Build)?;
        for (ex, src) in &rule.examples {
            ran += 1;
            let edits = engine::run(one, &index, &ex.input);
            let got = apply(&ex.input, &edits);
            let expected = ex.output.clone().unwrap_or_else(|| ex.input.clone());
            if got != expected {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    location: format!("{}:{}", src.path, src.line),
                    input: ex.input.clone(),
                    expected,
                    got,
                });
            }
        }
    }
    Ok((ran, failures))
}
