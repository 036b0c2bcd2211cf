//! A compact binary form of parsed regular expressions (`regex_syntax` syntax trees), so that the
//! default rules' patterns are parsed once, when textsweep is built, not every time it starts.
//!
//! Parsing the default patterns (most of it Unicode case folding under `(?i)`) was the largest
//! single cost of compiling the rules. `build.rs` includes this file, parses every pattern of
//! `rules/*.toml` exactly as the loader does and stores the encoded trees; at run time the loader
//! looks a pattern's text up among them and decodes the tree (allocation only) instead of parsing
//! it. A pattern that is not there (a user's rule, or one the build could not parse) is parsed as
//! before, so errors are reported exactly as before. A unit test checks, for every default pattern,
//! that the decoded tree equals a fresh parse.
//!
//! The trees are rebuilt through `regex_syntax`'s own constructors, which only simplify; on a tree
//! they already built they change nothing (the test above would see it).

use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition};

const EMPTY: u8 = 0;
const LITERAL: u8 = 1;
const UNICODE: u8 = 2;
const BYTES: u8 = 3;
const LOOK: u8 = 4;
const REPEAT: u8 = 5;
const CAPTURE: u8 = 6;
const CONCAT: u8 = 7;
const ALTERNATION: u8 = 8;

/// Appends `v` in seven-bit groups, lowest first.
pub(crate) fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends the encoding of `hir` to `out`.
#[allow(dead_code)] // used by build.rs and the tests only
pub fn encode(hir: &Hir, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty => out.push(EMPTY),
        HirKind::Literal(lit) => {
            out.push(LITERAL);
            put(out, lit.0.len() as u64);
            out.extend_from_slice(&lit.0);
        }
        HirKind::Class(Class::Unicode(c)) => {
            out.push(UNICODE);
            put(out, c.ranges().len() as u64);
            for r in c.ranges() {
                put(out, r.start() as u64);
                put(out, r.end() as u64);
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            out.push(BYTES);
            put(out, c.ranges().len() as u64);
            for r in c.ranges() {
                out.push(r.start());
                out.push(r.end());
            }
        }
        HirKind::Look(look) => {
            out.push(LOOK);
            put(out, look.as_repr() as u64);
        }
        HirKind::Repetition(r) => {
            out.push(REPEAT);
            put(out, r.min as u64);
            put(out, r.max.map_or(0, |m| m as u64 + 1));
            out.push(r.greedy as u8);
            encode(&r.sub, out);
        }
        HirKind::Capture(c) => {
            out.push(CAPTURE);
            put(out, c.index as u64);
            match &c.name {
                None => put(out, 0),
                Some(name) => {
                    put(out, name.len() as u64 + 1);
                    out.extend_from_slice(name.as_bytes());
                }
            }
            encode(&c.sub, out);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            out.push(if matches!(hir.kind(), HirKind::Concat(_)) { CONCAT } else { ALTERNATION });
            put(out, subs.len() as u64);
            for s in subs {
                encode(s, out);
            }
        }
    }
}

/// Reads what [`encode`] wrote; `None` on any malformed input (never panics).
pub fn decode(bytes: &[u8]) -> Option<Hir> {
    let mut r = Reader::new(bytes);
    let hir = r.hir(0)?;
    r.done().then_some(hir)
}

/// Reads the encodings of this module (and of `entries.rs`, which builds on it) from a slice.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Whether every byte was read.
    pub(crate) fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub(crate) fn num(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    pub(crate) fn len(&mut self) -> Option<usize> {
        // A count never exceeds the bytes left (each item takes at least one byte).
        usize::try_from(self.num()?).ok().filter(|&n| n <= self.bytes.len() - self.at)
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn char(&mut self) -> Option<char> {
        char::from_u32(u32::try_from(self.num()?).ok()?)
    }

    pub(crate) fn hir(&mut self, depth: usize) -> Option<Hir> {
        if depth > 1000 {
            return None;
        }
        Some(match self.byte()? {
            EMPTY => Hir::empty(),
            LITERAL => {
                let n = self.len()?;
                Hir::literal(self.take(n)?)
            }
            UNICODE => {
                let n = self.len()?;
                // Sized up front (`n` is bounded by the bytes left): collecting through `Option`
                // loses the length, and the vector grew by doubling.
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    ranges.push(ClassUnicodeRange::new(self.char()?, self.char()?));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
            }
            BYTES => {
                let n = self.len()?;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    ranges.push(ClassBytesRange::new(self.byte()?, self.byte()?));
                }
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            LOOK => Hir::look(Look::from_repr(u32::try_from(self.num()?).ok()?)?),
            REPEAT => {
                let min = u32::try_from(self.num()?).ok()?;
                let max = match self.num()? {
                    0 => None,
                    m => Some(u32::try_from(m - 1).ok()?),
                };
                let greedy = self.byte()? != 0;
                let sub = Box::new(self.hir(depth + 1)?);
                Hir::repetition(Repetition { min, max, greedy, sub })
            }
            CAPTURE => {
                let index = u32::try_from(self.num()?).ok()?;
                let name = match self.len()? {
                    0 => None,
                    n => Some(std::str::from_utf8(self.take(n - 1)?).ok()?.into()),
                };
                let sub = Box::new(self.hir(depth + 1)?);
                Hir::capture(Capture { index, name, sub })
            }
            kind @ (CONCAT | ALTERNATION) => {
                let n = self.len()?;
                let mut subs = Vec::with_capacity(n);
                for _ in 0..n {
                    subs.push(self.hir(depth + 1)?);
                }
                if kind == CONCAT {
                    Hir::concat(subs)
                } else {
                    Hir::alternation(subs)
                }
            }
            _ => return None,
        })
    }
}
