//! Rule files: loading, validation and the compiled rule set.
//!
//! A rule is data: one `[[rule]]` table in a TOML file under `rules/` (embedded as the default set)
//! or in a file the user passes with `--rules`. What a rule *does* is fixed by its `kind`, one of a
//! small closed set of Rust types, one module each:
//!
//! | kind            | module             | removes                                                   |
//! |-----------------|--------------------|-----------------------------------------------------------|
//! | `phrase`        | [`phrase`]         | a line that is made of known boilerplate phrases          |
//! | `pattern`       | [`pattern`]        | a short line matching a regular expression                |
//! | `cues`          | [`cues`]           | a short line holding a phrase of every cue group          |
//! | `caption`       | [`caption`]        | photo captions and trailing agency credits                |
//! | `foreign_token` | [`foreign_token`]  | a short run of another script dropped into a sentence     |
//! | `region`        | [`region`]         | a start line and the form / list lines that follow it     |
//! | `context`       | [`context`]        | menu and link-list lines of whole pages rendered as text  |
//!
//! The loader is strict (unknown keys, duplicate ids, bad regexes and unknown categories are errors)
//! and every error points at `PATH:LINE:COL` of the offending token, as typos and vale do.

pub mod caption;
pub mod context;
pub mod cues;
pub(crate) mod entries;
pub mod foreign_token;
pub mod hircode;
pub(crate) mod nfacode;
pub mod pattern;
pub mod phrase;
pub mod region;
pub mod topic;

use crate::category::Category;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Phrases or labels by language code (`en`, `de`, `ko`, ... or `any`).
pub type Lexicon = BTreeMap<String, Vec<String>>;

/// One inline example of a rule: `input`, and the `output` the rule alone must produce from it
/// (absent: the input must come out unchanged, a must-keep example).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub input: String,
    #[serde(default)]
    pub output: Option<String>,
}

/// A rule table exactly as written in a rule file. Fields that do not apply to a rule's kind are
/// rejected when it is compiled.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub category: Spanned<Category>,
    pub description: String,
    #[serde(default)]
    pub example: Vec<Spanned<Example>>,
    // phrase / region
    pub phrases: Option<Spanned<Lexicon>>,
    pub labels: Option<Spanned<Lexicon>>,
    #[serde(rename = "match")]
    pub match_: Option<Spanned<String>>,
    pub counts: Option<Spanned<Lexicon>>,
    pub start: Option<Spanned<Lexicon>>,
    pub members: Option<Spanned<Lexicon>>,
    pub page_only_start: Option<Spanned<Lexicon>>,
    pub named_start: Option<Spanned<Lexicon>>,
    pub ends_at: Option<Spanned<Lexicon>>,
    // topic
    pub titles: Option<Spanned<Lexicon>>,
    pub keeps: Option<Spanned<Vec<Spanned<String>>>>,
    pub max_lines: Option<Spanned<u32>>,
    pub member_max_chars: Option<Spanned<u32>>,
    pub headline_max_chars: Option<Spanned<u32>>,
    pub stop_at_blank: Option<Spanned<bool>>,
    pub blank_ends_after: Option<Spanned<u32>>,
    pub needs_member: Option<Spanned<bool>>,
    pub glued_start: Option<Spanned<bool>>,
    pub to_end: Option<Spanned<bool>>,
    pub after: Option<Spanned<Vec<Spanned<String>>>>,
    // pattern
    pub patterns: Option<Spanned<BTreeMap<String, Vec<Spanned<String>>>>>,
    pub not_next_to: PatternLists,
    // region (`to_end`)
    pub thread_evidence: PatternLists,
    pub allowed_labels: Option<Spanned<Lexicon>>,
    // cues
    pub all_of: Option<Spanned<Vec<Lexicon>>>,
    pub none_of: Option<Spanned<Lexicon>>,
    pub none_of_quoted: Option<Spanned<Lexicon>>,
    pub none_of_above: Option<Spanned<bool>>,
    // caption
    pub cues: Option<Spanned<Lexicon>>,
    pub weak_cues: Option<Spanned<Lexicon>>,
    pub prefixes: Option<Spanned<Lexicon>>,
    pub credit_prefixes: Option<Spanned<Lexicon>>,
    pub list_prefixes: Option<Spanned<Lexicon>>,
    pub source_prefixes: Option<Spanned<Lexicon>>,
    pub agencies: Option<Spanned<Lexicon>>,
    pub max_credit_chars: Option<Spanned<u32>>,
    pub max_cue_chars: Option<Spanned<u32>>,
    // foreign_token
    pub mention_cues: Option<Spanned<Lexicon>>,
    pub mention_after: Option<Spanned<Lexicon>>,
    pub loanwords: Option<Spanned<Lexicon>>,
    pub conjunctions: Option<Spanned<Lexicon>>,
    pub unlabelled_scripts: Option<Spanned<Vec<String>>>,
    pub remove_unlabelled: Option<Spanned<bool>>,
    pub labelled_only_pairs: Option<Spanned<Vec<[String; 2]>>>,
    pub max_words: Option<Spanned<u32>>,
    // shared thresholds
    pub max_chars: Option<Spanned<u32>>,
    pub position: Option<Spanned<String>>,
    // context
    pub stopwords: Option<Spanned<Lexicon>>,
    pub content_headings: Option<Spanned<Lexicon>>,
    pub thresholds: Option<Spanned<BTreeMap<String, f64>>>,
}

/// A rule's table of regular expressions, a list per language (`patterns`, `not_next_to`,
/// `thread_evidence`).
pub type PatternLists = Option<Spanned<BTreeMap<String, Vec<Spanned<String>>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

/// An error in a rule file, located at `path:line:col`; `line` and `col` are 0 for an error of
/// the file as a whole (it cannot be read), shown as `path: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.path, self.message);
        }
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.col, self.message)
    }
}

impl std::error::Error for RuleError {}

/// Where a rule came from, for `--explain` and error messages.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: String,
    pub line: usize,
}

/// Location helper while compiling one file.
pub struct FileCtx<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// One of the default rule files, embedded in the binary: the tests compile everything in
    /// them, so work that only checks a user's file (a guard's size) can wait until first use.
    pub builtin: bool,
    /// Where `text`'s lines start, to place its rules, examples and patterns (one index per file:
    /// counting the newlines before each of them was quadratic in the file's size).
    pub lines: crate::report::LineIndex,
}

impl FileCtx<'_> {
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> RuleError {
        let (line, col) = line_col(self.text, span.start);
        RuleError { path: self.path.to_string(), line, col, message: message.into() }
    }
}

/// 1-based line and column (in Unicode scalar values) of byte `pos`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let mut p = pos;
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    let before = &text[..p];
    // memchr: rule files are read whole and every rule and example is located, so this runs a few
    // hundred times per file.
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The compiled form of one rule's kind.
#[derive(Debug)]
pub enum Kind {
    Phrase(phrase::Phrase),
    Pattern(pattern::Pattern),
    Cues(cues::Cues),
    Caption(caption::Caption),
    ForeignToken(foreign_token::ForeignToken),
    Region(region::Region),
    Context(context::Context),
    Topic(topic::Topic),
}

impl Kind {
    /// Whether the rule's `none_of` phrases also veto a line from the nearest kept line above it
    /// (a `pattern` rule's `none_of_above`).
    pub fn none_of_above(&self) -> bool {
        matches!(self, Kind::Pattern(p) if p.none_of_above)
    }

    /// The rule's `not_next_to` guard, for the kinds that take one (`phrase`, `pattern`, `region`).
    pub fn not_next_to(&self) -> Option<&pattern::NotNextTo> {
        match self {
            Kind::Phrase(p) => p.not_next_to.as_ref(),
            Kind::Pattern(p) => p.not_next_to.as_ref(),
            Kind::Region(g) => g.not_next_to.as_ref(),
            Kind::Caption(c) => c.not_next_to.as_ref(),
            _ => None,
        }
    }

    /// The rule's vetoes, for the kinds that take them.
    pub fn vetoes(&self) -> Option<&Vetoes> {
        match self {
            Kind::Cues(c) => Some(&c.vetoes),
            Kind::Pattern(p) => Some(&p.vetoes),
            Kind::Caption(c) => Some(&c.vetoes),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Kind::Phrase(_) => "phrase",
            Kind::Pattern(_) => "pattern",
            Kind::Cues(_) => "cues",
            Kind::Caption(_) => "caption",
            Kind::ForeignToken(_) => "foreign_token",
            Kind::Region(_) => "region",
            Kind::Context(_) => "context",
            Kind::Topic(_) => "topic",
        }
    }
}

/// The rule kinds, for messages.
pub const KINDS: &[&str] = &["phrase", "pattern", "cues", "caption", "foreign_token", "region", "context", "topic"];

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: std::sync::Arc<str>,
    pub category: Category,
    pub description: String,
    pub languages: Vec<String>,
    /// The rule's inline examples. The default rules' are loaded only by a cleaner built with
    /// [`crate::CleanerBuilder::examples`]; a user's rule file always keeps its own.
    pub examples: Vec<(Example, Source)>,
    pub source: Source,
    pub kind: Kind,
}

impl Rule {
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// Checks that only the fields named in `allowed` (besides the common ones) are set.
pub(crate) fn check_fields(ctx: &FileCtx, raw: &RawRule, allowed: &[&str]) -> Result<(), RuleError> {
    macro_rules! field {
        ($($name:literal => $f:ident),*) => {
            $(
                if let Some(v) = &raw.$f {
                    if !allowed.contains(&$name) {
                        return Err(ctx.error(v.span(), format!(
                            "`{}` does not apply to rules of kind `{}` (it takes: {})",
                            $name, raw.kind.get_ref(), allowed.join(", "))));
                    }
                }
            )*
        };
    }
    field!("phrases" => phrases, "labels" => labels, "match" => match_, "counts" => counts, "start" => start,
        "members" => members, "page_only_start" => page_only_start, "named_start" => named_start, "ends_at" => ends_at, "max_lines" => max_lines, "member_max_chars" => member_max_chars, "headline_max_chars" => headline_max_chars,
        "stop_at_blank" => stop_at_blank, "blank_ends_after" => blank_ends_after, "needs_member" => needs_member, "glued_start" => glued_start, "to_end" => to_end, "patterns" => patterns, "not_next_to" => not_next_to, "thread_evidence" => thread_evidence, "allowed_labels" => allowed_labels, "all_of" => all_of, "none_of" => none_of, "none_of_quoted" => none_of_quoted, "none_of_above" => none_of_above,
        "cues" => cues, "weak_cues" => weak_cues, "prefixes" => prefixes, "credit_prefixes" => credit_prefixes, "list_prefixes" => list_prefixes, "source_prefixes" => source_prefixes, "agencies" => agencies,
        "max_credit_chars" => max_credit_chars, "max_cue_chars" => max_cue_chars, "mention_cues" => mention_cues, "mention_after" => mention_after, "loanwords" => loanwords, "conjunctions" => conjunctions,
        "unlabelled_scripts" => unlabelled_scripts, "remove_unlabelled" => remove_unlabelled, "labelled_only_pairs" => labelled_only_pairs,
        "max_words" => max_words, "max_chars" => max_chars, "position" => position,
        "stopwords" => stopwords, "content_headings" => content_headings, "thresholds" => thresholds, "titles" => titles, "keeps" => keeps);
    Ok(())
}

/// A required field, or an error at the rule's `kind`.
pub(crate) fn required<'r, T>(ctx: &FileCtx, raw: &'r RawRule, v: &'r Option<Spanned<T>>, name: &str) -> Result<&'r T, RuleError> {
    v.as_ref().map(|s| s.get_ref()).ok_or_else(|| {
        ctx.error(raw.kind.span(), format!("rules of kind `{}` need `{}`", raw.kind.get_ref(), name))
    })
}

/// Validates a lexicon: non-empty phrases, language keys that look like codes.
pub(crate) fn check_lexicon(ctx: &FileCtx, lex: &Spanned<Lexicon>, name: &str) -> Result<(), RuleError> {
    for (lang, phrases) in lex.get_ref() {
        let ok = lang == "any" || (lang.len() >= 2 && lang.len() <= 8 && lang.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        if !ok {
            return Err(ctx.error(lex.span(), format!("`{name}`: `{lang}` is not a language code (use ISO 639-1 like `en`, or `any`)")));
        }
        if let Some(p) = phrases.iter().find(|p| p.trim().is_empty()) {
            return Err(ctx.error(lex.span(), format!("`{name}.{lang}` has an empty phrase {p:?}")));
        }
    }
    Ok(())
}

/// The phrases of an optional lexicon field, checked, as written (empty when the field is absent).
pub(crate) fn optional_phrases(ctx: &FileCtx, lex: &Option<Spanned<Lexicon>>, name: &str) -> Result<Vec<String>, RuleError> {
    let Some(l) = lex else { return Ok(Vec::new()) };
    check_lexicon(ctx, l, name)?;
    Ok(all_phrases(l.get_ref()).map(str::to_string).collect())
}

/// The phrases that veto a `cues`, `pattern` or `caption` rule on a line: `none_of` anywhere in
/// it, `none_of_quoted` where a quotation opens right before them (see the engine's `Veto`).
#[derive(Debug, Default)]
pub struct Vetoes {
    pub none_of: Vec<String>,
    pub none_of_quoted: Vec<String>,
}

impl Vetoes {
    fn from_raw(ctx: &FileCtx, raw: &RawRule) -> Result<Vetoes, RuleError> {
        Ok(Vetoes { none_of: optional_phrases(ctx, &raw.none_of, "none_of")?, none_of_quoted: optional_phrases(ctx, &raw.none_of_quoted, "none_of_quoted")? })
    }
}

/// All phrases of a lexicon, in any language.
pub(crate) fn all_phrases(lex: &Lexicon) -> impl Iterator<Item = &str> {
    lex.values().flat_map(|v| v.iter().map(String::as_str))
}

/// Parses one rule file into compiled rules. `seen_ids` guards against duplicates across files.
pub fn load_str(path: &str, text: &str, seen_ids: &mut HashSet<String>) -> Result<Vec<Rule>, RuleError> {
    load_file(FileCtx { path, text, builtin: false, lines: crate::report::LineIndex::new(text) }, seen_ids)
}

/// [`load_str`] for one of the embedded default files.
pub(crate) fn load_builtin_str(path: &str, text: &str, seen_ids: &mut HashSet<String>) -> Result<Vec<Rule>, RuleError> {
    load_file(FileCtx { path, text, builtin: true, lines: crate::report::LineIndex::new(text) }, seen_ids)
}

fn load_file(ctx: FileCtx, seen_ids: &mut HashSet<String>) -> Result<Vec<Rule>, RuleError> {
    let (path, text) = (ctx.path, ctx.text);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ctx.error(span, e.message().trim().replace('\n', " "))
    })?;
    let mut rules = Vec::with_capacity(raw.rule.len());
    for r in raw.rule {
        let id = r.id.get_ref().clone();
        let id_ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_');
        if !id_ok {
            return Err(ctx.error(r.id.span(), format!("rule id `{id}` must be lowercase ASCII letters, digits, `-`, `_` or `.`")));
        }
        if id.parse::<Category>().is_ok() {
            return Err(ctx.error(r.id.span(), format!("rule id `{id}` is a category name; pick another so --disable stays unambiguous")));
        }
        if !seen_ids.insert(id.clone()) {
            return Err(ctx.error(r.id.span(), format!("duplicate rule id `{id}`")));
        }
        if r.description.trim().is_empty() {
            return Err(ctx.error(r.id.span(), format!("rule `{id}` needs a description")));
        }
        let kind = match r.kind.get_ref().as_str() {
            "phrase" => Kind::Phrase(phrase::Phrase::compile(&ctx, &r)?),
            "pattern" => Kind::Pattern(pattern::Pattern::compile(&ctx, &r)?),
            "cues" => Kind::Cues(cues::Cues::compile(&ctx, &r)?),
            "caption" => Kind::Caption(caption::Caption::compile(&ctx, &r)?),
            "foreign_token" => Kind::ForeignToken(foreign_token::ForeignToken::compile(&ctx, &r)?),
            "region" => Kind::Region(region::Region::compile(&ctx, &r)?),
            "context" => Kind::Context(context::Context::compile(&ctx, &r)?),
            "topic" => Kind::Topic(topic::Topic::compile(&ctx, &r)?),
            other => {
                return Err(ctx.error(r.kind.span(), format!("unknown rule kind `{other}` (expected one of: {})", KINDS.join(", "))))
            }
        };
        let mut languages: Vec<String> = Vec::new();
        for lex in [&r.phrases, &r.labels, &r.counts, &r.start, &r.members, &r.cues, &r.weak_cues, &r.prefixes, &r.credit_prefixes, &r.source_prefixes, &r.agencies, &r.stopwords, &r.content_headings, &r.titles]
            .into_iter()
            .flatten()
        {
            languages.extend(lex.get_ref().keys().cloned());
        }
        if let Some(groups) = &r.all_of {
            for g in groups.get_ref() {
                languages.extend(g.keys().cloned());
            }
        }
        if let Some(p) = &r.patterns {
            languages.extend(p.get_ref().keys().cloned());
        }
        languages.sort();
        languages.dedup();
        let (line, _) = ctx.lines.line_col(text, r.id.span().start);
        let examples = r
            .example
            .iter()
            .map(|e| (e.get_ref().clone(), Source { path: path.to_string(), line: ctx.lines.line_col(text, e.span().start).0 }))
            .collect();
        rules.push(Rule {
            id: id.into(),
            category: *r.category.get_ref(),
            description: r.description.trim().to_string(),
            languages,
            examples,
            source: Source { path: path.to_string(), line },
            kind,
        });
    }
    Ok(rules)
}

/// Reads a rule file, or every `*.toml` file of a folder (sorted by name).
pub fn load_path(path: &Path, seen_ids: &mut HashSet<String>) -> Result<Vec<Rule>, RuleError> {
    let io_err = |p: &Path, e: std::io::Error| RuleError { path: p.display().to_string(), line: 0, col: 0, message: e.to_string() };
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(|e| io_err(path, e))? {
            let p = entry.map_err(|e| io_err(path, e))?.path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            // A folder given for rules that holds none is a mistake (a wrong path, a missing
            // extension), not a wish for no rules.
            return Err(RuleError { path: path.display().to_string(), line: 0, col: 0, message: "a folder of rules with no `*.toml` file in it".to_string() });
        }
    } else {
        files.push(path.to_path_buf());
    }
    let mut rules = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| io_err(&f, e))?;
        let name = f.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, col) = line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
            RuleError { path: name.clone(), line, col, message: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()) }
        })?;
        rules.extend(load_str(&name, &text, seen_ids)?);
    }
    Ok(rules)
}

/// A rough measure of the work of loading a rule file, to schedule the default files over two
/// threads. For a default file, the bytes of its copy without examples (what cleaning loads):
/// parsing the TOML and the phrases in it is the work, as its patterns' trees and line sets were
/// built when textsweep was (see [`stored_entry_heads`]). For any other text, the bytes of its
/// pattern lines (`patterns…` keys and the literal strings of their arrays), which are parsed at
/// load, count in full, every other byte a tenth.
pub(crate) fn load_cost(text: &str) -> usize {
    // Found by content (lengths first): the same text may sit at more than one address.
    let same = |(_, t): &(&str, &str)| t.len() == text.len() && *t == text;
    let builtin = default_files().iter().position(same).or_else(|| default_files_without_examples().iter().position(same));
    if let Some((_, lean)) = builtin.and_then(|i| default_files_without_examples().get(i)) {
        return lean.len();
    }
    let pattern_bytes: usize = text.lines().filter(|l| { let l = l.trim_start(); l.starts_with("patterns") || l.starts_with('\'') }).map(str::len).sum();
    pattern_bytes + text.len() / 10
}

/// A regular expression parsed with `regex_syntax`'s default settings: from the trees `build.rs`
/// stored for the default rules' patterns when there is one for `text` (see [`hircode`]), else
/// parsed now.
pub(crate) fn parse_regex(text: &str) -> Result<regex_syntax::hir::Hir, Box<regex_syntax::Error>> {
    prebuilt(text).map_or_else(|| regex_syntax::ParserBuilder::new().build().parse(text).map_err(Box::new), Ok)
}

/// A table `build.rs` wrote: values one after another in `blob`, and their keys, sorted, each
/// with its value's range in `blob`.
struct Keyed {
    index: &'static [(&'static str, usize, usize)],
    blob: &'static [u8],
}

impl Keyed {
    /// The place of `key` among the keys.
    fn position(&self, key: &str) -> Option<usize> {
        self.index.binary_search_by(|(k, _, _)| (*k).cmp(key)).ok()
    }

    /// The value at place `i`.
    fn value(&self, i: usize) -> Option<&'static [u8]> {
        let (_, start, end) = self.index.get(i)?;
        self.blob.get(*start..*end)
    }

    fn get(&self, key: &str) -> Option<&'static [u8]> {
        self.value(self.position(key)?)
    }
}

/// The default patterns' texts, each with its tree (`hircode`).
static PARSED: Keyed = Keyed {
    index: include!(concat!(env!("OUT_DIR"), "/parsed_patterns.rs")),
    blob: include_bytes!(concat!(env!("OUT_DIR"), "/parsed_patterns.bin")),
};

/// The tree `build.rs` stored for `text`, if any.
fn prebuilt(text: &str) -> Option<regex_syntax::hir::Hir> {
    hircode::decode(PARSED.get(text)?)
}

/// Each default `pattern` rule's line-set entries as `build.rs` computed them (`entries.rs`),
/// keyed by the rule's wrapped patterns in the loader's order, joined by NUL.
static ENTRIES: Keyed = Keyed {
    index: include!(concat!(env!("OUT_DIR"), "/rule_entries.rs")),
    blob: include_bytes!(concat!(env!("OUT_DIR"), "/rule_entries.bin")),
};

/// The entries `build.rs` stored for a rule whose wrapped patterns are `wrapped`, if any: the
/// same as the loader finds by parsing, gating and joining them (unit test), without that work.
#[cfg(test)]
pub(crate) fn stored_entries(wrapped: &[String]) -> Option<Vec<pattern::Compiled>> {
    stored_trees(ENTRIES.position(&wrapped.join("\0"))? as u32)
}

/// The stored entries of a rule whose wrapped patterns are `wrapped`, without their trees, and
/// the place of its key among the stored keys (the stored line sets name their entries by it,
/// see [`stored_line_set`]).
pub(crate) fn stored_entry_heads(wrapped: &[String]) -> Option<(u32, Vec<entries::Entry>)> {
    let key = ENTRIES.position(&wrapped.join("\0"))?;
    Some((key as u32, entries::decode_entry_heads(ENTRIES.value(key)?)?))
}

/// The stored entries of the rule whose key is at `key`, with their trees.
pub(crate) fn stored_trees(key: u32) -> Option<Vec<pattern::Compiled>> {
    entries::decode_entries(ENTRIES.value(key as usize)?)
}

/// Each default rule's `not_next_to` set's NFA as `build.rs` compiled it, keyed by the rule's
/// wrapped guard patterns joined by NUL.
static GUARD_SETS: Keyed = Keyed {
    index: include!(concat!(env!("OUT_DIR"), "/guard_sets.rs")),
    blob: include_bytes!(concat!(env!("OUT_DIR"), "/guard_sets.bin")),
};

/// The NFA `build.rs` compiled for a `not_next_to` set of the patterns `wrapped` (with
/// [`pattern::SIZE_LIMIT`]), if it did: the same as compiling them now (unit test), as the set
/// depends on its patterns alone.
pub(crate) fn stored_guard_set(wrapped: &[String]) -> Option<regex_automata::nfa::thompson::NFA> {
    nfacode::decode(GUARD_SETS.get(&wrapped.join("\0"))?, pattern::SIZE_LIMIT)
}

/// The NFA size limit the default sets were compiled with, and each of the four sets (the main
/// one, those needing a digit, the gated, the floating: `engine::Index::build`) as `build.rs`
/// stored it: the (rule key, entry) of each of its patterns, in order, and its NFA's range in
/// [`LINE_SETS_BLOB`] (`nfacode.rs`). `None`: that set was not stored.
type StoredSets = (usize, [Option<(&'static [(u32, u32)], usize, usize)>; 4]);
static LINE_SETS: StoredSets = include!(concat!(env!("OUT_DIR"), "/line_sets.rs"));
static LINE_SETS_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/line_sets.bin"));

/// The NFA `build.rs` compiled for line set `set` (numbered as in [`LINE_SETS`]), when `origins`
/// (each entry's rule key and place, `None` for a user's rule) are the entries it was compiled
/// from and `size_limit` is at least the limit it was compiled with (the compiler's output does
/// not depend on the limit, only whether it fits: a user's pattern rule in another set raises the
/// limit and leaves this one stored); `None` otherwise, and then the set is compiled from its trees.
pub(crate) fn stored_line_set(set: usize, origins: &[Option<(u32, u32)>], size_limit: usize) -> Option<regex_automata::nfa::thompson::NFA> {
    let (limit, sets) = &LINE_SETS;
    let (stored, start, end) = (*sets.get(set)?)?;
    if *limit > size_limit || stored.len() != origins.len() || !stored.iter().zip(origins).all(|(s, o)| Some(*s) == *o) {
        return None;
    }
    nfacode::decode(LINE_SETS_BLOB.get(start..end)?, size_limit)
}

/// The default rule files, embedded at build time from `rules/*.toml`. (Statics, so that the
/// files are in the binary once: as a function's promoted constant they were copied into every
/// codegen unit it was inlined into, 2 MB more of the binary, 0.6 MB more resident.)
static DEFAULT_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/default_rules.rs"));
static DEFAULT_FILES_LEAN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/default_rules_lean.rs"));

/// The default rule files, embedded at build time from `rules/*.toml`.
pub fn default_files() -> &'static [(&'static str, &'static str)] {
    DEFAULT_FILES
}

/// [`default_files`] with every `[[rule.example]]` table blanked out line for line (`build.rs`),
/// so that every rule and error keeps its line: what a cleaner loads unless it is asked for the
/// examples ([`crate::CleanerBuilder::examples`]). The examples are a third of the files' bytes,
/// and parsing them was about a tenth of the rules' compile time.
pub(crate) fn default_files_without_examples() -> &'static [(&'static str, &'static str)] {
    DEFAULT_FILES_LEAN
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a cleaner loads by default is each default file less its examples: the same tables
    /// once the examples are taken out of the whole file, every line where it was, and the same
    /// rules, at the same lines, with no examples.
    #[test]
    fn default_files_without_examples_are_the_files_less_their_examples() {
        let tables = |text: &str| {
            let mut table: toml::Table = text.parse().unwrap();
            let mut examples = 0;
            for rule in table.get_mut("rule").and_then(toml::Value::as_array_mut).unwrap() {
                let rule = rule.as_table_mut().unwrap();
                examples += rule.remove("example").and_then(|e| e.as_array().map(Vec::len)).unwrap_or(0);
            }
            (table, examples)
        };
        let lean_files = default_files_without_examples();
        assert_eq!(lean_files.len(), default_files().len());
        for (&(path, whole), &(lean_path, lean)) in default_files().iter().zip(lean_files) {
            assert_eq!(path, lean_path);
            let ((a, examples), (b, none)) = (tables(whole), tables(lean));
            assert_eq!(a, b, "{path}");
            assert!(examples > 0 && none == 0, "{path}: {examples} examples, {none} left");
            assert_eq!(whole.lines().count(), lean.lines().count(), "{path}");
            assert!(lean.len() < whole.len(), "{path}");
            let (with, without) = (load_builtin_str(path, whole, &mut HashSet::new()).unwrap(), load_builtin_str(path, lean, &mut HashSet::new()).unwrap());
            assert_eq!(with.len(), without.len());
            for (x, y) in with.iter().zip(&without) {
                let what = |r: &Rule| (r.id.clone(), r.category, r.description.clone(), r.languages.clone(), r.source.path.clone(), r.source.line, r.kind_name());
                assert_eq!(what(x), what(y));
                assert!(!x.examples.is_empty() && y.examples.is_empty(), "{}", x.id);
            }
        }
        // Cleaning loads them; the examples are there when asked for.
        let count = |c: crate::Cleaner| c.rules().iter().map(|r| r.examples.len()).sum::<usize>();
        assert_eq!(count(crate::Cleaner::new().unwrap()), 0);
        assert!(count(crate::Cleaner::builder().examples(true).build().unwrap()) > 1000);
    }

    /// The line index a file's rules are placed with answers what `line_col` does at every
    /// character of every default rule file.
    #[test]
    fn file_line_index_is_line_col() {
        for (path, text) in default_files() {
            let lines = crate::report::LineIndex::new(text);
            for (p, _) in text.char_indices() {
                assert_eq!(lines.line_col(text, p), line_col(text, p), "{path}:{p}");
            }
        }
    }

    /// Whether `a` and `b`, searched anchored over a whole haystack, match exactly the same
    /// haystacks: every state of their joint DFA that matches one matches both. `None` when the
    /// DFA cannot be built or gives up on some byte (a Unicode word boundary).
    fn same_language(a: &regex_syntax::hir::Hir, b: &regex_syntax::hir::Hir) -> Option<bool> {
        use regex_automata::dfa::{dense, Automaton, StartKind};
        use regex_automata::nfa::thompson::{Compiler, Config, WhichCaptures};
        use regex_automata::{Anchored, Input, MatchKind};
        let nfa = Compiler::new().configure(Config::new().which_captures(WhichCaptures::None)).build_many_from_hir(&[a, b]).ok()?;
        let dfa = dense::Builder::new()
            .configure(dense::Config::new().match_kind(MatchKind::All).start_kind(StartKind::Anchored).minimize(false).dfa_size_limit(Some(1 << 28)).determinize_size_limit(Some(1 << 28)))
            .build_from_nfa(&nfa)
            .ok()?;
        let start = dfa.start_state_forward(&Input::new("").anchored(Anchored::Yes)).ok()?;
        let mut seen = HashSet::from([start]);
        let mut todo = vec![start];
        while let Some(s) = todo.pop() {
            if dfa.is_quit_state(s) {
                return None;
            }
            if dfa.is_match_state(s) && dfa.match_len(s) != 2 {
                return Some(false);
            }
            if dfa.is_dead_state(s) {
                continue;
            }
            for next in (0..=255u8).map(|x| dfa.next_state(s, x)).chain([dfa.next_eoi_state(s)]) {
                if seen.insert(next) {
                    todo.push(next);
                }
            }
        }
        Some(true)
    }

    /// The check above tells languages apart: a branch more, or one less.
    #[test]
    fn same_language_tells_patterns_apart() {
        let p = |s: &str| regex_syntax::parse(&pattern::wrap(s)).unwrap();
        assert_eq!(same_language(&p("ab|c|ad"), &p("a(?:b|d)|c")), Some(true));
        assert_eq!(same_language(&p("ab|c|ad"), &entries::factor(&p("ab|c|ad"))), Some(true));
        assert_eq!(same_language(&p("ab|c|ad"), &p("a(?:b|d)")), Some(false));
        assert_eq!(same_language(&p("ab|c"), &p("ab|c|ad")), Some(false));
        assert_eq!(same_language(&p("[0-9]+ comments?"), &p("[0-9]+ comment")), Some(false));
        assert_ne!(entries::factor(&p("ab|c|ad")), p("ab|c|ad"));
    }

    /// The alternations of `h`, outermost first.
    fn alternations<'h>(h: &'h regex_syntax::hir::Hir, out: &mut Vec<&'h regex_syntax::hir::Hir>) {
        use regex_syntax::hir::HirKind;
        match h.kind() {
            HirKind::Alternation(parts) => {
                out.push(h);
                parts.iter().for_each(|p| alternations(p, out));
            }
            HirKind::Concat(parts) => parts.iter().for_each(|p| alternations(p, out)),
            HirKind::Repetition(r) => alternations(&r.sub, out),
            HirKind::Capture(c) => alternations(&c.sub, out),
            _ => {}
        }
    }

    /// Every default `pattern` rule finds the entries `build.rs` stored for it, and they are the
    /// ones the loader computes for the same file read as a user's (each pattern parsed, gated,
    /// the ungated ones joined): the same trees, first patterns and gates, in the same order.
    #[test]
    fn stored_rule_entries_are_the_loaders() {
        let mut rules_seen = 0;
        let mut factored = 0;
        let mut too_big = Vec::new();
        let mut lines = Vec::new();
        for (path, text) in default_files() {
            let builtin = load_builtin_str(path, text, &mut HashSet::new()).unwrap();
            let user = load_str(path, text, &mut HashSet::new()).unwrap();
            assert_eq!(builtin.len(), user.len());
            for (b, u) in builtin.iter().zip(&user) {
                for (e, _) in &b.examples {
                    lines.extend(e.input.lines().chain(e.output.iter().flat_map(|o| o.lines())).map(|l| l.trim().to_string()));
                }
                let (Kind::Pattern(b), Kind::Pattern(u)) = (&b.kind, &u.kind) else { continue };
                rules_seen += 1;
                assert!(stored_entries(&b.patterns).is_some(), "{path}: {:?}", b.patterns);
                assert_eq!(b.patterns, u.patterns);
                assert_eq!(b.compiled.len(), u.compiled.len(), "{path}: {:?}", b.patterns);
                let (b_trees, u_trees) = (b.trees().unwrap(), u.trees().unwrap());
                let loaders = entries::factored(u.compiled.iter().zip(u_trees.iter()).map(|(c, hir)| entries::Compiled { hir: hir.clone(), first: c.first, gate: c.gate.clone() }).collect());
                for (((x, x_hir), y), (z, z_hir)) in b.compiled.iter().zip(b_trees.iter()).zip(&loaders).zip(u.compiled.iter().zip(u_trees.iter())) {
                    assert_eq!((x.first, &x.gate), (y.first, &y.gate), "{path}");
                    assert!(*x_hir == y.hir, "{path}: {} against {}", x_hir, y.hir);
                    // The stored placement is its tree's, and the entry goes to the set the
                    // loader's own tree goes to.
                    assert_eq!(x.place, entries::Placement::of(x_hir, x.gate.is_some()), "{path}: {x_hir}");
                    assert_eq!(x.place.set, z.place.set, "{path}: {x_hir}");
                    let x = entries::Compiled { hir: x_hir.clone(), first: x.first, gate: x.gate.clone() };
                    let z = entries::Compiled { hir: z_hir.clone(), first: z.first, gate: z.gate.clone() };
                    factored += usize::from(x.hir != z.hir);
                    // The factored tree matches exactly the lines the loader's tree matches:
                    // proven on their joint DFA. Where that DFA is too big to build, on each
                    // alternation of the loader's tree against its factored form: the factoring
                    // rewrites alternations only, each in its place, and concatenation,
                    // repetition and groups keep two alike parts alike. Where even one of those
                    // is too big, the trees are tried on every line of every default rule's
                    // examples.
                    if x.hir != z.hir {
                        match same_language(&x.hir, &z.hir) {
                            Some(same) => assert!(same, "{path}: {} against {}", x.hir, z.hir),
                            None => {
                                let mut alts = Vec::new();
                                alternations(&z.hir, &mut alts);
                                let mut proven = true;
                                for a in alts {
                                    match same_language(&entries::factor(a), a) {
                                        Some(same) => assert!(same, "{path}: {a}"),
                                        None => proven = false,
                                    }
                                }
                                if !proven {
                                    too_big.push((x.hir.clone(), z.hir.clone()));
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(rules_seen >= 20, "{rules_seen} pattern rules");
        assert!(factored >= 10, "{factored} entries factored");
        // One copyright list, whose alternation of site formulas is itself too big.
        assert!(too_big.len() <= 1, "{} entries not proven", too_big.len());
        for (x, z) in &too_big {
            let x = regex_automata::meta::Regex::builder().build_from_hir(x).unwrap();
            let z = regex_automata::meta::Regex::builder().build_from_hir(z).unwrap();
            let mut matched = 0;
            for l in &lines {
                assert_eq!(x.is_match(l.as_str()), z.is_match(l.as_str()), "{l:?}");
                matched += usize::from(z.is_match(l.as_str()));
            }
            assert!(matched > 0, "the example lines exercise every unproven entry");
        }
        // A list no default rule has is not found, nor one cut short.
        assert!(stored_entries(&["(?i)^(?:not a default pattern)$".to_string()]).is_none());
        // Malformed stored bytes are refused, never a panic.
        let good = ENTRIES.value(0).unwrap();
        assert!(entries::decode_entries(good).is_some());
        for cut in 0..good.len() {
            assert!(entries::decode_entries(&good[..cut]).is_none(), "a prefix of {cut} bytes decoded");
        }
    }

    /// A default file's load cost is the size of what cleaning loads, whether it is asked about
    /// with or without its examples; another text gets the estimate from its text.
    #[test]
    fn default_load_costs_are_the_lean_files() {
        for ((path, lean), (_, whole)) in default_files_without_examples().iter().zip(default_files()) {
            assert!(lean.len() < whole.len(), "{path}");
            assert_eq!(load_cost(lean), lean.len(), "{path}");
            assert_eq!(load_cost(whole), lean.len(), "{path}");
        }
        let other = format!("{} ", default_files()[0].1);
        assert_ne!(load_cost(&other), default_files_without_examples()[0].1.len());
    }

    /// Every tree `build.rs` stored decodes to exactly what parsing its text gives now, and every
    /// pattern of the default rules, as the loader wraps it, has one (so none is parsed at start).
    #[test]
    fn prebuilt_trees_equal_a_fresh_parse() {
        assert!(PARSED.index.len() > 100, "the build stored {} trees", PARSED.index.len());
        for (text, _, _) in PARSED.index {
            let fresh = regex_syntax::ParserBuilder::new().build().parse(text).unwrap();
            assert_eq!(prebuilt(text).as_ref(), Some(&fresh), "{text}");
        }
        let mut n = 0;
        for (path, text) in default_files() {
            for rule in load_str(path, text, &mut HashSet::new()).unwrap() {
                if let Kind::Pattern(p) = &rule.kind {
                    for w in &p.patterns {
                        assert!(prebuilt(w).is_some(), "{path}: rule {}: no stored tree for {w}", rule.id);
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 100, "{n} default patterns");
        // A text the build never saw is parsed, with its error when it has one.
        assert!(parse_regex("(?i)^(?:no such default pattern [a-z]+)$").is_ok());
        assert!(parse_regex("(?i)^(?:unclosed [a-z)$").is_err());
    }

    /// The default files' `not_next_to` guards are compiled when a line first needs one, not at
    /// load: each must compile. (A user's file is compiled at load, where a failure has a place.)
    #[test]
    fn default_neighbour_guards_compile() {
        let (mut n, mut evidence) = (0, 0);
        for (path, text) in default_files() {
            for rule in load_builtin_str(path, text, &mut HashSet::new()).unwrap() {
                if let Some(g) = rule.kind.not_next_to() {
                    assert!(g.compiles(), "{path}: rule {}", rule.id);
                    n += 1;
                }
                if let Kind::Region(g) = &rule.kind {
                    if let Some(ev) = &g.thread_evidence {
                        assert!(ev.compiles(), "{path}: rule {}'s thread_evidence", rule.id);
                        evidence += 1;
                    }
                }
            }
        }
        assert!(n >= 2, "{n} guards");
        assert!(evidence >= 1, "{evidence} thread_evidence sets");
    }

    #[test]
    fn decoding_garbage_fails_without_panicking() {
        let mut good = Vec::new();
        hircode::encode(&regex_syntax::parse("(?i)^(?:a[b-d]{2,5}?|(?P<x>\\w+))$").unwrap(), &mut good);
        for cut in 0..good.len() {
            assert!(hircode::decode(&good[..cut]).is_none(), "a prefix of {cut} bytes decoded");
        }
        for i in 0..good.len() {
            for b in [0u8, 0x7f, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] = b;
                let _ = hircode::decode(&bad);
            }
        }
        assert!(hircode::decode(&good).is_some());
    }

    fn load(text: &str) -> Result<Vec<Rule>, RuleError> {
        load_str("t.toml", text, &mut HashSet::new())
    }

    #[test]
    fn default_rules_load() {
        let mut seen = HashSet::new();
        for (path, text) in default_files() {
            load_str(path, text, &mut seen).unwrap_or_else(|e| panic!("{e}"));
        }
        for id in ["caption-credit", "foreign-widget-token", "comment-form-phrase", "comment-form-region"] {
            assert!(seen.contains(id), "{id}");
        }
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let e = load("[[rule]]\nid = \"x\"\nkind = \"phrase\"\ncategory = \"nope\"\ndescription = \"d\"\nphrases.en = [\"a\"]\n").unwrap_err();
        assert_eq!((e.line, e.col), (4, 12), "{e}");
        assert!(e.message.contains("unknown variant"), "{e}");
        let e = load("[[rule]]\nid = \"x\"\nkind = \"phrase\"\ncategory = \"caption\"\ndescription = \"d\"\nphrases.en = [\"a\"]\nbogus = 1\n").unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        let e = load("[[rule]]\nid = \"x\"\nkind = \"pattern\"\ncategory = \"caption\"\ndescription = \"d\"\npatterns.en = [\"(\"]\n").unwrap_err();
        assert_eq!((e.line, e.col), (6, 17), "{e}");
        let dup = "[[rule]]\nid = \"x\"\nkind = \"phrase\"\ncategory = \"caption\"\ndescription = \"d\"\nphrases.en = [\"a\"]\n";
        let e = load(&format!("{dup}{dup}")).unwrap_err();
        assert!(e.message.contains("duplicate"), "{e}");
        assert_eq!(e.line, 8);
        let e = load("[[rule]]\nid = \"x\"\nkind = \"magic\"\ncategory = \"caption\"\ndescription = \"d\"\n").unwrap_err();
        assert!(e.message.contains("unknown rule kind"), "{e}");
        assert_eq!(e.to_string().split(':').take(3).collect::<Vec<_>>(), ["t.toml", "3", "8"]);
        // `counts` belongs to a quoted phrase rule only, and `match` names one of three modes.
        let e = load("[[rule]]\nid = \"x\"\nkind = \"phrase\"\ncategory = \"caption\"\ndescription = \"d\"\nphrases.en = [\"a\"]\ncounts.en = [\"one\"]\n").unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.message.contains("quoted"), "{e}");
        let e = load("[[rule]]\nid = \"x\"\nkind = \"phrase\"\ncategory = \"caption\"\ndescription = \"d\"\nphrases.en = [\"a\"]\nmatch = \"quote\"\n").unwrap_err();
        assert_eq!((e.line, e.col), (7, 9), "{e}");
        let e = load("[[rule]]\nid = \"x\"\nkind = \"phrase\"\ncategory = \"caption\"\ndescription = \"d\"\nmatch = \"quoted\"\nphrases.en = [\"a\"]\nlabels.en = [\"b\"]\n").unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("labels"), "{e}");
    }

    /// A quoted rule takes a count, its phrase and a quotation that closes the line; a count word
    /// of another rule, a missing count or words after the quotation leave the line alone.
    #[test]
    fn quoted_phrases_need_a_count_and_a_closing_quotation() {
        let rule = "[[rule]]\nid = \"q\"\nkind = \"phrase\"\ncategory = \"comment_thread\"\ndescription = \"d\"\nmatch = \"quoted\"\ncounts.en = [\"One\", \"No\"]\nphrases.en = [\"thoughts on\", \"thought on\"]\n";
        let cleaner = crate::Cleaner::builder().default_rules(false).rules_str("q.toml", rule).build().unwrap();
        let removed = |line: &str| {
            let text = format!("A paragraph that is long enough to be the article.\n{line}\nAnother paragraph.");
            !cleaner.clean(&text).text.contains(line)
        };
        assert!(removed("12 thoughts on “How to fix a bike”"));
        assert!(removed("1,234 thoughts on \"How to fix a bike\""));
        assert!(removed("One thought on « Le vélo »"));
        assert!(removed("No thoughts on „Das Rad“"));
        assert!(!removed("thoughts on “How to fix a bike”"));
        assert!(!removed("Two thoughts on “How to fix a bike”"));
        assert!(!removed("12 thoughts on “Hamlet” and more"));
        assert!(!removed("12 thoughts on Hamlet"));
        assert!(!removed("12 thoughts on “”"));
    }
}
