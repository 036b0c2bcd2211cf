//! `caption`: photo captions and image or agency credits.
//!
//! Evidence, strongest first:
//! - a `cues` phrase anywhere in the line: forms that only credits use (`(AP Photo/`, `[Photo: `,
//!   `/Getty Images`, `사진=`);
//! - a credit at the end of the line: an agency name after a credit separator (`. Yonhap`,
//!   `/Getty Images`, `(Reuters)`, `Foto: dpa`, `Photo: Jane Roe, AP`), or a `credit_prefixes`
//!   phrase followed by a short name (`Photo: Jane Roe`);
//! - a line that opens with one of `prefixes` (`Image credit:`, `Photo by`) and is short;
//! - `weak_cues` (`in this file photo`, `photo provided by`) count only together with a credit, so
//!   that a sentence *about* a photo stays.
//!
//! A line of at most `max_chars` characters with such evidence is a caption and goes whole. A
//! longer line (prose) loses only its trailing credit. A line holding one of `none_of` (looked for
//! only on a line with evidence) is no caption: "Foto: câmera principal de 50 MP" is a spec sheet's
//! line. A credit that opens with one of `source_prefixes` (`Source:`, `Quelle:`, `Источник:`:
//! credit prefixes that also cite a text's source) and sits in brackets before the sentence's own
//! stop is no evidence at all: it is a citation inside the sentence ("… rose 3 % (Source:
//! Eurostat)."), not a credit set after a caption.

use super::{all_phrases, check_fields, check_lexicon, FileCtx, RawRule, RuleError};

#[derive(Debug)]
pub struct Caption {
    pub cues: Vec<String>,
    pub weak_cues: Vec<String>,
    pub prefixes: Vec<String>,
    pub credit_prefixes: Vec<String>,
    /// The credit prefixes that also cite a text's source, lower-cased (see the module comment).
    pub source_prefixes: Vec<String>,
    /// The credit prefixes after which a credit longer than `max_credit_chars` goes when it is a
    /// list of names (see [`is_list_of_names`]), lower-cased: "Credit:" over a press image's
    /// agency list. Not a source's prefix, whose references are such lists too.
    pub list_prefixes: Vec<String>,
    /// Agency names, longest first, case as written.
    pub agencies: Vec<String>,
    /// Indices into `agencies` by the agency's last byte, longest first: a line's credit check
    /// compares only the agencies that end like the line does.
    agencies_by_last_byte: Vec<Vec<u32>>,
    pub max_chars: usize,
    pub max_cue_chars: usize,
    pub max_credit_chars: usize,
    /// Phrases that mark a line as no caption.
    pub vetoes: super::Vetoes,
    /// A whole credit line whose nearest kept line above or below matches one of these stays
    /// (a style guide's example under the line that introduces it); a trailing credit is not
    /// judged by its neighbours.
    pub not_next_to: Option<super::pattern::NotNextTo>,
}

/// What a caption rule found on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// The whole line is a caption.
    Line(&'static str),
    /// Only `start..` of the line (a trailing credit) goes.
    Tail(usize, &'static str),
}

const CLOSERS: &[char] = &[')', ']', '】', '」', '』', '）', '›', '»', '"', '”', '\''];
const SENTENCE_END: &[char] = &['.', '!', '?', '。', '！', '？', '۔', '։'];

impl Caption {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["cues", "weak_cues", "prefixes", "credit_prefixes", "source_prefixes", "list_prefixes", "agencies", "none_of", "none_of_quoted", "not_next_to", "max_chars", "max_cue_chars", "max_credit_chars"])?;
        let get = |lex: &Option<toml::Spanned<super::Lexicon>>, name: &str| -> Result<Vec<String>, RuleError> {
            match lex {
                None => Ok(Vec::new()),
                Some(l) => {
                    check_lexicon(ctx, l, name)?;
                    Ok(all_phrases(l.get_ref()).map(|s| s.trim().to_string()).collect())
                }
            }
        };
        let cues = get(&raw.cues, "cues")?;
        let weak_cues = get(&raw.weak_cues, "weak_cues")?;
        let prefixes = get(&raw.prefixes, "prefixes")?;
        let mut credit_prefixes = get(&raw.credit_prefixes, "credit_prefixes")?;
        // Source prefixes are credit prefixes too (the automaton finds them as such).
        let source_prefixes = get(&raw.source_prefixes, "source_prefixes")?;
        credit_prefixes.extend(source_prefixes.iter().cloned());
        let source_prefixes = source_prefixes.iter().map(|p| p.to_lowercase()).collect();
        // List prefixes are credit prefixes too.
        let list_prefixes = get(&raw.list_prefixes, "list_prefixes")?;
        credit_prefixes.extend(list_prefixes.iter().cloned());
        let list_prefixes = list_prefixes.iter().map(|p| p.to_lowercase()).collect();
        let mut agencies = get(&raw.agencies, "agencies")?;
        agencies.sort_by_key(|a| std::cmp::Reverse(a.len()));
        agencies.dedup();
        if cues.is_empty() && agencies.is_empty() && prefixes.is_empty() && credit_prefixes.is_empty() {
            return Err(ctx.error(raw.kind.span(), "a `caption` rule needs `cues`, `prefixes`, `credit_prefixes` or `agencies`"));
        }
        let mut agencies_by_last_byte = vec![Vec::new(); 256];
        for (i, a) in agencies.iter().enumerate() {
            // An empty name ends every line: it goes in every bucket, in its place.
            let Some(&b) = a.as_bytes().last() else {
                agencies_by_last_byte.iter_mut().for_each(|bucket: &mut Vec<u32>| bucket.push(i as u32));
                continue;
            };
            for c in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                let bucket = &mut agencies_by_last_byte[c as usize];
                if bucket.last() != Some(&(i as u32)) {
                    bucket.push(i as u32);
                }
            }
        }
        Ok(Caption {
            cues,
            weak_cues,
            prefixes,
            credit_prefixes,
            source_prefixes,
            list_prefixes,
            agencies,
            agencies_by_last_byte,
            max_chars: raw.max_chars.as_ref().map_or(120, |m| *m.get_ref() as usize),
            max_cue_chars: raw.max_cue_chars.as_ref().map_or(300, |m| *m.get_ref() as usize),
            max_credit_chars: raw.max_credit_chars.as_ref().map_or(60, |m| *m.get_ref() as usize),
            // As written: a veto's spaces matter ("0 mp " is a resolution, "80 mph" is not).
            vetoes: super::Vetoes::from_raw(ctx, raw)?,
            not_next_to: super::pattern::NotNextTo::from_raw(ctx, raw)?,
        })
    }

    /// Judges one line from the cue hits the shared automaton found in it.
    ///
    /// A line goes whole when it opens with a credit prefix, is nothing but a credit, or is short
    /// (`max_chars`) and ends in a credit after one fragment or statement; a question or exclamation
    /// before the credit is prose, and so are several sentences or a longer line: there only the
    /// credit goes. Weak cues
    /// ("in this file photo") stretch the whole-line limit to `max_cue_chars`.
    pub fn judge(&self, line: &str, chars: usize, hits: &LineHits) -> Option<Finding> {
        let short = chars <= self.max_chars;
        if short && hits.prefix_at_start {
            return Some(Finding::Line("line opens with a credit prefix"));
        }
        let credit = self
            .agency_credit(line, hits)
            .map(|s| (s, "ends with an agency credit"))
            .or_else(|| hits.credit_at.iter().find_map(|&(p, len)| self.prefix_credit(line, p, len)).map(|s| (s, "ends with a photo credit")));
        let Some((start, why)) = credit else {
            return (short && hits.strong).then_some(Finding::Line("caption cue"));
        };
        let before = line[..start].trim_end();
        if !before.is_empty() && self.cites_inside_sentence(line, start, hits) {
            return None;
        }
        // What stands before the credit is not the photo's description: the signature of an
        // embedded post ("— Senate (@NGRSenate) October 9, 2018") or a bare name over a credit in
        // brackets ("Jane Roe [Photo: …]", a byline or a heading as often as a caption). Only the
        // credit goes.
        if before.contains("(@") || (is_bare_name(before) && line[start..].trim_start().starts_with(['(', '[', '（'])) {
            return Some(Finding::Tail(start, why));
        }
        let prose_end = before.ends_with(['?', '!', '？', '！']) || has_sentence_break(before);
        if before.is_empty() || (short && !prose_end) {
            return Some(Finding::Line(if hits.weak { "caption cue and credit" } else { why }));
        }
        if hits.weak && chars <= self.max_cue_chars {
            return Some(Finding::Line("caption cue and credit"));
        }
        Some(Finding::Tail(start, why))
    }

    /// Whether the credit at `start` is a source prefix's citation in brackets that the
    /// sentence's own stop follows ("… ``Hotel on a Hill'' (источник: твиттер Тома)."): part of
    /// the sentence, not a credit set after it ("… the donors. (Photo: Anadolu)").
    fn cites_inside_sentence(&self, line: &str, start: usize, hits: &LineHits) -> bool {
        let tail = line[start..].trim_end();
        let Some(open) = tail.chars().next().filter(|c| matches!(c, '(' | '[' | '（' | '【')) else { return false };
        if !tail.ends_with(SENTENCE_END) || line[..start].trim_end().ends_with(SENTENCE_END) {
            return false;
        }
        let inner = start + open.len_utf8();
        hits.credit_at.iter().any(|&(p, len)| {
            p >= inner && line[inner..p].trim().is_empty() && line.get(p..p + len).is_some_and(|c| is_one_of(&self.source_prefixes, c))
        })
    }

    /// Whether a cue hit is spelt as a credit can be: the automaton ignores case, but a credit has
    /// no lower-case letter before a capital unless a cue is written so (`(ePA)` is the German
    /// health record, not the agency EPA).
    pub fn spelt_as_a_credit(&self, hit: &str) -> bool {
        !hit.chars().zip(hit.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase()) || self.cues.iter().any(|c| c == hit)
    }

    /// Where the cue hits start that can decide this rule's judgement of `line` when the line is
    /// too long for a whole-line finding by its length alone (over `max_chars` and
    /// `max_cue_chars`): there only a credit can be found, and the hits ([`LineHits::credit_at`])
    /// count only as a credit prefix or cue that a short rest of the line follows (see
    /// [`Caption::prefix_credit`]: at most `max_credit_chars` characters once trimmed and its
    /// closing brackets dropped, twice that when the rule has `list_prefixes`), `max_len` bytes
    /// (the longest cue) before that rest at most. A line that ends with an agency looks at its
    /// hits anywhere (`Foto: dpa`): 0. A judgement of the line from only the hits that start at or
    /// after this offset finds nothing exactly when one from all its hits does: a finding from the
    /// hits there holds more hits than those, so the caller then judges the line again with all of
    /// them.
    pub fn credit_window(&self, line: &str, max_len: usize) -> usize {
        if self.trailing_agency(line).is_some() {
            return 0;
        }
        // A rest `line[q..].trim()` without its closing brackets ends at `end` (or is empty), so it
        // is short only if it starts within `max_credit_chars` characters of `end` (twice that
        // after a `list_prefixes` prefix: a list of names, see [`is_list_of_names`]): after the
        // white space before that point, if any.
        let limit = if self.list_prefixes.is_empty() { self.max_credit_chars } else { 2 * self.max_credit_chars };
        let end = line.trim_end().trim_end_matches(CLOSERS).len();
        let from = line[..end].char_indices().rev().nth(limit).map_or(0, |(i, _)| i);
        let from = line[..from].trim_end().len();
        let mut w = from.saturating_sub(max_len);
        while !line.is_char_boundary(w) {
            w -= 1;
        }
        w
    }

    /// Whether `line` ends with an agency, before white space and closing brackets: the only
    /// finding this rule can make on a line without a cue hit (see [`Caption::judge`]).
    #[inline]
    pub fn ends_with_agency(&self, line: &str) -> bool {
        self.trailing_agency(line).is_some()
    }

    /// The agency that `line` ends with, before white space and closing brackets (see
    /// [`Caption::agency_credit`]), and the line without what follows it.
    fn trailing_agency<'l>(&self, line: &'l str) -> Option<(&'l str, &String)> {
        let t = without_closers(line);
        if t.is_empty() {
            return None;
        }
        // An agency matches as written, or in a line set all in capitals or all in lower case
        // (`GETTY IMAGES`, `getty images`) when its name is long enough not to be an ordinary
        // word: `(ePA)` (a German health record) is not EPA. The buckets hold both cases of the
        // last byte.
        let last = *t.as_bytes().last()? as usize;
        let a = self.agencies_by_last_byte[last].iter().map(|&i| &self.agencies[i as usize]).find(|a| {
            if t.len() < a.len() || !t.is_char_boundary(t.len() - a.len()) {
                return false;
            }
            let tail = &t[t.len() - a.len()..];
            // Both ways need the letters alike but for case: that test first, as it fails fast.
            tail.eq_ignore_ascii_case(a)
                && (tail == a.as_str() || (a.len() >= 4 && (tail.bytes().all(|b| !b.is_ascii_lowercase()) || tail.bytes().all(|b| !b.is_ascii_uppercase()))))
        })?;
        Some((t, a))
    }

    /// Start of a trailing agency credit (`… . Yonhap`, `(Reuters)`, `/Getty Images`).
    fn agency_credit(&self, line: &str, hits: &LineHits) -> Option<usize> {
        let (t, a) = self.trailing_agency(line)?;
        let astart = t.len() - a.len();
        let before = t[..astart].trim_end();
        if before.is_empty() {
            return Some(0);
        }
        // The agency must start a word.
        if t[..astart].chars().next_back().is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let c = before.chars().next_back()?;
        let seg = segment_start(before);
        match c {
            '/' | '|' | '©' | '(' | '[' | '【' | '（' | '—' | '–' | '―' | '「' | '／' => Some(seg),
            '-' if before.ends_with(" -") => Some(seg),
            c if SENTENCE_END.contains(&c) => Some(astart),
            ':' | '=' | '：' | ',' | '，' => {
                // `Foto: dpa`, `Photo: Jane Roe, AP`: a credit prefix must open the segment.
                hits.credit_at.iter().any(|&(p, _)| p >= seg).then_some(seg)
            }
            _ => None,
        }
    }

    /// `Photo: Jane Roe` or `(AP Photo/Jane Roe)` at the end of a line: a credit prefix or credit
    /// cue at byte `p`, `len` bytes long, followed by a short name.
    fn prefix_credit(&self, line: &str, p: usize, len: usize) -> Option<usize> {
        let before = line[..p].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let rest_start = p + len;
        let rest = line[rest_start..].trim().trim_end_matches(|c: char| CLOSERS.contains(&c));
        // A cue that is a whole credit (`(Yonhap)`, `(EPA)`) is one only at the end of the line:
        // `(ePA) einführen.` is a word in brackets inside a sentence.
        if line[p..rest_start].ends_with([')', ']', '）', '】']) {
            return rest.is_empty().then(|| open_bracket_before(line, p));
        }
        // Counted only as far as the limits: this runs for every credit prefix of a line.
        let words = rest.split_whitespace().take(9).count();
        if rest.is_empty() || !may_name_a_source(rest) {
            return None;
        }
        if (rest.chars().nth(self.max_credit_chars).is_some() || words > 8)
            && !(is_one_of(&self.list_prefixes, &line[p..rest_start]) && is_list_of_names(rest, 2 * self.max_credit_chars))
        {
            return None;
        }
        // A sentence after the name means this was prose, not a credit.
        let sentence_inside = rest.char_indices().any(|(i, c)| {
            SENTENCE_END.contains(&c) && rest[i + c.len_utf8()..].trim_start().chars().next().is_some_and(|n| n.is_lowercase())
        });
        if sentence_inside {
            return None;
        }
        Some(open_bracket_before(line, p))
    }
}

/// Whether the prefix `found` in a line is one of `prefixes` (lower-cased, as `source_prefixes`
/// and `list_prefixes` are kept); no allocation when there are none.
fn is_one_of(prefixes: &[String], found: &str) -> bool {
    !prefixes.is_empty() && {
        let found = found.to_lowercase();
        prefixes.contains(&found)
    }
}

/// Whether a credit longer than the usual limits is a list of names: at most `max_chars`
/// characters and 20 words, no digit, names parted by `,` `/` `;` or `&`, three or more words that open
/// with a capital and fewer than a third with a small letter ("ESA/Webb, NASA & CSA, A. Adamo
/// (Stockholm University) and the FEARLESS JWST team"), where a sentence after a prefix is mostly
/// small words ("Lenders look for a score of 620 or higher for a conventional loan.") and a
/// source's title has no list in it ("Quelle: Forschungsbericht 523 des
/// Bundesarbeitsministeriums (Stand: 28. November 2018)"). Text in scripts without case is no
/// such list.
fn is_list_of_names(rest: &str, max_chars: usize) -> bool {
    // Digits are a reference's year, volume or pages, not a name's.
    if rest.chars().nth(max_chars).is_some() || !rest.contains([',', '/', ';', '&']) || rest.contains(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let (mut upper, mut lower, mut words) = (0, 0, 0);
    for w in rest.split_whitespace() {
        words += 1;
        match w.chars().find(|c| c.is_alphabetic()) {
            Some(c) if c.is_uppercase() => upper += 1,
            Some(c) if c.is_lowercase() => lower += 1,
            _ => {}
        }
    }
    words <= 20 && upper >= 3 && 3 * lower < upper + lower
}

/// Whether the text after a credit prefix can name a photographer or an agency: it is empty (a
/// bare "Photo:" label) or holds a letter. Figures alone ("Photos: 12", "Fotoğraflar: 12") count
/// the photos of a listing.
pub fn may_name_a_source(rest: &str) -> bool {
    let rest = rest.trim();
    rest.is_empty() || rest.chars().any(char::is_alphabetic)
}

/// Whether a credit prefix at byte `at` of `line` is written in lower case and runs on from a
/// clause of two or more words: then it is part of a sentence ("The cover was a photo by Annie
/// Leibovitz.", "who owns the photo © rights"), not a credit. A credit opens the line, follows a
/// stop, a comma or a bracket ("… at dusk. Photo by Jane Roe", "installation view, photos ©
/// Studio Berg"), is capitalised ("Firefighters at the scene Photo: AP") or follows a one-word
/// label ("Main image credit: Getty", "Featured image by Jane Roe"). Scripts without case never
/// run on so.
pub fn runs_on_from_a_word(line: &str, at: usize) -> bool {
    let before = line[..at].trim_end();
    line[at..].chars().next().is_some_and(char::is_lowercase)
        && before.chars().next_back().is_some_and(char::is_alphanumeric)
        && before.split_whitespace().nth(1).is_some()
}

/// Whether a cue hit that ends at byte `end` of `line` ends a word: the automaton finds "Beeld AP"
/// in "Beeld Apeldoorn" and "Photo AFP" in "Photo AFPresse", which credit no one. Only where
/// words are spaced: in Han, Kana or Thai text a letter follows a word directly.
pub fn ends_a_word(line: &str, end: usize) -> bool {
    let (Some(last), Some(next)) = (line[..end].chars().next_back(), line[end..].chars().next()) else { return true };
    !(last.is_alphanumeric() && next.is_alphanumeric() && !crate::text::script_of(last).is_some_and(|s| s.is_unspaced()))
}

/// Cue hits of one line, gathered from the shared automaton.
#[derive(Debug, Default, Clone)]
pub struct LineHits {
    pub strong: bool,
    pub weak: bool,
    pub prefix_at_start: bool,
    /// (byte offset into the line, length) of each credit prefix or credit cue.
    pub credit_at: Vec<(usize, usize)>,
}

/// `line` without the white space and closing brackets and quotes it ends with. A line that ends
/// in a printable ASCII character other than a closer (a full stop, a letter: nearly every line)
/// has nothing to trim, and is not decoded from its end.
fn without_closers(line: &str) -> &str {
    let plain_end = line.as_bytes().last().is_some_and(|&b| b.is_ascii_graphic() && !CLOSERS.contains(&char::from(b)));
    if plain_end {
        return line;
    }
    line.trim_end().trim_end_matches(|c: char| CLOSERS.contains(&c) || c.is_whitespace())
}

/// Two or three capitalised words of letters and nothing else: a person's name (`Jane Roe`,
/// `Оксана Янченко`).
fn is_bare_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase) && cs.clone().count() >= 1 && cs.all(|c| c.is_lowercase() || c == '-')
        })
}

/// Does `s` hold a sentence end followed by another sentence (`다. 이`, `today. The`)?
fn has_sentence_break(s: &str) -> bool {
    let mut it = s.char_indices().peekable();
    while let Some((_, c)) = it.next() {
        let wide = matches!(c, '。' | '！' | '？');
        if !(SENTENCE_END.contains(&c)) {
            continue;
        }
        let mut rest = it.clone().map(|(_, c)| c);
        let next = if wide { rest.find(|c| !c.is_whitespace()) } else {
            match rest.next() {
                Some(' ') => rest.next(),
                _ => None,
            }
        };
        if next.is_some_and(|n| n.is_alphabetic() && !n.is_lowercase()) {
            return true;
        }
    }
    false
}

/// Start of the last clause of `s`: after the last sentence end or opening bracket.
fn segment_start(s: &str) -> usize {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        // `J. Scott` is an initial, not a sentence end: the word before the stop needs two letters.
        let word_end = s[..i].chars().rev().take(2).filter(|c| c.is_alphabetic()).count() == 2;
        if SENTENCE_END.contains(&c) && word_end && s[i + c.len_utf8()..].starts_with(' ') {
            start = i + c.len_utf8() + 1;
        } else if matches!(c, '(' | '[' | '【' | '（' | '「') {
            start = i;
        }
    }
    start
}

/// `p`, or the opening bracket just before it (`(Photo: …)` goes with its bracket).
fn open_bracket_before(line: &str, p: usize) -> usize {
    let before = line[..p].trim_end();
    match before.chars().next_back() {
        Some(c @ ('(' | '[' | '【' | '（' | '「')) => before.len() - c.len_utf8(),
        _ => p,
    }
}

/// [`closes_a_quotation`] for a line that is a caption whole: the quotation that closes the line
/// holds a sentence and then the credit (a colon or ©: "… lautete: „Der Bürgermeister … Foto:
/// dpa“."). A caption that ends by quoting a sign or a title ("… mit einem Plakat „Nicht in
/// meinem Namen“", "… in a still from \"Dune: Part Two\"") holds none, and stays a caption; so
/// does a line that opens with a caption prefix (the engine's caller).
pub fn quotes_a_caption(line: &str) -> bool {
    let body = line.trim_end().trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ' ']);
    body.char_indices().next_back().and_then(|(at, _)| quotation_opened_before(line, at).map(|open| (open, at))).is_some_and(|(open, at)| {
        // The caption's sentence, then its credit: "Der Bürgermeister … Eröffnung. Foto: dpa"; a
        // title with a colon ("Dune: Part Two") holds no sentence before it.
        let quoted = &line[open..at];
        [". ", "。"].iter().filter_map(|stop| quoted.find(stop)).min().is_some_and(|s| quoted[s..].contains([':', '：', '©']))
    })
}

/// Whether the trailing credit at byte `start` of `line` closes a quotation that the line opened
/// after some words of its own: a sentence that quotes a caption ("… lautete: „Der Bürgermeister
/// bei der Eröffnung. Foto: dpa“.", "… il lut la légende : « Le maire … Photo : AFP »."), not a
/// caption. A credit glued after the closing mark ("„Wir schaffen das“Foto: dpa") is outside it.
pub fn closes_a_quotation(line: &str, start: usize) -> bool {
    quotation_opened_before(line, start).is_some()
}

/// Where the quotation opens that the mark closing `line[start..]` (after its stops) closes,
/// when it opens before `start` and after words of the line's own.
fn quotation_opened_before(line: &str, start: usize) -> Option<usize> {
    let tail = line[start..].trim_end().trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ' ']);
    let openers: &[char] = match tail.chars().next_back() {
        Some('»') => &['«'],
        Some('«') => &['»'],
        Some('“') => &['„'],
        Some('”') => &['“', '„', '”'],
        Some('"') => &['"'],
        Some('’') => &['‘', '‚'],
        Some('‘') => &['‚'],
        Some('」') => &['「'],
        Some('』') => &['『'],
        _ => return None,
    };
    let before = &line[..start];
    // The last opener before the credit, with words before it; a mark that also closes must open
    // here, not close an earlier quotation (an odd count before the credit).
    let (at, mark) = before.rmatch_indices(openers).next()?;
    let symmetric = tail.ends_with(mark);
    (!before[..at].trim().is_empty() && (!symmetric || before.matches(mark).count() % 2 == 1)).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_inside_a_quoted_caption_close_a_quotation() {
        fn credit_at<'a>(line: &'a str, credit: &str) -> (&'a str, usize) {
            (line, line.rfind(credit).unwrap())
        }
        for (line, at) in [
            credit_at("Ein Beispiel lautete: „Der Bürgermeister bei der Eröffnung. Foto: dpa“.", " Foto: dpa"),
            credit_at("il lut la légende : « Le maire lors de l'inauguration. Photo : AFP ».", " Photo : AFP"),
            credit_at("A typical example read: \"Firefighters on the A38 near Plymouth. Photo: PA\"", " Photo: PA"),
        ] {
            assert!(closes_a_quotation(line, at), "{line}");
        }
        for (line, at) in [
            credit_at("„Wir schaffen das“Foto: dpa", "Foto: dpa"),
            credit_at("Demonstrators on \"Freedom Square\". Photo: Reuters", " Photo: Reuters"),
            credit_at("„Der Bürgermeister bei der Eröffnung. Foto: dpa“", " Foto: dpa"),
            credit_at("He said \"yes\" and \"no\" at the gate. Photo: PA\"", " Photo: PA"),
        ] {
            assert!(!closes_a_quotation(line, at), "{line}");
        }
        assert!(quotes_a_caption("Ein Beispiel lautete: „Der Bürgermeister bei der Eröffnung. Foto: dpa“."));
        assert!(!quotes_a_caption("Angela Merkel bei ihrer Rede „Wir schaffen das“. Foto: dpa"));
        assert!(!quotes_a_caption("„Der Bürgermeister bei der Eröffnung. Foto: dpa“"));
        assert!(!quotes_a_caption("Foto: Demonstranten vor dem Rathaus mit einem Plakat „Nicht in meinem Namen“"));
        assert!(!quotes_a_caption("Image caption, Protesters outside parliament held signs saying \"Not in my name\""));
        assert!(!quotes_a_caption("Timothée Chalamet and Zendaya in a still from \"Dune: Part Two\""));
    }

    /// The shortcut for lines that end in a plain printable ASCII character trims what trimming
    /// every closer and white space would: every ASCII ending, the closers and some spaces
    /// beyond ASCII, after bodies with and without a credit.
    #[test]
    fn closers_are_trimmed_as_by_the_long_way() {
        let endings: Vec<String> = (0..128u8).map(|b| char::from(b).to_string()).chain(CLOSERS.iter().map(|c| c.to_string())).chain(["\u{a0}", "\u{3000}", ") ", "”\u{2009}", ".)", "a»"].map(String::from)).collect();
        let mut trimmed = 0;
        for body in ["", "x", "Photo: Jane Roe / AP", "Фото: ТАСС", "(EPA"] {
            for end in &endings {
                let line = format!("{body}{end}");
                let long = line.trim_end().trim_end_matches(|c: char| CLOSERS.contains(&c) || c.is_whitespace());
                assert_eq!(without_closers(&line), long, "{line:?}");
                trimmed += usize::from(long.len() < line.len());
            }
        }
        assert!(trimmed > 50, "{trimmed}");
    }
}
