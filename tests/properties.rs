//! Property tests on realistic generated documents: paragraphs of prose in several scripts,
//! blank lines, `\n` / `\r\n` / `\r` endings, boilerplate lines taken from the default rules' own
//! examples, widget labels dropped between words, caption lines with agency credits.
//!
//! Properties: the output is the input minus the edit spans; edits are sorted, non-overlapping
//! and on char boundaries; cleaning is idempotent; the output is never longer than the input;
//! `clean_lossy` agrees with `clean` on valid text and deletes exactly the invalid bytes it is
//! given on top of it.

#[path = "../fuzz/invariants.rs"]
mod invariants;

use proptest::prelude::*;
use std::sync::OnceLock;
use textsweep::{Category, Cleaner};

fn cleaner() -> &'static Cleaner {
    static C: OnceLock<Cleaner> = OnceLock::new();
    C.get_or_init(|| Cleaner::builder().examples(true).build().unwrap())
}

/// Every non-blank line of every inline example of the default rules: captions, comment-form
/// lines, sentences with widget labels, and the must-keep prose beside them.
fn example_lines() -> &'static [String] {
    static L: OnceLock<Vec<String>> = OnceLock::new();
    L.get_or_init(|| {
        let mut v: Vec<String> = cleaner()
            .rules()
            .iter()
            .flat_map(|r| r.examples.iter())
            .flat_map(|(e, _)| e.input.lines().map(str::to_string).collect::<Vec<_>>())
            .filter(|l| !l.trim().is_empty())
            .collect();
        v.sort();
        v.dedup();
        assert!(v.len() > 10, "the default rules have examples");
        v
    })
}

const LATIN: &[&str] = &["the", "minister", "said", "talks", "would", "resume", "in", "Seoul", "on", "Monday", "after", "a", "long", "pause", "officials", "Berlin", "market", "prices", "rose", "sharply"];
const HANGUL: &[&str] = &["정부는", "오늘", "서울에서", "회담을", "재개한다고", "밝혔다", "경제", "시장", "가격이", "크게", "올랐다", "대통령은"];
const JAPANESE: &[&str] = &["政府は", "今日", "東京で", "会談を", "再開すると", "発表した", "市場の", "価格が", "大きく", "上がった"];
const CYRILLIC: &[&str] = &["правительство", "заявило", "что", "переговоры", "возобновятся", "в", "Москве", "цены", "на", "рынке", "выросли"];
const ARABIC: &[&str] = &["قالت", "الحكومة", "إن", "المحادثات", "ستستأنف", "في", "القاهرة", "يوم", "الاثنين", "الأسعار", "ارتفعت"];
const WIDGETS: &[&str] = &["추천", "공유", "いいね", "Поделиться", "分享", "Share", "تعليق"];
const AGENCIES: &[&str] = &["Yonhap", "Reuters", "AFP", "Getty Images", "dpa", "AP"];

fn words(script: usize) -> &'static [&'static str] {
    [LATIN, HANGUL, JAPANESE, CYRILLIC, ARABIC][script % 5]
}

#[derive(Debug, Clone)]
enum Block {
    /// A paragraph: script, word picks, and where (if anywhere) a widget label is dropped in.
    Prose(usize, Vec<usize>, Option<(usize, usize)>),
    /// A line from the default rules' examples.
    Example(usize),
    /// A caption: prose words and an agency credit.
    Caption(Vec<usize>, usize),
    Blank,
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        4 => (0..5usize, prop::collection::vec(0..64usize, 3..30), prop::option::of((0..30usize, 0..WIDGETS.len())))
            .prop_map(|(s, w, t)| Block::Prose(s, w, t)),
        3 => (0..10_000usize).prop_map(Block::Example),
        1 => (prop::collection::vec(0..64usize, 3..12), 0..AGENCIES.len()).prop_map(|(w, a)| Block::Caption(w, a)),
        1 => Just(Block::Blank),
    ]
}

/// A document and its line endings: 0 `\n`, 1 `\r\n`, 2 `\r`, 3 mixed.
fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(block(), 0..25), 0..4usize, prop::collection::vec(0..3usize, 25), any::<bool>()).prop_map(
        |(blocks, style, mixed, final_eol)| {
            let eol = |i: usize| match if style == 3 { mixed[i % mixed.len()] } else { style } {
                0 => "\n",
                1 => "\r\n",
                _ => "\r",
            };
            let mut out = String::new();
            for (i, b) in blocks.iter().enumerate() {
                match b {
                    Block::Prose(s, picks, token) => {
                        let w = words(*s);
                        let mut ws: Vec<&str> = picks.iter().map(|&p| w[p % w.len()]).collect();
                        if let Some((at, t)) = token {
                            ws.insert(1 + at % (ws.len() - 1), WIDGETS[*t]);
                        }
                        out.push_str(&ws.join(" "));
                        out.push('.');
                    }
                    Block::Example(k) => {
                        let lines = example_lines();
                        out.push_str(&lines[k % lines.len()]);
                    }
                    Block::Caption(picks, a) => {
                        let ws: Vec<&str> = picks.iter().map(|&p| LATIN[p % LATIN.len()]).collect();
                        out.push_str(&format!("{}. {}", ws.join(" "), AGENCIES[*a]));
                    }
                    Block::Blank => {}
                }
                if i + 1 < blocks.len() || final_eol {
                    out.push_str(eol(i));
                }
            }
            out
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn output_is_input_minus_sorted_disjoint_edits(doc in document()) {
        let c = cleaner().clean(&doc);
        if let Err(e) = invariants::check(doc.as_bytes(), &c) {
            return Err(TestCaseError::fail(format!("{e}\ninput: {doc:?}")));
        }
        prop_assert!(c.text.len() <= doc.len());
        for w in c.edits.windows(2) {
            prop_assert!(w[0].end <= w[1].start);
        }
        for e in &c.edits {
            prop_assert!(doc.is_char_boundary(e.start) && doc.is_char_boundary(e.end));
            prop_assert_eq!(&doc[e.start..e.end], e.text.as_str());
        }
    }

    #[test]
    fn cleaning_is_idempotent(doc in document()) {
        let once = cleaner().clean(&doc);
        let twice = cleaner().clean(&once.text);
        prop_assert_eq!(&twice.text, &once.text, "second pass removed {:?}\ninput: {:?}", twice.edits, doc);
    }

    #[test]
    fn lossy_agrees_with_clean_on_valid_text(doc in document()) {
        prop_assert_eq!(cleaner().clean_lossy(doc.as_bytes()), cleaner().clean(&doc));
    }

    #[test]
    fn lossy_deletes_exactly_the_invalid_bytes(doc in document(), cuts in prop::collection::vec((any::<prop::sample::Index>(), 0x80u8..=0xff), 1..6)) {
        // Insert bytes that can never be valid UTF-8 here (a lone continuation byte or 0xF8..0xFF
        // right after a complete character) at char boundaries.
        let mut bytes = doc.clone().into_bytes();
        let bounds: Vec<usize> = (0..=doc.len()).filter(|&i| doc.is_char_boundary(i)).collect();
        let mut inserted = 0;
        let mut at: Vec<usize> = cuts.iter().map(|(i, _)| bounds[i.index(bounds.len())]).collect();
        at.sort_unstable();
        at.dedup();
        for (k, &pos) in at.iter().enumerate().rev() {
            let b = cuts[k].1;
            let b = if (0xc0..0xf8).contains(&b) { 0x80 | (b & 0x3f) } else { b };
            bytes.insert(pos, b);
            inserted += 1;
        }
        let c = cleaner().clean_lossy(&bytes);
        if let Err(e) = invariants::check(&bytes, &c) {
            return Err(TestCaseError::fail(format!("{e}\ninput: {bytes:?}")));
        }
        let bad: usize = c.edits.iter().filter(|e| e.category == Category::InvalidUtf8).map(|e| e.end - e.start).sum();
        prop_assert_eq!(bad, inserted);
    }
}
