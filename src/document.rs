//! A document as lines with byte spans of the original text.
//!
//! Nothing is copied: a [`Line`] is three offsets into the original `&str`. Blocks (paragraphs)
//! are runs of non-blank lines; sentences and words are cut lazily, only for the lines a rule
//! looks at, with `unicode-segmentation`. Line terminators `\n`, `\r\n` and a lone `\r` are all
//! recognised and are never rewritten.

use unicode_segmentation::UnicodeSegmentation;

/// One line: `start..end` is its content, `end..next` its terminator (empty on the last line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
    /// Only white space (or nothing) between `start` and `end`.
    pub blank: bool,
}

impl Line {
    #[inline]
    fn new(text: &str, start: usize, end: usize, next: usize) -> Line {
        // A line opening with a visible ASCII character is not blank: most lines are not
        // trimmed at all.
        let blank = !(start < end && text.as_bytes()[start].is_ascii_graphic()) && crate::text::trim(&text[start..end]).is_empty();
        Line { start, end, next, blank }
    }
}

/// The lines of a text.
#[derive(Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub lines: Vec<Line>,
}

impl<'a> Document<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let capacity = bytes.len() / 64 + 1;
        if memchr::memchr(b'\r', bytes).is_none() {
            // Only `\n` ends lines (nearly every text): a search for one byte, not two.
            Self::from_terminators(text, memchr::memchr_iter(b'\n', bytes), capacity)
        } else {
            Self::from_terminators(text, memchr::memchr2_iter(b'\n', b'\r', bytes), capacity)
        }
    }

    /// [`Document::new`] of a text whose line terminators are known: `breaks` holds the offset
    /// of every `\n` and every `\r` in `text`, in order (a JSON string's are the offsets of its
    /// `\n` and `\r` escapes, which its reader has already found). No search for them.
    pub(crate) fn with_breaks(text: &'a str, breaks: &[usize]) -> Self {
        Self::from_terminators(text, breaks.iter().copied(), breaks.len() + 1)
    }

    /// The lines of `text`, cut at `ends`: the offsets of its `\n`s and `\r`s in order (a
    /// `\r\n` ends one line).
    fn from_terminators(text: &'a str, ends: impl Iterator<Item = usize>, capacity: usize) -> Self {
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(capacity);
        let mut start = 0;
        for end in ends {
            if end < start {
                continue; // the `\n` of a `\r\n`, taken with its `\r`
            }
            let next = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 };
            lines.push(Line::new(text, start, end, next));
            start = next;
        }
        if start < bytes.len() {
            lines.push(Line::new(text, start, bytes.len(), bytes.len()));
        }
        Document { text, lines }
    }

    /// The content of line `i` (without its terminator).
    #[inline]
    pub fn line(&self, i: usize) -> &'a str {
        let l = self.lines[i];
        &self.text[l.start..l.end]
    }

    /// Index of the line holding byte `pos` (binary search).
    pub fn line_of(&self, pos: usize) -> usize {
        self.lines.partition_point(|l| l.next <= pos).min(self.lines.len().saturating_sub(1))
    }

    /// Sentences of line `i` as (absolute byte offset, text).
    pub fn sentences(&self, i: usize) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let l = self.lines[i];
        self.text[l.start..l.end].split_sentence_bound_indices().map(move |(o, s)| (l.start + o, s))
    }

    /// Words of line `i` as (absolute byte offset, text); punctuation and spaces are skipped.
    pub fn words(&self, i: usize) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let l = self.lines[i];
        self.text[l.start..l.end].unicode_word_indices().map(move |(o, s)| (l.start + o, s))
    }

    /// Non-blank lines before line `i` (for position priors).
    pub fn content_lines(&self) -> usize {
        self.lines.iter().filter(|l| !l.blank).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_all_line_endings() {
        let d = Document::new("a\r\nb\rc\n\nd");
        let texts: Vec<&str> = (0..d.lines.len()).map(|i| d.line(i)).collect();
        assert_eq!(texts, ["a", "b", "c", "", "d"]);
        assert!(d.lines[3].blank);
        assert_eq!(d.lines[0].next, 3);
        assert_eq!(d.line_of(4), 1);
        assert_eq!(d.line_of(d.text.len() - 1), 4);
    }

    /// Texts with only `\n` take their own path: the same lines as the path for every ending,
    /// blank or not, white space of every kind at either end.
    #[test]
    fn lines_without_carriage_returns_are_split_alike() {
        let parts = ["", "a", " ", "\t", "\u{a0}", "\u{3000}", "x y", " b", "é", "\u{2028}", "-", "\u{85}", "😀 "];
        // The generator steps for every text too: a text of no parts must not leave it where it
        // was (every later text would be empty).
        let mut next = crate::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut with_lines = 0;
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..next() % 9 {
                let r = next();
                text.push_str(parts[(r % parts.len() as u64) as usize]);
                if r % 3 == 0 {
                    text.push('\n');
                }
            }
            with_lines += usize::from(text.matches('\n').count() > 1);
            // The same text with a `\r` at its end goes the other way; its lines but the last
            // are the same.
            let d = Document::new(&text);
            let with_cr = format!("{text}\r");
            let e = Document::new(&with_cr);
            let n = d.lines.len();
            assert_eq!(d.lines[..n.saturating_sub(1)], e.lines[..n.saturating_sub(1)], "{text:?}");
            for (i, l) in d.lines.iter().enumerate() {
                assert_eq!(l.blank, d.line(i).trim().is_empty(), "{text:?}");
            }
        }
        assert!(with_lines > 1000, "{with_lines}");
    }

    /// A document from the offsets of its terminators, and one from its text, both have the
    /// lines of a plain split at `\r\n`, `\n` and `\r`: every mix of them, at either end,
    /// doubled, around blank lines.
    #[test]
    fn known_breaks_give_the_same_lines() {
        let parts = ["", "a", " ", "\t", "\u{a0}", "x y", "é", "\u{2028}", "\n", "\r", "\r\n", "\n\r", "\r\r\n"];
        let mut with_cr = 0;
        let mut next = crate::xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..next() % 11 {
                text.push_str(parts[(next() % parts.len() as u64) as usize]);
            }
            let breaks: Vec<usize> = text.bytes().enumerate().filter(|&(_, b)| b == b'\n' || b == b'\r').map(|(i, _)| i).collect();
            with_cr += usize::from(text.contains('\r'));
            // (start, end, next) of each line, one byte at a time.
            let mut want = Vec::new();
            let (b, mut start, mut i) = (text.as_bytes(), 0, 0);
            while i < b.len() {
                if b[i] == b'\n' || b[i] == b'\r' {
                    let next = if b[i..].starts_with(b"\r\n") { i + 2 } else { i + 1 };
                    want.push((start, i, next));
                    (start, i) = (next, next);
                } else {
                    i += 1;
                }
            }
            if start < b.len() {
                want.push((start, b.len(), b.len()));
            }
            for d in [Document::with_breaks(&text, &breaks), Document::new(&text)] {
                let got: Vec<(usize, usize, usize)> = d.lines.iter().map(|l| (l.start, l.end, l.next)).collect();
                assert_eq!(got, want, "{text:?}");
                for (i, l) in d.lines.iter().enumerate() {
                    assert_eq!(l.blank, d.line(i).trim().is_empty(), "{text:?}");
                }
            }
        }
        assert!(with_cr > 1000, "{with_cr}");
    }

    #[test]
    fn cuts_sentences_and_words_with_offsets() {
        let text = "x\nHello there. Bye now.";
        let d = Document::new(text);
        let s: Vec<_> = d.sentences(1).collect();
        assert_eq!(s.len(), 2);
        assert_eq!(&text[s[1].0..s[1].0 + s[1].1.len()], "Bye now.");
        let w: Vec<_> = d.words(1).map(|(_, w)| w).collect();
        assert_eq!(w, ["Hello", "there", "Bye", "now"]);
    }
}
