//! The HTML report: one self-contained page (inline CSS, no scripts, nothing fetched) showing each
//! document with every removed span highlighted in place, coloured by category, with its rule id
//! and reason on hover, and a per-category table at the top.
//!
//! The table covers the whole run, so the sections are buffered and the page is written by
//! [`Sink::finish`].

use super::{plural, Doc, Sink, Totals};
use crate::Category;
use std::io::{self, Write};

/// Background colours of the categories, in [`Category::ALL`] order (repeating if there are more).
const PALETTE: &[&str] = &[
    "#ffd6a5", "#b9fbc0", "#9bf6ff", "#a0c4ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#ffadad", "#d0f4de", "#e4c1f9", "#d9d9d9",
    "#f1c0e8", "#cfe1b9", "#ff8fab",
];

fn colour(c: Category) -> &'static str {
    PALETTE[c as usize % PALETTE.len()]
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;color:#222;max-width:72em;margin:1em auto;padding:0 1em}\
h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.1em;margin:1em 0 .4em;overflow-wrap:anywhere}h2 .meta{font-size:.85em;font-weight:normal;margin-left:.8em}\
table{border-collapse:collapse;margin:.8em 0}th,td{padding:.1em .9em;border-bottom:1px solid #ddd;text-align:left}\
td.n,th.n{text-align:right}.meta{color:#666;margin:0 0 .5em}\
pre{white-space:pre-wrap;overflow-wrap:anywhere;font:13.5px/1.4 system-ui,sans-serif;\
background:#fcfcfc;border:1px solid #e3e3e3;border-radius:4px;padding:.8em 1em;margin:0}.nl::before{content:\"\\21B5\";opacity:.5}\
del{text-decoration:line-through;text-decoration-color:rgba(0,0,0,.4);border-radius:3px;cursor:help}\
del:hover{outline:2px solid #444}.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;\
margin-right:.45em;vertical-align:-.1em}";

/// A [`Sink`] building the HTML page; the page is written when the run is over.
pub struct Html<W: Write> {
    out: W,
    totals: Totals,
    sections: String,
}

impl<W: Write> Html<W> {
    pub fn new(out: W) -> Self {
        Html { out, totals: Totals::default(), sections: String::new() }
    }
}

/// Escapes text for HTML content and attribute values.
fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Appends the section of one document: its name, counts, and text with the removed spans marked.
pub fn write_section(out: &mut String, doc: &Doc) {
    out.push_str("<section>\n<h2>");
    escape(out, &doc.display_name());
    let removed = doc.bytes_removed();
    out.push_str(&format!(
        "<span class=\"meta\">{}; {} → {} bytes</span></h2>\n<pre>",
        plural(doc.edits.len(), "edit"),
        doc.text.len(),
        doc.text.len() - removed
    ));
    if let Some(h) = doc.held {
        out.push_str("<strong>Held back: ");
        escape(out, &h.reason());
        out.push_str("</strong>\n");
    }
    let mut pos = 0;
    for e in doc.edits {
        escape(out, &doc.text[pos..e.start]);
        out.push_str(&format!("<del class=\"c-{}\" title=\"", e.category));
        escape(out, &format!("{} ({}): {}", e.rule, e.category, e.reason));
        out.push_str("\">");
        // Removed line breaks are marked (by CSS, so copying the page copies the text only).
        for (i, piece) in e.text.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<b class=\"nl\"></b>\n");
            }
            escape(out, piece);
        }
        out.push_str("</del>");
        pos = e.end;
    }
    escape(out, &doc.text[pos..]);
    out.push_str("</pre>\n</section>\n");
}

/// Writes the whole page: head, per-category table of `totals`, then the `sections`.
pub fn write_page(w: &mut impl Write, totals: &Totals, sections: &str) -> io::Result<()> {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>textsweep audit</title>\n<style>");
    out.push_str(STYLE);
    for &c in Category::ALL {
        out.push_str(&format!(".c-{c}{{background:{}}}", colour(c)));
    }
    out.push_str("</style>\n</head>\n<body>\n<h1>textsweep audit</h1>\n");
    out.push_str(&format!(
        "<p class=\"meta\">{}, {} changed; {}; {} of {} bytes removed. Hover over a highlighted span for its rule and \
         reason.</p>\n",
        plural(totals.docs, "document"),
        totals.docs_changed,
        plural(totals.edits, "edit"),
        totals.bytes_removed(),
        totals.bytes_in
    ));
    out.push_str("<table>\n<tr><th>category</th><th class=\"n\">edits</th><th class=\"n\">bytes removed</th></tr>\n");
    for (c, n) in &totals.by_category {
        out.push_str(&format!(
            "<tr><td><span class=\"sw c-{c}\"></span>{c}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            n.edits, n.bytes
        ));
    }
    out.push_str("</table>\n");
    out.push_str(sections);
    out.push_str("</body>\n</html>\n");
    w.write_all(out.as_bytes())
}

impl<W: Write> Sink for Html<W> {
    fn document(&mut self, doc: &Doc) -> io::Result<()> {
        self.totals.add(doc);
        write_section(&mut self.sections, doc);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        write_page(&mut self.out, &self.totals, &self.sections)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_its_own_colour() {
        assert!(PALETTE.len() >= Category::ALL.len());
        let mut seen: Vec<_> = Category::ALL.iter().map(|&c| colour(c)).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), Category::ALL.len());
    }
}
