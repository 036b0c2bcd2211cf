//! Audit outputs: renderers of the edits a cleanup made.
//!
//! The engine knows nothing of output formats. It returns one `Vec<Edit>` per document, and every
//! audit output — the JSON Lines report, the unified diff, the summary table, the HTML page — is a
//! [`Sink`] that is handed each document in turn as a [`Doc`] (its name, its original text and its
//! edits) and then told that the run is over. This is ripgrep's printer design: one search, many
//! printers. A run may hold any number of documents (files on the command line, or records of a
//! batch), so a sink keeps whatever it needs across documents (totals, buffered sections) in its
//! own struct, and writes its closing part (the JSONL `summary`, the table, the HTML page) in
//! [`Sink::finish`].
//!
//! Sinks write to any `impl Write`; a sink writes each document's part with whole lines, so several
//! sinks may share one unbuffered (or line-buffered) stream such as standard error without
//! interleaving inside a line.
//!
//! Lines are counted as `patch`, `git` and most editors count them: a line ends after `\n`
//! (so `\r\n` is one terminator and a lone `\r` is an ordinary character). Columns are 1-based and
//! counted in Unicode scalar values.

pub mod diff;
pub mod html;
pub mod jsonl;
pub mod rules;
pub mod summary;

use crate::{Category, Edit, Held};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

/// One cleaned document as the sinks see it. Made with [`Doc::new`] (and [`Doc::held`],
/// [`Doc::lossy`]), so that a field added later breaks no sink written outside this crate.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Doc<'a> {
    /// The document's name as reports show it: the path as given, `stdin`, or a batch record id.
    /// Raw bytes, as a path may be any bytes (`OsStr::as_encoded_bytes`).
    pub name: &'a [u8],
    /// The original text. For a document that was not valid UTF-8 (see [`Doc::lossy`]), the
    /// original bytes with every byte of every invalid sequence replaced by U+001A (SUBSTITUTE),
    /// so that offsets, lines and lengths are those of the original.
    pub text: &'a str,
    /// The edits the cleaner made to it: sorted, non-overlapping, non-empty spans of `text`.
    pub edits: &'a [Edit],
    /// Set when a guard held the document back (then `edits` is empty).
    pub held: Option<&'a Held>,
    /// The original bytes, when they are not valid UTF-8 (see [`Doc::lossy`]); `None` when
    /// `text` is the original.
    pub original: Option<&'a [u8]>,
}

impl<'a> Doc<'a> {
    /// A document named `name` whose original text is `text`, with the edits the cleaner made.
    pub fn new(name: &'a [u8], text: &'a str, edits: &'a [Edit]) -> Doc<'a> {
        Doc { name, text, edits, held: None, original: None }
    }

    /// The same document, held back by a guard when `held` is set ([`crate::Cleaned::held`]).
    pub fn held(self, held: Option<&'a Held>) -> Doc<'a> {
        Doc { held, ..self }
    }

    /// A document cleaned from bytes that are not all valid UTF-8 ([`crate::Cleaner::clean_lossy`]):
    /// `original` as read and `substituted`, the same bytes with each invalid byte replaced by
    /// U+001A (made by [`substituted`]), with the edits' byte offsets into both. Reports count
    /// each invalid byte as one column; the diff writes the original bytes, so that it applies to
    /// the file as it is.
    pub fn lossy(name: &'a [u8], original: &'a [u8], substituted: &'a str, edits: &'a [Edit]) -> Doc<'a> {
        debug_assert_eq!(original.len(), substituted.len());
        Doc { name, text: substituted, edits, held: None, original: Some(original) }
    }

    /// The original bytes: [`Doc::original`] if set, else `text`'s.
    pub fn original_bytes(&self) -> &'a [u8] {
        self.original.unwrap_or(self.text.as_bytes())
    }

    /// The name for display, with U+FFFD for bytes that are not UTF-8.
    pub fn display_name(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.name)
    }

    /// Bytes removed by all edits.
    pub fn bytes_removed(&self) -> usize {
        self.edits.iter().map(|e| e.end - e.start).sum()
    }
}

/// `bytes` with every byte of every invalid UTF-8 sequence replaced by U+001A (SUBSTITUTE, one
/// byte): valid UTF-8 of the same length, with the same line ends, for [`Doc::lossy`].
pub fn substituted(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('\u{1A}', chunk.invalid().len()));
    }
    out
}

/// A renderer of edits: told about every document of a run, then that the run is over.
pub trait Sink {
    /// Renders one document.
    fn document(&mut self, doc: &Doc) -> io::Result<()>;
    /// Writes what comes after the last document (totals, a closing record) and flushes.
    fn finish(&mut self) -> io::Result<()>;
    /// A batch line that was passed through unchanged (`--skip-bad`): counted in summaries.
    fn bad_line(&mut self) {}
}

/// Edits and removed bytes of one category or rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub edits: usize,
    pub bytes: usize,
}

impl Tally {
    fn add(&mut self, e: &Edit) {
        self.edits += 1;
        self.bytes += e.end - e.start;
    }
}

/// Counts over one or many documents.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub docs: usize,
    /// Documents with at least one edit.
    pub docs_changed: usize,
    pub bytes_in: usize,
    pub bytes_out: usize,
    pub edits: usize,
    /// In [`Category::ALL`] order.
    pub by_category: BTreeMap<Category, Tally>,
    /// In rule-id order.
    pub by_rule: BTreeMap<Arc<str>, Tally>,
    /// Batch lines passed through unchanged because they were not records (`--skip-bad`).
    pub bad_lines: usize,
    /// Documents a guard held back (output unchanged although rules matched).
    pub docs_held: usize,
}

impl Totals {
    /// The counts of one document.
    pub fn of(doc: &Doc) -> Totals {
        let mut t = Totals::default();
        t.add(doc);
        t
    }

    /// Adds one document.
    pub fn add(&mut self, doc: &Doc) {
        self.docs += 1;
        self.docs_held += usize::from(doc.held.is_some());
        self.docs_changed += usize::from(!doc.edits.is_empty());
        self.bytes_in += doc.text.len();
        self.bytes_out += doc.text.len() - doc.bytes_removed();
        self.edits += doc.edits.len();
        for e in doc.edits {
            self.by_category.entry(e.category).or_default().add(e);
            self.by_rule.entry(e.rule.clone()).or_default().add(e);
        }
    }

    pub fn bytes_removed(&self) -> usize {
        self.bytes_in - self.bytes_out
    }
}

/// `1 edit`, `2 edits`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Where each line of a text starts; lines end after `\n`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Start of every line, then `text.len()`. A text that ends with `\n` has no empty last line.
    bounds: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut bounds = vec![0];
        bounds.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1).filter(|&i| i < text.len()));
        if text.is_empty() {
            bounds.clear();
        }
        bounds.push(text.len());
        LineIndex { bounds }
    }

    /// Number of lines (0 for the empty text).
    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Byte range of line `i` (0-based), terminator included.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.bounds[i]..self.bounds[i + 1]
    }

    /// The 0-based line holding byte `pos` (`pos == text.len()` counts as on the last line).
    pub fn line_of(&self, pos: usize) -> usize {
        self.bounds.partition_point(|&b| b <= pos).saturating_sub(1).min(self.len().saturating_sub(1))
    }

    /// 1-based line and column (in Unicode scalar values) of byte `pos` of `text`.
    pub fn line_col(&self, text: &str, pos: usize) -> (usize, usize) {
        let line = self.line_of(pos);
        let start = self.bounds[line].min(pos);
        (line + 1, text[start..pos].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_after_newlines_only() {
        let t = "ab\r\ncd\re\n\nxé";
        let li = LineIndex::new(t);
        assert_eq!(li.len(), 4);
        assert_eq!(li.range(0), 0..4);
        assert_eq!(li.range(1), 4..9);
        assert_eq!(li.range(3), 10..t.len());
        assert_eq!(li.line_col(t, 0), (1, 1));
        assert_eq!(li.line_col(t, 8), (2, 5));
        assert_eq!(li.line_col(t, t.len()), (4, 3));
        assert_eq!(LineIndex::new("").len(), 0);
        assert_eq!(LineIndex::new("a\n").len(), 1);
        assert_eq!(LineIndex::new("a\n").line_of(2), 0);
    }
}
