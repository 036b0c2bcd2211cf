//! `context`: paragraph classification for full-page text (menus, navigation, link lists,
//! footers), in the spirit of jusText.
//!
//! It only wakes up on documents that look like a whole page rendered as text: at least
//! `activate_min_lines` lines, of which at least `activate_short_share` are shorter than
//! `short_chars` characters and at least `activate_list_share` are list items, with a run of at
//! least `activate_short_run` short lines in a row (a menu); or, by looser `activate_loose_*`
//! counts that leave table rows out, when its first `activate_top_lines` lines are all short (it
//! opens with a menu). Extractor output (prose paragraphs) rarely looks like that, so the rule
//! stays silent there.
//!
//! Each line is then a paragraph. Its class comes from its length and its stop-word density in the
//! document's language (stop words are data, per language). The language comes from a bounded
//! sample, the page's longest lines: it is the one whose stop words make the sample read as prose
//! by that language's own `stopwords_high`, with no other language's density within a margin of
//! it (see [`Context::confident_language`]); when no language does, `whatlang` names it, and a
//! language without stop words here leaves the page alone:
//! - shorter than `length_low` characters: *short*;
//! - density at least `stopwords_high` and longer than `length_high`: *good*;
//! - density at least `stopwords_low`, or longer than `length_high` with at least
//!   `prose_sentences` sentence ends (terse prose: recipe steps, telegraphic news): *near-good*;
//! - otherwise: *bad*.
//!
//! A run of two or more good or near-good lines that together are longer than `length_high` and
//! reach `stopwords_high` is good (prose cut into one sentence per line). With `sentence_runs`, on
//! a page whose indentation tells nothing of the article (see below: text rendered flat, or no
//! line good by itself), lines of any length that end as running prose does (a full stop, or a
//! comma: "Dear Parents and Carers,"; not a teaser's "...") join such runs too: a run holding at
//! least three of them, up to its last good or near-good line, that is prose by the same measure
//! is good. Help steps, a short statement, a lead sentence right above the prose: an article
//! made only of lines under `length_high` has no good line otherwise, and the page lost it whole.
//! The short sentences after the run's last good or near-good line are left to the context (a
//! slogan, a contact line under the article reads as one too).
//!
//! Context then settles the uncertain ones: a short line between good ones is good (a subheading
//! inside the article), a near-good line next to a good one is good, everything else bad. The
//! document's edges count as bad, which is the position prior: boilerplate lives at the top and
//! bottom. A block of bad lines that are not list items keeps when it follows a good line and ends
//! at another good line or at a line another rule took (the article's own short lines: a recipe,
//! a table, captions). A page where no line settles good is left alone (when unsure, keep). Bad
//! lines are removed. A run of at least `link_list_min_items` short list items, at least
//! `link_list_share` of them link-like (capitalised, no colon, no closing full stop), is a link
//! list (a menu, related headlines) and bad even between good lines, unless the line before it
//! ends with a colon.
//!
//! Whole-page text keeps the page's nesting as indentation (inscriptis, lynx and w3m indent each
//! block by its depth), and an article's paragraphs share one indentation where menus, sidebars
//! and footers mostly sit at others. The *article's indentation* is the one most lines that
//! settle good by length and stop words have. With `indent_sentences`, a near-good line, or a
//! function-word-poor line that is no list item, that the context settled bad keeps when it sits
//! at that indentation and ends as a sentence does (a lead paragraph between the headline and a
//! caption, terse prose). With `indent_headings`, a short line at that indentation keeps when the
//! next line is a good or kept line at the same indentation (the article's title or subheading
//! right above its paragraph). Neither counts as good for the other lines' context, and neither
//! applies where more than `indent_max_share` of the lines sit at the article's indentation
//! (text rendered flat, extractor output: its indentation tells nothing). Density
//! thresholds can be set per language
//! (`stopwords_low.zh = 0.1`) for scripts where function words are single characters; there the
//! density is over the page's own characters, and a word in letters of another script (a brand
//! name in Latin letters) counts as one.
//!
//! Some article content is made of short, function-word-poor lines by nature: an ingredient list
//! ("225 g butter", "1/4 cup sugar") reads exactly like a menu. A line that is one of the
//! `content_headings` ("Ingredients", "Zutaten", "材料") and not a list item (a food site's menu
//! has a "* Zutaten" entry) opens such a list: from it to the next good line, or to the next line another rule took (an ad label, a share bar: the article's
//! end), nothing is removed by this rule. A heading in a run that goes on to the document's edge
//! protects nothing.

use super::{check_fields, check_lexicon, required, FileCtx, RawRule, RuleError};
use crate::document::Document;
use crate::text::{script_of, Script};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Sets and maps looked up once per word of every line: a fast hash (the keys are rule data,
/// not input, so no flooding to guard against).
pub type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug)]
pub struct Context {
    /// Lower-case stop words by language.
    pub stopwords: FastMap<String, FastSet<String>>,
    /// The byte length of each language's longest stop word: a longer ASCII word without an
    /// apostrophe is none, and is not lower-cased and looked up.
    pub longest_stopword: FastMap<String, usize>,
    /// Single-character function words by language (Han, Kana, Hangul text).
    pub particles: FastMap<String, FastSet<char>>,
    /// The byte lengths of each language's stop words by first and by last byte (see
    /// [`WordShapes`]): most words are told to be none without being hashed.
    shapes: FastMap<String, WordShapes>,
    /// Every threshold, set at compile time (`name` and `name.LANG`).
    thresholds: BTreeMap<String, f64>,
    /// The thresholds of the activation, which has no language, read out of `thresholds` once:
    /// [`Context::active_counted`] runs on every document, and a map look-up by name cost more
    /// than its loop over short documents.
    activation: Activation,
    /// Normalised headings (see [`crate::text::normalize_label`]) that open article content made
    /// of short lines.
    pub content_headings: FastSet<String>,
    /// The stop words by word, built the first time a page's language is asked.
    guesser: std::sync::OnceLock<Option<Box<Guesser>>>,
}

/// The stop words of one language by their first and their last byte: bit `n` of `first[b]`
/// (`n` at most 63, which stands for every longer length) is set when a stop word of `n` bytes
/// starts with byte `b`, and likewise for `last`. A lower-cased word whose length is missing
/// from the bits of its first or its last byte is no stop word; the test costs two loads where a
/// hash-set look-up cost the word's hash, a probe and a comparison.
#[derive(Debug)]
struct WordShapes {
    first: [u64; 256],
    last: [u64; 256],
}

impl WordShapes {
    fn new<'a>(words: impl IntoIterator<Item = &'a String>) -> Self {
        let mut shapes = WordShapes { first: [0; 256], last: [0; 256] };
        for w in words {
            if let (Some(&f), Some(&l)) = (w.as_bytes().first(), w.as_bytes().last()) {
                let bit = Self::bit(w.len());
                shapes.first[usize::from(f)] |= bit;
                shapes.last[usize::from(l)] |= bit;
            }
        }
        shapes
    }

    #[inline]
    fn bit(len: usize) -> u64 {
        1 << len.min(63)
    }

    /// May `w` be one of the stop words, once lower-cased? For an ASCII word, whose lower-casing
    /// keeps its length and lower-cases its first and last bytes, this is asked of `w` itself.
    #[inline]
    fn may_hold(&self, w: &[u8]) -> bool {
        match (w.first(), w.last()) {
            (Some(f), Some(l)) => {
                let bit = Self::bit(w.len());
                self.first[usize::from(f.to_ascii_lowercase())] & bit != 0 && self.last[usize::from(l.to_ascii_lowercase())] & bit != 0
            }
            _ => true,
        }
    }
}

/// Classes of bytes for [`Context::density`]'s walk: ASCII white space, ASCII letters and digits,
/// other ASCII characters, and the bytes of other characters, which are decoded.
const SPACE: u8 = 0;
const ALNUM: u8 = 1;
const OTHER: u8 = 2;
const BYTE_CLASS: [u8; 256] = {
    let mut t = [3u8; 256];
    let mut i = 0;
    while i < 0x80 {
        let b = i as u8;
        // `char::is_whitespace` in ASCII (see `text::is_ascii_space`).
        t[i] = if matches!(b, b'\t'..=b'\r' | b' ') {
            SPACE
        } else if b.is_ascii_alphanumeric() {
            ALNUM
        } else {
            OTHER
        };
        i += 1;
    }
    t
};

/// Calls `f(word, ascii)` for every word of `line`, in order: `split_whitespace` and
/// `trim_to_alphanumeric` in one walk, ASCII bytes told by table and only other characters
/// decoded (a word runs from the first letter or digit of a token to the end of its last one;
/// `ascii` when it is all ASCII).
#[inline(always)]
fn each_word(line: &str, mut f: impl FnMut(&str, bool)) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let (mut start, mut end, mut high) = (usize::MAX, 0usize, false);
        while let Some(&x) = b.get(i) {
            match BYTE_CLASS[usize::from(x)] {
                SPACE => break,
                ALNUM => {
                    start = start.min(i);
                    i += 1;
                    end = i;
                }
                OTHER => i += 1,
                _ => {
                    let c = line[i..].chars().next().expect("a char starts at a lead byte");
                    if c.is_whitespace() {
                        break;
                    }
                    high = true;
                    let at = i;
                    i += c.len_utf8();
                    if crate::text::is_alphanumeric(c) {
                        start = start.min(at);
                        end = i;
                    }
                }
            }
        }
        if start < end {
            let w = &line[start..end];
            f(w, !high || w.is_ascii());
        }
        // Past the white space that ended the token.
        i += match b.get(i) {
            Some(&x) if x < 0x80 => 1,
            Some(_) => line[i..].chars().next().map_or(1, char::len_utf8),
            None => 0,
        };
    }
}

/// Is `w` (not empty, trimmed to letters and digits, `ascii` when it is) one of the stop words
/// `sw`, of at most `longest` bytes and of the `shapes`? `quote` is false when the line holds
/// no ASCII apostrophe, `curly` when it holds no `’`; `buf` is scratch space.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn is_stop_word(sw: &FastSet<String>, longest: usize, shapes: &WordShapes, w: &str, ascii: bool, quote: bool, curly: bool, buf: &mut String) -> bool {
    // An ASCII word without an apostrophe is a stop word only when it is one lower-cased whole:
    // too long, or of a length no stop word with its first and last letters has, it is none, and
    // is not lower-cased and looked up.
    if ascii && (w.len() > longest || !shapes.may_hold(w.as_bytes())) && !(quote && w.as_bytes().contains(&b'\'')) {
        return false;
    }
    buf.clear();
    if ascii {
        // The same as the char-by-char lower-casing below, for the common word.
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        // The lower-cased word only grows as it is built: without an apostrophe in the line,
        // which may elide a shorter stop word, one that grows past the longest stop word is none.
        for c in w.chars() {
            buf.extend(c.to_lowercase());
            if buf.len() > longest && !quote && !curly {
                return false;
            }
        }
    }
    match elision(buf, ascii) {
        Some(a) => sw.contains(&buf[..a]) || sw.contains(buf.as_str()),
        // Lower-cased, the word itself must fit a stop word's shape.
        None => shapes.may_hold(buf.as_bytes()) && sw.contains(buf.as_str()),
    }
}

/// Where the lower-cased word `w` (`ascii` when it is) holds an apostrophe: an elided article or
/// pronoun before it counts as the word it is ("l'homme", "qu'il", "it's"), and so does the whole.
#[inline]
fn elision(w: &str, ascii: bool) -> Option<usize> {
    if ascii {
        // Words are short: a plain loop, no call.
        w.bytes().position(|b| b == b'\'')
    } else {
        w.find(['\'', '’'])
    }
}

/// A page's language is taken from its function words (see [`Context::confident_language`]) when
/// the best language's density reaches this multiple of its `stopwords_high`...
const GUESS_MIN_SCORE: f64 = 1.0;
/// ... and this multiple of the next best language's.
const GUESS_MARGIN: f64 = 1.5;
/// Or when it reaches this lower multiple of its `stopwords_high` (a page whose longest lines
/// hold teasers and headlines besides prose: German pages score 0.5-1.0 there) ...
const GUESS_LOW_SCORE: f64 = 0.5;
/// ... and stands this far ahead of the next best language. Measured against the detector on
/// the language samples of every page-like document of the public real pages (969, in four
/// extractors' output, 111 more named this way than by the first pair alone) and of pages made
/// of the message catalogues of 60-odd Latin-script locales on this machine
/// (`/usr/share/locale`): never a language the detector does not name. The closest language
/// without a lexicon was Afrikaans, 2.55 times ahead as Dutch.
const GUESS_LOW_MARGIN: f64 = 3.5;

/// For each line, the class of the nearest line above it and of the nearest below it that
/// `counts` (`None` past the document's edge): two passes, where a walk from each line over the
/// lines between took time in the square of a run's length (whole pages hold runs of hundreds of
/// short lines).
fn neighbours(class: &[Class], counts: impl Fn(Class) -> bool) -> (Vec<Option<Class>>, Vec<Option<Class>>) {
    let mut above = Vec::with_capacity(class.len());
    let mut last = None;
    for &c in class {
        above.push(last);
        if counts(c) {
            last = Some(c);
        }
    }
    let mut below = vec![None; class.len()];
    last = None;
    for (i, &c) in class.iter().enumerate().rev() {
        below[i] = last;
        if counts(c) {
            last = Some(c);
        }
    }
    (above, below)
}

/// The stop words of every language with no particles (see [`Context::confident_language`]), for
/// one look-up per word: each word's languages as bits.
#[derive(Debug)]
struct Guesser {
    /// The languages, in the order of their codes, and the `stopwords_high` of each.
    langs: Vec<(String, f64)>,
    words: FastMap<Box<str>, u64>,
    longest: usize,
    /// The shapes of all the words (see [`WordShapes`]).
    shapes: WordShapes,
}

impl Guesser {
    const MAX_LANGUAGES: usize = 64;

    /// `None` when there are more languages than bits, or one has no positive threshold.
    fn new(c: &Context) -> Option<Guesser> {
        let mut codes: Vec<&String> = c.stopwords.keys().filter(|l| !c.particles.contains_key(*l)).collect();
        codes.sort();
        if codes.len() > Self::MAX_LANGUAGES {
            return None;
        }
        let mut langs = Vec::with_capacity(codes.len());
        let mut words: FastMap<Box<str>, u64> = FastMap::default();
        for (k, lang) in codes.into_iter().enumerate() {
            let high = c.t("stopwords_high", Some(lang));
            if high.is_nan() || high <= 0.0 {
                return None;
            }
            langs.push((lang.clone(), high));
            for w in &c.stopwords[lang] {
                *words.entry(w.as_str().into()).or_default() |= 1u64 << k;
            }
        }
        let longest = words.keys().map(|w| w.len()).max().unwrap_or(0);
        let shapes = WordShapes::new(langs.iter().flat_map(|(lang, _)| &c.stopwords[lang]));
        Some(Guesser { langs, words, longest, shapes })
    }
}

/// The function words of one language, as [`Context::density`] reads them: looked up once per
/// document, not once per line.
#[derive(Clone, Copy)]
struct Lexicon<'a> {
    particles: Option<&'a FastSet<char>>,
    /// The stop words, the byte length of the longest and their shapes.
    words: Option<(&'a FastSet<String>, usize, &'a WordShapes)>,
}

/// The language-independent thresholds [`Context::active_counted`] reads (see `KNOWN`).
#[derive(Debug, Clone, Copy)]
struct Activation {
    min_lines: f64,
    short_share: f64,
    short_run: f64,
    list_share: f64,
    top_lines: f64,
    loose_short_share: f64,
    loose_short_run: f64,
    loose_list_share: f64,
    short_chars: usize,
    length_low: usize,
}

const KNOWN: &[(&str, f64)] = &[
    ("activate_min_lines", 15.0),
    ("activate_short_share", 0.5),
    ("activate_short_run", 10.0),
    ("activate_list_share", 0.1),
    // The looser shape is off unless a rule file sets `activate_top_lines`.
    ("activate_top_lines", f64::INFINITY),
    ("activate_loose_short_share", 0.5),
    ("activate_loose_short_run", 10.0),
    ("activate_loose_list_share", 0.05),
    ("short_chars", 40.0),
    ("length_low", 70.0),
    ("length_high", 200.0),
    ("stopwords_low", 0.30),
    ("stopwords_high", 0.32),
    // Link lists between prose paragraphs are off unless a rule file sets
    // `link_list_min_items`.
    ("link_list_min_items", f64::INFINITY),
    ("link_list_share", 0.8),
    // Off unless a rule file sets it: a line longer than `length_high` with at least this many
    // sentence ends is near-good, whatever its stop-word density.
    ("prose_sentences", f64::INFINITY),
    // Off unless a rule file sets them to 1: lines at the article's indentation (see the
    // module's documentation).
    ("indent_sentences", 0.0),
    ("indent_headings", 0.0),
    ("indent_max_share", 0.8),
    // Off unless a rule file sets it to 1: lines that end as a sentence does join a run of prose.
    ("sentence_runs", 0.0),
];

/// A line rendered from a list item: `* x`, `+ x`, `- x`, `• x`, `o x`, or a bare marker.
pub(crate) fn is_list_item(line: &str) -> bool {
    let mut c = line.chars();
    matches!(
        (c.next(), c.next()),
        (Some('*' | '+' | '-' | '•' | '·' | '▪' | '◦' | 'o'), Some(' ')) | (Some('*' | '+' | '•' | '·' | '▪' | '◦'), None)
    )
}

/// Sentence ends in `line`: `.`, `!` or `?` followed by a space and a capital letter, or at the
/// end of the line.
fn sentences(line: &str) -> usize {
    let b = line.as_bytes();
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(c, b'.' | b'!' | b'?') {
            let rest = &line[i + 1..];
            if rest.is_empty() || rest.strip_prefix(' ').and_then(|r| r.chars().next()).is_some_and(char::is_uppercase) {
                n += 1;
            }
        }
    }
    n
}

/// The maximal runs of indices below `len` where `pred` holds, in order.
fn runs(len: usize, pred: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < len {
        if pred(k) {
            let end = (k..len).find(|&j| !pred(j)).unwrap_or(len);
            out.push(k..end);
            k = end;
        } else {
            k += 1;
        }
    }
    out
}

/// A list item that reads like a link (a menu entry, a headline, a name): its first letter or
/// digit is an upper-case or uncased letter, it has no colon (`Ingredients: 2 eggs`, `ISO: 640`)
/// and it does not end as a sentence does (a single full stop). A bare marker counts as a link
/// (an icon). Items of an article's own lists (`2 cups flour`, `keep the soil moist`,
/// `Make sure you record the date.`) fail one of these.
fn link_like(item: &str) -> bool {
    match item.chars().find(|c| c.is_alphanumeric()) {
        None => true,
        Some(c) => {
            let sentence = item.ends_with('.') && !item.ends_with("..");
            !(crate::text::is_lower_case(c) || c.is_numeric() || item.contains(':') || sentence)
        }
    }
}

/// The fewest lines of a run that [`Context::bad_lines`] keeps as verse.
const VERSE_MIN_LINES: usize = 4;

/// The fewest lines ending as prose lines do (see [`ends_prose_line`]) of a run that the second
/// pass of [`Context::bad_lines`] makes good.
const SENTENCE_RUN_LINES: usize = 3;

/// The marks that end a sentence, for [`ends_sentence`] (the Urdu full stop `۔` and the Armenian
/// `։` too: no other language's text has them, and without them no Urdu or Armenian line ended as
/// a sentence).
const SENTENCE_ENDS: [char; 8] = ['.', '!', '?', '。', '！', '？', '۔', '։'];

/// `line` without trailing white space and then closing quotes or a bracket: the marks this rule
/// has always passed over (the engine's `without_closers` also passes over CJK brackets; the
/// context classes were measured with these).
fn trim_closers(line: &str) -> &str {
    line.trim_end().trim_end_matches(['"', '\'', '”', '’', '»', ')'])
}

/// Does `line` end with a mark of a sentence or of its parts (a sentence's end, `,`, `;`, `:`, `…`,
/// `—`), before any closing quote or bracket? A verse line often does, a menu entry seldom.
fn ends_clause(line: &str) -> bool {
    let t = trim_closers(line);
    t.ends_with(SENTENCE_ENDS) || t.ends_with([',', ';', ':', '…', '—', '，', '、', '；', '：'])
}

/// Does `line` end as a sentence does (`.`, `!`, `?`, `。`, `！`, `？`), before any closing quote or
/// bracket? A teaser's summary or a menu entry seldom does.
fn ends_sentence(line: &str) -> bool {
    trim_closers(line).ends_with(SENTENCE_ENDS)
}

/// Does `line` end as a line of running prose does: as a sentence (see [`ends_sentence`]) or with
/// a comma, the clause going on in the next line ("Dear Parents and Carers,")? A menu entry, a
/// heading or a label ("Share:") seldom does.
/// A teaser cut short ("...", "…") does not.
fn ends_prose_line(line: &str) -> bool {
    let t = trim_closers(line);
    t.ends_with(['.', '。', '۔', '։', ',', '，']) && !t.ends_with("..")
}

/// Leading whitespace of a line, in bytes: whole-page text renders each block at its depth in the
/// page.
fn indent_of(line: &str) -> usize {
    line.len() - crate::text::trim_start(line).len()
}

/// A trimmed line without its list or table marker (`* `, `+ `, `• `, `| `, `o `): the text whose
/// length and stop words count.
fn without_marker(line: &str) -> &str {
    let bare = line.trim_start_matches(['*', '+', '•', '-', '|', '·']).trim_start();
    bare.strip_prefix("o ").unwrap_or(bare)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    NearGood,
    Short,
    Bad,
}

/// Reasons of the context rule's edits.
const WHY_POOR: &str = "full-page boilerplate: a line poor in function words";
const WHY_SHORT: &str = "full-page boilerplate: a short line between boilerplate lines";
const WHY_SHORT_EDGE: &str = "full-page boilerplate: a short line between boilerplate and the document's edge (position prior)";
const WHY_LINKS: &str = "full-page boilerplate: a list of links between prose paragraphs";
const WHY_NEAR: &str = "full-page boilerplate: a borderline line between boilerplate lines";
const WHY_NEAR_EDGE: &str = "full-page boilerplate: a borderline line between boilerplate and the document's edge (position prior)";

impl Context {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["stopwords", "content_headings", "thresholds"])?;
        let mut content_headings = FastSet::default();
        if let Some(h) = &raw.content_headings {
            check_lexicon(ctx, h, "content_headings")?;
            content_headings.extend(super::all_phrases(h.get_ref()).map(crate::text::normalize_label).filter(|s| !s.is_empty()));
        }
        let sw = required(ctx, raw, &raw.stopwords, "stopwords")?;
        check_lexicon(ctx, raw.stopwords.as_ref().unwrap(), "stopwords")?;
        let mut thresholds: BTreeMap<String, f64> = KNOWN.iter().map(|&(k, v)| (k.to_string(), v)).collect();
        if let Some(t) = &raw.thresholds {
            for (k, v) in t.get_ref() {
                let base = k.split('.').next().unwrap_or(k);
                if !KNOWN.iter().any(|(n, _)| *n == base) {
                    let names: Vec<&str> = KNOWN.iter().map(|(n, _)| *n).collect();
                    return Err(ctx.error(t.span(), format!("unknown threshold `{k}` (expected one of: {}, optionally `.LANG`)", names.join(", "))));
                }
                if !v.is_finite() || *v < 0.0 {
                    return Err(ctx.error(t.span(), format!("threshold `{k}` must be a non-negative number")));
                }
                thresholds.insert(k.clone(), *v);
            }
        }
        let mut stopwords: FastMap<String, FastSet<String>> = FastMap::default();
        let mut particles: FastMap<String, FastSet<char>> = FastMap::default();
        for (lang, words) in sw {
            for w in words {
                let w = w.trim().to_lowercase();
                let mut chars = w.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if script_of(c).is_some_and(|s| matches!(s, Script::Han | Script::Kana | Script::Hangul)) => {
                        particles.entry(lang.clone()).or_default().insert(c);
                    }
                    _ => {
                        stopwords.entry(lang.clone()).or_default().insert(w);
                    }
                }
            }
        }
        let longest_stopword = stopwords.iter().map(|(lang, words)| (lang.clone(), words.iter().map(String::len).max().unwrap_or(0))).collect();
        let shapes = stopwords.iter().map(|(lang, words)| (lang.clone(), WordShapes::new(words))).collect();
        let t = |name: &str| thresholds.get(name).copied().unwrap_or(0.0);
        let activation = Activation {
            min_lines: t("activate_min_lines"),
            short_share: t("activate_short_share"),
            short_run: t("activate_short_run"),
            list_share: t("activate_list_share"),
            top_lines: t("activate_top_lines"),
            loose_short_share: t("activate_loose_short_share"),
            loose_short_run: t("activate_loose_short_run"),
            loose_list_share: t("activate_loose_list_share"),
            short_chars: t("short_chars") as usize,
            length_low: t("length_low") as usize,
        };
        Ok(Context { stopwords, longest_stopword, particles, shapes, thresholds, activation, content_headings, guesser: std::sync::OnceLock::new() })
    }

    fn t(&self, name: &str, lang: Option<&str>) -> f64 {
        lang.and_then(|l| self.thresholds.get(&format!("{name}.{l}")))
            .or_else(|| self.thresholds.get(name))
            .copied()
            .unwrap_or(0.0)
    }

    /// Does the document look like a whole rendered page? Cheap: line lengths and list markers.
    /// Menus show as long runs of short lines and as many list items (`* `, `+ `, `• `, `o `).
    /// A second, looser shape (`activate_loose_*`) counts for a page whose first
    /// `activate_top_lines` lines are all shorter than `length_low` (it opens with a menu, where
    /// extractor output opens with a title and prose); table rows (`| a | b |`) count there as
    /// neither short lines nor list items: they are data, not menus.
    pub fn active(&self, doc: &Document) -> bool {
        let chars: Vec<usize> = doc.lines.iter().map(|l| crate::text::char_len(&doc.text[l.start..l.end])).collect();
        self.active_counted(doc, &chars)
    }

    /// [`Context::active`], given the characters of each line of `doc`. Most documents are turned
    /// away by [`Context::may_be_active`] without trimming a line.
    pub fn active_counted(&self, doc: &Document, line_chars: &[usize]) -> bool {
        self.may_be_active(doc, line_chars) && self.shaped(doc)
    }

    /// False when neither shape of [`Context::active`] can hold, told from counts that bound the
    /// shape test's from above, in one pass that trims no line:
    /// - a line is surely not short when its ends are printable ASCII (trimming keeps it whole) and
    ///   it has `short_chars` characters or more; every other line, table rows included, may be
    ///   short. The strict shape's short lines and its longest run of them are at most the lines
    ///   that may be short and their longest run; so is the loose shape's run, which goes on over
    ///   table rows;
    /// - a line is surely no list item when its first byte is printable ASCII (trimming keeps it)
    ///   other than the ASCII markers `*`, `+`, `-`, `o`: the strict shape's list items are at
    ///   most the other lines;
    /// - the loose shape counts only when its first `activate_top_lines` lines are short, which is
    ///   tested exactly, on those lines alone, and needs at least `activate_min_lines` lines that
    ///   are not table rows, so at least as many lines.
    ///
    /// Each bound is compared with the shape test's own threshold by the shape test's own
    /// comparison, so an integer at least the count passes wherever the count does.
    fn may_be_active(&self, doc: &Document, line_chars: &[usize]) -> bool {
        let a = &self.activation;
        let bytes = doc.text.as_bytes();
        let (mut lines, mut run, mut longest, mut maybe_short, mut maybe_items) = (0usize, 0usize, 0usize, 0usize, 0usize);
        for (l, &chars) in doc.lines.iter().zip(line_chars) {
            if l.blank {
                continue;
            }
            lines += 1;
            let (first, last) = (bytes[l.start], bytes[l.end - 1]);
            if first != b'|' && first.is_ascii_graphic() && last.is_ascii_graphic() && chars >= a.short_chars {
                run = 0;
            } else {
                run += 1;
                longest = longest.max(run);
                maybe_short += 1;
            }
            maybe_items += usize::from(!first.is_ascii_graphic() || matches!(first, b'*' | b'+' | b'-' | b'o'));
        }
        let n = lines as f64;
        if n < a.min_lines {
            return false;
        }
        let strict = maybe_short as f64 >= a.short_share * n && maybe_items as f64 >= a.list_share * n && longest as f64 >= a.short_run;
        strict || (longest as f64 >= a.loose_short_run && self.opens_short(doc, lines))
    }

    /// Are the first `activate_top_lines` lines of `doc` (which has `lines` lines that are not
    /// blank) shorter than `length_low` characters, without their list markers? The loose shape's
    /// condition of [`Context::shaped`], looking at those lines only.
    fn opens_short(&self, doc: &Document, lines: usize) -> bool {
        let a = &self.activation;
        // The count is at most the lines there are (an unset threshold is infinite).
        if a.top_lines > lines as f64 {
            return false;
        }
        let mut top = 0usize;
        for (i, l) in doc.lines.iter().enumerate() {
            if top as f64 >= a.top_lines {
                break;
            }
            if l.blank {
                continue;
            }
            if !crate::text::fewer_chars_than(without_marker(crate::text::trim(doc.line(i))), a.length_low) {
                break;
            }
            top += 1;
        }
        top as f64 >= a.top_lines
    }

    /// The shape test of [`Context::active`].
    fn shaped(&self, doc: &Document) -> bool {
        let a = &self.activation;
        let (short, long) = (a.short_chars, a.length_low);
        // Counts [lines, short lines, list items, longest run of short lines], of all lines and of
        // the lines that are not table rows.
        let mut all = [0usize; 4];
        let mut loose = [0usize; 4];
        let (mut run, mut loose_run) = (0usize, 0usize);
        let mut top = 0usize;
        let mut in_top = true;
        for (i, l) in doc.lines.iter().enumerate() {
            if l.blank {
                continue;
            }
            let line = crate::text::trim(doc.line(i));
            let is_short = crate::text::fewer_chars_than(line, short);
            let item = is_list_item(line);
            let count = |c: &mut [usize; 4], run: &mut usize| {
                c[0] += 1;
                if is_short {
                    c[1] += 1;
                    *run += 1;
                    c[3] = c[3].max(*run);
                } else {
                    *run = 0;
                }
                if item {
                    c[2] += 1;
                }
            };
            count(&mut all, &mut run);
            if !line.starts_with('|') {
                count(&mut loose, &mut loose_run);
            }
            if in_top {
                if !crate::text::fewer_chars_than(without_marker(line), long) {
                    in_top = false;
                } else {
                    top += 1;
                }
            }
        }
        let shape = |c: &[usize; 4], [short_share, list_share, short_run]: [f64; 3]| {
            let n = c[0] as f64;
            n >= a.min_lines && c[1] as f64 >= short_share * n && c[2] as f64 >= list_share * n && c[3] as f64 >= short_run
        };
        shape(&all, [a.short_share, a.list_share, a.short_run])
            || (top as f64 >= a.top_lines && shape(&loose, [a.loose_short_share, a.loose_list_share, a.loose_short_run]))
    }

    /// The function words of `lang`.
    fn lexicon(&self, lang: &str) -> Lexicon<'_> {
        let words = self.stopwords.get(lang).map(|w| (w, self.longest_stopword.get(lang).copied().unwrap_or(usize::MAX), &self.shapes[lang]));
        Lexicon { particles: self.particles.get(lang), words }
    }

    /// Stop-word density of one line: share of words (or, for unspaced scripts, of letters) that
    /// are function words.
    #[cfg(test)]
    fn density(&self, line: &str, lang: &str, buf: &mut String) -> f64 {
        Self::density_in(self.lexicon(lang), line, buf)
    }

    /// The language whose function words make `sample` (prose: the longest lines of a page) most
    /// like prose by that language's own `stopwords_high`, when the sample is in Latin letters,
    /// that language's density reaches `GUESS_MIN_SCORE` times its threshold and no other
    /// language's score comes within `GUESS_MARGIN` of it (or `GUESS_LOW_SCORE` and
    /// `GUESS_LOW_MARGIN`); `None` otherwise, and the caller
    /// asks the language detector. The rule needs the lexicon under which the page's prose reads
    /// as prose, and for most pages the function words name it at once, in one walk over the
    /// sample's words; the detector (`whatlang`) scores the sample's trigrams against every
    /// language of its script, at five to seven times the cost. A page in a language without a
    /// lexicon (Slovak, Catalan, Swedish) rarely reads as prose in another's, and then the
    /// detector names its language and the rule leaves the page alone, as before. Samples in
    /// other scripts go to the detector: for Cyrillic, the kin of the languages with a lexicon
    /// (Bulgarian, Serbian) were not checked, and the detector is cheaper there.
    pub fn confident_language(&self, sample: &str) -> Option<&str> {
        let (lang, score, second) = self.best_guess(sample)?;
        let sure = (score >= GUESS_MIN_SCORE && score >= GUESS_MARGIN * second) || (score >= GUESS_LOW_SCORE && score >= GUESS_LOW_MARGIN * second);
        sure.then_some(lang)
    }

    /// The language whose function words score highest in `sample` (its density over its
    /// `stopwords_high`), that score and the next best language's; `None` when the sample is not
    /// in Latin letters or no language scores above zero (see [`Context::confident_language`]).
    fn best_guess(&self, sample: &str) -> Option<(&str, f64, f64)> {
        let latin = |c: char| c.is_ascii() || !c.is_alphabetic() || c <= '\u{024F}' || ('\u{1E00}'..='\u{1EFF}').contains(&c);
        if !sample.is_ascii() && !sample.chars().all(latin) {
            return None;
        }
        let (mut first, mut second): ((f64, Option<&str>), f64) = ((0.0, None), 0.0);
        for (lang, density, high) in self.densities(sample)? {
            let score = density / high;
            if score > first.0 {
                second = first.0;
                first = (score, Some(lang));
            } else if score > second {
                second = score;
            }
        }
        Some((first.1?, first.0, second))
    }

    /// The density of `text` ([`Context::density`]) in each language with stop words and no
    /// particles, in the order of their codes, with the language's `stopwords_high`: all in one
    /// walk over the words, each looked up once. `None` when `text` has no word, or there are
    /// more such languages than [`Guesser::MAX_LANGUAGES`].
    fn densities(&self, text: &str) -> Option<impl Iterator<Item = (&str, f64, f64)>> {
        let g = self.guesser.get_or_init(|| Guesser::new(self).map(Box::new)).as_ref()?;
        let mut hits = [0u32; Guesser::MAX_LANGUAGES];
        let mut words = 0u32;
        let mut buf = String::new();
        let find = |w: &str| g.words.get(w).copied().unwrap_or(0);
        each_word(text, |w, ascii| {
            words += 1;
            buf.clear();
            if ascii {
                // Of a length no stop word with its first and last letters has, and with no
                // apostrophe to elide one: none (as `is_stop_word` tells it).
                if (w.len() > g.longest || !g.shapes.may_hold(w.as_bytes())) && !w.contains('\'') {
                    return;
                }
                buf.push_str(w);
                buf.make_ascii_lowercase();
            } else {
                buf.extend(w.chars().flat_map(char::to_lowercase));
            }
            // As `is_stop_word` counts an elided article or pronoun.
            let mut of = match elision(&buf, ascii) {
                Some(a) => find(&buf[..a]) | find(&buf),
                None => find(&buf),
            };
            while of != 0 {
                hits[of.trailing_zeros() as usize] += 1;
                of &= of - 1;
            }
        });
        (words > 0).then(|| g.langs.iter().zip(hits).map(move |((lang, high), h)| (lang.as_str(), f64::from(h) / f64::from(words), *high)))
    }

    /// [`Context::density`] in the function words `lex`.
    fn density_in(lex: Lexicon, line: &str, buf: &mut String) -> f64 {
        if let Some(p) = lex.particles {
            // A word in letters of another script (a brand name in Latin letters: "HarmonyOS",
            // "Android") counts as one letter, as one Han character would: counted letter by
            // letter, it made a Chinese lead sentence with three such names read as poor in
            // function words (precision probe 47).
            let (mut letters, mut hits, mut in_word) = (0usize, 0usize, false);
            for c in line.chars() {
                // An ASCII character is a letter or none, and no particle (particles are Han,
                // Kana or Hangul characters).
                if c.is_ascii() {
                    let letter = c.is_ascii_alphabetic();
                    letters += usize::from(letter && !in_word);
                    in_word = letter;
                } else {
                    match script_of(c) {
                        Some(Script::Han | Script::Kana | Script::Hangul) => {
                            letters += 1;
                            hits += usize::from(p.contains(&c));
                            in_word = false;
                        }
                        Some(_) => {
                            letters += usize::from(!in_word);
                            in_word = true;
                        }
                        None => in_word = false,
                    }
                }
            }
            if letters > 0 && lex.words.is_none_or(|(s, _, _)| s.is_empty()) {
                return hits as f64 / letters as f64;
            }
        }
        let Some((sw, longest, shapes)) = lex.words else { return 0.0 };
        // Whether some word of the line may hold an apostrophe, asked of the line once.
        let quote = memchr::memchr(b'\'', line.as_bytes()).is_some();
        let curly = !line.is_ascii() && memchr::memmem::find(line.as_bytes(), "’".as_bytes()).is_some();
        let (mut words, mut hits) = (0usize, 0usize);
        each_word(line, |w, ascii| {
            words += 1;
            hits += usize::from(is_stop_word(sw, longest, shapes, w, ascii, quote, curly, buf));
        });
        if words == 0 {
            0.0
        } else {
            hits as f64 / words as f64
        }
    }

    /// The lines to remove (indices into `doc.lines`), given the lines other rules already took.
    /// Each with the reason the report gives; the reasons name the position prior when the
    /// document's edge decided.
    /// Lines other rules removed (`taken`) count as boilerplate neighbours, except those `inside`
    /// an article (captions, time stamps), which are passed over like short lines.
    pub fn bad_lines(&self, doc: &Document, taken: &[bool], inside: &[bool], lang: Option<&str>) -> Vec<(usize, &'static str)> {
        let lang = lang.filter(|l| self.stopwords.contains_key(*l) || self.particles.contains_key(*l));
        let Some(lang) = lang else { return Vec::new() };
        let lex = self.lexicon(lang);
        let (low, high) = (self.t("length_low", Some(lang)), self.t("length_high", Some(lang)));
        let (sw_low, sw_high) = (self.t("stopwords_low", Some(lang)), self.t("stopwords_high", Some(lang)));
        let prose_sentences = self.t("prose_sentences", Some(lang));
        let (indent_sentences, indent_headings) = (self.t("indent_sentences", Some(lang)) > 0.0, self.t("indent_headings", Some(lang)) > 0.0);
        let mut buf = String::new();
        let idx: Vec<usize> = (0..doc.lines.len()).filter(|&i| !doc.lines[i].blank).collect();
        // Each of those lines trimmed, once: the passes below read them several times.
        let trimmed: Vec<&str> = idx.iter().map(|&i| crate::text::trim(doc.line(i))).collect();
        // The density of each line without a list marker, kept for the run check below (which
        // looks at the whole line: the same line when it has no marker).
        let mut unmarked_density: Vec<Option<f64>> = vec![None; idx.len()];
        let mut class: Vec<Class> = idx
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                if inside[i] {
                    return Class::Short;
                }
                if taken[i] {
                    return Class::Bad;
                }
                let whole = trimmed[k];
                let line = without_marker(whole);
                let chars = crate::text::char_len(line) as f64;
                if chars < low {
                    // No density: a short line joins no run of prose (below), and whole pages
                    // are mostly short lines (menus, link lists).
                    return Class::Short;
                }
                let d = Self::density_in(lex, line, &mut buf);
                if line.len() == whole.len() {
                    unmarked_density[k] = Some(d);
                }
                if d >= sw_high && chars > high {
                    Class::Good
                } else if d >= sw_low || (chars > high && sentences(line) as f64 >= prose_sentences) {
                    Class::NearGood
                } else {
                    Class::Bad
                }
            })
            .collect();
        // Prose cut into one sentence per line: a run of near-good lines that together are long
        // and function-word-rich is as good as one long paragraph.
        let mut prose = |run: std::ops::Range<usize>| {
            let (mut chars, mut hits) = (0.0, 0.0);
            for (&line, known) in trimmed[run.clone()].iter().zip(&unmarked_density[run.clone()]) {
                let c = crate::text::char_len(line) as f64;
                chars += c;
                hits += c * known.unwrap_or_else(|| Self::density_in(lex, line, &mut buf));
            }
            run.len() >= 2 && chars > high && hits >= sw_high * chars
        };
        let near_or_good = |c: Class| matches!(c, Class::Good | Class::NearGood);
        for run in runs(class.len(), |k| near_or_good(class[k])) {
            if prose(run.clone()) {
                class[run].iter_mut().for_each(|c| *c = Class::Good);
            }
        }
        // With `sentence_runs`, lines of any length and class that end as lines of running prose
        // do (see [`ends_prose_line`]) join those runs, over the classes settled so far: such a
        // run of at least `SENTENCE_RUN_LINES` of them, up to its last good or near-good line (or
        // whole, when it has none), is good when it is prose by the same measure. Help steps, a
        // statement, a lead sentence or a salutation right above the prose. The lines after its
        // last good or near-good line are left to the context, as before (a slogan or a contact
        // line under the article reads as a short sentence too).
        // The article's indentation (see the module's documentation): the one most lines good by
        // length and stop words have, when the page's indentation tells something.
        let indent: Vec<usize> = if indent_sentences || indent_headings { idx.iter().map(|&i| indent_of(doc.line(i))).collect() } else { Vec::new() };
        let article = if indent.is_empty() {
            None
        } else {
            let mut counts: HashMap<usize, usize> = HashMap::new();
            for (k, &i) in idx.iter().enumerate() {
                if class[k] == Class::Good && !taken[i] {
                    *counts.entry(indent[k]).or_default() += 1;
                }
            }
            // Ties go to the smaller indentation. Text where (nearly) every line sits at it says
            // nothing by its indentation (extractor output, a page rendered flat).
            let article = counts.into_iter().max_by_key(|&(w, n)| (n, std::cmp::Reverse(w))).map(|(w, _)| w);
            let share = |w: usize| indent.iter().filter(|&&x| x == w).count() as f64 / idx.len() as f64;
            article.filter(|&w| share(w) <= self.t("indent_max_share", Some(lang)))
        };
        // Where the indentation tells the article's lines (the lead sentences at its indentation
        // keep by `indent_sentences`), it, not this, decides.
        if article.is_none() && self.t("sentence_runs", Some(lang)) > 0.0 {
            let sentence = |k: usize| !taken[idx[k]] && !inside[idx[k]] && !is_list_item(trimmed[k]) && ends_prose_line(trimmed[k]);
            for run in runs(class.len(), |k| near_or_good(class[k]) || sentence(k)) {
                let end = run.clone().rev().find(|&j| near_or_good(class[j])).map_or(run.end, |j| j + 1);
                let run = run.start..end;
                if run.clone().filter(|&j| sentence(j)).count() >= SENTENCE_RUN_LINES && prose(run.clone()) {
                    class[run].iter_mut().for_each(|c| *c = Class::Good);
                }
            }
        }
        // Nearest settled neighbours (see `neighbours`); `None` at the document's edge, which
        // counts as bad: the position prior (boilerplate lives at the top and bottom of a page).
        let bad = |c: Option<Class>| c.unwrap_or(Class::Bad);
        let mut why: Vec<&'static str> = vec![WHY_POOR; class.len()];
        let before = class.clone();
        let settled_of = |c: Class| !matches!(c, Class::Short | Class::NearGood);
        let (above, below) = neighbours(&before, settled_of);
        let (above_near, below_near) = neighbours(&before, |c| c != Class::Short);
        for i in 0..class.len() {
            if before[i] != Class::Short {
                continue;
            }
            let (p, n) = (above[i], below[i]);
            why[i] = if p.is_none() || n.is_none() { WHY_SHORT_EDGE } else { WHY_SHORT };
            class[i] = match (bad(p), bad(n)) {
                (Class::Good, Class::Good) => Class::Good,
                (Class::Bad, Class::Bad) => Class::Bad,
                (p, n) => {
                    let near = (p == Class::Bad && bad(above_near[i]) == Class::NearGood) || (n == Class::Bad && bad(below_near[i]) == Class::NearGood);
                    if near { Class::Good } else { Class::Bad }
                }
            };
        }
        // Link lists between prose paragraphs: a run of at least `link_list_min_items` short
        // list items, at least `link_list_share` of them link-like, is a menu or a list of links
        // (related headlines, share buttons, authors) even where it sits between good lines,
        // unless the line before it ends with a colon (a list the prose introduces). Its lines
        // are bad; the neighbours of near-good lines see them so.
        let item: Vec<bool> = trimmed.iter().map(|l| is_list_item(l)).collect();
        let (min_items, link_share) = (self.t("link_list_min_items", None), self.t("link_list_share", None));
        let mut link_list = vec![false; class.len()];
        let in_list = |k: usize| item[k] && before[k] == Class::Short && !taken[idx[k]];
        for std::ops::Range { start: k, end } in runs(class.len(), in_list) {
            let links = (k..end).filter(|&j| link_like(without_marker(trimmed[j]))).count();
            let introduced = k > 0 && doc.line(idx[k - 1]).trim_end().ends_with(':');
            if (end - k) as f64 >= min_items && links as f64 >= link_share * (end - k) as f64 && !introduced {
                for j in k..end {
                    class[j] = Class::Bad;
                    why[j] = WHY_LINKS;
                    link_list[j] = true;
                }
            }
        }
        let settled = class.clone();
        let (above, below) = neighbours(&settled, settled_of);
        for i in 0..class.len() {
            if settled[i] == Class::NearGood {
                let (p, n) = (above[i], below[i]);
                why[i] = if p.is_none() || n.is_none() { WHY_NEAR_EDGE } else { WHY_NEAR };
                class[i] = if bad(p) == Class::Bad && bad(n) == Class::Bad { Class::Bad } else { Class::Good };
            }
        }
        // Lines at the article's indentation (see the module's documentation), decided on the
        // classes the context settled; they keep without changing the other lines' context.
        let mut at_indent = vec![false; class.len()];
        if let Some(article) = article {
            let at_article = |k: usize| !taken[idx[k]] && !link_list[k] && indent[k] == article;
            if indent_sentences {
                for k in 0..class.len() {
                    let candidate = match before[k] {
                        Class::NearGood => true,
                        Class::Bad => !item[k],
                        _ => false,
                    };
                    at_indent[k] = class[k] == Class::Bad && candidate && at_article(k) && ends_sentence(doc.line(idx[k]));
                }
            }
            if indent_headings {
                // Upwards, so that a title above a subtitle above the paragraph keeps too.
                for k in (0..class.len().saturating_sub(1)).rev() {
                    let above = (class[k + 1] == Class::Good || at_indent[k + 1]) && at_article(k + 1);
                    if before[k] == Class::Short && class[k] == Class::Bad && !item[k] && at_article(k) && above {
                        at_indent[k] = true;
                    }
                }
            }
        }
        // Article-internal blocks of short or function-word-poor lines (a recipe, a table, a run
        // of captions and subheadings) that jusText's rule settles bad as a whole when they sit
        // between a good paragraph and a bad one. A run of bad lines that are not list items keeps
        // when it follows a good line and ends at another good line or at a line another rule
        // took (a related-links heading, a share bar: the article's end). Menus are list items,
        // so they stay bad; a link list between the good line and the run is passed over (a
        // menu between the site's tagline and the article's title and lead). Measured on the public real pages (AEB, whole-page text): of the lines
        // in such runs, 6,259 gold tokens against 1,869 others; runs that end at a list item or at
        // the document's edge (479 / 979) and runs that lead up to a good line from a menu or a
        // taken line (1,851 / 4,012) hold more noise than article and stay bad.
        let in_run = |k: usize| class[k] == Class::Bad && !taken[idx[k]] && !item[k];
        let mut keep = vec![false; class.len()];
        for std::ops::Range { start: k, end } in runs(class.len(), in_run) {
            let start = (0..k).rev().find(|&j| !link_list[j]).map_or(0, |j| j + 1);
            let after_good = start > 0 && class[start - 1] == Class::Good && !taken[idx[start - 1]];
            let ends_inside = end < class.len() && (taken[idx[end]] || class[end] == Class::Good);
            // Verse right under the article's prose, before the footer: four lines or more, most
            // of them ending in a comma, a full stop or another mark of a sentence's parts, which
            // menus and headlines seldom do (a poem's page; third precision probe).
            let verse = start == k && end - k >= VERSE_MIN_LINES && 2 * (k..end).filter(|&j| ends_clause(trimmed[j])).count() > end - k;
            if after_good && (ends_inside || verse) {
                keep[k..end].iter_mut().for_each(|x| *x = true);
            }
        }
        // When unsure, keep: a page where no line settles good (a table, a list of results, a page
        // of captions) would lose all its text; the rule then removes nothing. Lines kept below
        // for a content heading do not count: an ingredient list alone says nothing of the rest.
        let any_good = class.iter().zip(&keep).enumerate().any(|(k, (&c, &kept))| (c == Class::Good || kept) && !taken[idx[k]]);
        // Content headings: from the heading to the next good line (not to the document's edge).
        if any_good && !self.content_headings.is_empty() {
            for k in 0..class.len() {
                // A list item is a menu entry ("* Zutaten" on a food site's menu), not a heading.
                if class[k] == Class::Good || taken[idx[k]] || item[k] || !crate::text::fewer_chars_than(trimmed[k], 40) {
                    continue;
                }
                if !self.content_headings.contains(&crate::text::normalize_label(trimmed[k])) {
                    continue;
                }
                // The list ends at a good line, or at a line another rule took (an ad label, a
                // share bar: the article's end), which must come before the document's edge.
                if let Some(end) = (k + 1..class.len()).find(|&j| class[j] == Class::Good || taken[idx[j]]) {
                    keep[k..end].iter_mut().for_each(|x| *x = true);
                }
            }
        }
        for ((c, &kept), &indented) in class.iter_mut().zip(&keep).zip(&at_indent) {
            if kept || indented {
                *c = Class::Good;
            }
        }
        if !any_good {
            return Vec::new();
        }
        idx.into_iter().zip(class).zip(why).filter(|&((i, c), _)| c == Class::Bad && !taken[i]).map(|((i, _), w)| (i, w)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{load_str, Kind};

    /// A context rule with a small English stop-word list and the default thresholds, except
    /// an activation that every document passes.
    fn rule() -> Context {
        rule_with("activate_min_lines = 0, activate_short_share = 0, activate_list_share = 0, activate_short_run = 0")
    }

    fn rule_with(thresholds: &str) -> Context {
        let toml = "[[rule]]\nid = \"c\"\nkind = \"context\"\ncategory = \"navigation\"\ndescription = \"d\"\n".to_string()
            + "thresholds = { " + thresholds + " }\n" + "\
            stopwords.en = [\"a\", \"the\", \"of\", \"to\", \"and\", \"in\", \"on\", \"for\", \"it\", \"was\", \"is\", \"that\", \"with\", \"by\", \"at\", \"had\", \"been\", \"their\", \"they\", \"would\", \"after\", \"its\", \"said\", \"from\", \"be\"]\n";
        match load_str("t.toml", &toml, &mut HashSet::new()).unwrap().into_iter().next().unwrap().kind {
            Kind::Context(c) => c,
            _ => unreachable!(),
        }
    }

    #[test]
    fn elided_function_words_count() {
        // The lists hold elided articles and pronouns bare ("l", "qu", "d"); a word such as
        // "l'équipe" counts as its elided article, with either apostrophe.
        let c = rule_with("");
        let mut buf = String::new();
        let plain = c.density("The team won it at the end", "en", &mut buf);
        let elided = c.density("The team's win: it's theirs at the end", "en", &mut buf);
        assert!((plain - 4.0 / 7.0).abs() < 1e-9, "{plain}");
        // "team's" is no function word ("team" is not one); "it's" and "it’s" count as "it".
        assert!((elided - 4.0 / 8.0).abs() < 1e-9, "{elided}");
        assert!((c.density("it’s it's its", "en", &mut buf) - 1.0).abs() < 1e-9);
        // Words longer than the longest stop word ("would", "after", "their") are passed over
        // unless an apostrophe may elide one: the longest still count, in any case.
        assert_eq!(c.longest_stopword["en"], 5);
        assert!((c.density("WOULD After theirs wouldn't", "en", &mut buf) - 0.5).abs() < 1e-9);
        assert!((c.density("afterwards it's", "en", &mut buf) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_word_in_another_script_counts_once_among_han_characters() {
        let toml = "[[rule]]\nid = \"c\"\nkind = \"context\"\ncategory = \"navigation\"\ndescription = \"d\"\nstopwords.zh = [\"的\", \"了\"]\n";
        let Kind::Context(c) = load_str("t.toml", toml, &mut HashSet::new()).unwrap().into_iter().next().unwrap().kind else { unreachable!() };
        let mut buf = String::new();
        // Six Han characters, two of them particles, and two Latin words: eight letters, not six
        // plus every Latin letter.
        let d = c.density("发布了 HarmonyOS NEXT 的系统", "zh", &mut buf);
        assert!((d - 2.0 / 8.0).abs() < 1e-9, "{d}");
        // A word of ASCII and other Latin letters is one word.
        let d = c.density("发布了 Système 的系统", "zh", &mut buf);
        assert!((d - 2.0 / 7.0).abs() < 1e-9, "{d}");
        assert!((c.density("的了", "zh", &mut buf) - 1.0).abs() < 1e-9);
    }

    /// [`Context::density`] the long way: every word lower-cased and looked up (as it was before
    /// the ASCII splitting and the word shapes).
    fn density_long(c: &Context, line: &str, lang: &str) -> f64 {
        if let Some(p) = c.particles.get(lang) {
            // Han, Kana and Hangul characters count one by one, each run of other letters once.
            let (mut letters, mut hits, mut prev) = (0usize, 0usize, None);
            for ch in line.chars() {
                let script = script_of(ch);
                match script {
                    Some(Script::Han | Script::Kana | Script::Hangul) => {
                        letters += 1;
                        if p.contains(&ch) {
                            hits += 1;
                        }
                    }
                    Some(_) if !matches!(prev, Some(Some(s)) if !matches!(s, Script::Han | Script::Kana | Script::Hangul)) => letters += 1,
                    _ => {}
                }
                prev = Some(script);
            }
            if letters > 0 && c.stopwords.get(lang).is_none_or(|s| s.is_empty()) {
                return hits as f64 / letters as f64;
            }
        }
        let Some(sw) = c.stopwords.get(lang) else { return 0.0 };
        let (mut words, mut hits) = (0usize, 0usize);
        for w in crate::text::split_whitespace(line) {
            let w = crate::text::trim_to_alphanumeric(w);
            if w.is_empty() {
                continue;
            }
            words += 1;
            let lower: String = w.chars().flat_map(char::to_lowercase).collect();
            let apostrophe = lower.find(['\'', '’']);
            if apostrophe.is_some_and(|a| sw.contains(&lower[..a])) || sw.contains(lower.as_str()) {
                hits += 1;
            }
        }
        if words == 0 {
            0.0
        } else {
            hits as f64 / words as f64
        }
    }

    /// The density with the shortcuts is the density the long way, in every language of the
    /// default rule, on every line of every fixture, upper-cased, with apostrophes and without
    /// spaces between its words and punctuation.
    #[test]
    fn density_takes_no_shortcut_that_changes_it() {
        let cleaner = crate::Cleaner::new().unwrap();
        let c = cleaner.rules().iter().find_map(|r| if let Kind::Context(c) = &r.kind { Some(c) } else { None }).unwrap();
        let mut lines: Vec<String> = vec!["L'homme qu'il a vu, c'est l’équipe d'AUJOURD'HUI.".into(), "It's THE end: it’s theirs, ISN'T it?".into(), "ΣΟΦΊΑ Σ ΚΑΙ".into(), "İSTANBUL'DA BİR ŞEY VAR".into(), "the\u{a0}of\u{2003}and\tin".into(), "d’AUJOURD’HUI, l’ÉQUIPEMENT für’s ÜBERMÄẞIGE".into(), "für\u{1680}die\u{2028}und\u{3000}der\u{85}das\u{202f}im «Café» —".into(), "ДЛЯ ВСЕХ, КОТОРЫЕ… Ⅻ ǅ K".into()];
        for l in crate::fixture_lines() {
            lines.extend([l.to_uppercase(), l.replace(' ', "'"), l.replace(' ', "’ "), l.replace(", ", ","), l]);
        }
        let langs: HashSet<&String> = c.stopwords.keys().chain(c.particles.keys()).collect();
        assert!(langs.len() > 15 && lines.len() > 1000, "{} languages, {} lines", langs.len(), lines.len());
        let mut buf = String::new();
        let mut some = 0;
        for lang in langs {
            for l in &lines {
                let (short, long) = (c.density(l, lang, &mut buf), density_long(c, l, lang));
                assert_eq!(short.to_bits(), long.to_bits(), "{lang}: {l:?}");
                some += usize::from(long > 0.0);
            }
        }
        assert!(some > 1000, "{some} lines with function words");
    }

    /// The densities of the language guess, all from one walk, are the rule's densities, to the
    /// bit, in every language it guesses among, on the lines of the density test above and on
    /// whole fixtures.
    #[test]
    fn guessed_densities_are_the_rules_densities() {
        let cleaner = crate::Cleaner::new().unwrap();
        let c = cleaner.rules().iter().find_map(|r| if let Kind::Context(c) = &r.kind { Some(c) } else { None }).unwrap();
        let mut texts: Vec<String> = vec!["L'homme qu'il a vu, c'est l’équipe d'AUJOURD'HUI.".into(), "It's THE end: it’s theirs, ISN'T it?".into(), "d’AUJOURD’HUI, l’ÉQUIPEMENT für’s ÜBERMÄẞIGE".into()];
        for l in crate::fixture_lines() {
            texts.extend([l.to_uppercase(), l.replace(' ', "'"), l.replace(' ', "’ "), l]);
        }
        texts.extend(crate::fixture_texts());
        let mut buf = String::new();
        let (mut langs, mut some) = (HashSet::new(), 0);
        for t in &texts {
            let Some(densities) = c.densities(t) else { continue };
            for (lang, d, high) in densities {
                assert_eq!(d.to_bits(), c.density(t, lang, &mut buf).to_bits(), "{lang}: {t:?}");
                assert_eq!(high, c.t("stopwords_high", Some(lang)));
                assert!(!c.particles.contains_key(lang));
                langs.insert(lang.to_string());
                some += usize::from(d > 0.0);
            }
        }
        assert!(langs.len() >= 10 && some > 1000, "{} languages, {some} texts with function words", langs.len());
        // Every language with stop words and no particles is guessed among (the guess held 32
        // languages, one bit each, and switched off past them).
        assert_eq!(langs.len(), c.stopwords.keys().filter(|l| !c.particles.contains_key(*l)).count());
    }

    /// The longest lines of a page, as the language sample takes them.
    fn sample(text: &str) -> String {
        let doc = crate::document::Document::new(text);
        crate::profile::sample(&doc)
    }

    /// Where the function words name a language, the language detector names the same one, on
    /// every fixture page long enough to be sampled; prose in languages the rule has no lexicon
    /// for names none of the rule's, nor does prose in another script.
    #[test]
    fn guessed_languages_are_the_detectors() {
        let cleaner = crate::Cleaner::new().unwrap();
        let c = cleaner.rules().iter().find_map(|r| if let Kind::Context(c) = &r.kind { Some(c) } else { None }).unwrap();
        let mut named = HashSet::new();
        for text in crate::fixture_texts() {
            let sample = sample(&text);
            if sample.len() < 400 {
                continue;
            }
            if let Some(lang) = c.confident_language(&sample) {
                let detected = crate::profile::detect(&sample);
                assert_eq!(Some(lang), detected, "{sample:?}");
                named.insert(lang.to_string());
            }
        }
        assert!(named.len() >= 2, "languages named by their function words: {named:?}");
        // Prose in languages with a lexicon: named, as the detector names it.
        let known = [
            ("fr", "Le conseil municipal a adopté mardi le budget de l'année prochaine, et la maire a indiqué que les nouvelles lignes de bus seraient mises en service au printemps. Les habitants ont surtout posé des questions sur le prix des billets et sur la date à laquelle commenceront les travaux du pont, qui est fermé depuis deux ans."),
            ("es", "El ayuntamiento aprobó el martes el presupuesto para el año que viene, y la alcaldesa dijo que las nuevas líneas de autobús entrarán en servicio en la primavera. Los vecinos preguntaron sobre todo por el precio de los billetes y por la fecha en que empezarán las obras del puente, que lleva dos años cerrado."),
            ("pt", "A câmara municipal aprovou na terça-feira o orçamento para o próximo ano, e a presidente disse que as novas linhas de autocarro vão entrar em funcionamento na primavera. Os moradores perguntaram sobretudo pelo preço dos bilhetes e pela data em que vão começar as obras da ponte, que está fechada há dois anos."),
            ("it", "Il consiglio comunale ha approvato martedì il bilancio per il prossimo anno, e la sindaca ha detto che le nuove linee di autobus entreranno in servizio in primavera. I cittadini hanno chiesto soprattutto del prezzo dei biglietti e di quando cominceranno i lavori sul ponte, che è chiuso da due anni."),
            ("nl", "De gemeenteraad heeft dinsdag de begroting voor het komende jaar goedgekeurd, en de burgemeester zei dat de nieuwe buslijnen in het voorjaar gaan rijden. De bewoners vroegen vooral naar de prijs van de kaartjes en naar het moment waarop het werk aan de brug over de rivier begint, die al twee jaar dicht is."),
            ("pl", "Rada miasta we wtorek przyjęła budżet na przyszły rok, a prezydent miasta powiedziała, że nowe linie autobusowe zaczną kursować wiosną. Mieszkańcy pytali przede wszystkim o ceny biletów i o to, kiedy rozpocznie się remont mostu na rzece, który od dwóch lat jest zamknięty."),
        ];
        let mut known_named = Vec::new();
        for (code, prose) in known {
            let sample = sample(&format!("{prose}\n\n{prose}\n"));
            let detected = crate::profile::detect(&sample);
            assert_eq!(detected, Some(code), "{prose}");
            if let Some(lang) = c.confident_language(&sample) {
                assert_eq!(lang, code, "{prose}");
                known_named.push(code);
            }
        }
        assert!(known_named.len() >= 4, "{known_named:?}");
        // A German page whose longest lines are teasers and headlines as much as prose: its
        // function words fall short of German's threshold for prose, but no other language comes
        // near, and the second tier names it, as the detector does.
        let teasers = [
            "Bundesregierung einigt sich nach langen Verhandlungen auf neues Heizungsgesetz – Opposition kritisiert Zeitplan und Kosten für Mieter",
            "Wetter am Wochenende: Sturmtief bringt Regen, Schnee in höheren Lagen und Temperaturen knapp über dem Gefrierpunkt",
            "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen, und die Bürgermeisterin sagte, dass die neuen Buslinien im Frühjahr fahren sollen.",
            "Bundesliga kompakt: Bayern München gewinnt Spitzenspiel, Dortmund patzt gegen Aufsteiger, Leverkusen weiter ungeschlagen",
            "Verbraucherzentrale warnt vor gefälschten Paketbenachrichtigungen per SMS – so erkennen Sie betrügerische Nachrichten",
        ];
        let page = sample(&teasers.join("\n\n"));
        assert_eq!(crate::profile::detect(&page), Some("de"), "{page}");
        let (lang, score, second) = c.best_guess(&page).unwrap();
        assert!(lang == "de" && (GUESS_LOW_SCORE..GUESS_MIN_SCORE).contains(&score) && score >= GUESS_LOW_MARGIN * second, "{lang} {score} {second}");
        assert_eq!(c.confident_language(&page), Some("de"));
        // Kin of other languages with a lexicon (Slovak of Czech and Polish, Swedish, Danish and
        // Norwegian of one another and of German and English, Romanian of Italian and Spanish):
        // each named as itself, as the detector names it, or left to the detector, never named as
        // another.
        for (code, prose) in [
            ("sk", "Mestské zastupiteľstvo v utorok schválilo rozpočet na budúci rok a primátorka povedala, že nové autobusové linky budú v prevádzke od jari. Obyvatelia sa na verejnom stretnutí pýtali najmä na ceny lístkov a na to, kedy sa začne s opravou mosta cez rieku, ktorý je už dva roky uzavretý."),
            ("sv", "Kommunfullmäktige godkände på tisdagen budgeten för nästa år och kommunalrådet sade att de nya busslinjerna ska börja trafikera till våren. Invånarna frågade på det öppna mötet främst om biljettpriserna och om när arbetet med bron över floden ska börja, eftersom den har varit stängd i två år."),
            ("ro", "Consiliul local a aprobat marți bugetul pentru anul viitor, iar primarul a spus că noile linii de autobuz vor funcționa din primăvară. Locuitorii au întrebat la întâlnirea publică mai ales despre prețul biletelor și despre momentul în care vor începe lucrările la podul peste râu, închis de doi ani."),
            ("da", "Byrådet vedtog tirsdag budgettet for næste år, og borgmesteren sagde, at de nye buslinjer skal køre fra foråret. Borgerne spurgte på det åbne møde især om billetpriserne og om, hvornår arbejdet på broen, som har været lukket i to år, skal begynde."),
            ("no", "Bystyret vedtok tirsdag budsjettet for neste år, og ordføreren sa at de nye busslinjene skal begynne å gå til våren. Innbyggerne spurte på det åpne møtet særlig om billettprisene og om når arbeidet på brua, som har vært stengt i to år, skal starte."),
        ] {
            let sample = sample(&format!("{prose}\n\n{prose}\n"));
            assert_eq!(crate::profile::detect(&sample), Some(code), "{prose}");
            assert!(c.confident_language(&sample).is_none_or(|l| l == code), "{prose}: {:?}", c.confident_language(&sample));
        }
        let unknown = [
            // Catalan: close kin of Spanish and French, with no lexicon here.
            "El consell municipal va aprovar dimarts el pressupost per a l'any vinent i l'alcaldessa va dir que les noves línies d'autobús funcionaran a partir de la primavera. Els veïns van preguntar sobretot pel preu dels bitllets i per quan començaran les obres del pont sobre el riu, que fa dos anys que està tancat.",
            // Russian and Korean: not in Latin letters.
            "Городской совет во вторник утвердил бюджет на следующий год, и мэр сказала, что новые автобусные маршруты заработают весной.",
            "시의회는 화요일에 내년 예산을 승인했고 시장은 새 버스 노선이 봄부터 운행될 것이라고 말했다.",
        ];
        for prose in unknown {
            let page = format!("{prose}\n\n{prose}\n");
            assert_eq!(c.confident_language(&sample(&page)), None, "{prose}");
        }
    }

    const PROSE: &str = "The council said that it would review the plan in the spring, and that the new lines had been debated for almost two years by the residents of the town.";
    const MENU: &[&str] = &["* Home", "* News", "* Sport", "* Business", "* Culture", "* Weather", "* Video", "* Podcasts"];

    /// The lines the rule removes from `lines` (with the lines at `taken` taken by other rules), as text.
    fn removed(lines: &[String], taken: &[&str]) -> Vec<String> {
        let text = lines.join("\n") + "\n";
        let doc = Document::new(&text);
        let c = rule();
        assert!(c.active(&doc));
        let taken: Vec<bool> = (0..doc.lines.len()).map(|i| taken.contains(&doc.line(i).trim())).collect();
        c.bad_lines(&doc, &taken, &vec![false; doc.lines.len()], Some("en")).into_iter().map(|(i, _)| doc.line(i).trim().to_string()).collect()
    }

    /// A page: the menu, then `body`, then `tail`.
    fn page(body: &[&str], tail: &[&str]) -> Vec<String> {
        MENU.iter().chain(body).chain(tail).map(|s| s.to_string()).collect()
    }

    #[test]
    fn terse_prose_of_several_sentences_keeps_when_the_rule_says_so() {
        // A recipe step as a list item (list items get no shelter between prose): long, few
        // function words, several sentences.
        let steps = "- Preheat oven to 180 degrees. Butter a square cake tin, dust with flour. Beat butter, sugar, vanilla sugar until creamy. Add eggs one by one. Mix flour, baking powder, fold in. Bake 40 minutes. Leave to cool in the tin.";
        let long = format!("{PROSE} {PROSE}");
        let lines: Vec<String> = MENU.iter().copied().chain([long.as_str(), steps, long.as_str(), "Contact us", "Terms of use"]).map(String::from).collect();
        let text = lines.join("\n") + "\n";
        let doc = Document::new(&text);
        let bad = |c: &Context| -> Vec<String> {
            c.bad_lines(&doc, &vec![false; doc.lines.len()], &vec![false; doc.lines.len()], Some("en")).into_iter().map(|(i, _)| doc.line(i).trim().to_string()).collect()
        };
        let all = "activate_min_lines = 0, activate_short_share = 0, activate_list_share = 0, activate_short_run = 0";
        // Without the setting the steps are function-word-poor, hence bad; with it, near-good
        // beside prose, hence kept. The menu and the footer go either way.
        let without = bad(&rule_with(all));
        assert!(without.contains(&steps.to_string()), "{without:?}");
        let with = bad(&rule_with(&format!("{all}, prose_sentences = 3")));
        assert!(!with.contains(&steps.to_string()), "{with:?}");
        assert!(with.contains(&"* Home".to_string()) && with.contains(&"Terms of use".to_string()), "{with:?}");
        // Two sentence ends are not enough for a setting of 3.
        let two = "Preheat oven to 180 degrees and butter a square cake tin, dust with flour, beat butter, sugar, vanilla sugar until creamy. Add eggs one by one, mix flour, baking powder, fold in, bake 40 minutes in the hot oven.";
        assert_eq!(sentences(two), 2);
        assert_eq!(sentences(steps), 7);
        assert_eq!(sentences("Approx. 3 km. Then"), 1, "a full stop before a lower-case word or a number ends no sentence");
    }

    #[test]
    fn the_looser_shape_needs_a_page_that_opens_with_short_lines() {
        let strict = "activate_short_share = 0.6, activate_short_run = 15, activate_list_share = 0.2";
        let c = rule_with(&format!("{strict}, activate_top_lines = 5, activate_loose_short_share = 0.5, activate_loose_short_run = 10, activate_loose_list_share = 0.05"));
        let off = rule_with(strict);
        // A menu of bare links (one list item), an article, a footer: too few list items for the
        // strict shape.
        let menu = ["Skip to content", "Home", "News", "Sport", "Business", "Culture", "Weather", "Video", "Podcasts", "* Search"];
        let mut lines: Vec<&str> = menu.to_vec();
        lines.extend([PROSE, PROSE, PROSE, PROSE, PROSE, "Contact us", "Terms of use", "Privacy", "Careers"]);
        let text = lines.join("\n");
        assert!(c.active(&Document::new(&text)));
        assert!(!off.active(&Document::new(&text)), "the strict shape alone");
        // The same lines opening with the article's title and prose, as extractor output does.
        let mut opening: Vec<&str> = vec!["Council approves night buses", PROSE];
        opening.extend(&lines);
        assert!(!c.active(&Document::new(&opening.join("\n"))));
        // Table rows are data: a table does not make a page of short lines.
        let mut table: Vec<&str> = vec!["* Share", "* Print", "Results", "Pos.", "Team", "Points", "Played"];
        table.extend(["| 1 | Ajax | 30 |"; 12]);
        table.extend([PROSE, PROSE, PROSE, PROSE]);
        assert!(!c.active(&Document::new(&table.join("\n"))));
        let rows: Vec<String> = table.iter().map(|l| l.replace('|', "/")).collect();
        assert!(c.active(&Document::new(&rows.join("\n"))), "the same lines, not as table rows");
    }

    #[test]
    fn short_lines_after_prose_keep_up_to_a_line_another_rule_took() {
        // A recipe under its introduction: short, function-word-poor lines, then the related
        // links heading another rule took, then a menu.
        let body = [PROSE, PROSE, "Meal 1", "Eat every 2-3 hours", "1 scoop oats, 1 cup strawberries, 8 oz. almond milk (or 1 tsp. nut butter and 8 oz. water)", "Portion: 1 Green, 1 Red"];
        let got = removed(&page(&body, &["Related Articles", "* Facebook", "* Pinterest", "* Instagram"]), &["Related Articles"]);
        for b in &body[2..] {
            assert!(!got.contains(&b.to_string()), "{b} removed: {got:?}");
        }
        assert!(got.contains(&"* Facebook".to_string()) && got.contains(&"* Home".to_string()), "{got:?}");
    }

    #[test]
    fn short_lines_between_prose_and_a_menu_or_the_edge_go() {
        // The same block of short lines ending at a list-item menu, or at the document's end, is
        // settled as jusText does: bad.
        let body = [PROSE, PROSE, "Contact us", "Terms of use", "Careers"];
        let got = removed(&page(&body, &["* Facebook", "* Pinterest"]), &[]);
        assert!(got.contains(&"Contact us".to_string()) && got.contains(&"Careers".to_string()), "{got:?}");
        let got = removed(&page(&body, &[]), &[]);
        assert!(got.contains(&"Contact us".to_string()) && got.contains(&"Careers".to_string()), "{got:?}");
        // A list item breaks the run: what follows it is no longer next to the prose.
        let body = [PROSE, PROSE, "* More", "Contact us", "Terms of use"];
        let got = removed(&page(&body, &["Related", "* Facebook"]), &["Related"]);
        assert!(got.contains(&"Contact us".to_string()), "{got:?}");
    }

    /// The lines `c` removes from `lines`, as text.
    fn removed_by(c: &Context, lines: &[&str]) -> Vec<String> {
        let text = lines.join("\n") + "\n";
        let doc = Document::new(&text);
        let none = vec![false; doc.lines.len()];
        c.bad_lines(&doc, &none, &none, Some("en")).into_iter().map(|(i, _)| doc.line(i).trim().to_string()).collect()
    }

    const LINKS: &[&str] = &["* Swimming pool closes for repairs", "* New cycle lanes approved", "* Parents warned about bus routes"];

    #[test]
    fn link_lists_between_prose_go() {
        let c = rule_with("activate_min_lines = 0, activate_short_share = 0, activate_list_share = 0, activate_short_run = 0, link_list_min_items = 3, link_list_share = 0.8");
        let off = rule();
        let lines: Vec<&str> = [PROSE, PROSE].iter().chain(LINKS).chain(&[PROSE, PROSE]).copied().collect();
        let got = removed_by(&c, &lines);
        assert_eq!(got, LINKS.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(removed_by(&off, &lines), Vec::<String>::new(), "off unless the rule file sets link_list_min_items");
        // Two items are not a link list.
        let two: Vec<&str> = [PROSE, PROSE].iter().chain(&LINKS[..2]).chain(&[PROSE, PROSE]).copied().collect();
        assert_eq!(removed_by(&c, &two), Vec::<String>::new());
        // A list the prose introduces keeps.
        let intro = "The library will offer these services on Sundays, the council said:";
        let introduced: Vec<&str> = [PROSE, PROSE, intro].iter().chain(LINKS).chain(&[PROSE, PROSE]).copied().collect();
        assert_eq!(removed_by(&c, &introduced), Vec::<String>::new());
        // Items of an article's own list: lower-case, quantities, fields, sentences.
        for items in [
            ["* keep the soil moist", "* cut back in spring", "* no fertiliser"],
            ["* 2 cups flour", "* 3 eggs", "* 1 tsp salt"],
            ["* Lens: 180 mm", "* Exposure: 60 x 3 min", "* ISO: 640"],
            ["* Take a photo of the act.", "* Record the date and time.", "* Tell the staff."],
        ] {
            let lines: Vec<&str> = [PROSE, PROSE].iter().chain(&items).chain(&[PROSE, PROSE]).copied().collect();
            assert_eq!(removed_by(&c, &lines), Vec::<String>::new(), "{items:?}");
        }
        // One such item in five does not save a link list; two in four do.
        let mixed: Vec<&str> = [PROSE, PROSE].iter().chain(LINKS).chain(&["* Market square gets trees", "* 2 new bus lines"]).chain(&[PROSE, PROSE]).copied().collect();
        assert_eq!(removed_by(&c, &mixed).len(), 5);
        let mixed: Vec<&str> = [PROSE, PROSE].iter().chain(&LINKS[..2]).chain(&["* 3 new parks", "* 2 new bus lines"]).chain(&[PROSE, PROSE]).copied().collect();
        assert_eq!(removed_by(&c, &mixed), Vec::<String>::new());
    }

    #[test]
    fn the_title_and_lead_under_a_link_list_keep() {
        // The site's tagline (prose), a menu, then the article's title and a function-word-poor
        // lead: the lead follows the tagline across the menu, as it did when the menu was kept.
        let c = rule_with("activate_min_lines = 0, activate_short_share = 0, activate_list_share = 0, activate_short_run = 0, link_list_min_items = 3, link_list_share = 0.8");
        let lead = "Lawyer Thomas Schulte explains what court ruling means for Google users, privacy requests, search results, deleted links";
        let lines: Vec<&str> = [PROSE, PROSE].iter().chain(MENU).chain(&["Court ruling on search results", lead, PROSE, PROSE]).copied().collect();
        let got = removed_by(&c, &lines);
        assert_eq!(got, MENU.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn a_page_where_nothing_settles_good_is_left_alone() {
        // A standings table under a menu: no paragraph is prose, and removing every line would
        // delete the article; the rule removes nothing.
        let body = ["Pos.  Driver   Points", "1     K. Busch  5040", "2     M. Truex  5035", "3     K. Harvick  5033", "4     D. Hamlin  5027", "5     J. Logano  2380", "6     R. Blaney  2339"];
        assert_eq!(removed(&page(&body, &["* Contact", "* Terms"]), &[]), Vec::<String>::new());
        // With a prose paragraph the menu goes again.
        let mut with_prose = body.to_vec();
        with_prose.splice(0..0, [PROSE, PROSE]);
        let got = removed(&page(&with_prose, &["* Contact", "* Terms"]), &[]);
        assert!(got.contains(&"* Home".to_string()) && got.contains(&"* Terms".to_string()), "{got:?}");
    }

    #[test]
    fn indent_of_counts_leading_white_space() {
        for line in ["", "x", "   x", "\t\t x ", " \u{a0} x", "\u{3000}\u{2003}x", "    ", " \u{a0}", "\x0b\x0c\r x", "é"] {
            assert_eq!(indent_of(line), line.len() - line.trim_start().len(), "{line:?}");
        }
    }

    /// The lines `c` removes from `lines`, with the lines equal to one of `taken` taken by other rules.
    fn removed_with(c: &Context, lines: &[&str], taken: &[&str]) -> Vec<String> {
        let text = lines.join("\n") + "\n";
        let doc = Document::new(&text);
        let taken: Vec<bool> = (0..doc.lines.len()).map(|i| taken.contains(&doc.line(i).trim())).collect();
        c.bad_lines(&doc, &taken, &vec![false; doc.lines.len()], Some("en")).into_iter().map(|(i, _)| doc.line(i).trim().to_string()).collect()
    }

    #[test]
    fn lines_at_the_article_indentation_keep_when_the_rule_says_so() {
        let on = "activate_min_lines = 0, activate_short_share = 0, activate_list_share = 0, activate_short_run = 0, indent_sentences = 1, indent_headings = 1";
        let c = rule_with(on);
        let off = rule();
        let prose = format!("      {PROSE}");
        // The headline and the lead sit at the paragraphs' indentation, the menu, a caption
        // (taken by another rule) and the footer at others.
        let lead = "      The new night buses will run to the northern suburbs of the town from the spring.";
        let caption = "        Photo: the council";
        let menu: Vec<String> = MENU.iter().map(|m| format!("  {m}")).collect();
        let page = |head: &str, lead: &str| -> Vec<String> {
            let mut v = menu.clone();
            v.extend([head, lead, caption, &prose, &prose, "  * Contact", "  * Terms"].map(String::from));
            v
        };
        let run = |c: &Context, lines: &[String]| removed_with(c, &lines.iter().map(String::as_str).collect::<Vec<_>>(), &[caption.trim()]);
        let lines = page("      Night buses to the suburbs", lead);
        let mut boiler: Vec<String> = MENU.iter().map(|s| s.to_string()).collect();
        boiler.extend(["* Contact", "* Terms"].map(String::from));
        assert_eq!(run(&c, &lines), boiler);
        // Without the thresholds the lead and the headline go: their neighbours are a menu and
        // a caption.
        let got = run(&off, &lines);
        assert!(got.contains(&lead.trim().to_string()) && got.contains(&"Night buses to the suburbs".to_string()), "{got:?}");
        // At another indentation they go; so does a lead that does not end as a sentence does
        // (a teaser), and with it the headline above it.
        let got = run(&c, &page("    Night buses to the suburbs", &lead.replacen("      ", "    ", 1)));
        assert!(got.contains(&lead.trim().to_string()) && got.contains(&"Night buses to the suburbs".to_string()), "{got:?}");
        let teaser = lead.trim_end_matches('.');
        let got = run(&c, &page("      Night buses to the suburbs", teaser));
        assert!(got.contains(&teaser.trim().to_string()) && got.contains(&"Night buses to the suburbs".to_string()), "{got:?}");
    }

    /// The cheap test turns a document away only when the shape test would: the default rule on
    /// every fixture and on pages cut from them (the runs of short lines, table rows, indented
    /// lines and list items they hold), a rule that asks for short runs only and one that asks
    /// for many list items and a short opening.
    #[test]
    fn only_documents_of_no_shape_are_turned_away_early() {
        let cleaner = crate::Cleaner::new().unwrap();
        let default = cleaner.rules().iter().find_map(|r| if let Kind::Context(c) = &r.kind { Some(c) } else { None }).unwrap();
        let loose = rule_with("activate_min_lines = 3, activate_short_share = 0, activate_list_share = 0, activate_short_run = 4, activate_top_lines = 0, activate_loose_short_run = 2");
        let listy = rule_with("activate_min_lines = 4, activate_short_share = 0.3, activate_list_share = 0.4, activate_short_run = 2, activate_top_lines = 3, activate_loose_short_share = 0.4, activate_loose_short_run = 3, activate_loose_list_share = 0.1");
        let mut texts = crate::fixture_texts();
        for t in texts.clone() {
            let lines: Vec<&str> = t.lines().collect();
            for w in [5, 12, 20, 40] {
                for piece in lines.chunks(w) {
                    texts.push(piece.join("\n"));
                    texts.push(piece.iter().map(|l| format!("| {l} |")).collect::<Vec<_>>().join("\n"));
                    texts.push(piece.iter().map(|l| format!("   {l}")).collect::<Vec<_>>().join("\n"));
                    // Every other line a list item, by ASCII and other markers, some indented.
                    for marker in ["* ", "o ", "  - ", "• ", "\u{a0}+ "] {
                        texts.push(piece.iter().enumerate().map(|(k, l)| if k % 2 == 0 { format!("{marker}{l}") } else { l.to_string() }).collect::<Vec<_>>().join("\n"));
                    }
                }
            }
        }
        let mut seen = [[0usize; 2]; 3];
        for t in &texts {
            let doc = Document::new(t);
            for (k, c) in [default, &loose, &listy].into_iter().enumerate() {
                let shaped = c.shaped(&doc);
                assert_eq!(c.active(&doc), shaped, "{t:?}");
                seen[k][usize::from(shaped)] += 1;
            }
        }
        assert!(seen.iter().all(|s| s[0] > 100 && s[1] > 100), "both outcomes for each rule: {seen:?}");
    }
}
