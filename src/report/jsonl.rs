//! The JSON Lines report: one flat JSON object per line, modelled on ripgrep's `--json` messages.
//!
//! Per document: a `begin` record, one `edit` record per edit, an `end` record; after the last
//! document, one `summary` record. Every record has `"type"` and `"version": 1` first; "flat" means
//! no envelope: the fields sit next to `type` (only the count tables are objects). Records of a
//! document carry its name in `doc`; a name that is not UTF-8 is written lossily in `doc` (U+FFFD
//! for bad bytes) and exactly, base64-encoded, in `doc_base64`, so the JSON never breaks and no
//! name is lost. Offsets are bytes of the original text; `line`/`column` are 1-based, the column
//! counted in Unicode scalar values. The README documents every field.

use super::{Doc, LineIndex, Sink, Totals};
use crate::Category;
use base64::Engine as _;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The schema version written in every record.
pub const VERSION: u32 = 1;

/// A [`Sink`] writing the JSON Lines report.
pub struct Jsonl<W: Write> {
    out: W,
    totals: Totals,
}

impl<W: Write> Jsonl<W> {
    pub fn new(out: W) -> Self {
        Jsonl { out, totals: Totals::default() }
    }
}

/// The fields every record starts with.
#[derive(Serialize)]
struct Head<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_base64: Option<String>,
}

impl<'a> Head<'a> {
    fn of(kind: &'static str, doc: Option<&Doc<'a>>) -> Self {
        let exact = doc.is_some_and(|d| std::str::from_utf8(d.name).is_ok());
        Head {
            kind,
            version: VERSION,
            doc: doc.map(|d| d.display_name()),
            doc_base64: doc.filter(|_| !exact).map(|d| base64::engine::general_purpose::STANDARD.encode(d.name)),
        }
    }
}

#[derive(Serialize)]
struct Record<'a, T: Serialize> {
    #[serde(flatten)]
    head: Head<'a>,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct Begin {
    bytes: usize,
}

/// The fields of one edit, as the report's `edit` records and batch mode's `--with-edits` write
/// them.
#[derive(Debug, Serialize)]
pub struct EditRecord<'a> {
    pub rule: &'a str,
    pub category: Category,
    /// Byte offsets into the original text.
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start` (lines end after `\n`).
    pub line: usize,
    /// 1-based column of `start`, in Unicode scalar values.
    pub column: usize,
    pub text: &'a str,
    pub reason: &'a str,
}

impl<'a> EditRecord<'a> {
    pub fn new(e: &'a crate::Edit, (line, column): (usize, usize)) -> Self {
        EditRecord { rule: &e.rule, category: e.category, start: e.start, end: e.end, line, column, text: &e.text, reason: &e.reason }
    }
}

#[derive(Serialize)]
struct Counts<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    docs: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    docs_changed: Option<usize>,
    bytes_in: usize,
    bytes_out: usize,
    edits: usize,
    edits_by_category: BTreeMap<Category, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edits_by_rule: Option<BTreeMap<&'a str, usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bad_lines: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    docs_held: Option<usize>,
    /// On an `end` record: the guard that held this document back.
    #[serde(skip_serializing_if = "Option::is_none")]
    held: Option<HeldRecord>,
}

/// A guard's decision, as the `end` record of a held document carries it.
#[derive(Serialize)]
struct HeldRecord {
    guard: &'static str,
    would_remove: usize,
    of: usize,
    limit_permille: u32,
    proposed_edits: usize,
    reason: String,
}

impl HeldRecord {
    fn of(h: &crate::Held) -> Self {
        HeldRecord { guard: h.guard, would_remove: h.would_remove, of: h.of, limit_permille: h.limit_permille, proposed_edits: h.proposed_edits, reason: h.reason() }
    }
}

impl<'a> Counts<'a> {
    /// The counts of one document (`end`) or of the run (`summary`, with rules and documents).
    fn of(t: &'a Totals, summary: bool) -> Self {
        Counts {
            docs: summary.then_some(t.docs),
            docs_changed: summary.then_some(t.docs_changed),
            bytes_in: t.bytes_in,
            bytes_out: t.bytes_out,
            edits: t.edits,
            edits_by_category: t.by_category.iter().map(|(c, n)| (*c, n.edits)).collect(),
            edits_by_rule: summary.then(|| t.by_rule.iter().map(|(r, n)| (&**r, n.edits)).collect()),
            bad_lines: (summary && t.bad_lines > 0).then_some(t.bad_lines),
            docs_held: (summary && t.docs_held > 0).then_some(t.docs_held),
            held: None,
        }
    }
}

fn record(out: &mut Vec<u8>, head: Head, body: impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Record { head, body })?;
    out.push(b'\n');
    Ok(())
}

/// Writes the `begin`, `edit` and `end` records of one document.
pub fn write_document(w: &mut impl Write, doc: &Doc) -> io::Result<()> {
    let mut out = Vec::new();
    record(&mut out, Head::of("begin", Some(doc)), Begin { bytes: doc.text.len() })?;
    let li = LineIndex::new(doc.text);
    for e in doc.edits {
        record(&mut out, Head::of("edit", Some(doc)), EditRecord::new(e, li.line_col(doc.text, e.start)))?;
    }
    let totals = Totals::of(doc);
    let mut counts = Counts::of(&totals, false);
    counts.held = doc.held.map(HeldRecord::of);
    record(&mut out, Head::of("end", Some(doc)), counts)?;
    w.write_all(&out)
}

/// Writes the closing `summary` record of a run.
pub fn write_summary(w: &mut impl Write, totals: &Totals) -> io::Result<()> {
    let mut out = Vec::new();
    record(&mut out, Head::of("summary", None), Counts::of(totals, true))?;
    w.write_all(&out)
}

impl<W: Write> Sink for Jsonl<W> {
    fn document(&mut self, doc: &Doc) -> io::Result<()> {
        write_document(&mut self.out, doc)?;
        self.totals.add(doc);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        write_summary(&mut self.out, &self.totals)?;
        self.out.flush()
    }

    fn bad_line(&mut self) {
        self.totals.bad_lines += 1;
    }
}
