//! Regression tests for crashes and non-linear paths found while fuzzing and reviewing for the
//! fuzz work (issue 6). Each names the input shape and the fix.

#[path = "../fuzz/invariants.rs"]
mod invariants;

use textsweep::Cleaner;

fn user_rules(toml: &str) -> Cleaner {
    Cleaner::builder().default_rules(false).rules_str("user.toml", toml).build().unwrap()
}

/// `caption::prefix_credit` took "up to the first separator" as `index + 1`, which is not a char
/// boundary after a full-width `：` (3 bytes): a credit prefix with a cased non-ASCII letter,
/// met in another case (`фото：` for `Фото：`), panicked with "byte index is not a char boundary".
#[test]
fn credit_prefix_in_another_case_with_a_wide_separator() {
    let cleaner = user_rules(
        "[[rule]]\nid = \"ru-credit\"\nkind = \"caption\"\ncategory = \"caption\"\ndescription = \"d\"\n\
         credit_prefixes.ru = [\"Фото：\"]\n",
    );
    // Longer than the caption's `max_chars` (300): prose that loses only its trailing credit.
    let prose = "Президент выступил в Москве в понедельник, сообщили в администрации. ".repeat(5);
    let prose = prose.trim_end();
    for sep in ["：", "=", ":"] {
        let credit = format!(" фото{sep}Иван Петров");
        let input = format!("{prose}{credit}\n");
        let c = cleaner.clean(&input);
        invariants::check(input.as_bytes(), &c).unwrap();
        if sep == "：" {
            // The prefix in another case is still recognised: the trailing credit goes.
            assert_eq!(c.text, format!("{prose}\n"), "{sep}");
        }
    }
}

/// Many long lines each losing a trailing credit, between removed lines: resolving each inline
/// proposal scanned every removed span (quadratic in the number of edits). The result must be
/// the same as before the fix: every credit and every boilerplate line goes.
#[test]
fn many_inline_edits_between_many_removed_lines() {
    let cleaner = Cleaner::new().unwrap();
    let long = "Long prose that ends in an agency credit, ".repeat(8);
    let unit = format!("{long}. Yonhap\nLeave a Reply\n");
    let input = unit.repeat(5_000);
    let c = cleaner.clean(&input);
    invariants::check(input.as_bytes(), &c).unwrap();
    assert_eq!(c.text, format!("{long}.\n").repeat(5_000));
}

/// A long line with many credit prefixes whose last one is not a credit: every earlier prefix
/// counted the whole rest of the line (quadratic). Now counting stops at the limits; the verdict
/// is unchanged: nothing is a credit.
#[test]
fn many_credit_prefixes_on_one_line() {
    let cleaner = Cleaner::new().unwrap();
    let input = format!("{}Photo: A. b", "Photo: Jane Roe and Photo: John Doe, ".repeat(20_000));
    let c = cleaner.clean(&input);
    invariants::check(input.as_bytes(), &c).unwrap();
    assert_eq!(c.text, input);
}

/// `(ePA)` at the end of a German sentence is the electronic health record, not the agency EPA:
/// agencies match case-insensitively only in all-capital or all-lower-case lines, and only names
/// of four or more letters.
#[test]
fn mixed_case_words_are_not_agency_credits() {
    let cleaner = textsweep::Cleaner::new().unwrap();
    let text = "Die Krankenkassen sollen die elektronische Patientenakte (ePA) einführen.\n\nDer Bundestag stimmt im Herbst ab.\n";
    assert_eq!(cleaner.clean(text).text, text);
    let caps = "Officials inspect the damaged bridge on Monday. GETTY IMAGES\n\nThe bridge reopens next week.\n";
    assert_eq!(cleaner.clean(caps).text, "The bridge reopens next week.\n");
}

/// Property-test finds (`cleaning_is_idempotent`): a second pass removed what the first kept.
/// - a related-links heading glued to its headline, with the next headline below a line another
///   rule removes (a byline, a comment-form heading): it now waits for that headline, as a
///   heading on its own line already did;
/// - a "Comments" heading that passed its position prior (past the first quarter) only once
///   lines above it, or a comment thread that ends the document below it, were gone: the prior
///   is now judged where the heading stands in the output.
#[test]
fn cleaning_twice_removes_nothing_more() {
    let cleaner = Cleaner::new().unwrap();
    let docs = [
        "RELATED STORIES Leaders meet again in Geneva\nAssociated Press writer Jane Roe contributed to this report.\nComments",
        "RELATED STORIES Leaders meet again in Geneva\nLeave a Reply\n정상회담 일정 확정",
        "the minister pause officials officials the Monday long minister pause Monday.\nComments\nOfficials declined to comment on the timing of the next round of talks.\nComments\n서울에서 정부는 대통령은 서울에서 올랐다 서울에서 정부는 정부는 정부는 정부는 정부는 정부는 정부는 정부는 정부는.",
        "the the the いいね the said Monday the the.\nправительство правительство правительство правительство правительство в правительство в в заявило заявило в заявило в заявило в правительство правительство в заявило в.\nComments\n정부는 서울에서 정부는 올랐다 서울에서 정부는 정부는 정부는 정부는 정부는 정부는 정부는 정부는.\nMonday 추천 the the the Monday Monday the pause officials the minister Monday minister the Monday the pause Monday the the the Monday the the Monday.\nOfficials declined to comment on the timing of the next round of talks.\n(Reporting by Jane Roe in London; Editing by John Doe)\nthe the minister the long officials minister the Monday. Yonhap\nminister the officials the the. Getty Images\nThe city council voted on Tuesday to extend the night bus network.\n",
    ];
    for doc in docs {
        let once = cleaner.clean(doc);
        let twice = cleaner.clean(&once.text);
        assert_eq!(twice.text, once.text, "second pass removed {:?}\ninput: {doc:?}", twice.edits);
    }
}

/// A list of names after a `list_prefixes` prefix may be up to twice `max_credit_chars` long, but
/// on a line longer than the rule's `max_chars` and `max_cue_chars` the cue scan read only the
/// last `max_credit_chars` characters (and the longest cue's bytes) of the line
/// (`Caption::credit_window`): the prefix fell outside, and the same credit that went at the end of
/// a 109-character line stayed at the end of a 649-character one. Found reviewing the code
/// `clean_rules` exercises with the new field.
#[test]
fn a_list_credit_at_the_end_of_a_long_line() {
    let cleaner = user_rules(
        "[[rule]]\nid = \"list-credit\"\nkind = \"caption\"\ncategory = \"caption\"\ndescription = \"d\"\n\
         list_prefixes.en = [\"Credit:\"]\nmax_chars = 40\nmax_credit_chars = 20\n",
    );
    // 40 characters: over `max_credit_chars`, within twice it.
    let credit = " Credit: NASA, ESA, CSA, STScI, Webb, Hubble, JPL";
    for n in [1, 10] {
        let prose = "The telescope took this picture of the far galaxy last week.".repeat(n);
        let input = format!("{prose}{credit}\n");
        let c = cleaner.clean(&input);
        invariants::check(input.as_bytes(), &c).unwrap();
        assert_eq!(c.text, format!("{prose}\n"), "{} characters", input.len() - 1);
    }
}
