//! `--lossy`: cleaning bytes that are not all valid UTF-8.
//!
//! The valid pieces are joined and cleaned as one text; each run of invalid bytes becomes an
//! `invalid_utf8` edit. Rule edits are mapped back to offsets in the original bytes and split
//! where they would cover invalid bytes, so all edits stay disjoint and the output is exactly the
//! original bytes minus the edit spans. Linear in the input: one pass to split, one merge.

use crate::{Category, Cleaned, Cleaner, Edit};
use std::fmt::Write as _;
use std::sync::Arc;

/// The rule id of `invalid_utf8` edits.
pub const RULE_ID: &str = "invalid-utf8";

/// A valid piece: `len` bytes at `valid` in the joined text and at `orig` in the input.
#[derive(Clone, Copy)]
struct Piece {
    valid: usize,
    orig: usize,
    len: usize,
}

pub(crate) fn clean(cleaner: &Cleaner, bytes: &[u8]) -> Cleaned {
    let mut text = String::with_capacity(bytes.len());
    let mut pieces: Vec<Piece> = Vec::new();
    let mut bad: Vec<Edit> = Vec::new();
    let rule: Arc<str> = Arc::from(RULE_ID);
    let mut pos = 0;
    for chunk in bytes.utf8_chunks() {
        let v = chunk.valid();
        if !v.is_empty() {
            pieces.push(Piece { valid: text.len(), orig: pos, len: v.len() });
            text.push_str(v);
            pos += v.len();
        }
        let inv = chunk.invalid();
        if inv.is_empty() {
            continue;
        }
        // Adjacent invalid sequences (no valid byte between) make one edit.
        match bad.last_mut() {
            Some(e) if e.end == pos => {
                e.end += inv.len();
                e.text.push('\u{FFFD}');
            }
            _ => bad.push(Edit {
                rule: rule.clone(),
                category: Category::InvalidUtf8,
                start: pos,
                end: pos + inv.len(),
                text: "\u{FFFD}".to_string(),
                reason: String::new(),
            }),
        }
        pos += inv.len();
    }
    for e in &mut bad {
        e.reason = describe(&bytes[e.start..e.end]);
    }

    // Map the rules' edits (offsets into `text`) back to the input, piece by piece.
    let mut mapped: Vec<Edit> = Vec::new();
    let mut k = 0;
    // The guard judges the repaired text; invalid bytes are deleted even when it holds.
    let (rule_edits, held) = cleaner.judge(&text);
    for e in rule_edits {
        // Edits are sorted, so the first piece that can hold `e.start` only moves forward.
        while k < pieces.len() && pieces[k].valid + pieces[k].len <= e.start {
            k += 1;
        }
        let mut j = k;
        while j < pieces.len() && pieces[j].valid < e.end {
            let p = pieces[j];
            let s = e.start.max(p.valid);
            let t = e.end.min(p.valid + p.len);
            mapped.push(Edit {
                rule: e.rule.clone(),
                category: e.category,
                start: p.orig + (s - p.valid),
                end: p.orig + (t - p.valid),
                text: text[s..t].to_string(),
                reason: e.reason.clone(),
            });
            j += 1;
        }
    }

    // Merge two sorted, mutually disjoint lists.
    let mut edits = Vec::with_capacity(mapped.len() + bad.len());
    let (mut a, mut b) = (mapped.into_iter().peekable(), bad.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.start < y.start,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        edits.extend(if take_a { a.next() } else { b.next() });
    }
    let out = crate::apply_bytes(bytes, &edits);
    // Every invalid byte is in an edit, so what is left is valid UTF-8.
    let text = String::from_utf8(out).expect("lossy output is valid UTF-8");
    Cleaned { text, edits, held }
}

/// `invalid UTF-8: 3 bytes \xff\xfe\xc3` (at most 16 bytes listed).
fn describe(b: &[u8]) -> String {
    let mut s = format!("invalid UTF-8: {} byte{}", b.len(), if b.len() == 1 { "" } else { "s" });
    s.push(' ');
    for x in b.iter().take(16) {
        let _ = write!(s, "\\x{x:02x}");
    }
    if b.len() > 16 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_edit_across_invalid_bytes_is_split_around_them() {
        let cleaner = Cleaner::new().unwrap();
        // "Leave a Reply" with an invalid byte inside: the joined text is the phrase line.
        let input = b"Body text stays here.\n\nLeave a \xffReply\n\nMore body text follows here, a long sentence of prose.\n";
        let c = cleaner.clean_lossy(input);
        assert_eq!(c.text, "Body text stays here.\n\nMore body text follows here, a long sentence of prose.\n");
        assert_eq!(crate::apply_bytes(input, &c.edits), c.text.as_bytes());
        let cats: Vec<_> = c.edits.iter().map(|e| e.category).collect();
        assert_eq!(cats, [Category::CommentForm, Category::InvalidUtf8, Category::CommentForm]);
        assert_eq!(c.edits[1].start, input.iter().position(|&b| b == 0xff).unwrap());
        assert!(c.edits[1].reason.ends_with("\\xff"), "{}", c.edits[1].reason);
    }
}
