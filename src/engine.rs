//! The engine: one pass over a document with every rule, then resolution into edits.
//!
//! Why it is built this way: rules are many and documents are millions, so nothing here loops over
//! rules per character. All substring cues of all rules live in one Aho-Corasick automaton that
//! runs once over the text; all whole-line phrases live in one hash table keyed by the normalised
//! line; all line patterns live in one lazy DFA ([`crate::lineset`]). Rules then judge lines from those hits. The
//! work per byte is bounded: long lines skip the line-level tables (only short lines can be
//! boilerplate labels), and the script scan for foreign tokens only looks at non-ASCII lines.
//!
//! Rules *propose*; [`resolve`] decides. A line claimed by a rule is removed together with its line
//! terminator and, when it stood alone as a paragraph, the blank lines after it, so no stray blank
//! lines remain; at the end of the document the separator *before* it goes instead, so the text
//! ends as it did. An inline proposal (a token, a trailing credit) takes one adjacent space with it.

use crate::category::Category;
use crate::document::Document;
use crate::rules::caption::{Finding, LineHits};
use crate::rules::{pattern, Kind, Rule};
use crate::text::{case_variants, char_len, normalize_into, normalize_label, script_of, Script};
use crate::Edit;
use aho_corasick::AhoCorasick;
#[cfg(test)]
use aho_corasick::{
    automaton::{Automaton, StateID},
    Anchored, MatchKind,
};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The hash of the phrase tables: keys are rule data, look-ups are slices of short lines, so a
/// fast non-cryptographic hash is enough (look-ups cannot change the table's layout).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Strong,
    Weak,
    RegionStart,
    RegionMember,
}

#[derive(Debug, Clone, Copy)]
struct LabelRef {
    rule: u32,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Group { rule: u32, group: u8 },
    CaptionStrong { rule: u32 },
    CaptionWeak { rule: u32 },
    CaptionPrefix { rule: u32 },
    CreditPrefix { rule: u32 },
    /// A phrase of the gate of pattern `pattern` of the gated set (see [`crate::lineset::gate`]).
    Gate { pattern: u32 },
}

/// Tables shared by all rules, built once per [`Cleaner`](crate::Cleaner).
#[derive(Debug)]
pub(crate) struct Index {
    /// The phrase tables of the `phrase` and `region` rules, and the rules' vetoes.
    tables: Tables,
    /// Cues that may match on any line (ASCII, plus Latin-1 and general punctuation).
    ac: Option<CueAutomaton>,
    /// The cues of `ac` and those with Latin letters beyond ASCII (`Veröffentlicht`, `Crédit
    /// photo`), in one automaton that replaces `ac` on documents holding such letters: in German
    /// or French text nearly every line does, and a second, per-line scan of those lines cost as
    /// much as the first. Built the first time such a document comes.
    with_latin: Option<ScriptCues>,
    /// Cues that hold a letter of some script, one automaton per script group, each run only on
    /// the lines that hold a byte of that group (see [`lines_stats`]). Built on first use: an
    /// English corpus never builds the Hangul automaton.
    script_ac: Vec<ScriptCues>,
    cues: Vec<Cue>,
    /// The line patterns tried on every short line, and the gated ones, tried on a line only when
    /// the automaton found a phrase of their gate in it; `*_ids` map each set's patterns to their
    /// order among all patterns (the first matching pattern in that order wins).
    regex: crate::lineset::LineSet,
    regex_ids: Vec<u32>,
    /// The ungated patterns that only match a line holding an ASCII digit (time stamps, counts,
    /// years; see [`crate::lineset::needs_digit`]), tried only on such lines. A set of their own
    /// so that the rules compile as two sets of about equal size, one on each core, and the
    /// main set's lazy DFA carries fewer patterns on the lines without digits.
    digits: crate::lineset::LineSet,
    digit_ids: Vec<u32>,
    gated: crate::lineset::LineSet,
    gated_ids: Vec<u32>,
    /// Ungated patterns that open with a long run of any text (`[^0-9!?]{0,20}…`): alive over
    /// the first characters of every line, they would multiply the states of the main set's lazy
    /// DFA with every other pattern alive there, so they get a set of their own, tried on lines
    /// no longer than their rules allow (`floating_max_chars`).
    floating: crate::lineset::LineSet,
    floating_ids: Vec<u32>,
    floating_max_chars: usize,
    /// Every floating pattern needs a digit (see [`crate::lineset::needs_digit`]): the floating set
    /// is tried only on lines with one.
    floating_needs_digit: bool,
    /// Every floating pattern has its first digit within this many characters of the line's
    /// start (see [`crate::rules::entries::digit_within`]): a line whose first digit comes later
    /// skips the floating set. `None` when some pattern has no such bound.
    floating_digit_within: Option<usize>,
    /// Which of the four line sets are the NFAs `build.rs` compiled (`rules/nfacode.rs`), not
    /// compiled at start-up.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) stored_sets: [bool; 4],
    /// The rule of each pattern, in that order.
    regex_rule: Vec<u32>,
    max_pattern_chars: usize,
    /// Some caption rule has agencies: agency credits need no automaton hit, so a line without
    /// one is still judged when it ends with an agency (see [`ends_with_agency`]).
    has_agencies: bool,
    /// Indices of the rules that judge cue hits (`cues` and `caption`), and of the foreign-token
    /// rules, in rule order: the per-line loops visit these, not every rule.
    cue_rules: Vec<u32>,
    /// The `caption` rules of `cue_rules`: a line without a cue group's hit can meet no `cues`
    /// rule (every rule has at least one group), so only these judge it.
    caption_rules: Vec<u32>,
    foreign_rules: Vec<u32>,
    /// Lines of more characters than this meet no rule that judges cue hits but a caption rule's
    /// trailing credit, which looks at the hits near the line's end only (see
    /// [`crate::rules::caption::Caption::credit_window`]): the document's cue scan reads only that
    /// end of such a line. The longest line a `cues` rule or a gated pattern allows, or a caption
    /// rule judges whole.
    cue_line_chars: usize,
}

/// What [`Index::norm_line`] left in its buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineNorm {
    /// Nothing of use: the line is no cover and opens with no prefix phrase.
    No,
    /// The whole `normalize_label` of the line.
    Whole,
    /// Its head, enough for the prefix phrases; the line is no cover.
    Head,
}

/// A line of more tokens than this is no cover of known phrases.
const MAX_COVER_TOKENS: usize = 40;

/// The `none_of` and `none_of_quoted` phrases of one rule, each list in an automaton built when a
/// line first needs it: most documents never do, and building them all would add to every
/// start-up.
#[derive(Debug)]
struct Veto {
    phrases: Vec<String>,
    automaton: std::sync::OnceLock<Option<CueAutomaton>>,
    /// The quoted phrases' spellings, and whether each opens with a Han or Kana character.
    quoted: Vec<String>,
    unspaced: Vec<bool>,
    quoted_automaton: std::sync::OnceLock<Option<CueAutomaton>>,
}

/// The spellings of a veto that substring matching must find: lower case when its letters are
/// ASCII (the automaton ignores ASCII case), else its case variants.
fn veto_spellings(phrases: &[String]) -> Vec<String> {
    phrases.iter().flat_map(|p| if p.is_ascii() { vec![p.to_ascii_lowercase()] } else { case_variants(p) }).collect()
}

/// The veto automaton of `phrases`: the compact automaton of the script groups' cues
/// ([`CueAutomaton::compact`]: ASCII case ignored, every match reported as the library's
/// overlapping search reports it). The search is rare (it runs only on a line the rule matched),
/// so the cheapest build wins: the library's noncontiguous NFA of the default vetoes (3,670
/// spellings) took about 47 M instructions on first use. `None` when there are no phrases, or
/// if it cannot be built (never for phrase lists); then nothing is vetoed.
fn veto_automaton(phrases: &[String]) -> Option<CueAutomaton> {
    if phrases.is_empty() {
        return None;
    }
    CueAutomaton::compact(phrases).ok()
}

impl Veto {
    fn new(v: &crate::rules::Vetoes) -> Option<Veto> {
        if v.none_of.is_empty() && v.none_of_quoted.is_empty() {
            return None;
        }
        let quoted = veto_spellings(&v.none_of_quoted);
        let unspaced = quoted.iter().map(|p| p.chars().next().and_then(script_of).is_some_and(|s| matches!(s, Script::Han | Script::Kana))).collect();
        Some(Veto { phrases: veto_spellings(&v.none_of), automaton: OnceLock::new(), quoted, unspaced, quoted_automaton: OnceLock::new() })
    }

    /// Whether a `none_of` phrase (not a quoted one) stands in `line` as whole words: the veto a
    /// line above gives (`none_of_above`), where a phrase inside another word ("messe" in
    /// "promesse", "starts" in "Startseite") would be a headline's or a menu's other word. A phrase
    /// that opens or ends with no letter or digit is bounded there already.
    fn whole_words_in(&self, line: &str) -> bool {
        let mut found = false;
        if let Some(ac) = self.automaton.get_or_init(|| veto_automaton(&self.phrases)) {
            ac.for_each_match_in(line, &[(0, line.len())], &mut ScanBufs::default(), |start, end, _| {
                let (phrase, before, after) = (&line[start..end], &line[..start], &line[end..]);
                let glued = |edge: Option<char>, next: Option<char>| edge.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric);
                found = found || !(glued(phrase.chars().next(), before.chars().next_back()) || glued(phrase.chars().next_back(), after.chars().next()));
            });
        }
        found
    }

    /// The same matches as the shared automaton would report: ASCII case ignored, other letters
    /// in their case variants; a quoted phrase only where a quotation opens right before it.
    fn is_match(&self, line: &str) -> bool {
        let whole = [(0, line.len())];
        let mut found = false;
        if let Some(ac) = self.automaton.get_or_init(|| veto_automaton(&self.phrases)) {
            ac.for_each_match_in(line, &whole, &mut ScanBufs::default(), |_, _, _| found = true);
        }
        if !found {
            if let Some(ac) = self.quoted_automaton.get_or_init(|| veto_automaton(&self.quoted)) {
                ac.for_each_match_in(line, &whole, &mut ScanBufs::default(), |start, _, p| {
                    found = found || opens_quotation(&line[..start], self.unspaced[p as usize]);
                });
            }
        }
        found
    }
}

/// Marks that only open a quotation, right before the quoted words (French spacing too): a
/// `none_of_quoted` phrase after one vetoes its rule on the line.
const OPEN_ONLY: [&str; 8] = ["„", "«", "« ", "‚", "‹", "‹ ", "「", "『"];
/// Marks that may open or close one: they open it at the start of the line or after white space ("we
/// write \"Photo: …\"", "‘…’ ধরনের বার্তা;" but "…„Wir schaffen das“Foto: dpa", a caption
/// glued to its credit), and “ ‘ also glued to a phrase
/// that opens with a Han or Kana character, in text without spaces ("写一句“我们使用…"). (« and ‹
/// glued to a word close one, as German prints »…«.)
const OPEN_OR_CLOSE: [&str; 7] = ["\"", "“", "”", "'", "‘", "»", "״"];

/// Whether the text `before` a phrase ends with a mark that opens a quotation (see [`OPEN_ONLY`]
/// and [`OPEN_OR_CLOSE`]); `unspaced`: the phrase opens with a Han or Kana character, so “ and ‘
/// open it without a space.
fn opens_quotation(before: &str, unspaced: bool) -> bool {
    let after_letter = |rest: &str| rest.chars().next_back().is_some_and(char::is_alphanumeric);
    OPEN_ONLY.iter().any(|m| {
        // « and ‹ close a quotation glued to its last word where German and Danish print »…«
        // ("mit dem Plakat »Kürzt nicht bei den Kitas« Foto: …").
        before.strip_suffix(m).is_some_and(|rest| !(m.starts_with(['«', '‹']) && after_letter(rest)))
    }) || OPEN_OR_CLOSE.iter().any(|m| {
        // Glued to a Han or Kana phrase, only the marks that open: "…“大吉大利”图/新华社" is a
        // slogan closed before its credit.
        before.strip_suffix(m).is_some_and(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace) || (unspaced && matches!(*m, "“" | "‘")))
    })
}

/// The phrase tables of the `phrase` and `region` rules, and the `none_of` vetoes of the others:
/// built beside the automata (see [`Index::build`]).
#[derive(Debug)]
struct Tables {
    labels: FastMap<Box<str>, Vec<LabelRef>>,
    /// The first token of every label: a line can only be covered by labels, or open with a
    /// prefix phrase, when it starts (after bare numbers) with one of them.
    first_tokens: TokenSet,
    /// The last token of every label (a cover ends with a label or bare numbers).
    last_tokens: TokenSet,
    /// Every token of every label and of every `to_end` start: a line with any other token (but
    /// a bare number) is no cover and no such start, whatever its other tokens. Built when a line
    /// first needs it (see [`Tables::tokens`]): 3 M instructions that every process start paid.
    tokens: OnceLock<TokenSet>,
    max_tokens: usize,
    prefixes: FastMap<Box<str>, u32>,
    /// The first token of every prefix phrase: the first test of [`Index::prefix_rule`], which
    /// most lines a label's first word let through fail ("the", "a").
    prefix_first: TokenSet,
    max_prefix_tokens: usize,
    /// Phrases of `match = "quoted"` rules (normalised), looked up only on lines that end with a
    /// closing quotation mark.
    quoted: FastMap<Box<str>, u32>,
    max_quoted_tokens: usize,
    max_quoted_chars: usize,
    /// Starts of `glued_start` regions (normalised), which may open a line before its headline.
    glued: FastMap<Box<str>, u32>,
    /// The first word of every glued start, its first two words, and so on: normalising a line
    /// stops at the first word that no glued start continues with ("a", "le" and "das" open
    /// glued starts, and most lines that open with them are prose).
    glued_heads: TokenSet,
    max_glued_tokens: usize,
    /// Starts of `to_end` regions (normalised), each only on a line of its own.
    to_end: FastMap<Box<str>, u32>,
    /// Lines longer than this (in chars) are never normalised for the label table.
    max_short: usize,
    has_regions: bool,
    /// Region rules opened by a line another rule of a category removed: (category, region rule).
    followers: Vec<(Category, u32)>,
    /// The `none_of` phrases of each `cues` and `pattern` rule (by rule index), searched only in
    /// a line that already holds a cue of every group or that a pattern matched: vetoes such as
    /// "said" or a quotation mark are common in prose, and in the shared automaton every one of
    /// them was a hit to record and judge.
    vetoes: Vec<Option<Veto>>,
}

impl Tables {
    fn tokens(&self) -> &TokenSet {
        self.tokens.get_or_init(|| self.labels.keys().chain(self.to_end.keys()).flat_map(|k| k.split(' ')).collect())
    }

    fn build(rules: &[Rule]) -> Tables {
        let mut labels: FastMap<Box<str>, Vec<LabelRef>> = FastMap::default();
        let mut prefixes: FastMap<Box<str>, u32> = FastMap::default();
        let mut quoted: FastMap<Box<str>, u32> = FastMap::default();
        let mut max_quoted_chars = 0;
        let mut glued: FastMap<Box<str>, u32> = FastMap::default();
        let mut to_end: FastMap<Box<str>, u32> = FastMap::default();
        let mut max_short = 0;
        let mut has_regions = false;
        let mut followers = Vec::new();
        let mut add_label = |p: &str, rule: usize, role: Role| {
            labels.entry(p.into()).or_default().push(LabelRef { rule: rule as u32, role });
        };
        for (ri, rule) in rules.iter().enumerate() {
            let r = ri as u32;
            match &rule.kind {
                // A quoted rule's phrases are no labels: "thoughts on" alone is no boilerplate line.
                Kind::Phrase(p) if p.mode == crate::rules::phrase::Match::Quoted => {
                    max_quoted_chars = max_quoted_chars.max(p.max_chars);
                    for s in &p.phrases {
                        quoted.entry(s.as_str().into()).or_insert(r);
                    }
                }
                Kind::Phrase(p) => {
                    max_short = max_short.max(p.max_chars);
                    for s in &p.phrases {
                        add_label(s, ri, Role::Strong);
                        if p.mode == crate::rules::phrase::Match::Prefix {
                            prefixes.insert(s.as_str().into(), r);
                        }
                    }
                    for s in &p.labels {
                        add_label(s, ri, Role::Weak);
                    }
                }
                Kind::Region(g) => {
                    has_regions = true;
                    followers.extend(g.after.iter().map(|&c| (c, r)));
                    max_short = max_short.max(200);
                    for s in &g.start {
                        // A region that runs to the end opens only on its start alone: its starts
                        // are no labels that could join a cover (or shadow another rule's start).
                        if g.to_end {
                            to_end.entry(s.as_str().into()).or_insert(r);
                            continue;
                        }
                        add_label(s, ri, Role::RegionStart);
                        if g.glued_start {
                            glued.entry(s.as_str().into()).or_insert(r);
                        }
                    }
                    for s in &g.members {
                        add_label(s, ri, Role::RegionMember);
                    }
                }
                _ => {}
            }
        }
        let max_tokens = labels.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        let first_tokens = labels.keys().chain(prefixes.keys()).chain(to_end.keys()).map(|k| k.split(' ').next().unwrap_or("")).collect();
        let last_tokens = labels.keys().map(|k| k.rsplit(' ').next().unwrap_or("")).collect();
        let max_prefix_tokens = prefixes.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        let prefix_first = prefixes.keys().map(|k| k.split(' ').next().unwrap_or("")).collect();
        let max_quoted_tokens = quoted.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        let max_glued_tokens = glued.keys().map(|k| k.split(' ').count()).max().unwrap_or(0);
        let glued_heads = glued.keys().flat_map(|k| k.match_indices(' ').map(|(i, _)| &k[..i]).chain([&**k])).collect();
        let vetoes = rules.iter().map(|rule| rule.kind.vetoes().and_then(Veto::new)).collect();
        Tables { labels, first_tokens, last_tokens, tokens: OnceLock::new(), max_tokens, prefixes, prefix_first, max_prefix_tokens, quoted, max_quoted_tokens, max_quoted_chars, glued, glued_heads, max_glued_tokens, to_end, max_short, has_regions, followers, vetoes }
    }
}

/// A cue phrase of a rule as [`Index::build`] collects them: spelled as the automaton needs it
/// in the cue automaton's job, on the other core.
#[derive(Debug, Clone, Copy)]
enum CuePhrase<'a> {
    /// A rule's phrase: in lower case if it is ASCII (the automaton ignores ASCII case itself),
    /// else in each of its case variants.
    Variants(&'a str),
    /// A gate phrase, already spelled in every form (see [`crate::lineset::gate`]).
    Exact(&'a str),
}

/// The cue phrases spelled out and grouped by the script their letters need, and the cues
/// reordered to match: the automaton of group g reports pattern k as cue `offset + k`.
struct CueGroups {
    cues: Vec<Cue>,
    /// The phrases of the document automaton (ASCII, Latin-1 and general punctuation).
    ascii: Vec<String>,
    with_latin: Option<ScriptCues>,
    script_ac: Vec<ScriptCues>,
}

impl CueGroups {
    fn new(phrases: &[(CuePhrase<'_>, Cue)]) -> CueGroups {
        let mut by_group: Vec<Vec<(String, Cue)>> = vec![Vec::new(); GROUPS + 1];
        let mut add = |p: String, cue: Cue| by_group[pattern_group(&p).map_or(0, |g| g + 1)].push((p, cue));
        for &(phrase, cue) in phrases {
            match phrase {
                CuePhrase::Variants(p) if p.is_ascii() => add(p.to_ascii_lowercase(), cue),
                CuePhrase::Variants(p) => case_variants(p).into_iter().for_each(|v| add(v, cue)),
                CuePhrase::Exact(p) => add(p.to_string(), cue),
            }
        }
        let mut cues: Vec<Cue> = Vec::new();
        let mut script_ac = Vec::new();
        let mut with_latin = None;
        let mut ascii = Vec::new();
        for (g, members) in by_group.into_iter().enumerate() {
            if members.is_empty() {
                continue;
            }
            let offset = cues.len() as u32;
            let (pats, group_cues): (Vec<String>, Vec<Cue>) = members.into_iter().unzip();
            cues.extend(group_cues);
            if g == 0 {
                ascii = pats;
            } else if g == 1 + LATIN.trailing_zeros() as usize {
                // Cue ids: the ASCII group's are 0.., the Latin group's follow them.
                let mut all = ascii.clone();
                all.extend(pats);
                with_latin = Some(ScriptCues::new(0, 0, all));
            } else {
                script_ac.push(ScriptCues::new((g - 1) as u8, offset, pats));
            }
        }
        CueGroups { cues, ascii, with_latin, script_ac }
    }
}

/// Whether `line` holds `title` (a `normalize_label` form) between quotation marks: "Tap the
/// “Share” button", "Блок «Читайте также» подбирает редактор", "在“Cookie设置”页面". A line that
/// quotes a label is about it: the label over it is its title, and the line is no member of the
/// region the label opens. An ASCII apostrophe opens a quotation only after a character that is no
/// letter or digit ("it's" opens none).
fn quotes(line: &str, title: &str) -> bool {
    if title.is_empty() || !may_quote(line) {
        return false;
    }
    let mut prev: Option<char> = None;
    for (at, c) in line.char_indices() {
        if OPENING_QUOTES.contains(&c) && !(c == '\'' && prev.is_some_and(char::is_alphanumeric)) {
            let inner = &line[at + c.len_utf8()..];
            // The quotation ends at the next closing mark, within a title's length.
            let end = inner
                .char_indices()
                .take_while(|&(k, _)| k <= QUOTED_TITLE_MAX_BYTES)
                .find(|&(_, q)| CLOSING_QUOTES.contains(&q))
                .map(|(k, _)| k);
            if end.is_some_and(|e| normalize_label(&inner[..e]) == title) {
                return true;
            }
        }
        prev = Some(c);
    }
    false
}

/// Whether `line` names a path through an interface's menus: three steps, words joined by ` > `,
/// ` › ` or `→` ("Settings > Privacy > Cookies", "設定 > 通知 > メールマガジン"), as help pages write
/// their steps. A comparison of figures ("x > 5") is none, and so is one step: a banner's "under
/// Settings > Cookies" or a box's "Newsletter → Jetzt anmelden". (Second review.)
fn has_menu_path(line: &str) -> bool {
    let b = line.as_bytes();
    // `>` or the first byte of `›` (E2 80 BA) and `→` (E2 86 92): most lines hold neither.
    memchr::memchr2_iter(b'>', 0xE2, b).filter(|&i| {
        let sep = if b[i] == b'>' {
            1
        } else if b[i + 1..].starts_with(&[0x80, 0xBA]) || b[i + 1..].starts_with(&[0x86, 0x92]) {
            3
        } else {
            return false;
        };
        let (before, after) = (line[..i].trim_end(), line[i + sep..].trim_start());
        let spaced = before.len() < i && after.len() < line.len() - i - sep;
        let arrow = sep == 3 && b[i + 1] == 0x86;
        (spaced || arrow) && before.chars().next_back().is_some_and(char::is_alphabetic) && after.chars().next().is_some_and(char::is_alphabetic)
    })
    .nth(1)
    .is_some()
}

/// Whether normalised `text` holds normalised `words` as whole words.
fn holds_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        (at == 0 || text.as_bytes()[at - 1] == b' ') && text[at + words.len()..].chars().next().is_none_or(|c| c == ' ')
    })
}

/// Whether `line` may hold a quotation mark of [`quotes`]: each is ASCII or opens with one of these
/// lead bytes, and most lines hold none.
fn may_quote(line: &str) -> bool {
    let b = line.as_bytes();
    memchr::memchr3(b'"', b'\'', 0xE2, b).is_some() || memchr::memchr3(0xC2, 0xE3, 0xEF, b).is_some()
}

/// The longest quotation [`quotes`] compares with a title, in bytes.
const QUOTED_TITLE_MAX_BYTES: usize = 120;

/// Whether the trimmed line `raw` is an entry of a glossary or a vocabulary list, a term and its
/// gloss around an equals sign ("Поделиться = share", "좋아요 = like"): such a line is about its
/// words, and is no label, phrase, region start or member even when both sides are labels. (The
/// dashed form, [`in_dashed_glossary`], needs its neighbours.)
fn is_glossary_entry(raw: &str) -> bool {
    let b = raw.as_bytes();
    // `=` beside a space, or a full-width `＝` (EF BC 9D).
    memchr::memchr2_iter(b'=', 0x9D, b).any(|i| {
        if b[i] == b'=' {
            (i > 0 && b[i - 1] == b' ') || b.get(i + 1) == Some(&b' ')
        } else {
            i >= 2 && b[i - 2..i] == [0xEF, 0xBC]
        }
    })
}

/// Whether line `i` of `doc` (`trimmed`) is an entry of a glossary in the dashed form, a term and
/// its glosses in other scripts between spaced dashes ("Load more — もっと見る", "Share —
/// Поделиться — 공유하기"), with another such entry as its nearest non-blank line above or below:
/// glossaries come in runs. Such a line is no label, phrase or region start. A bilingual site's
/// button or heading stands alone ("Load more — 더 보기", "Share — シェアする" over the networks),
/// and stays what it is.
fn in_dashed_glossary(doc: &Document, i: usize, trimmed: &str) -> bool {
    if !is_dashed_glossary_entry(trimmed) {
        return false;
    }
    let entry = |j: usize| is_dashed_glossary_entry(crate::text::trim(doc.line(j)));
    (0..i).rev().find(|&j| !doc.lines[j].blank).is_some_and(entry) || (i + 1..doc.lines.len()).find(|&j| !doc.lines[j].blank).is_some_and(entry)
}

/// One line of [`in_dashed_glossary`]'s form: parts between spaced em or en dashes, one of them
/// written in Latin letters only and another in letters of other scripts only. A headline or a
/// share bar's row in one script ("Brexit — What happens next", "Facebook — Twitter — Email") is
/// none.
fn is_dashed_glossary_entry(raw: &str) -> bool {
    // An em or en dash is E2 80 94 / 93: most lines hold no E2 byte at all, and a look at each
    // one is cheaper than a substring search (a searcher built per call cost 14 M instructions
    // over the first 21 MB of the trafilatura texts).
    let b = raw.as_bytes();
    if !memchr::memchr_iter(0xE2, b).any(|i| b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x93 | 0x94))) {
        return false;
    }
    let spaced;
    let raw = if raw.contains('\u{a0}') {
        spaced = raw.replace('\u{a0}', " ");
        spaced.as_str()
    } else {
        raw
    };
    let (mut latin_part, mut other_part, mut parts) = (false, false, 0);
    for part in raw.split(" \u{2014} ").flat_map(|p| p.split(" \u{2013} ")) {
        parts += 1;
        let (mut latin, mut other) = (false, false);
        for c in part.chars().filter(|c| c.is_alphabetic()) {
            match script_of(c) {
                Some(Script::Latin) => latin = true,
                Some(_) => other = true,
                None => {}
            }
        }
        latin_part |= latin && !other;
        other_part |= other && !latin;
    }
    parts >= 2 && latin_part && other_part
}

impl Index {
    pub(crate) fn build<'a>(rules: &'a [Rule]) -> Result<Index, String> {
        // The cue phrases in rule order, spelled out (case variants) in the cue automaton's job.
        let mut cue_phrases: Vec<(CuePhrase<'_>, Cue)> = Vec::new();
        use crate::rules::entries::{DIGIT_SET, FLOATING_SET, GATED_SET, MAIN_SET};
        // The four line sets (numbered as in `entries.rs`): each one's entries as (rule, entry),
        // their pattern ids, and their (rule key, entry) for the sets `build.rs` compiled.
        let mut members: [Vec<(usize, usize)>; 4] = Default::default();
        let mut ids: [Vec<u32>; 4] = Default::default();
        let mut origins: [Vec<Option<(u32, u32)>>; 4] = Default::default();
        let mut floating_max_chars = 0;
        let mut floating_needs_digit = true;
        let mut floating_digit_within = Some(0);
        let mut regex_rule = Vec::new();
        let mut regex_at: Vec<(usize, usize)> = Vec::new();
        let mut max_pattern_chars = 0;
        let add_cue = |phrase: &'a str, cue: Cue, cue_phrases: &mut Vec<(CuePhrase<'a>, Cue)>| cue_phrases.push((CuePhrase::Variants(phrase), cue));
        for (ri, rule) in rules.iter().enumerate() {
            let r = ri as u32;
            match &rule.kind {
                Kind::Pattern(p) => {
                    max_pattern_chars = max_pattern_chars.max(p.max_chars);
                    let base = regex_rule.len() as u32;
                    for at in &p.locations {
                        regex_rule.push(r);
                        regex_at.push(*at);
                    }
                    for (j, e) in p.compiled.iter().enumerate() {
                        let set = usize::from(e.place.set);
                        if let Some(phrases) = &e.gate {
                            for phrase in phrases {
                                cue_phrases.push((CuePhrase::Exact(phrase), Cue::Gate { pattern: members[set].len() as u32 }));
                            }
                        }
                        if e.place.set == FLOATING_SET {
                            floating_max_chars = floating_max_chars.max(p.max_chars);
                            floating_needs_digit &= e.place.needs_digit;
                            floating_digit_within = floating_digit_within.zip(e.place.digit_within).map(|(m, b)| b.max(m));
                        }
                        members[set].push((ri, j));
                        ids[set].push(base + e.first as u32);
                        origins[set].push(p.stored.map(|k| (k, j as u32)));
                    }
                }
                Kind::Cues(c) => {
                    for (g, group) in c.groups.iter().enumerate() {
                        for p in group {
                            add_cue(p, Cue::Group { rule: r, group: g as u8 }, &mut cue_phrases);
                        }
                    }
                }
                Kind::Caption(c) => {
                    for p in &c.cues {
                        add_cue(p, Cue::CaptionStrong { rule: r }, &mut cue_phrases);
                    }
                    for p in &c.weak_cues {
                        add_cue(p, Cue::CaptionWeak { rule: r }, &mut cue_phrases);
                    }
                    for p in &c.prefixes {
                        add_cue(p, Cue::CaptionPrefix { rule: r }, &mut cue_phrases);
                    }
                    for p in &c.credit_prefixes {
                        add_cue(p, Cue::CreditPrefix { rule: r }, &mut cue_phrases);
                    }
                }
                Kind::Phrase(_) | Kind::Region(_) | Kind::ForeignToken(_) | Kind::Context(_) | Kind::Topic(_) => {}
            }
        }
        let floating_needs_digit = floating_needs_digit && !members[usize::from(FLOATING_SET)].is_empty();
        let has_agencies = rules.iter().any(|r| matches!(&r.kind, Kind::Caption(c) if !c.agencies.is_empty()));
        let limit = pattern::SIZE_LIMIT.saturating_mul(regex_rule.len().max(1));
        // The builds are independent: the document cue automaton, the four line-pattern sets
        // and the phrase tables, largest first, shared out between the two cores (on one, in
        // order).
        enum Job<'a> {
            Cues(&'a [(CuePhrase<'a>, Cue)]),
            /// The set's number (see `members`) and its lazy DFA's cache capacity.
            Set(u8, usize),
            Tables,
        }
        // A set's NFA as `build.rs` compiled it, when its entries are the ones the build saw
        // (`rules/nfacode.rs`); else compiled here from its entries' trees.
        let build_set = |set: u8, cache: usize| -> Result<(crate::lineset::LineSet, Option<Box<regex_automata::nfa::thompson::Compiler>>), String> {
            let set = usize::from(set);
            if let Some(nfa) = crate::rules::stored_line_set(set, &origins[set], limit) {
                return crate::lineset::LineSet::from_nfa(nfa, cache).map(|s| (s, None));
            }
            let mut trees: std::collections::BTreeMap<usize, std::borrow::Cow<'a, [regex_syntax::hir::Hir]>> = Default::default();
            for &(r, _) in &members[set] {
                if let (Kind::Pattern(p), std::collections::btree_map::Entry::Vacant(v)) = (&rules[r].kind, trees.entry(r)) {
                    v.insert(p.trees().ok_or_else(|| format!("rule `{}`: its stored patterns do not decode", rules[r].id))?);
                }
            }
            let hirs = members[set].iter().map(|(r, j)| trees.get(r)?.get(*j)).collect::<Option<Vec<&regex_syntax::hir::Hir>>>().ok_or("a line set's trees")?;
            crate::lineset::LineSet::keeping_compiler(&hirs, limit, cache).map(|(s, compiler)| (s, Some(Box::new(compiler))))
        };
        enum Built {
            Cues(Box<(Result<Option<CueAutomaton>, String>, CueGroups)>),
            Set(Result<(crate::lineset::LineSet, Option<Box<regex_automata::nfa::thompson::Compiler>>), String>),
            Tables(Box<Tables>),
        }
        // (rank in the schedule: the largest first, as measured with the default sets stored, job);
        // a set's lazy DFA cache capacity with it.
        let jobs = [(5, Job::Set(MAIN_SET, 8 << 20)), (4, Job::Tables), (3, Job::Cues(&cue_phrases)), (2, Job::Set(DIGIT_SET, 2 << 20)), (1, Job::Set(GATED_SET, 4 << 20)), (0, Job::Set(FLOATING_SET, 2 << 20))];
        let built = crate::par::map(
            &jobs,
            |&(rank, _)| rank,
            |(_, job)| match *job {
                Job::Cues(phrases) => {
                    let groups = CueGroups::new(phrases);
                    let ac = (!groups.ascii.is_empty()).then(|| CueAutomaton::build(&groups.ascii)).transpose();
                    Built::Cues(Box::new((ac, groups)))
                }
                Job::Set(set, cache) => Built::Set(build_set(set, cache)),
                Job::Tables => Built::Tables(Box::new(Tables::build(rules))),
            },
        );
        let mut sets = Vec::with_capacity(4);
        let mut stored_sets = [false; 4];
        let mut compilers = Vec::with_capacity(4);
        let mut ac = Ok(None);
        let mut groups = None;
        let mut tables = None;
        for b in built {
            match b {
                Built::Cues(c) => (ac, groups) = (c.0, Some(c.1)),
                Built::Set(s) => sets.push(s.map(|(set, compiler)| {
                    // The sets come in the order of their numbers; a stored one has no compiler.
                    if let Some(stored) = stored_sets.get_mut(sets.len()) {
                        *stored = compiler.is_none();
                    }
                    compilers.extend(compiler);
                    set
                })),
                Built::Tables(t) => tables = Some(t),
            }
        }
        // The sets' compilers are freed beside the first documents, not before them.
        crate::par::drop_later(compilers);
        let ac = ac?;
        let CueGroups { cues, with_latin, script_ac, .. } = groups.ok_or("the cue groups")?;
        let tables = *tables.ok_or("the phrase tables")?;
        let regex = sets
            .into_iter()
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| {
                // The wrapped sources, only to name a pattern that is too big.
                let sources: Vec<String> = rules.iter().filter_map(|r| if let Kind::Pattern(p) = &r.kind { Some(p.patterns.iter().cloned()) } else { None }).flatten().collect();
                match pattern::too_big(&sources) {
                Some((i, limit)) => {
                    let rule = &rules[regex_rule[i] as usize];
                    let (line, col) = regex_at[i];
                    format!(
                        "{}:{line}:{col}: rule `{}`: pattern is too big once compiled (limit {limit} bytes); use fewer alternatives or smaller repeats",
                        rule.source.path, rule.id
                    )
                }
                None => e,
                }
            })?;
        let rules_where = |f: fn(&Kind) -> bool| rules.iter().enumerate().filter(|(_, r)| f(&r.kind)).map(|(i, _)| i as u32).collect::<Vec<u32>>();
        let cue_rules = rules_where(|k| matches!(k, Kind::Cues(_) | Kind::Caption(_)));
        let caption_rules = rules_where(|k| matches!(k, Kind::Caption(_)));
        let foreign_rules = rules_where(|k| matches!(k, Kind::ForeignToken(_)));
        let [regex, digits, gated, floating]: [crate::lineset::LineSet; 4] = regex.try_into().map_err(|_| "four line-pattern sets".to_string())?;
        let cue_line_chars = rules
            .iter()
            .map(|r| match &r.kind {
                Kind::Cues(c) => c.max_chars,
                Kind::Caption(c) => c.max_chars.max(c.max_cue_chars),
                _ => 0,
            })
            .fold(max_pattern_chars, usize::max);
        let [regex_ids, digit_ids, gated_ids, floating_ids] = ids;
        Ok(Index { tables, ac, with_latin, script_ac, cues, regex, regex_ids, digits, digit_ids, gated, gated_ids, floating, floating_ids, floating_max_chars, floating_needs_digit, floating_digit_within, stored_sets, regex_rule, max_pattern_chars, has_agencies, cue_rules, caption_rules, foreign_rules, cue_line_chars })
    }

    /// False when no cover of `norm` by labels and no prefix phrase can exist: its first token
    /// that is not a bare number starts no label. One or two look-ups instead of the cover's
    /// dynamic programme on every short line of prose. (The reference for
    /// [`Index::may_cover_line`], which decides the same without normalising the whole line.)
    #[cfg(test)]
    fn may_cover(&self, norm: &str) -> bool {
        norm.split(' ').find_map(|tok| token_decides(tok, &self.tables.first_tokens)).unwrap_or(false)
    }

    /// [`Index::may_cover`] of `normalize_label(line)`, normalising into `buf` only as many words
    /// as it takes to decide a no; on a yes, `buf` holds the whole `normalize_label(line)`, which
    /// the caller needs next. (The reference for [`Index::norm_line`].)
    #[cfg(test)]
    fn may_cover_line(&self, line: &str, buf: &mut String) -> bool {
        let mut may = None;
        buf.clear();
        normalize_into(line, buf, |tok| {
            if may.is_none() {
                may = token_decides(tok, &self.tables.first_tokens);
            }
            may != Some(false)
        });
        may.unwrap_or(false)
    }

    /// [`Index::may_cover_line`], normalising less: once the line holds a token that no label
    /// and no `to_end` start has (and that is no bare number), it is no cover and no such start,
    /// and only the prefix phrases still look at it, at its first `max_prefix_tokens` tokens and
    /// at whether more follow, and only if a prefix phrase opens with its first token. So
    /// normalisation stops at the first token after both: `buf` then holds the head of
    /// `normalize_label(line)`, ending at a token, with the unknown one among them and more than
    /// `max_prefix_tokens` tokens when its first token opens a prefix phrase
    /// ([`LineNorm::Head`]). Most short
    /// lines of prose open with a word some label starts with ("the", "a", "le"), and were
    /// normalised to their end for a cover look-up that cannot succeed.
    fn norm_line(&self, line: &str, buf: &mut String) -> LineNorm {
        let t = &self.tables;
        let mut may = None;
        let (mut tokens, mut unknown, mut head) = (0, false, false);
        // Whether a prefix phrase opens with the first token: only then do the first
        // `max_prefix_tokens` tokens matter past an unknown one (see `Index::prefix_rule`).
        let mut prefix = false;
        buf.clear();
        normalize_into(line, buf, |tok| {
            if may.is_none() {
                may = token_decides(tok, &t.first_tokens);
            }
            if may == Some(false) {
                return false;
            }
            tokens += 1;
            if tokens == 1 {
                prefix = t.prefix_first.contains(tok);
            }
            unknown = unknown || !(t.tokens().contains(tok) || tok.chars().all(|c| c.is_numeric()));
            head = unknown && (tokens > t.max_prefix_tokens || !prefix);
            !head
        });
        match may {
            Some(true) if head => LineNorm::Head,
            Some(true) => LineNorm::Whole,
            _ => LineNorm::No,
        }
    }

    /// False when `norm` cannot be the end of a cover: its last token that is not a bare number
    /// ends no label.
    fn may_end(&self, norm: &str) -> bool {
        norm.rsplit(' ').find_map(|tok| token_decides(tok, &self.tables.last_tokens)).unwrap_or(false)
    }

    /// Can the normalised line be cut into known phrases (and numbers), using only phrases of the
    /// `allowed` roles (and of `category`, if given)? With `strong`, the cover must hold a phrase of
    /// that role and its rule is returned; without, any cover will do (`Some(u32::MAX)`).
    fn cover(&self, norm: &str, strong: Option<Role>, allowed: &[Role], rules: &[Rule], category: Option<Category>) -> Option<u32> {
        if norm.is_empty() || !self.may_end(norm) {
            return None;
        }
        // Token starts, at most MAX_COVER_TOKENS of them (on the stack: this runs on every short line).
        let mut bounds = [0usize; MAX_COVER_TOKENS];
        let mut n = 1;
        for (i, _) in norm.match_indices(' ') {
            if n == MAX_COVER_TOKENS {
                return None;
            }
            bounds[n] = i + 1;
            n += 1;
        }
        let tok_end = |k: usize| if k < n { bounds[k] - 1 } else { norm.len() };
        // best[i] = Some(first strong rule in a cover of tokens i..) or Some(u32::MAX) for a cover without one.
        let mut best = [None::<u32>; MAX_COVER_TOKENS + 1];
        best[n] = Some(u32::MAX);
        for i in (0..n).rev() {
            let tok = &norm[bounds[i]..tok_end(i + 1)];
            if tok.chars().all(|c| c.is_numeric()) {
                best[i] = best[i + 1];
                if best[i].is_some() {
                    continue;
                }
            }
            // A token that starts no phrase starts no cover: one look-up instead of one per length.
            if !self.tables.first_tokens.contains(tok) {
                continue;
            }
            for k in 1..=self.tables.max_tokens.min(n - i) {
                let Some(rest) = best[i + k] else { continue };
                let key = &norm[bounds[i]..tok_end(i + k)];
                let Some(refs) = self.tables.labels.get(key) else { continue };
                let mut here = None;
                for r in refs {
                    if !allowed.contains(&r.role) {
                        continue;
                    }
                    if let Some(c) = category {
                        if rules[r.rule as usize].category != c {
                            continue;
                        }
                    }
                    if Some(r.role) == strong {
                        here = Some(r.rule);
                        break;
                    }
                    here.get_or_insert(u32::MAX);
                }
                let Some(h) = here else { continue };
                let cand = if h != u32::MAX { h } else { rest };
                if best[i].is_none_or(|b| b == u32::MAX) {
                    best[i] = Some(cand);
                }
            }
        }
        best[0].filter(|&r| strong.is_none() || r != u32::MAX)
    }

    fn prefix_rule(&self, raw: &str, norm: &str, rules: &[Rule]) -> Option<u32> {
        // What follows a read-more or related label is a headline; a line that ends with a full
        // stop is a sentence ("Lesetipp: Der neue Roman ist klug und witzig zugleich.", and with
        // any full stop `ends_with_stop` knows, a closing quote after it allowed). On the public
        // real pages 1 of 331 such edits ended so, and it spanned two lines.
        if self.tables.prefixes.is_empty() || ends_with_stop(raw) {
            return None;
        }
        // Every phrase `prefix_phrase` looks up opens with the line's first token.
        if !self.tables.prefix_first.contains(norm.split(' ').next().unwrap_or("")) {
            return None;
        }
        self.prefix_phrase(raw, norm, rules)
    }

    /// [`Index::prefix_rule`] without its first-token gate: the phrase of up to
    /// `max_prefix_tokens` tokens that opens the line and a separator follows.
    fn prefix_phrase(&self, raw: &str, norm: &str, rules: &[Rule]) -> Option<u32> {
        // Where the first `max_prefix_tokens` tokens end: on the stack for phrases of up to 16
        // tokens (a collected `Vec` was an allocation for a third of all lines).
        let most = self.tables.max_prefix_tokens;
        let (mut stack, mut heap) = ([0usize; 16], Vec::new());
        let ends: &mut [usize] = if most <= stack.len() { &mut stack[..most] } else { heap.resize(most, 0); &mut heap };
        let mut k = 0;
        for (i, b) in norm.bytes().enumerate() {
            if k == most {
                break;
            }
            if b == b' ' {
                ends[k] = i;
                k += 1;
            }
        }
        if k < most {
            ends[k] = norm.len();
            k += 1;
        }
        for (k, &e) in ends[..k].iter().enumerate().rev() {
            let Some(&rule) = self.tables.prefixes.get(&norm[..e]) else { continue };
            let Kind::Phrase(p) = &rules[rule as usize].kind else { continue };
            if char_len(raw) > p.max_chars || e == norm.len() {
                continue;
            }
            // In the raw line, the k+1 words of the phrase must be followed by a separator mark.
            if followed_by_separator(raw, k + 1) {
                return Some(rule);
            }
        }
        None
    }
}

/// Quotation marks that open a quoted title, and those that close one (German „…“ closes with
/// “, Danish and some French text quote »…«, Chinese marks a title 《…》).
const OPENING_QUOTES: [char; 14] = ['“', '"', '«', '„', '‘', '‚', '\'', '「', '『', '»', '《', '〈', '‹', '＂'];
const CLOSING_QUOTES: [char; 14] = ['”', '"', '»', '“', '’', '‘', '\'', '」', '』', '«', '›', '》', '〉', '＂'];

impl Index {
    /// The rule of `match = "quoted"` whose phrase follows the line's count (a bare number, or one
    /// of the rule's `counts`) and is followed by a quotation that closes the line: `12 thoughts on
    /// “How to fix a bike”`. `norm` is the normalised line, or its head as
    /// [`Index::quoted_head`] makes it: the rule reads no further.
    fn quoted_rule(&self, raw: &str, norm: &str, rules: &[Rule]) -> Option<u32> {
        // Token k spans norm[starts[k]..starts[k + 1] - 1] (tokens are joined by one space).
        let starts: Vec<usize> = std::iter::once(0).chain(norm.match_indices(' ').map(|(i, _)| i + 1)).collect();
        let end = |k: usize| starts.get(k).map_or(norm.len(), |&s| s - 1);
        let numbers = (0..starts.len()).take_while(|&k| norm[starts[k]..end(k + 1)].chars().all(|c| c.is_numeric())).count();
        let counted = numbers.max(1);
        for k in (1..=self.tables.max_quoted_tokens.min(starts.len().saturating_sub(counted))).rev() {
            let Some(&rule) = self.tables.quoted.get(&norm[starts[counted]..end(counted + k)]) else { continue };
            let Kind::Phrase(p) = &rules[rule as usize].kind else { continue };
            if char_len(raw) > p.max_chars || (numbers == 0 && !p.counts.iter().any(|c| *c == norm[..end(1)])) {
                continue;
            }
            let Some(i) = end_of_words(raw, counted + k) else { continue };
            let title = raw[i..].trim_start();
            if title.starts_with(OPENING_QUOTES) && title.chars().count() >= 3 {
                return Some(rule);
            }
        }
        None
    }
}

impl Index {
    /// The head of `normalize_label(line)` that [`Index::quoted_rule`] reads, into `buf`: the
    /// leading numbers and as many tokens after them as the longest quoted phrase has, after at
    /// least one (the count). A paragraph that ends with a quotation mark, common in news text,
    /// is normalised for a few words, not to its end.
    fn quoted_head<'b>(&self, line: &str, buf: &'b mut String) -> &'b str {
        let (mut seen, mut numbers, mut counting) = (0, 0, true);
        buf.clear();
        normalize_into(line, buf, |tok| {
            seen += 1;
            if counting && tok.chars().all(char::is_numeric) {
                numbers += 1;
            } else {
                counting = false;
            }
            seen < numbers.max(1) + self.tables.max_quoted_tokens
        });
        buf
    }
}

/// After the first `words` words of `raw`, does a separator (`:`, `»`, `|`, `…`, `—`, `-`, `>`, the
/// Armenian `՝` of "Կարդացեք նաև՝ …") follow?
fn followed_by_separator(raw: &str, words: usize) -> bool {
    end_of_words(raw, words).is_some_and(|i| {
        let rest = raw[i..].trim_start();
        rest.starts_with([':', '»', '›', '|', '…', '—', '–', '-', '>', '：', '~', '→', '⟶', '➜', '➔', '▶', '►', '⇒', '՝']) || rest.starts_with("...")
    })
}

/// A set of tokens of the phrase tables. A look-up reads the set's table and nothing else: a
/// token of up to 15 bytes is its own key, in place (its bytes and its length in 16 bytes), where
/// a `Box<str>` key sent every look-up that found its hash on to the token's bytes elsewhere in
/// the heap (a cache miss on most short lines: "the", "a", "le" are in the sets). Longer tokens
/// are kept as strings.
#[derive(Debug, Default)]
struct TokenSet {
    short: HashSet<[u64; 2], foldhash::fast::RandomState>,
    long: HashSet<Box<str>, foldhash::fast::RandomState>,
}

impl TokenSet {
    /// The key of a token of up to 15 bytes: its first eight bytes, then the rest and, in the
    /// top byte, its length (read without a loop or a call, see [`load_le`]).
    #[inline]
    fn key(tok: &str) -> Option<[u64; 2]> {
        let b = tok.as_bytes();
        match b.len() {
            0..=8 => Some([load_le(b), (b.len() as u64) << 56]),
            9..=15 => Some([load_le(&b[..8]), load_le(&b[8..]) | (b.len() as u64) << 56]),
            _ => None,
        }
    }

    #[inline]
    fn contains(&self, tok: &str) -> bool {
        match Self::key(tok) {
            Some(k) => self.short.contains(&k),
            None => self.long.contains(tok),
        }
    }
}

impl<'a> FromIterator<&'a str> for TokenSet {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> TokenSet {
        let mut set = TokenSet::default();
        for tok in iter {
            match Self::key(tok) {
                Some(k) => {
                    set.short.insert(k);
                }
                None => {
                    if !set.long.contains(tok) {
                        set.long.insert(tok.into());
                    }
                }
            }
        }
        set
    }
}

/// The bytes of `b` (at most eight) as a little-endian number, from one or two reads that may
/// overlap (the bytes they share are the same).
#[inline]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default()));
    let u16_at = |i: usize| u64::from(u16::from_le_bytes(b[i..i + 2].try_into().unwrap_or_default()));
    match n {
        8.. => u64::from_le_bytes(b[..8].try_into().unwrap_or_default()),
        4..=7 => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
        2..=3 => u16_at(0) | u16_at(n - 2) << (8 * (n - 2)),
        1 => u64::from(b[0]),
        _ => 0,
    }
}

/// One step of the label gates, scanning tokens from one end: `Some(true)` at a token of `set`,
/// `Some(false)` at any other token but a bare number (which a cover skips), `None` to go on.
fn token_decides(tok: &str, set: &TokenSet) -> Option<bool> {
    if set.contains(tok) {
        Some(true)
    } else if tok.chars().all(|c| c.is_numeric()) {
        None
    } else {
        Some(false)
    }
}

/// The automaton of all substring cues (ASCII case-insensitive, all overlapping matches).
///
/// Normally a DFA, scanned by [`CueAutomaton::for_each_match_in`]'s own loop: one table look-up and
/// one compare per byte, no prefilter (cues start with common letters, so a prefilter would
/// stop at nearly every byte) and no search state kept in memory between matches. Where the DFA
/// would be too big, the library's default automaton and its iterator.
/// The cues of one script group and their automata, built when a line first needs them.
///
/// The table ([`CueAutomaton::Dfa`]) is fast but big: up to megabytes for a script with a few
/// hundred cues (Greek: 618 with their case variants, 4.7 MB in four-byte entries; Hangul, 413
/// spellings, 1.3 MB now; Greek and Cyrillic 0.6 MB each since codes fold case, see
/// [`case_classes`]), and most corpora hold a few lines of most scripts (a Greek letter in a
/// formula, a Cyrillic name): the trafilatura texts built every group's table in their first 7
/// MB, and on their 1 GB stream the Greek and Hebrew cues' tables took peak RSS from 58 to 66 MB
/// (before codes folded case). So a script group scans with the compact form of
/// the same automaton ([`CueNfa`]: the same matches in the same order, a fraction of the memory
/// and of the build, several times the table's instructions a byte), until its lines are a
/// real part of the text (see [`ScriptCues::for_scan`]).
#[derive(Debug)]
struct ScriptCues {
    group: u8,
    /// Global cue id of this automaton's pattern 0.
    offset: u32,
    patterns: Vec<String>,
    /// The compact automaton of the cues, until the table is built.
    compact: OnceLock<Option<CueAutomaton>>,
    ac: OnceLock<Option<CueAutomaton>>,
}

/// A script group builds its table once a thread has scanned this many bytes of its lines, and
/// they are at least [`TABLE_SHARE`] of the bytes that thread has cleaned. The share keeps the big
/// tables of scripts a corpus only touches (a Greek letter in a formula) out of memory; the
/// minimum keeps a single page in the script from building one. On the trafilatura texts (206 MB
/// and 1 GB), Cyrillic (1.6 % of the bytes: lines with a byte of the group's lead bytes), Han and
/// Kana (0.7 %) and Hangul (0.8 %) pass them within the first megabytes; Arabic and Hebrew
/// (0.2 %), Greek (0.1 %) and Indic (0.04 %) never do, and scan about 0.7 MB of 206 compactly. A
/// minimum of 1 MiB made the first three scan 3 MB more compactly: about 6 % more instructions.
const TABLE_AFTER_BYTES: usize = 64 << 10;
/// See [`TABLE_AFTER_BYTES`]: a share of 1/256.
const TABLE_SHARE: usize = 256;

/// What a thread has scanned, for [`ScriptCues::for_scan`]: bytes of the documents it cleaned,
/// and of each script group's lines.
#[derive(Default, Clone, Copy)]
struct Scanned {
    cleaned: usize,
    groups: [usize; GROUPS],
}

impl ScriptCues {
    fn new(group: u8, offset: u32, patterns: Vec<String>) -> ScriptCues {
        ScriptCues { group, offset, patterns, compact: OnceLock::new(), ac: OnceLock::new() }
    }

    /// The automaton for this group's lines of a document, given what this thread has scanned
    /// (that document included): the table once built, or once the group's lines pass
    /// [`TABLE_AFTER_BYTES`] and [`TABLE_SHARE`]; else the compact one.
    fn for_scan(&self, seen: &Scanned) -> Option<&CueAutomaton> {
        if let Some(table) = self.ac.get() {
            return table.as_ref();
        }
        let bytes = seen.groups[usize::from(self.group)];
        if bytes >= TABLE_AFTER_BYTES && bytes >= seen.cleaned / TABLE_SHARE {
            return self.automaton();
        }
        self.compact.get_or_init(|| CueAutomaton::compact(&self.patterns).ok()).as_ref()
    }

    /// The table, built on first use.
    fn automaton(&self) -> Option<&CueAutomaton> {
        // `CueAutomaton::build` falls back from the DFA to the general automaton, which fails only
        // past aho-corasick's own limits (billions of states), far beyond any rule set; if it ever
        // did, these cues would match nothing rather than stop the run.
        self.ac
            .get_or_init(|| {
                let ac = CueAutomaton::build(&self.patterns).ok();
                // Only a big automaton left big temporaries behind; a trim costs about 1.5 ms.
                if ac.as_ref().is_some_and(|a| a.memory_usage() > TRIM_AFTER_BYTES) {
                    release_freed_memory();
                }
                ac
            })
            .as_ref()
    }
}

/// Gives the pages of freed heap blocks back to the system (glibc's `malloc_trim`). Building an
/// automaton in the middle of a run allocates and frees its temporary automata, several megabytes
/// in the heap of the worker that builds it; those freed pages stayed resident (peak RSS on the
/// 1 GB stream: 4 MB more). Called once after each automaton of more than [`TRIM_AFTER_BYTES`].
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free memory to the system; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Script groups of cue letters: Latin beyond ASCII, Greek, Cyrillic, Hebrew and Arabic, Indic and
/// Thai, Han and Kana, Hangul, anything else.
const GROUPS: usize = 8;
const LATIN: u16 = 1;
const GREEK: u16 = 1 << 1;
const CYRILLIC: u16 = 1 << 2;
const ARABIC: u16 = 1 << 3;
const INDIC: u16 = 1 << 4;
const CJK: u16 = 1 << 5;
const HANGUL: u16 = 1 << 6;
const OTHER: u16 = 1 << 7;

/// For each UTF-8 lead byte, the groups whose letters can start with it (a superset: the gate only
/// has to be true whenever a cue of the group could match). ASCII, continuation bytes, Latin-1
/// punctuation (`C2`) and general punctuation and symbols (`E2`) belong to no group: cues made of
/// those run on every line.
const LEAD_GROUPS: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut b = 0xC3;
    while b <= 0xF4 {
        t[b] = match b {
            0xC3..=0xCC => LATIN,
            0xCD => LATIN | GREEK,
            0xCE | 0xCF => GREEK,
            0xD0..=0xD3 => CYRILLIC,
            // Armenian (U+0530-U+058F) shares these lead bytes with Cyrillic and Hebrew.
            0xD4 | 0xD5 => CYRILLIC | OTHER,
            0xD6 => ARABIC | OTHER,
            0xD7..=0xDF => ARABIC,
            0xE0 => INDIC,
            0xE1 => LATIN | GREEK | HANGUL | OTHER,
            0xE2 => 0,
            0xE3..=0xE9 => CJK | HANGUL,
            0xEA..=0xED => HANGUL,
            0xEF => CJK,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// The characters of each line of `doc`, its script groups (the union of [`LEAD_GROUPS`] over its
/// bytes) and whether its lead bytes prove every letter of it Latin ([`crate::text::passed_over`]:
/// then it has no foreign island, and `ForeignToken::find` would pass it over), in `chars`,
/// `masks` and `latin`, line by line: the engine needs all three for every line. A character is
/// every byte that is not a UTF-8 continuation byte (`10xxxxxx`); only lead bytes (`11xxxxxx`)
/// belong to a group, so only those are looked up, one per character instead of every byte.
///
/// One pass over the whole text, [`BLOCK`] bytes at a time, not one per line: many blocks are all
/// ASCII, and a pass per line paid for each line's ragged end (a line is 186 bytes on average in
/// the trafilatura texts, and every other one is all ASCII). The bytes beyond ASCII are given to
/// their lines by a cursor: line terminators are ASCII, so every such byte lies inside a line.
#[inline(never)]
fn lines_stats(doc: &Document, chars: &mut Vec<usize>, masks: &mut Vec<u16>, latin: &mut Vec<bool>) {
    let lines = &doc.lines[..];
    let bytes = doc.text.as_bytes();
    chars.clear();
    chars.extend(lines.iter().map(|l| l.end - l.start));
    masks.clear();
    masks.resize(lines.len(), 0);
    latin.clear();
    latin.resize(lines.len(), true);
    let mut acc = LineAcc { lines, bytes, chars, masks, latin, li: 0, end: lines.first().map_or(0, |l| l.end), continuations: 0, mask: 0, all_latin: true };
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    for (k, block) in blocks.enumerate() {
        let (high, leads) = high_and_leads(block.try_into().unwrap_or(&[0; BLOCK]));
        if high != 0 {
            acc.block(BLOCK * k, high, leads);
        }
    }
    // The last bytes, padded with ASCII zeros.
    let mut last = [0u8; BLOCK];
    last[..tail.len()].copy_from_slice(tail);
    let (high, leads) = high_and_leads(&last);
    if high != 0 {
        acc.block(bytes.len() - tail.len(), high, leads);
    }
    acc.flush();
}

/// The bytes [`lines_stats`] reads at a time.
const BLOCK: usize = 64;

/// Of the 64 bytes of `b`: bit k set when byte k is beyond ASCII (`1xxxxxxx`), and when it is a
/// lead byte (`11xxxxxx`). With SSE2 (every x86-64 processor has it): a byte's top bit by
/// `pmovmskb`, a lead byte as one greater than 0xBF taken as signed (-65).
#[inline(always)]
fn high_and_leads(b: &[u8; BLOCK]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_cmpgt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
        let (mut high, mut leads) = (0u64, 0u64);
        for k in 0..BLOCK / 16 {
            // SAFETY: SSE2 is part of x86-64; the load reads 16 bytes from `16 * k`, inside the
            // 64 of `b`, unaligned.
            let (h, l) = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast());
                (_mm_movemask_epi8(v) as u16 as u64, _mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(-65))) as u16 as u64)
            };
            high |= h << (16 * k);
            leads |= (h & l) << (16 * k);
        }
        (high, leads)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        high_and_leads_by_words(b)
    }
}

/// [`high_and_leads`] eight bytes at a time, without SIMD: each byte's top bit gathered into one
/// byte by a multiply.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn high_and_leads_by_words(b: &[u8; BLOCK]) -> (u64, u64) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let gather = |x: u64| (x & HIGH).wrapping_mul(0x0002_0408_1020_4081) >> 56;
    let (mut high, mut leads) = (0u64, 0u64);
    for (k, c) in b.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(c.try_into().unwrap_or_default());
        high |= gather(x) << (8 * k);
        leads |= gather(x & (x << 1)) << (8 * k);
    }
    (high, leads)
}

/// What [`lines_stats`] has found of the line it is in (`li`, which ends at `end`), kept in
/// registers until it moves on to a later line.
struct LineAcc<'a> {
    lines: &'a [crate::document::Line],
    bytes: &'a [u8],
    chars: &'a mut [usize],
    masks: &'a mut [u16],
    latin: &'a mut [bool],
    li: usize,
    end: usize,
    continuations: usize,
    mask: u16,
    all_latin: bool,
}

impl LineAcc<'_> {
    /// The block at `at` whose bytes beyond ASCII and lead bytes are the bits of `high` and
    /// `leads` (see [`high_and_leads`]), `high` not 0.
    #[inline(always)]
    fn block(&mut self, at: usize, high: u64, leads: u64) {
        self.go_to(at + high.trailing_zeros() as usize);
        if at + BLOCK <= self.end {
            // All in this line: the continuation bytes counted at once.
            self.continuations += (high & !leads).count_ones() as usize;
            let mut l = leads;
            while l != 0 {
                self.lead(at + l.trailing_zeros() as usize);
                l &= l - 1;
            }
        } else {
            // Across the end of a line: the part of each line counted and looked up as above
            // (text of two- and three-byte characters in short lines has many such blocks).
            let mut rest = high;
            loop {
                let part = match self.end - at {
                    n if n < BLOCK => rest & ((1 << n) - 1),
                    _ => rest,
                };
                self.continuations += (part & !leads).count_ones() as usize;
                let mut l = part & leads;
                while l != 0 {
                    self.lead(at + l.trailing_zeros() as usize);
                    l &= l - 1;
                }
                rest &= !part;
                if rest == 0 {
                    break;
                }
                self.go_to(at + rest.trailing_zeros() as usize);
            }
        }
    }

    #[inline(always)]
    fn lead(&mut self, p: usize) {
        self.mask |= LEAD_GROUPS[self.bytes[p] as usize];
        self.all_latin = self.all_latin && crate::text::passed_over(self.bytes, p, Some(crate::text::Script::Latin));
    }

    /// Moves on to the line that holds byte `p` (line terminators are ASCII, so a byte beyond
    /// ASCII is inside a line), writing down what was found of the one before.
    #[inline(always)]
    fn go_to(&mut self, p: usize) {
        if p >= self.end {
            self.flush();
            self.li += 1;
            while self.lines.get(self.li).is_some_and(|l| l.end <= p) {
                self.li += 1;
            }
            self.end = self.lines.get(self.li).map_or(usize::MAX, |l| l.end);
        }
    }

    /// Writes down what was found of the current line.
    fn flush(&mut self) {
        if let Some(c) = self.chars.get_mut(self.li) {
            *c -= self.continuations;
            self.masks[self.li] = self.mask;
            self.latin[self.li] = self.all_latin;
        }
        (self.continuations, self.mask, self.all_latin) = (0, 0, true);
    }
}

/// The group (bit index) a cue needs: that of its first character with one, or `None` for a cue
/// that may match on any line.
fn pattern_group(p: &str) -> Option<usize> {
    p.chars().find_map(|c| {
        let mut buf = [0u8; 4];
        let lead = c.encode_utf8(&mut buf).as_bytes()[0];
        let m = LEAD_GROUPS[lead as usize];
        (m != 0).then(|| char_group(c, m).trailing_zeros() as usize)
    })
}

/// The one group of `m`, the groups of `c`'s lead byte, that holds `c`'s cues. A lead byte of
/// several groups (`E1`: U+1000-U+1FFF; `D4`-`D6`, Armenian beside Cyrillic and Hebrew) is told
/// apart by the character, so that the cues of Georgian, Armenian, Myanmar, Ethiopic, Khmer or
/// Mongolian go to the table of other scripts and not to the Latin or Cyrillic one, which every
/// Latin or Cyrillic line of a document scans (Armenian cues had doubled the Cyrillic table): the
/// gate stays sound, since a line with the character has its lead byte and so every group of `m`.
fn char_group(c: char, m: u16) -> u16 {
    let want = match u32::from(c) {
        0x1D00..=0x1EFF => LATIN,
        0x1F00..=0x1FFF => GREEK,
        0x1100..=0x11FF => HANGUL,
        0x1000..=0x10FF | 0x1200..=0x1CFF | 0x0530..=0x058F => OTHER,
        _ => 0,
    };
    if want & m != 0 {
        want
    } else {
        m & m.wrapping_neg()
    }
}

#[derive(Debug)]
enum CueAutomaton {
    /// The DFA, built over codes (see [`CueAutomaton::build`]), in a table of our own.
    Dfa(Box<CueDfa>),
    /// The same DFA in two-byte entries (see [`NarrowDfa`]): what `build` makes when its states
    /// fit.
    Narrow(Box<NarrowDfa>),
    /// The compact form (see [`ScriptCues`]).
    Sparse(Box<CueNfa>),
    General(AhoCorasick),
}

/// The transitions and matches of the DFA aho-corasick would build, in one table of our own (see
/// [`CueDfa::from_rows`]) so that a step is two look-ups (the byte's code, then the next state; the
/// library's DFA also maps the code to its own byte class, and checks the bounds), and a match is
/// one compare.
#[derive(Debug)]
struct CueDfa {
    /// `table[byte]` is the byte's code, below `alphabet`; past those 256 entries, a row of
    /// `width` entries per state: the next state of state `s` on code `c` is `table[s + c]`, and
    /// `table[s + alphabet]` is the number of matches of all earlier states.
    /// A state is named by the index of its row, and every row is whole, so every state plus any
    /// code is in bounds (see [`CueDfa::new`]). Rows need not be a power of two long, as the
    /// library's are: the table is up to half the size of the library's.
    table: Box<[u32]>,
    alphabet: u32,
    start: u32,
    /// The rows' length: `alphabet + 1` rounded up to an even number. The match states' rows
    /// start at odd offsets (after one spare entry past all the others' rows), every other
    /// state's at an even one: `s` is a match state exactly when `s & 1 == 1`, and one of several
    /// states is one exactly when their bitwise OR is (see [`scan_lanes`]).
    width: u32,
    /// The matches of all states, (pattern, length), state by state, each's in the library's
    /// order.
    matches: Box<[(u32, u32)]>,
    max_pattern_len: usize,
    /// The cues as written, where codes fold case (see [`Spellings`]).
    spellings: Option<Box<Spellings>>,
}

/// [`CueDfa`]'s automaton in entries of two bytes instead of four: half the memory (the ASCII
/// and Latin cues of 31 languages took a table of 11.9 MB, past the peak RSS the batch mode
/// allows on its own), for one shift more a step. After the 256 byte codes come the rows, each
/// `1 << (half + 1)` entries long (the alphabet rounded up to a power of two); an entry names the
/// next state by `e`, whose row starts at `256 + (e << half)`: the states that are not match
/// states have even names and whole rows in breadth-first order, the match states odd names
/// and the rows after theirs, each half a row on. So a state is a match state exactly when its
/// name is odd, as in the wide table, and the scan tests the OR of its lanes' states the same
/// way. Names must fit in 16 bits: up to 32,767 states, else the wide table is kept.
#[derive(Debug)]
struct NarrowDfa {
    table: Box<[u16]>,
    half: u32,
    /// The name of the first match state; match state `e`'s matches are
    /// `matches[match_from[k]..match_from[k + 1]]` for `k = (e - first_match) / 2`.
    first_match: u32,
    match_from: Box<[u32]>,
    matches: Box<[(u32, u32)]>,
    max_pattern_len: usize,
    /// As [`CueDfa::spellings`].
    spellings: Option<Box<Spellings>>,
}

impl NarrowDfa {
    /// The automaton [`CueDfa::from_rows`] builds, in two-byte entries and built as such (a wide
    /// table first, then this one, held both at once: 19 MB for the Latin cues); `None` when its
    /// states do not fit (see [`NarrowDfa`]).
    fn from_rows(t: &TrieRows) -> Option<NarrowDfa> {
        let (others, n) = (t.others, t.rows.len());
        if 2 * n + 1 > usize::from(u16::MAX) {
            return None;
        }
        let stride = t.alphabet.next_power_of_two().max(2);
        let half = stride.trailing_zeros() - 1;
        let names: Vec<u16> = (0..n).map(|row| (2 * row + usize::from(row >= others)) as u16).collect();
        let at: Vec<usize> = names.iter().map(|&e| CODES as usize + (usize::from(e) << half)).collect();
        let table = t.fill(CODES as usize + n * stride + stride / 2, &at, &names, u16::from);
        let mut match_from = t.match_from[others..].to_vec();
        match_from.push(u32::try_from(t.matches.len()).ok()?);
        Some(NarrowDfa {
            table: table.into_boxed_slice(),
            half,
            first_match: 2 * others as u32 + 1,
            match_from: match_from.into_boxed_slice(),
            matches: t.matches.clone().into_boxed_slice(),
            max_pattern_len: t.max_pattern_len,
            spellings: None,
        })
    }

    fn memory_usage(&self) -> usize {
        use std::mem::size_of_val;
        size_of_val(&*self.table) + size_of_val(&*self.match_from) + size_of_val(&*self.matches)
    }
}

/// What the cue scan needs of a table (see [`scan_table`]): the wide one, [`CueDfa`], or the
/// narrow one, [`NarrowDfa`]. A state is a `usize` whose lowest bit says whether it is a match
/// state.
trait CueTable {
    fn start(&self) -> usize;
    /// One step from state `s` on `byte`.
    fn step(&self, s: usize, byte: u8) -> usize;
    /// The matches of state `s`, as (pattern, length); none unless `s` is a match state.
    fn matches(&self, s: u32) -> &[(u32, u32)];
    fn max_pattern_len(&self) -> usize;
}

impl CueTable for CueDfa {
    fn start(&self) -> usize {
        self.start as usize
    }

    #[inline(always)]
    fn step(&self, s: usize, byte: u8) -> usize {
        let table = &*self.table;
        // SAFETY: the table holds the 256 codes first, each below `alphabet`; `s` is the start
        // state or the next state of a state, and every state is the first entry of a whole row
        // of `width > alphabet` entries. `CueDfa::from_rows` makes the table so (and the tests'
        // `CueDfa::new`), and nothing changes it afterwards.
        unsafe {
            debug_assert!(table.len() > 256);
            let at = s + *table.get_unchecked(byte as usize) as usize;
            debug_assert!(at < table.len());
            *table.get_unchecked(at) as usize
        }
    }

    fn matches(&self, s: u32) -> &[(u32, u32)] {
        CueDfa::matches(self, s)
    }

    fn max_pattern_len(&self) -> usize {
        self.max_pattern_len
    }
}

impl CueTable for NarrowDfa {
    fn start(&self) -> usize {
        0
    }

    #[inline(always)]
    fn step(&self, s: usize, byte: u8) -> usize {
        let table = &*self.table;
        // SAFETY: the table holds the 256 codes first, each below the alphabet; `s` is the start
        // (0) or an entry of a row, and every state's row, at `256 + (s << half)`, has room for
        // every code. `NarrowDfa::from_rows` makes the table so, and nothing changes it
        // afterwards.
        unsafe {
            debug_assert!(table.len() > 256);
            let at = CODES as usize + (s << self.half) + *table.get_unchecked(byte as usize) as usize;
            debug_assert!(at < table.len());
            *table.get_unchecked(at) as usize
        }
    }

    fn matches(&self, s: u32) -> &[(u32, u32)] {
        if s & 1 == 0 {
            return &[];
        }
        let k = ((s - self.first_match) / 2) as usize;
        &self.matches[self.match_from[k] as usize..self.match_from[k + 1] as usize]
    }

    fn max_pattern_len(&self) -> usize {
        self.max_pattern_len
    }
}

/// The values of `items` grouped by their keys (below `n`), each group in the items' order: where
/// each key's group starts (`n + 1` offsets, the last one the end), and the values.
fn grouped<T: Copy + Default>(n: usize, items: &[(u32, T)]) -> (Vec<u32>, Vec<T>) {
    let mut from = vec![0u32; n + 1];
    for &(key, _) in items {
        from[key as usize + 1] += 1;
    }
    for k in 0..n {
        from[k + 1] += from[k];
    }
    let mut values = vec![T::default(); items.len()];
    let mut next = from.clone();
    for &(key, v) in items {
        values[next[key as usize] as usize] = v;
        next[key as usize] += 1;
    }
    (from, values)
}

/// The Aho-Corasick automaton of some cues as a trie with failure targets, which
/// [`CueDfa::from_rows`] turns into a table and [`CueNfa`] keeps as it is. Nodes are numbered in the
/// order they were made; node 0 is the start.
struct Trie {
    /// The edges out of node `s` are `edges[from[s]..from[s + 1]]`, (code, child), by code.
    from: Vec<u32>,
    edges: Vec<(u8, u32)>,
    /// The cues that end at node `s` are `own[own_from[s]..own_from[s + 1]]`, in their order.
    own_from: Vec<u32>,
    own: Vec<u32>,
    /// The nodes breadth-first, and where each one's children start in that order.
    order: Vec<u32>,
    first_child: Vec<u32>,
    /// Each node's failure target (the node of its longest proper suffix in the trie).
    fail: Vec<u32>,
    /// Whether the node or one on its chain of failure targets ends a cue.
    is_match: Vec<bool>,
}

impl Trie {
    /// The trie of the cues `coded`; `None` when a cue is empty (lexicons reject empty phrases,
    /// and the library reports one at every position) or there are more than `u32` can count.
    fn build(coded: &[Vec<u8>]) -> Option<Trie> {
        if coded.iter().any(Vec::is_empty) {
            return None;
        }
        // The trie: node 0 is the start; (parent, (code, child)) for each edge, and (node, cue) for
        // the node each cue ends at. Sorted stably, equal cues keep their order.
        let mut sorted: Vec<u32> = (0..u32::try_from(coded.len()).ok()?).collect();
        sorted.sort_by(|&a, &b| coded[a as usize].cmp(&coded[b as usize]));
        let mut found: Vec<(u32, (u8, u32))> = Vec::new();
        let mut ends: Vec<(u32, u32)> = Vec::with_capacity(coded.len());
        // The nodes of the previous cue's prefixes, by length.
        let mut path: Vec<u32> = vec![0];
        let mut prev: &[u8] = &[];
        for &p in &sorted {
            let cue = &coded[p as usize][..];
            let common = prev.iter().zip(cue).take_while(|(a, b)| a == b).count();
            path.truncate(common + 1);
            for &c in &cue[common..] {
                let child = u32::try_from(found.len() + 1).ok()?;
                found.push((*path.last()?, (c, child)));
                path.push(child);
            }
            ends.push((*path.last()?, p));
            prev = cue;
        }
        // The edges out of node `s` are `edges[from[s]..from[s + 1]]`, (code, child), in the
        // order of their codes (the nodes were made in that order); the cues that end at `s` are
        // `own[own_from[s]..own_from[s + 1]]`, in their order.
        let states = found.len() + 1;
        let (from, edges) = grouped(states, &found);
        let out_of = |s: u32| from[s as usize] as usize..from[s as usize + 1] as usize;
        let (own_from, own) = grouped(states, &ends);
        let own_of = |s: u32| &own[own_from[s as usize] as usize..own_from[s as usize + 1] as usize];
        // Breadth-first: `order[k]` is the node of state k, its children numbered in the order of
        // their codes from `first_child[k]` on. The order depends on the trie alone, so it is
        // known before any row is filled, and with it where each row goes.
        let mut order: Vec<u32> = vec![0];
        let mut first_child: Vec<u32> = Vec::with_capacity(states);
        let mut k = 0;
        while k < order.len() {
            first_child.push(u32::try_from(order.len()).ok()?);
            order.extend(edges[out_of(order[k])].iter().map(|&(_, t)| t));
            k += 1;
        }
        // Each node's failure target (the node of its longest proper suffix in the trie), in
        // breadth-first order, so that a target's own target is known; and whether the node or
        // one on its chain of targets ends a cue (a match state).
        let child_of = |s: u32, c: u8| {
            let out = &edges[out_of(s)];
            out.binary_search_by_key(&c, |&(code, _)| code).ok().map(|i| out[i].1)
        };
        let mut fail = vec![0u32; states];
        let mut is_match = vec![false; states];
        for &s in &order {
            is_match[s as usize] = !own_of(s).is_empty() || (s != 0 && is_match[fail[s as usize] as usize]);
            for &(c, t) in &edges[out_of(s)] {
                if s != 0 {
                    let mut f = fail[s as usize];
                    fail[t as usize] = loop {
                        if let Some(x) = child_of(f, c) {
                            break x;
                        }
                        if f == 0 {
                            break 0;
                        }
                        f = fail[f as usize];
                    };
                }
            }
        }
        Some(Trie { from, edges, own_from, own, order, first_child, fail, is_match })
    }
}

/// The compact form of a cue automaton: the trie with its failure targets, and for each node the
/// nearest node on its chain of targets that ends a cue. A step follows an edge, or falls back
/// along the failure targets until one has an edge for the code or the start is reached; the
/// matches at a node are its own cues, then those down its chain, in the table's order (the
/// table is this automaton with every fall-back taken in advance). About 20 bytes a node where
/// the table takes a row of `alphabet` entries, and built in a fraction of the table's time; a
/// step costs a few look-ups more.
#[derive(Debug)]
struct CueNfa {
    codes: [u8; 256],
    /// The start's edges by code, whole: in text of another script (a line that holds the group's
    /// lead bytes for one sign) nearly every step is from the start, and stays there.
    start: Box<[u32; 256]>,
    from: Box<[u32]>,
    edges: Box<[(u8, u32)]>,
    fail: Box<[u32]>,
    own_from: Box<[u32]>,
    own: Box<[u32]>,
    /// The nearest node, from the node itself down its chain of failure targets, that ends a
    /// cue; 0 (the start, which ends none) when there is none.
    next_end: Box<[u32]>,
    /// Each cue's length in bytes.
    lens: Box<[u32]>,
    max_pattern_len: usize,
    /// As [`CueDfa::spellings`].
    spellings: Option<Box<Spellings>>,
}

impl CueNfa {
    fn new(coded: &[Vec<u8>], codes: &[u8; 256]) -> Option<CueNfa> {
        let Trie { from, edges, own_from, own, order, fail, .. } = Trie::build(coded)?;
        let mut next_end = vec![0u32; fail.len()];
        for &s in &order[1..] {
            let ends_here = own_from[s as usize] < own_from[s as usize + 1];
            next_end[s as usize] = if ends_here { s } else { next_end[fail[s as usize] as usize] };
        }
        let mut start = Box::new([0u32; 256]);
        for &(c, t) in &edges[from[0] as usize..from[1] as usize] {
            start[usize::from(c)] = t;
        }
        Some(CueNfa {
            codes: *codes,
            start,
            from: from.into_boxed_slice(),
            edges: edges.into_boxed_slice(),
            fail: fail.into_boxed_slice(),
            own_from: own_from.into_boxed_slice(),
            own: own.into_boxed_slice(),
            next_end: next_end.into_boxed_slice(),
            lens: coded.iter().map(|c| c.len() as u32).collect(),
            max_pattern_len: coded.iter().map(Vec::len).max().unwrap_or(0),
            spellings: None,
        })
    }

    fn memory_usage(&self) -> usize {
        use std::mem::size_of_val;
        [size_of_val(&*self.start), size_of_val(&*self.from), size_of_val(&*self.edges), size_of_val(&*self.fail), size_of_val(&*self.own_from), size_of_val(&*self.own), size_of_val(&*self.next_end), size_of_val(&*self.lens)].iter().sum()
    }

    /// The node after `s` on `code`.
    fn step(&self, mut s: u32, code: u8) -> u32 {
        while s != 0 {
            let out = &self.edges[self.from[s as usize] as usize..self.from[s as usize + 1] as usize];
            if let Ok(i) = out.binary_search_by_key(&code, |&(c, _)| c) {
                return out[i].1;
            }
            s = self.fail[s as usize];
        }
        self.start[usize::from(code)]
    }

    /// As [`CueAutomaton::for_each_match_in`]: each segment from the start, matches by their ends.
    fn for_each_match_in(&self, bytes: &[u8], segments: &[(usize, usize)], mut f: impl FnMut(usize, usize, u32)) {
        for &(from, to) in segments {
            let mut s = 0;
            for (i, &b) in bytes[from..to].iter().enumerate() {
                s = self.step(s, self.codes[usize::from(b)]);
                let mut t = self.next_end[s as usize];
                while t != 0 {
                    let end = from + i + 1;
                    for &p in &self.own[self.own_from[t as usize] as usize..self.own_from[t as usize + 1] as usize] {
                        f(end - self.lens[p as usize] as usize, end, p);
                    }
                    t = self.next_end[self.fail[t as usize] as usize];
                }
            }
        }
    }
}

/// The entries before the first row of [`CueDfa::table`]: the codes.
const CODES: u32 = 256;

/// The trie of the cues ([`Trie`]) with its states in the order of a table's rows: the states
/// that are not match states first, in breadth-first order, then the match states (see
/// [`CueDfa::width`] and [`NarrowDfa`]), and the matches of each row.
struct TrieRows {
    trie: Trie,
    codes: [u8; 256],
    alphabet: usize,
    /// Each row's state, as its index in the breadth-first order.
    rows: Vec<usize>,
    /// How many rows come before the match states'.
    others: usize,
    /// Each row's count of the matches of all rows before it.
    match_from: Vec<u32>,
    /// The matches of all rows, (pattern, length), row by row, each's in the library's order.
    matches: Vec<(u32, u32)>,
    max_pattern_len: usize,
}

impl TrieRows {
    /// `None` when a cue is empty (lexicons reject empty phrases, and the library reports one at
    /// every position), a code is out of range, or there are more matches than `u32` counts.
    fn new(coded: &[Vec<u8>], codes: &[u8; 256], max_code: u8) -> Option<TrieRows> {
        let alphabet = usize::from(max_code) + 1;
        if codes.iter().any(|&c| usize::from(c) >= alphabet) || coded.iter().any(|cue| cue.iter().any(|&c| usize::from(c) >= alphabet)) {
            return None;
        }
        let trie = Trie::build(coded)?;
        let Trie { own_from, own, order, fail, is_match, .. } = &trie;
        let own_of = |s: u32| &own[own_from[s as usize] as usize..own_from[s as usize + 1] as usize];
        let n = order.len();
        let mut rows: Vec<usize> = (0..n).filter(|&k| !is_match[order[k] as usize]).collect();
        let others = rows.len();
        rows.extend((0..n).filter(|&k| is_match[order[k] as usize]));
        // Each match state's cues: its own, then down its chain of failure targets.
        let (mut matches, mut match_from) = (Vec::new(), Vec::with_capacity(n));
        for &k in &rows {
            match_from.push(u32::try_from(matches.len()).ok()?);
            if is_match[order[k] as usize] {
                let mut s = order[k];
                loop {
                    matches.extend(own_of(s).iter().map(|&p| (p, coded[p as usize].len() as u32)));
                    if s == 0 {
                        break;
                    }
                    s = fail[s as usize];
                }
            }
        }
        let max_pattern_len = coded.iter().map(Vec::len).max().unwrap_or(0);
        Some(TrieRows { trie, codes: *codes, alphabet, rows, others, match_from, matches, max_pattern_len })
    }

    /// A table of `len` entries: the 256 byte codes (as `code` turns each into an entry), then
    /// each row at `at[row]`, whose entry for each code names the next state as `names` names
    /// the rows. The rows are filled in place, in breadth-first order: a row starts as a copy
    /// of its failure target's row (the start's: all back to the start), which is shallower and
    /// so already filled, and takes the trie's edges over it.
    fn fill<E: Copy + Default>(&self, len: usize, at: &[usize], names: &[E], code: impl Fn(u8) -> E) -> Vec<E> {
        let Trie { from, edges, order, first_child, fail, .. } = &self.trie;
        let alphabet = self.alphabet;
        let n = order.len();
        // Each breadth-first state's row, and each trie node's breadth-first index.
        let mut row_of = vec![0usize; n];
        for (row, &k) in self.rows.iter().enumerate() {
            row_of[k] = row;
        }
        let mut state_of = vec![0u32; from.len() - 1];
        for (k, &node) in order.iter().enumerate() {
            state_of[node as usize] = k as u32;
        }
        let mut table = vec![E::default(); len];
        for (t, &c) in table.iter_mut().zip(&self.codes) {
            *t = code(c);
        }
        for k in 0..n {
            let a = at[row_of[k]];
            if k == 0 {
                table[a..a + alphabet].fill(names[row_of[0]]);
            } else {
                let f = at[row_of[state_of[fail[order[k] as usize] as usize] as usize]];
                table.copy_within(f..f + alphabet, a);
            }
            let out = from[order[k] as usize] as usize..from[order[k] as usize + 1] as usize;
            for (j, &(c, _)) in edges[out].iter().enumerate() {
                table[a + usize::from(c)] = names[row_of[first_child[k] as usize + j]];
            }
        }
        table
    }
}

impl CueDfa {
    /// Builds the table of the Aho-Corasick automaton of the cues of `t` (see [`TrieRows::new`]:
    /// the cues coded over codes `0..=max_code`), with the overlapping (standard) semantics the scan reports: the automaton
    /// aho-corasick's builder makes of the same cues, state for state, without the library. (Its
    /// noncontiguous NFA, from which this table was built before, was most of the work: the
    /// automaton of the ASCII and Latin cues took 23.1 M instructions that way, 12.0 M this way.)
    ///
    /// The trie is made from the cues in sorted order, so that each cue only adds the nodes past
    /// its common prefix with the one before. The states are numbered breadth first from the
    /// start, each node's children in the order of their codes; each row is filled from the
    /// trie's own edges and, where it has none, from the row of the state's failure target,
    /// which is shallower and so already filled. A state's matches are its own cues (in their
    /// order) and then those of its failure target's, as the library lists them. The match
    /// states get the last rows, at odd offsets (see [`CueDfa::width`]). `None` when a cue is
    /// empty (lexicons reject empty phrases, and the library reports one at every position), a
    /// code is out of range, or a row offset would overflow. [`CueAutomaton::build`] makes the
    /// rows once, for this table or the narrow one.
    fn from_rows(t: TrieRows) -> Option<CueDfa> {
        let (alphabet, others, n) = (t.alphabet, t.others, t.rows.len());
        let width = (alphabet + 1).next_multiple_of(2);
        let offset = |row: usize| CODES as usize + row * width + usize::from(row >= others);
        let len = u32::try_from(offset(n)).ok()?;
        // The table offset of each row, which is also the state's name in the table.
        let at: Vec<usize> = (0..n).map(offset).collect();
        let names: Vec<u32> = at.iter().map(|&a| a as u32).collect();
        let mut table = t.fill(len as usize, &at, &names, u32::from);
        // Each row's count of the matches of all rows before it.
        for (row, &count) in t.match_from.iter().enumerate() {
            table[at[row] + alphabet] = count;
        }
        Some(CueDfa {
            table: table.into_boxed_slice(),
            alphabet: alphabet as u32,
            start: at[0] as u32,
            width: width as u32,
            matches: t.matches.into_boxed_slice(),
            max_pattern_len: t.max_pattern_len,
            spellings: None,
        })
    }

    /// Copies the transitions of `dfa` on codes `0..=max_code`, its states in the library's order:
    /// the library numbers a state by its first entry in a table whose stride is the number of
    /// its byte classes (here one per code, and one for the bytes above them) rounded up to a
    /// power of two; its first two states are the dead and the fail state, and its match states
    /// come next. `None` when the DFA is not laid out so. The reference for
    /// [`CueDfa::from_rows`], which builds the same automaton without the library's DFA.
    #[cfg(test)]
    fn new(dfa: &aho_corasick::dfa::DFA, codes: &[u8; 256], max_code: u8) -> Option<CueDfa> {
        let start = dfa.start_state(Anchored::No).ok()?.as_u32();
        let alphabet = u32::from(max_code) + 1;
        let shift = (alphabet + 1).next_power_of_two().trailing_zeros();
        let stride = 1u32 << shift;
        let width = alphabet + 1;
        if codes.iter().any(|&c| u32::from(c) >= alphabet) {
            return None;
        }
        // Library state ids are below `i32::MAX` and our rows are no longer than the library's,
        // so none of these sums overflows.
        let id = |sid: u32| CODES + (sid >> shift) * width;
        // Rows 0, 1, … up to the last state that any copied row or the start names: then the
        // rows copied hold every state the start leads to. Every id seen so far is a multiple of
        // the stride and names a row of the library's table, so the next row is one too.
        let (mut all, mut last) = (start, start);
        // No more rows than the library's table, which is smaller than its memory: one
        // allocation, cut to size below.
        let mut table: Vec<u32> = vec![CODES; id(u32::try_from(dfa.memory_usage() / 4).ok()?) as usize];
        for (t, &c) in table.iter_mut().zip(codes) {
            *t = u32::from(c);
        }
        let mut row = 0;
        while row <= last && all & (stride - 1) == 0 {
            let sid = StateID::new(row as usize).ok()?;
            let at = id(row) as usize;
            for (c, t) in table.get_mut(at..at + alphabet as usize)?.iter_mut().enumerate() {
                let next = dfa.next_state(Anchored::No, sid, c as u8).as_u32();
                *t = id(next);
                all |= next;
                last = last.max(next);
            }
            row += stride;
        }
        table.truncate(id(row) as usize);
        // Ids not at the start of a row (the stride is bigger), or all at even rows (it may be
        // smaller).
        if all & (stride - 1) != 0 || all & stride == 0 {
            return None;
        }
        // Past the dead and the fail state (which have no matches here, and which the library's
        // scan never enters as it would report theirs), the match states are the first rows.
        let first = 2 * stride;
        let states = (first..=last).step_by(stride as usize).map(|s| StateID::new(s as usize).ok()).collect::<Option<Vec<_>>>()?;
        let match_end = states.iter().take_while(|&&s| dfa.is_match(s)).count() as u32 * stride + first;
        if states.iter().any(|&s| dfa.is_match(s) != (s.as_u32() < match_end)) {
            return None;
        }
        let mut matches = Vec::new();
        for row in (0..row).step_by(stride as usize) {
            table[(id(row) + alphabet) as usize] = u32::try_from(matches.len()).ok()?;
            if (first..match_end).contains(&row) {
                let s = StateID::new(row as usize).ok()?;
                for m in 0..dfa.match_len(s) {
                    let p = dfa.match_pattern(s, m);
                    matches.push((p.as_u32(), u32::try_from(dfa.pattern_len(p)).ok()?));
                }
            }
        }
        // The rows moved as `from_rows` lays them out: the match states' (in order, so that the
        // counts stay) last and at odd offsets.
        let (old_width, width) = ((alphabet + 1) as usize, (alphabet as usize + 1).next_multiple_of(2));
        let old: Vec<usize> = (0..row).step_by(stride as usize).map(|r| id(r) as usize).collect();
        let is_match_row = |r: usize| (id(first) as usize..id(match_end) as usize).contains(&r);
        let others = old.iter().filter(|&&r| !is_match_row(r)).count();
        let mut new_at = std::collections::HashMap::new();
        let (mut o, mut m) = (0, 0);
        for &r in &old {
            let at = if is_match_row(r) { m += 1; CODES as usize + (others + m - 1) * width + 1 } else { o += 1; CODES as usize + (o - 1) * width };
            new_at.insert(r as u32, at as u32);
        }
        let mut moved = vec![0u32; CODES as usize + (others + m) * width + 1];
        moved[..CODES as usize].copy_from_slice(&table[..CODES as usize]);
        for &r in &old {
            let at = new_at[&(r as u32)] as usize;
            for c in 0..old_width - 1 {
                moved[at + c] = new_at[&table[r + c]];
            }
            moved[at + old_width - 1] = table[r + old_width - 1];
        }
        Some(CueDfa {
            table: moved.into_boxed_slice(),
            alphabet,
            start: new_at[&id(start)],
            width: width as u32,
            matches: matches.into_boxed_slice(),
            max_pattern_len: dfa.max_pattern_len(),
            spellings: None,
        })
    }

    fn memory_usage(&self) -> usize {
        use std::mem::size_of_val;
        size_of_val(&*self.table) + size_of_val(&*self.matches)
    }

    fn is_match(&self, s: u32) -> bool {
        s & 1 == 1
    }

    /// The matches of state `s`, as (pattern, length); none unless `s` is a match state.
    fn matches(&self, s: u32) -> &[(u32, u32)] {
        if !self.is_match(s) {
            return &[];
        }
        let at = (s + self.alphabet) as usize;
        let from = self.table[at] as usize;
        // The next row's count, or all of them after the last row.
        let to = self.table.get(at + self.width as usize).map_or(self.matches.len(), |&n| n as usize);
        &self.matches[from..to]
    }
}

/// Cue patterns spelled in codes (see [`CueAutomaton::build`]).
struct Coded {
    /// The patterns, lower-cased (ASCII).
    lower: Vec<String>,
    /// The code of every byte: 1, 2, … for the bytes of `lower` in order of appearance (an
    /// upper-case ASCII letter has its lower case's, and the bytes of one case class, see
    /// [`case_classes`], share one), 0 for all others.
    codes: [u8; 256],
    max_code: u8,
    /// `lower` in codes; `None` when its bytes need more codes than a byte holds.
    coded: Option<Vec<Vec<u8>>>,
    /// `lower`, to check matches against, when some bytes beyond ASCII share a code.
    spellings: Option<Box<Spellings>>,
}

/// The cues of an automaton whose codes fold case beyond ASCII (see [`case_classes`]), as
/// written (in ASCII lower case), for [`CueAutomaton::for_each_match_in`] to keep only the
/// matches that are one of them: the automaton reports a cue wherever the text has it in any
/// spelling of its class's bytes (`ПОДПИСКА` where the cue is `подписка`, and the cue
/// `ПОДПИСКА` there too), and the check keeps the spellings the rules hold, so that the matches
/// are those of the unfolded automaton, in its order.
#[derive(Debug)]
struct Spellings {
    bytes: Box<[u8]>,
    /// Cue `p` is `bytes[ends[p]..ends[p + 1]]`.
    ends: Box<[u32]>,
}

impl Spellings {
    fn new(lower: &[String]) -> Option<Spellings> {
        let mut ends: Vec<u32> = Vec::with_capacity(lower.len() + 1);
        ends.push(0);
        for p in lower {
            ends.push(u32::try_from(*ends.last()? as usize + p.len()).ok()?);
        }
        Some(Spellings { bytes: lower.concat().into_bytes().into_boxed_slice(), ends: ends.into_boxed_slice() })
    }

    /// Whether the text `found` that matched cue `p` is the cue as written (ASCII case aside).
    #[inline]
    fn is(&self, p: u32, found: &[u8]) -> bool {
        let p = p as usize;
        self.ends.get(p..p + 2).is_some_and(|e| found.eq_ignore_ascii_case(&self.bytes[e[0] as usize..e[1] as usize]))
    }

    fn memory_usage(&self) -> usize {
        std::mem::size_of_val(&*self.bytes) + std::mem::size_of_val(&*self.ends)
    }
}

/// Classes of the bytes beyond ASCII that the cues' case spellings hold at the same place: the
/// spellings of one cue (its patterns with one Unicode lower case, as [`case_variants`] writes
/// them) of the same length in bytes put the two bytes at each place where they differ in one
/// class (`П` and `п`, `D0 9F` and `D0 BF`: `9F` and `BF`; `Р` and `р`, `D0 A0` and `D1 80`: `D0`
/// and `D1`, `A0` and `80`). Each byte's class is named by its smallest byte. An automaton over
/// one code a class holds each cue's spellings in one path instead of three (lower, capitalised
/// and upper case): on the default rules, the Cyrillic cues took 12,679 states in 86 codes and
/// take 4,178 in 50, the ASCII and Latin ones 30,577 in 111 and 24,046 in 63 (the narrow table's
/// entries 7.5 MiB, then 2.9 MiB). The classes are a partition, so a class may hold bytes no cue
/// pairs directly (`80` pairs with `A0` and `90`): [`Spellings`] rejects what else they let match.
fn case_classes(lower: &[String]) -> [u8; 256] {
    let mut class: [u8; 256] = std::array::from_fn(|b| b as u8);
    fn root(class: &[u8; 256], mut b: u8) -> u8 {
        while class[usize::from(b)] != b {
            b = class[usize::from(b)];
        }
        b
    }
    // The first spelling of each lower case and length in bytes (`İ` lower-cases to two
    // characters, `ẞ` to a shorter `ß`: those spellings pair with none).
    let mut first: FastMap<(String, usize), usize> = FastMap::default();
    for (i, p) in lower.iter().enumerate().filter(|(_, p)| !p.is_ascii()) {
        let q = &lower[*first.entry((p.to_lowercase(), p.len())).or_insert(i)];
        for (a, b) in q.bytes().zip(p.bytes()).filter(|&(a, b)| a != b && a >= 0x80 && b >= 0x80) {
            let (ra, rb) = (root(&class, a), root(&class, b));
            class[usize::from(ra.max(rb))] = ra.min(rb);
        }
    }
    std::array::from_fn(|b| root(&class, b as u8))
}

/// An automaton bigger than this was built from temporaries big enough to leave resident holes.
const TRIM_AFTER_BYTES: usize = 1 << 20;

impl CueAutomaton {
    /// The length of the longest cue, in bytes.
    fn max_pattern_len(&self) -> usize {
        match self {
            CueAutomaton::Dfa(d) => d.max_pattern_len,
            CueAutomaton::Narrow(d) => d.max_pattern_len,
            CueAutomaton::Sparse(n) => n.max_pattern_len,
            CueAutomaton::General(ac) => ac.max_pattern_len(),
        }
    }

    fn memory_usage(&self) -> usize {
        let spelled = self.spellings().map_or(0, Spellings::memory_usage);
        spelled
            + match self {
                CueAutomaton::Dfa(d) => d.memory_usage(),
                CueAutomaton::Narrow(d) => d.memory_usage(),
                CueAutomaton::Sparse(n) => n.memory_usage(),
                CueAutomaton::General(ac) => ac.memory_usage(),
            }
    }

    /// Numbers the bytes of `patterns` (see [`CueAutomaton::build`]).
    fn code(patterns: &[String]) -> Coded {
        let lower: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
        let mut class = case_classes(&lower);
        let folded = class.iter().enumerate().any(|(b, &c)| usize::from(c) != b);
        let spellings = if folded { Spellings::new(&lower).map(Box::new) } else { None };
        if spellings.is_none() {
            // Nothing to check matches against (more bytes of cues than `u32` counts): no folding.
            class = std::array::from_fn(|b| b as u8);
        }
        // Numbered by the classes' names, then each byte takes its class's code.
        let mut codes = [0u8; 256];
        let mut next = 0u8;
        for p in &lower {
            for b in p.bytes() {
                let c = usize::from(class[usize::from(b)]);
                if codes[c] == 0 && next < u8::MAX {
                    next += 1;
                    codes[c] = next;
                }
            }
        }
        for b in 0..256 {
            codes[b] = codes[usize::from(class[b])];
        }
        let coded: Option<Vec<Vec<u8>>> = (next < u8::MAX).then(|| lower.iter().map(|p| p.bytes().map(|b| codes[b as usize]).collect()).collect());
        for upper in b'A'..=b'Z' {
            codes[upper as usize] = codes[upper.to_ascii_lowercase() as usize];
        }
        Coded { lower, codes, max_code: next, coded, spellings }
    }

    fn build(patterns: &[String]) -> Result<CueAutomaton, String> {
        // The DFA's table has a column per class of bytes, rounded up to a power of two, and the
        // library makes a class of every byte a cue uses and of every gap between two such
        // bytes. So the DFA is built over codes: the bytes of the lower-cased cues are numbered
        // 1, 2, … in order of appearance (a class of bytes of case spellings, see
        // `case_classes`, takes one number), every other byte is 0, and an upper-case ASCII
        // letter has its lower case's code; the scan steps on each byte's code (see
        // `match_states`). The same matches, at the same offsets, as an ASCII case-insensitive
        // automaton (once `Spellings` has checked them, where a class folds case), whose
        // alphabet holds every letter twice and all the gaps: the default ASCII cues' 48 bytes
        // took 128 columns that way, their codes take 64 (half the table to build and to keep
        // in cache).
        let Coded { lower, codes, max_code, coded, spellings } = Self::code(patterns);
        // One trie for either table: the narrow one when its states fit, else the wide one.
        let rows = coded.and_then(|coded| TrieRows::new(&coded, &codes, max_code));
        if let Some(n) = rows.as_ref().and_then(NarrowDfa::from_rows) {
            return Ok(CueAutomaton::Narrow(Box::new(NarrowDfa { spellings, ..n })));
        }
        Ok(match rows.and_then(CueDfa::from_rows) {
            Some(d) => CueAutomaton::Dfa(Box::new(CueDfa { spellings, ..d })),
            // Over the patterns as written: no codes, nothing to check.
            None => CueAutomaton::General(AhoCorasick::builder().ascii_case_insensitive(true).build(&lower).map_err(|e| e.to_string())?),
        })
    }

    /// The compact form of [`CueAutomaton::build`]'s automaton ([`CueNfa`]), with the same matches
    /// in the same order; the library's automaton where that cannot be built.
    fn compact(patterns: &[String]) -> Result<CueAutomaton, String> {
        let Coded { lower, codes, coded, spellings, .. } = Self::code(patterns);
        match coded.and_then(|coded| CueNfa::new(&coded, &codes)) {
            Some(n) => Ok(CueAutomaton::Sparse(Box::new(CueNfa { spellings, ..n }))),
            None => Ok(CueAutomaton::General(AhoCorasick::builder().ascii_case_insensitive(true).build(&lower).map_err(|e| e.to_string())?)),
        }
    }

    /// [`CueAutomaton::for_each_match_in`] over the whole text.
    #[cfg(test)]
    fn for_each_match(&self, text: &str, f: impl FnMut(usize, usize, u32)) {
        self.for_each_match_in(text, &[(0, text.len())], &mut ScanBufs::default(), f);
    }

    /// Calls `f(start, end, pattern)` for every match, overlapping ones included, in the order of
    /// their ends (at one end, in the automaton's order), as `find_overlapping_iter` reports them,
    /// over each of `segments` (byte ranges of `text`, in order, not overlapping, each starting at
    /// a character boundary) as if each were searched alone: matches inside segments. `bufs` is
    /// room for the scan's work, kept by the caller from scan to scan (a scan of one line would
    /// otherwise allocate it, and every scan grew its list of match ends from empty).
    fn for_each_match_in(&self, text: &str, segments: &[(usize, usize)], bufs: &mut ScanBufs, mut f: impl FnMut(usize, usize, u32)) {
        match self.spellings() {
            Some(sp) => self.each_coded_match(text, segments, bufs, |s, e, p| {
                if sp.is(p, &text.as_bytes()[s..e]) {
                    f(s, e, p);
                }
            }),
            None => self.each_coded_match(text, segments, bufs, f),
        }
    }

    /// The cues as written, where the automaton's codes fold case (see [`Spellings`]).
    fn spellings(&self) -> Option<&Spellings> {
        match self {
            CueAutomaton::Dfa(d) => d.spellings.as_deref(),
            CueAutomaton::Narrow(d) => d.spellings.as_deref(),
            CueAutomaton::Sparse(n) => n.spellings.as_deref(),
            CueAutomaton::General(_) => None,
        }
    }

    /// [`CueAutomaton::for_each_match_in`]'s matches over codes, before any check of spellings:
    /// where a class joins a lead byte to a continuation byte, one may start or end inside a
    /// character, so no caller may slice a `str` with them unchecked.
    fn each_coded_match(&self, text: &str, segments: &[(usize, usize)], bufs: &mut ScanBufs, mut f: impl FnMut(usize, usize, u32)) {
        match self {
            CueAutomaton::Dfa(d) => scan_table(&**d, text, segments, bufs, f),
            CueAutomaton::Narrow(d) => scan_table(&**d, text, segments, bufs, f),
            CueAutomaton::Sparse(n) => n.for_each_match_in(text.as_bytes(), segments, f),
            CueAutomaton::General(ac) => {
                for &(from, to) in segments {
                    for m in ac.find_overlapping_iter(&text[from..to]) {
                        f(from + m.start(), from + m.end(), m.pattern().as_u32());
                    }
                }
            }
        }
    }
}

/// [`CueAutomaton::for_each_match_in`] with a table, wide or narrow (each gets its own copy of
/// the scan's loops).
fn scan_table<T: CueTable>(dfa: &T, text: &str, segments: &[(usize, usize)], bufs: &mut ScanBufs, mut f: impl FnMut(usize, usize, u32)) {
    let bytes = text.as_bytes();
    let ScanBufs { segs: lanes, ends } = bufs;
    // The segments, laid end to end, are cut into eight lanes (four on a short text) of
    // (nearly) equal length, scanned in one loop: the state chains are independent, so the CPU
    // overlaps their table look-ups (the table does not fit in L1, so a single chain waits on
    // every byte). Every segment starts from a fresh state, as a search of it alone does. Where
    // a lane's end falls inside a segment, the next lane starts there from a fresh state, so it
    // finds exactly the matches that start there or later; the lane runs on past its end by the
    // longest cue's length (not past the segment) and, of the matches it finds there, keeps
    // those that start before its end: every match is reported once. Cutting the segments, not
    // each segment, into lanes keeps the overruns to one fewer than the lanes per call and
    // short segments (a run of short lines between long ones) in the lanes too. Short texts,
    // and an automaton with an empty pattern (a match at every position), get one lane.
    let total: usize = segments.iter().map(|&(a, b)| b - a).sum();
    let overrun = dfa.max_pattern_len().saturating_sub(1);
    // All lanes but the last are shorter by the overrun they run on by, so that all lanes
    // take (nearly) as many steps.
    let per_lane = |lanes: usize| ((total + (lanes - 1) * overrun) / lanes).saturating_sub(overrun);
    // Eight lanes where each gets enough bytes, else four: eight chains of look-ups in flight
    // instead of four made the scan of the trafilatura texts (documents of 6 KB on average)
    // about 3 % of a run faster; on documents of 1 KB (the synth set) eight lanes of 64 bytes
    // or so ran no faster than four.
    let lanes_n = if per_lane(LANES) >= WIDE_LANE_BYTES { LANES } else { LANES / 2 };
    let per = per_lane(lanes_n);
    // An automaton with an empty pattern starts in a match state.
    let empty_pattern = dfa.start() & 1 == 1;
    let one = empty_pattern || per < 64;
    lanes.clear();
    // Lane k is `lanes[bound[k]..bound[k + 1]]`.
    let mut bound = [0usize; LANES + 1];
    let bound = &mut bound[..=lanes_n];
    if one {
        lanes.extend(segments.iter().map(|&(from, to)| Seg { from, to, before: to }));
        bound[1..].fill(lanes.len());
    } else {
        // The lane that virtual offset `v` (the segments end to end) falls in: lane k, but the
        // last, holds `k * per..(k + 1) * per`.
        let lane_of = |v: usize| (v / per).min(lanes_n - 1);
        let mut v = 0;
        for &(from, to) in segments {
            let mut at = from;
            while at < to {
                let k = lane_of(v + (at - from));
                let lane_end = if k + 1 < lanes_n { (k + 1) * per } else { total };
                let cut = (from + (lane_end - v)).min(to);
                // Cut inside the segment: run on past the cut, matches must start before it.
                let end = if cut < to { (cut + overrun).min(to) } else { to };
                lanes.push(Seg { from: at, to: end, before: cut });
                bound[k + 1] = lanes.len();
                at = cut;
            }
            v += to - from;
        }
        for k in 1..=lanes_n {
            bound[k] = bound[k].max(bound[k - 1]);
        }
    }
    ends.clear();
    if empty_pattern {
        // An empty pattern: a match at the start of every segment, before its first byte.
        ends.extend(lanes.iter().enumerate().map(|(k, seg)| (seg.from, k, dfa.start() as u32)));
    }
    if lanes_n == LANES {
        match_states::<T, LANES>(dfa, bytes, lanes, bound, ends);
    } else {
        match_states::<T, { LANES / 2 }>(dfa, bytes, lanes, bound, ends);
    }
    if !one || empty_pattern {
        // In the order of their ends; at one end, the earlier segment's first: a lane's
        // overrun (longer matches, starting in an earlier lane) before the next lane's own,
        // as one automaton lists them.
        ends.sort_unstable_by_key(|&(end, k, _)| (end, k));
    }
    for &(end, k, sid) in ends.iter() {
        let seg = lanes[k];
        for &(p, len) in dfa.matches(sid) {
            let start = end - len as usize;
            if start < seg.before || end == seg.from {
                f(start, end, p);
            }
        }
    }
}

/// The cue scan's room for its work (see [`CueAutomaton::for_each_match_in`]): the pieces of its
/// lanes, and the ends of the matches they found, as (offset just past the match, piece, state).
#[derive(Debug, Default)]
struct ScanBufs {
    segs: Vec<Seg>,
    ends: Vec<(usize, usize, u32)>,
}

/// One piece of a lane of the cue scan (see [`CueAutomaton::for_each_match_in`]): bytes
/// `from..to` are scanned from a fresh state, and of the matches found, those that start before
/// `before` are reported.
#[derive(Debug, Clone, Copy)]
struct Seg {
    from: usize,
    to: usize,
    before: usize,
}

/// Lanes of the cue scan (see [`CueAutomaton::for_each_match_in`]).
const LANES: usize = 8;
/// Bytes each of [`LANES`] lanes must get for the scan to use them all, else it uses half as
/// many.
const WIDE_LANE_BYTES: usize = 256;
/// The match states the DFA enters over the segments of each lane (lane k is
/// `segs[bound[k]..bound[k + 1]]`), each segment from a fresh start: (offset just past the byte
/// that entered it, the segment's index, the state). The DFA holds the lower-case cues' codes, so
/// it steps on each byte's code (upper-case ASCII letters have the code of their lower case).
#[inline(never)]
fn match_states<T: CueTable, const N: usize>(dfa: &T, bytes: &[u8], segs: &[Seg], bound: &[usize], ends: &mut Vec<(usize, usize, u32)>) {
    let start = dfa.start();
    // Each lane's segment, the offset it has reached in it, and its state (as `usize` here: no
    // widening per step).
    let mut cur: [usize; N] = std::array::from_fn(|k| bound[k]);
    let mut pos: [usize; N] = std::array::from_fn(|k| segs.get(bound[k]).map_or(0, |g| g.from));
    let mut s = [start; N];
    // All lanes together, as far as the nearest end of a segment, while each has one.
    while (0..N).all(|k| cur[k] < bound[k + 1]) {
        let n = (0..N).map(|k| segs[cur[k]].to - pos[k]).min().unwrap_or(0);
        let lane = |k: usize| &bytes[pos[k]..pos[k] + n];
        let mut i = 0;
        while i < n {
            i = scan_lanes(dfa, std::array::from_fn(lane), &mut s, i);
            if s.iter().any(|&sk| sk & 1 == 1) {
                record_matches(&s, &pos, &cur, i, ends);
            }
        }
        for k in 0..N {
            pos[k] += n;
            if pos[k] == segs[cur[k]].to {
                cur[k] += 1;
                s[k] = start;
                pos[k] = segs.get(cur[k]).map_or(pos[k], |g| g.from);
            }
        }
    }
    // The rest of each lane, one lane at a time.
    for k in 0..N {
        while cur[k] < bound[k + 1] {
            let g = segs[cur[k]];
            let mut sk = s[k];
            // Two bytes a turn, one test of both states for a match (see `scan_lanes`).
            let seg = &bytes[pos[k]..g.to];
            let pairs = seg.chunks_exact(2);
            let odd = pairs.remainder().first();
            for (j, pair) in pairs.enumerate() {
                let first = dfa.step(sk, pair[0]);
                sk = dfa.step(first, pair[1]);
                if (first | sk) & 1 == 1 {
                    for (at, state) in [(2 * j + 1, first), (2 * j + 2, sk)] {
                        if state & 1 == 1 {
                            ends.push((pos[k] + at, cur[k], state as u32));
                        }
                    }
                }
            }
            if let Some(&byte) = odd {
                sk = dfa.step(sk, byte);
                if sk & 1 == 1 {
                    ends.push((g.to, cur[k], sk as u32));
                }
            }
            cur[k] += 1;
            s[k] = start;
            pos[k] = segs.get(cur[k]).map_or(g.to, |g| g.from);
        }
    }
}

/// Steps the lanes' states `s` over their bytes from `from` on, until the byte after which
/// one of them is a match state: returns the position past that byte, or the lanes' length.
/// Matches are rare: one branch for all lanes, on the OR of their states (see
/// [`CueDfa::width`]; a chain of minimums, the compare it replaced, took three instructions more
/// a step), and the caller records them, so this loop keeps all it needs in registers.
#[inline(never)]
fn scan_lanes<T: CueTable, const N: usize>(dfa: &T, lanes: [&[u8]; N], s: &mut [usize; N], from: usize) -> usize {
    let n = lanes[0].len();
    let l: [&[u8]; N] = std::array::from_fn(|k| &lanes[k][..n]);
    let mut st = *s;
    let mut i = from;
    while i < n {
        let mut or = 0;
        for k in 0..N {
            st[k] = dfa.step(st[k], l[k][i]);
            or |= st[k];
        }
        i += 1;
        if or & 1 == 1 {
            break;
        }
    }
    *s = st;
    i
}

/// The lanes' states after their `len`-th byte past `pos`: those that match go to `ends`.
#[cold]
#[inline(never)]
fn record_matches<const N: usize>(s: &[usize; N], pos: &[usize; N], cur: &[usize; N], len: usize, ends: &mut Vec<(usize, usize, u32)>) {
    for k in 0..N {
        if s[k] & 1 == 1 {
            ends.push((pos[k] + len, cur[k], s[k] as u32));
        }
    }
}

/// A proposal: a whole line, or a span inside one.
#[derive(Debug, Clone, Copy)]
struct Claim {
    rule: u32,
    reason: &'static str,
}

/// The buffers of one document's run, which each thread keeps for its next document: a run made
/// two dozen vectors and strings, most of them grown from empty, for every document.
#[derive(Default)]
struct Scratch {
    claims: Vec<Option<Claim>>,
    hits: Vec<(u32, u32, u32, u32)>,
    line_chars: Vec<usize>,
    line_masks: Vec<u16>,
    line_latin: Vec<bool>,
    /// The runs of lines the cue scan reads, and the scan's lanes and match ends.
    runs: Vec<(usize, usize)>,
    lanes: ScanBufs,
    line_hits: Vec<(u32, u32, u32, u32)>,
    caption_hits: LineHits,
    toks: Vec<crate::rules::foreign_token::Tok>,
    cue_state: Vec<(u32, u8)>,
    token_buf: String,
    norm_buf: String,
    /// The words of a line's glued start so far (see [`glued_start`]).
    words_buf: String,
    gates_open: Vec<u32>,
    /// The line-pattern searchers' sets of hits (see [`crate::lineset::LineSet::searcher_in`]).
    pattern_hits: [Option<regex_automata::PatternSet>; 4],
    to_end: Vec<(u32, usize)>,
    guarded: Vec<usize>,
    /// The long lines of the document whose cues were sought only in an end window after their
    /// start (see [`Index::cue_line_chars`]), in order.
    windowed: Vec<usize>,
    /// The script groups' cue hits of the document's lines.
    script_found: Vec<(u32, u32, u32, u32)>,
    /// What this thread has scanned so far; kept when the buffers are freed.
    scanned: Scanned,
}

impl Scratch {
    /// Entries a kept buffer may hold room for: a document of more lines or hits than this leaves
    /// its buffers to be freed, so that what a thread keeps stays small.
    const KEEP: usize = 1 << 12;

    /// Empties the buffers for the next document, or frees them all when one has grown past
    /// [`Scratch::KEEP`].
    fn keep(&mut self) {
        if [self.claims.capacity(), self.hits.capacity(), self.script_found.capacity(), self.lanes.ends.capacity(), self.line_chars.capacity(), self.line_hits.capacity(), self.toks.capacity(), self.norm_buf.capacity(), self.token_buf.capacity(), self.words_buf.capacity()]
            .iter()
            .any(|&c| c > Self::KEEP)
        {
            *self = Scratch { scanned: self.scanned, ..Scratch::default() };
            return;
        }
        self.claims.clear();
        self.hits.clear();
        self.line_chars.clear();
        self.line_masks.clear();
        self.line_latin.clear();
        self.runs.clear();
        self.lanes.segs.clear();
        self.lanes.ends.clear();
        self.line_hits.clear();
        self.caption_hits.credit_at.clear();
        self.toks.clear();
        self.cue_state.clear();
        self.token_buf.clear();
        self.words_buf.clear();
        self.norm_buf.clear();
        self.gates_open.clear();
        self.to_end.clear();
        self.guarded.clear();
        self.windowed.clear();
        self.script_found.clear();
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Runs every rule over `text` and returns the resolved edits, sorted and non-overlapping.
pub(crate) fn run(rules: &[Rule], index: &Index, text: &str) -> Vec<Edit> {
    run_with(rules, index, text, None)
}

/// [`run`], given the offsets of every `\n` and `\r` in `text` when the caller knows them (see
/// [`Document::with_breaks`]).
pub(crate) fn run_with(rules: &[Rule], index: &Index, text: &str, breaks: Option<&[usize]>) -> Vec<Edit> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    // The thread's buffers, used where they are: moving them out and back in copied the whole
    // struct four times a document (500 instructions, a tenth of the work on a short document).
    // A run inside a run, which finds them lent, makes its own.
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            let edits = run_in(rules, index, text, breaks, &mut s);
            s.keep();
            edits
        }
        Err(_) => run_in(rules, index, text, breaks, &mut Scratch::default()),
    })
}

/// [`run`], with the buffers of `s` (each empty).
fn run_in(rules: &[Rule], index: &Index, text: &str, breaks: Option<&[usize]>, s: &mut Scratch) -> Vec<Edit> {
    let doc = match breaks {
        Some(b) => Document::with_breaks(text, b),
        None => Document::new(text),
    };
    let n = doc.lines.len();
    let mut claims = std::mem::take(&mut s.claims);
    claims.resize(n, None);
    let mut inline: Vec<(usize, usize, Claim)> = Vec::new();

    // 1. One automaton pass: cue hits, bucketed by line.
    let mut hits = std::mem::take(&mut s.hits); // (line, cue, offset in line, length)
    // The characters and script groups of each line (`lines_stats`); a line longer than
    // `cue_line_chars` is left out of the scan.
    let (mut line_chars, mut line_masks) = (std::mem::take(&mut s.line_chars), std::mem::take(&mut s.line_masks));
    // Lines whose letters are all Latin by their lead bytes (see `lines_stats`).
    let mut line_latin = std::mem::take(&mut s.line_latin);
    lines_stats(&doc, &mut line_chars, &mut line_masks, &mut line_latin);
    // The script groups of the whole document (line terminators are ASCII: those of its lines):
    // Latin letters beyond ASCII choose the document automaton; a document with no other group
    // needs no per-line script scan at all.
    let doc_mask = line_masks.iter().fold(0, |m, &g| m | g);
    s.scanned.cleaned += text.len();
    let latin = index.with_latin.as_ref().filter(|_| doc_mask & LATIN != 0);
    let doc_ac = latin.map_or(index.ac.as_ref(), ScriptCues::automaton);
    let long = |i: usize| line_chars[i] > index.cue_line_chars;
    // The cue scans' lanes (see `CueAutomaton::for_each_match_in`), kept for every scan of the
    // document and the next document: a scan of one line would otherwise allocate them.
    let mut lanes = std::mem::take(&mut s.lanes);
    // Runs of lines that are not long and the end windows of the long lines, each scanned as if
    // alone (a cue never spans lines), all in one scan. Of a long line that is not blank, only
    // the end a caption rule's trailing credit looks at is scanned (nothing when there is no
    // caption rule); `windowed` lists those whose window starts after their start. A window
    // scanned by itself took four times the time a byte: one lane, each step waiting on the one
    // before.
    let max_len = doc_ac.map_or(0, CueAutomaton::max_pattern_len);
    let mut windowed_lines = std::mem::take(&mut s.windowed);
    let mut runs = std::mem::take(&mut s.runs);
    let mut a = 0;
    while a < n {
        if long(a) {
            let line = doc.lines[a];
            if !line.blank && !index.caption_rules.is_empty() {
                let raw = doc.line(a);
                let from = index.caption_rules.iter().map(|&r| if let Kind::Caption(c) = &rules[r as usize].kind { c.credit_window(raw, max_len) } else { raw.len() }).min().unwrap_or(raw.len());
                if from > 0 {
                    windowed_lines.push(a);
                }
                if from < raw.len() {
                    runs.push((line.start + from, line.end));
                }
            }
            a += 1;
            continue;
        }
        let mut b = a + 1;
        while b < n && !long(b) {
            b += 1;
        }
        runs.push((doc.lines[a].start, doc.lines[b - 1].end));
        a = b;
    }
    if let Some(ac) = doc_ac {
        let mut li = 0;
        ac.for_each_match_in(text, &runs, &mut lanes, |start, end, pattern| {
            while doc.lines[li].next <= start && li + 1 < n {
                li += 1;
            }
            let line = doc.lines[li];
            if end > line.end {
                return; // cues never span lines
            }
            hits.push((li as u32, pattern, (start - line.start) as u32, (end - start) as u32));
        });
    }
    // The script groups' cues, on the lines that hold letters of their group: one scan of each
    // group's lines for the document, each line scanned as if alone (a scan of each line by
    // itself ran on one lane). (line, cue, offset in line, length), by line.
    let mut script_found = std::mem::take(&mut s.script_found);
    if !index.script_ac.is_empty() && doc_mask & !LATIN != 0 {
        for sc in index.script_ac.iter().filter(|sc| doc_mask & (1 << sc.group) != 0) {
            runs.clear();
            runs.extend(doc.lines.iter().zip(&line_masks).filter(|&(_, &m)| m & (1 << sc.group) != 0).map(|(l, _)| (l.start, l.end)));
            s.scanned.groups[usize::from(sc.group)] += runs.iter().map(|&(a, b)| b - a).sum::<usize>();
            let Some(ac) = sc.for_scan(&s.scanned) else { continue };
            let mut li = 0;
            // Each match lies in one line, and they come by their ends: line by line.
            ac.for_each_match_in(text, &runs, &mut lanes, |start, end, k| {
                while doc.lines[li].next <= start && li + 1 < n {
                    li += 1;
                }
                script_found.push((li as u32, sc.offset + k, (start - doc.lines[li].start) as u32, (end - start) as u32));
            });
        }
        script_found.sort_by_key(|h| h.0);
    }
    runs.clear();
    s.runs = runs;
    // The script groups' cues on line `i`, for the groups of `mask`, added to the line's other
    // hits in `out`; `at` is where the lines before `i` end in `script_found`.
    let script_hits = |i: usize, mask: u16, out: &mut Vec<(u32, u32, u32, u32)>, at: &mut usize| {
        if mask != 0 {
            while script_found.get(*at).is_some_and(|h| (h.0 as usize) < i) {
                *at += 1;
            }
            let to = *at + script_found[*at..].iter().take_while(|h| h.0 as usize == i).count();
            out.extend_from_slice(&script_found[*at..to]);
            // In the order one automaton would report them: by end.
            out.sort_unstable_by_key(|&(_, cue, off, len)| (off + len, cue));
        }
    };
    // All the hits of the long line `i`, as the document's scan would have found them.
    let scan_line = |i: usize, out: &mut Vec<(u32, u32, u32, u32)>, lanes: &mut ScanBufs| {
        if let Some(ac) = doc_ac {
            let raw = doc.line(i);
            ac.for_each_match_in(raw, &[(0, raw.len())], lanes, |start, end, pattern| out.push((i as u32, pattern, start as u32, (end - start) as u32)));
        }
    };

    // 2. Line by line.
    let mut h = 0;
    let mut caption_hits = std::mem::take(&mut s.caption_hits);
    let mut scratch = std::mem::take(&mut s.toks);
    let mut cue_state = std::mem::take(&mut s.cue_state);
    let mut token_buf = std::mem::take(&mut s.token_buf);
    let mut words_buf = std::mem::take(&mut s.words_buf);
    let mut norm_buf = std::mem::take(&mut s.norm_buf);
    let mut line_hits = std::mem::take(&mut s.line_hits);
    let [kept_hits, kept_gated, kept_digits, kept_floating] = std::mem::take(&mut s.pattern_hits);
    // The two sets whose patterns have no gate, which `take_region` also asks (see `Ungated`).
    let mut ungated = Ungated { main: index.regex.searcher_in(kept_hits), digits: index.digits.searcher_in(kept_digits) };
    let mut gated_patterns = index.gated.searcher_in(kept_gated);
    let mut floating_patterns = index.floating.searcher_in(kept_floating);
    let mut gates_open = std::mem::take(&mut s.gates_open);
    let mut i = 0;
    let mut content_seen = 0;
    let mut pending: Option<(u32, usize, bool)> = None;
    // Whether the document is a whole rendered page (a context rule is active on it), asked only
    // when a region's `page_only_start` heading opens it.
    let mut page: Option<bool> = None;
    // The `page_only_start` headings of a document that is no whole page (rule, line).
    let mut own_lists: Vec<(u32, usize)> = Vec::new();
    let mut is_page = || *page.get_or_insert_with(|| rules.iter().any(|rule| matches!(&rule.kind, Kind::Context(c) if c.active_counted(&doc, &line_chars))));
    // Lines that may start a region that runs to the end of the document (its position prior is
    // decided after the pass, see `open_to_end`).
    let mut to_end = std::mem::take(&mut s.to_end);
    let mut next_window = 0;
    let mut script_at = 0;
    while i < n {
        let line = doc.lines[i];
        // Hits of lines a region took were never looked at: skip them, or they would hide the
        // hits of every later line.
        while h < hits.len() && (hits[h].0 as usize) < i {
            h += 1;
        }
        let line_hits_start = h;
        while h < hits.len() && hits[h].0 as usize == i {
            h += 1;
        }
        if line.blank {
            i += 1;
            continue;
        }
        content_seen += 1;
        let raw = doc.line(i);
        let trimmed = crate::text::trim(raw);
        let chars = line_chars[i];
        // Only the end of a long line was scanned for cues (see `Index::cue_line_chars`).
        let mut windowed = false;
        let mut mask = 0;
        let mut claim: Option<Claim> = None;
        let line_norm = if chars <= index.tables.max_short { index.norm_line(trimmed, &mut norm_buf) } else { LineNorm::No };
        // A glossary's entry is made of labels, and is none (asked only of the lines that may be).
        let line_norm = if line_norm != LineNorm::No && (is_glossary_entry(trimmed) || in_dashed_glossary(&doc, i, trimmed)) { LineNorm::No } else { line_norm };
        // The whole normalised line: a line with only its head normalised is no cover of labels
        // and no region start (see `Index::norm_line`).
        let norm = (line_norm == LineNorm::Whole).then_some(norm_buf.as_str());
        if line_norm != LineNorm::No {
            let phrase_rule = norm
                .and_then(|norm| index.cover(norm, Some(Role::Strong), &[Role::Strong, Role::Weak], rules, None))
                .filter(|&r| matches!(&rules[r as usize].kind, Kind::Phrase(p) if chars <= p.max_chars));
            if let Some(r) = phrase_rule {
                claim = Some(Claim { rule: r, reason: "line is a known boilerplate phrase" });
            } else if let Some(r) = index.prefix_rule(trimmed, &norm_buf, rules) {
                claim = Some(Claim { rule: r, reason: "line opens with a known boilerplate phrase" });
            }
        }
        if claim.is_none() && !index.tables.quoted.is_empty() && chars <= index.tables.max_quoted_chars && trimmed.ends_with(CLOSING_QUOTES) {
            let n = match norm {
                Some(n) => n,
                None => index.quoted_head(trimmed, &mut token_buf),
            };
            if let Some(r) = index.quoted_rule(trimmed, n, rules) {
                claim = Some(Claim { rule: r, reason: "line is a count, a known phrase and a quoted title" });
            }
        }
        if claim.is_none() {
            // The script groups' cues, on the lines that hold letters of their group.
            line_hits.clear();
            // A long line's hits are those of its end window (none without one).
            line_hits.extend_from_slice(&hits[line_hits_start..h]);
            if long(i) {
                while windowed_lines.get(next_window).is_some_and(|&l| l < i) {
                    next_window += 1;
                }
                windowed = windowed_lines.get(next_window) == Some(&i);
            }
            mask = if index.script_ac.is_empty() || doc_mask & !LATIN == 0 { 0 } else { line_masks[i] };
            script_hits(i, mask, &mut line_hits, &mut script_at);
        }
        if claim.is_none() && chars <= index.max_pattern_chars {
            // The first pattern, in rule order, that matches and allows a line this long.
            let allowed = |k: u32| {
                let r = index.regex_rule[k as usize] as usize;
                matches!(&rules[r].kind, Kind::Pattern(p) if chars <= p.max_chars && !p.has_foreign_label(trimmed)) && !index.tables.vetoes[r].as_ref().is_some_and(|v| v.is_match(raw))
            };
            // The first allowed pattern of each set searched, then the first of those.
            let earliest = |a: Option<u32>, b: Option<u32>| a.into_iter().chain(b).min();
            let mut first: Option<u32> = None;
            if !index.regex.is_empty() {
                first = ungated.main.first(trimmed, |p| Some(index.regex_ids[p]).filter(|&k| allowed(k)));
            }
            let digit = (!index.digits.is_empty() || index.floating_needs_digit) && crate::lineset::has_digit(trimmed);
            if digit && !index.digits.is_empty() {
                first = earliest(first, ungated.digits.first(trimmed, |p| Some(index.digit_ids[p]).filter(|&k| allowed(k))));
            }
            if !index.floating.is_empty()
                && chars <= index.floating_max_chars
                && (digit || !index.floating_needs_digit)
                && index.floating_digit_within.is_none_or(|n| crate::lineset::has_digit_within(trimmed, n))
            {
                first = earliest(first, floating_patterns.first(trimmed, |p| Some(index.floating_ids[p]).filter(|&k| allowed(k))));
            }
            gates_open.clear();
            gates_open.extend(line_hits.iter().filter_map(|&(_, cue, _, _)| match index.cues[cue as usize] {
                Cue::Gate { pattern } => Some(pattern),
                _ => None,
            }));
            if !gates_open.is_empty() {
                let open = |p: usize| gates_open.contains(&(p as u32));
                first = earliest(first, gated_patterns.first(trimmed, |p| open(p).then(|| index.gated_ids[p]).filter(|&k| allowed(k))));
            }
            if let Some(k) = first {
                claim = Some(Claim { rule: index.regex_rule[k as usize], reason: "line matches a boilerplate pattern" });
            }
        }
        // A line without a cue hit can only end with an agency credit: judged only then.
        if claim.is_none() && (!line_hits.is_empty() || (index.has_agencies && ends_with_agency(rules, index, raw))) {
            let proposed = inline.len();
            claim = judge_cues(rules, index, &line_hits, raw, chars, &mut cue_state, &mut caption_hits, line.start, &mut inline);
            if windowed && (claim.is_some() || inline.len() > proposed) {
                // A credit: judged again from all the line's hits, found as above.
                inline.truncate(proposed);
                let mut all = Vec::new();
                scan_line(i, &mut all, &mut lanes);
                script_hits(i, mask, &mut all, &mut script_at);
                claim = judge_cues(rules, index, &all, raw, chars, &mut cue_state, &mut caption_hits, line.start, &mut inline);
            }
        }
        // Regions start on a line of their own and take the lines after it.
        if index.tables.has_regions {
            // A start that needs a member and had none right under it waits: lines other rules
            // remove may stand between it and its first member (the next pass sees them joined).
            // So does a heading glued to its headline, on the terms of the lines under it.
            if let Some((r, s, glued)) = pending {
                if let Kind::Region(g) = &rules[r as usize].kind {
                    let member = is_member(index, rules, g, rules[r as usize].category, trimmed)
                        && !(glued && (ends_with_full_stop(trimmed) || starts_region(index, rules, trimmed)))
                        && !(may_quote(trimmed) && quotes(trimmed, &normalize_label(doc.line(s).trim())));
                    // A list of headlines that waits for its first one gets a comment thread
                    // instead: the start goes alone, as a start with its lines right under it
                    // does (so that a second pass, which no longer sees the thread's count
                    // between them, finds no start over the comments), and the thread's lines
                    // are judged on their own.
                    if member && g.headline_max_chars > 0 && thread_opens_at(&doc, index, rules, i, &mut ungated, &mut token_buf) {
                        pending = None;
                        let reason = if glued { "region start, with its first headline on the same line, over a comment thread" } else { "region start, over a comment thread" };
                        claims[s] = Some(Claim { rule: r, reason });
                    } else if member {
                        pending = None;
                        let reason = if glued { "region start, with its first headline on the same line, and more after lines other rules remove" } else { "region start, with a member after lines other rules remove" };
                        claims[s] = Some(Claim { rule: r, reason });
                        claims[i] = claim.or(Some(Claim { rule: r, reason: "inside a region" }));
                        i = take_region(&doc, index, rules, r, g, i, if glued { 2 } else { 0 }, &mut claims, &mut ungated, &mut token_buf);
                        continue;
                    }
                }
                if claim.is_none() {
                    pending = None;
                }
            }
            if let Some(norm) = norm {
                if let Some(r) = index.cover(norm, Some(Role::RegionStart), &[Role::RegionStart, Role::RegionMember, Role::Strong, Role::Weak], rules, None) {
                    if let Kind::Region(g) = &rules[r as usize].kind {
                        // A generic heading outside a whole rendered page: judged after the pass,
                        // over the lines the output keeps (see `keep_own_lists`).
                        let page_only = g.page_only(norm) && !is_page();
                        if page_only {
                            own_lists.push((r, i));
                        }
                        if g.may_start(content_seen, line.start, text.len()) && !region_vetoed(&doc, g, i) && !page_only {
                            let reason = if g.tail_only { "region start, past the first quarter of the document (position prior)" } else { "region start" };
                            let next = take_region(&doc, index, rules, r, g, i, 0, &mut claims, &mut ungated, &mut token_buf);
                            if !g.needs_member || next > i + 1 {
                                claims[i] = Some(Claim { rule: r, reason });
                                i = next;
                                continue;
                            }
                            // No member yet: the line is judged like any other, and the region may
                            // still open if its first member follows lines other rules remove.
                            pending = Some((r, i, false));
                        }
                    }
                }
            }
            // The heading of a region that runs to the end: decided after the pass, when the line
            // under it is known.
            if !index.tables.to_end.is_empty() {
                if let Some(&r) = norm.and_then(|nm| index.tables.to_end.get(nm)) {
                    if heading_alone(trimmed) {
                        to_end.push((r, i));
                    }
                }
            }
            // A heading joined to its first headline on one line.
            if claim.is_none() && pending.is_none() && index.tables.max_glued_tokens > 0 {
                // A line normalised above (`norm_line`) has its first token in `norm_buf`: that
                // normalisation went at least to the end of it.
                let first = (chars <= index.tables.max_short).then(|| &norm_buf[..norm_buf.bytes().position(|b| b == b' ').unwrap_or(norm_buf.len())]);
                if let Some(r) = glued_start(index, rules, trimmed, first, &mut token_buf, &mut words_buf) {
                    if let Kind::Region(g) = &rules[r as usize].kind {
                        if g.may_start(content_seen, line.start, text.len()) && !region_vetoed(&doc, g, i) && (!g.opens_page_only(trimmed) || is_page()) {
                            let next = take_region(&doc, index, rules, r, g, i, 1, &mut claims, &mut ungated, &mut token_buf);
                            if next > i + 1 {
                                claims[i] = Some(Claim { rule: r, reason: "region start, with its first headline on the same line" });
                                i = next;
                                continue;
                            }
                            // No headline under it yet: one may follow lines other rules remove.
                            pending = Some((r, i, true));
                        }
                    }
                }
            }
        }
        if let Some(c) = claim {
            claims[i] = claim;
            // A region that follows this category's lines takes the buttons and fields under it.
            let category = rules[c.rule as usize].category;
            if let Some(&(_, r)) = index.tables.followers.iter().find(|&&(cat, r)| cat == category && r != c.rule) {
                if let Kind::Region(g) = &rules[r as usize].kind {
                    if g.may_start(content_seen, line.start, text.len()) {
                        i = take_region(&doc, index, rules, r, g, i, 0, &mut claims, &mut ungated, &mut token_buf);
                        continue;
                    }
                }
            }
        } else if chars != raw.len() && !line_latin[i] {
            // Not all ASCII (a character beyond ASCII takes two bytes or more), and not proved
            // to be all Latin by `lines_stats`: most lines with a curly quote or an accent are.
            for &ri in &index.foreign_rules {
                if let Kind::ForeignToken(ft) = &rules[ri as usize].kind {
                    for (s, e, why) in ft.find(raw, &mut scratch) {
                        inline.push((line.start + s, line.start + e, Claim { rule: ri, reason: why }));
                    }
                }
            }
        }
        i += 1;
    }
    if !to_end.is_empty() {
        open_to_end(&doc, &line_chars, rules, &to_end, &mut claims, &inline);
    }
    // 3. Whole-page context, for documents that look like a rendered page.
    // The language sample and the detector's answer, made once for all context rules; each rule
    // names the language by its own function words when they name one (see
    // `Context::confident_language`), and asks the detector only when they do not.
    let (mut sample, mut detected) = (None, None);
    for (ri, rule) in rules.iter().enumerate() {
        if let Kind::Context(c) = &rule.kind {
            if c.active_counted(&doc, &line_chars) {
                let taken: Vec<bool> = claims.iter().map(Option::is_some).collect();
                // Captions, credits, bylines and time stamps stand inside articles: they are no
                // boilerplate neighbours of the lines around them.
                let inside: Vec<bool> = claims.iter().map(|c| c.is_some_and(|c| matches!(rules[c.rule as usize].category, Category::Caption | Category::Timestamp))).collect();
                let sample: &String = sample.get_or_insert_with(|| crate::profile::sample(&doc));
                let l = c.confident_language(sample).or_else(|| *detected.get_or_insert_with(|| crate::profile::detect(sample)));
                for (i, reason) in c.bad_lines(&doc, &taken, &inside, l) {
                    claims[i] = Some(Claim { rule: ri as u32, reason });
                }
            }
        }
    }
    // The lines a phrase, pattern or caption rule with `not_next_to` claims whole as the pass
    // left them: their neighbours are judged now (a region's guard is judged when it opens, see
    // `region_vetoed`; a caption's trailing credit is an inline edit, not judged so).
    if !own_lists.is_empty() {
        keep_own_lists(&doc, index, rules, &own_lists, &mut claims);
    }
    let mut guarded = std::mem::take(&mut s.guarded);
    guarded.clear();
    guarded.extend((0..n).filter(|&i| claims[i].is_some_and(|c| {
        let kind = &rules[c.rule as usize].kind;
        matches!(kind, Kind::Phrase(_) | Kind::Pattern(_) | Kind::Caption(_)) && (kind.not_next_to().is_some() || kind.none_of_above())
    })));
    if !guarded.is_empty() {
        keep_list_items(&doc, rules, &index.tables.vetoes, &guarded, &mut claims);
    }
    keep_run_in_titles(&doc, rules, &mut claims);
    keep_introduced_lists(&doc, rules, &mut claims);
    keep_topic_pages(&doc, rules, &mut claims, &mut inline);
    let edits = resolve(&doc, rules, &claims, inline);
    // Each buffer back in its place (`s.runs` is there already).
    s.pattern_hits = [ungated.main, gated_patterns, ungated.digits, floating_patterns].map(|p| Some(p.into_hits()));
    (s.claims, s.hits, s.line_chars, s.line_masks, s.line_latin, s.lanes, s.line_hits, s.caption_hits) = (claims, hits, line_chars, line_masks, line_latin, lanes, line_hits, caption_hits);
    (s.toks, s.cue_state, s.token_buf, s.norm_buf, s.words_buf, s.gates_open, s.to_end, s.guarded, s.windowed, s.script_found) = (scratch, cue_state, token_buf, norm_buf, words_buf, gates_open, to_end, guarded, windowed_lines, script_found);
    edits
}

/// Gives back, for each `topic` rule, the lines and spans that rules of its `keeps` categories
/// claimed, in a document whose title names its topic (a privacy policy's clauses about cookies
/// and newsletters; see [`topic_title`]). Nothing to do, after one look at the claims, in a
/// document where no such rule claimed anything.
fn keep_topic_pages(doc: &Document, rules: &[Rule], claims: &mut [Option<Claim>], inline: &mut Vec<(usize, usize, Claim)>) {
    for rule in rules {
        let Kind::Topic(t) = &rule.kind else { continue };
        let kept = |c: &Claim| t.keeps.contains(&rules[c.rule as usize].category);
        if !claims.iter().flatten().any(kept) && !inline.iter().any(|(_, _, c)| kept(c)) {
            continue;
        }
        if topic_title(doc, claims, t, kept) {
            for c in claims.iter_mut() {
                if c.is_some_and(|c| kept(&c)) {
                    *c = None;
                }
            }
            inline.retain(|(_, _, c)| !kept(c));
        }
    }
}

/// Shortest line, in characters, that is prose under a title whatever its end.
const PROSE_MIN_CHARS: usize = 60;

/// Longest list item, in characters, that [`topic_title`] passes over as a menu's link.
const MENU_ITEM_MAX_CHARS: usize = 40;

/// Whether the document has a title of topic `t`, one of its first lines (see
/// [`crate::rules::topic`]). The search runs from the top and
/// - passes over blank lines, a menu's short list items and lines that rules of other categories
///   took (a site's chrome);
/// - passes over the lines that rules of the topic's categories took (`kept`), which may be a
///   banner at the top of the page, unless one is the title, opening such a run of lines with a
///   line that no such rule took under it ("쿠키 정책" over its date): a banner's own heading
///   has the banner under it, and the policy's link under a banner ("Alle akzeptieren" over
///   "Datenschutzerklärung") has the banner above it;
/// - stops at the first sentence or after [`TITLE_MAX_ABOVE`] other lines: a "Privacy Policy"
///   link under an article is a footer's;
/// - wants a sentence that no rule took under the title: under a footer's link after a list of
///   headlines there are only the banner and the newsletter box;
/// - takes no line of a menu printed as lines (short lines right above and below it), no line
///   right beside another policy's title, no line right under a banner or a box the topic's
///   rules took, and no heading whose taken lines right under it hold a button (a banner's).
///
/// The lines given back stay claimed here, so cleaning the output again finds the same title.
///
/// [`TITLE_MAX_ABOVE`]: crate::rules::topic::TITLE_MAX_ABOVE
fn topic_title(doc: &Document, claims: &[Option<Claim>], t: &crate::rules::topic::Topic, kept: impl Fn(&Claim) -> bool) -> bool {
    let n = doc.lines.len();
    // The lines the output shows if the title is found, and those the topic's rules took.
    let shown = |k: usize| !doc.lines[k].blank && claims[k].is_none_or(|c| kept(&c));
    let taken = |k: usize| claims[k].is_some_and(|c| kept(&c));
    let short_label = |k: usize| {
        let line = doc.line(k).trim();
        line.chars().nth(MENU_ITEM_MAX_CHARS).is_none() && !ends_like_sentence(line)
    };
    // A policy's text goes on under its title in sentences that no rule takes; under a footer's
    // link there is only the banner and the newsletter box. (Thai writes no full stop: a long
    // line is prose too.)
    let prose_under = |j: usize| {
        (j + 1..n).any(|k| {
            let line = doc.line(k).trim();
            !doc.lines[k].blank && claims[k].is_none() && (ends_like_sentence(line) || line.chars().nth(PROSE_MIN_CHARS).is_some())
        })
    };
    let title = |j: usize, line: &str| {
        if !t.is_title(line) {
            return false;
        }
        let prev = (0..j).rev().find(|&k| shown(k));
        let next = (j + 1..n).find(|&k| shown(k));
        // A line of a menu printed as lines ("Kontakt", "Datenschutzerklärung", "Impressum"): two
        // or more short lines without figures right above or below it, with no blank line
        // between (a site's name over a title is one, a date under it has figures); or a line
        // right beside another policy's link.
        let adjacent = |a: usize, b: usize| (a.min(b) + 1..a.max(b)).all(|m| !doc.lines[m].blank);
        let menu_item = |k: usize| short_label(k) && !doc.line(k).bytes().any(|b| b.is_ascii_digit()) && !crate::rules::context::is_list_item(doc.line(k).trim());
        let run = |ks: &mut dyn Iterator<Item = usize>| {
            let mut at = j;
            ks.filter(|&k| shown(k)).take_while(|&k| {
                let go = adjacent(at, k) && menu_item(k);
                at = k;
                go
            })
            .take(2)
            .count()
        };
        let in_menu = run(&mut (0..j).rev()) + run(&mut (j + 1..n)) >= 2;
        let beside_title = [prev, next].into_iter().flatten().any(|k| adjacent(j, k) && t.is_title(doc.line(k).trim()));
        // A banner's own heading: the lines the topic's rules took under it hold a button
        // ("Cookie Policy" over "We use cookies …" over "Accept all"), where a policy's first
        // clause is a sentence.
        let over_banner = next.is_some_and(|k| {
            (k..n).filter(|&m| !doc.lines[m].blank && claims[m].is_none_or(|c| kept(&c))).take_while(|&m| taken(m)).any(short_label)
        });
        !in_menu && !beside_title && !over_banner && prose_under(j)
    };
    let mut seen = 0;
    // Whether the line before, of those the output shows, was one the topic's rules took: the
    // policy's link under a banner or a newsletter box is no title.
    let mut after_kept = false;
    for (j, claim) in claims.iter().enumerate().take(n) {
        if doc.lines[j].blank {
            continue;
        }
        let line = doc.line(j).trim();
        match claim {
            // Gone from the output: as if it were not there.
            Some(c) if !kept(c) => continue,
            Some(_) => {
                // A title the topic's rules took has a line they did not take under it.
                let next = (j + 1..n).find(|&k| shown(k));
                if !after_kept && !next.is_some_and(taken) && title(j, line) {
                    return true;
                }
                after_kept = true;
            }
            None => {
                if crate::rules::context::is_list_item(line) && line.chars().nth(MENU_ITEM_MAX_CHARS).is_none() {
                    after_kept = false;
                    continue;
                }
                if !after_kept && title(j, line) {
                    return true;
                }
                after_kept = false;
                seen += 1;
                if seen > crate::rules::topic::TITLE_MAX_ABOVE || ends_like_sentence(line) {
                    return false;
                }
            }
        }
    }
    false
}

/// Longest item, in characters, of a list that the text introduces (see `keep_introduced_lists`).
const INTRODUCED_ITEM_MAX_CHARS: usize = 40;
/// Most items of such a list.
const INTRODUCED_MAX_ITEMS: usize = 12;
/// Fewest words (or, in a script that does not space its words, characters) of the sentence that introduces such a
/// list ("Rezept in der Listen-Ansicht:" over a gallery's buttons is a widget's label) and of the
/// one under it.
const INTRODUCTION_MIN_WORDS: usize = 6;
const INTRODUCTION_MIN_CHARS: usize = 15;
const INTRODUCED_SENTENCE_MIN_WORDS: usize = 4;
const INTRODUCED_SENTENCE_MIN_CHARS: usize = 12;

/// Gives back the lines of a list that the text introduces and goes on from: a run of short lines
/// with no blank line in it or around it, right under a sentence of the output's that ends with a
/// colon and right over one that ends like a sentence ("…панель с четырьмя кнопками:" over
/// "Нравится", "Комментировать", "Поделиться", "Сохранить", over "Ниже описано, что делает каждая
/// из них."). The buttons are the text's subject; a share bar under an article is neither
/// introduced by its last sentence nor followed by its next. Decided on the lines the output
/// keeps around the run, so cleaning the output again decides the same.
fn keep_introduced_lists(doc: &Document, rules: &[Rule], claims: &mut [Option<Claim>]) {
    // Buttons the rules know among buttons they do not ("Нравится", "Сохранить" stay with no
    // rule): an advertisement's labels, a newsletter box or a list of headlines between a
    // quotation's colon and the quotation go, and a share bar all of whose lines the rules know
    // goes too. Most documents have no such line, and are not walked.
    let button = |c: &Claim| matches!(rules[c.rule as usize].category, Category::ShareBar | Category::CommentThread);
    if !claims.iter().flatten().any(button) {
        return;
    }
    let n = doc.lines.len();
    // Words, or characters in a script that does not space its words.
    let sentence = |j: usize, words: usize, chars: usize| {
        let line = doc.line(j).trim();
        let unspaced = || line.chars().find(|c| c.is_alphabetic()).and_then(script_of).is_some_and(|s| s.is_unspaced());
        line.split_whitespace().nth(words - 1).is_some() || (unspaced() && line.chars().nth(chars - 1).is_some())
    };
    let mut i = 0;
    while i < n {
        // Line `i` opens a run of claimed or kept short lines under a kept line that ends with a colon.
        // The colon ends the line itself: an emoticon's ":)" is no introduction.
        let intro = i > 0 && !doc.lines[i - 1].blank && claims[i - 1].is_none() && doc.line(i - 1).trim().ends_with([':', '：']) && sentence(i - 1, INTRODUCTION_MIN_WORDS, INTRODUCTION_MIN_CHARS);
        if !intro || doc.lines[i].blank {
            i += 1;
            continue;
        }
        // The items: short lines that do not end like a sentence, up to the sentence under them.
        let window = n.min(i + INTRODUCED_MAX_ITEMS + 1);
        let end = (i..window)
            .find(|&j| {
                let line = doc.line(j).trim();
                doc.lines[j].blank || line.chars().nth(INTRODUCED_ITEM_MAX_CHARS).is_some() || ends_like_sentence(line)
            })
            .unwrap_or(window);
        // The text goes on under the list: a sentence, not another list's item.
        let closed = end < n
            && end - i >= 2
            && end - i <= INTRODUCED_MAX_ITEMS
            && !doc.lines[end].blank
            && claims[end].is_none()
            && ends_like_sentence(doc.line(end).trim())
            && !crate::rules::context::is_list_item(doc.line(end).trim())
            && sentence(end, INTRODUCED_SENTENCE_MIN_WORDS, INTRODUCED_SENTENCE_MIN_CHARS);
        if closed && claims[i..end].iter().any(Option::is_none) && claims[i..end].iter().flatten().all(button) && claims[i..end].iter().any(Option::is_some) {
            claims[i..end].iter_mut().for_each(|c| *c = None);
        }
        i = end.max(i + 1);
    }
}

/// Most words a line may have to be kept as the title of the sentence under it.
const TITLE_MAX_WORDS: usize = 4;
/// Fewest words (or, in text without spaces, characters) the sentence under a title has.
const TITLE_SENTENCE_MIN_WORDS: usize = 6;
const TITLE_SENTENCE_MIN_CHARS: usize = 20;

/// Gives back a short claimed line when the next non-blank line, which the output keeps, opens
/// with the same words and goes on as a sentence: "Advertisement" over "Advertisement is a 1913
/// silent short …", "Nach oben" over "Nach oben ging es für den Aktienkurs …", "공유하기" over
/// "공유하기 기능이 …". The line is that sentence's title, not a widget label; a label over
/// widget text ("Notwendige Cookies" over the cookie dialog's description, "Share" over "Share on
/// Facebook") goes, since the line under it goes too. The words must be whole: "Share" over "Shares
/// of the retailer rose …" is no title. A line a rule of its own words took (not the page-context
/// rule, which goes by the page's shape) is also a title when the sentence quotes it anywhere:
/// "Share" over "Tap the “Share” button …", "分享" over "点击右上角的“分享”按钮 …", a help
/// page's steps. The lines kept are decided on the claims as they stand, so cleaning the output
/// again decides the same.
fn keep_run_in_titles(doc: &Document, rules: &[Rule], claims: &mut [Option<Claim>]) {
    let n = doc.lines.len();
    for i in 0..n {
        let Some(c) = claims[i] else { continue };
        if doc.lines[i].blank {
            continue;
        }
        let Some(j) = (i + 1..n).find(|&j| !doc.lines[j].blank) else { continue };
        if claims[j].is_some() {
            continue;
        }
        let quoted = !matches!(rules[c.rule as usize].kind, Kind::Context(_));
        if is_run_in_title(doc.line(i).trim(), doc.line(j).trim(), quoted) {
            claims[i] = None;
        }
    }
}

/// Whether the trimmed line `raw` is the title of the sentence `next_raw` under it (see
/// [`keep_run_in_titles`]): a few words that the sentence opens with, or, with `quoted`, quotes.
fn is_run_in_title(raw: &str, next_raw: &str, quoted: bool) -> bool {
    // A title of a few words: most claimed lines are longer or are followed by other claims.
    if raw.len() > 80 {
        return false;
    }
    // A sentence, or a line of verse that goes on in the next ("Compartir, decía mi
    // abuela,"), not a teaser cut short ("Loading...", "Wird geladen …").
    let end = without_closers(next_raw);
    if !(ends_like_sentence(next_raw) || end.ends_with([',', ';', '،', '，', '、'])) || end.ends_with("..") || end.ends_with('…') {
        return false;
    }
    let title = normalize_label(raw);
    if title.is_empty() || title.split(' ').count() > TITLE_MAX_WORDS {
        return false;
    }
    let next = normalize_label(next_raw);
    let long = || next.split(' ').count() >= TITLE_SENTENCE_MIN_WORDS || next.chars().count() >= TITLE_SENTENCE_MIN_CHARS;
    // The sentence quotes the title anywhere: "Share" over "Tap the “Share” button …", "分享"
    // over "点击右上角的“分享”按钮 …", or names it as whole words in a step through a menu
    // ("Accept cookies" over "… accept cookies in Settings > Privacy > Cookies, then reload the
    // page."); or it opens with it.
    if quoted && next.contains(title.as_str()) && (quotes(next_raw, &title) || (has_menu_path(next_raw) && holds_words(&next, &title))) && long() {
        return true;
    }
    let Some(rest) = next.strip_prefix(title.as_str()) else { return false };
    // The title's words end where a word of the sentence ends, or the title ends in a script
    // written without spaces (Han, Kana), where a particle may follow right after it.
    let whole = rest.starts_with(' ') || title.chars().last().is_some_and(|c| matches!(crate::text::script_of(c), Some(crate::text::Script::Han | crate::text::Script::Kana)));
    whole && !rest.is_empty() && long()
}

/// Gives back the `page_only_start` headings of `heads` (rule, line) in a document that is no
/// whole rendered page when the two nearest lines under one that the output keeps (within
/// [`LIST_REACH`] lines) would both be members of its region: the article's own list and its
/// heading ("Recommended" over a review's dishes), which no rule takes. Over one line, over prose or over nothing, another rule may still
/// take the heading (a lone "Trending"). Judged on the lines the output keeps, so that cleaning
/// the output again decides the same.
fn keep_own_lists(doc: &Document, index: &Index, rules: &[Rule], heads: &[(u32, usize)], claims: &mut [Option<Claim>]) {
    for &(r, i) in heads {
        let Kind::Region(g) = &rules[r as usize].kind else { continue };
        if claims[i].is_none() {
            continue;
        }
        let mut under = (i + 1..doc.lines.len().min(i + 1 + LIST_REACH)).filter(|&j| !doc.lines[j].blank && claims[j].is_none()).take(2);
        let category = rules[r as usize].category;
        let member = |j: Option<usize>| j.is_some_and(|j| is_member(index, rules, g, category, doc.line(j).trim()));
        if member(under.next()) && member(under.next()) {
            claims[i] = None;
        }
    }
}

/// The longest line above (in characters) whose `none_of` phrases keep a `none_of_above` rule's
/// line: a heading, a label or a sentence's last words, not a paragraph that lacks its full stop.
const ABOVE_MAX_CHARS: usize = 80;

/// How far `keep_list_items` looks, in lines, for the nearest line the output keeps.
const LIST_REACH: usize = 12;

/// Gives back the lines of `guarded` (ascending) whose rule still claims them and whose nearest
/// kept line above or below (within [`LIST_REACH`] lines) matches the rule's `not_next_to`: an
/// item of a list of like lines (a lesson plan's timings); or, with `none_of_above`, whose nearest
/// kept line above is short ([`ABOVE_MAX_CHARS`]), does not end like a sentence and holds one of
/// the rule's `none_of` phrases as whole words, and, unless it has three words or fewer (a
/// heading), whose nearest kept line below, if any, is short too (a venue, not the paragraph
/// under a headline's stamp). The neighbours are the lines the output
/// keeps, and a line given back may keep the guarded lines near it, which are then judged again:
/// cleaning the output again decides the same. Each line is given back once and wakes at most
/// `2 * LIST_REACH` others, so the work is linear in the document.
fn keep_list_items(doc: &Document, rules: &[Rule], vetoes: &[Option<Veto>], guarded: &[usize], claims: &mut [Option<Claim>]) {
    let n = doc.lines.len();
    let kept = |claims: &[Option<Claim>], j: usize| !doc.lines[j].blank && claims[j].is_none();
    let mut queue: Vec<usize> = guarded.to_vec();
    while let Some(i) = queue.pop() {
        let Some(c) = claims[i] else { continue };
        let kind = &rules[c.rule as usize].kind;
        let above = (i.saturating_sub(LIST_REACH)..i).rev().find(|&j| kept(claims, j));
        let below = (i + 1..n.min(i + 1 + LIST_REACH)).find(|&j| kept(claims, j));
        let listed = kind.not_next_to().is_some_and(|guard| above.into_iter().chain(below).any(|j| guard.is_match(doc.line(j).trim())));
        // `none_of_above`: the event named in a heading or a sentence that runs on into the line.
        // Under a headline ("Opening ceremony delayed by rain"), a stamp has the article's
        // paragraph below it; an event's date its venue or nothing. A heading of three words or
        // fewer ("Funeral Service", "Trauerfeier") names the event whatever follows (a long
        // address, the service's description).
        let named = || {
            kind.none_of_above()
                && above.is_some_and(|j| {
                    let line = doc.line(j).trim();
                    let heading = line.split_whitespace().nth(3).is_none();
                    line.chars().nth(ABOVE_MAX_CHARS).is_none()
                        && !ends_like_sentence(line)
                        && (heading || below.is_none_or(|j| doc.line(j).trim().chars().nth(ABOVE_MAX_CHARS).is_none()))
                        && vetoes[c.rule as usize].as_ref().is_some_and(|v| v.whole_words_in(line))
                })
        };
        if listed || named() {
            claims[i] = None;
            let near = i.saturating_sub(LIST_REACH)..n.min(i + 1 + LIST_REACH);
            let from = guarded.partition_point(|&g| g < near.start);
            queue.extend(guarded[from..].iter().take_while(|&&g| g < near.end).filter(|&&g| g != i && claims[g].is_some()));
        }
    }
}

/// How many times a line that lost a trailing credit is judged again (see `judge_cues`).
const CAPTION_REJUDGE: usize = 3;

/// What caption rule `r` finds in `part` (a line, or its first bytes), from the hits that lie
/// inside it.
fn caption_finding(c: &crate::rules::caption::Caption, index: &Index, r: u32, hits: &[(u32, u32, u32, u32)], part: &str, chars: usize, cap: &mut LineHits) -> Option<Finding> {
    cap.strong = false;
    cap.weak = false;
    cap.prefix_at_start = false;
    cap.credit_at.clear();
    // Where the line's words start: looked for only when a caption prefix needs it (most lines
    // have no caption hit at all).
    let lead = std::cell::OnceCell::new();
    let lead = || *lead.get_or_init(|| part.len() - part.trim_start_matches(|ch: char| ch.is_whitespace() || matches!(ch, '(' | '[' | '【' | '（' | '-' | '–' | '—' | '•' | '*')).len());
    for &(_, cue, off, len) in hits {
        let (o, l) = (off as usize, len as usize);
        if o + l > part.len() || !crate::rules::caption::ends_a_word(part, o + l) {
            continue;
        }
        match index.cues[cue as usize] {
            Cue::CaptionStrong { rule } if rule == r && c.spelt_as_a_credit(&part[o..o + l]) => {
                // A cue that is a whole credit (`(EPA)`) is evidence only at the end of the
                // line; inside a sentence it is a word in brackets.
                let whole = part[o..o + l].ends_with([')', ']', '）', '】']);
                if !whole || part[o + l..].trim().is_empty() {
                    cap.strong = true;
                }
                cap.credit_at.push((o, l));
            }
            Cue::CaptionWeak { rule } if rule == r => cap.weak = true,
            // A prefix followed by nothing but figures counts photos ("Photos: 12", a listing's
            // field), it credits no one.
            Cue::CaptionPrefix { rule } if rule == r && o == lead() => cap.prefix_at_start = crate::rules::caption::may_name_a_source(&part[o + l..]),
            Cue::CreditPrefix { rule } if rule == r && !crate::rules::caption::runs_on_from_a_word(part, o) => cap.credit_at.push((o, l)),
            _ => {}
        }
    }
    cap.credit_at.sort_unstable();
    c.judge(part, chars, cap)
}

/// Whether some caption rule's agencies end `line` (see [`Caption::ends_with_agency`]): without a
/// cue hit, [`judge_cues`] finds nothing on any other line.
///
/// [`Caption::ends_with_agency`]: crate::rules::caption::Caption::ends_with_agency
fn ends_with_agency(rules: &[Rule], index: &Index, line: &str) -> bool {
    index.caption_rules.iter().any(|&r| matches!(&rules[r as usize].kind, Kind::Caption(c) if c.ends_with_agency(line)))
}

#[allow(clippy::too_many_arguments)]
fn judge_cues(
    rules: &[Rule],
    index: &Index,
    hits: &[(u32, u32, u32, u32)],
    raw: &str,
    chars: usize,
    state: &mut Vec<(u32, u8)>,
    cap: &mut LineHits,
    line_start: usize,
    inline: &mut Vec<(usize, usize, Claim)>,
) -> Option<Claim> {
    state.clear();
    for &(_, cue, _, _) in hits {
        if let Cue::Group { rule, group } = index.cues[cue as usize] {
            state.push((rule, group));
        }
    }
    state.sort_unstable();
    state.dedup();
    let judges = if state.is_empty() { &index.caption_rules } else { &index.cue_rules };
    for &r in judges {
        match &rules[r as usize].kind {
            Kind::Cues(c) => {
                if chars > c.max_chars {
                    continue;
                }
                let got = state.iter().filter(|(rr, _)| *rr == r).count();
                // An instruction through a menu ("設定 > 通知 > メールマガジン から…", "accept
                // cookies in Settings > Privacy > Cookies"): a help page's step, not the prompt it
                // names.
                if got == c.groups.len() && !index.tables.vetoes[r as usize].as_ref().is_some_and(|v| v.is_match(raw)) && !has_menu_path(raw) {
                    return Some(Claim { rule: r, reason: "line holds a cue of every group" });
                }
            }
            Kind::Caption(c) => {
                // A trailing credit goes on its own; what the output keeps of the line is then
                // judged again, as cleaning the output would judge it: a second credit before the
                // first ("(Photo by …) (Xinhua/… via Getty Images)") goes too, and a line that
                // opens with a credit prefix and is short without its credit goes whole.
                // At most CAPTION_REJUDGE times: each look is linear in the line, and a line of
                // thousands of stacked credits must not cost quadratic time.
                let mut limit = raw.len();
                let mut tail: Option<(usize, &'static str)> = None;
                let mut looks = 0;
                let finding = loop {
                    looks += 1;
                    let part = &raw[..limit];
                    let part_chars = if limit == raw.len() { chars } else { char_len(part) };
                    let f = caption_finding(c, index, r, hits, part, part_chars, cap);
                    match f {
                        Some(Finding::Tail(start, why)) if looks <= CAPTION_REJUDGE && start < limit && !raw[..start].trim_end().is_empty() => {
                            tail = Some((start, why));
                            limit = raw[..start].trim_end().len();
                        }
                        Some(Finding::Line(why)) => break Some(Finding::Line(why)),
                        _ => break tail.map(|(s, why)| Finding::Tail(s, why)).or(f),
                    }
                };
                if finding.is_some() && index.tables.vetoes[r as usize].as_ref().is_some_and(|v| v.is_match(raw)) {
                    continue;
                }
                match finding {
                    // A sentence that quotes a caption, its credit inside the quotation marks.
                    Some(Finding::Line(_)) if !cap.prefix_at_start && crate::rules::caption::quotes_a_caption(raw) => {}
                    Some(Finding::Line(why)) => return Some(Claim { rule: r, reason: why }),
                    Some(Finding::Tail(s, _)) if crate::rules::caption::closes_a_quotation(raw, s) => {}
                    Some(Finding::Tail(s, why)) => {
                        inline.push((line_start + s, line_start + raw.trim_end().len(), Claim { rule: r, reason: why }));
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }
    None
}

/// Takes the lines of a region after its start line `i`; returns the next line to look at.
#[allow(clippy::too_many_arguments)]
fn take_region(
    doc: &Document,
    index: &Index,
    rules: &[Rule],
    r: u32,
    g: &crate::rules::region::Region,
    i: usize,
    taken: usize,
    claims: &mut [Option<Claim>],
    ungated: &mut Ungated<'_>,
    buf: &mut String,
) -> usize {
    let category = rules[r as usize].category;
    let mut taken = taken;
    let mut j = i + 1;
    let mut last = i;
    // The start line as a title, for the members that quote it (see `quotes`).
    let mut heading: Option<String> = None;
    while j < doc.lines.len() && taken < g.max_lines {
        let l = doc.lines[j];
        if l.blank {
            if g.stop_at_blank && taken >= g.blank_ends_after {
                break;
            }
            j += 1;
            continue;
        }
        let raw = doc.line(j).trim();
        // Past a blank line, before the region has taken `blank_ends_after` lines, a line that
        // ends like a sentence is the article again; right under the heading, one that ends with
        // a full stop (a headline may ask or exclaim, or end in a Korean polite ending, but it
        // does not end with a stop).
        if g.stop_at_blank && doc.lines[j - 1].blank && (if taken > 0 { ends_like_sentence(raw) } else { ends_with_stop(raw) }) {
            break;
        }
        if !is_member(index, rules, g, category, raw) {
            break;
        }
        // A list of headlines does not run into a comment thread: the thread's heading or count
        // ("2 Comments", "5 thoughts on “…”" under WordPress's "Related") ends it, and the lines
        // under it are judged on their own (a comment is text, and may ask or exclaim as a
        // headline does).
        if g.headline_max_chars > 0 && thread_opens_at(doc, index, rules, j, ungated, buf) {
            break;
        }
        // A reference work's next section ("References" over its sources); a list's own item
        // of the same name ("Literatur" among topics) has headlines under it.
        if g.ends_at(raw) && doc.lines[j + 1..].iter().position(|l| !l.blank).is_none_or(|k| {
            let next = doc.line(j + 1 + k).trim();
            ends_with_full_stop(next) || !is_member(index, rules, g, category, next)
        }) {
            break;
        }
        // A line that quotes the heading is about it ("Блок «Читайте также» подбирает редактор"):
        // prose, not a member.
        if may_quote(raw) && quotes(raw, heading.get_or_insert_with(|| normalize_label(doc.line(i).trim()))) {
            break;
        }
        // Headlines do not end with a full stop: under the first one, a line that does is the
        // article again ("… 잘하시내요", "… it said.").
        if g.headline_max_chars > 0 && taken > 0 && ends_with_full_stop(raw) {
            break;
        }
        // A heading that opens a region of its own on any terms ("Leave a Reply" under a list
        // of headlines, a second "Related articles"): the main loop takes it, with its lines.
        if starts_region(index, rules, raw) {
            break;
        }
        if claims[j].is_none() {
            claims[j] = Some(Claim { rule: r, reason: "inside a region" });
        }
        taken += 1;
        last = j;
        j += 1;
    }
    last + 1
}

/// The document's searchers of the two line sets whose patterns have no gate (the main and the
/// digit set): the main loop's, which [`take_region`] also asks to tell a comment thread's first
/// line (see [`opens_thread`]).
struct Ungated<'a> {
    main: crate::lineset::Searcher<'a>,
    digits: crate::lineset::Searcher<'a>,
}

/// Whether a comment thread opens at line `j`: the line opens one (see [`opens_thread`]), and it is
/// not the count a widget prints under each of its headlines ("Ten cafés worth the detour / 5
/// Comments / Why the clock tower stopped / No Comments"), where the line after the next is
/// another count.
fn thread_opens_at(doc: &Document, index: &Index, rules: &[Rule], j: usize, ungated: &mut Ungated<'_>, buf: &mut String) -> bool {
    if !opens_thread(index, rules, doc.line(j).trim(), ungated, buf) {
        return false;
    }
    let after_next = (j + 1..doc.lines.len()).filter(|&k| !doc.lines[k].blank).nth(1);
    !after_next.is_some_and(|k| opens_thread(index, rules, doc.line(k).trim(), ungated, buf))
}

/// Whether the trimmed line `raw` is a comment thread's heading or count: a rule of the
/// comment-thread category removes it as the thread's heading ("5 thoughts on “…”", a `quoted`
/// phrase) or its count ("2 Comments", "12 Kommentare", a pattern). Only the patterns of the main
/// and digit line sets are asked, not the gated or floating ones (a gate's phrases are known for
/// the line being judged, not for the lines a region looks ahead at); the default rules' comment
/// counts are all in those two sets.
fn opens_thread(index: &Index, rules: &[Rule], raw: &str, ungated: &mut Ungated<'_>, buf: &mut String) -> bool {
    let thread = |r: u32| rules[r as usize].category == crate::Category::CommentThread;
    let chars = char_len(raw);
    if !index.tables.quoted.is_empty() && chars <= index.tables.max_quoted_chars && raw.ends_with(CLOSING_QUOTES) {
        let head = index.quoted_head(raw, buf);
        if index.quoted_rule(raw, head, rules).is_some_and(thread) {
            return true;
        }
    }
    if chars > index.max_pattern_chars {
        return false;
    }
    let allowed = |k: u32| {
        let r = index.regex_rule[k as usize];
        thread(r) && matches!(&rules[r as usize].kind, Kind::Pattern(p) if chars <= p.max_chars && !p.has_foreign_label(raw)) && !index.tables.vetoes[r as usize].as_ref().is_some_and(|v| v.is_match(raw))
    };
    (!index.regex.is_empty() && ungated.main.first(raw, |p| Some(index.regex_ids[p]).filter(|&k| allowed(k))).is_some())
        || (!index.digits.is_empty() && crate::lineset::has_digit(raw) && ungated.digits.first(raw, |p| Some(index.digit_ids[p]).filter(|&k| allowed(k))).is_some())
}

/// Whether the trimmed line `raw` may belong to region `g` of `category`: short enough for
/// `member_max_chars`, a headline within `headline_max_chars`, or made of its members and the
/// labels of its category.
fn is_member(index: &Index, rules: &[Rule], g: &crate::rules::region::Region, category: crate::Category, raw: &str) -> bool {
    let chars = char_len(raw);
    (chars <= g.member_max_chars
        || (chars <= g.headline_max_chars && !ends_like_sentence(raw) && !is_quotation_of_a_price(raw))
        || (chars <= index.tables.max_short
            && index
                .cover(&normalize_label(raw), None, &[Role::RegionMember, Role::RegionStart, Role::Strong, Role::Weak], rules, Some(category))
                .is_some()))
        && !is_glossary_entry(raw)
}

/// Whether the trimmed line `raw` is a price or a rate and its label, not a headline: a few
/// words ending in a number with two to four decimals ("EUR/USD: 1,0851", "Dolar/TL: 36,48",
/// "USD/IDR 16.320") — a market report's lines under a "Most read" heading.
fn is_quotation_of_a_price(raw: &str) -> bool {
    let mut words = raw.split_whitespace();
    let Some(last) = words.next_back() else { return false };
    let Some((int, frac)) = last.rsplit_once(['.', ',']) else { return false };
    words.count() <= 3
        && (1..=6).contains(&int.len())
        && (2..=4).contains(&frac.len())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the trimmed line `raw` is the start line of a region rule that does not need a member.
fn starts_region(index: &Index, rules: &[Rule], raw: &str) -> bool {
    char_len(raw) <= index.tables.max_short
        && index
            .cover(&normalize_label(raw), Some(Role::RegionStart), &[Role::RegionStart, Role::RegionMember, Role::Strong, Role::Weak], rules, None)
            .is_some_and(|r| matches!(&rules[r as usize].kind, Kind::Region(g) if !g.needs_member))
        && !is_glossary_entry(raw)
}

/// Whether region `g` does not open on the start line `i`: the first non-blank line under it is
/// one of the rule's `not_next_to` patterns.
fn region_vetoed(doc: &Document, g: &crate::rules::region::Region, i: usize) -> bool {
    region_vetoed_over(doc, g, i, |_| true)
}

/// [`region_vetoed`], where the first non-blank line under `i` vetoes only if `left` keeps it.
fn region_vetoed_over(doc: &Document, g: &crate::rules::region::Region, i: usize, left: impl Fn(usize) -> bool) -> bool {
    g.not_next_to.as_ref().is_some_and(|guard| (i + 1..doc.lines.len()).find(|&j| !doc.lines[j].blank).is_some_and(|j| left(j) && guard.is_match(doc.line(j).trim())))
}

/// Whether the trimmed line `t` is a heading as written, no code that normalises to one: a
/// program's `"comments": [` or `<comments>` is a key, not a thread's heading (a Markdown
/// `## Comments` is one).
fn heading_alone(t: &str) -> bool {
    !t.bytes().any(|b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']' | b'<' | b'>' | b'=' | b'`' | b'\\'))
}

/// Whether a line under the `to_end` start `i` is evidence that a comment thread follows: among
/// the first [`Region::EVIDENCE_LINES`] lines of 20 characters or more under it that no other rule
/// removed, and the lines between them (four times as many non-blank lines at most), one matches
/// the rule's `thread_evidence`. Only kept lines are counted, so a second pass, without the
/// removed ones, searches the same lines. That another rule removes a line there is no evidence: a
/// page's own sections end over a comment form or a "Comment" button ("Skomentuj") as often as a
/// thread does.
///
/// [`Region::EVIDENCE_LINES`]: crate::rules::region::Region::EVIDENCE_LINES
fn thread_follows(doc: &Document, evidence: &crate::rules::pattern::NotNextTo, i: usize, claims: &[Option<Claim>]) -> bool {
    let mut kept = 0;
    // Under a table or a timetable of short lines, the search still ends.
    let mut seen = 0;
    for (j, (line, claim)) in doc.lines.iter().zip(claims).enumerate().skip(i + 1) {
        if line.blank {
            continue;
        }
        seen += 1;
        if seen > 4 * crate::rules::region::Region::EVIDENCE_LINES {
            return false;
        }
        match claim {
            Some(_) => {}
            // Buttons and labels between the comments (a form's "Abbrechen Senden") are not counted.
            None if char_len(doc.line(j).trim()) < 20 => {}
            None => {
                kept += 1;
                if kept > crate::rules::region::Region::EVIDENCE_LINES {
                    return false;
                }
            }
        }
        if evidence.is_match(doc.line(j).trim()) {
            return true;
        }
    }
    false
}

/// Rounds of [`open_to_end`] at most.
const TO_END_ROUNDS: usize = 8;

/// Opens the regions of `candidates` (rule, start line) that run to the end of the document, as
/// cleaning the output again would open them, so that a second pass removes nothing more.
///
/// The position prior (past the first quarter) is judged where a start stands in the output of
/// every edit decided so far, not in the input: lines other rules remove above it, or a region that
/// ends the document below it, would otherwise move it past the quarter on a second pass. So the
/// first start that passes is opened, the output is worked out again, and an earlier start that
/// now passes is opened in turn, until no start passes or opening one changes nothing.
fn open_to_end(doc: &Document, line_chars: &[usize], rules: &[Rule], candidates: &[(u32, usize)], claims: &mut [Option<Claim>], inline: &[(usize, usize, Claim)]) {
    if rules.iter().any(|rule| matches!(&rule.kind, Kind::Context(c) if c.active_counted(doc, line_chars))) {
        return;
    }
    // Candidates at or past `end` lie inside a region already opened.
    let mut end = doc.lines.len();
    let mut tried = vec![false; candidates.len()];
    // Each round is linear in the document; a chain of re-openings longer than this (a page of
    // nothing but "Comments" headings) stops early rather than growing quadratically.
    for _ in 0..TO_END_ROUNDS {
        let edits = resolve(doc, rules, claims, inline.to_vec());
        // Where each candidate starts in the output, and how many content lines the output keeps
        // above it (candidates are in line order, edits in byte order: one walk each).
        let mut at = Vec::with_capacity(candidates.len());
        let (mut e, mut removed, mut j, mut kept) = (0, 0, 0, 0);
        for &(_, i) in candidates {
            let start = doc.lines[i].start;
            while e < edits.len() && edits[e].end <= start {
                removed += edits[e].end - edits[e].start;
                e += 1;
            }
            let partly = edits.get(e).filter(|x| x.start < start).map_or(0, |x| start - x.start);
            while j < i {
                kept += usize::from(!doc.lines[j].blank && claims[j].is_none());
                j += 1;
            }
            at.push((start - removed - partly, kept + 1));
        }
        let out_len = doc.text.len() - edits.iter().map(|e| e.end - e.start).sum::<usize>();
        let pick = candidates.iter().enumerate().find(|&(k, &(r, i))| {
            let (start, nth_content) = at[k];
            !tried[k] && i < end && matches!(&rules[r as usize].kind, Kind::Region(g) if g.may_start(nth_content, start, out_len))
        });
        let Some((k, &(r, i))) = pick else { return };
        tried[k] = true;
        let before: Vec<Option<u32>> = claims.iter().map(|c| c.map(|c| c.rule)).collect();
        run_to_end(doc, rules, r, i, claims);
        if claims.iter().map(|c| c.map(|c| c.rule)).eq(before) {
            return;
        }
        if claims.get(i + 1..).is_some_and(|rest| rest.iter().zip(&doc.lines[i + 1..]).all(|(c, l)| l.blank || c.is_some())) {
            end = i;
        }
    }
}

/// Whether a line opens with the number or letter of a list item and a space: "1. ", "2) ",
/// "(3) ", "a) ".
fn opens_numbered_item(line: &str) -> bool {
    let b = line.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let after = |k: usize, close: &[u8]| b.get(k).is_some_and(|c| close.contains(c)) && b.get(k + 1) == Some(&b' ');
    match b.first() {
        Some(b'(') => {
            let d = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            (1..=2).contains(&d) && after(1 + d, b")")
        }
        Some(c) if c.is_ascii_lowercase() => after(1, b")"),
        _ => (1..=2).contains(&digits) && after(digits, b".)"),
    }
}

/// Opens the `to_end` region that starts on line `i`, once every other rule has judged the lines
/// after it (never in a whole rendered page, where "Comments" is a menu link). Passing over the
/// lines other rules removed, and the same way on a second pass (idempotence):
/// - when one of them is not thread chrome (a comment form, a list heading), the start is the
///   heading of that block and goes alone;
/// - when the first line left is text of 20 characters or more (a comment), the region runs to
///   the end of the document;
/// - when nothing is left under it, or only a bare count ("224") or the same word again (a
///   "Comments" button), at most three such lines, it is the thread's heading over a thread the
///   extractor dropped: it goes, with those lines;
/// - else (a short line) the heading stays: a bare "Comments" counts only beside thread text; so
///   does a heading over a numbered item ("1. The event-study figure should …"): the points of a
///   referee report or a review, not a thread.
fn run_to_end(doc: &Document, rules: &[Rule], r: u32, i: usize, claims: &mut [Option<Claim>]) {
    let n = doc.lines.len();
    // A first line under the start that another rule removed is chrome, not a letter's first
    // line: it vetoes nothing (a comment policy under "Kommentare" had kept the thread on the
    // first pass and let a second pass remove it).
    if matches!(&rules[r as usize].kind, Kind::Region(g) if region_vetoed_over(doc, g, i, |j| claims[j].is_none())) {
        return;
    }
    let thread_chrome = |c: &Claim| matches!(rules[c.rule as usize].category, Category::CommentThread | Category::ReadMore);
    let evidence = match &rules[r as usize].kind {
        Kind::Region(g) => g.thread_evidence.as_ref(),
        _ => None,
    };
    let mut left = (i + 1..n).filter(|&j| !doc.lines[j].blank);
    let (mut first, mut chrome_seen, mut notice_seen) = (None, false, false);
    for j in left.by_ref() {
        match &claims[j] {
            Some(c) if thread_chrome(c) => {}
            // Under a poster's line, a stamp that another rule removes is the comment's own.
            Some(_) if chrome_seen => {}
            Some(_) => {
                claims[i] = Some(Claim { rule: r, reason: "heading of the block under it" });
                return;
            }
            // A poster's line or a Reply button: the thread's own chrome, over its first comment.
            None if evidence.is_some_and(|ev| ev.is_match(doc.line(j).trim())) => {
                chrome_seen = true;
                notice_seen |= char_len(doc.line(j).trim()) >= 20;
            }
            None => {
                first = Some(j);
                break;
            }
        }
    }
    // A numbered item, or a sentence whose title the heading is, which opens with it or quotes it
    // ("Коментарі можна знову ввімкнути …", "Раздел «Комментарии» находится под каждой
    // статьей"): the heading is a section's, not a thread's.
    if first.is_some_and(|j| opens_numbered_item(doc.line(j).trim()) || is_run_in_title(doc.line(i).trim(), doc.line(j).trim(), true)) {
        return;
    }
    // Buttons with no comment under them ("Comments" over "Reply" alone) are no thread: they stay;
    // a thread's notice ("Comments may take up to an hour for moderation …") goes with its heading.
    if chrome_seen && !notice_seen && first.is_none() {
        return;
    }
    // Under the thread's own chrome, a short comment ("Anna K." over "Great news") is the thread's.
    if !chrome_seen && first.is_none_or(|j| char_len(doc.line(j).trim()) < 20) {
        // Only a count or the heading word again to the end: the heading of a thread that is
        // not there, with its counter.
        let heading = normalize_label(doc.line(i));
        let rest: Vec<usize> = first.into_iter().chain(left).filter(|&j| claims[j].is_none()).collect();
        let remnant = |j: usize| {
            let t = doc.line(j).trim();
            !t.chars().any(char::is_alphabetic) || normalize_label(t) == heading
        };
        if rest.len() <= 3 && rest.iter().all(|&j| remnant(j)) {
            claims[i] = Some(Claim { rule: r, reason: "heading at the end of the document with no thread under it (position prior)" });
            for j in rest {
                claims[j] = Some(Claim { rule: r, reason: "comment count under a thread heading at the end of the document" });
            }
        }
        return;
    }
    // A bare "Comments" over text heads a section of the page as often as a thread (a paper's
    // variable, a judgment's reasoning, an exam's notes): the rest of the document goes only
    // with evidence of a thread under it.
    if let Kind::Region(g) = &rules[r as usize].kind {
        // Chrome passed over above is evidence already: it stood before the first comment.
        if !chrome_seen && g.needs_evidence(doc.line(i)) && evidence.is_some_and(|ev| !thread_follows(doc, ev, i, claims)) {
            return;
        }
    }
    claims[i] = Some(Claim { rule: r, reason: "region start, past the first quarter of the document (position prior)" });
    for (k, c) in claims.iter_mut().enumerate().skip(i + 1) {
        if !doc.lines[k].blank && c.is_none() {
            *c = Some(Claim { rule: r, reason: "inside a region that runs to the end of the document" });
        }
    }
}

/// The `glued_start` region whose start opens the trimmed line `raw` and is followed, after a
/// space, by a headline: the rest does not open in lower case, does not end like a sentence and is
/// at most `headline_max_chars` long. A start of one word must be of a script without case
/// (`関連記事`): "Related Party Transactions" is a heading of its own.
fn glued_start(index: &Index, rules: &[Rule], raw: &str, first: Option<&str>, buf: &mut String, so_far: &mut String) -> Option<u32> {
    let heads = &index.tables.glued_heads;
    // Most lines are gone after their first word: it opens no glued start. `first`, when given,
    // is that word normalised (empty for a line without words).
    if first.is_some_and(|tok| tok.is_empty() || !heads.contains(tok)) {
        return None;
    }
    // Normalised up to the first word that no glued start continues with, or the longest start.
    let mut tokens = 0;
    let mut opens = false;
    // The words so far, as `buf` holds them: made only for a line whose first word opens a start.
    so_far.clear();
    buf.clear();
    normalize_into(raw, buf, |tok| {
        tokens += 1;
        if tokens > 1 {
            so_far.push(' ');
        }
        let head = if tokens == 1 {
            opens = heads.contains(tok);
            opens
        } else {
            so_far.push_str(tok);
            heads.contains(so_far.as_str())
        };
        if tokens == 1 && head {
            so_far.push_str(tok);
        }
        head && tokens <= index.tables.max_glued_tokens
    });
    if !opens {
        return None;
    }
    glued_start_in(index, rules, raw, buf)
}

/// The glued start that opens `raw`, whose first words `norm` holds normalised: the longest
/// first, at most `max_glued_tokens` words.
fn glued_start_in(index: &Index, rules: &[Rule], raw: &str, norm: &str) -> Option<u32> {
    let words: Vec<&str> = norm.split(' ').collect();
    for k in (1..=index.tables.max_glued_tokens.min(words.len())).rev() {
        let key = &norm[..words[..k].iter().map(|w| w.len()).sum::<usize>() + k - 1];
        let Some(&r) = index.tables.glued.get(key) else { continue };
        let Kind::Region(g) = &rules[r as usize].kind else { continue };
        if k == 1 && key.chars().any(|c| c.is_lowercase()) {
            continue;
        }
        let Some(end) = end_of_words(raw, k) else { continue };
        let after = &raw[end..];
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = after.trim();
        if rest.is_empty()
            || rest.chars().find(|c| c.is_alphanumeric()).is_some_and(char::is_lowercase)
            || char_len(rest) > g.headline_max_chars
            || ends_like_sentence(rest)
        {
            return None;
        }
        return Some(r);
    }
    None
}

/// The byte offset where the `words`-th word of `raw` ends (words as [`normalize_label`] cuts
/// them: an apostrophe or hyphen inside a word joins it).
fn end_of_words(raw: &str, words: usize) -> Option<usize> {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in raw.char_indices() {
        let sep = crate::text::is_separator(c) && !(in_word && matches!(c, '\'' | '’' | '-') && raw[i + c.len_utf8()..].chars().next().is_some_and(|n| !crate::text::is_separator(n)));
        if !sep {
            in_word = true;
            continue;
        }
        if in_word {
            seen += 1;
            in_word = false;
            if seen == words {
                return Some(i);
            }
        }
    }
    None
}

/// Whether a line ends with a full stop (not a question or exclamation mark, which headlines use),
/// or with a Korean polite sentence ending (`…요`, `…니다`).
fn ends_with_full_stop(raw: &str) -> bool {
    let t = without_closers(raw);
    ends_with_stop(t) || t.ends_with('요') || t.ends_with("니다")
}

/// `raw` without the white space, closing quotes and brackets at its end.
fn without_closers(raw: &str) -> &str {
    raw.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | '」' | '』' | ')' | '）' | ']'))
}

/// Whether a line ends with a full stop (`.`, `。`, the danda `।` of Bengali and Hindi, the Urdu
/// full stop `۔` or the Armenian `։`, closing quotes and brackets after it allowed; not an
/// ellipsis).
fn ends_with_stop(raw: &str) -> bool {
    let t = without_closers(raw);
    t.ends_with(['.', '。', '।', '۔', '։']) && !t.ends_with("...")
}

/// Whether a line ends like a sentence: a full stop, question or exclamation mark (closing
/// quotes and brackets after it allowed).
pub(crate) fn ends_like_sentence(raw: &str) -> bool {
    let t = without_closers(raw);
    t.ends_with(['.', '!', '?', '。', '！', '？', '…', '؟', '।', '۔', '։'])
}

/// Turns line claims and inline proposals into sorted, non-overlapping edits.
fn resolve(doc: &Document, rules: &[Rule], claims: &[Option<Claim>], mut inline: Vec<(usize, usize, Claim)>) -> Vec<Edit> {
    let text = doc.text;
    let lines = &doc.lines;
    let n = lines.len();
    let mut spans: Vec<(usize, usize, Claim)> = Vec::new();
    let mut a = 0;
    while a < n {
        if claims[a].is_none() {
            a += 1;
            continue;
        }
        // Group: claimed lines joined by blank lines.
        let mut b = a;
        let mut k = a + 1;
        while k < n {
            if lines[k].blank {
                k += 1;
                continue;
            }
            if claims[k].is_some() {
                b = k;
                k += 1;
            } else {
                break;
            }
        }
        let next_content = (b + 1..n).find(|&c| !lines[c].blank);
        let prev_content = (0..a).rev().find(|&c| !lines[c].blank);
        let prev_blank = a == 0 || lines[a - 1].blank;
        let (start, end) = match (next_content, prev_content) {
            (Some(c), _) if prev_blank => (lines[a].start, lines[c].start),
            (Some(_), _) => (lines[a].start, lines[b].next),
            (None, Some(p)) => (lines[p].end, lines[b].end),
            (None, None) => (lines[a].start, text.len()),
        };
        // Split the group where the rule changes.
        let mut cur_start = start;
        let mut cur = claims[a].unwrap();
        for k in a + 1..=b {
            if let Some(c) = claims[k] {
                if c.rule != cur.rule {
                    let cut = lines[k].start;
                    spans.push((cur_start, cut, cur));
                    cur_start = cut;
                    cur = c;
                }
            }
        }
        spans.push((cur_start, end, cur));
        a = b + 1;
    }
    // Inline spans outside removed lines, each with one adjacent space.
    inline.sort_by_key(|s| (s.0, s.1));
    // `spans` are sorted and disjoint and `inline` is sorted by start, so one cursor finds the
    // first removed span that ends after `s`; only it can overlap `s..e` (a scan of all spans per
    // proposal was quadratic in the number of edits).
    let mut cursor = 0;
    let mut extra = Vec::new();
    let mut last_end = 0;
    for (s, e, c) in inline {
        while cursor < spans.len() && spans[cursor].1 <= s {
            cursor += 1;
        }
        let in_removed = cursor < spans.len() && spans[cursor].0 < e;
        if s < last_end || in_removed {
            continue;
        }
        let after = text[e..].chars().next();
        let before = text[..s].chars().next_back();
        let hspace = |c: Option<char>| c.is_some_and(|c| c.is_whitespace() && c != '\n' && c != '\r');
        let (s, e) = if hspace(after) && hspace(before) {
            (s, e + after.unwrap().len_utf8())
        } else if hspace(before) {
            (s - before.unwrap().len_utf8(), e)
        } else if hspace(after) {
            (s, e + after.unwrap().len_utf8())
        } else {
            (s, e)
        };
        if s < last_end {
            continue;
        }
        last_end = e;
        extra.push((s, e, c));
    }
    spans.extend(extra);
    spans.sort_by_key(|s| s.0);
    spans
        .into_iter()
        .filter(|(s, e, _)| e > s)
        .map(|(s, e, c)| {
            let rule = &rules[c.rule as usize];
            Edit { rule: rule.id.clone(), category: rule.category, start: s, end: e, text: text[s..e].to_string(), reason: c.reason.to_string() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token set holds exactly the tokens put in, whatever their length: tokens that differ in
    /// one byte, in a trailing NUL (the keys' padding), in length only, short and long, and
    /// every cut of them at a character boundary, looked up against a plain set.
    #[test]
    fn menu_paths_are_words_joined_by_an_arrow_or_a_spaced_angle() {
        for yes in ["accept cookies in Settings > Privacy > Cookies", "設定 > 通知 > メールマガジン から", "go to Settings → Discussion → Comments", "Einstellungen › Datenschutz › Cookies"] {
            assert!(has_menu_path(yes), "{yes}");
        }
        for no in ["if x > 5 then", "Settings>Privacy", "<b>bold</b> text", "v1.2 → v1.3", "»Zitat« und >> Pfeile", "→", "You can change your choice at any time under Settings > Cookies.", "Newsletter → Jetzt anmelden"] {
            assert!(!has_menu_path(no), "{no}");
        }
        assert!(holds_words("if videos don t play accept cookies in settings", "accept cookies"));
        assert!(!holds_words("unaccept cookiesx", "accept cookies"));
    }

    #[test]
    fn token_sets_hold_exactly_their_tokens() {
        let base = ["", "a", "le", "the", "über", "日本語", "share", "comments", "newsletter", "abonnieren", "fünfzehnbytes", "exactlyfifteen!", "sixteen-bytes-xx", "a-much-longer-token-than-that"];
        let mut all: Vec<String> = Vec::new();
        for b in base {
            for (i, _) in b.char_indices().chain([(b.len(), ' ')]) {
                let head = &b[..i];
                all.extend([head.to_string(), format!("{head}\0"), format!("{head}x"), format!("\0{head}")]);
            }
        }
        all.sort();
        all.dedup();
        // Every other one in the set.
        let inside: std::collections::HashSet<&str> = all.iter().step_by(2).map(String::as_str).collect();
        let set: TokenSet = all.iter().step_by(2).map(String::as_str).collect();
        assert!(!set.short.is_empty() && !set.long.is_empty());
        for tok in &all {
            assert_eq!(set.contains(tok), inside.contains(tok.as_str()), "{tok:?}");
        }
        for n in 0..=16 {
            let bytes: Vec<u8> = (1..=n as u8).collect();
            let tok = std::str::from_utf8(&bytes).unwrap();
            assert_eq!(TokenSet::key(tok).map(|k| (k[1] >> 56) as usize), (n <= 15).then_some(n), "{n}");
        }
    }

    /// The engine judges a line without cue hits only when it ends with an agency: on every other
    /// line such a judgement claims nothing and cuts nothing. Every fixture line, and each with
    /// credits and agencies put at its end, in and out of brackets and in other cases.
    #[test]
    fn lines_without_hits_are_judged_only_when_they_end_with_an_agency() {
        let cleaner = crate::Cleaner::new().unwrap();
        let (rules, index) = (cleaner.rules(), &cleaner.index);
        let (mut state, mut cap, mut inline) = (Vec::new(), LineHits::default(), Vec::new());
        let (mut agency, mut found) = (0, 0);
        for line in crate::fixture_lines() {
            let trimmed = line.trim_end();
            for end in ["", " (AP)", " (AP Photo/Jane Roe)", " Photo: Reuters", " Foto: dpa", " — Reuters", " / Getty Images", " (getty images)", " AFP", ", Xinhua", " (EPA)", " (ePA)", "."] {
                let l = format!("{trimmed}{end}");
                inline.clear();
                let claim = judge_cues(rules, index, &[], &l, l.chars().count(), &mut state, &mut cap, 0, &mut inline);
                let judged = claim.is_some() || !inline.is_empty();
                found += usize::from(judged);
                if ends_with_agency(rules, index, &l) {
                    agency += 1;
                } else {
                    assert!(!judged, "{l:?}");
                }
            }
        }
        assert!(agency > 1000 && found > 500, "{agency} {found}");
    }

    /// A region that takes a line holding cue hits must not hide the hits of the lines after it.
    #[test]
    fn cues_after_a_region_are_still_judged() {
        let c = crate::Cleaner::new().unwrap();
        let tail = "Firefighters work at the scene on Tuesday. (AP Photo/John Doe)";
        let region = "Related articles\nStorm hits coast (AP Photo/Jane Roe)\nCouncil approves budget\n\n";
        let text = format!("The council met on Monday to discuss the budget for the coming year.\n\n{region}The vote was close, officials said, and the debate lasted hours.\n\n{tail}\n\nThe mayor said more funding would follow.\n");
        let edits = c.edits(&text);
        assert!(edits.iter().any(|e| e.category == Category::RelatedLinks), "the region is found: {edits:?}");
        let at = text.find(tail).unwrap();
        assert!(edits.iter().any(|e| e.category == Category::Caption && e.start >= at), "the caption after it is found: {edits:?}");
    }

    /// A pattern rule with `none_of` and `not_next_to`, alone, and its removals of `text`.
    fn guarded_removals(text: &str) -> (Vec<String>, String) {
        let rules = "[[rule]]\nid = \"t\"\nkind = \"pattern\"\ncategory = \"timestamp\"\ndescription = \"d\"\n\
                     patterns.en = ['reading time: [0-9]+ minutes', '[0-9]+ min read']\nnone_of.en = ['quiz']\n\
                     not_next_to.any = ['[a-z -]+: [0-9]+ minutes']\n\
                     [[rule]]\nid = \"s\"\nkind = \"pattern\"\ncategory = \"share_bar\"\ndescription = \"d\"\npatterns.en = ['share this:']\n";
        let c = crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rules).max_removed_share(1.0).build().unwrap();
        let out = c.clean(text);
        assert_eq!(c.clean(&out.text).text, out.text, "cleaning the output again changes nothing: {text:?}");
        (out.edits.iter().map(|e| e.text.trim().to_string()).collect(), out.text)
    }

    /// A `page_only_start` heading outside a whole page stays over two lines the output keeps
    /// that would be its list; over lines other rules remove, then prose or nothing, the heading
    /// rule takes it, in one pass: cleaning the output again changes nothing (a review found the
    /// first form, which looked at the raw line under it, removing the heading only on a second
    /// pass).
    #[test]
    fn own_list_headings_are_judged_on_kept_lines() {
        let c = crate::Cleaner::builder().build().unwrap();
        let prose = "The council approved the new budget on Tuesday after a long debate.\n\n";
        for (text, kept) in [
            (format!("{prose}Recommended\nPappardelle with wild boar ragù\nBurrata with blood orange\n\nThe pasta was the best in town."), true),
            (format!("{prose}Trending\nRelated: The council will vote again in June\nThe budget takes effect on 1 July."), false),
            (format!("{prose}Most popular\nAdvertisement\nThe council approved the budget on Tuesday."), false),
            (format!("{prose}Recommended\nMarch 3, 2024 10:15 am"), false),
            (format!("{prose}Trending\n\nHere is what we know so far:\nThe budget takes effect on 1 July, the mayor said."), false),
        ] {
            let out = c.clean(&text);
            assert_eq!(c.clean(&out.text).text, out.text, "cleaning the output again changes nothing: {text:?}");
            let heading = text.lines().nth(2).unwrap();
            assert_eq!(out.text.lines().any(|l| l == heading), kept, "{text:?} -> {:?}", out.text);
        }
    }

    /// `none_of_above`: a `none_of` phrase, as whole words, in the nearest kept line above that
    /// is short and no full sentence keeps the line (a line another rule removes is skipped);
    /// inside another word, after a full stop, in a long line, over a paragraph or without the
    /// field, it does not.
    #[test]
    fn none_of_above_keeps_a_date_under_its_event() {
        let rule = |extra: &str| {
            format!(
                "[[rule]]\nid = \"t\"\nkind = \"pattern\"\ncategory = \"timestamp\"\ndescription = \"d\"\n\
                 patterns.en = ['[a-z]+ [0-9]+, [0-9]{{4}} [0-9]+:[0-9]{{2}}']\nnone_of.en = ['funeral', 'messe']\n{extra}\
                 [[rule]]\nid = \"s\"\nkind = \"pattern\"\ncategory = \"share_bar\"\ndescription = \"d\"\npatterns.en = ['share this:']\n"
            )
        };
        let removed = |extra: &str, text: &str| {
            let c = crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rule(extra)).max_removed_share(1.0).build().unwrap();
            let out = c.clean(text);
            assert_eq!(c.clean(&out.text).text, out.text, "cleaning the output again changes nothing: {text:?}");
            out.edits.iter().filter(|e| &*e.rule == "t").count()
        };
        let above = "none_of_above = true\n";
        let long = format!("{} funeral", "word ".repeat(16));
        for (text, kept) in [
            ("Funeral Service\nMarch 9, 2024 11:00\nSt Mary's Church.", true),
            ("Funeral Service\nShare this:\nMarch 9, 2024 11:00", true),
            ("The funeral takes place on\nMarch 9, 2024 11:00", true),
            ("Council delays vote\nMarch 9, 2024 11:00\nThe vote is in June.", false),
            ("Hundreds came to the funeral.\nMarch 9, 2024 11:00", false),
            ("La promesse du gouvernement\nmars 9, 2024 11:00", false),
            ("Funeral plans for the mayor announced\nMarch 9, 2024 11:00\nThe family of the former mayor said on Monday that the service would be held at the cathedral next week.", false),
            ("Funeral Service\nMarch 9, 2024 11:00\nSt Mary's Catholic Church, 1234 North Lincoln Avenue, Springfield, with a reception to follow in the parish hall.", true),
            (long.as_str(), false),
        ] {
            let text = if text.starts_with("word") { format!("{text}\nMarch 9, 2024 11:00") } else { text.to_string() };
            assert_eq!(removed(above, &text), usize::from(!kept), "{text:?}");
            assert_eq!(removed("", &text), 1, "without the field: {text:?}");
        }
        let bad = "[[rule]]\nid = \"t\"\nkind = \"pattern\"\ncategory = \"timestamp\"\ndescription = \"d\"\npatterns.en = ['x']\nnone_of_above = true\n";
        let err = crate::Cleaner::builder().default_rules(false).rules_str("t.toml", bad).build().unwrap_err().to_string();
        assert!(err.contains("t.toml:7:") && err.contains("needs `none_of`"), "{err}");
    }

    /// `none_of_quoted`: a phrase right after a mark that only opens a quotation, or after a space
    /// and a mark that may also close one, vetoes the line; the same words unquoted, or glued to a
    /// closing mark, do not. A Han phrase counts glued to any mark, as unspaced text writes it.
    #[test]
    fn quoted_vetoes_keep_only_quotations() {
        let rules = "[[rule]]\nid = \"c\"\nkind = \"cues\"\ncategory = \"cookie_notice\"\ndescription = \"d\"\n\
                     all_of = [{ en = ['cookies'] }, { en = ['you agree'] }]\nnone_of_quoted.en = ['we use cookies']\nnone_of_quoted.zh = ['我们使用']\n";
        let c = crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rules).max_removed_share(1.0).build().unwrap();
        let banner = "We use cookies. By staying you agree.";
        for (text, removed) in [
            (banner.to_string(), true),
            (format!("A banner that says \"{banner}\" is not enough."), false),
            (format!("A banner that says «{banner}» is not enough."), false),
            (format!("A banner that says « {banner} » is not enough."), false),
            (format!("A banner that says „{banner}“ is not enough."), false),
            (format!("\"{banner}\" is not enough."), false),
            (format!("‘{banner}’ is not enough."), false),
            (format!("\t“{banner}” is not enough."), false),
            (format!("Notice:\"{banner}"), true),
            (format!("“The end”{banner}"), true),
            ("写一句“我们使用cookies, you agree”是不够的。".to_string(), false),
            (format!("Ein Plakat »Nein« {banner}"), true),
            (format!("Ein Plakat »Nein«{banner}"), true),
            ("大家说“好”我们使用cookies, you agree".to_string(), true),
        ] {
            assert_eq!(c.clean(&text).edits.is_empty(), !removed, "{text:?}");
        }
        // A kind without vetoes does not take the field, and says where.
        let phrase = "[[rule]]\nid = \"p\"\nkind = \"phrase\"\ncategory = \"share_bar\"\ndescription = \"d\"\nphrases.en = ['share']\nnone_of_quoted.en = ['x']\n";
        let err = crate::Cleaner::builder().default_rules(false).rules_str("p.toml", phrase).build().unwrap_err().to_string();
        assert!(err.contains("p.toml:7:") && err.contains("`none_of_quoted` does not apply"), "{err}");
    }

    /// A line that loses a trailing credit is judged again as the output keeps it, so that
    /// cleaning the output removes nothing more: a second credit before the first goes with it,
    /// and a line that opens with a credit prefix and is short without its credit goes whole.
    #[test]
    fn a_line_that_loses_its_credit_is_judged_again() {
        let c = crate::Cleaner::new().unwrap();
        let prose = "The university said all students had been offered tests.";
        let double = "Students queue outside a hall of residence in Leeds, Britain, on Oct. 2, 2020, after 80 cases were confirmed on campus. (Photo by Jane Roe/Xinhua via Getty) (Xinhua/Jane Roe via Getty Images)";
        let prefixed = "Bild: Das neue Ensemble der Serie: Anna Beispiel, Max Muster (r.) und Eva Probe vor dem Studio in München. / Quelle: ARD/Max Fotograf";
        for (line, kept) in [(double, Some("Students queue outside a hall of residence in Leeds, Britain, on Oct. 2, 2020, after 80 cases were confirmed on campus.")), (prefixed, None)] {
            assert!(char_len(line) > 120, "a long line: only its credit would go on its own");
            let text = format!("{prose}\n{line}\n{prose}\n");
            let once = c.clean(&text).text;
            let want = match kept {
                Some(k) => format!("{prose}\n{k}\n{prose}\n"),
                None => format!("{prose}\n{prose}\n"),
            };
            assert_eq!(once, want);
            assert_eq!(c.clean(&once).text, once, "cleaning the output removes nothing more");
        }
    }

    /// A phrase rule's `not_next_to` keeps a line whose nearest kept neighbour is one of its
    /// patterns, as a pattern rule's does; without a guard, or with another neighbour, it goes;
    /// a user's file with a pattern that does not parse is refused, with its place.
    #[test]
    fn phrase_rules_keep_a_line_next_to_a_guarded_neighbour() {
        let rule = |guard: &str| format!("[[rule]]\nid = \"b\"\nkind = \"phrase\"\ncategory = \"cookie_notice\"\ndescription = \"d\"\nphrases.en = [\"Accept all\"]\n{guard}");
        let clean = |rules: &str, text: &str| crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rules).max_removed_share(1.0).build().unwrap().clean(text).text;
        let guarded = rule("not_next_to.en = ['.*this button.*']\n");
        let help = "How to clear cookies.\nAccept all\nIf you tap this button, the site keeps every cookie.\n";
        let page = "The council met on Monday.\nAccept all\nThe budget passed.\n";
        assert_eq!(clean(&guarded, help), help);
        assert_eq!(clean(&guarded, page), "The council met on Monday.\nThe budget passed.\n");
        assert_eq!(clean(&rule(""), help), "How to clear cookies.\nIf you tap this button, the site keeps every cookie.\n");
        let bad = crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rule("not_next_to.en = ['(unclosed']\n")).build();
        let Err(err) = bad else { panic!("a pattern that does not parse is an error") };
        let err = err.to_string();
        assert!(err.contains("t.toml:7:"), "{err}");
    }

    /// A caption rule's `not_next_to` keeps a whole credit line next to a guarded neighbour; a
    /// trailing credit is cut from its line whatever the neighbours are.
    #[test]
    fn caption_rules_keep_a_credit_line_next_to_a_guarded_neighbour() {
        let rules = "[[rule]]\nid = \"c\"\nkind = \"caption\"\ncategory = \"caption\"\ndescription = \"d\"\n\
                     credit_prefixes.en = [\"Photo:\"]\nagencies.any = [\"Reuters\"]\nnot_next_to.en = ['.*for example:']\n";
        let c = crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rules).max_removed_share(1.0).build().unwrap();
        let guide = "Name the agency after the photographer, for example:\nPhoto: Jane Roe/Reuters\nThen the caption.\n";
        assert_eq!(c.clean(guide).text, guide);
        let page = "The minister spoke on Tuesday.\nPhoto: Jane Roe/Reuters\nThen the caption.\n";
        assert_eq!(c.clean(page).text, "The minister spoke on Tuesday.\nThen the caption.\n");
        let trailing = "Name the agency after the photographer, for example:\nThe minister spoke at the podium on Tuesday in Brussels, an hour before the vote on the budget that the council had delayed twice. Photo: Jane Roe/Reuters\n";
        let out = c.clean(trailing);
        assert!(char_len(trailing.lines().nth(1).unwrap()) > 120 && out.edits.len() == 1 && out.edits[0].text.contains("Photo: Jane Roe/Reuters"), "a trailing credit goes: {:?}", out.edits);
    }

    /// A region rule's `not_next_to` keeps the region closed on a start whose first non-blank
    /// line under it is one of its patterns; a region to the end of the document too.
    #[test]
    fn regions_do_not_open_over_a_guarded_line() {
        let rule = |extra: &str| format!("[[rule]]\nid = \"c\"\nkind = \"region\"\ncategory = \"comment_thread\"\ndescription = \"d\"\nstart.en = [\"Comments\"]\n{extra}not_next_to.en = ['this word .*']\n");
        let clean = |rules: &str, text: &str| crate::Cleaner::builder().default_rules(false).rules_str("t.toml", rules).max_removed_share(1.0).build().unwrap().clean(text).text;
        let prose = "The paper asked its readers what they think of the site.\nMany wrote back within a day.\nSome asked for a change of tone.\n";
        let letter = format!("{prose}Comments\nThis word now means abuse to me, one reader wrote.\n");
        let thread = format!("{prose}Comments\nGreat piece, thanks for writing it, I agree.\n");
        for extra in ["member_max_chars = 60\n", "position = \"tail\"\nto_end = true\n"] {
            assert_eq!(clean(&rule(extra), &letter), letter, "{extra}");
            assert_ne!(clean(&rule(extra), &thread), thread, "{extra}");
        }
    }

    #[test]
    fn quoted_titles_are_found_in_every_style() {
        for (line, title) in [
            ("Tap the “Share” button under the post.", "share"),
            ("Нажмите кнопку «Поділитися» внизу екрана.", "поділитися"),
            ("記事の下にある「コメントを見る」を押すと一覧が出ます。", "コメントを見る"),
            ("글 하단의 '댓글 쓰기'를 누르면 입력창이 열립니다.", "댓글 쓰기"),
            ("Als Unterzeichner der „Initiative Transparente Zivilgesellschaft“ verpflichtet sich", "initiative transparente zivilgesellschaft"),
            // The title as `normalize_label` gives it: Arabic ك as ک.
            ("اضغط على زر \"مشاركة\" أسفل المنشور", "مشار\u{06A9}ة"),
            ("書名は《関連記事》である", "関連記事"),
        ] {
            assert!(quotes(line, title), "{line:?} quotes {title:?}");
        }
        for (line, title) in [
            // A contraction opens no quotation, and a quotation must hold the title whole.
            ("They played rock'n'roll all night.", "n"),
            ("Tap the “Share this” button.", "share"),
            ("Tap the Share button.", "share"),
            // Unclosed within a title's length.
            ("He said “Share and then nothing more was heard of it for a long long time, until the winter came and the river froze over again", "share"),
            ("Tap the “” button.", ""),
        ] {
            assert!(!quotes(line, title), "{line:?} does not quote {title:?}");
        }
    }

    #[test]
    fn prices_are_told_from_headlines() {
        for yes in ["EUR/USD: 1,0851", "Dolar/TL: 36,48", "USD/IDR 16.320", "Dólar: R$ 5,72", "EUR/PLN 4,18"] {
            assert!(is_quotation_of_a_price(yes), "{yes:?}");
        }
        for no in ["Apple unveils iOS 17.4", "Top 10 songs of 2024", "Markets close higher as the euro rises to 1,0851", "12,5", "Version 2.0"] {
            assert!(!is_quotation_of_a_price(no), "{no:?}");
        }
    }

    /// `may_quote` lets through every line with a quotation mark (it looks for their first bytes).
    #[test]
    fn every_quotation_mark_passes_the_byte_test() {
        for c in OPENING_QUOTES.iter().chain(&CLOSING_QUOTES) {
            assert!(may_quote(&format!("a {c} b")), "{c:?}");
        }
        assert!(!may_quote("plain text, no marks: (a) - b / c"));
    }

    #[test]
    fn glossary_entries_are_told_from_credits() {
        assert!(is_glossary_entry("Поделиться = share"));
        assert!(is_glossary_entry("like =подобається"));
        assert!(is_glossary_entry("좋아요＝like"));
        assert!(!is_glossary_entry("사진=연합뉴스"));
        assert!(!is_glossary_entry("Share"));
        assert!(!is_glossary_entry("a==b"));
        // Spaced dashes between a term and its gloss in another script, either way round; not in
        // one script, nor without spaces: a headline or a share bar.
        for (line, entry) in [
            ("Load more — もっと見る", true),
            ("Поделиться – Share", true),
            ("Share — 공유하기 — Teilen — Partager — シェア", true),
            ("Load more\u{a0}— もっと見る", true),
            ("Brexit — What happens next", false),
            ("Поделиться — ВКонтакте — Одноклассники", false),
            ("Share—Поделиться", false),
            ("Новости — Главное за день", false),
        ] {
            assert_eq!(is_dashed_glossary_entry(line), entry, "{line}");
        }
        // The dashed form counts in runs only: one such line alone is a bilingual button.
        let doc = Document::new("Glossary\nShare — 공유하기\n\nLike — 좋아요\nThe end.\nLoad more — 더 보기\nMore text.");
        let got: Vec<bool> = (0..doc.lines.len()).map(|i| in_dashed_glossary(&doc, i, crate::text::trim(doc.line(i)))).collect();
        assert_eq!(got, [false, true, false, true, false, false, false]);
    }

    #[test]
    fn numbered_items_are_told_from_prose() {
        for yes in ["1. The figure should show pre-trends.", "12) Cluster the errors.", "(3) Cite the source.", "a) first point"] {
            assert!(opens_numbered_item(yes), "{yes}");
        }
        for no in ["1.5 million people came.", "2019 was a good year.", "I agree with this.", "(c) 2019 Example", "a)b", "123. Item", ""] {
            assert!(!opens_numbered_item(no), "{no}");
        }
    }

    /// Every default rule's veto answers what the library's ASCII case-insensitive automaton
    /// over the same spellings answers (the quoted phrases: some overlapping match where a
    /// quotation opens): on the fixtures' lines, the rules' examples, and lines made of each
    /// veto's own phrases, in other cases, quoted, glued inside words and cut short.
    #[test]
    fn vetoes_find_what_the_library_finds() {
        let cleaner = crate::Cleaner::builder().examples(true).build().unwrap();
        let mut common = crate::fixture_lines();
        for r in cleaner.rules() {
            common.extend(r.examples.iter().flat_map(|(e, _)| e.input.lines().map(str::to_string)));
        }
        let library = |phrases: &[String]| (!phrases.is_empty()).then(|| AhoCorasick::builder().ascii_case_insensitive(true).build(phrases).unwrap());
        let (mut vetoes, mut vetoed) = (0, 0);
        for veto in cleaner.index.tables.vetoes.iter().flatten() {
            vetoes += 1;
            let (plain, quoted) = (library(&veto.phrases), library(&veto.quoted));
            let expected = |line: &str| {
                plain.as_ref().is_some_and(|ac| ac.is_match(line))
                    || quoted.as_ref().is_some_and(|ac| ac.find_overlapping_iter(line).any(|m| opens_quotation(&line[..m.start()], veto.unspaced[m.pattern().as_usize()])))
            };
            let mut lines = common.clone();
            for p in veto.phrases.iter().chain(&veto.quoted) {
                let cut: String = p.chars().take(p.chars().count().saturating_sub(1)).collect();
                lines.extend([format!("Prose {p} prose."), format!("«{}» und „{p}“", p.to_uppercase()), format!("x{}y", p.to_ascii_uppercase()), format!("\"{cut}\""), format!("“{p}”")]);
            }
            for line in &lines {
                let want = expected(line);
                assert_eq!(veto.is_match(line), want, "{line:?}");
                vetoed += usize::from(want);
            }
        }
        assert!(vetoes >= 10 && vetoed > 10_000, "{vetoes} vetoes, {vetoed} lines vetoed");
    }

    #[test]
    fn pattern_vetoes_keep_a_matching_line() {
        let (removed, _) = guarded_removals("Prose before.\nReading time: 5 minutes\nProse after.\nReading time: 5 minutes quiz\n");
        assert_eq!(removed, ["Reading time: 5 minutes"], "the second line holds a veto");
    }

    #[test]
    fn a_line_next_to_a_like_line_stays_judged_on_the_kept_lines() {
        // The only neighbour is a timing: kept.
        let (removed, _) = guarded_removals("Lesson plan\nReading time: 15 minutes\nGroup discussion: 20 minutes\n");
        assert!(removed.is_empty(), "{removed:?}");
        // A line another rule removes stands between it and the timing: the timing is still
        // its nearest kept neighbour (and is so again when the output is cleaned).
        let (removed, _) = guarded_removals("Lesson plan\nReading time: 15 minutes\nShare this:\n\nGroup discussion: 20 minutes\n");
        assert_eq!(removed, ["Share this:"]);
        // A line given back keeps the one beside it: `5 min read` is next to a kept timing
        // only once the line under it stays.
        let (removed, _) = guarded_removals("Intro text here.\n5 min read\nReading time: 15 minutes\nGroup discussion: 20 minutes\n");
        assert!(removed.is_empty(), "{removed:?}");
        // No timing beside it: removed.
        let (removed, _) = guarded_removals("Lesson plan\nReading time: 15 minutes\nThe water cycle moves water around.\n");
        assert_eq!(removed, ["Reading time: 15 minutes"]);
    }

    #[test]
    fn like_lines_are_judged_in_bounded_work() {
        // Every other line is a guarded match. In the first half the lines between them go, so
        // each has only its like neighbours; a reading time is itself a timing, so the one next
        // to the kept second half stays, and then the one above it, and so on up: each line is
        // given back once, in one sweep, not one pass of the document per line.
        let text = "Reading time: 5 minutes\nShare this:\n".repeat(20_000) + &"Reading time: 5 minutes\nWarm-up: 5 minutes\n".repeat(20_000);
        let (removed, out) = guarded_removals(&text);
        assert!(removed.iter().all(|r| r.starts_with("Share this:")), "only the share lines go");
        assert_eq!(out, "Reading time: 5 minutes\n".repeat(20_000) + &"Reading time: 5 minutes\nWarm-up: 5 minutes\n".repeat(20_000));
        // With prose between them instead, nothing keeps the first half.
        let text = "Reading time: 5 minutes\nThe water cycle moves water around.\n".repeat(20_000);
        let (_, out) = guarded_removals(&text);
        assert_eq!(out, "The water cycle moves water around.\n".repeat(20_000));
    }

    fn between_prose(line: &str) -> String {
        format!("Prose before.\n{line}\nProse after.")
    }

    /// The edits of `a` on `line` between two lines of prose, asserted equal (spans and rules) to
    /// those of `b`.
    fn same_edits(a: &crate::Cleaner, b: &crate::Cleaner, line: &str) -> Vec<crate::Edit> {
        let text = between_prose(line);
        let (x, y) = (a.edits(&text), b.edits(&text));
        assert_eq!(x.len(), y.len(), "{line}");
        for (p, q) in x.iter().zip(&y) {
            assert_eq!((p.start, p.end, &p.rule), (q.start, q.end, &q.rule), "{line}");
        }
        x
    }

    /// Two cleaners built from the same pair of pattern rules, `a-first` (its pattern under test,
    /// with `first_extra` TOML lines) before `b-later` (`later`): one with `pattern`, one with the
    /// same pattern as one branch of an alternation whose other branch matches nothing
    /// (`(?:…|[^\s\S])`), which matches the same lines but hides its parts from the gate finder
    /// and its opening from the floating test, so it stays out of the gated and floating sets.
    fn twin_cleaners(first_extra: &str, pattern: &str, later: &str) -> (crate::Cleaner, crate::Cleaner) {
        let rules = |first: &str| {
            format!(
                "[[rule]]\nid = \"a-first\"\nkind = \"pattern\"\ncategory = \"timestamp\"\ndescription = \"d\"\n{first_extra}\npatterns.en = ['{first}']\n\
                 [[rule]]\nid = \"b-later\"\nkind = \"pattern\"\ncategory = \"copyright_footer\"\ndescription = \"d\"\npatterns.en = ['{later}']\n"
            )
        };
        let build = |name: &str, p: &str| crate::Cleaner::builder().default_rules(false).rules_str(name, rules(p)).build().unwrap();
        (build("t.toml", pattern), build("p.toml", &format!("(?:{pattern}|[^\\s\\S])")))
    }

    /// A gated pattern (one that may start anywhere in a line) removes exactly the lines it
    /// removes ungated: in any case, with spellings only Unicode case folding relates (the long s,
    /// the Kelvin sign), and in rule order against an ungated pattern that also matches.
    #[test]
    fn gated_patterns_match_as_ungated() {
        let (gated, plain) = twin_cleaners("", ".*?(?:all rights reserved|alle rechte vorbehalten)\\.?", "all .*");
        assert!(!gated.index.gated_ids.is_empty() && plain.index.gated_ids.is_empty());
        for line in ["Example Media. All rights reserved.", "ALL RIGHTS RESERVED", "Example. All rightſ reserved.", "all rights reserved", "Alle Rechte vorbehalten", "Rights are reserved", "all of it"] {
            let g = same_edits(&gated, &plain, line);
            assert_eq!(g.is_empty(), line.starts_with("Rights"), "{line}");
        }
    }

    /// A gated pattern that opens with capitalised words (see `entries::opens_wide`) removes
    /// exactly the lines it removes ungated: its gate word in any case and in the middle of the
    /// line, spellings only Unicode case folding relates, lines with the word and no match, and
    /// in rule order against an ungated pattern that also matches.
    #[test]
    fn gated_wide_patterns_match_as_ungated() {
        let names = "(?-i:[A-Z][a-z]+)(?:\\s+(?-i:[A-Z][a-z]+))+";
        let (gated, plain) = twin_cleaners("", &format!("{names},\\s+(?:the\\s+)?associated\\s+press\\s+writers?"), "jane .*");
        assert!(!gated.index.gated_ids.is_empty() && plain.index.gated_ids.is_empty());
        let mut removed = 0;
        for line in [
            "Jane Doe, Associated Press Writer",
            "Mary Ann Smith, The Associated Press writers",
            "Jane Doe, ASSOCIATED PRESS WRITER",
            "Jane Doe, Asſociated Preſs Writer",
            "jane doe, associated press writer",
            "Jane, Associated Press Writer",
            "The writer was with the Associated Press for years",
            "Associated Press",
        ] {
            removed += usize::from(!same_edits(&gated, &plain, line).is_empty());
        }
        assert_eq!(removed, 5);
    }

    /// A floating pattern without a gate (one that opens with a run of any text and names no rare
    /// literal) goes to a set of its own, and removes exactly the lines it removes in the main set,
    /// in rule order against a pattern of the main set that also matches, and only up to its
    /// rule's `max_chars`.
    #[test]
    fn floating_patterns_match_as_in_the_main_set() {
        let (floating, plain) = twin_cleaners("max_chars = 30", "[^0-9!?]{0,20}[0-9]{1,2}:[0-9]{2}", "updated .*");
        assert_eq!((floating.index.floating_ids.len(), plain.index.floating_ids.len()), (1, 0));
        let long = "Updated at the very end of the long day 10:30";
        for line in ["Updated 10:30", "Posted at 9:15", "updated in the morning", "10:30", long, "Updated! 10:30"] {
            same_edits(&floating, &plain, line);
        }
        let rule_of = |line: &str| floating.edits(&between_prose(line)).first().map(|e| e.rule.to_string());
        assert_eq!(rule_of("Updated 10:30").as_deref(), Some("a-first"), "rule order");
        assert_eq!(rule_of(long).as_deref(), Some("b-later"), "too long for a-first");
        assert_eq!(rule_of("Posted at 9:15").as_deref(), Some("a-first"));
        assert_eq!(rule_of("10:30 and more"), None);
    }

    /// The default rules' floating patterns have a bound on the characters before their first
    /// digit, and a line past it, which the engine no longer hands to the floating set, is one
    /// the set does not match: every fixture line, and time stamps after openings of every
    /// length in several scripts.
    #[test]
    fn lines_past_the_floating_digit_bound_match_no_floating_pattern() {
        let cleaner = crate::Cleaner::new().unwrap();
        let index = &cleaner.index;
        let n = index.floating_digit_within.expect("the default floating patterns have a bound");
        let mut searcher = index.floating.searcher();
        let mut lines: Vec<String> = crate::fixture_lines().into_iter().map(|l| crate::text::trim(&l).to_string()).collect();
        for filler in ["a", "ä", "ж", "年", " "] {
            for k in 0..n + 8 {
                for stamp in ["March 3, 2020 10:15 am", "2018.08.25 15:24", "3/3/2020, 10:15 (GMT+7)", "2020年3月3日 10:15", "12 May 2024 09:30 CET"] {
                    lines.push(format!("{}{stamp}", filler.repeat(k)));
                    lines.push(format!("Updated{}: {stamp}", filler.repeat(k)));
                }
            }
        }
        let (mut matched, mut past) = (0, 0);
        for line in &lines {
            let within = crate::lineset::has_digit_within(line, n);
            if !searcher.matches(line).is_empty() {
                assert!(within, "{line:?}");
                matched += 1;
            }
            past += usize::from(!within);
        }
        assert!(matched > 50 && past > 50, "{matched} {past}");
    }

    /// The lane scan reports exactly the matches of aho-corasick's own overlapping search, in the
    /// order of their ends, whatever the text's length and wherever the lane bounds fall (matches
    /// that straddle a bound included).
    #[test]
    fn lanes_find_every_match_once() {
        let patterns: Vec<String> = ["ab", "abc", "bcd", "d x", "x", "photo: ap", "© 20", "a longer cue phrase"].iter().map(|s| s.to_string()).collect();
        let ac = CueAutomaton::build(&patterns).unwrap();
        let reference = AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns).unwrap();
        let unit = "abcd x Photo: AP © 2019 a longer cue phrase ab\n";
        for n in [0, 1, 5, 63, 64, 255, 256, 257, 300, 1000, 1023, 4097] {
            for shift in 0..4 {
                let text: String = unit.chars().cycle().skip(shift).take(n).collect();
                let mut got = Vec::new();
                ac.for_each_match(&text, |s, e, p| got.push((e, s, p)));
                assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "ends out of order at n={n}");
                let mut want: Vec<(usize, usize, u32)> = reference.find_overlapping_iter(&text).map(|m| (m.end(), m.start(), m.pattern().as_u32())).collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want, "n={n} shift={shift}");
            }
        }
    }

    /// Over several segments in one scan: exactly the matches, in exactly the order, of searching
    /// each segment alone, one after the other, whatever the segments' lengths and gaps (empty
    /// ones, ones of one byte, ones a lane cut falls inside, near their ends or not).
    #[test]
    fn segments_find_what_searching_each_alone_finds() {
        let patterns: Vec<String> = ["ab", "abc", "bcd", "d x", "x", "photo: ap", "© 20", "a longer cue phrase", "b"].iter().map(|s| s.to_string()).collect();
        let ac = CueAutomaton::build(&patterns).unwrap();
        let reference = AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns).unwrap();
        let text: String = "abcd x Photo: AP © 2019 a longer cue phrase ab\n".chars().cycle().take(5000).collect();
        let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let mut lanes = ScanBufs::default();
        let mut layouts = 0;
        for seed in 0..400u64 {
            // A layout of segments: lengths and gaps from a small generator, mostly short.
            let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mut next = |m: u64| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 33) % m
            };
            let mut segments = Vec::new();
            let mut at = next(3) as usize;
            let long = seed % 4 == 0;
            while at < boundaries.len() - 1 && segments.len() < 40 {
                let len = if long { next(1200) } else { [0, 1, 2, 40, 63, 64, 65, 300][next(8) as usize] } as usize;
                let end = (at + len).min(boundaries.len() - 1);
                segments.push((boundaries[at], boundaries[end]));
                at = end + next(4) as usize;
            }
            let mut got = Vec::new();
            ac.for_each_match_in(&text, &segments, &mut lanes, |s, e, p| got.push((s, e, p)));
            let want: Vec<(usize, usize, u32)> =
                segments.iter().flat_map(|&(a, b)| reference.find_overlapping_iter(&text[a..b]).map(move |m| (a + m.start(), a + m.end(), m.pattern().as_u32()))).collect();
            assert_eq!(got, want, "seed {seed}: {segments:?}");
            layouts += usize::from(!want.is_empty());
        }
        assert!(layouts > 300);
    }

    /// Codes that fold case beyond ASCII change no match: on every cue set of the default rules
    /// (the ASCII and Latin cues, each script group), the table and the compact automaton report,
    /// in the same order, what the library's automaton of the cues as written reports, over text
    /// that holds each cue as written, in the other cases, and with one letter's case changed
    /// (`ПодПисКа`, `пОДПИСКА`), spellings that share every code with a cue and that no rule holds.
    #[test]
    fn codes_that_fold_case_find_what_the_cues_as_written_find() {
        let c = crate::Cleaner::new().unwrap();
        let index = &c.index;
        let mut folded = 0;
        for sc in index.with_latin.iter().chain(&index.script_ac) {
            let patterns = &sc.patterns;
            let reference = AhoCorasick::builder().ascii_case_insensitive(true).build(patterns).unwrap();
            let mut text = String::new();
            for (k, p) in patterns.iter().enumerate() {
                let flipped: String = p.chars().enumerate().map(|(i, ch)| if i % 3 == k % 3 { ch.to_uppercase().next().unwrap_or(ch) } else { ch }).collect();
                let toggled: String = p.chars().map(|ch| if ch.is_lowercase() { ch.to_uppercase().next().unwrap_or(ch) } else { ch.to_lowercase().next().unwrap_or(ch) }).collect();
                for v in [p.clone(), p.to_lowercase(), p.to_uppercase(), flipped, toggled] {
                    text.push_str(&v);
                    text.push_str(if k % 2 == 0 { " · " } else { "\n" });
                }
            }
            let want: Vec<(usize, usize, u32)> = reference.find_overlapping_iter(&text).map(|m| (m.start(), m.end(), m.pattern().as_u32())).collect();
            let table = CueAutomaton::build(patterns).unwrap();
            let compact = CueAutomaton::compact(patterns).unwrap();
            folded += usize::from(table.spellings().is_some());
            for ac in [&table, &compact] {
                let mut got = Vec::new();
                ac.for_each_match(&text, |s, e, p| got.push((s, e, p)));
                let mut coded = 0;
                ac.each_coded_match(&text, &[(0, text.len())], &mut ScanBufs::default(), |_, _, _| coded += 1);
                assert!(got.len() >= patterns.len(), "group {}: {} matches", sc.group, got.len());
                if ac.spellings().is_some() {
                    assert!(coded > got.len(), "group {}: the folded codes match more than the check keeps", sc.group);
                }
                // The same matches, in the same order.
                assert_eq!(got, want, "group {}", sc.group);
            }
        }
        assert!(folded >= 3, "the Latin, Greek and Cyrillic cues fold case ({folded} sets)");
    }

    /// The same with tables of other shapes: one-byte cues (a match at nearly every position),
    /// and cues of many distinct bytes (wider rows).
    #[test]
    fn cue_tables_of_any_shape_find_what_the_library_finds() {
        let wide: String = (b'!'..=b'~').map(char::from).collect();
        let sets: [Vec<String>; 3] = [
            vec!["a".into(), "ab".into(), "b".into()],
            vec![wide.clone(), wide[40..].into(), "é".into(), "x".into()],
            (0..200u32).filter_map(char::from_u32).filter(|c| !c.is_ascii_uppercase()).map(|c| format!("{c}{c}")).collect(),
        ];
        for patterns in &sets {
            let ac = CueAutomaton::build(patterns).unwrap();
            let reference = AhoCorasick::builder().ascii_case_insensitive(true).build(patterns).unwrap();
            let unit = format!("ab{wide}xxÉé£££ AB b\n");
            for n in [0, 1, 7, 300, 1500] {
                let text: String = unit.chars().cycle().take(n).collect();
                let mut got = Vec::new();
                ac.for_each_match(&text, |s, e, p| got.push((e, s, p)));
                let mut want: Vec<(usize, usize, u32)> = reference.find_overlapping_iter(&text).map(|m| (m.end(), m.start(), m.pattern().as_u32())).collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want, "n={n} patterns={}", patterns.len());
            }
        }
    }

    /// The table `CueAutomaton::build` makes for `patterns`, and the copy of the library's DFA of
    /// the same coded patterns (`None` when that DFA is not laid out as `CueDfa::new` copies it).
    fn both_tables(patterns: &[String]) -> (CueAutomaton, Option<CueDfa>) {
        let Coded { codes, max_code, coded, spellings, .. } = CueAutomaton::code(patterns);
        let coded = coded.unwrap();
        let library = aho_corasick::dfa::DFA::builder().match_kind(MatchKind::Standard).start_kind(aho_corasick::StartKind::Unanchored).prefilter(false).build(&coded).unwrap();
        let ours = CueAutomaton::build(patterns).unwrap();
        assert!(matches!(ours, CueAutomaton::Narrow(_)), "{} patterns", patterns.len());
        // Over the same codes, so with the same check of spellings.
        (ours, CueDfa::new(&library, &codes, max_code).map(|d| CueDfa { spellings, ..d }))
    }

    /// `CueDfa::from_rows` makes, state for state, the automaton that copying the library's DFA
    /// makes (`CueDfa::new`, which it replaced): on the default rules' cue sets (every script
    /// group, and the ASCII and Latin cues together) and on sets of other shapes, both report the
    /// same matches in the same order, over text holding every cue and over real pages.
    #[test]
    fn tables_from_the_trie_are_the_library_dfa_tables() {
        let c = crate::Cleaner::new().unwrap();
        let index = &c.index;
        let wide: String = (b'!'..=b'~').map(char::from).collect();
        let mut sets: Vec<Vec<String>> = index.with_latin.iter().chain(&index.script_ac).map(|sc| sc.patterns.clone()).collect();
        sets.push(vec!["a".into(), "ab".into(), "b".into(), "ab".into()]);
        sets.push(vec![wide.clone(), wide[40..].into(), "é".into(), "x".into()]);
        assert!(sets.len() >= 4, "the default rules have script groups");
        let pages: Vec<String> = ["fixtures/seed/input.txt", "fixtures/page-context/city-news.input.txt"]
            .iter()
            .map(|p| std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap())
            .collect();
        for patterns in &sets {
            let (ours, copied) = both_tables(patterns);
            let copied = CueAutomaton::Dfa(Box::new(copied.unwrap()));
            // Every cue, upper-cased too, between other text: each state's matches are reported.
            let every = format!("{} {}", patterns.join(" x "), patterns.join("\n").to_uppercase());
            let mut texts = vec![every];
            texts.extend(pages.iter().cloned());
            for (i, text) in texts.iter().enumerate() {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                ours.for_each_match(text, |s, e, p| a.push((s, e, p)));
                copied.for_each_match(text, |s, e, p| b.push((s, e, p)));
                if i == 0 {
                    assert!(a.len() >= patterns.len(), "{} patterns, {} matches", patterns.len(), a.len());
                }
                assert_eq!(a, b, "{} patterns, text {i}", patterns.len());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// The same for random cue sets over a small alphabet (cues that are prefixes, suffixes
        /// and repeats of one another, non-ASCII letters, upper case, and the case spellings of
        /// the first cue, so that codes fold case) and random text over it: every shape of trie
        /// and failure links; and all of them report what the library's automaton of the cues
        /// as written reports in each segment. Not the empty cue, which no rule can hold
        /// (lexicons reject empty phrases) and which the two tables report differently at the
        /// text's ends.
        #[test]
        fn random_compact_automata_report_what_their_tables_do(
            mut patterns in proptest::collection::vec("[abAéÉ ]{1,5}", 1..12),
            text in "[abAÉé x]{0,300}",
            cut in 0usize..300,
        ) {
            patterns.extend(case_variants(&patterns[0]));
            let (table, compact) = (CueAutomaton::build(&patterns).unwrap(), CueAutomaton::compact(&patterns).unwrap());
            proptest::prop_assert!(matches!(table, CueAutomaton::Narrow(_)) && matches!(compact, CueAutomaton::Sparse(_)));
            // The wide table, which `build` keeps for automata whose states do not fit the narrow
            // one's entries.
            let Coded { codes, max_code, coded, spellings, .. } = CueAutomaton::code(&patterns);
            let wide = CueAutomaton::Dfa(Box::new(TrieRows::new(&coded.unwrap(), &codes, max_code).and_then(CueDfa::from_rows).map(|d| CueDfa { spellings, ..d }).unwrap()));
            // Two segments, each searched as if alone.
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let segments = [(0, at), (at, text.len())];
            let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
            table.for_each_match_in(&text, &segments, &mut ScanBufs::default(), |s, e, p| a.push((s, e, p)));
            compact.for_each_match_in(&text, &segments, &mut ScanBufs::default(), |s, e, p| b.push((s, e, p)));
            wide.for_each_match_in(&text, &segments, &mut ScanBufs::default(), |s, e, p| c.push((s, e, p)));
            proptest::prop_assert_eq!(&a, &b);
            proptest::prop_assert_eq!(&a, &c);
            let reference = AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns).unwrap();
            let want: Vec<(usize, usize, u32)> =
                segments.iter().flat_map(|&(x, y)| reference.find_overlapping_iter(&text[x..y]).map(move |m| (x + m.start(), x + m.end(), m.pattern().as_u32()))).collect();
            proptest::prop_assert_eq!(a, want);
        }

        #[test]
        fn random_tables_from_the_trie_are_the_library_dfa_tables(
            patterns in proptest::collection::vec("[abAéÉ ]{1,5}", 1..12),
            text in "[abAÉé x]{0,300}",
        ) {
            let (ours, copied) = both_tables(&patterns);
            // The library's DFA need not be laid out as `CueDfa::new` copies it; then the
            // library's own search is the reference.
            let (mut a, mut b) = (Vec::new(), Vec::new());
            ours.for_each_match(&text, |s, e, p| a.push((s, e, p)));
            match copied {
                Some(copied) => CueAutomaton::Dfa(Box::new(copied)).for_each_match(&text, |s, e, p| b.push((s, e, p))),
                None => {
                    let general = AhoCorasick::builder().ascii_case_insensitive(true).build(&CueAutomaton::code(&patterns).lower).unwrap();
                    b.extend(general.find_overlapping_iter(&text).map(|m| (m.start(), m.end(), m.pattern().as_u32())));
                }
            }
            proptest::prop_assert_eq!(a, b);
        }
    }

    /// Each script group's compact automaton reports what its table does, in the same order, on
    /// the fixture lines with the group's own cues put in (as written and in other cases, at the
    /// start, inside words and at the end, one cue running into the next): a document's edits do
    /// not depend on which of the two its group used.
    #[test]
    fn script_groups_compact_automata_are_their_tables() {
        let c = crate::Cleaner::new().unwrap();
        let groups = &c.index.script_ac;
        assert!(groups.len() >= 6, "the default rules have script groups");
        let lines = crate::fixture_lines();
        for sc in groups {
            let (table, compact) = (sc.automaton().unwrap(), CueAutomaton::compact(&sc.patterns).unwrap());
            assert!(matches!(table, CueAutomaton::Narrow(_)) && matches!(compact, CueAutomaton::Sparse(_)));
            let mut texts: Vec<String> = Vec::new();
            for (k, cue) in sc.patterns.iter().enumerate() {
                let line = &lines[k * 7 % lines.len()];
                let cut = line.char_indices().map(|(i, _)| i).nth(k % 11).unwrap_or(line.len());
                let next = &sc.patterns[(k + 1) % sc.patterns.len()];
                texts.push(format!("{cue}{}{}{next}{}", &line[..cut], cue.to_uppercase(), &line[cut..]));
            }
            let mut found = 0;
            for text in &texts {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                table.for_each_match(text, |s, e, p| a.push((s, e, p)));
                compact.for_each_match(text, |s, e, p| b.push((s, e, p)));
                assert_eq!(a, b, "group {}: {text:?}", sc.group);
                found += a.len();
            }
            assert!(found >= 2 * sc.patterns.len(), "group {}: {found} matches", sc.group);
        }
    }

    /// A script group scans with its compact automaton until a thread has scanned 64 KiB of its
    /// lines and they are 1/256 of what the thread cleaned; then, and from then on for every
    /// thread, with its table.
    #[test]
    fn script_groups_build_their_tables_when_their_lines_are_many() {
        let c = crate::Cleaner::new().unwrap();
        let sc = &c.index.script_ac[0];
        let g = usize::from(sc.group);
        let seen = |group: usize, cleaned: usize| {
            let mut s = Scanned { cleaned, ..Scanned::default() };
            s.groups[g] = group;
            s
        };
        let is_table = |a: Option<&CueAutomaton>| matches!(a, Some(CueAutomaton::Narrow(_)));
        // A page in the script, but short; many bytes, but a small share of a large corpus.
        assert!(!is_table(sc.for_scan(&seen(40 << 10, 40 << 10))));
        assert!(!is_table(sc.for_scan(&seen(TABLE_AFTER_BYTES, (TABLE_AFTER_BYTES + 1) * TABLE_SHARE))));
        assert!(sc.ac.get().is_none(), "no table built yet");
        assert!(is_table(sc.for_scan(&seen(TABLE_AFTER_BYTES, TABLE_AFTER_BYTES * TABLE_SHARE))));
        // Built once, used by all.
        assert!(is_table(sc.for_scan(&Scanned::default())));
    }

    /// Cues whose automaton has more states than two-byte entries can name get the wide table,
    /// which reports what the library does; a set just small enough gets the narrow one.
    #[test]
    fn automata_past_two_byte_names_keep_the_wide_table() {
        // Three-letter words over 26 letters and their two-letter prefixes: 26 + 676 + 17,576
        // states in the trie; with a fourth letter from 3, 52,728 more.
        let letters: Vec<char> = ('a'..='z').collect();
        let words = |fourth: &[char]| -> Vec<String> {
            let mut w = Vec::new();
            for &a in &letters {
                for &b in &letters {
                    for &c in &letters {
                        if fourth.is_empty() {
                            w.push(format!("{a}{b}{c}"));
                        }
                        for &d in fourth {
                            w.push(format!("{a}{b}{c}{d}"));
                        }
                    }
                }
            }
            w
        };
        let small = CueAutomaton::build(&words(&[])).unwrap();
        assert!(matches!(small, CueAutomaton::Narrow(_)), "18,279 states fit");
        let patterns = words(&['x', 'y', 'z']);
        let big = CueAutomaton::build(&patterns).unwrap();
        assert!(matches!(big, CueAutomaton::Dfa(_)), "70,000-odd states do not fit");
        let text = "the quick brown fox jumps over the lazy dog, XYZZY abcx QRSTUVWXYZ".repeat(3);
        let general = AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns).unwrap();
        let expected: Vec<(usize, usize, u32)> = general.find_overlapping_iter(&text).map(|m| (m.start(), m.end(), m.pattern().as_u32())).collect();
        let mut got = Vec::new();
        big.for_each_match(&text, |s, e, p| got.push((s, e, p)));
        assert!(expected.len() > 10);
        assert_eq!(got, expected);
    }

    /// Every automaton of the default rules is a table of our own in two-byte entries (see
    /// `NarrowDfa`), not the wide table, which takes twice the memory, nor the slower general
    /// automaton.
    #[test]
    fn default_cue_automata_are_tables() {
        let c = crate::Cleaner::new().unwrap();
        let index = &c.index;
        let all = index.ac.iter().chain(index.with_latin.iter().chain(&index.script_ac).filter_map(ScriptCues::automaton));
        let mut seen = 0;
        for ac in all {
            assert!(matches!(ac, CueAutomaton::Narrow(_)), "{ac:?}");
            seen += 1;
        }
        assert_eq!(seen, 1 + usize::from(index.with_latin.is_some()) + index.script_ac.len());
    }

    /// [`lines_stats`] of a text of one line (an empty text has none: no characters, no group,
    /// all Latin).
    fn line_stats(line: &str) -> (usize, u16, bool) {
        let doc = Document::new(line);
        assert!(doc.lines.len() == usize::from(!line.is_empty()), "{line:?}");
        let (mut chars, mut masks, mut latin) = (vec![7], vec![7], vec![false]);
        lines_stats(&doc, &mut chars, &mut masks, &mut latin);
        (chars.first().copied().unwrap_or(0), masks.first().copied().unwrap_or(0), latin.first().copied().unwrap_or(true))
    }

    /// `lines_stats` skips blocks that are all ASCII and gives the bytes of the others to their
    /// lines: each line's mask must equal the union over its bytes, its count its characters and
    /// its flag the plain test of each character, wherever the characters beyond ASCII fall in
    /// the blocks, next to which line end, and in the tail.
    #[test]
    fn lines_stats_are_the_union_over_all_bytes_and_the_characters() {
        // `lines_stats` looks up only the bytes from 0xC0 on.
        assert!(LEAD_GROUPS[..0xC0].iter().all(|&g| g == 0));
        let pieces = ["a", "“", "é", "ž", "Ω", "я", "ب", "क", "한", "漢", "カ", "ไ", "—", "🙂", " ", "́"];
        let (mut chars, mut masks, mut latin) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen = 0;
        for (i, a) in pieces.iter().enumerate() {
            for b in &pieces[i..] {
                for pad in 0..140 {
                    let sep = ["\n", "\r\n", "\r", "\n\n", ""][pad % 5];
                    let text = format!("{}{a}{sep}{}{b}{}{sep}{b}{sep}{a}{}", "x".repeat(pad), "y".repeat(pad % 7), "z".repeat(pad * 5 % 131), "w".repeat(pad % 3));
                    let doc = Document::new(&text);
                    lines_stats(&doc, &mut chars, &mut masks, &mut latin);
                    assert_eq!((chars.len(), masks.len(), latin.len()), (doc.lines.len(), doc.lines.len(), doc.lines.len()));
                    for (k, l) in doc.lines.iter().enumerate() {
                        let line = &text[l.start..l.end];
                        let want = line.bytes().fold(0, |m, b| m | LEAD_GROUPS[b as usize]);
                        let all_latin = line.char_indices().all(|(p, c)| c.is_ascii() || crate::text::passed_over(line.as_bytes(), p, Some(crate::text::Script::Latin)));
                        assert_eq!((chars[k], masks[k], latin[k]), (line.chars().count(), want, all_latin), "{text:?} line {k}");
                        seen += u32::from(want != 0);
                    }
                }
            }
        }
        assert!(seen > 10_000);
    }

    /// Both ways of finding a block's bytes beyond ASCII and its lead bytes against the plain
    /// test of each byte, on blocks of every byte value at every place.
    #[test]
    fn high_and_leads_are_the_byte_tests() {
        let mut block = [b'a'; BLOCK];
        for at in 0..BLOCK {
            for v in 0..=255u8 {
                block[at] = v;
                block[(at * 7 + 3) % BLOCK] = v.wrapping_mul(31);
                let want = block.iter().enumerate().fold((0u64, 0u64), |(h, l), (k, &b)| (h | u64::from(b >= 0x80) << k, l | u64::from(b >= 0xC0) << k));
                assert_eq!(high_and_leads(&block), want, "{block:?}");
                assert_eq!(high_and_leads_by_words(&block), want, "{block:?}");
                block[(at * 7 + 3) % BLOCK] = b'a';
            }
            block[at] = b'a';
        }
    }

    /// A line `lines_stats` proves Latin has no letter of another script, so the foreign-token
    /// rules, which the engine no longer asks about it, would find nothing in it: on every fixture
    /// line, and on each with characters of other scripts and lookalike signs put in.
    #[test]
    fn lines_proved_latin_have_no_foreign_token() {
        let cleaner = crate::Cleaner::new().unwrap();
        let rules = cleaner.rules();
        let fts: Vec<&crate::rules::foreign_token::ForeignToken> = rules.iter().filter_map(|r| if let Kind::ForeignToken(ft) = &r.kind { Some(ft) } else { None }).collect();
        assert!(!fts.is_empty());
        let mut lines = Vec::new();
        for line in crate::fixture_lines() {
            let at = line.char_indices().map(|(k, _)| k).nth(line.chars().count() / 2).unwrap_or(0);
            for put in ["", "“", "é", "—", "ª", "µ", "ʃ", "ℓ", "™", "₂", "Ⓐ", "추천", "я", "漢", "ア", "\u{301}", "…", "\u{2070}"] {
                lines.push(format!("{}{put}{}", &line[..at], &line[at..]));
            }
        }
        let (mut toks, mut proved, mut found) = (Vec::new(), 0, 0);
        for line in &lines {
            let all_latin = line.chars().filter_map(crate::text::script_of).all(|s| s == crate::text::Script::Latin);
            let foreign = fts.iter().any(|ft| !ft.find(line, &mut toks).is_empty());
            found += usize::from(foreign);
            if line_stats(line).2 {
                proved += usize::from(!line.is_ascii());
                assert!(all_latin && !foreign, "{line:?}");
            }
        }
        assert!(proved > 1000 && found > 100, "{proved} {found}");
    }

    /// The script gate must be true on every line a cue could match: the line holds the cue, so
    /// its mask must hold the cue's group.
    #[test]
    fn every_cue_passes_its_own_script_gate() {
        let c = crate::Cleaner::new().unwrap();
        let index = &c.index;
        let mut seen = 0;
        for sc in &index.script_ac {
            for p in &sc.patterns {
                assert_eq!(pattern_group(p), Some(sc.group as usize), "{p}");
                let line = format!("abc {p} xyz");
                assert_ne!(line_stats(&line).1 & (1 << sc.group), 0, "{p}");
                seen += 1;
            }
        }
        assert!(seen > 100, "the default rules have cues in many scripts");
        // Cues run on every line hold no letters of any group.
        assert_eq!(pattern_group("(AP Photo/"), None);
        assert_eq!(pattern_group("“Read more”"), None);
        assert_eq!(pattern_group("(Фото:"), Some(CYRILLIC.trailing_zeros() as usize));
        assert_eq!(pattern_group("사진="), Some(HANGUL.trailing_zeros() as usize));
        // A lead byte of several groups: the character's own.
        assert_eq!(pattern_group("კომენტარები"), Some(OTHER.trailing_zeros() as usize));
        assert_eq!(pattern_group("ᄀ"), Some(HANGUL.trailing_zeros() as usize));
        assert_eq!(pattern_group("Chia sẻ"), Some(LATIN.trailing_zeros() as usize));
        assert_eq!(pattern_group("ἔργα"), Some(GREEK.trailing_zeros() as usize));
        assert_eq!(pattern_group("Մեկնաբանություններ"), Some(OTHER.trailing_zeros() as usize));
        assert_eq!(pattern_group("օգտագործում"), Some(OTHER.trailing_zeros() as usize));
        assert_eq!(pattern_group("Коментари"), Some(CYRILLIC.trailing_zeros() as usize));
        assert_eq!(pattern_group("שלום"), Some(ARABIC.trailing_zeros() as usize));
        for p in ["კომენტარები", "ᄀ", "Chia sẻ", "ἔργα", "ក្រុម", "ሼር", "Մեկնաբանություններ", "օգտագործում", "Ԁ", "ֆ"] {
            let g = pattern_group(p).unwrap();
            assert_ne!(line_stats(&format!("abc {p} xyz")).1 & (1 << g), 0, "{p}");
        }
    }

    /// The document's cue scan without the long lines against the plain definition (every line
    /// scanned): the same edits on every fixture and on long lines with credits at their ends, spaced and
    /// bracketed every way, in several scripts.
    #[test]
    fn long_lines_judged_from_their_ends_keep_their_edits() {
        let cleaner = crate::Cleaner::new().unwrap();
        let rules = cleaner.rules();
        let index = Index::build(rules).unwrap();
        let mut plain = Index::build(rules).unwrap();
        plain.cue_line_chars = usize::MAX;
        assert!(index.cue_line_chars < 1000);
        let mut docs = crate::fixture_texts();
        let prose = [
            "The council met on Tuesday to discuss the budget, and the mayor said the plan would go ahead. ",
            "Der Stadtrat hat am Dienstag über den Haushalt beraten; die Bürgermeisterin äußerte sich zufrieden. ",
            "Совет собрался во вторник, чтобы обсудить бюджет города на следующий год. ",
            "시의회는 화요일에 예산을 논의했다. ",
        ];
        let ends = [
            "(AP Photo/Jane Roe)", "(Photo: Jane Roe)", "Foto: dpa", "Photo: Reuters", "(Yonhap)", "[Photo: Getty Images]", "/Getty Images",
            "(Photo:            Jane Roe)", "(Photo: Jane Roe)  ) ) ", "Photo: a b c d e f g h i j", "© AFP / MARCO BERTORELLO", "(Фото: Иван Петров)",
            "사진=연합뉴스", "Credit: Jane Roe, AP", "Photo credit:\u{a0}\u{a0}Jane Roe", "(EPA)", "(ePA) einführen.", "said the agency. Reuters",
            "and more (Photo courtesy of the Smith family archive, with thanks to everyone who helped us over the years)",
            "(Photo: Jane Roe).", "Accept cookies", "Foto:", "Foto:  ", "in this file photo (AP Photo/Jane Roe)", "",
            "Photo: Jane Roe for The Daily Planet Newsroom", "Photo credit: Marco Bertorello / Agence France-Presse",
        ];
        // Rests of about `max_credit_chars`, one word, after a space run or not: the edge of the window.
        let mut ends: Vec<String> = ends.iter().map(|e| e.to_string()).collect();
        for n in 56..=64 {
            ends.push(format!("Photo: {}", "Ä".repeat(n)));
            ends.push(format!("(Photo:{}J{})", " ".repeat(n), "x".repeat(n - 40)));
        }
        // An agency after a comma, the credit prefix far before it (`Foto: …, dpa`).
        ends.push(format!("Photo: Jane Roe{}, AP", " of the Daily Planet Newsroom in Metropolis".repeat(8)));
        // Two credits, the first far before the window: found when the line without the second
        // is judged again.
        ends.push(format!("(Photo: Jane Roe){}(Xinhua/John Smith)", " ".repeat(300)));
        // A space run longer than the window before the name.
        ends.push(format!("(Photo:{}Jane Roe)", " ".repeat(300)));
        ends.push(format!("Photo credit:{}Jane Roe", "\u{a0}".repeat(150)));
        for (k, end) in ends.iter().enumerate() {
            for (j, p) in prose.iter().enumerate() {
                for reps in [1, 4, 7, 12] {
                    let body = p.repeat(reps);
                    docs.push(format!("Short line.\n\n{body}{end}\nPhoto: Jane Roe\n{body}\n{end}\n"));
                    docs.push(format!("{}{body} {end}{}", prose[(j + k) % prose.len()], " ".repeat(k * 7)));
                    docs.push(format!("{end} {body}\n(Photo: Jane Roe) {body}{end}\r\n{body}"));
                }
            }
        }
        let mut long_credits = 0;
        for doc in &docs {
            let (got, want) = (run(rules, &index, doc), run(rules, &plain, doc));
            assert_eq!(got, want, "{doc:?}");
            let d = Document::new(doc);
            long_credits += want.iter().filter(|e| char_len(d.line(d.line_of(e.start))) > index.cue_line_chars).count();
        }
        assert!(long_credits > 50, "credits at the ends of long lines are tried: {long_credits}");
    }

    /// `quoted_rule` reads no further than `quoted_head`: on the head it finds what it finds on
    /// the whole normalised line, for every quoted phrase after counts of every kind, titles in
    /// every quotation mark, and the fixtures' lines that end with one.
    #[test]
    fn quoted_phrases_are_found_from_the_head_of_a_line() {
        let cleaner = crate::Cleaner::new().unwrap();
        let rules = cleaner.rules();
        let index = &Index::build(rules).unwrap();
        let mut lines: Vec<String> = crate::fixture_lines().into_iter().filter(|l| l.trim_end().ends_with(CLOSING_QUOTES)).collect();
        let fixture_lines = lines.len();
        let mut phrases: Vec<&str> = index.tables.quoted.keys().map(|k| &**k).collect();
        phrases.sort();
        for (k, phrase) in phrases.iter().enumerate() {
            for count in ["12", "1 234", "No", "Keine", "3 4 5", "", "Seven"] {
                let (open, close) = [("“", "”"), ("„", "“"), ("«", "»"), ("\"", "\""), ("「", "」")][k % 5];
                for title in ["How to fix a bike", "Ab", "12 thoughts on the town", ""] {
                    lines.push(format!("{count} {phrase} {open}{title}{close}"));
                    lines.push(format!("{count} {phrase}: {open}{title}{close}"));
                }
            }
        }
        let (mut head, mut found) = (String::new(), 0);
        for line in &lines {
            let line = crate::text::trim(line);
            let whole = normalize_label(line);
            let h = index.quoted_head(line, &mut head);
            assert!(whole.starts_with(h), "{line:?}: {h:?} heads {whole:?}");
            let want = index.quoted_rule(line, &whole, rules);
            assert_eq!(index.quoted_rule(line, h, rules), want, "{line:?}");
            found += usize::from(want.is_some());
        }
        assert!(fixture_lines > 5 && found > phrases.len() * 4 && found < lines.len() / 2, "{fixture_lines} fixture lines, {found} of {} found", lines.len());
    }

    /// `norm_line` against the whole normalisation it shortens: the same lines get through; a
    /// whole one is `normalize_label`; a head is a head of it, at a token end, that the prefix
    /// phrases judge alike, of a line that no cover and no `to_end` start takes.
    #[test]
    fn a_line_normalised_in_part_is_judged_as_in_whole() {
        let cleaner = crate::Cleaner::new().unwrap();
        let rules = cleaner.rules();
        let index = &Index::build(rules).unwrap();
        let t = &index.tables;
        let mut lines = crate::fixture_lines();
        let mut keys: Vec<&str> = t.labels.keys().chain(t.prefixes.keys()).chain(t.to_end.keys()).map(|k| &**k).collect();
        keys.sort();
        for k in keys {
            for line in [k.to_string(), format!("{k} 12"), format!("{k}: the new roman"), format!("{k} — share this story now"), format!("The {k} of the town")] {
                lines.push(line);
            }
        }
        let roles: [(Option<Role>, &[Role]); 2] = [(Some(Role::Strong), &[Role::Strong, Role::Weak]), (Some(Role::RegionStart), &[Role::RegionStart, Role::RegionMember, Role::Strong, Role::Weak])];
        let (mut buf, mut whole_buf) = (String::new(), String::new());
        let mut seen = [0usize; 3];
        let mut seen_prefix = 0;
        for line in &lines {
            let line = crate::text::trim(line);
            let want = index.may_cover_line(line, &mut whole_buf);
            let got = index.norm_line(line, &mut buf);
            assert_eq!(got != LineNorm::No, want, "{line:?}");
            match got {
                LineNorm::No => seen[0] += 1,
                LineNorm::Whole => {
                    seen[1] += 1;
                    assert_eq!(buf, whole_buf, "{line:?}");
                }
                LineNorm::Head => {
                    seen[2] += 1;
                    let rest = whole_buf.strip_prefix(buf.as_str()).unwrap_or_else(|| panic!("{line:?}: {buf:?} heads {whole_buf:?}"));
                    assert!(rest.starts_with(' ') || rest.is_empty(), "{line:?}");
                    // Past `max_prefix_tokens` tokens when a prefix phrase could open the line.
                    let first = buf.split(' ').next().unwrap_or("");
                    assert!(buf.split(' ').count() > t.max_prefix_tokens || !t.prefix_first.contains(first), "{line:?}");
                    for (strong, allowed) in roles {
                        assert_eq!(index.cover(&whole_buf, strong, allowed, rules, None), None, "{line:?}");
                    }
                    assert!(!t.to_end.contains_key(whole_buf.as_str()), "{line:?}");
                    assert_eq!(index.prefix_rule(line, &buf, rules), index.prefix_rule(line, &whole_buf, rules), "{line:?}");
                }
            }
            // The first-token gate of the prefix phrases turns away only lines they would.
            if want && !ends_with_stop(line) {
                let gated = index.prefix_rule(line, &whole_buf, rules);
                assert_eq!(gated, index.prefix_phrase(line, &whole_buf, rules), "{line:?}");
                seen_prefix += usize::from(gated.is_some());
            }
        }
        assert!(seen.iter().all(|&n| n > 100) && seen_prefix > 100, "every outcome is tried: {seen:?}, {seen_prefix} prefix phrases");
    }

    /// The line sets' own walk of the lazy DFA (`lineset::walk`) finds the patterns the library's
    /// overlapping search finds, in all four default sets: on the fixtures' lines, the rules'
    /// examples, and the heads and tails of both (a pattern that dies mid-line, one that matches
    /// only at the very end).
    #[test]
    fn line_sets_find_what_the_library_finds() {
        let cleaner = crate::Cleaner::builder().examples(true).build().unwrap();
        let index = &cleaner.index;
        let mut lines = crate::fixture_lines();
        for r in cleaner.rules() {
            lines.extend(r.examples.iter().flat_map(|(e, _)| e.input.lines().map(str::to_string)));
        }
        let whole: Vec<String> = lines.iter().map(|l| crate::text::trim(l).to_string()).collect();
        for l in &whole {
            let cuts: Vec<usize> = l.char_indices().map(|(k, _)| k).step_by(7).collect();
            for k in cuts {
                lines.push(l[..k].to_string());
                lines.push(l[k..].to_string());
            }
        }
        lines.extend(whole);
        for set in [&index.regex, &index.digits, &index.floating, &index.gated] {
            let mut searcher = set.searcher();
            let mut matched = 0;
            for (line, want) in lines.iter().zip(set.searched(&lines)) {
                let walked: Vec<usize> = searcher.matches(line).iter().map(|p| p.as_usize()).collect();
                assert_eq!(walked, want, "{line:?}");
                matched += usize::from(!walked.is_empty());
            }
            assert!(matched > 0, "every default set matches some example");
        }
    }

    /// A glued start is found as from the whole normalised line, both from the first token
    /// `norm_line` left in its buffer and normalising only as far as the words open a start: on
    /// the fixtures' lines and on every glued start with a headline (or a sentence) after it.
    #[test]
    fn glued_starts_are_found_as_from_the_whole_line() {
        let cleaner = crate::Cleaner::new().unwrap();
        let rules = cleaner.rules();
        let index = &Index::build(rules).unwrap();
        let mut lines = crate::fixture_lines();
        for k in index.tables.glued.keys() {
            lines.extend([format!("{k} Markets rally as rates fall"), format!("{}: Markets", k.to_uppercase()), format!("“{k}” Markets"), format!("{k}"), format!("{k} {k} Markets")]);
            if let Some((head, _)) = k.rsplit_once(' ') {
                lines.extend([format!("{head} Markets rally"), format!("{head} and more Markets")]);
            }
        }
        let (mut norm, mut buf) = (String::new(), String::new());
        let mut found = 0;
        for line in &lines {
            let line = crate::text::trim(line);
            if char_len(line) > index.tables.max_short {
                continue;
            }
            index.norm_line(line, &mut norm);
            let first = &norm[..norm.find(' ').unwrap_or(norm.len())];
            // The reference: the whole line normalised, every start looked up.
            let mut whole = String::new();
            normalize_into(line, &mut whole, |_| true);
            let want = glued_start_in(index, rules, line, &whole);
            assert_eq!(glued_start(index, rules, line, None, &mut buf, &mut String::new()), want, "{line:?}");
            assert_eq!(glued_start(index, rules, line, Some(first), &mut buf, &mut String::new()), want, "{line:?}");
            found += usize::from(want.is_some());
        }
        assert!(found > 10, "{found} glued starts");
    }

    #[test]
    fn line_gate_agrees_with_the_normalised_gate() {
        let cleaner = crate::Cleaner::new().unwrap();
        let index = &Index::build(cleaner.rules()).unwrap();
        let mut buf = String::new();
        let mut passed = 0;
        let lines = [
            "Leave a Reply", "  leave-a reply *", "25 Comments", "12 34 Share this:", "1-2 share", "Share", "share's",
            "The talks resumed.", "", "  ", "--", "Reply 3", "3", "3 4", "don't share", "e-mail", "E-Mail *", "x'", "'x",
            "Required fields are marked *", "Your email address will not be published.", "Name*", "Website", "２５ 댓글",
        ];
        let mut phrases: Vec<String> = index.tables.labels.keys().map(|k| k.to_string()).collect();
        phrases.sort();
        let varied: Vec<String> = phrases.iter().map(|p| format!("12 — {}: 3", p.to_uppercase())).collect();
        for line in lines.iter().copied().chain(phrases.iter().map(String::as_str)).chain(varied.iter().map(String::as_str)) {
            let want = index.may_cover(&normalize_label(line));
            assert_eq!(index.may_cover_line(line, &mut buf), want, "{line:?}");
            if want {
                assert_eq!(buf, normalize_label(line), "{line:?}");
            }
            passed += usize::from(want);
        }
        assert!(passed > 10, "the gate lets known phrases through");
    }
}

