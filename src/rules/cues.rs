//! `cues`: a short line that holds at least one phrase of *every* cue group, and none of the
//! `none_of` phrases: "We use cookies" + "accept" / "continuing to browse" is a cookie notice,
//! "cookies" alone (a recipe) is not.
//!
//! Cue phrases are matched as substrings, ignoring case, by the document-wide Aho-Corasick automaton
//! that all rules share: one pass over the text finds every cue of every rule. The `none_of`
//! phrases are looked for only in a line that holds a cue of every group (vetoes such as "said" or
//! a quotation mark are common in prose; in the shared automaton each was a hit to record).

use super::{check_fields, check_lexicon, required, FileCtx, RawRule, RuleError};
use toml::Spanned;

#[derive(Debug)]
pub struct Cues {
    /// Cue groups; a line needs a hit in each.
    pub groups: Vec<Vec<String>>,
    /// Phrases that veto the rule on a line.
    pub vetoes: super::Vetoes,
    pub max_chars: usize,
}

impl Cues {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["all_of", "none_of", "none_of_quoted", "max_chars"])?;
        let groups_raw = required(ctx, raw, &raw.all_of, "all_of")?;
        let span = raw.all_of.as_ref().unwrap().span();
        if groups_raw.is_empty() || groups_raw.len() > 8 {
            return Err(ctx.error(span, "`all_of` takes 1 to 8 cue groups"));
        }
        let mut groups = Vec::new();
        for g in groups_raw {
            check_lexicon(ctx, &Spanned::new(span.clone(), g.clone()), "all_of")?;
            let v: Vec<String> = super::all_phrases(g).map(str::to_string).collect();
            if v.is_empty() {
                return Err(ctx.error(span.clone(), "an `all_of` group is empty"));
            }
            groups.push(v);
        }
        let vetoes = super::Vetoes::from_raw(ctx, raw)?;
        Ok(Cues { groups, vetoes, max_chars: raw.max_chars.as_ref().map_or(400, |m| *m.get_ref() as usize) })
    }
}

