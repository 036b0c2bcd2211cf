//! The line patterns of all `pattern` rules, matched together: which patterns match a whole line.
//!
//! This is what `regex::RegexSet` does, built from the parts it needs and no more. Every pattern is
//! anchored at both ends (`^(?:…)$`, see [`crate::rules::pattern::wrap`]), so an anchored forward
//! search answers the question; the meta regex behind `RegexSet` also compiles a reverse NFA and
//! tries a one-pass DFA, which this search never uses and which cost more than half of the rules'
//! compile time. The patterns are parsed once, when the rule file is loaded (to report syntax
//! errors at `file:line:col`), and that syntax tree is compiled here, not parsed a second time.
//!
//! The search runs the lazy DFA; if it cannot answer (a Unicode word boundary `\b` in a user's
//! pattern on a non-ASCII line, the one input the lazy DFA refuses), the PikeVM, built from the
//! same NFA, answers instead. Both report the same set of patterns.

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::pikevm::{Cache as VmCache, PikeVM};
use regex_automata::nfa::thompson::{self, WhichCaptures, NFA};
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
        let nfa: NFA = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(size_limit))
                    .which_captures(WhichCaptures::Implicit),
            )
            .build_many_from_hir(hirs)
            .map_err(|e| e.to_string())?;
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
        Ok(LineSet {
            engines,
            len: hirs.len(),
            pool: Pool::new(create),
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fills `set` with the patterns that match all of `line`.
    pub(crate) fn matches(&self, line: &str, set: &mut PatternSet) {
        set.clear();
        let input = Input::new(line).anchored(Anchored::Yes);
        let mut caches = self.pool.get();
        let (dfa, vm) = &*self.engines;
        if dfa
            .try_which_overlapping_matches(&mut caches.dfa, &input, set)
            .is_err()
        {
            set.clear();
            let vm_cache = caches.vm.get_or_insert_with(|| vm.create_cache());
            vm.which_overlapping_matches(vm_cache, &input, set);
        }
    }

    /// An empty set with room for every pattern.
    pub(crate) fn new_set(&self) -> PatternSet {
        PatternSet::new(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> LineSet {
        let hirs: Vec<Hir> = patterns
            .iter()
            .map(|p| regex_syntax::parse(&crate::rules::pattern::wrap(p)).unwrap())
            .collect();
        LineSet::new(&hirs, 1 << 20, 1 << 20).unwrap()
    }

    fn which(s: &LineSet, line: &str) -> Vec<usize> {
        let mut m = s.new_set();
        s.matches(line, &mut m);
        m.iter().map(|p| p.as_usize()).collect()
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
