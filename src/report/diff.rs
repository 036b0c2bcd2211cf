//! A unified diff from the original to the cleaned text, built straight from the edit list.
//!
//! Every edit deletes a byte span, so no diff algorithm is needed and none could do better: the
//! lines an edit touches are the changed lines, shown whole as `-` (old) and `+` (what is left of
//! them). When what is left of a run of changed lines does not end with `\n` (an edit took the
//! newline but not all of the next line), the next line joins the run, so every `+` line is a
//! whole line of the cleaned text. Runs closer than twice the context share a hunk.
//!
//! The output follows what GNU `patch` and `git apply` read: `--- a/NAME` / `+++ b/NAME` headers
//! (NAME quoted like git does when it holds `"`, `\` or control characters, and followed by a tab
//! when it holds a space), `@@ -l,s +l,s @@` hunk headers followed by the ids of the rules whose
//! edits the hunk shows (text after the second `@@` is ignored by both tools), lines written byte
//! for byte (a `\r` before `\n`, or alone, is part of the line), and `\ No newline at end of file`
//! after a last line that has none. A document without edits gets no diff at all, as `diff` does.

use super::{Doc, LineIndex, Sink};
use std::io::{self, Write};
use std::ops::Range;

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// A [`Sink`] writing one file diff per changed document.
pub struct Diff<W: Write> {
    out: W,
}

impl<W: Write> Diff<W> {
    pub fn new(out: W) -> Self {
        Diff { out }
    }
}

impl<W: Write> Sink for Diff<W> {
    fn document(&mut self, doc: &Doc) -> io::Result<()> {
        write_diff(&mut self.out, doc)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A run of consecutive old lines changed by `edits`, and the text left of them.
struct Run {
    lines: Range<usize>,
    edits: Range<usize>,
    new: String,
}

/// What is left of `text[range]` after the edits (all inside `range`).
fn kept(text: &str, range: Range<usize>, edits: &[crate::Edit]) -> String {
    let mut out = String::new();
    let mut pos = range.start;
    for e in edits {
        out.push_str(&text[pos..e.start]);
        pos = e.end;
    }
    out.push_str(&text[pos..range.end]);
    out
}

fn runs(doc: &Doc, li: &LineIndex) -> Vec<Run> {
    let edits = doc.edits;
    let mut runs = Vec::new();
    let mut i = 0;
    while i < edits.len() {
        let first = li.line_of(edits[i].start);
        let mut end = li.line_of(edits[i].end - 1) + 1;
        let mut j = i + 1;
        let new = loop {
            while j < edits.len() && li.line_of(edits[j].start) < end {
                end = end.max(li.line_of(edits[j].end - 1) + 1);
                j += 1;
            }
            let new = kept(doc.text, li.range(first).start..li.range(end - 1).end, &edits[i..j]);
            if new.is_empty() || new.ends_with('\n') || end == li.len() {
                break new;
            }
            end += 1;
        };
        runs.push(Run { lines: first..end, edits: i..j, new });
        i = j;
    }
    runs
}

/// `l,s` of a hunk header; a range of zero lines is numbered by the line before it.
fn hunk_range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

/// One diff line: the marker, the line as it is, and the no-newline note if it has no `\n`.
fn line(out: &mut Vec<u8>, marker: u8, line: &[u8]) {
    out.push(marker);
    out.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        out.extend_from_slice(b"\n\\ No newline at end of file\n");
    }
}

/// The path a header names for `name`: without `.` components and empty ones, and without the
/// leading `/` of an absolute path (`git apply` rejects `a/./x` and `a//tmp/x`; `patch` will not
/// write to an absolute path). `..` components stay: folding `dir/..` names another file when
/// `dir` is a symbolic link, and a diff both tools reject is better than one that patches the
/// wrong file (`git apply` and `patch` refuse any `..`: give paths below the current folder).
fn header_path(name: &[u8]) -> Vec<u8> {
    let parts: Vec<&[u8]> = name.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
    if parts.is_empty() {
        return name.to_vec();
    }
    parts.join(&b'/')
}

/// The header name `PREFIX/NAME`, quoted as git quotes names, plus a tab if it holds a space.
fn header_name(prefix: &str, name: &[u8]) -> Vec<u8> {
    let mut full = prefix.as_bytes().to_vec();
    full.extend_from_slice(&header_path(name));
    let needs_quotes = full.iter().any(|&b| b < 0x20 || b == 0x7f || b == b'"' || b == b'\\');
    let mut out = Vec::with_capacity(full.len() + 3);
    if needs_quotes {
        out.push(b'"');
        for &b in &full {
            match b {
                b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b if b < 0x20 || b == 0x7f => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
                b => out.push(b),
            }
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(&full);
    }
    if full.contains(&b' ') {
        out.push(b'\t');
    }
    out
}

/// Writes the unified diff of one document (nothing if it has no edits).
pub fn write_diff(w: &mut impl Write, doc: &Doc) -> io::Result<()> {
    if doc.edits.is_empty() {
        return Ok(());
    }
    let li = LineIndex::new(doc.text);
    let runs = runs(doc, &li);
    // Old lines byte for byte as they were (invalid UTF-8 included, see `Doc::lossy`), so that
    // the diff applies to the file as it is; what is left of them never holds invalid bytes.
    let original = doc.original_bytes();
    let old_line = |i: usize| &original[li.range(i)];
    let mut out = Vec::new();
    for (prefix, marker) in [("a/", b"--- "), ("b/", b"+++ ")] {
        out.extend_from_slice(marker);
        out.extend_from_slice(&header_name(prefix, doc.name));
        out.push(b'\n');
    }
    // Line-count difference (new - old) of the runs written so far.
    let mut shift: isize = 0;
    let mut r = 0;
    while r < runs.len() {
        // The runs of this hunk: those whose gaps are at most twice the context.
        let mut last = r;
        while last + 1 < runs.len() && runs[last + 1].lines.start - runs[last].lines.end <= 2 * CONTEXT {
            last += 1;
        }
        let hunk = &runs[r..=last];
        let old = hunk[0].lines.start.saturating_sub(CONTEXT)..(hunk[hunk.len() - 1].lines.end + CONTEXT).min(li.len());
        let new_lines: Vec<Vec<&str>> = hunk.iter().map(|run| run.new.split_inclusive('\n').collect()).collect();
        let removed: usize = hunk.iter().map(|run| run.lines.len()).sum();
        let added: usize = new_lines.iter().map(Vec::len).sum();
        let new_len = old.len() - removed + added;
        let new_start = old.start.checked_add_signed(shift).expect("line shift stays in range");
        out.extend_from_slice(format!("@@ -{} +{} @@", hunk_range(old.start, old.len()), hunk_range(new_start, new_len)).as_bytes());
        let mut ids: Vec<&str> = Vec::new();
        for e in hunk.iter().flat_map(|run| &doc.edits[run.edits.clone()]) {
            if !ids.contains(&&*e.rule) {
                ids.push(&e.rule);
            }
        }
        out.push(b' ');
        out.extend_from_slice(ids.join(", ").as_bytes());
        out.push(b'\n');
        let mut pos = old.start;
        for (run, new) in hunk.iter().zip(&new_lines) {
            for i in pos..run.lines.start {
                line(&mut out, b' ', old_line(i));
            }
            for i in run.lines.clone() {
                line(&mut out, b'-', old_line(i));
            }
            for l in new {
                line(&mut out, b'+', l.as_bytes());
            }
            pos = run.lines.end;
            shift += new.len() as isize - run.lines.len() as isize;
        }
        for i in pos..old.end {
            line(&mut out, b' ', old_line(i));
        }
        r = last + 1;
    }
    w.write_all(&out)
}
