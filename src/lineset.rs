//! The line patterns of all `pattern` rules, matched together: which patterns match a whole line.
//!
//! This is what `regex::RegexSet` does, built from the parts it needs and no more. Every pattern is
//! anchored at both ends (`^(?:…)$`, see [`crate::rules::pattern::wrap`]), so an anchored forward
//! search answers the question; the meta regex behind `RegexSet` also compiles a reverse NFA and
//! tries a one-pass DFA, which this search never uses and which cost more than half of the rules'
//! compile time. A user's patterns are parsed once, when the rule file is loaded (to report syntax
//! errors at `file:line:col`), and that syntax tree is compiled here, not parsed a second time.
//! The default rules' sets and guards were compiled when textsweep was built, and are rebuilt
//! from their stored states ([`LineSet::from_nfa`], `rules/nfacode.rs`).
//!
//! The search runs the lazy DFA; if it cannot answer (a Unicode word boundary `\b` in a user's
//! pattern on a non-ASCII line, the one input the lazy DFA refuses), the PikeVM, built from the
//! same NFA, answers instead. Both report the same set of patterns.

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::pikevm::{Cache as VmCache, PikeVM};
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind, PatternSet};
use regex_syntax::hir::Hir;
use std::sync::Arc;

/// One thread's search state: the lazy DFA's transition cache and the PikeVM's scratch space, made
/// the first time the PikeVM is needed (it is sized by the NFA: costly to make, rarely used).
#[derive(Debug)]
struct Caches {
    dfa: DfaCache,
    vm: Option<VmCache>,
}

type CacheFn =
    Box<dyn Fn() -> Caches + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// Compiled line patterns; `Sync`: each thread takes its own [`Caches`] from the pool.
pub(crate) struct LineSet {
    engines: Arc<(DFA, PikeVM)>,
    len: usize,
    pool: Pool<Caches, CacheFn>,
}

impl std::fmt::Debug for LineSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineSet")
            .field("patterns", &self.len)
            .finish()
    }
}

impl LineSet {
    /// Compiles `hirs` (each already wrapped by `pattern::wrap`) into one set. `size_limit` bounds
    /// the NFA; `cache_capacity` the lazy DFA's transition cache per thread.
    pub(crate) fn new<H: std::borrow::Borrow<Hir>>(
        hirs: &[H],
        size_limit: usize,
        cache_capacity: usize,
    ) -> Result<LineSet, String> {
        Self::keeping_compiler(hirs, size_limit, cache_capacity).map(|(set, _)| set)
    }

    /// [`LineSet::new`], and the NFA compiler it used, not yet dropped: freeing the compiler's
    /// working state (a state list of the size of the NFA and a map of 10,000 entries) costs about
    /// a tenth of the compile, which the caller may leave to another thread (see
    /// [`crate::par::drop_later`]).
    pub(crate) fn keeping_compiler<H: std::borrow::Borrow<Hir>>(
        hirs: &[H],
        size_limit: usize,
        cache_capacity: usize,
    ) -> Result<(LineSet, thompson::Compiler), String> {
        let compiler = crate::rules::nfacode::compiler(size_limit);
        let nfa: NFA = compiler.build_many_from_hir(hirs).map_err(|e| match e.size_limit() {
            // Worded as the regex crate words it.
            Some(limit) => format!("Compiled regex exceeds size limit of {limit} bytes."),
            None => e.to_string(),
        })?;
        Ok((Self::from_nfa(nfa, cache_capacity)?, compiler))
    }

    /// The set of `nfa`'s patterns (compiled from wrapped patterns as [`LineSet::new`] compiles
    /// them, or the stored NFA of a default set, see `rules/nfacode.rs`).
    pub(crate) fn from_nfa(nfa: NFA, cache_capacity: usize) -> Result<LineSet, String> {
        let len = nfa.pattern_len();
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(cache_capacity)
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa.clone())
            .map_err(|e| e.to_string())?;
        let vm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let engines = Arc::new((dfa, vm));
        let for_pool = Arc::clone(&engines);
        let create: CacheFn = Box::new(move || Caches {
            dfa: for_pool.0.create_cache(),
            vm: None,
        });
        Ok(LineSet { engines, len, pool: Pool::new(create) })
    }

    /// The patterns that match all of each line, found by the library's overlapping search (the
    /// PikeVM when the lazy DFA cannot answer): what [`Searcher::matches`] must find.
    #[cfg(test)]
    pub(crate) fn searched(&self, lines: &[String]) -> Vec<Vec<usize>> {
        let (dfa, vm) = &*self.engines;
        let (mut dfa_cache, mut vm_cache) = (dfa.create_cache(), vm.create_cache());
        let mut hits = PatternSet::new(self.len);
        lines
            .iter()
            .map(|line| {
                let input = Input::new(line).anchored(Anchored::Yes);
                hits.clear();
                if dfa.try_which_overlapping_matches(&mut dfa_cache, &input, &mut hits).is_err() {
                    hits.clear();
                    vm.which_overlapping_matches(&mut vm_cache, &input, &mut hits);
                }
                hits.iter().map(|p| p.as_usize()).collect()
            })
            .collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A searcher for one document: it takes this thread's caches from the pool once, not once
    /// per line.
    #[cfg(test)]
    pub(crate) fn searcher(&self) -> Searcher<'_> {
        self.searcher_in(None)
    }

    /// [`LineSet::searcher`], putting its hits in `hits` when that is a set of this one's size
    /// (kept from an earlier document: a new one is a zeroed allocation, and four of them were
    /// a third of the allocations a document made).
    pub(crate) fn searcher_in(&self, hits: Option<PatternSet>) -> Searcher<'_> {
        let mut hits = hits.filter(|h| h.capacity() == self.len).unwrap_or_else(|| PatternSet::new(self.len));
        hits.clear();
        Searcher { set: self, caches: self.pool.get(), hits }
    }
}

impl Searcher<'_> {
    /// The searcher's set of hits, for the next [`LineSet::searcher_in`].
    pub(crate) fn into_hits(self) -> PatternSet {
        self.hits
    }
}

/// Searches the lines of one document (see [`LineSet::searcher`]).
pub(crate) struct Searcher<'a> {
    set: &'a LineSet,
    caches: regex_automata::util::pool::PoolGuard<'a, Caches, CacheFn>,
    /// The patterns that matched the last line searched.
    hits: PatternSet,
}

impl Searcher<'_> {
    /// The patterns that match all of `line`.
    pub(crate) fn matches(&mut self, line: &str) -> &PatternSet {
        let hits = &mut self.hits;
        if !hits.is_empty() {
            hits.clear();
        }
        let (dfa, vm) = &*self.set.engines;
        if walk(dfa, &mut self.caches.dfa, line.as_bytes(), hits).is_none() {
            hits.clear();
            let input = Input::new(line).anchored(Anchored::Yes);
            let vm_cache = self.caches.vm.get_or_insert_with(|| vm.create_cache());
            vm.which_overlapping_matches(vm_cache, &input, hits);
        }
        hits
    }

    /// The first `pick(p)` that is `Some` over the patterns `p` that match all of `line`, in the
    /// set's order. Most lines match nothing: then the set is not walked at all.
    pub(crate) fn first(&mut self, line: &str, pick: impl FnMut(usize) -> Option<u32>) -> Option<u32> {
        let hits = self.matches(line);
        if hits.is_empty() {
            return None;
        }
        hits.iter().map(|p| p.as_usize()).find_map(pick)
    }
}

/// Puts the patterns that match all of `line` into `hits`, as an anchored overlapping search
/// would: every pattern is anchored at both ends (see [`crate::rules::pattern::wrap`]), so a match
/// can only end at the end of the line, and the search is one walk of the lazy DFA that stops at
/// the first byte after which no pattern can match (most lines: within their first word). The
/// library's overlapping search does the same walk with a fixed cost per call that was most of
/// the cost for short lines (about 400 instructions a call, for 8 bytes walked on average).
/// `None` when the lazy DFA cannot answer (its cache gave up, or a quit byte: a Unicode `\b` on
/// a non-ASCII line); then `hits` may hold part of an answer.
fn walk(dfa: &DFA, cache: &mut DfaCache, line: &[u8], hits: &mut PatternSet) -> Option<()> {
    let config = regex_automata::util::start::Config::new().anchored(Anchored::Yes);
    let mut sid = dfa.start_state(cache, &config).ok()?;
    for &b in line {
        sid = dfa.next_state(cache, sid, b).ok()?;
        if sid.is_tagged() {
            if sid.is_dead() {
                return Some(());
            }
            if sid.is_quit() {
                return None;
            }
        }
    }
    sid = dfa.next_eoi_state(cache, sid).ok()?;
    if sid.is_match() {
        for k in 0..dfa.match_len(cache, sid) {
            hits.insert(dfa.match_pattern(cache, sid, k));
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern needs a digit only when every match goes through an ASCII one; then it matches
    /// no line without one.
    #[test]
    fn needs_digit_only_when_every_match_has_one() {
        let hir = |p: &str| regex_syntax::Parser::new().parse(&crate::rules::pattern::wrap(p)).unwrap();
        let cases = [
            ("[0-9]+ comments", true, "12 comments"),
            ("© 20[0-9]{2} .+", true, "© 2024 Example Media"),
            ("(?:updated|posted):? [0-9]{1,2}:[0-9]{2}", true, "Updated: 9:41"),
            ("(?:[0-9]+|one) comments?", false, "one comment"),
            ("[0-9]* comments", false, " comments"),
            ("(?:[0-9]+ )?comments", false, "comments"),
            // `\d` is every Unicode digit: Arabic-Indic ones too.
            ("\\d+ تعليقات", false, "٣ تعليقات"),
            ("share", false, "Share"),
        ];
        for (p, needs, example) in cases {
            let h = hir(p);
            assert_eq!(needs_digit(&h), needs, "{p}");
            let set = LineSet::new(&[&h], 1 << 20, 1 << 20).unwrap();
            assert!(!set.searcher().matches(example).is_empty(), "{p} matches {example:?}");
            assert!(needs <= has_digit(example), "{p}: {example:?}");
        }
    }

    /// `digit_within` bounds the characters before a match's first digit: no line whose first
    /// digit comes later is matched (tried with every count of characters of one, two and three
    /// bytes before a part that matches), and the bound is the one the pattern spells.
    #[test]
    fn digit_within_bounds_the_characters_before_the_first_digit() {
        use crate::rules::entries::digit_within as bound;
        let hir = |p: &str| regex_syntax::Parser::new().parse(&crate::rules::pattern::wrap(p)).unwrap();
        let cases = [
            ("[^0-9!?]{0,20}[0-9]{1,2}:[0-9]{2}", Some(20), "10:30"),
            ("(?:updated|posted):? [0-9]{1,2}:[0-9]{2}", Some(9), "9:41"),
            ("© 20[0-9]{2} .+", Some(2), "2024 x"),
            ("(?:ab|cdé)[0-9]+", Some(3), "1"),
            ("x{2,3}(?:[0-9]|y[0-9])", Some(4), "7"),
            ("[^0-9]*[0-9]+", None, "12"),
            ("(?:[0-9]+ )?comments", None, "comments"),
            ("(?:[0-9]+|one) [0-9]", None, "one 1"),
            ("share", None, "share"),
        ];
        let mut rejected = 0;
        for (p, want, tail) in cases {
            let h = hir(p);
            assert_eq!(bound(&h), want, "{p}");
            let Some(n) = want else { continue };
            let set = LineSet::new(&[&h], 1 << 20, 1 << 20).unwrap();
            let mut searcher = set.searcher();
            for filler in ["a", "é", "漢", " "] {
                for k in 0..n + 6 {
                    // The opening the pattern needs, its filler part stretched or not.
                    for head in ["", "updated ", "posted: ", "© 20", "ab", "cdé", "xx", "xxx", "xxxy"] {
                        let line = format!("{head}{}{tail}", filler.repeat(k));
                        let within = has_digit_within(&line, n);
                        if !searcher.matches(&line).is_empty() {
                            assert!(within, "{p} matches {line:?}, first digit past {n} characters");
                        }
                        rejected += usize::from(!within);
                    }
                }
            }
        }
        assert!(rejected > 100);
        // Characters, not bytes: a digit after 20 two-byte letters is within 20.
        assert!(has_digit_within(&format!("{}1", "é".repeat(20)), 20));
        assert!(!has_digit_within(&format!("{}1", "é".repeat(21)), 20));
        assert!(!has_digit_within("no digit at all", 99));
    }

    /// The block and word tests find a digit exactly where a byte-by-byte test does: every byte
    /// value at every place of a line of every length up to three words, and of lengths around
    /// one and two blocks, among bytes next to the digits.
    #[test]
    fn has_digit_is_the_byte_test() {
        for len in (0..=24).chain([31, 32, 33, 39, 40, 63, 64, 65, 71]) {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'/'; len];
                    for (i, x) in bytes.iter_mut().enumerate() {
                        *x = [b'/', b':', 0xff, 0x80, b'a'][(i + b as usize) % 5];
                    }
                    bytes[at] = b;
                    let line = String::from_utf8_lossy(&bytes).into_owned();
                    assert_eq!(has_digit(&line), line.bytes().any(|x| x.is_ascii_digit()), "{bytes:?}");
                }
            }
        }
    }

    fn set(patterns: &[&str]) -> LineSet {
        let hirs: Vec<Hir> = patterns
            .iter()
            .map(|p| regex_syntax::parse(&crate::rules::pattern::wrap(p)).unwrap())
            .collect();
        LineSet::new(&hirs, 1 << 20, 1 << 20).unwrap()
    }

    fn which(s: &LineSet, line: &str) -> Vec<usize> {
        s.searcher().matches(line).iter().map(|p| p.as_usize()).collect()
    }

    /// The same answers as `regex::RegexSet` over the same wrapped patterns, overlapping matches
    /// and the PikeVM fallback (a Unicode `\b` on a non-ASCII line) included.
    #[test]
    fn agrees_with_regex_set() {
        let pats = [
            r"\d+ comments?",
            r"(?:updated|published):? .*",
            r".*\bcafé\b.*",
            r"\w+ ago",
            r"©.*",
            r".*reserved\.?",
        ];
        let s = set(&pats);
        let reference =
            regex::RegexSet::new(pats.iter().map(|p| crate::rules::pattern::wrap(p))).unwrap();
        for line in [
            "12 comments",
            "Updated: 3 hours ago",
            "Le café est fermé",
            "3 hours ago",
            "© 2020 All rights reserved.",
            "comments",
            "",
            "Ünïcödé café",
            "prose about a café in town",
        ] {
            let want: Vec<usize> = reference.matches(line).iter().collect();
            assert_eq!(which(&s, line), want, "{line:?}");
        }
        assert_eq!(which(&s, "© 2020 All rights reserved."), vec![4, 5]);
    }
}

#[cfg(test)]
pub(crate) use crate::rules::entries::needs_digit;

/// Whether `line` holds an ASCII digit, 32 bytes at a time (a fold without a branch, which the
/// compiler turns into vector compares), then eight at a time: a byte is a digit when, XORed
/// with `0x30`, it is below 10, and the word test for "some byte below 10" has no false
/// positives (a borrow only starts at such a byte).
#[inline]
pub(crate) fn has_digit(line: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let blocks = line.as_bytes().chunks_exact(32);
    let tail = blocks.remainder();
    for block in blocks {
        if block.iter().fold(false, |any, b| any | (b.wrapping_sub(b'0') < 10)) {
            return true;
        }
    }
    let words = tail.chunks_exact(8);
    let rest = words.remainder();
    for c in words {
        let x = u64::from_le_bytes(c.try_into().unwrap_or_default()) ^ (0x30 * ONES);
        if x.wrapping_sub(10 * ONES) & !x & (0x80 * ONES) != 0 {
            return true;
        }
    }
    rest.iter().any(u8::is_ascii_digit)
}

/// Whether `line` has an ASCII digit with at most `n` characters before it (see
/// [`crate::rules::entries::digit_within`]): a character is every byte that is not a UTF-8
/// continuation byte.
pub(crate) fn has_digit_within(line: &str, n: usize) -> bool {
    let mut chars = 0;
    for &b in line.as_bytes() {
        if b.is_ascii_digit() {
            return true;
        }
        if b & 0xC0 != 0x80 {
            chars += 1;
            if chars > n {
                return false;
            }
        }
    }
    false
}

#[cfg(test)]
pub(crate) use crate::rules::entries::is_floating;
#[cfg(test)]
use crate::rules::entries::{spelled_alone, spellings, GATE_MAX_FORMS};

/// The gate of a wrapped pattern whose case-insensitive tree is `compiled` (see
/// [`crate::rules::entries::gate`]; the pattern as written is parsed, or its stored tree
/// decoded, only when it floats).
pub(crate) fn gate(wrapped: &str, compiled: &Hir) -> Option<Vec<String>> {
    crate::rules::entries::gate(wrapped, compiled, |t| crate::rules::parse_regex(t).ok())
}

#[cfg(test)]
mod gate_tests {
    use super::*;
    use crate::rules::pattern::wrap;

    /// The gate of a rule pattern `p`, as the engine computes it.
    fn gate_of(p: &str) -> Option<Vec<String>> {
        let w = wrap(p);
        gate(&w, &regex_syntax::parse(&w).unwrap())
    }

    #[test]
    fn floating_patterns_get_gates_and_anchored_ones_do_not() {
        let g = gate_of(r".*?(?-u:\b)(?:all rights reserved|alle rechte vorbehalten)\s*[.!]?").unwrap();
        assert!(g.iter().any(|p| p.starts_with("all ")), "{g:?}");
        assert!(g.iter().any(|p| p.starts_with("alle ")), "{g:?}");
        // Every case-insensitive spelling of the first characters: the long s of `ſ`.
        assert!(gate_of(r"[^.]*(?:sassas)").unwrap().contains(&"ſaſſaſ".to_string()));
        assert_eq!(gate_of(r"[^.]*(?:sss)"), None, "too short to be rare in prose");
        let ru = gate_of(r"[^.]*(?:все права)").unwrap();
        assert!(ru.iter().any(|p| p.starts_with("ВСЕ")) && ru.iter().any(|p| p.starts_with("все")) && ru.len() <= GATE_MAX_FORMS, "{ru:?}");
        assert_eq!(gate_of(r"(?:updated|published)\s*:.*"), None);
        assert_eq!(gate_of(r"\d+ comments?"), None, "a literal after digits: no floating head worth a gate");
        assert_eq!(gate_of(r".*"), None);
        // A run of any text inside an optional group floats as well.
        let g = gate_of(r"(?:[^.!?]*\s)?(?:would like to|wants to)\s+send you notifications").unwrap();
        assert!(g.contains(&"send you notifications".to_string()), "{g:?}");
    }

    /// The shortcut for ASCII characters gives what the case-folding tables give.
    #[test]
    fn ascii_spellings_need_no_tables() {
        for b in 0..=127u8 {
            let c = char::from(b);
            match spelled_alone(c) {
                Some(one) => assert_eq!(spellings(c), vec![one], "{c:?}"),
                None => assert_eq!(spellings(c).len(), 2, "{c:?}"),
            }
        }
        assert_eq!(spellings('S'), vec!['s', 'ſ']);
        assert_eq!(spelled_alone('é'), None);
    }

    /// A pattern that may open with a capitalised word gets a gate as a floating one does; one
    /// that opens with a literal, a digit or a space does not, nor one with no literal to gate on.
    #[test]
    fn patterns_opening_with_a_wide_class_of_letters_get_gates() {
        let wide = |p: &str| crate::rules::entries::opens_wide(&regex_syntax::parse(&wrap(p)).unwrap());
        let names = r"(?-i:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ\-]*)(?:\s+(?-i:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ\-]*))+";
        assert!(wide(names));
        assert!(wide(&format!("(?:(?:the\\s+)?associated press\\s+)?{names}")), "past an optional group");
        assert!(wide(r"\w+ ago"));
        for p in [r"by\s+[A-Z][a-z]+", r"[0-9]+ comments", r"\d+ comments?", r"\s*\(?reporting by .*", r"(?:x|y)[a-z]+"] {
            assert!(!wide(p), "{p}");
        }
        let g = gate_of(&format!("{names},?\\s+(?:the\\s+)?associated\\s+press")).unwrap();
        assert!(g.contains(&"associated".to_string()), "{g:?}");
        assert_eq!(gate_of(&format!("{names}\\s*[,;]")), None, "no literal of six bytes");
        assert_eq!(gate_of(r"by\s+[A-Z][a-z]+ newsletter"), None, "opens with a literal");
    }

    #[test]
    fn copyright_signs_gate_on_their_own() {
        // Both spellings of the enclosed c (it has a capital), and the plain sign.
        let g = gate_of(r"[^©ⓒ0-9.!?]{1,50}?\s*(?:©|ⓒ)\s*[0-9]{4}").unwrap();
        for sign in ["©", "ⓒ", "Ⓒ"] {
            assert!(g.contains(&sign.to_string()), "{g:?}");
        }
        // Other short literals still get none: `§` is no copyright sign, `ab` is prose.
        assert_eq!(gate_of(r"[^.]{1,50}?\s*§\s*[0-9]{4}"), None);
        assert_eq!(gate_of(r"[^.]{1,50}?\s*ab\s*[0-9]{4}"), None);
    }
}
