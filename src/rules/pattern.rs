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

use super::{check_fields, required, FileCtx, RawRule, RuleError};

/// Compiled-size limit of one user pattern (bytes of the regex program).
pub const SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug)]
pub struct Pattern {
    /// Wrapped pattern sources (gates are taken from them, and errors name them).
    pub patterns: Vec<String>,
    /// The wrapped patterns parsed, compiled into the shared set without parsing them again.
    pub hirs: Vec<regex_syntax::hir::Hir>,
    /// The gate of each pattern (see `crate::lineset::gate`), found at load time, when the
    /// rule files are parsed side by side.
    pub gates: Vec<Option<Vec<String>>>,
    /// Line and column of each pattern in its rule file, for errors found later.
    pub locations: Vec<(usize, usize)>,
    pub max_chars: usize,
}

/// The first of `patterns` that is over the compiled-size limit on its own, with the limit; used to
/// name the culprit when the joint set does not compile.
pub fn too_big(patterns: &[String]) -> Option<(usize, usize)> {
    patterns.iter().position(|p| matches!(regex::RegexBuilder::new(p).size_limit(SIZE_LIMIT).build(), Err(regex::Error::CompiledTooBig(_)))).map(|i| (i, SIZE_LIMIT))
}

/// Whether a wrapped pattern is still `^ … $` as a whole.
fn anchored_both_ends(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    match hir.kind() {
        HirKind::Concat(parts) => {
            matches!(parts.first().map(|h| h.kind()), Some(HirKind::Look(Look::Start))) && matches!(parts.last().map(|h| h.kind()), Some(HirKind::Look(Look::End)))
        }
        _ => false,
    }
}

/// Wraps a user pattern so that it must match a whole trimmed line, ignoring case.
pub fn wrap(p: &str) -> String {
    format!("(?i)^(?:{p})$")
}

impl Pattern {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["patterns", "max_chars"])?;
        let pats = required(ctx, raw, &raw.patterns, "patterns")?;
        let mut patterns = Vec::new();
        let mut locations = Vec::new();
        let mut hirs = Vec::new();
        let mut gates = Vec::new();
        for list in pats.values() {
            for p in list {
                let wrapped = wrap(p.get_ref());
                // Parsing is cheap and catches every syntax error here, with its location; the
                // size limit is checked when the rules are compiled together (see `too_big`).
                let hir = regex_syntax::ParserBuilder::new().build().parse(&wrapped).map_err(|e| {
                    let msg = format!("bad regular expression: {}", e.to_string().lines().last().unwrap_or("").trim());
                    // Point inside the string literal (past the opening quote).
                    let s = p.span();
                    ctx.error(s.start + 1..s.end, msg)
                })?;
                // `a)|(b` parses once wrapped (`^(?:a)|(b)$`) but escapes the anchors: the line
                // set searches anchored, so such a pattern would match less than it says.
                if !anchored_both_ends(&hir) {
                    let s = p.span();
                    return Err(ctx.error(s.start + 1..s.end, "bad regular expression: unbalanced parentheses (the pattern closes a group it did not open)"));
                }
                gates.push(crate::lineset::gate(&wrapped, &hir));
                hirs.push(hir);
                patterns.push(wrapped);
                locations.push(super::line_col(ctx.text, p.span().start + 1));
            }
        }
        if patterns.is_empty() {
            return Err(ctx.error(raw.kind.span(), "a `pattern` rule needs at least one pattern"));
        }
        Ok(Pattern { patterns, hirs, gates, locations, max_chars: raw.max_chars.as_ref().map_or(200, |m| *m.get_ref() as usize) })
    }
}
