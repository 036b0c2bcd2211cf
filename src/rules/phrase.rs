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

use super::{all_phrases, check_fields, check_lexicon, required, FileCtx, RawRule, RuleError};
use crate::text::normalize_label;

#[derive(Debug)]
pub struct Phrase {
    /// Normalised strong phrases.
    pub phrases: Vec<String>,
    /// Normalised weak labels.
    pub labels: Vec<String>,
    /// Also match a line that starts with a phrase followed by a separator.
    pub prefix: bool,
    /// Longest line (in characters) this rule looks at.
    pub max_chars: usize,
}

impl Phrase {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["phrases", "labels", "match", "max_chars"])?;
        let lex = raw.phrases.as_ref();
        required(ctx, raw, &raw.phrases, "phrases")?;
        check_lexicon(ctx, lex.unwrap(), "phrases")?;
        if let Some(l) = &raw.labels {
            check_lexicon(ctx, l, "labels")?;
        }
        let prefix = match raw.match_.as_ref() {
            None => false,
            Some(m) => match m.get_ref().as_str() {
                "line" => false,
                "prefix" => true,
                other => return Err(ctx.error(m.span(), format!("`match` must be \"line\" or \"prefix\", not {other:?}"))),
            },
        };
        let norm = |lex: &super::Lexicon| -> Vec<String> {
            let mut v: Vec<String> = all_phrases(lex).map(normalize_label).filter(|p| !p.is_empty()).collect();
            v.sort();
            v.dedup();
            v
        };
        Ok(Phrase {
            phrases: norm(lex.unwrap().get_ref()),
            labels: raw.labels.as_ref().map(|l| norm(l.get_ref())).unwrap_or_default(),
            prefix,
            max_chars: raw.max_chars.as_ref().map_or(if prefix { 160 } else { 200 }, |m| *m.get_ref() as usize),
        })
    }
}
