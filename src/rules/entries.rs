//! How a `pattern` rule's patterns become the entries of the shared line set: which patterns get
//! a gate (a floating pattern, tried only on lines where a phrase of it occurs), and how the
//! others are joined by their common tails. Its own file, with `regex_syntax` its only
//! dependency, so that `build.rs` can run it too: for the default rules it computes every rule's
//! entries when textsweep is built and stores them (see [`encode_entries`]), so that loading the
//! default rules decodes the joined trees (shared tails once) and finds no gates and joins again.
//! A unit test (`rules::tests`) checks that the stored entries equal what the loader computes.

#![allow(dead_code)] // build.rs uses a part of it, the library another

use regex_syntax::hir::Hir;

/// Wraps a user pattern so that it must match a whole trimmed line, ignoring case. Here, not in
/// `pattern.rs`, so that `build.rs` keys what it stores by the loader's own wrapping.
pub fn wrap(p: &str) -> String {
    format!("(?i)^(?:{p})$")
}

/// The entries of a rule whose patterns, as wrapped by `pattern::wrap`, are `wrapped` (in the
/// loader's order): the gated patterns in order, then the joined ungated ones; `None` when one
/// does not parse or escapes its anchors (the loader then reports it). `parse` parses a pattern
/// as `regex_syntax`'s default parser does.
pub(crate) fn entries_of(wrapped: &[String], parse: impl Fn(&str) -> Option<Hir>) -> Option<Vec<Compiled>> {
    let mut compiled = Vec::new();
    let mut ungated = Vec::new();
    for (i, w) in wrapped.iter().enumerate() {
        let hir = parse(w)?;
        if !anchored_both_ends(&hir) {
            return None;
        }
        match gate(w, &hir, &parse) {
            Some(gate) => compiled.push(Compiled { hir, first: i, gate: Some(gate) }),
            None => ungated.push((i, hir)),
        }
    }
    compiled.extend(join_common_tails(ungated));
    Some(compiled)
}

/// `entries_of`'s entries with their trees factored ([`factor`]), as `build.rs` stores them: an
/// entry keeps its tree when factoring would change which set it goes to (whether it floats or
/// needs a digit; a factored `^(?:.*a|.*b)$` floats).
pub(crate) fn factored(entries: Vec<Compiled>) -> Vec<Compiled> {
    entries
        .into_iter()
        .map(|mut e| {
            let f = factor(&e.hir);
            if is_floating(&f) == is_floating(&e.hir) && needs_digit(&f) == needs_digit(&e.hir) {
                e.hir = f;
            }
            e
        })
        .collect()
}

/// The same language with the branches of each alternation that open with the same part joined
/// behind it: `(?:ab|c|ad)` becomes `(?:a(?:b|d)|c)`, compiled to fewer NFA states. The union is
/// unordered and every line-set search asks only which patterns match a whole line, so branch
/// order does not matter (a unit test checks, entry by entry, that the two trees' joint DFA never
/// tells them apart).
pub(crate) fn factor(h: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, HirKind, Repetition};
    match h.kind() {
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(factor).collect()),
        HirKind::Alternation(branches) => {
            // (first part, the rests behind it) for branches that are sequences; a branch that is
            // no sequence stays whole (a second part each time: every step shortens the rests).
            let mut groups: Vec<(Option<Hir>, Vec<Hir>)> = Vec::new();
            for b in branches.iter().map(factor) {
                match b.kind() {
                    HirKind::Concat(parts) => {
                        let (head, rest) = (parts[0].clone(), Hir::concat(parts[1..].to_vec()));
                        match groups.iter_mut().find(|g| g.0.as_ref() == Some(&head)) {
                            Some(g) => g.1.push(rest),
                            None => groups.push((Some(head), vec![rest])),
                        }
                    }
                    _ => groups.push((None, vec![b])),
                }
            }
            if groups.len() == branches.len() {
                return Hir::alternation(branches.iter().map(factor).collect());
            }
            Hir::alternation(
                groups
                    .into_iter()
                    .map(|(head, mut rests)| match head {
                        None => rests.pop().unwrap_or_else(Hir::empty),
                        Some(head) => {
                            let rest = if rests.len() == 1 { rests.pop().unwrap_or_else(Hir::empty) } else { factor(&Hir::alternation(rests)) };
                            Hir::concat(vec![head, rest])
                        }
                    })
                    .collect(),
            )
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition { sub: Box::new(factor(&r.sub)), ..r.clone() }),
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(factor(&c.sub)), ..c.clone() }),
        _ => h.clone(),
    }
}

/// Whether every line `hir` matches holds an ASCII digit: it has a part that every match goes
/// through (a part of a concatenation, a repetition of at least one, every branch of an
/// alternation) that is a digit or a literal with one. Such a pattern need not be tried on a line
/// without digits.
pub(crate) fn needs_digit(hir: &Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Literal(lit) => lit.0.iter().any(u8::is_ascii_digit),
        HirKind::Class(Class::Unicode(c)) => !c.ranges().is_empty() && c.ranges().iter().all(|r| r.start() >= '0' && r.end() <= '9'),
        HirKind::Class(Class::Bytes(c)) => !c.ranges().is_empty() && c.ranges().iter().all(|r| r.start() >= b'0' && r.end() <= b'9'),
        HirKind::Repetition(r) => r.min >= 1 && needs_digit(&r.sub),
        HirKind::Capture(c) => needs_digit(&c.sub),
        HirKind::Concat(parts) => parts.iter().any(needs_digit),
        HirKind::Alternation(branches) => branches.iter().all(needs_digit),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// At most how many characters a line `hir` matches has before its first ASCII digit, when every
/// such line has one ([`needs_digit`]) and that number is bounded: the first part of a
/// concatenation that needs a digit, after parts of bounded length. `None` otherwise. A line whose
/// first digit comes later is matched by no such pattern (`[^0-9!?]{0,20}[0-9]{1,2}…`: 20).
pub(crate) fn digit_within(hir: &Hir) -> Option<usize> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(lit) => {
            let at = lit.0.iter().position(u8::is_ascii_digit)?;
            Some(lit.0[..at].iter().filter(|&&b| b & 0xC0 != 0x80).count())
        }
        HirKind::Class(_) => needs_digit(hir).then_some(0),
        HirKind::Repetition(r) => (r.min >= 1).then(|| digit_within(&r.sub)).flatten(),
        HirKind::Capture(c) => digit_within(&c.sub),
        HirKind::Concat(parts) => {
            let mut before = 0usize;
            for part in parts {
                if let Some(within) = digit_within(part) {
                    return before.checked_add(within);
                }
                before = before.checked_add(max_chars(part)?)?;
            }
            None
        }
        HirKind::Alternation(branches) => branches.iter().map(digit_within).try_fold(0, |m, b| Some(m.max(b?))),
        HirKind::Empty | HirKind::Look(_) => None,
    }
}

/// The most characters a match of `hir` can have; `None` when unbounded.
fn max_chars(hir: &Hir) -> Option<usize> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.iter().filter(|&&b| b & 0xC0 != 0x80).count()),
        HirKind::Class(_) => Some(1),
        HirKind::Repetition(r) => max_chars(&r.sub)?.checked_mul(r.max? as usize),
        HirKind::Capture(c) => max_chars(&c.sub),
        HirKind::Concat(parts) => parts.iter().try_fold(0usize, |n, p| n.checked_add(max_chars(p)?)),
        HirKind::Alternation(branches) => branches.iter().try_fold(0usize, |m, b| Some(m.max(max_chars(b)?))),
        HirKind::Empty | HirKind::Look(_) => Some(0),
    }
}

/// Compiled-size limit of one user pattern (bytes of the regex program); a line set's NFA may
/// take this much per pattern of all rules.
pub const SIZE_LIMIT: usize = 1 << 20;

/// The line sets of `engine::Index::build`, by number: where an entry's patterns are searched.
pub(crate) const MAIN_SET: u8 = 0;
/// Patterns every match of which holds an ASCII digit ([`needs_digit`]).
pub(crate) const DIGIT_SET: u8 = 1;
/// Patterns with a gate: tried only on a line holding one of its phrases.
pub(crate) const GATED_SET: u8 = 2;
/// Patterns that open with a run of any text ([`is_floating`]).
pub(crate) const FLOATING_SET: u8 = 3;

/// Where an entry goes, decided from its tree once (at build time for the default rules, so
/// that loading them need not decode the trees): its line set, and for the floating set whether
/// it needs a digit and how far into a line its first digit may be ([`digit_within`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub set: u8,
    pub needs_digit: bool,
    pub digit_within: Option<usize>,
}

impl Placement {
    pub(crate) fn of(hir: &Hir, gated: bool) -> Placement {
        let (set, floating) = if gated {
            (GATED_SET, false)
        } else if is_floating(hir) {
            (FLOATING_SET, true)
        } else if needs_digit(hir) {
            (DIGIT_SET, false)
        } else {
            (MAIN_SET, false)
        };
        // Only the floating set asks (see `Index::build`).
        let (needs_digit, digit_within) = if floating { (needs_digit(hir), digit_within(hir)) } else { (false, None) };
        Placement { set, needs_digit, digit_within }
    }
}

/// An entry without its tree: what the loader keeps of a default rule's entry (the tree is
/// decoded only when its set must be compiled, see `rules::nfacode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index (in `patterns`) of the first pattern it holds.
    pub first: usize,
    /// Its gate (see [`Compiled::gate`]).
    pub gate: Option<Vec<String>>,
    pub place: Placement,
}

impl Compiled {
    /// The entry without its tree.
    pub(crate) fn entry(&self) -> Entry {
        Entry { first: self.first, gate: self.gate.clone(), place: Placement::of(&self.hir, self.gate.is_some()) }
    }
}

/// Appends the encoding of `entries` to `out`: their count, then each entry's first pattern, its
/// gate (the number of phrases plus one, 0 for none, then each phrase's length and bytes), its
/// placement (the set, whether it needs a digit, its digit bound plus one or 0) and its tree
/// ([`super::hircode::encode`]) after the tree's length in bytes, so that a reader may skip it.
pub(crate) fn encode_entries(entries: &[Compiled], out: &mut Vec<u8>) {
    use super::hircode::put;
    put(out, entries.len() as u64);
    for e in entries {
        put(out, e.first as u64);
        match &e.gate {
            None => put(out, 0),
            Some(g) => {
                put(out, g.len() as u64 + 1);
                for p in g {
                    put(out, p.len() as u64);
                    out.extend_from_slice(p.as_bytes());
                }
            }
        }
        let place = Placement::of(&e.hir, e.gate.is_some());
        out.push(place.set);
        out.push(u8::from(place.needs_digit));
        put(out, place.digit_within.map_or(0, |n| n as u64 + 1));
        let mut tree = Vec::new();
        super::hircode::encode(&e.hir, &mut tree);
        put(out, tree.len() as u64);
        out.extend_from_slice(&tree);
    }
}

/// Reads what [`encode_entries`] wrote: each entry, and its tree decoded when `trees` is set;
/// `None` on any malformed input (never panics).
fn decode(bytes: &[u8], trees: bool) -> Option<Vec<(Entry, Option<Hir>)>> {
    let mut r = super::hircode::Reader::new(bytes);
    let n = r.len()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let first = usize::try_from(r.num()?).ok()?;
        let gate = match r.len()? {
            0 => None,
            k => {
                let mut g = Vec::with_capacity(k - 1);
                for _ in 1..k {
                    let len = r.len()?;
                    g.push(std::str::from_utf8(r.take(len)?).ok()?.to_string());
                }
                Some(g)
            }
        };
        // An entry is in the gated set exactly when it has a gate (the gates number that set).
        let set = r.byte().filter(|&s| s <= FLOATING_SET && (s == GATED_SET) == gate.is_some())?;
        let needs_digit = match r.byte()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let digit_within = match r.num()? {
            0 => None,
            k => Some(usize::try_from(k - 1).ok()?),
        };
        let len = r.len()?;
        let tree = r.take(len)?;
        let hir = if trees {
            let mut t = super::hircode::Reader::new(tree);
            let hir = t.hir(0)?;
            t.done().then_some(())?;
            Some(hir)
        } else {
            None
        };
        out.push((Entry { first, gate, place: Placement { set, needs_digit, digit_within } }, hir));
    }
    r.done().then_some(out)
}

/// The entries [`encode_entries`] wrote, with their trees.
pub(crate) fn decode_entries(bytes: &[u8]) -> Option<Vec<Compiled>> {
    decode(bytes, true)?.into_iter().map(|(e, hir)| Some(Compiled { hir: hir?, first: e.first, gate: e.gate })).collect()
}

/// The entries [`encode_entries`] wrote, without decoding their trees.
#[allow(dead_code)] // for the library
pub(crate) fn decode_entry_heads(bytes: &[u8]) -> Option<Vec<Entry>> {
    Some(decode(bytes, false)?.into_iter().map(|(e, _)| e).collect())
}

/// Whether a wrapped pattern is still `^ … $` as a whole.
pub(crate) fn anchored_both_ends(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    match hir.kind() {
        HirKind::Concat(parts) => {
            matches!(parts.first().map(|h| h.kind()), Some(HirKind::Look(Look::Start))) && matches!(parts.last().map(|h| h.kind()), Some(HirKind::Look(Look::End)))
        }
        _ => false,
    }
}

/// One entry of the shared line set: a pattern of the rule, or several joined.
#[derive(Debug)]
pub struct Compiled {
    pub hir: Hir,
    /// Index (in `patterns`) of the first pattern it holds.
    pub first: usize,
    /// Its gate (see `crate::lineset::gate`), found at load time, when the rule files are parsed
    /// side by side. A gated pattern stays on its own.
    pub gate: Option<Vec<String>>,
}

/// Joins the ungated patterns of one rule that end alike: `^(?:a)tail$` and `^(?:b)tail$` become
/// `^(?:a|b)tail$`, which matches the same lines and compiles the tail once. A rule's per-language
/// patterns often share their whole second half (`timestamp-labelled`: a label in each language,
/// then the same date and clock parts), and compiling those copies was the largest single cost of
/// building the line set. Only the rule is ever reported, never which of its patterns matched,
/// so the join is invisible.
pub(crate) fn join_common_tails(entries: Vec<(usize, Hir)>) -> Vec<Compiled> {
    use regex_syntax::hir::HirKind;
    // Each pattern's parts between the `^` and the `$` (`anchored_both_ends` checked them).
    let mut groups: Vec<(usize, Vec<Vec<Hir>>)> = Vec::new();
    let mut out = Vec::new();
    for (first, hir) in entries {
        if !matches!(hir.kind(), HirKind::Concat(parts) if parts.len() >= 2) {
            out.push(Compiled { hir, first, gate: None });
            continue;
        }
        let HirKind::Concat(mut parts) = hir.into_kind() else { continue };
        parts.pop();
        parts.remove(0);
        match groups.iter_mut().find(|(_, g)| g[0].last().is_some() && g[0].last() == parts.last()) {
            Some((_, g)) => g.push(parts),
            None => groups.push((first, vec![parts])),
        }
    }
    let anchored = |middle: Vec<Hir>| {
        let mut all = Vec::with_capacity(middle.len() + 2);
        all.push(Hir::look(regex_syntax::hir::Look::Start));
        all.extend(middle);
        all.push(Hir::look(regex_syntax::hir::Look::End));
        Hir::concat(all)
    };
    groups
        .into_iter()
        .map(|(first, mut members)| {
            if members.len() == 1 {
                return Compiled { hir: anchored(members.pop().unwrap_or_default()), first, gate: None };
            }
            // The longest run of trailing parts that all members share.
            let shortest = members.iter().map(Vec::len).min().unwrap_or(0);
            let common = (1..=shortest).take_while(|&k| members.iter().all(|m| m[m.len() - k] == members[0][members[0].len() - k])).count();
            let mut tail = Vec::new();
            let heads: Vec<Hir> = members
                .into_iter()
                .map(|mut m| {
                    let t = m.split_off(m.len() - common);
                    if tail.is_empty() {
                        tail = t;
                    }
                    Hir::concat(m)
                })
                .collect();
            let mut middle = vec![Hir::alternation(heads)];
            middle.extend(tail);
            Compiled { hir: anchored(middle), first, gate: None }
        })
        .chain(out)
        .collect()
}

/// Whether a wrapped pattern opens with a long run of any text (`.*`, `[^.!?]*`,
/// `[^0-9]{0,30}`): such a pattern stays alive over the first characters of every line.
pub(crate) fn is_floating(compiled: &Hir) -> bool {
    use regex_syntax::hir::HirKind;
    let first = match compiled.kind() {
        HirKind::Concat(parts) => parts.iter().find(|h| !matches!(h.kind(), HirKind::Look(_))),
        _ => None,
    };
    first.is_some_and(opens_with_any_text)
}

/// Whether `h` opens with a long run of any text: such a run itself, or an optional group that
/// opens with one (`(?:[^.!?]*\s)?would like to …`). Alternations and other groups are not looked
/// into: joined patterns (`^(?:a|b)tail$`) would get gates and lose their shared tail.
fn opens_with_any_text(h: &Hir) -> bool {
    use regex_syntax::hir::HirKind;
    match h.kind() {
        HirKind::Repetition(r) if r.min == 0 && r.max == Some(1) => match r.sub.kind() {
            HirKind::Concat(parts) => parts.first().is_some_and(opens_with_any_text),
            HirKind::Capture(c) => opens_with_any_text(&c.sub),
            _ => opens_with_any_text(&r.sub),
        },
        HirKind::Repetition(r) => {
            r.max.is_none_or(|m| m >= 8)
                && match r.sub.kind() {
                    HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => c.ranges().iter().any(|x| (x.start()..=x.end()).contains(&'a') || (x.start()..=x.end()).contains(&' ')),
                    HirKind::Class(regex_syntax::hir::Class::Bytes(c)) => c.ranges().iter().any(|x| (x.start()..=x.end()).contains(&b'a') || (x.start()..=x.end()).contains(&b' ')),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// Gates: for a pattern that can start anywhere in a line (`.*?all rights reserved`,
/// `[^.!?]*무단 전재 … 금지`), phrases of which every match holds one, found by the shared cue
/// automaton in its one pass over the text. Such a pattern is tried only on lines where one of its
/// phrases occurred: without the gate, the lazy DFA walks every short line to its end for it.
///
/// The phrases come from the pattern itself: a part of its top-level sequence that every match
/// passes through and whose prefixes form a finite set of literals (an alternation of words).
/// Each literal is cut to its first [`GATE_MIN_BYTES`] or more bytes, and spelled in every
/// form the pattern's case-insensitive match accepts (`s` as `s` or `ſ`, `k` as `k` or the Kelvin
/// sign, `В` as `В` or `в`; the automaton itself ignores ASCII case), so the gate never turns away a
/// line the pattern would match. So do patterns that may open with a wide class of letters
/// ([`opens_wide`]: a capitalised name, `Jane Doe, AP Writer`); in the set of all other patterns
/// they made the lazy DFA walk the first words of most lines, through a state for each pairing of
/// their progress with the literals' (megabytes of rows, a cache miss a step). Patterns whose
/// start is a literal (`Updated …`, `©…`) or a digit die within a few bytes of most lines and get
/// no gate.
pub(crate) fn gate(wrapped: &str, compiled: &Hir, parse: impl Fn(&str) -> Option<Hir>) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
    use regex_syntax::hir::HirKind;
    fn parts_of(hir: &Hir) -> Option<impl Iterator<Item = &Hir>> {
        match hir.kind() {
            HirKind::Concat(parts) => Some(parts.iter().filter(|h| !matches!(h.kind(), HirKind::Look(_)))),
            _ => None,
        }
    }
    // Only patterns that open with a long run of any text: the others die within a few bytes
    // of most lines. Decided on the compiled pattern, so the pattern is parsed again only for
    // the few that qualify.
    if !is_floating(compiled) && !opens_wide(compiled) {
        return None;
    }
    // The pattern as written, case-sensitive: its literals as the rule spells them.
    let written = parse(wrapped.strip_prefix("(?i)")?)?;
    let prefixes = |h: &Hir| -> Seq { Extractor::new().kind(ExtractKind::Prefix).extract(h) };
    let usable = |s: &Seq| s.literals().is_some_and(|l| !l.is_empty() && l.iter().all(|x| gate_literal(x.as_bytes()).is_some()));
    // The part with the longest shortest literal (the most selective gate).
    let best = parts_of(&written)?
        .map(prefixes)
        .filter(usable)
        .max_by_key(|s| s.literals().map_or(0, |l| l.iter().map(|x| x.len()).min().unwrap_or(0)))?;
    let mut out = Vec::new();
    for lit in best.literals()? {
        out.extend(gate_literal(lit.as_bytes())?);
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// Whether a match of `h` may open with a character of a class of more than [`WIDE_CLASS`]
/// characters among which are ASCII letters (a capitalised word: `[A-ZÀ-Ö…]`), looking through
/// groups, repetitions, alternatives and everything that may match nothing (`(?:the\s+)?`).
pub(crate) fn opens_wide(h: &Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let letters = |c: &Class| match c {
        Class::Unicode(c) => c.ranges().iter().map(|r| r.len()).sum::<usize>() > WIDE_CLASS && c.ranges().iter().any(|r| r.start() <= 'z' && r.end() >= 'A'),
        Class::Bytes(c) => c.ranges().iter().map(|r| r.len()).sum::<usize>() > WIDE_CLASS && c.ranges().iter().any(|r| r.start() <= b'z' && r.end() >= b'A'),
    };
    match h.kind() {
        HirKind::Class(c) => letters(c),
        HirKind::Repetition(r) => opens_wide(&r.sub),
        HirKind::Capture(c) => opens_wide(&c.sub),
        HirKind::Alternation(hs) => hs.iter().any(opens_wide),
        HirKind::Concat(hs) => {
            for part in hs {
                if opens_wide(part) {
                    return true;
                }
                if part.properties().minimum_len() != Some(0) {
                    return false;
                }
            }
            false
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => false,
    }
}

/// The widest class a pattern may open with and not open wide (see [`opens_wide`]): a letter in
/// all its case-insensitive spellings is two to four characters.
pub(crate) const WIDE_CLASS: usize = 10;

/// A gate phrase has at least this many bytes: six ASCII letters, three Cyrillic or two Hangul
/// or Han characters, enough to be rare in prose.
pub(crate) const GATE_MIN_BYTES: usize = 6;
/// Copyright and trademark signs (`©`, `ⓒ`, `®`, `™`, `℗`): rare enough in prose to gate a pattern
/// on their own, short as they are (`Site Name © 2020`).
pub(crate) fn rare_symbol(c: char) -> bool {
    matches!(c, '©' | '®' | '℗' | '™' | 'ⓒ' | 'Ⓒ' | 'ⓡ' | 'Ⓡ')
}

/// The spellings of `c` that a case-insensitive match accepts, ASCII letters once, in lower case
/// (the automaton ignores ASCII case), in the order of their code points.
pub(crate) fn spellings(c: char) -> Vec<char> {
    use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    let mut spellings: Vec<char> = class.iter().flat_map(|r| r.start()..=r.end()).map(|x| x.to_ascii_lowercase()).collect();
    spellings.dedup();
    spellings
}

/// The one spelling of an ASCII character other than `s` and `k` (which fold to `ſ` and the
/// Kelvin sign as well), found without the case-folding tables that [`spellings`] looks it up
/// in (a tenth of the work of loading the rules' gates): the same answer (unit test).
pub(crate) fn spelled_alone(c: char) -> Option<char> {
    (c.is_ascii() && !matches!(c, 's' | 'S' | 'k' | 'K')).then(|| c.to_ascii_lowercase())
}

/// At most this many spellings of one literal.
pub(crate) const GATE_MAX_FORMS: usize = 32;

/// The spellings of the longest prefix of `lit` (at least [`GATE_MIN_BYTES`] long) that has
/// at most [`GATE_MAX_FORMS`] case-folded forms; ASCII letters count once (the automaton ignores
/// ASCII case).
pub(crate) fn gate_literal(lit: &[u8]) -> Option<Vec<String>> {
    let text = match std::str::from_utf8(lit) {
        Ok(t) => t,
        // A literal cut inside a character: keep the whole characters.
        Err(e) => std::str::from_utf8(&lit[..e.valid_up_to()]).ok()?,
    };
    let mut forms = vec![String::new()];
    let mut taken = 0;
    for c in text.chars() {
        let spellings = match spelled_alone(c) {
            Some(one) => {
                // One spelling (most characters): appended in place.
                forms.iter_mut().for_each(|f| f.push(one));
                taken += c.len_utf8();
                continue;
            }
            None => spellings(c),
        };
        if forms.len() * spellings.len() > GATE_MAX_FORMS {
            break;
        }
        forms = forms.iter().flat_map(|f| spellings.iter().map(move |&s| format!("{f}{s}"))).collect();
        taken += c.len_utf8();
    }
    let symbols = taken > 0 && text[..taken].chars().all(rare_symbol);
    ((taken >= GATE_MIN_BYTES || symbols) && forms.iter().all(|f| !f.trim().is_empty())).then_some(forms)
}

