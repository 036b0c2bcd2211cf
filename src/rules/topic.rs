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
use crate::text::{normalize_label, script_of};
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
            || raw.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_lowercase)
        {
            return false;
        }
        // "Privacy Policy (updated March 2024)".
        let raw = match raw.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
            Some((head, _)) if !head.trim().is_empty() => head.trim_end(),
            _ => raw,
        };
        let named = |part: &str| self.titles.binary_search(&normalize_label(part)).is_ok();
        if named(raw) {
            return true;
        }
        // "Privacy Policy – Harbourline Books", "Harbourline Books: Privacy Policy": the title
        // at either end, beside a name of a few words ("Privacy Policy: What Meta's new rules mean
        // for you" is a headline).
        let name = |part: &str| part.split_whitespace().nth(MAX_NAME_WORDS).is_none();
        for sep in SEPARATORS {
            if raw.split_once(sep).is_some_and(|(head, rest)| named(head) && name(rest)) || raw.rsplit_once(sep).is_some_and(|(rest, tail)| named(tail) && name(rest)) {
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
