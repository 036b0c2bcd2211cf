//! The engine: one pass over a document with every rule, then resolution into edits.
//!
//! Why it is built this way: rules are many and documents are millions, so nothing here loops over
//! rules per character. All substring cues of all rules live in one Aho-Corasick automaton that
//! runs once over the text; all whole-line phrases live in one hash table keyed by the normalised
//! line; all line patterns live in one `RegexSet`. Rules then judge lines from those hits. The
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
use crate::rules::{Kind, Rule};
use crate::text::{case_variants, char_len, normalize_label};
use crate::Edit;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::RegexSet;
use std::collections::HashMap;

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
    NoneOf { rule: u32 },
    CaptionStrong { rule: u32 },
    CaptionWeak { rule: u32 },
    CaptionPrefix { rule: u32 },
    CreditPrefix { rule: u32 },
}

/// Tables shared by all rules, built once per [`Cleaner`](crate::Cleaner).
#[derive(Debug)]
pub(crate) struct Index {
    labels: HashMap<Box<str>, Vec<LabelRef>>,
    max_tokens: usize,
    prefixes: HashMap<Box<str>, u32>,
    max_prefix_tokens: usize,
    /// Lines longer than this (in chars) are never normalised for the label table.
    max_short: usize,
    ac: Option<AhoCorasick>,
    cues: Vec<Cue>,
    regex: RegexSet,
    regex_rule: Vec<u32>,
    max_pattern_chars: usize,
    has_regions: bool,
}

impl Index {
    pub(crate) fn build(rules: &[Rule]) -> Result<Index, String> {
        let mut labels: HashMap<Box<str>, Vec<LabelRef>> = HashMap::new();
        let mut prefixes: HashMap<Box<str>, u32> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut cues: Vec<Cue> = Vec::new();
        let mut regex: Vec<String> = Vec::new();
        let mut regex_rule = Vec::new();
        let mut max_short = 0;
        let mut max_pattern_chars = 0;
        let mut has_regions = false;
        let mut add_label = |p: &str, rule: usize, role: Role| {
            labels.entry(p.into()).or_default().push(LabelRef { rule: rule as u32, role });
        };
        let add_cue = |phrase: &str, cue: Cue, patterns: &mut Vec<String>, cues: &mut Vec<Cue>| {
            for v in case_variants(phrase) {
                patterns.push(v);
                cues.push(cue);
            }
        };
        for (ri, rule) in rules.iter().enumerate() {
            let r = ri as u32;
            match &rule.kind {
                Kind::Phrase(p) => {
                    max_short = max_short.max(p.max_chars);
                    for s in &p.phrases {
                        add_label(s, ri, Role::Strong);
                        if p.prefix {
                            prefixes.insert(s.as_str().into(), r);
                        }
                    }
                    for s in &p.labels {
                        add_label(s, ri, Role::Weak);
                    }
                }
                Kind::Region(g) => {
                    has_regions = true;
                    max_short = max_short.max(200);
                    for s in &g.start {
                        add_label(s, ri, Role::RegionStart);
                    }
                    for s in &g.members {
                        add_label(s, ri, Role::RegionMember);
                    }
                }
                Kind::Pattern(p) => {
                    max_pattern_chars = max_pattern_chars.max(p.max_chars);
                    for s in &p.patterns {
                        regex.push(s.clone());
                        regex_rule.push(r);
                    }
                }
                Kind::Cues(c) => {
                    for (g, group) in c.groups.iter().enumerate() {
                        for p in group {
                            add_cue(p, Cue::Group { rule: r, group: g as u8 }, &mut patterns, &mut cues);
                        }
                    }
                    for p in &c.none_of {
                        add_cue(p, Cue::NoneOf { rule: r }, &mut patterns, &mut cues);
                    }
                }
                Kind::Caption(c) => {
                    for p in &c.cues {
                        add_cue(p, Cue::CaptionStrong { rule: r }, &mut patterns, &mut cues);
                    }
                    for p in &c.weak_cues {
                        add_cue(p, Cue::CaptionWeak { rule: r }, &mut patterns, &mut cues);
                    }
                    for p in &c.prefixes {
                        add_cue(p, Cue::CaptionPrefix { rule: r }, &mut patterns, &mut cues);
                    }
                    for p in &c.credit_prefixes {
                        add_cue(p, Cue::CreditPrefix { rule: r }, &mut patterns, &mut cues);
                    }
                }
                Kind::ForeignToken(_) => {}
            }
        }
        let max_tokens = labels.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        let max_prefix_tokens = prefixes.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)
                    .or_else(|_| AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns))
                    .map_err(|e| e.to_string())?,
            )
        };
        let regex = regex::RegexSetBuilder::new(&regex)
            .size_limit(64 << 20)
            .dfa_size_limit(16 << 20)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Index { labels, max_tokens, prefixes, max_prefix_tokens, max_short, ac, cues, regex, regex_rule, max_pattern_chars, has_regions })
    }

    /// Can the normalised line be cut into known phrases (and numbers)? Returns the rule of the
    /// first phrase of the wanted `strong` role, if the cover uses only roles in `allowed`.
    fn cover(&self, norm: &str, strong: Role, allowed: &[Role], rules: &[Rule], category: Option<Category>) -> Option<u32> {
        if norm.is_empty() {
            return None;
        }
        let bounds: Vec<usize> = std::iter::once(0).chain(norm.match_indices(' ').map(|(i, _)| i + 1)).collect();
        let n = bounds.len();
        if n > 40 {
            return None;
        }
        let tok_end = |k: usize| if k < n { bounds[k] - 1 } else { norm.len() };
        // best[i] = Some(first strong rule in a cover of tokens i..) or Some(u32::MAX) for a cover without one.
        let mut best: Vec<Option<u32>> = vec![None; n + 1];
        best[n] = Some(u32::MAX);
        for i in (0..n).rev() {
            let tok = &norm[bounds[i]..tok_end(i + 1)];
            if tok.chars().all(|c| c.is_numeric()) {
                best[i] = best[i + 1];
                if best[i].is_some() {
                    continue;
                }
            }
            for k in 1..=self.max_tokens.min(n - i) {
                let Some(rest) = best[i + k] else { continue };
                let key = &norm[bounds[i]..tok_end(i + k)];
                let Some(refs) = self.labels.get(key) else { continue };
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
                    if r.role == strong {
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
        best[0].filter(|&r| r != u32::MAX)
    }

    fn prefix_rule(&self, raw: &str, norm: &str, rules: &[Rule]) -> Option<u32> {
        if self.prefixes.is_empty() {
            return None;
        }
        let mut ends: Vec<usize> = norm.match_indices(' ').map(|(i, _)| i).take(self.max_prefix_tokens).collect();
        if ends.len() < self.max_prefix_tokens {
            ends.push(norm.len());
        }
        for (k, &e) in ends.iter().enumerate().rev() {
            let Some(&rule) = self.prefixes.get(&norm[..e]) else { continue };
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

/// After the first `words` words of `raw`, does a separator (`:`, `»`, `|`, `…`, `—`, `-`, `>`) follow?
fn followed_by_separator(raw: &str, words: usize) -> bool {
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
        }
        if seen == words {
            let rest = raw[i..].trim_start();
            return rest.starts_with([':', '»', '›', '|', '…', '—', '–', '-', '>', '：', '~']) || rest.starts_with("...");
        }
    }
    false
}

/// A proposal: a whole line, or a span inside one.
#[derive(Debug, Clone, Copy)]
struct Claim {
    rule: u32,
    reason: &'static str,
}

/// Runs every rule over `text` and returns the resolved edits, sorted and non-overlapping.
pub(crate) fn run(rules: &[Rule], index: &Index, text: &str) -> Vec<Edit> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let doc = Document::new(text);
    let n = doc.lines.len();
    let mut claims: Vec<Option<Claim>> = vec![None; n];
    let mut inline: Vec<(usize, usize, Claim)> = Vec::new();

    // 1. One automaton pass: cue hits, bucketed by line.
    let mut hits: Vec<(u32, u32, u32)> = Vec::new(); // (line, cue, offset in line)
    if let Some(ac) = &index.ac {
        let mut li = 0;
        for m in ac.find_overlapping_iter(text) {
            while doc.lines[li].next <= m.start() && li + 1 < n {
                li += 1;
            }
            let line = doc.lines[li];
            if m.end() > line.end {
                continue; // cues never span lines
            }
            hits.push((li as u32, m.pattern().as_u32(), (m.start() - line.start) as u32));
        }
    }

    // 2. Line by line.
    let mut h = 0;
    let mut caption_hits = LineHits::default();
    let mut scratch = Vec::new();
    let mut cue_state: Vec<(u32, u8)> = Vec::new();
    let mut i = 0;
    let mut content_seen = 0;
    while i < n {
        let line = doc.lines[i];
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
        let trimmed = raw.trim();
        let chars = char_len(raw);
        let mut claim: Option<Claim> = None;
        let norm = (chars <= index.max_short).then(|| normalize_label(trimmed));
        if let Some(norm) = &norm {
            let phrase_rule = index
                .cover(norm, Role::Strong, &[Role::Strong, Role::Weak], rules, None)
                .filter(|&r| matches!(&rules[r as usize].kind, Kind::Phrase(p) if chars <= p.max_chars));
            if let Some(r) = phrase_rule {
                claim = Some(Claim { rule: r, reason: "line is a known boilerplate phrase" });
            } else if let Some(r) = index.prefix_rule(trimmed, norm, rules) {
                claim = Some(Claim { rule: r, reason: "line opens with a known boilerplate phrase" });
            }
        }
        if claim.is_none() && chars <= index.max_pattern_chars && !index.regex_rule.is_empty() {
            let m = index.regex.matches(trimmed);
            if let Some(k) = m.iter().find(|&k| matches!(&rules[index.regex_rule[k] as usize].kind, Kind::Pattern(p) if chars <= p.max_chars)) {
                claim = Some(Claim { rule: index.regex_rule[k], reason: "line matches a boilerplate pattern" });
            }
        }
        if claim.is_none() && (line_hits_start < h || index.has_captions(rules)) {
            claim = judge_cues(rules, index, &hits[line_hits_start..h], raw, chars, &mut cue_state, &mut caption_hits, line.start, &mut inline);
        }
        // Regions start on a line of their own and take the lines after it.
        if index.has_regions {
            if let Some(norm) = &norm {
                if let Some(r) = index.cover(norm, Role::RegionStart, &[Role::RegionStart, Role::RegionMember, Role::Strong, Role::Weak], rules, None) {
                    if let Kind::Region(g) = &rules[r as usize].kind {
                        // `tail`: not the opening line, and past the first quarter of the text.
                        let in_tail = content_seen > 1 && line.start * 4 >= text.len();
                        if !g.tail_only || in_tail {
                            claims[i] = Some(Claim { rule: r, reason: "region start" });
                            i = take_region(&doc, index, rules, r, g, i, &mut claims);
                            continue;
                        }
                    }
                }
            }
        }
        if claim.is_some() {
            claims[i] = claim;
        } else if !raw.is_ascii() {
            for (ri, rule) in rules.iter().enumerate() {
                if let Kind::ForeignToken(ft) = &rule.kind {
                    for (s, e, why) in ft.find(raw, &mut scratch) {
                        inline.push((line.start + s, line.start + e, Claim { rule: ri as u32, reason: why }));
                    }
                }
            }
        }
        i += 1;
    }
    resolve(&doc, rules, &claims, inline)
}

impl Index {
    fn has_captions(&self, rules: &[Rule]) -> bool {
        // Agency credits need no automaton hit; cheap to ask per line.
        rules.iter().any(|r| matches!(&r.kind, Kind::Caption(c) if !c.agencies.is_empty()))
    }
}

#[allow(clippy::too_many_arguments)]
fn judge_cues(
    rules: &[Rule],
    index: &Index,
    hits: &[(u32, u32, u32)],
    raw: &str,
    chars: usize,
    state: &mut Vec<(u32, u8)>,
    cap: &mut LineHits,
    line_start: usize,
    inline: &mut Vec<(usize, usize, Claim)>,
) -> Option<Claim> {
    state.clear();
    let mut vetoed: Vec<u32> = Vec::new();
    for &(_, cue, _) in hits {
        match index.cues[cue as usize] {
            Cue::Group { rule, group } => state.push((rule, group)),
            Cue::NoneOf { rule } => vetoed.push(rule),
            _ => {}
        }
    }
    state.sort_unstable();
    state.dedup();
    for (ri, rule) in rules.iter().enumerate() {
        let r = ri as u32;
        match &rule.kind {
            Kind::Cues(c) => {
                if chars > c.max_chars || vetoed.contains(&r) {
                    continue;
                }
                let got = state.iter().filter(|(rr, _)| *rr == r).count();
                if got == c.groups.len() {
                    return Some(Claim { rule: r, reason: "line holds a cue of every group" });
                }
            }
            Kind::Caption(c) => {
                cap.strong = false;
                cap.weak = false;
                cap.prefix_at_start = false;
                cap.credit_prefix.clear();
                let lead = raw.len() - raw.trim_start_matches(|ch: char| ch.is_whitespace() || matches!(ch, '(' | '[' | '【' | '（' | '-' | '–' | '—' | '•' | '*')).len();
                for &(_, cue, off) in hits {
                    match index.cues[cue as usize] {
                        Cue::CaptionStrong { rule } if rule == r => cap.strong = true,
                        Cue::CaptionWeak { rule } if rule == r => cap.weak = true,
                        Cue::CaptionPrefix { rule } if rule == r && off as usize == lead => cap.prefix_at_start = true,
                        Cue::CreditPrefix { rule } if rule == r => cap.credit_prefix.push(off as usize),
                        _ => {}
                    }
                }
                match c.judge(raw, chars, cap) {
                    Some(Finding::Line(why)) => return Some(Claim { rule: r, reason: why }),
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
fn take_region(
    doc: &Document,
    index: &Index,
    rules: &[Rule],
    r: u32,
    g: &crate::rules::region::Region,
    i: usize,
    claims: &mut [Option<Claim>],
) -> usize {
    let category = rules[r as usize].category;
    let mut taken = 0;
    let mut j = i + 1;
    let mut last = i;
    while j < doc.lines.len() && taken < g.max_lines {
        let l = doc.lines[j];
        if l.blank {
            if g.stop_at_blank && taken > 0 {
                break;
            }
            j += 1;
            continue;
        }
        let raw = doc.line(j).trim();
        let chars = char_len(raw);
        let member = chars <= g.member_max_chars
            || (chars <= index.max_short
                && index
                    .cover(&normalize_label(raw), Role::RegionMember, &[Role::RegionMember, Role::RegionStart, Role::Strong, Role::Weak], rules, Some(category))
                    .is_some())
            || (chars <= index.max_short && {
                let norm = normalize_label(raw);
                index.cover(&norm, Role::Strong, &[Role::Strong, Role::Weak, Role::RegionMember], rules, Some(category)).is_some()
            });
        if !member {
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
