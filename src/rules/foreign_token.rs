//! `foreign_token`: a short run of words in another script dropped into a sentence by the
//! extractor, as a widget label ("return to the White 추천 House").
//!
//! The line is cut into words by script. The *native* scripts of a line are its dominant script,
//! any script holding a large share of it, and the scripts that go together (Kana text is written
//! with Han). An *island* is a run of at most `max_words` words (and the counters that follow them,
//! `58`, `(53)`) in non-native scripts. It is removed only when
//! - it sits between native words, with nothing but spaces on either side: quotes, brackets,
//!   commas or a line edge next to it mean the writer put it there ("Seoul (서울)", «Поделиться»);
//! - no `mention_cues` word stands next to it ("the word 추천 means …");
//! - it is not one of the `loanwords` alone, a label that other scripts borrow as a word (English
//!   "Like" in "при нажатии Like"; with a counter or a label of either script beside it, or in
//!   capitals, it is a widget);
//! - and either it is made of known widget `labels`, or (only with `remove_unlabelled = true`)
//!   every script in it is one of `unlabelled_scripts` (Latin islands in Korean text are brand
//!   names: they need a label match), it has at least two letters, and the (native, island)
//!   script pair is not in `labelled_only_pairs` (Han in Korean text is hanja).
//!
//! `remove_unlabelled` is off in the default rules: on the public real pages every unlabelled
//! island it took was content or a language menu ("神道" in a German travel text, a Korean dish
//! in a Japanese blog), and names, places and glossed words in another script are written
//! unquoted ("President Зеленський", "the band 東京事変"). A word of `unlabelled_scripts` in
//! a longer mixed run is still removed when it is a label (`ツイート Bubbling Under Hot 100`).

use super::{all_phrases, check_fields, check_lexicon, FileCtx, RawRule, RuleError};
use crate::text::{is_separator, normalize_into, normalize_label, passed_over, script_at, script_of, Script};
use std::collections::HashSet;

#[derive(Debug)]
pub struct ForeignToken {
    pub labels: HashSet<String>,
    pub max_label_tokens: usize,
    pub mention_cues: HashSet<String>,
    /// The mention cues written in Han or Kana: text in those scripts has no spaces, so a cue is
    /// found at the end of the word before the island or the start of the word after it
    /// ("アラビア語のملك", "这个词ملك"). (Not Thai, which does not space its words either: its
    /// short cues start other words, "กด" in "กดดัน", pressure.)
    pub mention_affixes: Vec<String>,
    /// Mention cues that count only after the island: a word that makes it a word of the
    /// sentence when it follows it ("Shareする", "Share给朋友", "Share 수가 5000회") but ends or
    /// starts unrelated words before it ("発表するShare方針", "오를 수도 Share 있다").
    pub mention_after: HashSet<String>,
    /// Those of them written in Han or Kana, found at the start of the word after the island.
    pub mention_after_affixes: Vec<String>,
    /// Labels that text in other scripts borrows as words: alone, with no counter and no other
    /// label beside it, such a label stays ("Share 기능", "нажать Like", "گزینه Save").
    pub loanwords: HashSet<String>,
    /// Words and signs that join two items of a list ("and", "oder", "と", "和", ","): an island
    /// joined by one to another run of a foreign script is one of two words the sentence names
    /// ("type 구독 and 좋아요 under the video"), not a label dropped into it.
    pub conjunctions: HashSet<String>,
    pub unlabelled: [bool; Script::COUNT],
    /// Remove unlabelled islands of `unlabelled` scripts (not only label words).
    pub remove_unlabelled: bool,
    pub labelled_only: Vec<(Script, Script)>,
    pub max_words: usize,
    pub max_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Word(Script),
    Number,
    Space,
    Punct,
}

#[derive(Debug, Clone, Copy)]
pub struct Tok {
    item: Item,
    start: usize,
    end: usize,
    letters: u32,
}

fn tokenize(line: &str, out: &mut Vec<Tok>) {
    out.clear();
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let (item, letters) = if let Some(s) = script_of(c) {
            (Item::Word(s), 1)
        } else if c.is_numeric() {
            (Item::Number, 0)
        } else if c.is_whitespace() {
            (Item::Space, 0)
        } else if is_separator(c) {
            // An apostrophe or hyphen between two letters of one word stays in the word.
            let joins = matches!(c, '\'' | '’' | '-')
                && matches!(out.last(), Some(Tok { item: Item::Word(_), end, .. }) if *end == i)
                && iter.peek().is_some_and(|&(_, n)| script_of(n).is_some());
            if joins {
                out.last_mut().unwrap().end = i + c.len_utf8();
                continue;
            }
            (Item::Punct, 0)
        } else {
            // Combining marks and other non-spacing characters belong to the word before them.
            if let Some(last) = out.last_mut() {
                if matches!(last.item, Item::Word(_)) && last.end == i {
                    last.end = i + c.len_utf8();
                    continue;
                }
            }
            (Item::Punct, 0)
        };
        let end = i + c.len_utf8();
        match out.last_mut() {
            Some(last) if last.item == item && last.end == i && item != Item::Punct => {
                last.end = end;
                last.letters += letters;
            }
            _ => out.push(Tok { item, start: i, end, letters }),
        }
    }
}

/// True when every letter of `line` is of one script (or there are none): then every word is
/// native and there is no island. Only the characters [`next_to_look_at`] finds are looked at
/// (by table from their first two bytes, `script_at`), and the answer is known at the first
/// letter of a second script.
fn single_script(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut seen = None;
    let mut i = 0;
    loop {
        i = next_to_look_at(bytes, i, seen);
        if i == bytes.len() {
            return true;
        }
        let (script, width) = script_at(line, i);
        i += width;
        let Some(s) = script else { continue };
        match seen {
            // The first letter beyond ASCII: ASCII letters, if the line has any, are Latin.
            None if s != Script::Latin && has_ascii_letter(bytes) => return false,
            None => seen = Some(s),
            Some(t) if t != s => return false,
            Some(_) => {}
        }
    }
}

/// True when every letter of `line` is Latin (or there are none): [`single_script`] for a line
/// known to be Latin from its start, as most lines that reach [`ForeignToken::find`] are (Latin
/// with a few curly quotes, dashes or accented letters), so that they are passed over from the
/// first letter on. False for a line that has a letter of another script, even one of a single
/// script.
fn latin_or_none(line: &str) -> bool {
    let mut i = 0;
    loop {
        i = next_to_look_at(line.as_bytes(), i, Some(Script::Latin));
        if i == line.len() {
            return true;
        }
        let (script, width) = script_at(line, i);
        if script.is_some_and(|s| s != Script::Latin) {
            return false;
        }
        i += width;
    }
}

/// Whether `b` has an ASCII letter: looked at once, for a line whose first letter beyond ASCII is
/// not Latin, so in blocks without an early exit, which the compiler turns into vector code.
fn has_ascii_letter(b: &[u8]) -> bool {
    b.chunks(32).any(|c| c.iter().fold(false, |any, &x| any | x.is_ascii_alphabetic()))
}

/// The offset of the first character at or after `from` that may be a letter of a script other
/// than `seen` (any letter when `seen` is `None`), or `b.len()`; `from` is an offset in `b` or
/// its end. ASCII is passed over (its letters are for the caller to count), and so is every
/// character whose first byte proves it a letter of `seen` or no letter (`lead_script`: in Latin
/// text the accented letters, in Cyrillic text nearly all), and the general punctuation of
/// U+2000..U+203F (E2 80: dashes, curly quotes, ellipsis), told by its second byte. Lead bytes
/// (0xC0 and up) are found eight bytes at a time, in blocks of 32 (most blocks of a Latin line
/// are all ASCII); no calls, so that the loop keeps what it needs in registers.
fn next_to_look_at(b: &[u8], from: usize, seen: Option<Script>) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The first lead byte to look at in the word of eight at `i`: bits 7 and 6 set (`x << 1`
    // brings bit 6 of each byte to bit 7 of the same byte).
    let first = |x: u64, i: usize| {
        let mut leads = x & (x << 1) & HIGH;
        while leads != 0 {
            let p = i + (leads.trailing_zeros() / 8) as usize;
            if !passed_over(b, p, seen) {
                return Some(p);
            }
            leads &= leads - 1;
        }
        None
    };
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().expect("eight bytes"));
    let mut i = from;
    while let Some(c) = b.get(i..i + 32) {
        if !c.is_ascii() {
            for (k, w) in c.chunks_exact(8).enumerate() {
                if let Some(p) = first(word(w), i + 8 * k) {
                    return p;
                }
            }
        }
        i += 32;
    }
    while let Some(c) = b.get(i..i + 8) {
        if let Some(p) = first(word(c), i) {
            return p;
        }
        i += 8;
    }
    if i == b.len() {
        return i;
    }
    match b.len().checked_sub(8) {
        // The line's last eight bytes, shifted so that byte `i` comes first: the ones before it
        // were looked at already, and the zeros shifted in are no lead bytes.
        Some(s) => first(word(&b[s..]) >> (8 * (i - s)), i),
        None => (i..b.len()).find_map(|p| first(u64::from(b[p]), p)),
    }
    .unwrap_or(b.len())
}

impl ForeignToken {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["labels", "mention_cues", "mention_after", "loanwords", "conjunctions", "unlabelled_scripts", "remove_unlabelled", "labelled_only_pairs", "max_words", "max_chars"])?;
        let set = |lex: &Option<toml::Spanned<super::Lexicon>>, name: &str| -> Result<HashSet<String>, RuleError> {
            match lex {
                None => Ok(HashSet::new()),
                Some(l) => {
                    check_lexicon(ctx, l, name)?;
                    Ok(all_phrases(l.get_ref()).map(normalize_label).filter(|s| !s.is_empty()).collect())
                }
            }
        };
        let labels = set(&raw.labels, "labels")?;
        let mention_cues = set(&raw.mention_cues, "mention_cues")?;
        let mention_after = set(&raw.mention_after, "mention_after")?;
        let loanwords = set(&raw.loanwords, "loanwords")?;
        // Signs are kept as they are (normalising a comma leaves nothing).
        let mut conjunctions = set(&raw.conjunctions, "conjunctions")?;
        if let Some(l) = &raw.conjunctions {
            conjunctions.extend(all_phrases(l.get_ref()).filter(|c| !c.chars().any(char::is_alphanumeric)).map(|c| c.trim().to_string()));
        }
        let script = |name: &str, span: std::ops::Range<usize>| {
            Script::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Script::ALL.iter().map(|s| s.name()).collect();
                ctx.error(span, format!("unknown script `{name}` (expected one of: {})", names.join(", ")))
            })
        };
        let mut unlabelled = [false; Script::COUNT];
        if let Some(u) = &raw.unlabelled_scripts {
            for n in u.get_ref() {
                unlabelled[script(n, u.span())?.index()] = true;
            }
        }
        let mut labelled_only = Vec::new();
        if let Some(p) = &raw.labelled_only_pairs {
            for [a, b] in p.get_ref() {
                labelled_only.push((script(a, p.span())?, script(b, p.span())?));
            }
        }
        let unspaced = |cues: &HashSet<String>| -> Vec<String> {
            cues.iter().filter(|c| c.chars().next().and_then(script_of).is_some_and(|s| matches!(s, Script::Han | Script::Kana))).cloned().collect()
        };
        Ok(ForeignToken {
            mention_affixes: unspaced(&mention_cues),
            mention_after_affixes: unspaced(&mention_after),
            mention_after,
            loanwords,
            conjunctions,
            max_label_tokens: labels.iter().map(|l| l.split(' ').count()).max().unwrap_or(1),
            labels,
            mention_cues,
            unlabelled,
            remove_unlabelled: raw.remove_unlabelled.as_ref().is_some_and(|b| *b.get_ref()),
            labelled_only,
            max_words: raw.max_words.as_ref().map_or(3, |m| *m.get_ref() as usize),
            max_chars: raw.max_chars.as_ref().map_or(24, |m| *m.get_ref() as usize),
        })
    }

    /// Islands to remove from `line`, as (start, end, reason) byte offsets into the line.
    ///
    /// A line whose letters are all of one script has no island (every word is native). Most
    /// lines that get here are Latin with a few curly quotes, dashes or accented letters:
    /// [`latin_or_none`] proves those cheaply, [`single_script`] the others, and only a line
    /// that neither proves is cut into words ([`islands`](Self::islands)).
    pub fn find(&self, line: &str, toks: &mut Vec<Tok>) -> Vec<(usize, usize, &'static str)> {
        if latin_or_none(line) || single_script(line) {
            return Vec::new();
        }
        self.islands(line, toks)
    }

    /// [`find`](Self::find) the long way, without the early exits: the line cut into words, its
    /// scripts counted and its runs of non-native words looked at.
    fn islands(&self, line: &str, toks: &mut Vec<Tok>) -> Vec<(usize, usize, &'static str)> {
        let mut found = Vec::new();
        tokenize(line, toks);
        let mut counts = [0u32; Script::COUNT];
        for t in toks.iter() {
            if let Item::Word(s) = t.item {
                // Weighted by how much a letter carries: an ideograph is a word, a syllable block
                // or a kana is more than a Latin letter.
                let w = match s {
                    Script::Han => 3,
                    Script::Hangul | Script::Kana => 2,
                    _ => 1,
                };
                counts[s.index()] += t.letters * w;
            }
        }
        let total: u32 = counts.iter().sum();
        let Some((dom_i, &dom_n)) = counts.iter().enumerate().max_by_key(|(_, &n)| n) else { return found };
        if dom_n < 4 {
            return found;
        }
        let dominant = Script::ALL[dom_i];
        let mut native = [false; Script::COUNT];
        // A second script is native too when it holds a real share of the line, not just a label.
        for (i, &n) in counts.iter().enumerate() {
            if n * 10 >= total * 3 && n >= 16 {
                native[i] = true;
            }
        }
        native[dom_i] = true;
        let kana = counts[Script::Kana.index()];
        if dominant == Script::Kana || (dominant == Script::Han && kana * 20 >= total) {
            native[Script::Kana.index()] = true;
            native[Script::Han.index()] = true;
        }
        let is_native_word = |t: &Tok| matches!(t.item, Item::Word(s) if native[s.index()]);
        // The normalised form of a word next to an island, looked up among the mention cues.
        let mut norm = String::new();
        // The line's runs of words that may show it is about another script's words (see
        // `discussed_runs`), found when the first island needs them.
        let mut discussed: Option<Discussed> = None;
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            let Item::Word(s) = t.item else {
                i += 1;
                continue;
            };
            if native[s.index()] {
                i += 1;
                continue;
            }
            // Grow the island over foreign words, spaces and the one counter after each word.
            let first = i;
            let mut last = i;
            let mut j = i + 1;
            let mut words = 1;
            let mut counted = false;
            while j < toks.len() {
                match toks[j].item {
                    Item::Word(s2) if !native[s2.index()] => {
                        words += 1;
                        last = j;
                        counted = false;
                    }
                    Item::Number if !counted => {
                        last = j;
                        counted = true;
                    }
                    Item::Space => {}
                    Item::Punct if !counted => {
                        // `评论(53)`, `いいね！`: a counter in brackets or a bang glued to the label.
                        let p = &line[toks[j].start..toks[j].end];
                        if matches!(p, "(" | "（") && toks.get(j + 1).is_some_and(|n| n.item == Item::Number)
                            && toks.get(j + 2).is_some_and(|n| matches!(&line[n.start..n.end], ")" | "）"))
                        {
                            last = j + 2;
                            j += 3;
                            counted = true;
                            continue;
                        }
                        if matches!(p, "!" | "！") && toks[j].start == toks[last].end && matches!(toks[last].item, Item::Word(_)) {
                            // The bang is the label's own; its counter may follow ("いいね！ 24").
                            last = j;
                            j += 1;
                            continue;
                        }
                        break;
                    }
                    _ => break,
                }
                j += 1;
            }
            // A counter belongs to the label only when text follows it: `54,78`, `30%` and
            // `19 – Toronto` are the sentence's own numbers.
            let after_counter = toks[last + 1..].iter().find(|t| t.item != Item::Space);
            let text_follows = toks.get(last + 1).is_some_and(|t| t.item == Item::Space)
                && after_counter.is_some_and(|t| matches!(t.item, Item::Word(_) | Item::Number));
            if toks[last].item == Item::Number && !text_follows && last > first {
                last -= 1;
                while last > first && toks[last].item == Item::Space {
                    last -= 1;
                }
            }
            i = last + 1;
            let (start, end) = (toks[first].start, toks[last].end);
            let letters: u32 = toks[first..=last].iter().map(|t| t.letters).sum();
            let too_long = words > self.max_words || line[start..end].chars().count() > self.max_chars;
            // Flanks: with only spaces between, a word or number on each side for a known label
            // (tables: `352 좋아요 0`), a native word on each side for anything else.
            let left = toks[..first].iter().rev().find(|t| t.item != Item::Space);
            let right = toks[last + 1..].iter().find(|t| t.item != Item::Space);
            let in_text = |t: Option<&Tok>| t.is_some_and(|t| matches!(t.item, Item::Word(_) | Item::Number));
            // Only spaces around it, as the description says, in a script that spaces its words: a
            // word glued to it ("신곡 FOLLOW로") makes it part of that word. Han, Kana and Thai text
            // has no spaces to look for.
            let unspaced = matches!(dominant, Script::Han | Script::Kana | Script::Thai);
            let spaced = unspaced || (first > 0 && toks[first - 1].item == Item::Space && toks.get(last + 1).is_some_and(|t| t.item == Item::Space));
            let flanked = in_text(left) && in_text(right) && spaced;
            // (Before the mention cues, which normalise and look up four words: either test only
            // leaves the island in place, so their order changes nothing.)
            if !flanked && !too_long {
                continue;
            }
            // A mention cue among the two words on either side: "the word 추천 means", "كلمة 추천
            // الكورية تعني"; in Han or Kana, glued to the end of a word before the island or the
            // start of one after it ("アラビア語ではملك", "꿀잼という表現").
            let word = |t: &Tok| &line[t.start..t.end];
            let mut before = toks[..first].iter().rev().filter(|t| matches!(t.item, Item::Word(_))).take(2).map(word);
            let mut after = toks[last + 1..].iter().filter(|t| matches!(t.item, Item::Word(_))).take(2).map(word);
            // A `mention_after` word counts only as the word right after the island, a number
            // between them aside ("Share 수가", "Like 10만 개를"), in Han or Kana only glued to it
            // ("Shareする"): further on, it belongs to another clause ("Share 오를 수가 있다").
            // (A number's unit glued to it, "10만", is part of the number. A few tokens on at most:
            // the work per island stays bounded.)
            let next = (last + 1..toks.len())
                .take(8)
                .find(|&k| matches!(toks[k].item, Item::Word(_)) && !matches!(toks[k - 1].item, Item::Number))
                .map(|k| &toks[k]);
            let glued = toks.get(last + 1).filter(|t| matches!(t.item, Item::Word(_)));
            if before.any(|w| self.mentions(w, &mut norm) || self.mention_affixes.iter().any(|a| w.ends_with(a.as_str())))
                || after.any(|w| self.mentions(w, &mut norm) || self.mention_affixes.iter().any(|a| w.starts_with(a.as_str())))
                || next.is_some_and(|t| self.mentions_in(&self.mention_after, word(t), &mut norm))
                || glued.is_some_and(|t| self.mention_after_affixes.iter().any(|a| word(t).starts_with(a.as_str())))
                || self.coordinated(line, toks, &native, first, last, &mut norm)
            {
                continue;
            }
            let (left, right) = (left.copied().unwrap_or(toks[first]), right.copied().unwrap_or(toks[last]));
            // A borrowed word alone is as often the sentence's noun as a dropped button: it stays;
            // not in capitals ("SHARE"), nor between labels of the sentence's script ("좋아요
            // Share 댓글"), which is a bar.
            let island = &line[start..end];
            let borrowed = || {
                self.loanwords.contains(&normalize_label(island))
                    && island.chars().any(char::is_lowercase)
                    && ![left, right].iter().any(|t| self.labels.contains(&normalize_label(word(t))))
            };
            if flanked && !too_long && capitalised(island) && self.is_label(island) && !borrowed() {
                if self.about_its_script(&mut discussed, line, toks, &native, first, last) {
                    continue;
                }
                found.push((self.extend_left(line, toks, first, start), end, "widget label in another script"));
                continue;
            }
            let scripts_ok = || {
                toks[first..=last].iter().all(|t| match t.item {
                    Item::Word(s) => self.unlabelled[s.index()] && !self.labelled_only.contains(&(dominant, s)),
                    _ => true,
                })
            };
            if self.remove_unlabelled && flanked && !too_long && letters >= 2 && dom_n >= 8 && is_native_word(&left) && is_native_word(&right) && scripts_ok() {
                if self.about_its_script(&mut discussed, line, toks, &native, first, last) {
                    continue;
                }
                found.push((start, end, "short run of another script inside a sentence"));
                continue;
            }
            // A mixed or long run (`GEOM 구독`, `ツイート Bubbling Under Hot 100 اشترك`): its words in
            // scripts that cannot be brand names may still be labels on their own.
            let mut about: Option<bool> = None;
            for k in first..=last {
                let t = toks[k];
                let own = matches!(t.item, Item::Word(s) if !native[s.index()] && self.unlabelled[s.index()]);
                let prev = toks[..k].iter().rev().find(|t| t.item != Item::Space);
                let next = toks[k + 1..].iter().find(|t| t.item != Item::Space);
                if !own || !in_text(prev) || !in_text(next) || !capitalised(&line[t.start..t.end]) || !self.is_label(&line[t.start..t.end]) {
                    continue;
                }
                // A word of a phrase in its own script is not a label dropped on its own: "file a
                // 종합소득세 신고 with" keeps its "신고" (a tax return), whose run is not all labels.
                let same_script = |t: Option<&Tok>| t.is_some_and(|n| n.item == toks[k].item);
                if (k > first && same_script(prev)) || (k < last && same_script(next)) {
                    continue;
                }
                let end = match toks.get(k + 1..k + 3) {
                    Some([sp, n]) if sp.item == Item::Space && n.item == Item::Number && k + 2 <= last => n.end,
                    _ => t.end,
                };
                if *about.get_or_insert_with(|| self.about_its_script(&mut discussed, line, toks, &native, first, last)) {
                    break;
                }
                found.push((t.start, end, "widget label in another script"));
            }
        }
        found
    }

    /// Whether the island `toks[first..=last]`, with no counter in it, is joined by one of the
    /// `conjunctions` to another label of one of its scripts that is not the sentence's, on either side, with only
    /// spaces between: "type 구독 and 좋아요 under the video", "구독 と 좋아요 のお願い",
    /// "写着 구독 和 좋아요 两个词". The sentence names two words; a dropped button has the
    /// sentence's words on both sides.
    fn coordinated(&self, line: &str, toks: &[Tok], native: &[bool; Script::COUNT], first: usize, last: usize, norm: &mut String) -> bool {
        if self.conjunctions.is_empty() || toks[first..=last].iter().any(|t| t.item == Item::Number) {
            return false;
        }
        let mut joins = |t: &Tok| match t.item {
            Item::Word(s) if native[s.index()] => self.mentions_in(&self.conjunctions, &line[t.start..t.end], norm),
            Item::Punct => self.conjunctions.contains(&line[t.start..t.end]),
            _ => false,
        };
        // The other word is a label too, of a script of the island's: "SHARE 및 Galaxy" in Korean
        // text, "추천 und 東京" are a label beside a brand or a name, not two words of a list.
        let scripts = toks[first..=last].iter().fold(0u32, |m, t| if let Item::Word(s) = t.item { m | 1 << s.index() } else { m });
        let foreign = |t: Option<&Tok>| t.is_some_and(|t| matches!(t.item, Item::Word(s) if !native[s.index()] && scripts & (1 << s.index()) != 0) && self.is_label(&line[t.start..t.end]));
        let mut right = toks[last + 1..].iter().filter(|t| t.item != Item::Space);
        let mut left = toks[..first].iter().rev().filter(|t| t.item != Item::Space);
        (right.next().is_some_and(&mut joins) && foreign(right.next())) || (left.next().is_some_and(&mut joins) && foreign(left.next()))
    }

    /// Whether the line holds, outside the island `toks[first..=last]`, another run of one of the
    /// island's scripts that is no label: the line is about words of that script ("추천 and
    /// 추첨": a lesson, not a widget, which drops one label). Latin words stand in any text
    /// (names, brands), so only the other scripts count, and a gloss in brackets ("Japan (日本)")
    /// is the sentence's own aside. `cache` holds the line's runs once found.
    fn about_its_script(&self, cache: &mut Option<Discussed>, line: &str, toks: &[Tok], native: &[bool; Script::COUNT], first: usize, last: usize) -> bool {
        let island_scripts = toks[first..=last].iter().fold(0u32, |m, t| if let Item::Word(s) = t.item { m | 1 << s.index() } else { m }) & !(1 << Script::Latin.index());
        if island_scripts == 0 {
            return false;
        }
        let (runs, totals) = cache.get_or_insert_with(|| self.discussed_runs(line, toks, native));
        // The runs inside the island are those that start in it (a run is all in the island or
        // all outside it: the island takes every word of its scripts).
        let inside = &runs[runs.partition_point(|r| r.1 < first)..runs.partition_point(|r| r.1 <= last)];
        (0..Script::COUNT).any(|s| island_scripts & (1 << s) != 0 && totals[s] > inside.iter().filter(|r| r.0 == s).count())
    }

    /// The runs of words of one script (words with only spaces between) in `toks` that are no
    /// label and not opened by a bracket or quotation mark, for the scripts an island may hold:
    /// neither Latin nor `native` (the sentence's own scripts, whose runs need no label look-up).
    /// (script index, first token), in order, and how many there are of each script.
    fn discussed_runs(&self, line: &str, toks: &[Tok], native: &[bool; Script::COUNT]) -> Discussed {
        let mut runs = Vec::new();
        let mut totals = [0; Script::COUNT];
        let mut j = 0;
        while j < toks.len() {
            let Item::Word(s) = toks[j].item else {
                j += 1;
                continue;
            };
            let mut e = j;
            while e + 2 < toks.len() && toks[e + 1].item == Item::Space && toks[e + 2].item == Item::Word(s) {
                e += 2;
            }
            let opened = || toks[..j].iter().rev().find(|t| t.item != Item::Space).is_some_and(|t| t.item == Item::Punct && OPENERS.contains(&&line[t.start..t.end]));
            if s != Script::Latin && !native[s.index()] && !opened() && !self.is_label(&line[toks[j].start..toks[e].end]) {
                runs.push((s.index(), j));
                totals[s.index()] += 1;
            }
            j = e + 1;
        }
        (runs, totals)
    }

    /// A label island may follow a label in the sentence's own script (`Поделиться 58 تعليق`):
    /// returns the start of that label (and its counter), or `start`.
    fn extend_left(&self, line: &str, toks: &[Tok], first: usize, start: usize) -> usize {
        let mut k = first;
        let skip = |k: &mut usize, item: Item| {
            if *k > 0 && toks[*k - 1].item == item {
                *k -= 1;
                true
            } else {
                false
            }
        };
        skip(&mut k, Item::Space);
        if skip(&mut k, Item::Number) {
            skip(&mut k, Item::Space);
        }
        match k.checked_sub(1).map(|w| toks[w]) {
            // Capitalised mid-sentence, as a button label is; `looks like いいね` keeps its `like`.
            Some(w) if matches!(w.item, Item::Word(_))
                && line[w.start..].chars().next().is_some_and(char::is_uppercase)
                && self.is_label(&line[w.start..w.end]) =>
            {
                // Only when the word before it is text too: the label was dropped between words.
                let before = toks[..k - 1].iter().rev().find(|t| t.item != Item::Space);
                if before.is_some_and(|b| matches!(b.item, Item::Word(_) | Item::Number)) {
                    w.start
                } else {
                    start
                }
            }
            _ => start,
        }
    }

    /// Whether `word` is a mention cue; `norm` is a buffer for its normalised form, reused from
    /// word to word.
    fn mentions(&self, word: &str, norm: &mut String) -> bool {
        self.mentions_in(&self.mention_cues, word, norm)
    }

    /// Whether `word`, normalised, is one of `cues`.
    fn mentions_in(&self, cues: &HashSet<String>, word: &str, norm: &mut String) -> bool {
        if cues.is_empty() {
            return false;
        }
        norm.clear();
        normalize_into(word, norm, |_| true);
        cues.contains(norm.as_str())
    }

    /// True when the island, counters aside, is a sequence of known labels.
    fn is_label(&self, text: &str) -> bool {
        let norm = normalize_label(text);
        let toks: Vec<&str> = norm.split(' ').filter(|t| !t.chars().all(|c| c.is_numeric())).collect();
        if toks.is_empty() {
            return false;
        }
        // Greedy longest-first cover; labels are short, so this is exact enough.
        let mut i = 0;
        'outer: while i < toks.len() {
            for k in (1..=self.max_label_tokens.min(toks.len() - i)).rev() {
                if self.labels.contains(&toks[i..i + k].join(" ")) {
                    i += k;
                    continue 'outer;
                }
            }
            return false;
        }
        true
    }
}

/// Whether `text` starts as a button's label does in a script with letter case: with a capital
/// ("Печать", "Share"), or with a letter that has no case (Hangul, Han, Kana, Arabic, ...). A
/// lower-case word is the sentence's own noun or verb ("eine печать des Unternehmens").
fn capitalised(text: &str) -> bool {
    text.chars().find(|c| c.is_alphabetic()).is_some_and(|c| !crate::text::is_lower_case(c))
}

/// What [`ForeignToken::discussed_runs`] finds: the runs (script index, first token) and how many
/// there are of each script.
type Discussed = (Vec<(usize, usize)>, [usize; Script::COUNT]);

/// Brackets and quotation marks that open a gloss or a quoted word.
const OPENERS: [&str; 11] = ["(", "（", "[", "「", "『", "\"", "“", "«", "„", "'", "‘"];

/// Scratch space reused across lines.
pub type Scratch = Vec<Tok>;

#[cfg(test)]
mod tests {
    use super::*;

    /// `single_script` as it was before its byte-level shortcuts: every non-ASCII char decoded
    /// and given to `script_of`.
    fn single_script_by_chars(line: &str) -> bool {
        let mut seen = if line.bytes().any(|b| b.is_ascii_alphabetic()) { Some(Script::Latin) } else { None };
        for s in line.chars().filter(|c| !c.is_ascii()).filter_map(script_of) {
            match seen {
                None => seen = Some(s),
                Some(t) if t != s => return false,
                Some(_) => {}
            }
        }
        true
    }

    /// `latin_or_none` the long way: every char given to `script_of`.
    fn latin_or_none_by_chars(line: &str) -> bool {
        line.chars().filter_map(script_of).all(|s| s == Script::Latin)
    }

    /// The default `foreign_token` rule.
    fn default_rule() -> ForeignToken {
        let (path, text) = crate::rules::default_files().iter().find(|(p, _)| p.ends_with("foreign_token.toml")).expect("a default foreign_token file");
        let rules = crate::rules::load_str(path, text, &mut HashSet::new()).expect("the default rules load");
        rules.into_iter().find_map(|r| if let crate::rules::Kind::ForeignToken(ft) = r.kind { Some(ft) } else { None }).expect("a foreign_token rule")
    }

    /// The early exits of `find` hold to the long way on real lines, and on those lines with a
    /// letter or sign of another script put in at the start, after the first word, in the middle
    /// and at the end: `single_script` and `latin_or_none` answer as `script_of` char by char
    /// does, and `find` finds what `islands` (no early exit) finds.
    #[test]
    fn early_exits_agree_with_the_long_way_on_fixture_lines() {
        let ft = default_rule();
        let mut toks = Vec::new();
        let lines = crate::fixture_lines();
        assert!(lines.len() > 2000, "{} fixture lines", lines.len());
        let (mut single, mut latin, mut found) = (0, 0, 0);
        let mut check = |line: &str| {
            let want = single_script_by_chars(line);
            assert_eq!(single_script(line), want, "{line:?}");
            let want_latin = latin_or_none_by_chars(line);
            assert_eq!(latin_or_none(line), want_latin, "{line:?}");
            let long = ft.islands(line, &mut toks);
            assert!(!want || long.is_empty(), "{line:?}");
            assert_eq!(ft.find(line, &mut toks), long, "{line:?}");
            single += usize::from(want);
            latin += usize::from(want_latin);
            found += usize::from(!long.is_empty());
        };
        for line in &lines {
            check(line);
            let extra = ["ℓ", "ⁿ", "ə", "ʼ", "µ", "\u{2DE0}", "Ⱡ", "추천", "いいね", "Поделиться 58", "x"];
            for c in SAMPLES.iter().map(char::to_string).chain(extra.iter().map(|s| s.to_string())) {
                let first_space = line.find(' ').unwrap_or(0);
                let middle = (0..=line.len() / 2).rev().find(|&k| line.is_char_boundary(k)).unwrap_or(0);
                for at in [0, first_space, middle, line.len()] {
                    let mut mixed = line.clone();
                    mixed.insert_str(at, &format!(" {c} "));
                    check(&mixed);
                }
            }
        }
        // The lines hold every case: one script, Latin, and islands found.
        assert!(single > 1000 && latin > 1000 && found > 100, "{single} {latin} {found}");
    }

    #[test]
    fn single_script_shortcuts_agree_with_script_of() {
        // Every char up to U+2FFF, alone, after a Latin word, and next to letters of other scripts.
        for u in 0x80..=0x2FFF {
            let Some(c) = char::from_u32(u) else { continue };
            for line in [format!("{c}"), format!("Straße {c}"), format!("{c} Привет"), format!("x{c}é"), format!("{c}추")] {
                assert_eq!(single_script(&line), single_script_by_chars(&line), "{line:?} (U+{u:04X})");
                assert_eq!(latin_or_none(&line), latin_or_none_by_chars(&line), "{line:?} (U+{u:04X})");
            }
        }
    }

    /// One letter (or sign) of every script the rules know and of none, in one to four bytes.
    const SAMPLES: [char; 24] = [
        'e', 'é', '×', 'ª', 'α', 'Ж', 'Ա', 'ש', 'ب', '،', 'क', '।', 'ক', 'ก', '๑', 'ა', '한', 'ア', '・', '漢', '\u{2019}', '€', '\u{0301}', '𠀀',
    ];

    /// Lines of every length up to 40 bytes with one or two sample chars at every offset, in
    /// ASCII letters or in ASCII signs only: the 16- and 8-byte steps, the look at a line's last
    /// sixteen bytes and the tail byte by byte all meet characters that start, end or straddle
    /// their words, and the line's end in the middle of a word.
    #[test]
    fn single_script_agrees_at_every_offset_and_length() {
        for fill in ['a', '.'] {
            for len in 0..=40 {
                for at in 0..=len {
                    for &c in &SAMPLES {
                        let mut line: String = std::iter::repeat_n(fill, at).collect();
                        line.push(c);
                        line.extend(std::iter::repeat_n(fill, len - at));
                        assert_eq!(single_script(&line), single_script_by_chars(&line), "{line:?}");
                        assert_eq!(latin_or_none(&line), latin_or_none_by_chars(&line), "{line:?}");
                        let first = line.bytes().position(|b| b >= 0x80).unwrap_or(line.len());
                        for &d in &SAMPLES {
                            let mut two = line.clone();
                            two.insert(first.min(two.len()) / 2, d);
                            two.push(d);
                            assert_eq!(single_script(&two), single_script_by_chars(&two), "{two:?}");
                            assert_eq!(latin_or_none(&two), latin_or_none_by_chars(&two), "{two:?}");
                        }
                    }
                }
            }
        }
    }
}
