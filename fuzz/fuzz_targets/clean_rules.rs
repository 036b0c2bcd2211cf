//! The cleaner with randomly assembled rule files: a structured input becomes one or more valid
//! TOML rule files (every kind, random phrases, patterns, thresholds, examples) and a document
//! made of the same phrases, noise and line endings. Building may fail (with a located error);
//! when it succeeds, cleaning and the rules' own examples must keep the invariant.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use textsweep::{check_examples, Cleaner, Error};

/// Phrases real rules and real pages hold, so that random rules and documents meet.
const VOCAB: &[&str] = &[
    "Leave a Reply", "Share", "Tweet", "추천", "공유", "Photo:", "Yonhap", "AP", "(AP Photo/", "Reuters", "comments",
    "Advertisement", "Поделиться", "分享", "いいね", "12", "(53)", "*", "사진=", "Read more", "Cookie", "Accept",
    "Name", "Email", "Website", "Post Comment", "the", "White House", "서울", "and", "Foto:", "dpa", "—", ":", "»",
    "é", "ß", "İ", "Фото：", "фото：", "ФОТО=", "：", "＝", "Ǆ", "ΐ", "ﬁ", "\u{200B}", "\u{FEFF}", "\u{0301}", "تعليق", "!", "！", "（", "）", "'", "-", "Σ", "ǅ",
    // Region headings and what stands under them: a heading glued to a headline, a comment thread.
    "Related articles", "RELATED STORIES", "関連記事", "Leaders meet again in Geneva", "Comments", "Kommentare",
    "Great news for the north side of town", "Reply", "Log in to comment",
    // Appended, so that indices below the old length (67: the hand-made seeds' words) keep their words. Words after a
    // foreign-script label (`mention_after`: spaced in Hangul, glued in Han/Kana), a number
    // between them, and credit prefixes (`list_prefixes`) over lists of names, short and long.
    "수가", "개를", "수는", "수도", "する", "できる", "给朋友", "给予", "Like", "10만", "5000회", "Shareする", "Share给朋友",
    "Credit:", "Photo credit:", "credit：", "NASA, ESA, CSA, STScI", "ESA/Webb, NASA & CSA, A. Adamo (Stockholm University)",
    "J. Lee; M. Park; K. Kim", "and the FEARLESS JWST team", ",", "&", "/", "Vol. 3, pp. 12-19",
    "Credit: NASA, ESA, CSA, STScI, Webb, Hubble, Joseph DePasquale & Anton Koekemoer",
    // Appended: a heading or a run-on sentence over a date (`none_of_above`), a word holding a
    // phrase, a Japanese particle before a cue, a Thai cue glued to the next word (`loanwords`).
    "Funeral Service", "The funeral takes place on", "promesse", "March 9, 2024 11:00", "をクリック", "ให้เพื่อน", "Share", "Like 352",
];
const LANGS: &[&str] = &["en", "ko", "any", "de", "zh-hans"];
const CATEGORIES: &[&str] = &[
    "caption", "foreign_widget_token", "comment_form", "share_bar", "advertisement", "navigation", "comment_thread", "related_links",
    "read_more",
];
const SCRIPTS: &[&str] = &["latin", "hangul", "han", "kana", "cyrillic", "arabic", "other"];
const REGEX_BITS: &[&str] = &[
    r"\d+", r"\w+", r"\s*", r"[a-z]+", r"(?:share|tweet)", r".*", r"\p{Hangul}+", r"comments?", r"(a|b)*", r"^", r"$",
    r"\b", r"[^\n]{0,40}", r"x{2,5}", r"(?i)é", r"\.", r"\(\d+\)",
    // Open with a run of any text, then a literal part: these get gates.
    r".*?", r"[^.!?]*", r"(?:all rights reserved|ſkat|все права)", r"(?:photo|무단 전재)",
];

#[derive(Arbitrary, Debug)]
enum Word {
    Vocab(u8),
    Free(String),
}

impl Word {
    fn text(&self) -> String {
        match self {
            Word::Vocab(i) => VOCAB[*i as usize % VOCAB.len()].to_string(),
            Word::Free(s) => s.chars().take(24).collect(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Phrase(Vec<Word>);

impl Phrase {
    fn text(&self) -> String {
        let words: Vec<String> = self.0.iter().take(4).map(Word::text).collect();
        let s = words.join(" ");
        if s.trim().is_empty() { "x".to_string() } else { s }
    }
}

#[derive(Arbitrary, Debug)]
struct Lex {
    lang: u8,
    phrases: Vec<Phrase>,
}

#[derive(Arbitrary, Debug)]
enum Regex {
    Bits(Vec<u8>),
    Free(String),
}

#[derive(Arbitrary, Debug)]
enum Spec {
    Phrase { phrases: Lex, labels: Option<Lex>, prefix: bool, max_chars: Option<u16>, next_to: Vec<Regex> },
    Pattern { patterns: Vec<Regex>, max_chars: Option<u16>, none_of: Option<Lex>, labels: Option<Lex>, next_to: Vec<Regex>, above: bool },
    Cues { groups: Vec<Lex>, none_of: Option<Lex>, quoted: Option<Lex>, max_chars: Option<u16> },
    Caption { cues: Option<Lex>, weak: Option<Lex>, prefixes: Option<Lex>, credit: Option<Lex>, agencies: Option<Lex>, none_of: Option<Lex>, max_chars: Option<u16>, max_credit: Option<u8>, lists: Option<Lex> },
    Foreign { labels: Option<Lex>, mentions: Option<Lex>, scripts: Vec<u8>, pairs: Vec<(u8, u8)>, max_words: Option<u8>, max_chars: Option<u8>, after: Option<Lex>, loans: Option<Lex> },
    Region {
        start: Lex,
        members: Option<Lex>,
        max_lines: Option<u8>,
        member_max: Option<u8>,
        stop_at_blank: bool,
        tail: bool,
        after: Option<u8>,
        needs_member: bool,
        blank_ends_after: Option<u8>,
        headline_max: Option<u8>,
        glued_start: bool,
        to_end: bool,
        next_to: Vec<Regex>,
        page_only: Option<Lex>,
        ends_at: Option<Lex>,
    },
}

#[derive(Arbitrary, Debug)]
struct RuleSpec {
    category: u8,
    spec: Spec,
    examples: Vec<(Doc, bool)>,
}

#[derive(Arbitrary, Debug)]
enum Piece {
    Word(Word),
    Space,
    Newline,
    Crlf,
    Cr,
    Blank,
}

#[derive(Arbitrary, Debug)]
struct Doc(Vec<Piece>);

impl Doc {
    fn text(&self) -> String {
        let mut s = String::new();
        for p in &self.0 {
            match p {
                Piece::Word(w) => s.push_str(&w.text()),
                Piece::Space => s.push(' '),
                Piece::Newline => s.push('\n'),
                Piece::Crlf => s.push_str("\r\n"),
                Piece::Cr => s.push('\r'),
                Piece::Blank => s.push_str("\n\n"),
            }
        }
        s
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    files: Vec<Vec<RuleSpec>>,
    disable: Option<u8>,
    doc: Doc,
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().map(|s| q(&s)).collect::<Vec<_>>().join(", "))
}

fn lex(out: &mut String, key: &str, l: &Lex) {
    let lang = LANGS[l.lang as usize % LANGS.len()];
    let _ = writeln!(out, "{key}.{} = {}", q(lang), list(l.phrases.iter().take(6).map(Phrase::text)));
}

fn opt_lex(out: &mut String, key: &str, l: &Option<Lex>) {
    if let Some(l) = l {
        lex(out, key, l);
    }
}

fn num(out: &mut String, key: &str, n: Option<impl Into<u32>>) {
    if let Some(n) = n {
        let _ = writeln!(out, "{key} = {}", n.into());
    }
}

fn regex(r: &Regex) -> String {
    match r {
        Regex::Bits(b) => b.iter().take(8).map(|&i| REGEX_BITS[i as usize % REGEX_BITS.len()]).collect(),
        Regex::Free(s) => s.chars().take(64).collect(),
    }
}

fn render(file: &[RuleSpec], n: &mut usize) -> String {
    let mut out = String::new();
    for r in file.iter().take(4) {
        *n += 1;
        let cat = CATEGORIES[r.category as usize % CATEGORIES.len()];
        let _ = writeln!(out, "[[rule]]\nid = \"fz-{n}\"\ncategory = {}\ndescription = \"fuzz\"", q(cat));
        match &r.spec {
            Spec::Phrase { phrases, labels, prefix, max_chars, next_to } => {
                out.push_str("kind = \"phrase\"\n");
                lex(&mut out, "phrases", phrases);
                opt_lex(&mut out, "labels", labels);
                if *prefix {
                    out.push_str("match = \"prefix\"\n");
                }
                num(&mut out, "max_chars", *max_chars);
                if !next_to.is_empty() {
                    let _ = writeln!(out, "not_next_to.en = {}", list(next_to.iter().take(3).map(regex)));
                }
            }
            Spec::Pattern { patterns, max_chars, none_of, labels, next_to, above } => {
                out.push_str("kind = \"pattern\"\n");
                let _ = writeln!(out, "patterns.en = {}", list(patterns.iter().take(4).map(regex)));
                num(&mut out, "max_chars", *max_chars);
                opt_lex(&mut out, "none_of", none_of);
                if *above {
                    out.push_str("none_of_above = true\n");
                }
                opt_lex(&mut out, "allowed_labels", labels);
                if !next_to.is_empty() {
                    let _ = writeln!(out, "not_next_to.en = {}", list(next_to.iter().take(3).map(regex)));
                }
            }
            Spec::Cues { groups, none_of, quoted, max_chars } => {
                out.push_str("kind = \"cues\"\nall_of = [");
                for g in groups.iter().take(9) {
                    let lang = LANGS[g.lang as usize % LANGS.len()];
                    let _ = write!(out, "{{ {} = {} }}, ", q(lang), list(g.phrases.iter().take(4).map(Phrase::text)));
                }
                out.push_str("]\n");
                opt_lex(&mut out, "none_of", none_of);
                opt_lex(&mut out, "none_of_quoted", quoted);
                num(&mut out, "max_chars", *max_chars);
            }
            Spec::Caption { cues, weak, prefixes, credit, agencies, none_of, max_chars, max_credit, lists } => {
                out.push_str("kind = \"caption\"\n");
                opt_lex(&mut out, "cues", cues);
                opt_lex(&mut out, "weak_cues", weak);
                opt_lex(&mut out, "prefixes", prefixes);
                opt_lex(&mut out, "credit_prefixes", credit);
                opt_lex(&mut out, "list_prefixes", lists);
                opt_lex(&mut out, "agencies", agencies);
                opt_lex(&mut out, "none_of", none_of);
                num(&mut out, "max_chars", *max_chars);
                num(&mut out, "max_credit_chars", *max_credit);
            }
            Spec::Foreign { labels, mentions, scripts, pairs, max_words, max_chars, after, loans } => {
                out.push_str("kind = \"foreign_token\"\n");
                opt_lex(&mut out, "labels", labels);
                opt_lex(&mut out, "mention_cues", mentions);
                opt_lex(&mut out, "mention_after", after);
                opt_lex(&mut out, "loanwords", loans);
                let s = |i: u8| SCRIPTS[i as usize % SCRIPTS.len()].to_string();
                if !scripts.is_empty() {
                    let _ = writeln!(out, "unlabelled_scripts = {}", list(scripts.iter().take(4).map(|&i| s(i))));
                }
                if !pairs.is_empty() {
                    let p: Vec<String> = pairs.iter().take(3).map(|&(a, b)| list([s(a), s(b)])).collect();
                    let _ = writeln!(out, "labelled_only_pairs = [{}]", p.join(", "));
                }
                num(&mut out, "max_words", *max_words);
                num(&mut out, "max_chars", *max_chars);
            }
            Spec::Region { start, members, max_lines, member_max, stop_at_blank, tail, after, needs_member, blank_ends_after, headline_max, glued_start, to_end, next_to, page_only, ends_at } => {
                out.push_str("kind = \"region\"\n");
                lex(&mut out, "start", start);
                opt_lex(&mut out, "members", members);
                opt_lex(&mut out, "page_only_start", page_only);
                opt_lex(&mut out, "ends_at", ends_at);
                num(&mut out, "max_lines", *max_lines);
                num(&mut out, "member_max_chars", *member_max);
                let _ = writeln!(out, "stop_at_blank = {stop_at_blank}");
                if *tail {
                    out.push_str("position = \"tail\"\n");
                }
                if let Some(a) = after {
                    let _ = writeln!(out, "after = [{}]", q(CATEGORIES[*a as usize % CATEGORIES.len()]));
                }
                let _ = writeln!(out, "needs_member = {needs_member}");
                num(&mut out, "blank_ends_after", *blank_ends_after);
                num(&mut out, "headline_max_chars", *headline_max);
                // A glued start fires only with `headline_max_chars` and a member line under it, a
                // region to the end only on its start alone (both drawn above); `to_end` is meant
                // for `position = "tail"`, but any position loads.
                let _ = writeln!(out, "glued_start = {glued_start}");
                let _ = writeln!(out, "to_end = {to_end}");
                if !next_to.is_empty() {
                    let _ = writeln!(out, "not_next_to.en = {}", list(next_to.iter().take(3).map(regex)));
                }
            }
        }
        for (doc, keep) in r.examples.iter().take(2) {
            let _ = writeln!(out, "[[rule.example]]\ninput = {}", q(&doc.text()));
            if !keep {
                out.push_str("output = \"\"\n");
            }
        }
    }
    out
}

fuzz_target!(|input: Input| {
    // Without the default rules: building them costs far more than a run, and the
    // `clean_default` target covers them.
    let mut b = Cleaner::builder().default_rules(false);
    let mut n = 0;
    for (i, f) in input.files.iter().take(3).enumerate() {
        b = b.rules_str(format!("fuzz{i}.toml"), render(f, &mut n));
    }
    if let Some(d) = input.disable {
        b = b.disable(CATEGORIES[d as usize % CATEGORIES.len()]);
    }
    let cleaner = match b.build() {
        Ok(c) => c,
        Err(Error::Rule(e)) => {
            assert!(e.path.starts_with("fuzz") && e.line >= 1 && e.col >= 1, "unlocated rule error: {e}");
            return;
        }
        Err(_) => return,
    };
    let text = input.doc.text();
    let cleaned = cleaner.clean(&text);
    if let Err(e) = invariants::check(text.as_bytes(), &cleaned) {
        panic!("{e}\ntext: {text:?}\nedits: {:#?}", cleaned.edits);
    }
    // The rules' own examples run each rule alone through the engine.
    let _ = check_examples(cleaner.rules());
});
