//! The `--summary` table: edits and bytes removed per category and per rule, for people.

use super::{plural, Doc, Sink, Tally, Totals};
use std::fmt::Display;
use std::io::{self, Write};

/// A [`Sink`] that counts every document and writes the table when the run is over.
pub struct Summary<W: Write> {
    out: W,
    totals: Totals,
}

impl<W: Write> Summary<W> {
    pub fn new(out: W) -> Self {
        Summary { out, totals: Totals::default() }
    }
}

impl<W: Write> Sink for Summary<W> {
    fn document(&mut self, doc: &Doc) -> io::Result<()> {
        self.totals.add(doc);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        write_table(&mut self.out, &self.totals)?;
        self.out.flush()
    }

    fn bad_line(&mut self) {
        self.totals.bad_lines += 1;
    }
}

/// Writes the table of `totals`.
pub fn write_table(w: &mut impl Write, t: &Totals) -> io::Result<()> {
    let mut out = format!(
        "textsweep: {}, {} changed; {}; {} of {} bytes removed\n",
        plural(t.docs, "document"),
        t.docs_changed,
        plural(t.edits, "edit"),
        t.bytes_removed(),
        t.bytes_in
    );
    if t.bad_lines > 0 {
        out.push_str(&format!("textsweep: {} passed through unchanged (--skip-bad)\n", plural(t.bad_lines, "bad line")));
    }
    if t.docs_held > 0 {
        out.push_str(&format!("textsweep: {} left unchanged by the removal cap (--max-removed-share)\n", plural(t.docs_held, "document")));
    }
    if t.edits > 0 {
        let width = t.by_rule.keys().map(|r| r.len()).chain(t.by_category.keys().map(|c| c.name().len())).max().unwrap_or(0).max(8);
        let mut section = |title: &str, rows: Vec<(&dyn Display, &Tally)>| {
            out.push_str(&format!("{title:<width$}  {:>6}  {:>8}\n", "edits", "bytes"));
            for (name, n) in rows {
                out.push_str(&format!("{:<width$}  {:>6}  {:>8}\n", name.to_string(), n.edits, n.bytes));
            }
        };
        section("category", t.by_category.iter().map(|(c, n)| (c as &dyn Display, n)).collect());
        section("rule", t.by_rule.iter().map(|(r, n)| (r as &dyn Display, n)).collect());
    }
    w.write_all(out.as_bytes())
}
