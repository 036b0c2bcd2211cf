//! Runs every fixture under `fixtures/` through the default rules.
//!
//! Layout: `fixtures/<rule-id>/<case>.input.txt` with `<case>.expected.txt`, and
//! `fixtures/<rule-id>/<case>.keep.txt` for text that must come out unchanged. `fixtures/seed/`
//! holds the page the project started from (`input.txt`, `expected.txt`). Every default rule must
//! have a fixture folder with at least one removing case and one must-keep case.

use std::fs;
use std::path::{Path, PathBuf};
use textsweep::{apply, Cleaner};

struct Case {
    name: String,
    input: String,
    expected: String,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(fixtures_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let fname = f.file_name().unwrap().to_string_lossy().to_string();
            let read = |p: &Path| fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = format!("{}/{}", dir.file_name().unwrap().to_string_lossy(), fname);
            if let Some(stem) = fname.strip_suffix("input.txt") {
                let exp = dir.join(format!("{stem}expected.txt"));
                out.push(Case { name, input: read(&f), expected: read(&exp) });
            } else if fname.ends_with(".keep.txt") {
                let t = read(&f);
                out.push(Case { name, input: t.clone(), expected: t });
            }
        }
    }
    out
}

#[test]
fn fixtures_come_out_as_expected() {
    let cleaner = Cleaner::new().unwrap();
    let mut failed = Vec::new();
    for c in cases() {
        let got = cleaner.clean(&c.input);
        // The seed's expected output is compared without trailing white space at the end.
        if got.text.trim_end() != c.expected.trim_end() || (!c.name.starts_with("seed/") && got.text != c.expected) {
            eprintln!("--- {}\nexpected:\n{}\ngot:\n{}\nedits: {:#?}", c.name, c.expected, got.text, got.edits);
            failed.push(c.name);
        }
    }
    assert!(failed.is_empty(), "fixtures differ: {failed:?}");
}

#[test]
fn output_is_input_minus_edits_and_cleaning_is_idempotent() {
    let cleaner = Cleaner::new().unwrap();
    for c in cases() {
        let got = cleaner.clean(&c.input);
        assert_eq!(got.text, apply(&c.input, &got.edits), "{}", c.name);
        let mut last = 0;
        for e in &got.edits {
            assert!(e.start >= last && e.end > e.start, "{}: edits overlap or are empty", c.name);
            assert_eq!(&c.input[e.start..e.end], e.text, "{}", c.name);
            last = e.end;
        }
        let again = cleaner.clean(&got.text);
        assert!(again.edits.is_empty(), "{}: second pass still removes {:?}", c.name, again.edits);
    }
}

#[test]
fn seed_page_matches_the_shared_expectation() {
    // The copy under fixtures/seed/ must stay byte-identical to ../shared/seed when that exists.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    if shared.exists() {
        for (ours, theirs) in [("input.txt", "article.txt"), ("expected.txt", "article.expected.txt")] {
            assert_eq!(fs::read(fixtures_dir().join("seed").join(ours)).unwrap(), fs::read(shared.join(theirs)).unwrap());
        }
    }
    let input = fs::read_to_string(fixtures_dir().join("seed/input.txt")).unwrap();
    let expected = fs::read_to_string(fixtures_dir().join("seed/expected.txt")).unwrap();
    let got = Cleaner::new().unwrap().clean(&input);
    assert_eq!(got.text.trim_end(), expected.trim_end());
    let cats: Vec<_> = got.edits.iter().map(|e| e.category.name()).collect();
    assert_eq!(cats, ["caption", "foreign_widget_token", "comment_form"]);
}

#[test]
fn every_rule_has_fixtures() {
    let cleaner = Cleaner::new().unwrap();
    for r in cleaner.rules() {
        let dir = fixtures_dir().join(&*r.id);
        assert!(dir.is_dir(), "rule {} has no fixtures/{}/ folder", r.id, r.id);
        let names: Vec<String> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        assert!(names.iter().any(|n| n.ends_with(".input.txt")), "rule {}: no removing fixture", r.id);
        assert!(names.iter().any(|n| n.ends_with(".keep.txt")), "rule {}: no must-keep fixture", r.id);
    }
}
