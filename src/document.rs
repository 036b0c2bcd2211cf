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

/// The lines of a text.
#[derive(Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub lines: Vec<Line>,
}

impl<'a> Document<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(bytes.len() / 64 + 1);
        let mut start = 0;
        while start < bytes.len() {
            let (end, next) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
                Some(i) => {
                    let end = start + i;
                    let next = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 };
                    (end, next)
                }
                None => (bytes.len(), bytes.len()),
            };
            let blank = crate::text::trim(&text[start..end]).is_empty();
            lines.push(Line { start, end, next, blank });
            start = next;
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
