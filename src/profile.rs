//! The language profile of a document, computed only when a rule asks for it and only on a
//! bounded sample, so that its cost does not grow with the document. The context rule first asks
//! its own function words (`Context::confident_language`) and this detector only when they name
//! no language.

use crate::document::Document;

/// Bytes of text handed to the language detector at most.
pub const SAMPLE_BYTES: usize = 4096;

/// ISO 639-1 code of the document's main language, from `whatlang` on a sample of its longest
/// lines (the prose, not the menus). `None` when the detector is unsure.
pub fn language(doc: &Document) -> Option<&'static str> {
    detect(&sample(doc))
}

/// The language `whatlang` finds in `sample` (see [`language`]).
pub(crate) fn detect(sample: &str) -> Option<&'static str> {
    iso639_1(whatlang::detect(sample)?.lang())
}

/// The sample [`language`] reads: the longest lines, up to [`SAMPLE_BYTES`].
pub(crate) fn sample(doc: &Document) -> String {
    let mut lines: Vec<usize> = (0..doc.lines.len()).filter(|&i| !doc.lines[i].blank).collect();
    lines.sort_by_key(|&i| std::cmp::Reverse(doc.lines[i].end - doc.lines[i].start));
    let mut sample = String::with_capacity(SAMPLE_BYTES);
    for i in lines {
        let l = crate::text::trim(doc.line(i));
        if sample.len() + l.len() > SAMPLE_BYTES {
            let mut cut = SAMPLE_BYTES.saturating_sub(sample.len());
            while cut > 0 && !l.is_char_boundary(cut) {
                cut -= 1;
            }
            sample.push_str(&l[..cut]);
            break;
        }
        sample.push_str(l);
        sample.push('\n');
    }
    sample
}

/// Maps whatlang's ISO 639-3 languages to the two-letter codes rule files use: every language
/// whatlang knows, so that rule data for a new language (its `stopwords.xx` for the context
/// rule) needs no change here. Akan has no two-letter code in use on the web; it stays `None`.
pub fn iso639_1(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "no",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
        Aka => return None,
    })
}
