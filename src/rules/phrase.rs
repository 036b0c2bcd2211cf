//! `phrase`: a line that *is* boilerplate, such as "Leave a Reply" or "Share this:".
//!
//! Lines are compared after [`normalize_label`](crate::text::normalize_label) (case, spacing,
//! punctuation such as trailing `*` or `:` do not matter). A line matches when it can be cut, word
//! by word, into known phrases and bare numbers, with at least one of this rule's `phrases`
//! (strong evidence) among them; `labels` are weak words that only count beside a phrase
//! ("Share" + "Facebook Twitter Email"). All phrase rules share one hash table, so a line costs one
//! normalisation and a few look-ups whatever the number of rules.
//!
//! With `match = "prefix"` the phrase may instead open a longer line when a separator follows it
//! (`Read more: …`, `Lire aussi » …`), up to `max_chars` characters, unless the line ends with a
//! full stop: a headline does not, a sentence does ("Lesetipp: Der neue Roman ist klug.").
//!
//! With `match = "quoted"` the line is a count, the phrase and a quotation that closes the line:
//! `12 thoughts on “How to fix a bike”`, `Une réflexion sur « … »`. The count is a number or one
//! of the rule's `counts` ("One", "No", "Eine"); without a count the line stays ("Comments on
//! “Draft Regulation 12”" heads a section of its own). No regular expression: the phrases sit in a
//! table of their own, consulted only on lines that end with a closing quotation mark. They are no
//! labels ("thoughts on" alone is no boilerplate line), so such a rule takes no `labels`.

use super::{all_phrases, check_fields, check_lexicon, required, FileCtx, RawRule, RuleError};
use crate::text::normalize_label;

#[derive(Debug)]
pub struct Phrase {
    /// Normalised strong phrases.
    pub phrases: Vec<String>,
    /// Normalised weak labels.
    pub labels: Vec<String>,
    /// How a phrase matches a line (`match`).
    pub mode: Match,
    /// Normalised count words of a quoted rule (a bare number always counts).
    pub counts: Vec<String>,
    /// Longest line (in characters) this rule looks at.
    pub max_chars: usize,
    /// The `not_next_to` patterns (see [`super::pattern::NotNextTo`]): a line whose nearest kept
    /// line above or below is one of them stays ("Accept all" over "If you tap this button, …").
    pub not_next_to: Option<super::pattern::NotNextTo>,
}

/// The `match` modes of a phrase rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The line is made of phrases (and labels, and bare numbers).
    Line,
    /// Also a line that starts with a phrase followed by a separator.
    Prefix,
    /// A count, a phrase and a quotation that closes the line.
    Quoted,
}

impl Phrase {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["phrases", "labels", "match", "counts", "max_chars", "not_next_to"])?;
        let lex = raw.phrases.as_ref();
        required(ctx, raw, &raw.phrases, "phrases")?;
        check_lexicon(ctx, lex.unwrap(), "phrases")?;
        if let Some(l) = &raw.labels {
            check_lexicon(ctx, l, "labels")?;
        }
        let mode = match raw.match_.as_ref() {
            None => Match::Line,
            Some(m) => match m.get_ref().as_str() {
                "line" => Match::Line,
                "prefix" => Match::Prefix,
                "quoted" => Match::Quoted,
                other => return Err(ctx.error(m.span(), format!("`match` must be \"line\", \"prefix\" or \"quoted\", not {other:?}"))),
            },
        };
        if let Some(c) = &raw.counts {
            if mode != Match::Quoted {
                return Err(ctx.error(c.span(), "`counts` applies only with `match = \"quoted\"`"));
            }
            check_lexicon(ctx, c, "counts")?;
        }
        if let (Match::Quoted, Some(l)) = (mode, &raw.labels) {
            return Err(ctx.error(l.span(), "`labels` do not apply with `match = \"quoted\"` (its phrases are no labels)"));
        }
        let norm = |lex: &super::Lexicon| -> Vec<String> {
            let mut v: Vec<String> = all_phrases(lex).map(normalize_label).filter(|p| !p.is_empty()).collect();
            v.sort();
            v.dedup();
            v
        };
        Ok(Phrase {
            phrases: norm(lex.unwrap().get_ref()),
            labels: raw.labels.as_ref().map(|l| norm(l.get_ref())).unwrap_or_default(),
            mode,
            counts: raw.counts.as_ref().map(|c| norm(c.get_ref())).unwrap_or_default(),
            max_chars: raw.max_chars.as_ref().map_or(if mode == Match::Prefix { 160 } else { 200 }, |m| *m.get_ref() as usize),
            not_next_to: super::pattern::NotNextTo::from_raw(ctx, raw)?,
        })
    }
}
