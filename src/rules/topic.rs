//! `topic`: a document whose title names a topic that rules of some categories take for noise:
//! a privacy policy, a cookie policy, terms of use. Its clauses say what a banner, a newsletter box
//! or a comment form says ("By continuing to use this site, you agree to our use of cookies as
//! described in this policy"), but they are the page's content, so the lines rules of the
//! categories in `keeps` would remove stay (and are not reported).
//!
//! The title is one of the first lines the output keeps: at most [`TITLE_MAX_ABOVE`] such lines
//! (a site name, a breadcrumb, a date; a menu's short list items, a site's chrome and a banner
//! that the rules remove do not count) stand above it, none of them a sentence, so a "Privacy
//! Policy" link in the footer under an article is no title (the engine's `topic_title`). It is
//! at most [`TITLE_MAX_CHARS`] characters long, is no list item (`* `, `- `, `• `) and no row of
//! links (`|`), does not end like a sentence, in a script with case opens with a capital letter
//! (a blog's "privacy policy" link at the top of its page is no title), and, normalised, is one
//! of `titles`: alone, before a date in brackets, or beside a name of four words or fewer after a
//! dash or a colon ("Privacy Policy – Harbourline Books"; a headline is longer); in Chinese,
//! Japanese or Thai, where words are not spaced, a company's short name may be glued before it
//! ("某某科技隐私政策", not "苹果更新隐私政策").
//!
//! A topic rule removes nothing. Its inline examples run with every rule of the set, not alone.

use super::{all_phrases, check_fields, check_lexicon, required, FileCtx, RawRule, RuleError};
use super::context::is_list_item;
use crate::text::{normalize_into, normalize_label, script_of};
use crate::Category;

/// Most lines the output keeps above a topic page's title.
pub const TITLE_MAX_ABOVE: usize = 3;
/// Longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 100;

#[derive(Debug)]
pub struct Topic {
    /// The titles, normalised, sorted.
    pub titles: Vec<String>,
    /// The categories whose lines a page of this topic keeps.
    pub keeps: Vec<Category>,
}

impl Topic {
    pub fn compile(ctx: &FileCtx, raw: &RawRule) -> Result<Self, RuleError> {
        check_fields(ctx, raw, &["titles", "keeps"])?;
        let lex = required(ctx, raw, &raw.titles, "titles")?;
        check_lexicon(ctx, raw.titles.as_ref().unwrap(), "titles")?;
        let mut titles: Vec<String> = all_phrases(lex).map(normalize_label).filter(|p| !p.is_empty()).collect();
        titles.sort();
        titles.dedup();
        let mut keeps = Vec::new();
        for c in required(ctx, raw, &raw.keeps, "keeps")? {
            keeps.push(c.get_ref().parse::<Category>().map_err(|e| ctx.error(c.span(), e))?);
        }
        if keeps.is_empty() {
            return Err(ctx.error(raw.keeps.as_ref().unwrap().span(), "`keeps` names no category"));
        }
        Ok(Topic { titles, keeps })
    }

    /// Whether the trimmed line `raw` has the shape of a title and names one of `titles`.
    pub fn is_title(&self, raw: &str) -> bool {
        if raw.chars().nth(TITLE_MAX_CHARS).is_some()
            || is_list_item(raw)
            || raw.contains('|')
            || crate::engine::ends_like_sentence(raw)
            || raw.chars().find(|c| c.is_alphabetic()).is_some_and(crate::text::is_lower_case)
        {
            return false;
        }
        // "Privacy Policy (updated March 2024)".
        let raw = match raw.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
            Some((head, _)) if !head.trim().is_empty() => head.trim_end(),
            _ => raw,
        };
        let mut norm = String::new();
        let mut named = |part: &str| {
            norm.clear();
            normalize_into(part, &mut norm, |_| true);
            self.titles.binary_search(&norm).is_ok()
        };
        if named(raw) {
            return true;
        }
        // "Privacy Policy – Harbourline Books", "Harbourline Books: Privacy Policy": the title
        // at either end, beside a name of a few words ("Privacy Policy: What Meta's new rules mean
        // for you" is a headline). Each separator's first and last place, found in one walk.
        let name = |part: &str| part.split_whitespace().nth(MAX_NAME_WORDS).is_none();
        let mut places = [None::<(usize, usize)>; SEPARATORS.len()];
        for (at, _) in raw.match_indices(['–', '—', '-', ':', '·', '/']) {
            for (s, sep) in SEPARATORS.iter().enumerate() {
                // Where this separator would start if the character at `at` is its sign.
                let start = if sep.starts_with(' ') { at.wrapping_sub(1) } else { at };
                if raw.get(start..).is_some_and(|r| r.starts_with(sep)) {
                    let p = places[s].get_or_insert((start, start));
                    p.1 = start;
                }
            }
        }
        for (sep, place) in SEPARATORS.iter().zip(places) {
            let Some((first, last)) = place else { continue };
            if (named(&raw[..first]) && name(&raw[first + sep.len()..])) || (named(&raw[last + sep.len()..]) && name(&raw[..last])) {
                return true;
            }
        }
        // "某某科技隐私政策": a company's name glued to the title, in a script that does not space
        // words ("苹果更新隐私政策", Apple updates its privacy policy, is a headline).
        if !raw.chars().next_back().is_some_and(unspaced) {
            return false;
        }
        let norm = normalize_label(raw);
        self.titles.iter().any(|t| {
            let glued = |rest: &str| !rest.is_empty() && rest.chars().count() <= MAX_GLUED_NAME && rest.chars().all(unspaced) && COMPANY_ENDINGS.iter().any(|e| rest.ends_with(e));
            t.chars().next().is_some_and(unspaced) && norm.strip_suffix(t.as_str()).is_some_and(glued)
        })
    }
}

/// What stands between a title and the site's name beside it.
const SEPARATORS: &[&str] = &[" – ", " — ", " - ", ": ", " · ", " / "];
/// Most words of a name beside a title.
const MAX_NAME_WORDS: usize = 4;
/// Most characters of a name glued to a title in a script that does not space words.
const MAX_GLUED_NAME: usize = 10;
/// How a company's or a site's name glued before a title ends: "…公司", "…科技", "…网".
const COMPANY_ENDINGS: &[&str] = &["公司", "科技", "集团", "集團", "网", "網", "平台", "官网", "官網", "株式会社", "グループ"];

fn unspaced(c: char) -> bool {
    script_of(c).is_some_and(|s| s.is_unspaced())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(titles: &[&str]) -> Topic {
        Topic { titles: titles.iter().map(|t| normalize_label(t)).collect(), keeps: vec![Category::CookieNotice] }
    }

    /// The separator test as first written: each separator's first and last place by
    /// `split_once` and `rsplit_once`. `is_title` finds them all in one walk; the two agree.
    fn beside_name_by_split(t: &Topic, raw: &str) -> bool {
        let named = |part: &str| t.titles.binary_search(&normalize_label(part)).is_ok();
        let name = |part: &str| part.split_whitespace().nth(MAX_NAME_WORDS).is_none();
        SEPARATORS.iter().any(|sep| {
            raw.split_once(sep).is_some_and(|(head, rest)| named(head) && name(rest)) || raw.rsplit_once(sep).is_some_and(|(rest, tail)| named(tail) && name(rest))
        })
    }

    #[test]
    fn separators_found_in_one_walk_agree_with_splitting_at_each() {
        let t = topic(&["Privacy Policy", "Cookies", "Terms"]);
        let parts = ["Privacy Policy", "Cookies", "Terms", "Harbourline Books", "A B C D E", " – ", " — ", " - ", ": ", " · ", " / ", "-", " ", ":", "–", "/x", "Bristol"];
        let mut checked = 0;
        // Every line of up to four parts (17^4 lines): overlapping separators (" - - "), signs
        // without spaces, a separator at either end.
        let mut idx = [0usize; 4];
        'lines: loop {
            for len in 1..=4 {
                let line: String = idx[..len].iter().map(|&i| parts[i]).collect();
                if !line.starts_with([' ', '-', ':', '–', '/']) && line.chars().next().is_some_and(char::is_uppercase) && !crate::engine::ends_like_sentence(&line) {
                    let whole = t.titles.binary_search(&normalize_label(&line)).is_ok();
                    assert_eq!(t.is_title(&line), whole || beside_name_by_split(&t, &line), "{line:?}");
                    checked += 1;
                }
            }
            for d in idx.iter_mut() {
                *d += 1;
                if *d < parts.len() {
                    continue 'lines;
                }
                *d = 0;
            }
            break;
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn titles_are_whole_words_at_either_end_of_a_title_shaped_line() {
        let t = topic(&["Privacy Policy", "隐私政策", "쿠키 정책"]);
        for yes in [
            "Privacy Policy",
            "PRIVACY POLICY",
            "Privacy Policy – Harbourline Books",
            "Harbourline Books: Privacy Policy",
            "Harbourline Books – Bristol – Privacy Policy",
            "Privacy Policy (updated March 2024)",
            "某某科技隐私政策",
            "쿠키 정책",
        ] {
            assert!(t.is_title(yes), "{yes}");
        }
        for no in [
            "* Privacy Policy",
            "Home | Privacy Policy | Terms",
            "Privacy Policyholders",
            "privacy policy",
            "Harbourline Books Privacy Policy",
            "By subscribing I accept the Privacy Policy",
            "Privacy Policy: What Meta's new rules mean for you",
            "苹果更新隐私政策",
            "点击同意即表示您已阅读并接受我们为保护您的个人信息而制定的隐私政策",
            "Read our Privacy Policy.",
            "This privacy policy explains how we use your data and when we share it with the companies that deliver our books to you.",
        ] {
            assert!(!t.is_title(no), "{no}");
        }
    }
}
