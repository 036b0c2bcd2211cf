//! The default line-pattern sets' NFAs, compiled when textsweep is built and replayed at start-up.
//!
//! `build.rs` compiles each of the four line sets of the default rules (`engine::Index::build`
//! sorts the `pattern` rules' entries into them) with regex-automata's Thompson compiler, exactly
//! as [`crate::lineset::LineSet`] would, and stores the NFA's states in this compact form. Loading
//! the default rules then hands each state to `thompson::Builder` in order, which is what the
//! compiler ends with: the parse of every class into UTF-8 sequences, the case folding and the
//! suffix sharing are done once, at build time. A set is replayed only when its entries are the
//! ones the build compiled, in the same order, under an NFA size limit at least the build's (a
//! user's pattern rule or a disabled default one changes the entries of the set it is in, and that
//! set is compiled as before); unit tests hold every replayed NFA to what the compiler builds from
//! the loaded rules now. Each default rule's `not_next_to` set is stored the same way, keyed by its
//! patterns, and replayed when a line first needs it (`pattern::NotNextTo`).
//!
//! The form: a header (the number of states, both start states, the number of patterns and each
//! pattern's start), then each state as a tag byte and its fields; state ids are written as the
//! difference from the state's own id (zigzag, LEB128), as most point to a neighbour.

use regex_automata::nfa::thompson::{Builder, State, Transition, NFA};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;

const RANGE: u8 = 0;
const SPARSE: u8 = 1;
const LOOK: u8 = 2;
const UNION: u8 = 3;
const BINARY_UNION: u8 = 4;
const CAPTURE_START: u8 = 5;
const CAPTURE_END: u8 = 6;
const FAIL: u8 = 7;
const MATCH: u8 = 8;

use super::hircode::put;

/// The Thompson compiler as every line set is compiled with (`lineset::LineSet`, and `build.rs`
/// for the stored ones): UTF-8 mode, forward, each pattern's implicit capture group only, and
/// `size_limit` on the NFA. [`decode`] configures its builder the same way.
pub(crate) fn compiler(size_limit: usize) -> regex_automata::nfa::thompson::Compiler {
    use regex_automata::nfa::thompson::{Compiler, Config, WhichCaptures};
    let mut compiler = Compiler::new();
    compiler.configure(Config::new().utf8(true).reverse(false).nfa_size_limit(Some(size_limit)).which_captures(WhichCaptures::Implicit));
    compiler
}

fn put_id(out: &mut Vec<u8>, at: usize, id: StateID) {
    let d = id.as_usize() as i64 - at as i64;
    put(out, ((d << 1) ^ (d >> 63)) as u64);
}

/// `nfa` in the stored form; `None` for a state this form does not hold (a dense state, which
/// the compiler does not make) or a capture other than the implicit group of each pattern.
#[allow(dead_code)] // for build.rs
pub(crate) fn encode(nfa: &NFA) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    put(&mut out, nfa.states().len() as u64);
    put(&mut out, nfa.start_anchored().as_usize() as u64);
    put(&mut out, nfa.start_unanchored().as_usize() as u64);
    put(&mut out, nfa.pattern_len() as u64);
    for pid in nfa.patterns() {
        put(&mut out, nfa.start_pattern(pid)?.as_usize() as u64);
    }
    let trans = |out: &mut Vec<u8>, at: usize, t: &Transition| {
        out.extend([t.start, t.end]);
        put_id(out, at, t.next);
    };
    for (at, state) in nfa.states().iter().enumerate() {
        match state {
            State::ByteRange { trans: t } => {
                out.push(RANGE);
                trans(&mut out, at, t);
            }
            State::Sparse(s) => {
                out.push(SPARSE);
                put(&mut out, s.transitions.len() as u64);
                for t in s.transitions.iter() {
                    trans(&mut out, at, t);
                }
            }
            State::Dense(_) => return None,
            State::Look { look, next } => {
                out.push(LOOK);
                put(&mut out, look.as_repr() as u64);
                put_id(&mut out, at, *next);
            }
            State::Union { alternates } => {
                out.push(UNION);
                put(&mut out, alternates.len() as u64);
                for &a in alternates.iter() {
                    put_id(&mut out, at, a);
                }
            }
            State::BinaryUnion { alt1, alt2 } => {
                out.push(BINARY_UNION);
                put_id(&mut out, at, *alt1);
                put_id(&mut out, at, *alt2);
            }
            State::Capture { next, pattern_id, group_index, slot } => {
                if group_index.as_usize() != 0 {
                    return None;
                }
                let start = nfa.group_info().slot(*pattern_id, 0)?;
                out.push(if slot.as_usize() == start { CAPTURE_START } else { CAPTURE_END });
                put(&mut out, pattern_id.as_usize() as u64);
                put_id(&mut out, at, *next);
            }
            State::Fail => out.push(FAIL),
            State::Match { pattern_id } => {
                out.push(MATCH);
                put(&mut out, pattern_id.as_usize() as u64);
            }
        }
    }
    Some(out)
}

/// Reads the form, on the numbers of `hircode`'s reader.
struct Reader<'a> {
    r: super::hircode::Reader<'a>,
    /// The number of states: every id read is below it.
    len: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        self.r.byte()
    }

    fn num(&mut self) -> Option<usize> {
        usize::try_from(self.r.num()?).ok()
    }

    /// A count: never more than the bytes left, as each item takes at least one.
    fn count(&mut self) -> Option<usize> {
        self.r.len()
    }

    fn id(&mut self, at: usize) -> Option<StateID> {
        let z = self.r.num()?;
        let d = (z >> 1) as i64 ^ -((z & 1) as i64);
        let id = usize::try_from((at as i64).checked_add(d)?).ok()?;
        if id >= self.len {
            return None;
        }
        StateID::new(id).ok()
    }

    /// A transition on a range of bytes, `start <= end` (the builder asserts it).
    fn trans(&mut self, at: usize) -> Option<Transition> {
        let (start, end) = (self.byte()?, self.byte()?);
        (start <= end).then_some(())?;
        Some(Transition { start, end, next: self.id(at)? })
    }
}

/// The NFA stored in `bytes`, rebuilt with `size_limit` as the compiler's limit; `None` when the
/// bytes are not a whole, consistent NFA of this form (never a panic).
pub(crate) fn decode(bytes: &[u8], size_limit: usize) -> Option<NFA> {
    let mut r = Reader { r: super::hircode::Reader::new(bytes), len: 0 };
    let len = r.count()?;
    r.len = len;
    let (start_anchored, start_unanchored) = (r.num()?, r.num()?);
    let patterns = r.count()?;
    let mut starts = Vec::with_capacity(patterns);
    for _ in 0..patterns {
        starts.push(StateID::new(r.num()?).ok()?);
    }
    let check = |id: usize| (id < len).then(|| StateID::new(id).ok()).flatten();
    let (start_anchored, start_unanchored) = (check(start_anchored)?, check(start_unanchored)?);
    if starts.iter().any(|s| s.as_usize() >= len) {
        return None;
    }
    // As `compiler` configures the compiler's own builder.
    let mut b = Builder::new();
    b.set_utf8(true);
    b.set_reverse(false);
    b.set_size_limit(Some(size_limit)).ok()?;
    // The pattern whose capture and match states are being added: a pattern's states are a run of
    // the compiler's order, so each is started at its first such state and finished before the next.
    let mut active: Option<usize> = None;
    // Whether each pattern's capture group has its start state yet: the builder needs it before
    // the end state (and each pattern needs one), or its build panics.
    let mut opened = vec![false; starts.len()];
    for at in 0..len {
        let tag = r.byte()?;
        let mut enter = |b: &mut Builder, pid: usize| -> Option<()> {
            if active == Some(pid) {
                return Some(());
            }
            if let Some(a) = active {
                b.finish_pattern(starts[a]).ok()?;
            }
            (b.start_pattern().ok()?.as_usize() == pid && pid < patterns).then_some(())?;
            active = Some(pid);
            Some(())
        };
        let id = match tag {
            RANGE => b.add_range(r.trans(at)?),
            SPARSE => {
                // Two ranges or more, ascending and apart: what the compiler makes (the builder
                // rewrites fewer into other states, and asserts the order).
                let n = r.count()?;
                let mut ts: Vec<Transition> = Vec::with_capacity(n);
                for _ in 0..n {
                    let t = r.trans(at)?;
                    if ts.last().is_some_and(|p| p.end >= t.start) {
                        return None;
                    }
                    ts.push(t);
                }
                (n >= 2).then_some(())?;
                b.add_sparse(ts)
            }
            LOOK => {
                let look = Look::from_repr(u32::try_from(r.num()?).ok()?)?;
                b.add_look(r.id(at)?, look)
            }
            UNION | BINARY_UNION => {
                // A union of fewer than three is a binary union or no state of the compiler's:
                // the builder follows a one-way union as a jump, and one to itself for ever.
                let n = if tag == UNION { r.count().filter(|&n| n >= 3)? } else { 2 };
                let mut alts = Vec::with_capacity(n);
                for _ in 0..n {
                    alts.push(r.id(at)?);
                }
                b.add_union(alts)
            }
            CAPTURE_START | CAPTURE_END => {
                let pid = r.num()?;
                enter(&mut b, pid)?;
                let next = r.id(at)?;
                if tag == CAPTURE_START {
                    opened[pid] = true;
                    b.add_capture_start(next, 0, None)
                } else if opened[pid] {
                    b.add_capture_end(next, 0)
                } else {
                    return None;
                }
            }
            FAIL => b.add_fail(),
            MATCH => {
                enter(&mut b, r.num()?)?;
                b.add_match()
            }
            _ => return None,
        };
        // The builder numbers states in the order they come, as the compiler's NFA does.
        if id.ok()?.as_usize() != at {
            return None;
        }
    }
    if let Some(a) = active {
        b.finish_pattern(starts[a]).ok()?;
    }
    if !r.r.done() || b.pattern_len() != patterns || opened.contains(&false) {
        return None;
    }
    let nfa = b.build(start_anchored, start_unanchored).ok()?;
    // Every id in range and every pattern started where the header says.
    let ok = nfa.states().len() == len && nfa.patterns().all(|p| nfa.start_pattern(p) == starts.get(p.as_usize()).copied());
    ok.then_some(nfa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{pattern, Kind};

    /// Each line set's entries as `engine::Index::build` sorts them: their trees, their (rule
    /// key, entry), and the NFA size limit.
    type Sets = ([Vec<regex_syntax::hir::Hir>; 4], [Vec<Option<(u32, u32)>>; 4], usize);

    fn sets_of(rules: &[crate::rules::Rule]) -> Sets {
        let (mut trees, mut origins): ([Vec<_>; 4], [Vec<_>; 4]) = Default::default();
        let mut patterns = 0;
        for rule in rules {
            let Kind::Pattern(p) = &rule.kind else { continue };
            patterns += p.locations.len();
            for (j, (e, hir)) in p.compiled.iter().zip(p.trees().unwrap().iter()).enumerate() {
                let set = usize::from(e.place.set);
                trees[set].push(hir.clone());
                origins[set].push(p.stored.map(|k| (k, j as u32)));
            }
        }
        (trees, origins, pattern::SIZE_LIMIT.saturating_mul(patterns.max(1)))
    }

    fn compiled(hirs: &[regex_syntax::hir::Hir], limit: usize) -> NFA {
        compiler(limit).build_many_from_hir(hirs).unwrap()
    }

    /// Every stored set of the default rules is the NFA the compiler builds now from the loaded
    /// rules' trees: the same states, starts, patterns and byte classes; and a default cleaner
    /// uses all four.
    #[test]
    fn stored_sets_are_what_the_compiler_builds() {
        let cleaner = crate::Cleaner::new().unwrap();
        assert_eq!(cleaner.index.stored_sets, [true; 4]);
        let (trees, origins, limit) = sets_of(cleaner.rules());
        for set in 0..4 {
            assert!(!trees[set].is_empty(), "set {set}");
            let stored = crate::rules::stored_line_set(set, &origins[set], limit).unwrap_or_else(|| panic!("set {set} is stored"));
            let now = compiled(&trees[set], limit);
            assert_eq!(stored.states(), now.states(), "set {set}");
            assert_eq!((stored.start_anchored(), stored.start_unanchored()), (now.start_anchored(), now.start_unanchored()));
            assert_eq!(stored.pattern_len(), now.pattern_len());
            assert!(now.patterns().all(|p| stored.start_pattern(p) == now.start_pattern(p)));
            assert_eq!(format!("{:?}", stored.byte_classes()), format!("{:?}", now.byte_classes()));
            assert_eq!(format!("{stored:?}"), format!("{now:?}"));
            assert_eq!((stored.look_set_any(), stored.has_capture(), stored.memory_usage()), (now.look_set_any(), now.has_capture(), now.memory_usage()));
        }
    }

    /// A set whose entries are not the stored ones (a default rule disabled, a user's rule added,
    /// another order or limit) is compiled at start-up, and cleans as before.
    #[test]
    fn other_entries_are_compiled_not_replayed() {
        let cleaner = crate::Cleaner::new().unwrap();
        let (_, origins, limit) = sets_of(cleaner.rules());
        let main = &origins[0];
        assert!(crate::rules::stored_line_set(0, main, limit).is_some());
        assert!(crate::rules::stored_line_set(0, &main[1..], limit).is_none());
        let mut swapped = main.clone();
        swapped.swap(0, 1);
        assert!(crate::rules::stored_line_set(0, &swapped, limit).is_none());
        let mut user = main.clone();
        user.push(None);
        assert!(crate::rules::stored_line_set(0, &user, limit).is_none());
        assert!(crate::rules::stored_line_set(0, main, limit + 1).is_some());
        assert!(crate::rules::stored_line_set(0, main, limit - 1).is_none());
        assert!(crate::rules::stored_line_set(4, main, limit).is_none());

        // A default rule whose entries are all in the main set, disabled.
        let rule = cleaner.rules().iter().find(|r| matches!(&r.kind, Kind::Pattern(p) if p.compiled.iter().all(|e| e.place.set == 0))).unwrap();
        let without = crate::Cleaner::builder().disable(rule.id.to_string()).build().unwrap();
        assert!(!without.index.stored_sets[0]);
        // A user's pattern rule added: its set is compiled, with the user's pattern in it.
        let user = crate::Cleaner::builder()
            .rules_str("mine.toml", "[[rule]]\nid = \"my-footer\"\nkind = \"pattern\"\ncategory = \"navigation\"\ndescription = \"d\"\npatterns.en = ['zorblax footer menu']\n")
            .build()
            .unwrap();
        // Only the set it joins is compiled; the others stay stored.
        assert_eq!(user.index.stored_sets, [false, true, true, true]);
        let text = "A first paragraph of the article, long enough to be prose.\nZorblax footer menu\nThe end of it.\n";
        assert_eq!(user.edits(text).len(), 1 + cleaner.edits(text).len());
        // Its compiled sets find what the stored sets find on every fixture (none of which holds
        // the user's pattern); the cleaner without the disabled rule never finds more.
        let mut edits = 0;
        for text in crate::fixture_texts() {
            let stored = cleaner.edits(&text);
            assert_eq!(user.edits(&text), stored, "{text}");
            assert!(without.edits(&text).len() <= stored.len());
            edits += stored.len();
        }
        assert!(edits > 100, "{edits} edits on the fixtures");
    }

    /// Stored bytes cut short or altered are refused or read as some NFA, never a panic.
    #[test]
    fn malformed_bytes_never_panic() {
        let nfa = compiled(&[regex_syntax::parse(&pattern::wrap("(?:updated|posted):? [0-9]{1,2}:[0-9]{2}")).unwrap(), regex_syntax::parse(&pattern::wrap("share this")).unwrap()], 1 << 22);
        let bytes = encode(&nfa).unwrap();
        let back = decode(&bytes, 1 << 22).unwrap();
        assert_eq!(format!("{back:?}"), format!("{nfa:?}"));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], 1 << 22).is_none(), "cut at {cut}");
        }
        // Found by review: a one-way union to itself (the builder's jump-following never ended),
        // counts of 2^61 and 2^40 (a capacity overflow, an abort), a range whose start is past
        // its end (a debug assertion of the library), sparse ranges out of order.
        let huge = |n: u64| {
            let mut b = Vec::new();
            put(&mut b, n);
            b
        };
        let cases: Vec<Vec<u8>> = vec![
            vec![1, 0, 0, 0, UNION, 1, 0],
            vec![1, 0, 0, 0, UNION, 2, 0, 0],
            [huge(1 << 61), vec![0, 0, 0]].concat(),
            [vec![1, 0, 0], huge(1 << 40)].concat(),
            [vec![1, 0, 0, 0, UNION], huge(1 << 61)].concat(),
            vec![1, 0, 0, 0, RANGE, b'z', b'a', 0],
            vec![1, 0, 0, 0, SPARSE, 2, b'm', b'z', 0, b'a', b'c', 0],
            vec![1, 0, 0, 0, SPARSE, 1, b'a', b'c', 0],
        ];
        for case in &cases {
            assert!(decode(case, 1 << 22).is_none(), "{case:?}");
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut b = bytes.clone();
            let at = (seed as usize) % b.len();
            b[at] = (seed >> 32) as u8;
            if seed & 1 == 0 {
                let at2 = ((seed >> 8) as usize) % b.len();
                b[at2] ^= 1 << ((seed >> 40) % 8);
            }
            let _ = decode(&b, 1 << 22);
        }
    }
}
