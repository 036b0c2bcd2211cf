//! Every default rule documents itself with inline examples; this runs them all.

use textsweep::{check_examples, Cleaner};

#[test]
fn inline_examples_of_default_rules_pass() {
    let cleaner = Cleaner::builder().examples(true).build().unwrap();
    let (ran, failures) = check_examples(cleaner.rules()).unwrap();
    for f in &failures {
        eprintln!("{} ({}):\n  input:    {:?}\n  expected: {:?}\n  got:      {:?}", f.rule, f.location, f.input, f.expected, f.got);
    }
    assert!(failures.is_empty(), "{} of {ran} examples failed", failures.len());
    // Every rule has examples (below), so a set that ran fewer than the rules lost them.
    assert!(ran > cleaner.rules().len(), "only {ran} examples ran");
}

#[test]
fn every_rule_has_examples_of_both_kinds() {
    let cleaner = Cleaner::builder().examples(true).build().unwrap();
    for r in cleaner.rules() {
        let removes = r.examples.iter().any(|(e, _)| e.output.as_ref().is_some_and(|o| o != &e.input));
        assert!(removes, "rule {} has no example of what it removes", r.id);
        if r.kind_name() != "region" {
            let keeps = r.examples.iter().any(|(e, _)| e.output.is_none());
            assert!(keeps, "rule {} has no must-keep example", r.id);
        }
    }
}

#[test]
fn a_failing_user_example_is_reported_with_its_location() {
    let rules = "[[rule]]\nid = \"x-ad\"\nkind = \"phrase\"\ncategory = \"advertisement\"\ndescription = \"ads\"\n\
                 phrases.en = [\"Advertisement\"]\n\n[[rule.example]]\ninput = \"Text.\\nAdvertisement\\n\"\noutput = \"Text.\\nAdvertisement\\n\"\n";
    let cleaner = Cleaner::builder().default_rules(false).rules_str("mine.toml", rules).build().unwrap();
    let (ran, failures) = check_examples(cleaner.rules()).unwrap();
    assert_eq!(ran, 1);
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].location, "mine.toml:8");
    assert_eq!(failures[0].got, "Text.\n");
}
