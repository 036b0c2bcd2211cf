//! Renderers of the rule set rather than of edits: `--list-rules` (a table, or JSON Lines),
//! `--explain ID`, and the results of `--test-rules`.

use crate::rules::{default_files, Rule};
use crate::ExampleFailure;
use serde::Serialize;
use std::io::{self, Write};

/// Where a rule's data lives: `path:line`, noting built-in rules and their fixture folder.
fn location(rule: &Rule) -> String {
    let builtin = default_files().iter().any(|(p, _)| *p == rule.source.path);
    let mut s = format!("{}:{}", rule.source.path, rule.source.line);
    if builtin {
        s.push_str(&format!(" (built in; fixtures in fixtures/{}/)", rule.id));
    }
    s
}

/// `--list-rules`: one row per rule, columns aligned, the description last.
pub fn write_list(w: &mut impl Write, rules: &[Rule]) -> io::Result<()> {
    let header = ["ID", "CATEGORY", "KIND", "LANGUAGES", "SOURCE", "DESCRIPTION"];
    let mut rows = vec![header.map(String::from)];
    for r in rules {
        let first_line = r.description.lines().next().unwrap_or_default();
        rows.push([
            r.id.to_string(),
            r.category.to_string(),
            r.kind_name().to_string(),
            r.languages.join(","),
            format!("{}:{}", r.source.path, r.source.line),
            first_line.to_string(),
        ]);
    }
    let mut widths = [0; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(5) {
            out.push_str(&format!("{cell:<0$}  ", widths[i]));
        }
        out.push_str(&row[5]);
        out.push('\n');
    }
    w.write_all(out.as_bytes())
}

#[derive(Serialize)]
struct RuleRecord<'a> {
    id: &'a str,
    category: crate::Category,
    kind: &'static str,
    languages: &'a [String],
    description: &'a str,
    path: &'a str,
    line: usize,
    examples: usize,
}

/// `--list-rules --json`: one JSON object per rule and line.
pub fn write_list_json(w: &mut impl Write, rules: &[Rule]) -> io::Result<()> {
    let mut out = Vec::new();
    for r in rules {
        let rec = RuleRecord {
            id: &r.id,
            category: r.category,
            kind: r.kind_name(),
            languages: &r.languages,
            description: &r.description,
            path: &r.source.path,
            line: r.source.line,
            examples: r.examples.len(),
        };
        serde_json::to_writer(&mut out, &rec)?;
        out.push(b'\n');
    }
    w.write_all(&out)
}

/// `--explain ID`: everything about one rule, examples included.
pub fn write_explain(w: &mut impl Write, r: &Rule) -> io::Result<()> {
    let mut out = format!("{}\n\n{}\n\n", r.id, r.description);
    out.push_str(&format!("kind:      {}\n", r.kind_name()));
    out.push_str(&format!("category:  {} ({})\n", r.category, r.category.describe()));
    out.push_str(&format!("languages: {}\n", if r.languages.is_empty() { "any".to_string() } else { r.languages.join(", ") }));
    out.push_str(&format!("defined:   {}\n", location(r)));
    out.push_str(&format!("examples:  {}\n", r.examples.len()));
    for (ex, src) in &r.examples {
        match &ex.output {
            Some(o) if *o != ex.input => {
                out.push_str(&format!("\n  {}:{}: removes\n    input:  {:?}\n    output: {:?}\n", src.path, src.line, ex.input, o))
            }
            _ => out.push_str(&format!("\n  {}:{}: keeps\n    input:  {:?}\n", src.path, src.line, ex.input)),
        }
    }
    w.write_all(out.as_bytes())
}

/// `--test-rules`: each failing example with its `path:line`, then the count line.
pub fn write_test_results(w: &mut impl Write, ran: usize, failures: &[ExampleFailure]) -> io::Result<()> {
    let mut out = String::new();
    for f in failures {
        out.push_str(&format!(
            "FAIL {}: example of rule {}\n  input:    {:?}\n  expected: {:?}\n  got:      {:?}\n",
            f.location, f.rule, f.input, f.expected, f.got
        ));
    }
    out.push_str(&format!("examples: {} passed, {} failed\n", ran - failures.len(), failures.len()));
    w.write_all(out.as_bytes())
}
