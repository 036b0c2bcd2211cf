//! Batch mode: a JSON Lines stream in, the same stream with one string field cleaned out.
//!
//! Why it is built this way. Corpus builders clean millions of records, so three costs matter:
//! parsing, copying and waiting.
//!
//! - **Parsing.** A line is scanned once, by hand at the top level (the object's braces, keys,
//!   colons and commas). Keys and the target field are read by a small string reader of our own
//!   (borrowed when they have no escapes, unescaped into one allocation otherwise); every other
//!   value is validated in place by `serde_json` and skipped, never built.
//!   What comes out is a [`Record`]: the raw line plus the byte span of the field's string literal.
//! - **Copying.** The output line is the raw line with the cleaned string spliced into that span,
//!   so every other field keeps its keys, order, spacing and escapes byte for byte. A record the
//!   rules leave alone is written as it came, without re-escaping anything; a cleaned field whose
//!   literal is the one serde_json would write (nearly always) is cut between the edits, not
//!   escaped anew.
//! - **Waiting.** The stream is cut into chunks of whole lines (about 256 KB); each worker reads
//!   the next chunk itself, in turn, and cleans it, so a chunk's bytes are written and read on one
//!   core; the calling thread is one of the workers, and between its own chunks it puts the
//!   cleaned chunks back in input order and writes them. A chunk may only be read once
//!   a token is free, and a token is returned when its chunk has been written: at most `window`
//!   chunks exist at once, so memory is bounded by the window, not by the stream.
//!
//! One thread (`threads == 1`) runs the same steps inline, without any thread or channel.
//!
//! Per record, in input order, the pipeline hands an [`Observer`] the document's name (its `id`),
//! its original text and its edits: the seam where reports, diffs and summaries attach.
//!
//! Line policy: a line that is empty or only white space passes through unchanged and is not a
//! record. A line that is not a JSON object, or has no string field of the wanted name (missing,
//! not a string, or given twice), is *bad*: everything before it is written and the run stops
//! with a [`BatchError::Bad`] naming the file and line, or, with `skip_bad`, it passes through
//! unchanged and is counted. Every output line ends with `\n`, even when the last input line had
//! none.

use crate::{Cleaner, Edit};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};

/// The key under which `--with-edits` adds a record's edits.
pub const EDITS_KEY: &str = "textsweep";

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct Options {
    /// The string field to clean.
    pub field: String,
    /// Add each record's edits under [`EDITS_KEY`] (replacing a value already there).
    pub with_edits: bool,
    /// Pass bad lines through unchanged (counted) instead of stopping at the first.
    pub skip_bad: bool,
    /// Threads that clean, the calling thread among them (it also writes); `1` runs everything
    /// in the calling thread.
    pub threads: usize,
    /// Target size of a chunk of lines, in bytes (256 KiB by default). Each chunk costs a hand-off
    /// between threads: when a thread that only wrote was woken for every chunk, 256 KiB chunks
    /// ran 2.7 % faster than 128 KiB ones with two workers (512 KiB 5.9 %), and with a window of
    /// `threads + 1` the 1 GB stream's peak RSS was 1.6-1.9 MB higher than 128 KiB chunks in a
    /// window of `threads + 2` (512 KiB: 4 MB).
    pub chunk_bytes: usize,
    /// Chunks in flight at most (read but not yet written); `0` means `threads + 1`.
    pub window: usize,
    /// Least bytes asked of an input per read (64 KiB by default; `0` counts as 1). A chunk is
    /// read in such blocks, so with the default a chunk holds the whole lines of at least 64 KiB
    /// read (an input's last chunk aside), however small `chunk_bytes` is; the `jsonl_threads`
    /// fuzz target sets it small to cut small inputs into many chunks.
    #[doc(hidden)]
    pub read_bytes: usize,
    /// Keep each record's original text and edits for [`Observer::record`]. Off, the pipeline
    /// holds no per-document data once a record is written.
    pub keep_docs: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            field: "text".into(),
            with_edits: false,
            skip_bad: false,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_bytes: 1 << 18,
            window: 0,
            read_bytes: 64 << 10,
            keep_docs: false,
        }
    }
}

/// One input of a batch: a name for messages and where to read it from.
pub struct Input {
    pub name: String,
    source: Source,
}

enum Source {
    Stdin,
    Path(PathBuf),
    Reader(Box<dyn Read + Send>),
}

impl Input {
    /// Standard input, named `stdin`.
    pub fn stdin() -> Input {
        Input { name: "stdin".into(), source: Source::Stdin }
    }

    /// A file, opened when the batch reaches it.
    pub fn path(path: impl Into<PathBuf>) -> Input {
        let path = path.into();
        Input { name: path.display().to_string(), source: Source::Path(path) }
    }

    /// Any reader (tests, decompressors).
    pub fn reader(name: impl Into<String>, reader: impl Read + Send + 'static) -> Input {
        Input { name: name.into(), source: Source::Reader(Box::new(reader)) }
    }

    /// Its size in bytes when known up front (a regular file).
    pub fn size(&self) -> Option<u64> {
        match &self.source {
            Source::Path(p) => std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()),
            _ => None,
        }
    }

    fn open(self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self.source {
            Source::Stdin => Box::new(io::stdin()),
            Source::Path(p) => Box::new(std::fs::File::open(p)?),
            Source::Reader(r) => r,
        })
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input").field("name", &self.name).finish_non_exhaustive()
    }
}

/// A line that is not a record with a string field to clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The input's name.
    pub file: String,
    /// 1-based line number in that input.
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// Why a batch stopped early. Everything before the failing line has been written.
#[derive(Debug)]
pub enum BatchError {
    /// A bad line, without `skip_bad`.
    Bad(BadLine),
    /// An input could not be opened or read.
    Input { file: String, error: io::Error },
    /// Writing the output failed (a closed pipe included).
    Output(io::Error),
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Bad(b) => b.fmt(f),
            BatchError::Input { file, error } => write!(f, "{file}: {error}"),
            BatchError::Output(e) => write!(f, "writing output: {e}"),
        }
    }
}

impl std::error::Error for BatchError {}

/// Counts of a batch run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records cleaned (lines with the field).
    pub records: u64,
    /// Records that lost something.
    pub changed: u64,
    /// Edits over all records.
    pub edits: u64,
    /// Blank lines passed through.
    pub blank_lines: u64,
    /// Bad lines passed through (`skip_bad`).
    pub bad_lines: u64,
    /// Records a guard held back (output unchanged although rules matched).
    pub held: u64,
    /// Input bytes read (whole lines).
    pub bytes_in: u64,
    /// Bytes of the cleaned field before and after cleaning (unescaped).
    pub text_bytes_in: u64,
    pub text_bytes_out: u64,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.records += o.records;
        self.changed += o.changed;
        self.edits += o.edits;
        self.blank_lines += o.blank_lines;
        self.bad_lines += o.bad_lines;
        self.held += o.held;
        self.bytes_in += o.bytes_in;
        self.text_bytes_in += o.text_bytes_in;
        self.text_bytes_out += o.text_bytes_out;
    }
}

/// One cleaned record, for an [`Observer`].
#[derive(Debug, Clone)]
pub struct Doc {
    /// The record's `id` (a string's value, any other JSON as written), or `FILE:LINE` without one.
    pub name: String,
    /// The field's original text.
    pub text: String,
    pub edits: Vec<Edit>,
    /// Set when a guard held the record back (then `edits` is empty).
    pub held: Option<crate::Held>,
}

/// Receives what the pipeline did, in input order, on the writing thread.
pub trait Observer {
    /// A record was cleaned (only with [`Options::keep_docs`]).
    fn record(&mut self, _doc: &Doc) {}
    /// A bad line was passed through (only with [`Options::skip_bad`]).
    fn bad_line(&mut self, _bad: &BadLine) {}
    /// A chunk was written; `bytes_in` is the input read so far.
    fn progress(&mut self, _bytes_in: u64) {}
}

/// An observer that ignores everything.
impl Observer for () {}

// ------------------------------------------------------------------------------------------------
// One line

/// A parsed line: the raw bytes and where its parts are.
#[derive(Debug)]
pub struct Record<'a> {
    /// The line without its terminator.
    pub raw: &'a [u8],
    /// The field's JSON string literal, quotes included.
    pub span: Range<usize>,
    /// The field's value, unescaped.
    pub text: Cow<'a, str>,
    /// The raw JSON value of `id`, when there is one.
    pub id: Option<Range<usize>>,
    /// The `"textsweep": value` member's value, when there is one.
    pub edits_value: Option<Range<usize>>,
    /// Offset of the object's closing `}`.
    pub close: usize,
    /// When the field's literal is exactly what [`write_json_str`] writes for `text` (every
    /// escape the usual one, as nearly always): the offsets (in `text`, in `raw`) just past each
    /// of its escapes. A cleaned text is then cut out of the literal, not escaped anew.
    marks: Option<Vec<(usize, usize)>>,
}

/// A string, borrowed from the line when it has no escapes.
struct JsonStr<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for JsonStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

fn skip_ws(b: &[u8], mut p: usize) -> usize {
    while p < b.len() && matches!(b[p], b' ' | b'\t' | b'\r' | b'\n') {
        p += 1;
    }
    p
}

/// A serde_json error message without its "at line 1 column N" (we give our own position).
fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Parses one JSON value starting at `p`; returns it and the offset just past it.
/// `raw` is already valid UTF-8, so serde_json reads it as `str` and does not validate strings again.
fn value_at<'a, T: Deserialize<'a>>(raw: &'a str, p: usize) -> Result<(T, usize), ValueError> {
    // `p` follows an ASCII byte (`{`, `,`, `:` or white space), so it is a char boundary.
    let Some(rest) = raw.get(p..) else { return Err(ValueError::Syntax(format!("invalid JSON at byte {}", p + 1))) };
    let mut it = serde_json::Deserializer::from_str(rest).into_iter::<T>();
    match it.next() {
        Some(Ok(v)) => Ok((v, p + it.byte_offset())),
        Some(Err(e)) => {
            let at = p + e.column().saturating_sub(1);
            Err(if e.classify() == serde_json::error::Category::Data {
                ValueError::Type(json_message(&e))
            } else {
                ValueError::Syntax(format!("invalid JSON at byte {}: {}", at + 1, json_message(&e)))
            })
        }
        None => Err(ValueError::Syntax("line ends inside the object".into())),
    }
}

/// Reads the JSON string literal whose opening `"` is `text[q]`: its value, borrowed from the line
/// when it has no escape, and the offset just past its closing `"`. Used for keys and the field
/// (serde_json cost about 6 instructions per input byte here: a `Deserializer` per value, its
/// byte-class scan, a scratch buffer and then a copy into the owned string).
///
/// It accepts and rejects what serde_json does when it parses a string into a `str`, with the
/// same value, the same message and the same position (`invalid JSON at byte N: …`, `N` the
/// 1-based position of the last byte serde_json read, the end of the line when it ran out): all
/// of `\" \\ \/ \b \f \n \r \t \uXXXX`, surrogate pairs combined, a lone or unpaired surrogate an
/// error. The unit test `string_reader_agrees_with_serde_json` holds the two side by side.
///
/// It relies on what [`parse_record`] has checked before: `text` is the whole line, valid UTF-8
/// (it is a `str`), without `\n` (serde_json's columns restart after one), and without a raw
/// control character inside a string (`control_in_string`). So it only looks for `"` and `\`,
/// and every run between them is whole UTF-8 text that JSON allows.
fn str_at(text: &str, q: usize) -> Result<(Cow<'_, str>, usize), String> {
    let mut value = Unescaped::default();
    let (borrowed, end) = str_into(text, q, &mut value)?;
    Ok((borrowed.map_or(Cow::Owned(value.text), Cow::Borrowed), end))
}

/// A string literal's value when it has escapes, and how the literal maps onto it. Its buffers
/// are reused from record to record (an allocation per record cost 0.1 instructions per byte).
#[derive(Debug, Default)]
struct Unescaped {
    /// The value.
    text: String,
    /// `(offset in text, offset in the line)` just past each escape, in order.
    marks: Vec<(usize, usize)>,
    /// Every escape is the one [`write_json_str`] writes for its character, so the literal is
    /// exactly `write_json_str(text)`.
    canonical: bool,
}

/// [`str_at`] into reused buffers: returns the value when it can be borrowed from the line (no
/// escape; `value` is then left alone), `None` when it is in `value`, and the offset just past
/// the closing `"`.
fn str_into<'t>(text: &'t str, q: usize, value: &mut Unescaped) -> Result<(Option<&'t str>, usize), String> {
    let b = text.as_bytes();
    debug_assert_eq!(b.get(q), Some(&b'"'));
    let start = q + 1;
    let eof = || string_error(b.len(), EOF_IN_STRING);
    let Some(k) = memchr::memchr2(b'"', b'\\', &b[start..]) else { return Err(eof()) };
    let mut i = start + k;
    if b[i] == b'"' {
        return Ok((Some(&text[start..i]), i + 1));
    }
    // The value is never longer than its literal, which ends on this line at the latest: no
    // growth.
    let out = &mut value.text;
    out.clear();
    out.reserve(b.len() - start);
    value.marks.clear();
    value.canonical = true;
    let mut run = start;
    loop {
        // `b[i]` is a `\`; `run..i` is plain text, cut at ASCII bytes.
        debug_assert!(!b[run..i].iter().any(|&c| c < 0x20), "control_in_string ran before");
        out.push_str(&text[run..i]);
        let (c, next) = unescape(b, i)?;
        out.push(c);
        value.canonical = value.canonical && is_canonical_escape(&b[i..next], c);
        value.marks.push((out.len(), next));
        i = next;
        run = i;
        // Escapes often follow each other (`\n\n`, `\u041b\u0435`): no search for those.
        if b.get(i) != Some(&b'\\') {
            let Some(k) = memchr::memchr2(b'"', b'\\', &b[i..]) else { return Err(eof()) };
            i += k;
            if b[i] == b'"' {
                out.push_str(&text[run..i]);
                return Ok((None, i + 1));
            }
        }
    }
}

/// Whether `esc`, one escape whose value is `c`, is how [`write_json_str`] (and serde_json)
/// writes `c`: `\" \\ \b \t \n \f \r`, `\u00xx` in lower-case hex for the other control
/// characters, and no escape at all for anything else (`\/`, `\u0041`, `\u00e9`, a surrogate
/// pair).
fn is_canonical_escape(esc: &[u8], c: char) -> bool {
    match *esc {
        [b'\\', b'"' | b'\\' | b'b' | b't' | b'n' | b'f' | b'r'] => true,
        [b'\\', b'u', b'0', b'0', _, low] => c < ' ' && !matches!(c, '\x08' | '\t' | '\n' | '\x0c' | '\r') && !low.is_ascii_uppercase(),
        _ => false,
    }
}

/// serde_json's message for a line that ends inside a string.
const EOF_IN_STRING: &str = "EOF while parsing a string";

/// An error of the string reader at 1-based byte `n`, worded as serde_json words it.
fn string_error(n: usize, what: &str) -> String {
    format!("invalid JSON at byte {n}: {what}")
}

/// Decodes the escape whose `\` is `b[i]`; returns its value and the offset just past it.
/// Errors as serde_json's `parse_escape` gives them (see [`str_at`]).
fn unescape(b: &[u8], i: usize) -> Result<(char, usize), String> {
    let at = string_error;
    let Some(&c) = b.get(i + 1) else { return Err(at(b.len(), EOF_IN_STRING)) };
    let c = match c {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\x08',
        b'f' => '\x0c',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let j = i + 2;
            let n = hex4(b, j)?;
            let j = j + 4;
            if (0xDC00..=0xDFFF).contains(&n) {
                return Err(at(j, "lone leading surrogate in hex escape"));
            }
            if !(0xD800..=0xDBFF).contains(&n) {
                return Ok((char::from_u32(u32::from(n)).expect("not a surrogate"), j));
            }
            // A high surrogate: a `\u` escape of a low one must follow.
            for (k, want) in [(j, b'\\'), (j + 1, b'u')] {
                match b.get(k) {
                    None => return Err(at(b.len(), EOF_IN_STRING)),
                    Some(&c) if c == want => {}
                    Some(_) => return Err(at(k + 1, "unexpected end of hex escape")),
                }
            }
            let lo = hex4(b, j + 2)?;
            if !(0xDC00..=0xDFFF).contains(&lo) {
                return Err(at(j + 6, "lone leading surrogate in hex escape"));
            }
            let c = 0x1_0000 + ((u32::from(n) - 0xD800) << 10 | (u32::from(lo) - 0xDC00));
            return Ok((char::from_u32(c).expect("a surrogate pair is a char"), j + 6));
        }
        _ => return Err(at(i + 2, "invalid escape")),
    };
    Ok((c, i + 2))
}

/// The four hex digits at `b[j..]` as serde_json's `decode_hex_escape` reads them: fewer than four
/// bytes left on the line is the end of the string, a non-digit among them an invalid escape.
fn hex4(b: &[u8], j: usize) -> Result<u16, String> {
    let Some(digits) = b.get(j..j + 4) else { return Err(string_error(b.len(), EOF_IN_STRING)) };
    let mut n = 0u16;
    for &c in digits {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(string_error(j + 4, "invalid escape")),
        };
        n = n << 4 | u16::from(d);
    }
    Ok(n)
}

enum ValueError {
    Syntax(String),
    Type(String),
}

impl ValueError {
    fn into_reason(self) -> String {
        match self {
            ValueError::Syntax(s) | ValueError::Type(s) => s,
        }
    }
}

/// Position of a raw control character inside a JSON string of `raw`, which JSON forbids. The
/// field parser checks its own string, but skipped values are not checked byte by byte.
fn control_in_string(raw: &[u8]) -> Option<usize> {
    // Nearly every line has no control byte at all: one vectorised pass says so, by the least
    // byte (one vector minimum per 16 bytes; a compare and an OR per 16 bytes took three times
    // the instructions).
    if raw.iter().fold(u8::MAX, |least, &b| least.min(b)) >= 0x20 {
        return None;
    }
    let mut in_string = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                0..=0x1f => return Some(i),
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        }
        i += 1;
    }
    None
}

/// The field as [`parse_record_with`] finds it: its literal's span, its value and
/// [`Record::marks`].
type Field<'a> = (Range<usize>, Cow<'a, str>, Option<Vec<(usize, usize)>>);

/// Parses one line as a JSON object with a string field `field`.
pub fn parse_record<'a>(raw: &'a [u8], field: &str) -> Result<Record<'a>, String> {
    parse_record_with(raw, field, &mut Unescaped::default())
}

/// [`parse_record`], unescaping the field into the buffers of `spare` (which it takes when it
/// needs them; [`process`] gives them back once the record is written).
fn parse_record_with<'a>(raw: &'a [u8], field: &str, spare: &mut Unescaped) -> Result<Record<'a>, String> {
    // Skipped values are copied raw, so the whole line must be valid UTF-8 JSON text.
    // Validated with SIMD (std's check was 6 % of a run on text with curly quotes and accents);
    // the error position comes from the same crate's compatible API.
    let text = match simdutf8::basic::from_utf8(raw) {
        Ok(t) => t,
        Err(_) => {
            let valid = simdutf8::compat::from_utf8(raw).err().map_or(raw.len(), |e| e.valid_up_to());
            return Err(format!("invalid UTF-8 at byte {}", valid + 1));
        }
    };
    if let Some(at) = control_in_string(raw) {
        return Err(format!("invalid JSON at byte {}: control character in a string", at + 1));
    }
    let mut p = skip_ws(raw, 0);
    if raw.get(p) != Some(&b'{') {
        if raw[p..].starts_with("\u{FEFF}".as_bytes()) {
            // An editor's or a Windows tool's byte-order mark: named, as "not a JSON object"
            // left the reader looking for what was wrong with the object.
            return Err("a byte-order mark (U+FEFF) before the JSON object (JSON Lines has none)".into());
        }
        return Err("not a JSON object".into());
    }
    p = skip_ws(raw, p + 1);
    let mut found: Option<Field<'a>> = None;
    let mut id = None;
    let mut edits_value = None;
    let close;
    if raw.get(p) == Some(&b'}') {
        close = p;
    } else {
        loop {
            if raw.get(p) != Some(&b'"') {
                return Err(format!("invalid JSON at byte {}: expected a key", p + 1));
            }
            let (key, end) = str_at(text, p)?;
            p = skip_ws(raw, end);
            if raw.get(p) != Some(&b':') {
                return Err(format!("invalid JSON at byte {}: expected `:`", p + 1));
            }
            p = skip_ws(raw, p + 1);
            let end = if key == field {
                if found.is_some() {
                    return Err(format!("field `{field}` given twice"));
                }
                let (s, end, marks) = if raw.get(p) == Some(&b'"') {
                    match str_into(text, p, spare)? {
                        // Without escapes the literal is the canonical one.
                        (Some(s), end) => {
                            spare.marks.clear();
                            (Cow::Borrowed(s), end, Some(std::mem::take(&mut spare.marks)))
                        }
                        (None, end) => {
                            let marks = spare.canonical.then(|| std::mem::take(&mut spare.marks));
                            (Cow::Owned(std::mem::take(&mut spare.text)), end, marks)
                        }
                    }
                } else {
                    // Not a string: serde_json says why (wrong type or bad JSON), as before.
                    let (JsonStr(s), end) = value_at::<JsonStr>(text, p).map_err(|e| match e {
                        ValueError::Type(_) => format!("field `{field}` is not a string"),
                        ValueError::Syntax(s) => s,
                    })?;
                    (s, end, None)
                };
                found = Some((p..end, s, marks));
                end
            } else {
                let (IgnoredAny, end) = value_at::<IgnoredAny>(text, p).map_err(ValueError::into_reason)?;
                if key == "id" {
                    id = Some(p..end);
                } else if key == EDITS_KEY {
                    edits_value = Some(p..end);
                }
                end
            };
            p = skip_ws(raw, end);
            match raw.get(p) {
                Some(b',') => p = skip_ws(raw, p + 1),
                Some(b'}') => {
                    close = p;
                    break;
                }
                _ => return Err(format!("invalid JSON at byte {}: expected `,` or `}}`", p + 1)),
            }
        }
    }
    if skip_ws(raw, close + 1) != raw.len() {
        return Err(format!("invalid JSON at byte {}: trailing characters after the object", close + 2));
    }
    let Some((span, text, marks)) = found else { return Err(format!("no field `{field}`")) };
    Ok(Record { raw, span, text, id, edits_value, close, marks })
}

/// One edit as `--with-edits` writes it: the fields of `--report`'s edit records, with line and
/// column counted the same way (lines end after `\n`).
pub use crate::report::jsonl::EditRecord;

/// The edits of `text` with their line and column.
pub fn edit_records<'a>(text: &str, edits: &'a [Edit]) -> Vec<EditRecord<'a>> {
    let li = crate::report::LineIndex::new(text);
    edits.iter().map(|e| EditRecord::new(e, li.line_col(text, e.start))).collect()
}

/// What [`write_spliced`] writes in the place of the field's literal.
enum Value<'e> {
    /// The literal as it came.
    Same,
    /// This text, escaped.
    Text(&'e str),
    /// The literal with these edits of its value cut out; only for a record with
    /// [`Record::marks`]. The same bytes as `Text(&apply(text, edits))`, without building the
    /// text or escaping it again.
    Cut(&'e [Edit]),
}

/// Writes `rec`'s line with `value` for the field's literal (and, with `edits_json`, the edits
/// member) to `out`, followed by `\n`.
fn write_spliced(out: &mut Vec<u8>, rec: &Record, value: Value, edits_json: Option<&[u8]>) {
    let raw = rec.raw;
    let (s, e) = (rec.span.start, rec.span.end);
    let field = |out: &mut Vec<u8>| match value {
        Value::Same => out.extend_from_slice(&raw[s..e]),
        Value::Text(t) => write_json_str(out, t),
        Value::Cut(edits) => write_cut(out, rec, edits),
    };
    let Some(json) = edits_json else {
        out.extend_from_slice(&raw[..s]);
        field(out);
        out.extend_from_slice(&raw[e..]);
        out.push(b'\n');
        return;
    };
    // The edits replace the value of an existing member, or go in as a new last member.
    let (a, b) = rec.edits_value.as_ref().map_or((rec.close, rec.close), |v| (v.start, v.end));
    let edits = |out: &mut Vec<u8>| {
        if rec.edits_value.is_none() {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(EDITS_KEY.as_bytes());
            out.extend_from_slice(b"\":");
        }
        out.extend_from_slice(json);
    };
    if a < s {
        out.extend_from_slice(&raw[..a]);
        edits(out);
        out.extend_from_slice(&raw[b..s]);
        field(out);
        out.extend_from_slice(&raw[e..]);
    } else {
        out.extend_from_slice(&raw[..s]);
        field(out);
        out.extend_from_slice(&raw[e..a]);
        edits(out);
        out.extend_from_slice(&raw[b..]);
    }
    out.push(b'\n');
}

/// Appends the field's literal with `edits` (sorted, non-overlapping, on character boundaries of
/// the value) cut out. The literal is `write_json_str(text)`, and that escapes character by
/// character, so the pieces of the literal between the edits are the escaped pieces of the text.
///
/// # Panics
/// If the record has no [`Record::marks`], or an edit is not on character boundaries (as
/// [`crate::apply`]).
fn write_cut(out: &mut Vec<u8>, rec: &Record, edits: &[Edit]) {
    let marks = rec.marks.as_deref().expect("a canonical literal");
    let text = &rec.text;
    assert!(edits.iter().all(|e| text.is_char_boundary(e.start) && text.is_char_boundary(e.end)), "edits must lie on character boundaries");
    // The line offset of value offset `u`: past the last escape ending at or before `u`, the
    // literal runs byte for byte with the value (an escape's value is one character, so a
    // character boundary is never inside one).
    let first = rec.span.start + 1;
    let at = |u: usize| match marks.partition_point(|&(d, _)| d <= u) {
        0 => first + u,
        k => marks[k - 1].1 + (u - marks[k - 1].0),
    };
    out.push(b'"');
    let mut from = 0;
    for e in edits {
        out.extend_from_slice(&rec.raw[at(from)..at(e.start)]);
        from = e.end;
    }
    out.extend_from_slice(&rec.raw[at(from)..rec.span.end - 1]);
    out.push(b'"');
}

/// Appends `s` as a JSON string, the same bytes as `serde_json::to_writer(out, s)`: `"`, `\` and
/// the control bytes escaped (`\b \t \n \f \r`, the others `\u00xx` in lower-case hex), every
/// other byte (DEL and all of UTF-8 beyond ASCII included) as it is. Runs of plain bytes are
/// found eight bytes at a time and copied whole (serde_json looks bytes up one by one).
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    let mut i = next_to_escape(bytes, 0);
    while let Some(&c) = bytes.get(i) {
        out.extend_from_slice(&bytes[run..i]);
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xf)]]);
            }
        }
        run = i + 1;
        i = next_to_escape(bytes, run);
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// The index of the first byte at or after `from` that a JSON string escapes (a control byte,
/// `"` or `\`), or `bytes.len()`.
#[inline]
fn next_to_escape(bytes: &[u8], mut from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(from..from + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // A byte's high bit in `flags` is set where the byte is under 0x20, `"` or `\` (bytes
        // from 0x80 up are masked out); a subtraction borrows only out of such a byte, so the
        // lowest flag is exact: the first byte to escape.
        let q = x ^ (ONES * u64::from(b'"'));
        let b = x ^ (ONES * u64::from(b'\\'));
        let flags = (x.wrapping_sub(ONES * 0x20) | q.wrapping_sub(ONES) | b.wrapping_sub(ONES)) & !x & HIGH;
        if flags != 0 {
            return from + (flags.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    bytes[from.min(bytes.len())..].iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\').map_or(bytes.len(), |k| from + k)
}

// ------------------------------------------------------------------------------------------------
// Chunks

/// Whole lines of one input.
struct Chunk {
    seq: u64,
    input: Arc<str>,
    /// Line number of the first line (1-based); 0 when the reader did not count the lines
    /// before it (see [`Chunks`]).
    first_line: u64,
    /// The first chunk of its input.
    starts_input: bool,
    data: Vec<u8>,
}

enum Item {
    Lines(Chunk),
    /// An input failed to open or read; everything before it is complete.
    Failed { seq: u64, file: String, error: io::Error },
}

/// A chunk, cleaned.
struct Done {
    seq: u64,
    out: Vec<u8>,
    docs: Vec<Doc>,
    bad: Vec<BadLine>,
    summary: Summary,
    /// The run stops after this chunk's output.
    fatal: Option<BatchError>,
    /// The line number after the chunk's last line (when it had no fatal error).
    next_line: u64,
}

/// The inputs, read in order as chunks of whole lines, one chunk per [`Chunks::next`]. With
/// `count_lines`, each chunk knows the number of its first line; without, only the first chunk
/// of each input does (1), and the caller, which cleans the chunks in order, numbers each other
/// chunk from the line after the last one it cleaned: one pass less over every byte of the input.
///
/// Reads go straight into the chunk, in blocks; the bytes after the chunk's last line end are
/// carried over to the next chunk. A line longer than `chunk_bytes` makes a bigger chunk. An
/// input that fails to open or read ends the stream: the chunks before it, then one
/// [`Item::Failed`], then nothing.
///
/// Pulled, not pushed: with several threads, each worker reads the next chunk itself (under a
/// lock) and cleans it, so the chunk is written and read on one core. A reader thread of its own
/// wrote every byte on one core for a worker on the other to read, through the shared cache, and
/// its copies went to buffers that had gone cold cycling through the window.
struct Chunks {
    inputs: std::vec::IntoIter<Input>,
    open: Option<OpenInput>,
    chunk_bytes: usize,
    /// Least bytes asked of the input per read ([`Options::read_bytes`], at least 1).
    read_bytes: usize,
    count_lines: bool,
    seq: u64,
    /// An input failed: the item to give after the chunk read before it.
    failure: Option<(String, io::Error)>,
    ended: bool,
}

/// The input being read (see [`Chunks`]).
struct OpenInput {
    name: Arc<str>,
    reader: Box<dyn Read + Send>,
    line_no: u64,
    starts_input: bool,
    carry: Vec<u8>,
}

impl Chunks {
    fn new(inputs: Vec<Input>, chunk_bytes: usize, read_bytes: usize, count_lines: bool) -> Chunks {
        Chunks { inputs: inputs.into_iter(), open: None, chunk_bytes, read_bytes: read_bytes.max(1), count_lines, seq: 0, failure: None, ended: false }
    }

    /// The next chunk of lines, or the failure that ends the stream; `None` at its end.
    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some((file, error)) = self.failure.take() {
                self.ended = true;
                self.open = None;
                return Some(Item::Failed { seq: self.seq, file, error });
            }
            if self.ended {
                return None;
            }
            let open = match &mut self.open {
                Some(open) => open,
                None => {
                    let Some(input) = self.inputs.next() else {
                        self.ended = true;
                        return None;
                    };
                    let name: Arc<str> = input.name.as_str().into();
                    match input.open() {
                        Ok(reader) => self.open.insert(OpenInput { name, reader, line_no: 1, starts_input: true, carry: Vec::new() }),
                        Err(error) => {
                            self.failure = Some((name.to_string(), error));
                            continue;
                        }
                    }
                }
            };
            let chunk_bytes = self.chunk_bytes;
            let mut data = Vec::with_capacity(chunk_bytes + (chunk_bytes >> 3));
            data.append(&mut open.carry);
            let mut eof = false;
            // Whether `data` holds a `\n`, and how much of it was searched for one: each byte is
            // searched once, so a record of any length is read in time linear in its length (a
            // search of the whole buffer after every read of 64 KB made a 100 MB record take 5.6 s).
            let (mut newline, mut searched) = (false, 0);
            loop {
                if !newline {
                    newline = memchr::memchr(b'\n', &data[searched..]).is_some();
                    searched = data.len();
                }
                if eof || (data.len() >= chunk_bytes && newline) {
                    break;
                }
                let want = chunk_bytes.saturating_sub(data.len()).max(self.read_bytes) as u64;
                match open.reader.by_ref().take(want).read_to_end(&mut data) {
                    Ok(n) => eof = (n as u64) < want,
                    Err(e) => {
                        self.failure = Some((open.name.to_string(), e));
                        break;
                    }
                }
            }
            // At the end of the input the last line may lack its `\n`; otherwise (and after a
            // read error) only complete lines go.
            let cut = if eof { data.len() } else { memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1) };
            open.carry = data.split_off(cut);
            let mut item = None;
            if !data.is_empty() {
                let first_line = if self.count_lines || open.starts_input { open.line_no } else { 0 };
                if self.count_lines {
                    open.line_no += memchr::memchr_iter(b'\n', &data).count() as u64;
                }
                item = Some(Item::Lines(Chunk { seq: self.seq, input: open.name.clone(), first_line, starts_input: open.starts_input, data }));
                self.seq += 1;
                open.starts_input = false;
            }
            if eof {
                self.open = None;
            }
            if item.is_some() {
                return item;
            }
        }
    }
}

/// The buffers [`process`] reuses from record to record, kept by its thread from chunk to chunk:
/// made anew for each chunk, the field's buffer grew again to the longest value of every chunk,
/// and each growth copied what it had.
#[derive(Default)]
struct Buffers {
    spare: Unescaped,
    breaks: Vec<usize>,
    edits_json: Vec<u8>,
}

impl Buffers {
    /// Bytes of room a kept buffer may hold: one that grew past this for a long record is freed.
    const KEEP_BYTES: usize = 1 << 20;

    /// Frees the buffers that a long record made big.
    fn keep(&mut self) {
        let big = |bytes: usize| bytes > Self::KEEP_BYTES;
        if big(self.spare.text.capacity()) || big(self.spare.marks.capacity() * std::mem::size_of::<(usize, usize)>()) {
            self.spare = Unescaped::default();
        }
        if big(self.breaks.capacity() * std::mem::size_of::<usize>()) {
            self.breaks = Vec::new();
        }
        if big(self.edits_json.capacity()) {
            self.edits_json = Vec::new();
        }
    }
}

/// Cleans the records of one chunk, in the thread's buffers `bufs`.
fn process(cleaner: &Cleaner, opts: &Options, chunk: Chunk, bufs: &mut Buffers) -> Done {
    let data = &chunk.data;
    let mut done = Done {
        seq: chunk.seq,
        out: Vec::with_capacity(data.len() + data.len() / 8 + 64),
        docs: Vec::new(),
        bad: Vec::new(),
        summary: Summary::default(),
        fatal: None,
        next_line: 0,
    };
    let Buffers { spare, breaks: break_buf, edits_json } = bufs;
    let mut line_no = chunk.first_line;
    let mut rest = &data[..];
    while !rest.is_empty() {
        let len = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(len);
        rest = after;
        let raw = line.strip_suffix(b"\n").unwrap_or(line);
        let this_line = line_no;
        line_no += 1;
        if skip_ws(raw, 0) == raw.len() {
            done.summary.blank_lines += 1;
            done.summary.bytes_in += line.len() as u64;
            done.out.extend_from_slice(raw);
            done.out.push(b'\n');
            continue;
        }
        let rec = match parse_record_with(raw, &opts.field, spare) {
            Ok(r) => r,
            Err(reason) => {
                let bad = BadLine { file: chunk.input.to_string(), line: this_line, reason };
                if !opts.skip_bad {
                    done.fatal = Some(BatchError::Bad(bad));
                    return done;
                }
                done.summary.bad_lines += 1;
                done.summary.bytes_in += line.len() as u64;
                done.bad.push(bad);
                done.out.extend_from_slice(raw);
                done.out.push(b'\n');
                continue;
            }
        };
        done.summary.bytes_in += line.len() as u64;
        let text: &str = &rec.text;
        // A `\n` or `\r` in the value was an escape, which the reader marked: the lines are cut
        // at those marks (a value without marks, not canonical, is searched).
        let breaks = rec.marks.as_ref().map(|marks| {
            break_buf.clear();
            break_buf.extend(marks.iter().map(|&(end, _)| end - 1).filter(|&p| matches!(text.as_bytes()[p], b'\n' | b'\r')));
            &break_buf[..]
        });
        let (edits, held) = cleaner.judge_with(text, breaks);
        let s = &mut done.summary;
        s.records += 1;
        s.held += u64::from(held.is_some());
        s.text_bytes_in += text.len() as u64;
        let removed: usize = edits.iter().map(|e| e.end - e.start).sum();
        s.text_bytes_out += (text.len() - removed) as u64;
        if !edits.is_empty() {
            s.changed += 1;
            s.edits += edits.len() as u64;
        }
        if opts.with_edits {
            edits_json.clear();
            serde_json::to_writer(&mut *edits_json, &edit_records(text, &edits)).expect("writing to a Vec");
        }
        let ej = opts.with_edits.then_some(&edits_json[..]);
        if edits.is_empty() {
            if ej.is_none() {
                done.out.extend_from_slice(raw);
                done.out.push(b'\n');
            } else {
                write_spliced(&mut done.out, &rec, Value::Same, ej);
            }
        } else if rec.marks.is_some() {
            write_spliced(&mut done.out, &rec, Value::Cut(&edits), ej);
        } else {
            write_spliced(&mut done.out, &rec, Value::Text(&crate::apply(text, &edits)), ej);
        }
        if opts.keep_docs {
            let name = match &rec.id {
                Some(r) => match std::str::from_utf8(raw).map_err(|_| ()).and_then(|t| if raw[r.start] == b'"' { str_at(t, r.start).map_err(|_| ()) } else { Err(()) }) {
                    Ok((s, _)) => s.into_owned(),
                    Err(_) => String::from_utf8_lossy(&raw[r.clone()]).into_owned(),
                },
                None => format!("{}:{}", chunk.input, this_line),
            };
            // An unescaped field was given room for the rest of its line: give back the surplus.
            let mut text = rec.text.into_owned();
            text.shrink_to_fit();
            done.docs.push(Doc { name, text, edits, held });
        } else if let Cow::Owned(text) = rec.text {
            spare.text = text;
        }
        // The field's buffers serve the next record.
        if let Some(marks) = rec.marks {
            spare.marks = marks;
        }
    }
    done.next_line = line_no;
    bufs.keep();
    done
}

/// Writes a cleaned chunk and tells the observer; `Err` ends the run.
fn emit(done: Done, out: &mut dyn Write, observer: &mut dyn Observer, summary: &mut Summary) -> Result<(), BatchError> {
    out.write_all(&done.out).map_err(BatchError::Output)?;
    for b in &done.bad {
        observer.bad_line(b);
    }
    for d in &done.docs {
        observer.record(d);
    }
    summary.add(&done.summary);
    observer.progress(summary.bytes_in);
    match done.fatal {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn failed_done(seq: u64, file: String, error: io::Error) -> Done {
    Done {
        seq,
        out: Vec::new(),
        docs: Vec::new(),
        bad: Vec::new(),
        summary: Summary::default(),
        fatal: Some(BatchError::Input { file, error }),
        next_line: 0,
    }
}

/// Cleans the field of every record of `inputs`, in order, into `out`.
///
/// On `Err`, everything before the failing line or input has been written (and flushed).
pub fn run(
    cleaner: &Cleaner,
    opts: &Options,
    inputs: Vec<Input>,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
) -> Result<Summary, BatchError> {
    let mut summary = Summary::default();
    let chunk_bytes = opts.chunk_bytes.max(1);
    let result = if opts.threads <= 1 {
        let mut result = Ok(());
        let mut next_line = 1;
        let mut bufs = Buffers::default();
        let mut chunks = Chunks::new(inputs, chunk_bytes, opts.read_bytes, false);
        while let Some(item) = chunks.next() {
            let done = match item {
                Item::Lines(mut c) => {
                    if !c.starts_input {
                        c.first_line = next_line;
                    }
                    let done = process(cleaner, opts, c, &mut bufs);
                    next_line = done.next_line;
                    done
                }
                Item::Failed { seq, file, error } => failed_done(seq, file, error),
            };
            result = emit(done, out, observer, &mut summary);
            if result.is_err() {
                break;
            }
        }
        result
    } else {
        run_parallel(cleaner, opts, inputs, chunk_bytes, out, observer, &mut summary)
    };
    let flushed = out.flush().map_err(BatchError::Output);
    result.and(flushed).map(|()| summary)
}

fn run_parallel(
    cleaner: &Cleaner,
    opts: &Options,
    inputs: Vec<Input>,
    chunk_bytes: usize,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
    summary: &mut Summary,
) -> Result<(), BatchError> {
    let threads = opts.threads;
    let window = if opts.window == 0 { threads + 1 } else { opts.window.max(1) };
    // A chunk is read only with a token; a token comes back once its chunk is written.
    let tokens = Tokens { free: Mutex::new(window), returned: Condvar::new() };
    let chunks = Mutex::new(Chunks::new(inputs, chunk_bytes, opts.read_bytes, true));
    let (done_tx, done_rx) = channel::<Done>();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let (stop, tokens, chunks) = (&stop, &tokens, &chunks);
        // This thread cleans chunks too, between writes: `threads - 1` more clean beside it.
        for _ in 1..threads {
            let done_tx = done_tx.clone();
            s.spawn(move || worker(cleaner, opts, tokens, chunks, &done_tx, stop));
        }
        drop(done_tx);
        // However this thread leaves (its result, or a panic in an observer or a reader), the
        // workers stop: no more results wanted, and none waits for a token.
        let _stop = StopOnDrop { tokens, stop, always: true };
        let result = clean_and_write(cleaner, opts, tokens, chunks, &done_rx, out, observer, summary);
        drop(done_rx);
        result
    })
}

/// Stops the run when dropped: `always`, or only while its thread panics (a worker's: the
/// others then end, the calling thread's wait for results with them, and the scope passes the
/// panic on).
struct StopOnDrop<'a> {
    tokens: &'a Tokens,
    stop: &'a AtomicBool,
    always: bool,
}

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        if self.always || std::thread::panicking() {
            self.tokens.stop(self.stop);
        }
    }
}

/// The chunks that may be read: the window's tokens not taken.
struct Tokens {
    free: Mutex<usize>,
    returned: Condvar,
}

impl Tokens {
    /// Takes a token, waiting for one; `None` when the run stops.
    fn take(&self, stop: &AtomicBool) -> Option<()> {
        let mut free = self.free.lock().ok()?;
        while *free == 0 && !stop.load(Ordering::Relaxed) {
            free = self.returned.wait(free).ok()?;
        }
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        *free -= 1;
        Some(())
    }

    /// Takes a token if one is free, without waiting.
    fn try_take(&self) -> bool {
        match self.free.lock() {
            Ok(mut free) if *free > 0 => {
                *free -= 1;
                true
            }
            _ => false,
        }
    }

    fn give_back(&self, n: usize) {
        if let Ok(mut free) = self.free.lock() {
            *free += n;
            self.returned.notify_one();
        }
    }

    /// Sets `stop` and wakes every thread that waits for a token (under the lock, so that none
    /// goes to wait after looking at `stop` and before this wakes it).
    fn stop(&self, stop: &AtomicBool) {
        let free = self.free.lock();
        stop.store(true, Ordering::Relaxed);
        self.returned.notify_all();
        drop(free);
    }
}

/// The next chunk, read under the lock, cleaned (or the failure that ends the stream); `None`
/// when the chunks have run out.
fn next_done(cleaner: &Cleaner, opts: &Options, chunks: &Mutex<Chunks>, bufs: &mut Buffers) -> Option<Done> {
    let item = chunks.lock().ok()?.next()?;
    Some(match item {
        Item::Lines(c) => process(cleaner, opts, c, bufs),
        Item::Failed { seq, file, error } => failed_done(seq, file, error),
    })
}

/// Takes a token, reads the next chunk and cleans it, until the chunks run out or the run stops.
fn worker(cleaner: &Cleaner, opts: &Options, tokens: &Tokens, chunks: &Mutex<Chunks>, done: &Sender<Done>, stop: &AtomicBool) {
    let _stop_on_panic = StopOnDrop { tokens, stop, always: false };
    let mut bufs = Buffers::default();
    while tokens.take(stop).is_some() {
        let Some(d) = next_done(cleaner, opts, chunks, &mut bufs) else {
            // The chunks have run out: the token goes back, for the calling thread to find so.
            tokens.give_back(1);
            return;
        };
        if done.send(d).is_err() {
            return;
        }
    }
}

/// The calling thread's part: writes the cleaned chunks in input order as they come, and while
/// a token is free and the chunks last, cleans one itself; it waits for the workers only when
/// it can do neither. (A thread of its own that only wrote was woken for every chunk, and with
/// two workers on two cores those wake-ups were 3.8 % of the run.)
#[allow(clippy::too_many_arguments)]
fn clean_and_write(
    cleaner: &Cleaner,
    opts: &Options,
    tokens: &Tokens,
    chunks: &Mutex<Chunks>,
    done_rx: &Receiver<Done>,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
    summary: &mut Summary,
) -> Result<(), BatchError> {
    let mut bufs = Buffers::default();
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0;
    let mut chunks_left = true;
    // The workers have all ended: they end only when the chunks have run out.
    let mut workers_ended = false;
    loop {
        while let Ok(d) = done_rx.try_recv() {
            pending.insert(d.seq, d);
        }
        while let Some(d) = pending.remove(&next) {
            next += 1;
            emit(d, out, observer, summary)?;
            tokens.give_back(1);
        }
        if chunks_left && tokens.try_take() {
            match next_done(cleaner, opts, chunks, &mut bufs) {
                Some(d) => {
                    pending.insert(d.seq, d);
                }
                None => {
                    chunks_left = false;
                    tokens.give_back(1);
                }
            }
            continue;
        }
        if workers_ended {
            // The workers end when the chunks run out, or when the run stops because one
            // panicked (the scope passes the panic on when it ends): then a chunk is missing,
            // and nothing after it is written.
            if !pending.is_empty() || !chunks_left {
                return Ok(());
            }
            match next_done(cleaner, opts, chunks, &mut bufs) {
                Some(d) => {
                    pending.insert(d.seq, d);
                }
                None => return Ok(()),
            }
            continue;
        }
        // Nothing to write and nothing to clean here: wait for a worker's chunk.
        match done_rx.recv() {
            Ok(d) => {
                pending.insert(d.seq, d);
            }
            Err(_) => workers_ended = true,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The JSON string writer gives serde_json's bytes: every ASCII byte alone and at every
    /// offset of an eight-byte word, runs of them, and text beyond ASCII.
    #[test]
    fn json_strings_are_written_as_serde_json_writes_them() {
        let check = |s: &str| {
            let mut got = Vec::new();
            super::write_json_str(&mut got, s);
            assert_eq!(String::from_utf8(got).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        };
        let ascii: String = (0u8..0x80).map(char::from).collect();
        check("");
        check(&ascii);
        check(&ascii.chars().rev().collect::<String>());
        for c in ascii.chars().chain("é€😀\u{a0}\u{2028}\u{ff}".chars()) {
            for pad in 0..17 {
                let plain = "x".repeat(pad);
                check(&format!("{plain}{c}"));
                check(&format!("{c}{plain}"));
                check(&format!("{plain}{c}{plain}{c}{c}é{plain}"));
            }
        }
        // Every pair, at offsets where it sits inside a word and across two.
        for a in ascii.chars() {
            for b in ascii.chars() {
                for pad in ["", "xyz", "1234567"] {
                    check(&format!("{pad}{a}{b}é"));
                }
            }
        }
        check("Café — “quoted” text\nsecond line\t\u{1}\u{1f}\u{7f}\\\"\r\n日本語のテキスト 🎉");
        let mut long = String::new();
        for k in 0..3000u32 {
            long.push(char::from_u32(k % 0x90 + if k % 7 == 0 { 0x400 } else { 0 }).unwrap_or('?'));
        }
        check(&long);
    }

    use super::*;

    /// A thread's buffers serve chunk after chunk, holding the room its longest value took, and
    /// are freed after a chunk with a value past [`Buffers::KEEP_BYTES`]; the output is each
    /// chunk's cleaning alone either way.
    #[test]
    fn buffers_are_kept_between_chunks_unless_a_record_made_them_big() {
        let cleaner = Cleaner::new().unwrap();
        let opts = Options { with_edits: true, ..Options::default() };
        let chunk = |seq: u64, text: &str| Chunk { seq, input: Arc::from("t.jsonl"), first_line: 1, starts_input: seq == 0, data: format!("{}\n", serde_json::json!({ "id": 1, "text": text })).into_bytes() };
        let small = "Line one of the story.\nShare this article\nLine two of the story.";
        let big = format!("{}\n{small}", "A sentence of the article that goes on. ".repeat(40_000));
        let mut bufs = Buffers::default();
        let mut outs = Vec::new();
        for (seq, text) in [small, &big, small].into_iter().enumerate() {
            let done = process(&cleaner, &opts, chunk(seq as u64, text), &mut bufs);
            let alone = process(&cleaner, &opts, chunk(seq as u64, text), &mut Buffers::default());
            assert_eq!(done.out, alone.out, "chunk {seq}");
            outs.push(done.out);
            let room = bufs.spare.text.capacity();
            if text.len() > Buffers::KEEP_BYTES {
                assert_eq!(room, 0, "a value of {} bytes left {room} bytes of room", text.len());
            } else {
                assert!(room >= text.len(), "the value's room ({room} bytes) is kept for the next chunk");
            }
        }
        assert_eq!(outs[0], outs[2]);
    }

    fn rec(line: &str) -> Result<Record<'_>, String> {
        parse_record(line.as_bytes(), "text")
    }

    #[test]
    fn finds_the_field_and_its_span() {
        let line = r#"{"id": 7, "text": "a\nb", "x": [1, {"text": 2}]}"#;
        let r = rec(line).unwrap();
        assert_eq!(r.text, "a\nb");
        assert_eq!(&line[r.span.clone()], r#""a\nb""#);
        assert_eq!(&line[r.id.clone().unwrap()], "7");
        assert_eq!(r.close, line.len() - 1);
    }

    #[test]
    fn borrows_a_field_without_escapes() {
        let r = rec(r#"{"text":"plain"}"#).unwrap();
        assert!(matches!(r.text, Cow::Borrowed("plain")));
    }

    #[test]
    fn rejects_what_is_not_a_record() {
        for (line, why) in [
            (r#"[1]"#, "not a JSON object"),
            ("\u{FEFF}{\"text\": \"a\"}", "a byte-order mark (U+FEFF) before the JSON object (JSON Lines has none)"),
            (r#"{"id": 1}"#, "no field `text`"),
            (r#"{"text": 5}"#, "not a string"),
            (r#"{"text": null}"#, "not a string"),
            (r#"{"text": "a", "text": "b"}"#, "twice"),
            (r#"{"text": "a""#, "invalid JSON"),
            (r#"{"text": "a"} x"#, "trailing"),
            (r#"{"text": "a" "b": 1}"#, "expected `,`"),
            (r#"{"text": "a\q"}"#, "invalid JSON"),
            (r#"{"a": tru, "text": "x"}"#, "invalid JSON"),
        ] {
            let e = rec(line).unwrap_err();
            assert!(e.contains(why), "{line}: {e}");
        }
    }

    /// The string reader against serde_json on the same line: the same value, borrowed in the
    /// same cases, the same end, or the same error message at the same byte. Every escape, every
    /// `\uXXXX`, every surrogate case, every byte after a `\`, plain runs short and long with
    /// text beyond ASCII next to the escapes, every truncation of the line, and random mixes.
    #[test]
    fn string_reader_agrees_with_serde_json() {
        type Got = Result<(bool, String, usize), String>;
        fn ours(t: &str, q: usize) -> Got {
            str_at(t, q).map(|(s, e)| (matches!(s, Cow::Borrowed(_)), s.into_owned(), e))
        }
        fn theirs(t: &str, q: usize) -> Got {
            value_at::<JsonStr>(t, q).map(|(JsonStr(s), e)| (matches!(s, Cow::Borrowed(_)), s.into_owned(), e)).map_err(ValueError::into_reason)
        }
        let (mut oks, mut errs) = (0, std::collections::BTreeMap::<String, usize>::new());
        let mut check = |line: &str, q: usize| {
            let want = theirs(line, q);
            assert_eq!(ours(line, q), want, "{line:?} at {q}");
            match want {
                Ok(_) => oks += 1,
                Err(e) => *errs.entry(e.split(": ").nth(1).unwrap().to_string()).or_default() += 1,
            }
        };
        let prefixes = ["", "{\"k\": ", "{\"é€😀\":1,\"text\":"];
        let tails = ["\"", "\"}", "", "\\", "\", \"a\": \"\\u0041\"}", "\"\\n"];
        let line = |body: &str, truncate: bool, check: &mut dyn FnMut(&str, usize)| {
            for pre in prefixes {
                for tail in tails {
                    let l = format!("{pre}\"{body}{tail}");
                    check(&l, pre.len());
                    if truncate && pre.is_empty() && tail == "\"" {
                        for k in (1..l.len()).filter(|&k| l.is_char_boundary(k)) {
                            check(&l[..k], 0);
                        }
                    }
                }
            }
        };
        let long = "x".repeat(300);
        let mut pieces: Vec<String> = ["", "a", "é", "€", "😀", " — “q” ", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &long, "日本語"].map(String::from).to_vec();
        for e in [r#"\""#, r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t"] {
            pieces.push(e.into());
        }
        for u in ["0000", "001f", "0041", "007F", "0080", "00e9", "07FF", "0800", "20AC", "D7FF", "E000", "FFFE", "ffff", "fEfF"] {
            pieces.push(format!("\\u{u}"));
        }
        for pair in ["D83D\\uDE00", "d83d\\ude00", "D800\\uDC00", "DBFF\\uDFFF", "dbff\\udfff"] {
            pieces.push(format!("\\u{pair}"));
        }
        // Lone and unpaired surrogates, bad and cut escapes.
        for bad in [
            r"\uD83D", r"\uDE00", r"\uDFFF", r"\uDC00", r"\uD83D\u0041", r"\uD83D\uD83D", r"\uD83D\uD83D\uDE00", r"\uD83Dx", r"\uD83D\n", r"\uD83D\\",
            r"\uD83D\uZZZZ", r"\uD83D\u", r"\uD83D\uDE", r"\uD83D\", r"\uDE00\uD83D", r"\q", r"\x", r"\U0041", r"\u12G4", r"\u 123", r"\ué", r"\é", r"\'",
            r"\0", r"\u", r"\u1", r"\u12", r"\u123", r"\", r#"\u12""#, r"\uD83D\uDE0",
        ] {
            pieces.push(bad.into());
        }
        for a in &pieces {
            line(a, true, &mut check);
            for b in &pieces {
                line(&format!("{a}{b}"), a.len() + b.len() < 40, &mut check);
            }
        }
        // Every byte after a `\` (the control bytes too: `control_in_string` lets the byte after
        // a backslash pass; not `\n`, which ends a line before it gets here, and from which
        // serde_json would count its columns anew) and every `\uXXXX`, alone and as the second
        // half of a pair.
        for c in (0u8..0x80).filter(|&c| c != b'\n').map(char::from).chain("é€😀".chars()) {
            line(&format!("a\\{c}b"), true, &mut check);
        }
        for n in 0..=0xFFFFu32 {
            check(&format!("\"\\u{n:04x}\""), 0);
            check(&format!("{{\"k\":\"é\\u{n:04X}é\"}}"), 5);
            for hi in ["D800", "d83d", "DBFF"] {
                check(&format!("\"\\u{hi}\\u{n:04x}z\""), 0);
            }
        }
        // Random mixes, long ones included.
        let mut next = crate::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let n = (next() % 12) as usize;
            let body: String = (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize].as_str()).collect();
            line(&body, false, &mut check);
        }
        assert!(oks > 100_000, "{oks}");
        for what in ["EOF while parsing a string", "invalid escape", "lone leading surrogate in hex escape", "unexpected end of hex escape"] {
            assert!(errs.get(what).copied().unwrap_or(0) > 100, "{what}: {errs:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_reported_where_it_starts() {
        // A lone continuation byte, a truncated sequence, an overlong form, a surrogate; past
        // the first 64 bytes too, where the SIMD check works on whole blocks.
        for bad in [&b"\x80"[..], b"\xE2\x82", b"\xC0\xAF", b"\xED\xA0\x80"] {
            for pad in [0, 3, 70, 200] {
                let mut line = b"{\"id\": 1, \"text\": \"caf\xC3\xA9 ".to_vec();
                line.extend(std::iter::repeat_n(b'x', pad));
                line.extend_from_slice(bad);
                line.extend_from_slice(br#" tail"}"#);
                let at = std::str::from_utf8(&line).unwrap_err().valid_up_to() + 1;
                assert_eq!(parse_record(&line, "text").unwrap_err(), format!("invalid UTF-8 at byte {at}"), "{bad:?} after {pad}");
            }
        }
    }

    #[test]
    fn splices_the_cleaned_text_and_the_edits() {
        let line = r#"{"text": "old", "k": "v"}"#;
        let r = rec(line).unwrap();
        let mut out = Vec::new();
        write_spliced(&mut out, &r, Value::Text("n\"w"), None);
        assert_eq!(String::from_utf8(out).unwrap(), "{\"text\": \"n\\\"w\", \"k\": \"v\"}\n");
        let mut out = Vec::new();
        write_spliced(&mut out, &r, Value::Same, Some(b"[]"));
        assert_eq!(String::from_utf8(out).unwrap(), "{\"text\": \"old\", \"k\": \"v\",\"textsweep\":[]}\n");
        let line = r#"{"textsweep": [1], "text": "old"}"#;
        let r = rec(line).unwrap();
        let mut out = Vec::new();
        write_spliced(&mut out, &r, Value::Text("new"), Some(b"[]"));
        assert_eq!(String::from_utf8(out).unwrap(), "{\"textsweep\": [], \"text\": \"new\"}\n");
    }

    /// A canonical literal is cut (`Value::Cut`), every other one escaped anew, and the two agree:
    /// literals with every kind of escape, canonical or not, next to text beyond ASCII, with
    /// edits of every size at every character boundary.
    #[test]
    fn cutting_a_canonical_literal_writes_what_escaping_the_cleaned_text_writes() {
        let pieces = [
            "a", "é", "€", "😀", "plain text ", "x".repeat(40).leak(), r#"\""#, r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t", r"\u0001", r"\u001f",
            r"\u001F", r"\u0008", r"\u000a", r"\u0041", r"\u00e9", r"\u20ac", r"\ud83d\ude00", r"\u007f", "\u{7f}",
        ];
        let mut rng = crate::xorshift(0x2545_F491_4F6C_DD1D);
        let mut next = move |n: usize| (rng() % n as u64) as usize;
        let (mut cut, mut escaped) = (0, 0);
        for round in 0..3000 {
            let body: String = (0..next(14)).map(|_| pieces[next(pieces.len())]).collect();
            let line = format!("{{\"id\": {round}, \"text\": \"{body}\", \"z\": \"\\n\"}}");
            let r = rec(&line).unwrap();
            let literal = &line[r.span.clone()];
            assert_eq!(r.marks.is_some(), serde_json::to_string(&*r.text).unwrap() == literal, "{literal}");
            let bounds: Vec<usize> = (0..=r.text.len()).filter(|&k| r.text.is_char_boundary(k)).collect();
            for _ in 0..8 {
                let mut cuts: Vec<usize> = (0..2 * next(4)).map(|_| bounds[next(bounds.len())]).collect();
                cuts.sort_unstable();
                let edits: Vec<Edit> = cuts
                    .chunks(2)
                    .map(|c| Edit { rule: "r".into(), category: crate::Category::ALL[0], start: c[0], end: c[1], text: r.text[c[0]..c[1]].into(), reason: String::new() })
                    .collect();
                let mut want = Vec::new();
                write_spliced(&mut want, &r, Value::Text(&crate::apply(&r.text, &edits)), None);
                if r.marks.is_some() {
                    let mut got = Vec::new();
                    write_spliced(&mut got, &r, Value::Cut(&edits), None);
                    assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap(), "{literal} {cuts:?}");
                    cut += 1;
                } else {
                    escaped += 1;
                }
            }
        }
        assert!(cut > 2000 && escaped > 2000, "{cut} {escaped}");
    }

    #[test]
    fn edit_positions_count_lines_and_chars() {
        let cleaner = Cleaner::new().unwrap();
        let text = "Ünïcode first line, long enough to be prose for sure.\r\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n\nMore prose after the form, which stays.\n";
        let edits = cleaner.edits(text);
        assert!(!edits.is_empty());
        let recs = edit_records(text, &edits);
        for (r, e) in recs.iter().zip(&edits) {
            let before = &text[..e.start];
            let line = 1 + before.matches('\n').count();
            let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!((r.line, r.column), (line, col));
        }
    }
}
