//! Small text primitives shared by the rules: script classes and label normalisation.
//!
//! Everything here works on `&str` slices of the original document and never allocates per
//! character; `normalize_label` allocates one `String` per call and is only used on short lines;
//! [`normalize_into`] reuses a buffer and can stop after the first words.

/// A writing system, as far as the rules need to tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Bengali,
    Thai,
    Georgian,
    Hangul,
    Kana,
    Han,
    Other,
}

impl Script {
    pub const COUNT: usize = 14;

    pub fn index(self) -> usize {
        self as usize
    }

    pub const ALL: [Script; Script::COUNT] = [
        Script::Latin,
        Script::Greek,
        Script::Cyrillic,
        Script::Armenian,
        Script::Hebrew,
        Script::Arabic,
        Script::Devanagari,
        Script::Bengali,
        Script::Thai,
        Script::Georgian,
        Script::Hangul,
        Script::Kana,
        Script::Han,
        Script::Other,
    ];

    /// The lowercase name used in rule files (`latin`, `hangul`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Greek => "greek",
            Script::Cyrillic => "cyrillic",
            Script::Armenian => "armenian",
            Script::Hebrew => "hebrew",
            Script::Arabic => "arabic",
            Script::Devanagari => "devanagari",
            Script::Bengali => "bengali",
            Script::Thai => "thai",
            Script::Georgian => "georgian",
            Script::Hangul => "hangul",
            Script::Kana => "kana",
            Script::Han => "han",
            Script::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<Script> {
        Script::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// Scripts written without spaces between words.
    pub fn is_unspaced(self) -> bool {
        matches!(self, Script::Han | Script::Kana | Script::Thai)
    }

    /// Han and Kana are one family (Japanese writes with both; Korean uses Han as hanja).
    pub fn family(self) -> Script {
        match self {
            Script::Kana => Script::Han,
            s => s,
        }
    }
}

/// What [`script_of`] answers for a code point as far as the ranges below tell it: a `Script`
/// as its index, [`NO_SCRIPT`], or [`ASK`] for code points outside them, where a letter is
/// `Other`. A `const fn`, so that the tables below are built from these ranges at compile time.
const fn by_range(u: u32) -> u8 {
    let s = match u {
        0x41..=0x5A | 0x61..=0x7A => Script::Latin,
        0x00..=0x7F => return NO_SCRIPT,
        // Latin-1 signs and spaces: only ª, µ and º are letters (of no script of ours).
        0x80..=0xBF => return if matches!(u, 0xAA | 0xB5 | 0xBA) { Script::Other as u8 } else { NO_SCRIPT },
        0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => {
            if u == 0xD7 || u == 0xF7 {
                return NO_SCRIPT;
            }
            Script::Latin
        }
        0x0300..=0x036F => return NO_SCRIPT,
        // General punctuation (dashes, curly quotes, ellipsis, spaces): no letters, and common
        // in Latin text.
        0x2000..=0x206F => return NO_SCRIPT,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0530..=0x058F => Script::Armenian,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            // Arabic punctuation and digits are not letters.
            if matches!(u, 0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4 | 0x0660..=0x0669 | 0x06F0..=0x06F9) {
                return NO_SCRIPT;
            }
            Script::Arabic
        }
        0x0900..=0x097F => {
            if matches!(u, 0x0964..=0x096F) {
                return NO_SCRIPT;
            }
            Script::Devanagari
        }
        0x0980..=0x09FF => Script::Bengali,
        0x0E00..=0x0E7F => {
            if matches!(u, 0x0E50..=0x0E59) {
                return NO_SCRIPT;
            }
            Script::Thai
        }
        0x10A0..=0x10FF => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF | 0xA960..=0xA97F | 0xD7B0..=0xD7FF => Script::Hangul,
        0x3040..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => {
            if u == 0x30FB {
                return NO_SCRIPT; // katakana middle dot
            }
            Script::Kana
        }
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF | 0x3005 | 0x3007 => Script::Han,
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::Latin,
        _ => return ASK,
    };
    s as u8
}

/// [`by_range`]'s answer for a code point without a script.
const NO_SCRIPT: u8 = Script::COUNT as u8;
/// [`by_range`]'s answer for a code point outside its ranges; in [`BLOCKS`], a block whose code
/// points are not all answered alike.
const ASK: u8 = NO_SCRIPT + 1;

/// [`by_range`] of every code point below U+0800: the one- and two-byte characters of UTF-8
/// (Latin with its accents, Greek, Cyrillic, Armenian, Hebrew, Arabic).
static BELOW_800: [u8; 0x800] = {
    let mut t = [0; 0x800];
    let mut u = 0;
    while u < t.len() {
        t[u] = by_range(u as u32);
        u += 1;
    }
    t
};

/// For each block of 64 code points of U+0000..U+FFFF, the [`by_range`] answer all of them
/// share, or [`ASK`]. A three-byte character's block is told by its first two bytes.
static BLOCKS: [u8; 0x400] = {
    let mut t = [0; 0x400];
    let mut b = 0;
    while b < t.len() {
        let first = by_range((b as u32) << 6);
        let mut k = 1;
        while k < 64 && by_range(((b as u32) << 6) | k) == first {
            k += 1;
        }
        t[b] = if k == 64 { first } else { ASK };
        b += 1;
    }
    t
};

/// [`LEAD_SCRIPTS`] of a lead byte whose characters are not all of one script (or of none),
/// and of the bytes that start no character of two or three bytes.
const MIXED: u8 = ASK + 1;

/// For each byte that starts a character of two or three bytes, what all the characters it starts
/// have in common: the script of each of them that is a letter (as a [`by_range`] answer) when
/// that is one script, [`NO_SCRIPT`] when none is a letter, else [`MIXED`]. A code point
/// [`by_range`] answers [`ASK`] for counts as `Other`, the script it has when it is a letter.
/// Surrogates (ED A0..=ED BF) and overlong forms (E0 80..=E0 9F) are no characters; the bytes
/// that start four-byte characters are [`MIXED`], not worked out.
static LEAD_SCRIPTS: [u8; 256] = {
    let mut t = [MIXED; 256];
    let mut lead = 0xC2;
    while lead <= 0xEF {
        let (first, count) = if lead < 0xE0 { ((lead as u32 & 0x1F) << 6, 64) } else { ((lead as u32 & 0x0F) << 12, 4096) };
        let mut seen = NO_SCRIPT;
        let mut u = first;
        while u < first + count {
            let k = match by_range(u) {
                ASK => Script::Other as u8,
                k => k,
            };
            let valid = u >= 0x80 && !(u >= 0xD800 && u <= 0xDFFF) && (lead < 0xE0 || u >= 0x800);
            if valid && k != NO_SCRIPT {
                if seen == NO_SCRIPT {
                    seen = k;
                } else if seen != k {
                    seen = MIXED;
                    break;
                }
            }
            u += 1;
        }
        t[lead] = seen;
        lead += 1;
    }
    t
};

/// What the first byte of a character beyond ASCII tells of its script without the bytes after
/// it: `Some(Some(s))` when every character that starts with `lead` is a letter of script `s` or
/// no letter (so that [`script_of`] it is `Some(s)` or `None`), `Some(None)` when none of them is
/// a letter, `None` when that takes the next bytes ([`script_at`]). `C3` (`À`..`ÿ`, with `×` and
/// `÷`) is Latin, `D0` Cyrillic, `CC` (combining marks) no letter, `E2` (dashes and quotes, but
/// also letterlike symbols and Glagolitic) takes the next bytes.
#[inline]
pub fn lead_script(lead: u8) -> Option<Option<Script>> {
    match LEAD_SCRIPTS[lead as usize] {
        NO_SCRIPT => Some(None),
        k => Script::ALL.get(k as usize).map(|&s| Some(s)),
    }
}

/// Whether the character whose lead byte is `bytes[p]` is, by that byte alone ([`lead_script`]),
/// no letter or a letter of `seen` (`None`: no letter at all), or is general punctuation
/// (U+2000..U+203F: dashes, curly quotes, ellipsis), told by its second byte (`E2 80`). A scan for
/// the letters of another script passes such a character over without decoding it.
#[inline]
pub fn passed_over(bytes: &[u8], p: usize, seen: Option<Script>) -> bool {
    let told = lead_script(bytes[p]);
    told == Some(None) || told == Some(seen) || (bytes[p] == 0xE2 && bytes.get(p + 1) == Some(&0x80))
}

/// The script an answer of [`by_range`] or the tables names, for the character `c`.
#[inline]
fn answer(k: u8, c: impl FnOnce() -> char) -> Option<Script> {
    if k == ASK {
        return if c().is_alphabetic() { Some(Script::Other) } else { None };
    }
    Script::ALL.get(k as usize).copied()
}

/// The script of a letter or combining mark, or `None` for digits, punctuation, symbols and space.
#[inline]
pub fn script_of(c: char) -> Option<Script> {
    let u = c as u32;
    if u < 0x80 {
        return if c.is_ascii_alphabetic() { Some(Script::Latin) } else { None };
    }
    let k = match BELOW_800.get(u as usize) {
        Some(&k) => k,
        None => match BLOCKS.get(u as usize >> 6) {
            Some(&k) if k != ASK => k,
            _ => by_range(u),
        },
    };
    answer(k, || c)
}

/// [`script_of`] the character that starts at byte `i` of `s`, and that character's width in
/// bytes. The scripts below U+0800 and of most blocks of three-byte characters are told from the
/// first two bytes by table, without decoding the character.
#[inline]
pub fn script_at(s: &str, i: usize) -> (Option<Script>, usize) {
    let b = s.as_bytes();
    let lead = b[i];
    if lead < 0x80 {
        return (if lead.is_ascii_alphabetic() { Some(Script::Latin) } else { None }, 1);
    }
    let char_at = || s[i..].chars().next().expect("a char starts at a lead byte");
    // The payload bits of the lead and the first continuation byte.
    let high = usize::from(b[i + 1] & 0x3F);
    if lead < 0xE0 {
        let u = usize::from(lead & 0x1F) << 6 | high;
        return (answer(BELOW_800[u], char_at), 2);
    }
    if lead < 0xF0 {
        let k = BLOCKS[usize::from(lead & 0x0F) << 6 | high];
        if k != ASK {
            return (Script::ALL.get(k as usize).copied(), 3);
        }
    }
    let c = char_at();
    (script_of(c), c.len_utf8())
}

/// Whether `c` is a lower-case letter as a text's case tells it: Unicode's lower case, less the
/// Georgian Mkhedruli letters (U+10D0-U+10FF), which Unicode counts as lower case since it gave
/// them capitals (Mtavruli) but which Georgian writes without capitals, as a script with no case.
/// So a Georgian title or label reads as one does in Hangul or Arabic, not as a sentence's own
/// lower-case word.
pub fn is_lower_case(c: char) -> bool {
    c.is_lowercase() && !matches!(c, '\u{10D0}'..='\u{10FF}')
}

/// `char::is_alphanumeric`, with the characters of two UTF-8 bytes (U+0080..U+07FF: Latin
/// letters with marks, Greek, Cyrillic, Armenian, Hebrew, Arabic) answered from a table of 256
/// bytes that std's own answers fill on first use. std looks each of them up by a search of its
/// ranges: on Cyrillic and Arabic pages that search was a tenth of all the work, asked of every
/// letter by the function-word density of the context rules.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    static TWO_BYTES: std::sync::LazyLock<[u64; 32]> = std::sync::LazyLock::new(|| {
        let mut t = [0u64; 32];
        for u in 0x80..0x800u32 {
            if char::from_u32(u).is_some_and(char::is_alphanumeric) {
                t[(u / 64) as usize] |= 1 << (u % 64);
            }
        }
        t
    });
    let u = c as u32;
    match u {
        0..0x80 => c.is_ascii_alphanumeric(),
        0x80..0x800 => TWO_BYTES[(u / 64) as usize] >> (u % 64) & 1 == 1,
        _ => c.is_alphanumeric(),
    }
}

/// True for characters that separate label tokens: white space, punctuation, symbols, emoji.
#[inline]
pub fn is_separator(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return !c.is_ascii_alphanumeric();
    }
    c.is_whitespace()
        || matches!(u,
            0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x055A..=0x055F | 0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4
            | 0x0964 | 0x0965 | 0x0E4F | 0x0E5A | 0x0E5B
            | 0x2000..=0x2BFF | 0x2E00..=0x2E7F | 0x3000..=0x3004 | 0x3008..=0x303F | 0x30FB
            | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0xFE50..=0xFE6F
            | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65
            | 0xFFF0..=0xFFFF | 0x1F000..=0x1FAFF)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The one spelling [`normalize_label`] gives a letter that pages print in two encodings: Persian
/// text written with the Arabic letters ي and ك (Arabic keyboards, older sites) for ی and ک, and
/// Bengali ড় ঢ় য় precomposed or as a letter and a nukta (Unicode normalisation (NFC) decomposes
/// them, many sites do not). A phrase written once matches every mix of the two.
fn one_spelling(c: char) -> Option<&'static str> {
    match c {
        '\u{064A}' => Some("\u{06CC}"),
        '\u{0643}' => Some("\u{06A9}"),
        '\u{09DC}' => Some("\u{09A1}\u{09BC}"),
        '\u{09DD}' => Some("\u{09A2}\u{09BC}"),
        '\u{09DF}' => Some("\u{09AF}\u{09BC}"),
        _ => None,
    }
}

/// Normalises a label or a short line for exact lookup: lower case, every run of separators
/// (white space, punctuation, symbols) becomes one space, apostrophes and hyphens inside words are
/// kept (as `'` and `-`), leading and trailing separators go. `"— Leave a Reply: *"` and
/// `"leave a reply"` normalise alike, and so do Turkish `"YAZI DOLAŞIMI"` and `"Yazı dolaşımı"`
/// (`İ`, `I`, `ı` and `i` are all `i`).
pub fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out, |_| true);
    out
}

/// [`normalize_label`] appended to `out`, telling `token_done` each finished token (a slice of
/// `out`) as it goes; when `token_done` returns false, normalisation stops there. A caller that
/// only needs the first words of a line thus pays for those words, not for the line.
pub fn normalize_into(s: &str, out: &mut String, token_done: impl FnMut(&str) -> bool) {
    normalize::<true>(s, out, token_done);
}

/// [`normalize_into`], with or without its ASCII fast paths (a run of letters and digits pushed
/// whole, any other ASCII character but `'` and `-` a separator without the joiner checks); the
/// tests hold the two to the same output and tokens.
#[inline(always)]
fn normalize<const ASCII_RUNS: bool>(s: &str, out: &mut String, mut token_done: impl FnMut(&str) -> bool) {
    let base = out.len();
    let mut pending_space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut prev_word = false;
    let mut token_start = None;
    while let Some(&byte) = bytes.get(i) {
        // A run of ASCII letters and digits, the common case, is pushed lower-cased whole.
        if ASCII_RUNS && byte.is_ascii_alphanumeric() {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            token_start.get_or_insert(out.len());
            i += push_alphanumeric_run(out, bytes, i);
            prev_word = true;
            continue;
        }
        // Otherwise one character (an ASCII one without decoding).
        let c = if byte.is_ascii() {
            char::from(byte)
        } else {
            let Some(c) = s[i..].chars().next() else { break };
            c
        };
        i += c.len_utf8();
        let separates = if ASCII_RUNS && byte.is_ascii() && byte != b'\'' && byte != b'-' {
            // Any other ASCII character: a letter or digit was taken above.
            true
        } else {
            // An apostrophe or a hyphen between two words joins them.
            if (is_apostrophe(c) || is_hyphen(c)) && prev_word && s[i..].chars().next().is_some_and(|n| !is_separator(n)) {
                out.push(if is_apostrophe(c) { '\'' } else { '-' });
                continue;
            }
            // Zero-width joiners vanish inside a word.
            if c == '\u{200C}' || c == '\u{200D}' {
                continue;
            }
            is_separator(c) || c == '\u{200B}' || c == '\u{FEFF}'
        };
        if separates {
            pending_space = out.len() > base;
            prev_word = false;
            if let Some(t) = token_start.take() {
                if !token_done(&out[t..]) {
                    return;
                }
            }
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        token_start.get_or_insert(out.len());
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c == 'İ' || c == 'ı' {
            // Turkish dotted capital and dotless small i are both `i` here: std lower-cases "İ"
            // to "i" and a combining dot, and "I" to "i", so "İLGİLİ HABERLER", "Ilgili
            // haberler" and "İlgili Haberler" would be three labels.
            out.push('i');
        } else if let Some(one) = one_spelling(c) {
            out.push_str(one);
        } else {
            out.extend(c.to_lowercase());
        }
        prev_word = true;
    }
    if let Some(t) = token_start {
        token_done(&out[t..]);
    }
}

/// Bit 7 of each byte of `x` that is an ASCII letter or digit, and of each that is an ASCII
/// letter. Each range test adds to the low seven bits of every byte what brings its bounds to bit
/// 7, which no sum carries past (the bytes are at most `0x7F` once bit 7 is cleared).
#[inline(always)]
fn alphanumeric_bytes(x: u64) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    let low = x & !HIGH;
    let within = |t: u64, lo: u64, hi: u64| (t + (0x80 - lo) * ONES) & !(t + (0x7F - hi) * ONES) & HIGH;
    let ascii = !x & HIGH;
    let letters = within(low | (0x20 * ONES), 0x61, 0x7A) & ascii;
    ((within(low, 0x30, 0x39) & ascii) | letters, letters)
}

/// Appends the run of ASCII letters and digits at `bytes[i..]` to `out` in lower case and returns
/// its length, eight bytes at a time: each word's letters and digits found by
/// [`alphanumeric_bytes`], its letters lower-cased by setting their bit 5, and the word appended
/// whole, then cut back to the run. A byte at a time, it took 15 instructions a byte, and pushing
/// `char`s 35.
#[inline(always)]
fn push_alphanumeric_run(out: &mut String, bytes: &[u8], i: usize) -> usize {
    // SAFETY: what stays appended is the run, ASCII letters and digits with bit 5 set on the
    // letters: ASCII lower-case letters and digits, so `out` is UTF-8 again once the bytes past
    // the run are cut, before `v` goes.
    let v = unsafe { out.as_mut_vec() };
    let mut at = i;
    loop {
        let x = match bytes.get(at..at + 8) {
            Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
            None => {
                // The last bytes, with zeros (no letters) after them.
                let mut w = [0u8; 8];
                let rest = bytes.get(at..).unwrap_or_default();
                w[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(w)
            }
        };
        let (alphanumeric, letters) = alphanumeric_bytes(x);
        let stop = !alphanumeric & 0x8080_8080_8080_8080;
        let n = if stop == 0 { 8 } else { (stop.trailing_zeros() / 8) as usize };
        let len = v.len();
        v.extend_from_slice(&(x | letters >> 2).to_le_bytes());
        v.truncate(len + n);
        debug_assert!(v[len..].iter().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
        at += n;
        if n < 8 {
            return at - i;
        }
    }
}

/// The spellings of a non-ASCII cue or veto that substring matching must find (the automaton
/// ignores ASCII case only): as written, in lower case, in upper case and with its first letter
/// capitalised, after any opening punctuation ("«подпишитесь" -> "«Подпишитесь", as a quotation
/// that opens a sentence writes it). Used only to build patterns.
pub fn case_variants(s: &str) -> Vec<String> {
    let lower = s.to_lowercase();
    let upper = s.to_uppercase();
    let title = match lower.char_indices().find(|(_, c)| c.is_alphabetic()) {
        Some((at, f)) => format!("{}{}{}", &lower[..at], f.to_uppercase(), &lower[at + f.len_utf8()..]),
        None => lower.clone(),
    };
    let mut v = vec![s.to_string(), lower, upper, title];
    v.sort();
    v.dedup();
    v
}

/// Counts letters of each script in `s`.
pub fn script_counts(s: &str) -> [u32; Script::COUNT] {
    let mut counts = [0u32; Script::COUNT];
    if s.is_ascii() {
        counts[Script::Latin.index()] = s.bytes().filter(u8::is_ascii_alphabetic).count() as u32;
        return counts;
    }
    for c in s.chars() {
        if let Some(sc) = script_of(c) {
            counts[sc.index()] += 1;
        }
    }
    counts
}

/// The script with the most letters, and its share of all letters.
pub fn dominant_script(counts: &[u32; Script::COUNT]) -> Option<(Script, f32)> {
    let total: u32 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let (i, &n) = counts.iter().enumerate().max_by_key(|(_, &n)| n)?;
    Some((Script::ALL[i], n as f32 / total as f32))
}

/// An ASCII byte that `char::is_whitespace` calls white space (`u8::is_ascii_whitespace` leaves
/// out the vertical tab, which `str::trim` and `str::split_whitespace` take).
#[inline]
pub fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// Eight spaces, as one word: indentation is skipped a word at a time.
const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);

/// The number of ASCII white-space bytes `b` starts with. Whole-page text is indented by runs of
/// spaces (a quarter of the inscriptis pages' bytes), so those are skipped eight at a time.
#[inline]
fn leading_ascii_space(b: &[u8]) -> usize {
    let mut i = 0;
    while let Some(w) = b.get(i..i + 8) {
        if u64::from_ne_bytes(w.try_into().unwrap_or_default()) != SPACES {
            break;
        }
        i += 8;
    }
    i + b[i..].iter().take_while(|&&x| is_ascii_space(x)).count()
}

/// The number of ASCII white-space bytes `b` ends with (see [`leading_ascii_space`]).
#[inline]
fn trailing_ascii_space(b: &[u8]) -> usize {
    let mut n = 0;
    while n + 8 <= b.len() {
        let w = &b[b.len() - n - 8..b.len() - n];
        if u64::from_ne_bytes(w.try_into().unwrap_or_default()) != SPACES {
            break;
        }
        n += 8;
    }
    n + b[..b.len() - n].iter().rev().take_while(|&&x| is_ascii_space(x)).count()
}

/// `s.trim_start()`, with ASCII white space (the indentation of whole-page text) skipped byte by
/// byte and the char-by-char look only from a byte beyond ASCII on.
#[inline]
pub fn trim_start(s: &str) -> &str {
    let ascii = leading_ascii_space(s.as_bytes());
    // The cut follows ASCII bytes, so it is on a char boundary.
    s[ascii..].trim_start()
}

/// `s.trim()`, with ASCII white space (an indented line of whole-page text) stripped byte by
/// byte and the char-by-char look left for ends that are not printable ASCII, which few lines have.
#[inline]
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let graphic_ends = |b: &[u8]| matches!((b.first(), b.last()), (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic());
    if graphic_ends(b) {
        return s;
    }
    let start = leading_ascii_space(b);
    // At or after `start`: the trailing run is counted in what follows it.
    let end = b.len() - trailing_ascii_space(&b[start..]);
    // Both cuts are next to ASCII bytes, so on char boundaries.
    let t = &s[start..end];
    // Otherwise an end is a character beyond ASCII (a curly quote closes many lines of news), or
    // a control character: the string is trimmed further only if one of them is white space.
    let mut cs = t.chars();
    if cs.next().is_some_and(char::is_whitespace) || cs.next_back().is_some_and(char::is_whitespace) {
        t.trim()
    } else {
        t
    }
}

/// `s.split_whitespace()`, with ASCII bytes told without decoding them (the common case).
pub fn split_whitespace(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    // The character at `i`: its width and whether it is white space.
    let at = move |i: usize| -> Option<(usize, bool)> {
        let &x = b.get(i)?;
        Some(if x < 0x80 {
            (1, is_ascii_space(x))
        } else {
            let c = s[i..].chars().next().expect("a char starts at a non-ASCII lead byte");
            (c.len_utf8(), c.is_whitespace())
        })
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some((w, space)) = at(i) {
            if !space {
                let start = i;
                i += w;
                while let Some((w, false)) = at(i) {
                    i += w;
                }
                return Some(&s[start..i]);
            }
            i += w;
        }
        None
    })
}

/// `s.trim_matches(|c: char| !c.is_alphanumeric())`, answered at once when both ends are ASCII
/// letters or digits.
#[inline]
pub fn trim_to_alphanumeric(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() => s,
        _ => s.trim_matches(|c: char| !c.is_alphanumeric()),
    }
}

/// Number of Unicode scalar values in `s`.
#[inline]
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The number of characters of `s` that are not white space (`char::is_whitespace`), which the
/// removal cap weighs: every byte that starts a character counts, less ASCII white space, less
/// the few white-space characters beyond ASCII, which start with one of four bytes and are
/// decoded only there (decoding every character took 15 instructions a byte).
pub fn solid_chars(s: &str) -> usize {
    let b = s.as_bytes();
    // Per block of 255 bytes into a byte-wide sum, with no branch, so that it runs on vectors.
    let counted: usize = b
        .chunks(255)
        .map(|c| {
            let starts = |x: u8| u8::from((x as i8) >= -0x40);
            let space = |x: u8| u8::from((x == b' ') | (x.wrapping_sub(b'\t') < 5));
            usize::from(c.iter().fold(0u8, |n, &x| n + starts(x) - space(x)))
        })
        .sum();
    // U+0085 and U+00A0 start with C2, U+1680 with E1, U+2000-U+205F with E2, U+3000 with E3.
    let is_space_at = |at: usize| s[at..].chars().next().is_some_and(char::is_whitespace);
    let wide_spaces = memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b).chain(memchr::memchr_iter(0xE1, b)).filter(|&at| is_space_at(at)).count();
    counted - wide_spaces
}

/// Whether `s` has fewer than `n` characters, counting only when its byte length does not decide
/// it: fewer than `n` bytes are fewer than `n` characters; `4 × n` bytes or more are at least `n`.
#[inline]
pub fn fewer_chars_than(s: &str, n: usize) -> bool {
    if s.len() < n {
        return true;
    }
    if s.len() >= n.saturating_mul(4) {
        return false;
    }
    char_len(s) < n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of two-byte characters answers as std does, and so does every other character.
    #[test]
    fn is_alphanumeric_is_std_s() {
        let mut letters = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
            letters += usize::from((0x80..0x800).contains(&(c as u32)) && c.is_alphanumeric());
        }
        assert!(letters > 1000);
    }

    #[test]
    fn case_variants_capitalise_the_first_letter_after_punctuation() {
        let v = case_variants("«подпишитесь на");
        assert!(v.contains(&"«Подпишитесь на".to_string()), "{v:?}");
        assert!(v.contains(&"«ПОДПИШИТЕСЬ НА".to_string()) && v.contains(&"«подпишитесь на".to_string()), "{v:?}");
        assert!(case_variants("Über uns").contains(&"Über uns".to_string()));
        // No letter at all: no empty pattern, only the text itself.
        assert_eq!(case_variants("＝、"), vec!["＝、".to_string()]);
    }

    /// `trim` and `trim_start` skip runs of spaces a word at a time: they must equal std's on
    /// every mix of run lengths, other white space, and non-ASCII white space at the ends.
    #[test]
    fn trims_agree_with_std() {
        let cores = ["", "x", "ab cd", "\u{a0}x\u{3000}", "é", "x\ty"];
        let pads = ["", " ", "\t", " \r", "\u{2003}", "\u{a0} "];
        let mut seen = 0;
        for core in cores {
            for pad in pads {
                for n in [0, 1, 7, 8, 9, 15, 16, 17, 33] {
                    for m in [0, 3, 8, 12] {
                        let s = format!("{}{pad}{core}{pad}{}", " ".repeat(n), " ".repeat(m));
                        assert_eq!(trim(&s), s.trim(), "{s:?}");
                        assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
                        seen += 1;
                    }
                }
            }
        }
        assert_eq!(seen, 6 * 6 * 9 * 4);
    }

    /// `solid_chars` counts what decoding every character counts, on all of Unicode's white
    /// space, the bytes around it, and mixed text.
    #[test]
    fn solid_chars_agrees_with_decoding() {
        let simple = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
        let spaces: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        assert!(spaces.len() > 20);
        let others = ['a', 'é', '\u{85}', '\u{a0}', '\u{a1}', '’', '—', '\u{1680}', '\u{1681}', 'ᄀ', '\u{3000}', '\u{3001}', '漢', '🙂', '\u{1c}', '\u{7f}'];
        let mut n = 0;
        for &w in &spaces {
            for &o in &others {
                let s = format!("{o}{w}{o}x{w}{w} {o}");
                assert_eq!(solid_chars(&s), simple(&s), "{s:?}");
                n += 1;
            }
        }
        for s in ["", " ", "abc", "  a\tb\r\n", "Das ist — ein „Test“\u{a0}mit\u{2009}Lücken"] {
            assert_eq!(solid_chars(s), simple(s), "{s:?}");
        }
        assert!(n > 300);
    }

    #[test]
    fn fewer_chars_than_agrees_with_counting() {
        for s in ["", "abc", "ab\u{e9}", "\u{d55c}\u{ad6d}\u{c5b4}", "\u{1f600}\u{1f600}x", &"\u{d55c}".repeat(7), &"a".repeat(12)] {
            for n in 0..14 {
                assert_eq!(fewer_chars_than(s, n), s.chars().count() < n, "{s:?} {n}");
            }
        }
    }

    #[test]
    fn normalizes_labels() {
        assert_eq!(normalize_label("— Leave a Reply: *"), "leave a reply");
        assert_eq!(normalize_label("  E-Mail *"), "e-mail");
        assert_eq!(normalize_label("J’aime"), "j'aime");
        assert_eq!(normalize_label("分享到："), "分享到");
        assert_eq!(normalize_label("COMMENTS (25)"), "comments 25");
        assert_eq!(normalize_label("Поделиться"), "поделиться");
        assert_eq!(normalize_label("- Advertisement -"), "advertisement");
        assert_eq!(normalize_label("शेयर करें"), "शेयर करें");
        // Turkish i: capitals with and without the dot, small letters with and without it.
        for label in ["İLGİLİ HABERLER", "ILGILI HABERLER", "İlgili Haberler", "ilgili haberler", "ılgılı haberler"] {
            assert_eq!(normalize_label(label), "ilgili haberler", "{label}");
        }
        assert_eq!(normalize_label("YAZI DOLAŞIMI"), normalize_label("Yazı dolaşımı"));
        // Persian with Arabic ي and ك, with a zero-width non-joiner or fused; Bengali য় precomposed
        // or as য and a nukta.
        for label in ["اشتراک\u{200C}گذاری", "اشتراكگذاري", "اشتراک\u{200C}گذاري"] {
            assert_eq!(normalize_label(label), "اشتراکگذاری", "{label}");
        }
        assert_eq!(normalize_label("আরও প\u{09DC}ুন"), normalize_label("আরও প\u{09A1}\u{09BC}ুন"));
        assert_eq!(normalize_label("শে\u{09DF}ার"), "শে\u{09AF}\u{09BC}ার");
    }

    #[test]
    fn normalize_into_reports_the_tokens_and_stops_on_request() {
        for line in ["— Leave a Reply: *", "  E-Mail *", "J’aime ça", "COMMENTS (25)", "分享到：微博", "a\u{200C}b c", "", "--"] {
            let norm = normalize_label(line);
            let mut toks = Vec::new();
            let mut out = String::from("prefix ");
            normalize_into(line, &mut out, |t| {
                toks.push(t.to_string());
                true
            });
            assert_eq!(out, format!("prefix {norm}"));
            let want: Vec<&str> = norm.split(' ').filter(|t| !t.is_empty()).collect();
            assert_eq!(toks, want, "{line:?}");
            let mut first = String::new();
            normalize_into(line, &mut first, |_| false);
            assert_eq!(first, want.first().copied().unwrap_or(""), "{line:?}");
        }
    }

    /// The word test of letters and digits is the byte test, for every byte value at every place
    /// among every other byte.
    #[test]
    fn alphanumeric_bytes_are_the_byte_tests() {
        for at in 0..8 {
            for b in 0..=255u8 {
                for fill in [0u8, b'a', b'Z', b'5', b' ', 0x7F, 0x80, 0xC3, 0xFF, b'@', b'[', b'`', b'{', b'/', b':'] {
                    let mut w = [fill; 8];
                    w[at] = b;
                    let (alnum, letters) = alphanumeric_bytes(u64::from_le_bytes(w));
                    for (k, &c) in w.iter().enumerate() {
                        assert_eq!(alnum >> (8 * k + 7) & 1 == 1, c.is_ascii_alphanumeric(), "{w:?} at {k}");
                        assert_eq!(letters >> (8 * k + 7) & 1 == 1, c.is_ascii_alphabetic(), "{w:?} at {k}");
                    }
                }
            }
        }
    }

    /// A normalisation: line, output, token callback.
    type Normalize = fn(&str, &mut String, &mut dyn FnMut(&str) -> bool);

    /// Same output, same tokens told, same stop, on every ASCII pair and triple in context and on
    /// mixed scripts, joiners and zero-width characters.
    #[test]
    fn normalize_into_agrees_with_the_char_by_char_rules() {
        let check = |line: &str| {
            for stop_after in [0, 1, 2, usize::MAX] {
                let run = |f: Normalize| {
                    let (mut out, mut toks) = (String::from("p "), Vec::new());
                    f(line, &mut out, &mut |t: &str| {
                        toks.push(t.to_string());
                        toks.len() <= stop_after
                    });
                    (out, toks)
                };
                let fast = run(|s, o, f| normalize_into(s, o, f));
                let slow = run(|s, o, f| normalize::<false>(s, o, f));
                assert_eq!(fast, slow, "{line:?} stop after {stop_after}");
            }
        };
        let ascii: Vec<char> = (0u8..0x80).map(char::from).collect();
        for &a in &ascii {
            for &b in &ascii {
                check(&format!("{a}{b}"));
                check(&format!("Ab{a}{b}Cd"));
            }
            for c in ['\'', '-', '’', 'é', 'İ', '\u{200C}', '\u{200B}', ' ', 'x', '9'] {
                check(&format!("{a}{c}x"));
                check(&format!("x{a}{c}"));
                check(&format!("x{c}{a}y z"));
            }
        }
        // Runs of every length around one and two words, cut by every kind of byte.
        for len in 1..=20 {
            let run: String = "aZ9qQ0zA".chars().cycle().take(len).collect();
            for end in ["", " ", "é", "-x", "'s", "\u{200B}", "ß", "9"] {
                check(&format!("{run}{end}"));
                check(&format!("x {run}{end} y"));
            }
        }
        for line in ["— Leave a Reply: *", "E-Mail *", "don't-stop 'quoted' -x x- x--y", "J’aime ÇA", "İstanbul'DA", "a\u{200C}b c\u{200B}d", "COMMENTS (25)", "分享到：微博 ok", "ΣΊΣΥΦΟΣ-Test", "  ", ""] {
            check(line);
        }
    }

    #[test]
    fn word_splitting_and_trimming_agree_with_std() {
        let chars: Vec<char> = (0..0x3100).filter_map(char::from_u32).chain(['\u{feff}', '😀', '\u{fffd}']).collect();
        let mut lines: Vec<String> = ["", " ", "  a  b ", "\u{a0}x\u{3000}y\u{2028}", "l'homme, «qu'il» — 3.5 %", "\t\x0b\x0cé\r\n"].map(String::from).to_vec();
        for &c in &chars {
            lines.push(format!("{c}"));
            lines.push(format!("ab{c}cd {c}"));
            lines.push(format!("{c}x{c}"));
        }
        for l in &lines {
            assert_eq!(split_whitespace(l).collect::<Vec<_>>(), l.split_whitespace().collect::<Vec<_>>(), "{l:?}");
            for w in l.split_whitespace() {
                assert_eq!(trim_to_alphanumeric(w), w.trim_matches(|c: char| !c.is_alphanumeric()), "{w:?}");
            }
        }
    }

    #[test]
    fn georgian_letters_are_no_lower_case() {
        assert!(is_lower_case('a') && is_lower_case('я') && is_lower_case('ß'));
        assert!(!is_lower_case('A') && !is_lower_case('한') && !is_lower_case('7'));
        // Mkhedruli, which Unicode calls lower case: "გააზიარე" (share) opens a label as "Share" does.
        assert!('გ'.is_lowercase() && !is_lower_case('გ') && !is_lower_case('ჰ'));
        assert!("გააზიარე".chars().all(|c| !is_lower_case(c)));
    }

    #[test]
    fn trim_is_str_trim() {
        // Every pair of ends: each ASCII byte and some white space and letters beyond ASCII.
        let ends: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).chain(["\u{a0}", "\u{3000}", "\u{2009}", "é", "추", "\u{feff}"].map(String::from)).collect();
        for a in &ends {
            for b in &ends {
                for mid in ["", "x", " ", "a b"] {
                    for pad in ["", "  ", "\t \u{a0} \n"] {
                        let s = format!("{pad}{a}{mid}{b}{pad}");
                        assert_eq!(trim(&s), s.trim(), "{s:?}");
                    }
                }
            }
        }
        assert_eq!(trim(""), "");
        for a in &ends {
            for pad in ["", "  ", "\t\x0b \u{a0} \n", "\u{3000}"] {
                let s = format!("{pad}{a}x ");
                assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
            }
        }
    }

    #[test]
    fn general_punctuation_has_no_letters() {
        for u in 0x2000..=0x206F {
            let c = char::from_u32(u).unwrap();
            assert!(!c.is_alphabetic(), "{u:X}");
        }
    }

    /// `script_of` without its tables: [`by_range`] of the code point itself.
    fn script_by_range(c: char) -> Option<Script> {
        answer(by_range(c as u32), || c)
    }

    /// The tables answer as the ranges do, for every char; `script_at` as `script_of` at every
    /// offset of a line, whatever comes before and after.
    #[test]
    fn script_tables_agree_with_the_ranges() {
        let mut line = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(script_of(c), script_by_range(c), "U+{:04X}", c as u32);
            line.clear();
            line.push('a');
            line.push(c);
            line.push('\u{30C3}');
            assert_eq!(script_at(&line, 1), (script_of(c), c.len_utf8()), "U+{:04X}", c as u32);
            assert_eq!(script_at(&line, 1 + c.len_utf8()), (Some(Script::Kana), 3));
        }
        // The tables tell the common blocks without the slow path.
        for c in ['é', 'ő', 'Ж', 'ש', 'ب', 'α', '\u{2019}', '—', 'ア', '漢', '한', 'ả'] {
            let u = c as usize;
            let k = if u < 0x800 { BELOW_800[u] } else { BLOCKS[u >> 6] };
            assert_ne!(k, ASK, "{c}");
        }
    }

    /// `lead_script` holds for every character beyond ASCII that starts with the byte; the common
    /// lead bytes are told without the next bytes.
    #[test]
    fn lead_scripts_hold_for_every_character() {
        let mut buf = [0; 4];
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            match lead_script(lead) {
                Some(None) => assert_eq!(script_of(c), None, "U+{:04X}", c as u32),
                Some(Some(s)) => assert!(script_of(c).is_none_or(|t| t == s), "U+{:04X}", c as u32),
                None => {}
            }
        }
        let told = |c: char| lead_script(c.encode_utf8(&mut [0; 4]).as_bytes()[0]);
        for (c, want) in [('é', Some(Some(Script::Latin))), ('ł', Some(Some(Script::Latin))), ('Ж', Some(Some(Script::Cyrillic))), ('ש', Some(Some(Script::Hebrew))), ('ب', Some(Some(Script::Arabic))), ('α', Some(Some(Script::Greek))), ('漢', Some(Some(Script::Han))), ('한', Some(Some(Script::Hangul))), ('\u{301}', Some(None)), ('\u{2019}', None), ('ア', None)] {
            assert_eq!(told(c), want, "{c}");
        }
    }

    #[test]
    fn classifies_scripts() {
        assert_eq!(script_of('a'), Some(Script::Latin));
        assert_eq!(script_of('é'), Some(Script::Latin));
        assert_eq!(script_of('추'), Some(Script::Hangul));
        assert_eq!(script_of('お'), Some(Script::Kana));
        assert_eq!(script_of('推'), Some(Script::Han));
        assert_eq!(script_of('П'), Some(Script::Cyrillic));
        assert_eq!(script_of('ش'), Some(Script::Arabic));
        assert_eq!(script_of('1'), None);
        assert_eq!(script_of('、'), None);
        let (s, share) = dominant_script(&script_counts("return to the White 추천 House")).unwrap();
        assert_eq!(s, Script::Latin);
        assert!(share > 0.8);
    }
}
