//! `region`: a start line and the lines that belong to it, such as a comment form ("Leave a
//! Reply", then "Name *", "Email *", "Post Comment") or a related-links list ("Related articles",
//! then a few headlines).
//!
//! The start line is matched like a `phrase` line (normalised; it may also hold `members`). The
//! region then takes the lines that follow, skipping blank lines, while each is either made of
//! `members` (and the phrases and labels of other rules of the same category), or no longer than
//! `member_max_chars` characters (default 0: members only; a link list sets it to take any short
//! headline; `headline_max_chars` also takes longer lines, up to that length, that do not end
//! like a sentence), up to `max_lines` lines. With `stop_at_blank = true` the region
//! ends at the first blank line after a taken line; with `blank_ends_after = n` (default 1) a blank
//! line ends it only once it has taken `n` lines, and before that a line after a blank line is
//! taken only if it does not end like a sentence (`.`, `!`, `?`, `。` ...), so a short closing
//! paragraph stays. With `needs_member = true` the start line goes only together with at least one
//! member line (a bare "Share" over "Facebook", "Twitter"); lines other rules remove may stand
//! between them, so cleaning the output again finds the same region (idempotence). `position = "tail"` keeps the start off the
//! document's first line and first quarter, where a title could use the same words.
//!
//! With `glued_start = true` the start may also open a line and share it with the first headline,
//! as scrapers join a heading to its first link ("RELATED STORIES The move…", "関連記事 それでいて…"):
//! only when the start is a phrase of two words or more (or one of a script without case), the
//! rest of the line reads like a headline (no lower-case opening, no sentence end, at most
//! `headline_max_chars`) and at least one member line follows; the joined line counts as one
//! headline for `blank_ends_after`.
//!
//! With `to_end = true` the region takes every line after its start to the end of the document
//! (a comment thread that an extractor appended under its heading). Such a start opens only when
//! the line is one of `start` alone (not "Share Comments", not a count "Comments (39)"), the line
//! under it is text no rule removes (a comment, not a form label) and the document is not a whole
//! rendered page, where the same word is a menu link; combine it with `position = "tail"`.
//!
//! `page_only_start` holds headings that open the region only in a whole rendered page (a page
//! the `context` rule is active on), where they stand over a widget: generic words ("Trending",
//! "Recommended", "Polecamy") that an article also sets over a list of its own (a review's dishes,
//! a test's winners, a ranking's names). Elsewhere, over two lines the output keeps that would be
//! its members, the heading stays with its list; else it is judged like any other line.
//!
//! `ends_at` holds headings of the page's own sections that end the region before them: an
//! encyclopedia's "See also" list stops at its "References" or "Notes" heading (edit links in
//! brackets after it allowed), which stays, when the line under that heading ends with a full
//! stop or is no member (a source, not a headline): a topic list's "Literatur" over more
//! headlines is one of its items.
//!
//! `after = ["cookie_notice"]` also opens the region after any line a rule of those categories
//! removed (a consent sentence matched by cues), so the buttons under it ("Accept", "OK") go too;
//! that line keeps its own rule's edit. `start` may then be empty.

use super::{all_phrases, check_fields, check_lexicon, required, FileCtx, RawRule, RuleError};
use crate::text::normalize_label;

#[derive(Debug)]
pub struct Region {
    pub start: Vec<String>,
    /// The starts that open the region only in a whole rendered page (normalised, sorted; also in
    /// `start`).
    pub page_only: Vec<String>,
    /// With `thread_evidence`: the starts that are evidence enough themselves, naming the readers
    /// or the whole thread ("Reader Comments", "Leserkommentare"; normalised, sorted; also in
    /// `start`).
    pub named: Vec<String>,
    pub members: Vec<String>,
    /// Lines that end the region before them (normalised, sorted): the page's own next section.
    pub ends_at: Vec<String>,
    pub max_lines: usize,
    pub member_max_chars: usize,
    /// A longer line, up to this many characters, is a member too when it does not end like a
    /// sentence (a headline, not a paragraph).
    pub headline_max_chars: usize,
    pub stop_at_blank: bool,
    /// With `stop_at_blank`: how many lines the region must have taken before a blank line ends it.
    pub blank_ends_after: usize,
    /// The start line is removed only together with a member line.
    pub needs_member: bool,
    pub tail_only: bool,
    /// Categories whose removed lines open this region.
    pub after: Vec<crate::Category>,
    /// The start may share its line with the first headline ("RELATED STORIES The move…").
    pub glued_start: bool,
    /// The region takes every line after its start, to the end of the document.
    pub to_end: bool,
    /// The `not_next_to` patterns (see [`super::pattern::NotNextTo`]): the region does not open
    /// on a start whose first non-blank line under it is one of them (a letter that sets
    /// "Comments" on a line of its own and goes on "This word …").
    pub not_next_to: Option<super::pattern::NotNextTo>,
    /// With `to_end`: the region runs to the end only when one of the first lines under its start
    /// ([`Region::EVIDENCE_LINES`] kept lines of text, and the lines between them) matches one of
    /// these patterns (a poster's "NAME says:", a "Reply" button, a comment policy): the evidence
    /// that a thread follows, not a section of the page's own headed "Comments".
    pub thread_evidence: Option<super::pattern::NotNextTo>,
}

impl Region {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["start", "members", "max_lines", "member_max_chars", "headline_max_chars", "stop_at_blank", "blank_ends_after", "needs_member", "position", "after", "glued_start", "to_end", "not_next_to", "thread_evidence", "page_only_start", "named_start", "ends_at"])?;
        let mut after = Vec::new();
        for c in raw.after.as_ref().map(|a| a.get_ref().as_slice()).unwrap_or_default() {
            after.push(c.get_ref().parse::<crate::Category>().map_err(|e| ctx.error(c.span(), e))?);
        }
        let empty = super::Lexicon::default();
        let start_lex = if after.is_empty() || raw.start.is_some() {
            let lex = required(ctx, raw, &raw.start, "start")?;
            check_lexicon(ctx, raw.start.as_ref().unwrap(), "start")?;
            lex
        } else {
            &empty
        };
        if let Some(m) = &raw.members {
            check_lexicon(ctx, m, "members")?;
        }
        if let Some(m) = &raw.page_only_start {
            check_lexicon(ctx, m, "page_only_start")?;
        }
        if let Some(m) = &raw.ends_at {
            check_lexicon(ctx, m, "ends_at")?;
        }
        if let Some(ev) = &raw.thread_evidence {
            if !raw.to_end.as_ref().is_some_and(|b| *b.get_ref()) {
                return Err(ctx.error(ev.span(), "`thread_evidence` applies only to a region with `to_end = true`"));
            }
        }
        if let Some(m) = &raw.named_start {
            check_lexicon(ctx, m, "named_start")?;
            if raw.thread_evidence.is_none() {
                return Err(ctx.error(m.span(), "`named_start` applies only to a region with `thread_evidence` (the starts that need none)"));
            }
        }
        let tail_only = match &raw.position {
            None => false,
            Some(p) => match p.get_ref().as_str() {
                "any" => false,
                "tail" => true,
                other => return Err(ctx.error(p.span(), format!("`position` must be \"any\" or \"tail\", not {other:?}"))),
            },
        };
        let norm = |lex: &super::Lexicon| -> Vec<String> {
            let mut v: Vec<String> = all_phrases(lex).map(normalize_label).filter(|p| !p.is_empty()).collect();
            v.sort();
            v.dedup();
            v
        };
        let page_only = raw.page_only_start.as_ref().map(|m| norm(m.get_ref())).unwrap_or_default();
        let named = raw.named_start.as_ref().map(|m| norm(m.get_ref())).unwrap_or_default();
        let mut start = norm(start_lex);
        start.extend(page_only.iter().cloned());
        start.extend(named.iter().cloned());
        start.sort();
        start.dedup();
        Ok(Region {
            start,
            page_only,
            named,
            members: raw.members.as_ref().map(|m| norm(m.get_ref())).unwrap_or_default(),
            ends_at: raw.ends_at.as_ref().map(|m| norm(m.get_ref())).unwrap_or_default(),
            max_lines: raw.max_lines.as_ref().map_or(12, |m| *m.get_ref() as usize),
            member_max_chars: raw.member_max_chars.as_ref().map_or(0, |m| *m.get_ref() as usize),
            headline_max_chars: raw.headline_max_chars.as_ref().map_or(0, |m| *m.get_ref() as usize),
            stop_at_blank: raw.stop_at_blank.as_ref().is_some_and(|b| *b.get_ref()),
            blank_ends_after: raw.blank_ends_after.as_ref().map_or(1, |m| (*m.get_ref() as usize).max(1)),
            needs_member: raw.needs_member.as_ref().is_some_and(|b| *b.get_ref()),
            tail_only,
            after,
            glued_start: raw.glued_start.as_ref().is_some_and(|b| *b.get_ref()),
            to_end: raw.to_end.as_ref().is_some_and(|b| *b.get_ref()),
            not_next_to: super::pattern::NotNextTo::from_raw(ctx, raw)?,
            thread_evidence: super::pattern::NotNextTo::evidence_from_raw(ctx, raw)?,
        })
    }
}

impl Region {
    /// How many kept lines of 20 characters or more under a `to_end` start are searched for its
    /// `thread_evidence` (the shorter lines and those other rules remove among them are searched
    /// too, but not counted).
    pub const EVIDENCE_LINES: usize = 6;

    /// Whether the start line `raw` needs `thread_evidence` under it to run to the end: it has
    /// some, and the line is not one of the `named_start` headings.
    pub fn needs_evidence(&self, raw: &str) -> bool {
        self.thread_evidence.is_some() && self.named.binary_search(&normalize_label(raw)).is_err()
    }

    /// Whether `norm`, a normalised start line, is one of the `page_only_start` headings.
    pub fn page_only(&self, norm: &str) -> bool {
        self.page_only.binary_search_by(|p| p.as_str().cmp(norm)).is_ok()
    }

    /// Whether the trimmed line `raw` is one of `ends_at`, a heading of the page's own that ends
    /// the region before it.
    pub fn ends_at(&self, raw: &str) -> bool {
        if self.ends_at.is_empty() {
            return false;
        }
        // An encyclopedia's edit links after the heading: "Примечания[править | править код]".
        let raw = match raw.strip_suffix(']').and_then(|r| r.rsplit_once('[')) {
            Some((head, _)) if !head.trim().is_empty() => head,
            _ => raw,
        };
        self.ends_at.binary_search(&normalize_label(raw)).is_ok()
    }

    /// Whether `line`, a start glued to its first headline, opens with one of the
    /// `page_only_start` headings.
    pub fn opens_page_only(&self, line: &str) -> bool {
        if self.page_only.is_empty() {
            return false;
        }
        let norm = normalize_label(line);
        self.page_only.iter().any(|p| norm.strip_prefix(p.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(' ')))
    }

    /// The position prior of `position = "tail"`: the region may open on a line only past the
    /// document's first content line and first quarter (`nth_content` counts from 1).
    pub fn may_start(&self, nth_content: usize, line_start: usize, text_len: usize) -> bool {
        !self.tail_only || (nth_content > 1 && line_start * 4 >= text_len)
    }
}
