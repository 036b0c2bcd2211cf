//! `pattern`: a short line that matches a regular expression, such as `12 comments`,
//! `Updated: 3 hours ago` or `기사입력 :[ 2018-08-25 15:24 ]`.
//!
//! Each pattern must match the whole line (leading and trailing white space aside); it is wrapped in
//! `^(?:…)$` and compiled case-insensitively with the linear-time engines of `regex-automata`, with a size limit
//! per pattern, so a user's pattern can be slow to compile at worst, never slow to run. Syntax
//! errors are reported at load time with `PATH:LINE:COL`; a pattern over the size limit when the
//! rules are compiled, naming its rule and file. All patterns of all rules
//! go into one set (`src/lineset.rs`, one lazy DFA): a line is tested once, whatever the number of
//! rules.
//!
//! Four guards keep a matching line that is content, each looked at only on a line the rule
//! matched:
//! - `none_of`: phrases (substrings, ignoring case) that veto the rule on a line: "Funeral 5 March
//!   2024 at 11:00" is a date and a time, but an event's, not the page's time stamp.
//! - `allowed_labels`: when the line opens with a label (words and a colon before its first
//!   digit), the rule takes it only if the label is one of these (ignoring case): "Stand: 12.03.2024, 14:30"
//!   goes, "Launch window: 6 June 2024, 07:50 CDT" stays.
//! - `not_next_to`: patterns (whole lines, like `patterns`) for the nearest lines above and below
//!   that the output keeps; when one matches, the line is an item of a list of like lines and
//!   stays: "Reading time: 15 minutes" over "Discussion: 20 minutes" is a lesson plan. Decided
//!   after every other rule, on the lines the output keeps, so that cleaning the output again
//!   decides the same.
//! - `none_of_above = true`: the `none_of` phrases also veto the line when one stands as whole
//!   words in the nearest line above it that the output keeps, of 80 characters at most and not
//!   ending like a sentence: a heading ("Funeral Service" over "Saturday, March 9, 2024 11:00
//!   am"), or a sentence that runs on into the line ("Die Trauerfeier findet statt am" over
//!   "Freitag, 8. März 2024, 14:00 Uhr"); above a line of more than 80 characters only when it
//!   has three words or fewer (a headline with such a word, "Opening ceremony delayed by rain",
//!   has the article's paragraph below its stamp). Decided with `not_next_to`.

use super::{check_fields, required, FileCtx, RawRule, RuleError};
use crate::text::normalize_label;
use regex_syntax::hir::Hir;
pub use super::entries::{Compiled, Entry};
use super::entries::{anchored_both_ends, join_common_tails};

pub use super::entries::SIZE_LIMIT;

#[derive(Debug)]
pub struct Pattern {
    /// Wrapped pattern sources (gates are taken from them, and errors name them).
    pub patterns: Vec<String>,
    /// The entries of the shared line sets that hold the wrapped patterns (see [`Compiled`]),
    /// without their trees: where each goes and its gate.
    pub compiled: Vec<Entry>,
    /// The entries' trees, parsed (a user's rule), or where `build.rs` stored them: as the
    /// default sets' NFAs were compiled when textsweep was built, they are decoded only to compile
    /// a set anew (a user's pattern rule joined it, or a default one was disabled).
    trees: Trees,
    /// For a default rule, the place of its entries' key among those `build.rs` stored (the
    /// stored line sets name their entries by it); `None` for a user's rule.
    pub(crate) stored: Option<u32>,
    /// Line and column of each pattern in its rule file, for errors found later.
    pub locations: Vec<(usize, usize)>,
    pub max_chars: usize,
    /// Phrases that veto the rule on a line.
    pub vetoes: super::Vetoes,
    /// The labels a labelled line may have (`allowed_labels`, normalised as phrases are); `None`:
    /// any.
    pub allowed_labels: Option<std::collections::HashSet<String>>,
    /// The `not_next_to` patterns; `None` without any.
    pub not_next_to: Option<NotNextTo>,
    /// The `none_of` phrases also veto the line from the nearest kept line above it (see the
    /// module's description).
    pub none_of_above: bool,
}

/// Where a rule's entries' trees are.
#[derive(Debug)]
enum Trees {
    Parsed(Vec<Hir>),
    /// The place of the rule's key among the stored entries.
    Stored(u32),
}

/// The `not_next_to` patterns of a rule, wrapped, compiled into one line set (as the shared set of
/// all rules' `patterns`: an anchored forward search of a lazy DFA, see `src/lineset.rs`) when a
/// line first needs it. A user's file is compiled at load, where a pattern too big to compile is
/// reported with its place; the default files are compiled by the tests, from the trees `build.rs`
/// parsed. The regex crate's full engine for the same patterns also compiled a reverse automaton
/// and parsed them again: eight times the instructions, paid in the middle of a run.
#[derive(Debug)]
pub struct NotNextTo {
    wrapped: Vec<String>,
    /// The lazy DFA's cache per thread.
    capacity: usize,
    set: std::sync::OnceLock<Result<crate::lineset::LineSet, String>>,
}

/// The lazy DFA cache of a [`NotNextTo`] set, per thread: it is searched only on the neighbours of
/// the lines its rule matched.
const GUARD_CACHE_CAPACITY: usize = 1 << 20;

/// The lazy DFA cache of a region's `thread_evidence` set, per thread: it is searched only under a
/// bare comments heading, and a cache of the guards' size cost 2-3 MB of the 1 GB stream's peak RSS.
const EVIDENCE_CACHE_CAPACITY: usize = 1 << 18;

impl NotNextTo {
    /// The rule's `not_next_to` patterns (`None` without any), of a `pattern`, `phrase` or `region`
    /// rule.
    pub fn from_raw(ctx: &FileCtx, raw: &RawRule) -> Result<Option<NotNextTo>, RuleError> {
        Self::from_field(ctx, &raw.not_next_to, "not_next_to", GUARD_CACHE_CAPACITY)
    }

    /// A region's `thread_evidence` patterns (`None` without any).
    pub fn evidence_from_raw(ctx: &FileCtx, raw: &RawRule) -> Result<Option<NotNextTo>, RuleError> {
        Self::from_field(ctx, &raw.thread_evidence, "thread_evidence", EVIDENCE_CACHE_CAPACITY)
    }

    /// A set of line patterns from the rule's field `name` (`map`), with a lazy DFA cache of
    /// `capacity` bytes per thread.
    fn from_field(ctx: &FileCtx, map: &super::PatternLists, name: &str, capacity: usize) -> Result<Option<NotNextTo>, RuleError> {
        let Some(map) = map else { return Ok(None) };
        let mut wrapped = Vec::new();
        for p in map.get_ref().values().flatten() {
            let w = wrap(p.get_ref());
            // A user's pattern is checked here, with its place in the file; the default
            // files' are checked by the tests, and parsed only when first needed.
            if !ctx.builtin {
                parse_wrapped(ctx, p, &w)?;
            }
            wrapped.push(w);
        }
        let guard = NotNextTo { wrapped, capacity, set: std::sync::OnceLock::new() };
        if !ctx.builtin {
            if let Err(e) = guard.compiled() {
                return Err(ctx.error(map.span(), format!("`{name}`: {e}")));
            }
        }
        Ok((!guard.wrapped.is_empty()).then_some(guard))
    }

    fn compiled(&self) -> &Result<crate::lineset::LineSet, String> {
        self.set.get_or_init(|| {
            // A default rule's set was compiled when textsweep was built.
            if let Some(nfa) = super::stored_guard_set(&self.wrapped) {
                return crate::lineset::LineSet::from_nfa(nfa, self.capacity);
            }
            let hirs = self.wrapped.iter().map(|w| super::parse_regex(w).map_err(|e| e.to_string().lines().last().unwrap_or("").trim().to_string())).collect::<Result<Vec<Hir>, String>>()?;
            crate::lineset::LineSet::new(&hirs, SIZE_LIMIT, self.capacity)
        })
    }

    /// Whether the patterns compile (within the size limit).
    pub fn compiles(&self) -> bool {
        self.compiled().is_ok()
    }

    /// Whether `line` (trimmed) is one of the like lines.
    pub fn is_match(&self, line: &str) -> bool {
        self.compiled().as_ref().is_ok_and(|set| !set.searcher_in(None).matches(line).is_empty())
    }
}

/// The first of `patterns` that is over the compiled-size limit on its own, with the limit; used to
/// name the culprit when the joint set does not compile.
pub fn too_big(patterns: &[String]) -> Option<(usize, usize)> {
    patterns.iter().position(|p| matches!(regex::RegexBuilder::new(p).size_limit(SIZE_LIMIT).build(), Err(regex::Error::CompiledTooBig(_)))).map(|i| (i, SIZE_LIMIT))
}

pub use super::entries::wrap;

impl Pattern {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["patterns", "max_chars", "none_of", "none_of_quoted", "none_of_above", "allowed_labels", "not_next_to"])?;
        let pats = required(ctx, raw, &raw.patterns, "patterns")?;
        let mut patterns = Vec::new();
        let mut locations = Vec::new();
        let mut sources = Vec::new();
        for list in pats.values() {
            for p in list {
                patterns.push(wrap(p.get_ref()));
                locations.push(ctx.lines.line_col(ctx.text, p.span().start + 1));
                sources.push(p);
            }
        }
        if patterns.is_empty() {
            return Err(ctx.error(raw.kind.span(), "a `pattern` rule needs at least one pattern"));
        }
        // A default rule's entries were computed when textsweep was built (see `entries.rs`).
        let (stored, compiled, trees) = match if ctx.builtin { super::stored_entry_heads(&patterns) } else { None } {
            Some((key, heads)) => (Some(key), heads, Trees::Stored(key)),
            None => {
                let mut compiled = Vec::new();
                let mut ungated = Vec::new();
                for (i, (wrapped, p)) in patterns.iter().zip(sources).enumerate() {
                    let hir = parse_wrapped(ctx, p, wrapped)?;
                    match crate::lineset::gate(wrapped, &hir) {
                        Some(gate) => compiled.push(Compiled { hir, first: i, gate: Some(gate) }),
                        None => ungated.push((i, hir)),
                    }
                }
                compiled.extend(join_common_tails(ungated));
                let heads = compiled.iter().map(Compiled::entry).collect();
                (None, heads, Trees::Parsed(compiled.into_iter().map(|c| c.hir).collect()))
            }
        };
        let vetoes = super::Vetoes::from_raw(ctx, raw)?;
        let allowed_labels = match &raw.allowed_labels {
            Some(_) => Some(super::optional_phrases(ctx, &raw.allowed_labels, "allowed_labels")?.iter().map(|l| normalize_label(l)).collect()),
            None => None,
        };
        let not_next_to = NotNextTo::from_raw(ctx, raw)?;
        let none_of_above = raw.none_of_above.as_ref().is_some_and(|b| *b.get_ref());
        if none_of_above && vetoes.none_of.is_empty() {
            return Err(ctx.error(raw.none_of_above.as_ref().unwrap().span(), "`none_of_above` needs `none_of` phrases"));
        }
        Ok(Pattern { patterns, compiled, trees, stored, locations, max_chars: raw.max_chars.as_ref().map_or(200, |m| *m.get_ref() as usize), vetoes, allowed_labels, not_next_to, none_of_above })
    }

    /// The trees of [`Pattern::compiled`], in order; `None` if the stored ones do not decode.
    pub fn trees(&self) -> Option<std::borrow::Cow<'_, [Hir]>> {
        match &self.trees {
            Trees::Parsed(t) => Some(std::borrow::Cow::Borrowed(t)),
            Trees::Stored(key) => {
                // Should the stored trees not decode, the patterns are parsed and joined as
                // `build.rs` did (`entries.rs`): the same entries, in the same order.
                let entries = super::stored_trees(*key).or_else(|| super::entries::entries_of(&self.patterns, |t| super::parse_regex(t).ok()).map(super::entries::factored))?;
                let trees: Vec<Hir> = entries.into_iter().map(|c| c.hir).collect();
                (trees.len() == self.compiled.len()).then_some(std::borrow::Cow::Owned(trees))
            }
        }
    }

    /// Whether `line` (trimmed) opens with a label that `allowed_labels` does not allow.
    pub fn has_foreign_label(&self, line: &str) -> bool {
        let Some(allowed) = &self.allowed_labels else { return false };
        line_label(line).is_some_and(|l| !allowed.contains(&normalize_label(l)))
    }
}

/// The label a line opens with: the words before the last colon that stands before the line's
/// first digit, without leading bullets and marks (`* - Stand:` → `Stand`); `None` when there is
/// no such colon or no letter before it.
fn line_label(line: &str) -> Option<&str> {
    let head = &line[..line.find(|c: char| c.is_ascii_digit()).unwrap_or(line.len())];
    let colon = head.rfind([':', '：'])?;
    let label = head[..colon].trim_start_matches(|c: char| !c.is_alphanumeric()).trim_end();
    label.chars().any(char::is_alphabetic).then_some(label)
}

/// Parses a wrapped pattern, reporting a syntax error, or a pattern that escapes its anchors, at
/// its place in the rule file. Parsing catches every syntax error here (the default rules'
/// patterns were parsed when textsweep was built); the size limit is checked when the rules are
/// compiled together (see `too_big`).
fn parse_wrapped(ctx: &FileCtx, p: &toml::Spanned<String>, wrapped: &str) -> Result<Hir, RuleError> {
    // Point inside the string literal (past the opening quote).
    let s = p.span();
    let hir = super::parse_regex(wrapped).map_err(|e| {
        let msg = format!("bad regular expression: {}", e.to_string().lines().last().unwrap_or("").trim());
        ctx.error(s.start + 1..s.end, msg)
    })?;
    // `a)|(b` parses once wrapped (`^(?:a)|(b)$`) but escapes the anchors: the line set searches
    // anchored, so such a pattern would match less than it says.
    if !anchored_both_ends(&hir) {
        return Err(ctx.error(s.start + 1..s.end, "bad regular expression: unbalanced parentheses (the pattern closes a group it did not open)"));
    }
    Ok(hir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every default rule's `not_next_to` set stored by `build.rs` is the NFA compiling its
    /// patterns now gives (states, starts, byte classes), and a default rule finds its own.
    #[test]
    fn stored_guard_sets_are_what_the_compiler_builds() {
        let mut seen = 0;
        for rule in crate::Cleaner::new().unwrap().rules() {
            let Some(guard) = rule.kind.not_next_to() else { continue };
            let stored = crate::rules::stored_guard_set(&guard.wrapped).unwrap_or_else(|| panic!("{}: no stored guard set", rule.id));
            let hirs: Vec<Hir> = guard.wrapped.iter().map(|w| crate::rules::parse_regex(w).unwrap()).collect();
            let now = crate::rules::nfacode::compiler(SIZE_LIMIT).build_many_from_hir(&hirs).unwrap();
            assert_eq!(stored.states(), now.states(), "{}", rule.id);
            assert_eq!(format!("{stored:?}"), format!("{now:?}"), "{}", rule.id);
            assert!(guard.compiles(), "{}", rule.id);
            seen += 1;
        }
        assert!(seen >= 20, "{seen} guards");
        assert!(crate::rules::stored_guard_set(&["(?i)^(?:not a default guard)$".to_string()]).is_none());
    }

    /// Every default pattern that may start anywhere in a line (`.*?all rights reserved`) is gated
    /// by phrases of its own or needs a digit, and so is tried only on the lines that hold one. An
    /// ungated one keeps the line DFA alive to the end of every short line; joined with its rule's
    /// other patterns (`join_common_tails`), it took the main set with it: a Greek reserved-rights
    /// formula whose opening letters had too many case forms to gate made `-j1` 20 % slower on
    /// the 206 MB benchmark, and no other test saw it.
    #[test]
    fn default_floating_patterns_are_gated_or_need_a_digit() {
        let cleaner = crate::Cleaner::new().unwrap();
        let mut floating = 0;
        for rule in cleaner.rules() {
            let crate::rules::Kind::Pattern(p) = &rule.kind else { continue };
            for wrapped in &p.patterns {
                let hir = crate::rules::parse_regex(wrapped).unwrap();
                if crate::lineset::is_floating(&hir) {
                    floating += 1;
                    let gated = crate::lineset::gate(wrapped, &hir).is_some();
                    assert!(gated || crate::lineset::needs_digit(&hir), "{}: {wrapped}", rule.id);
                }
            }
        }
        assert!(floating >= 10, "{floating} floating patterns");
    }

    #[test]
    fn a_label_is_the_words_before_a_colon_before_the_first_digit() {
        assert_eq!(line_label("* - Stand: 12.03.2024, 14:30 Uhr"), Some("Stand"));
        assert_eq!(line_label("Heure du séisme : 12 juin 2024 à 03h42"), Some("Heure du séisme"));
        assert_eq!(line_label("発生日時：2024年1月1日 16:10"), Some("発生日時"));
        // No colon before the first digit: a name or a weekday, no label.
        assert_eq!(line_label("Julia on 11/08/2020 at 9:52"), None);
        assert_eq!(line_label("14:30 Uhr"), None);
        assert_eq!(line_label("- : 12.03.2024"), None);
    }

    /// The line set built from a rule's joined patterns says, for every line, what the patterns
    /// said one by one: a line matches the rule exactly when one of its patterns matches it alone.
    #[test]
    fn joined_tails_match_the_same_lines() {
        let rule = r#"
[[rule]]
id = "t"
kind = "pattern"
category = "timestamp"
description = "d"
patterns.en = ['(?:updated|posted)[ :]*[0-9]{1,2}:[0-9]{2}', 'edited by \w+', '.*?\b(?:all rights reserved)']
patterns.de = ['(?:aktualisiert|stand)[ :]*[0-9]{1,2}:[0-9]{2}', 'bearbeitet von \w+']
patterns.fr = ['mis à jour[ :]*[0-9]{1,2}:[0-9]{2}', '[0-9]{1,2}:[0-9]{2}', 'a|b']
"#;
        let rules = crate::rules::load_str("t.toml", rule, &mut Default::default()).unwrap();
        let crate::rules::Kind::Pattern(p) = &rules[0].kind else { panic!("a pattern rule") };
        // Three patterns share their clock tail (and `[0-9]{1,2}:[0-9]{2}` is that tail alone);
        // the gated one stays apart.
        assert!(p.compiled.len() < p.patterns.len(), "{} entries for {} patterns", p.compiled.len(), p.patterns.len());
        assert_eq!(p.compiled.iter().filter(|c| c.gate.is_some()).count(), 1);
        let mut firsts: Vec<usize> = p.compiled.iter().map(|c| c.first).collect();
        firsts.sort_unstable();
        firsts.dedup();
        assert_eq!(firsts.len(), p.compiled.len(), "each entry starts at its own pattern");
        let trees = p.trees().unwrap();
        let set = crate::lineset::LineSet::new(&trees, 1 << 22, 1 << 20).unwrap();
        let alone = regex::RegexSet::new(&p.patterns).unwrap();
        let mut matched = 0;
        for line in [
            "Updated: 10:15", "posted 3:04", "Aktualisiert 10:15", "Stand: 9:30", "mis à jour 10:15", "10:15", "1:15 pm",
            "edited by Anna", "bearbeitet von Jo", "Updated 10:15 and more", "a", "b", "ab", "Company. All rights reserved",
            "The meeting was updated", "", "stand 10", "Edited by",
        ] {
            let want = alone.is_match(line);
            assert_eq!(!set.searcher().matches(line).is_empty(), want, "{line:?}");
            matched += usize::from(want);
        }
        assert!(matched >= 10, "the lines exercise the patterns");
    }

    /// Each default rule's `not_next_to` set says of every line what the regex crate's engine,
    /// compiled from the same patterns joined into one regex (how they were searched before),
    /// says: on every line of every fixture, and on lines each pattern's own words make.
    #[test]
    fn neighbour_guards_answer_what_the_joined_regex_answers() {
        let mut lines: Vec<String> = crate::fixture_lines().iter().map(|l| crate::text::trim(l).to_string()).collect();
        lines.sort();
        lines.dedup();
        let (mut guards, mut matched) = (0, 0);
        for (path, text) in crate::rules::default_files() {
            for rule in crate::rules::load_builtin_str(path, text, &mut Default::default()).unwrap() {
                let Some(g) = rule.kind.not_next_to() else { continue };
                guards += 1;
                let joined = regex::RegexBuilder::new(&g.wrapped.join("|")).size_limit(SIZE_LIMIT).build().unwrap();
                // Lines made of a pattern's literal words: "printed in Germany", "12 letters".
                let made = g.wrapped.iter().map(|w| w.replace(['(', ')', '?', ':', '^', '$', '*', '+', '|', '[', ']', '\\'], " ").replace("i ", "")).map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
                for line in lines.iter().cloned().chain(made) {
                    let want = joined.is_match(&line);
                    assert_eq!(g.is_match(&line), want, "{path}: rule {}: {line:?}", rule.id);
                    matched += usize::from(want);
                }
            }
        }
        assert!(guards >= 2, "{guards} guards");
        assert!(matched >= 10, "{matched} lines matched a guard");
    }
}
