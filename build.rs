//! Embeds every `rules/*.toml` file as the default rule set, so adding a rule file needs no Rust;
//! and parses their patterns once, here, into the compact form of `src/rules/hircode.rs`, so that
//! loading the default rules does not parse them again (see that module).
use std::{env, fs, path::Path};

#[allow(dead_code)] // the decoder is for the library
#[path = "src/rules/hircode.rs"]
mod hircode;
#[path = "src/rules/entries.rs"]
mod entries;
#[allow(dead_code)] // the decoder is for the library
#[path = "src/rules/nfacode.rs"]
mod nfacode;

fn main() {
    // Read when the script runs, not when it is compiled: a compiled script may be reused for
    // another checkout of the same sources.
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=src/rules/hircode.rs");
    println!("cargo:rerun-if-changed=src/rules/entries.rs");
    println!("cargo:rerun-if-changed=src/rules/nfacode.rs");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    let mut lean_out = String::from("&[\n");
    let mut sources = Vec::new();
    let mut rule_lists = Vec::new();
    let mut guard_lists = Vec::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        out.push_str(&format!("    (\"rules/{name}\", include_str!({:?})),\n", f.display().to_string()));
        let text = fs::read_to_string(f).unwrap_or_default();
        let lean_path = Path::new(&env::var("OUT_DIR").unwrap()).join(format!("lean-{name}"));
        let lean_text = lean(&text).unwrap_or_else(|| {
            // (A file that does not parse at all is the loader's to report.)
            if text.parse::<toml::Table>().is_ok() {
                println!("cargo:warning=rules/{name}: its copy without examples does not parse as the file less its examples; the file is loaded whole");
            }
            text.clone()
        });
        fs::write(&lean_path, &lean_text).unwrap();
        lean_out.push_str(&format!("    (\"rules/{name}\", include_str!({:?})),\n", lean_path.display().to_string()));
        // A file or pattern that does not parse is left to the loader, which reports it.
        let mut own = Vec::new();
        let mut guards = Vec::new();
        if let Ok(table) = text.parse::<toml::Table>() {
            let rules = match table.get("rule") {
                Some(toml::Value::Array(rules)) => &rules[..],
                _ => &[],
            };
            for rule in rules {
                if let Some(list) = sources_of(rule, "patterns") {
                    own.extend(list.iter().cloned());
                    rule_lists.push(list);
                }
                // A region's `thread_evidence` is a set of the same kind.
                for key in ["not_next_to", "thread_evidence"] {
                    if let Some(list) = sources_of(rule, key) {
                        guards.extend(list.iter().cloned());
                        guard_lists.push(list);
                    }
                }
            }
        }
        sources.extend(own);
        // The `not_next_to` guards are parsed when a line first needs them, not at load: their
        // trees are stored too.
        sources.extend(guards);
    }
    out.push_str("]\n");
    lean_out.push_str("]\n");
    let out_dir = env::var("OUT_DIR").unwrap();
    fs::write(Path::new(&out_dir).join("default_rules.rs"), out).unwrap();
    fs::write(Path::new(&out_dir).join("default_rules_lean.rs"), lean_out).unwrap();

    // Each pattern as the loader wraps it (`entries::wrap`), and case-sensitive as the gate
    // finder reads it (`lineset::gate`).
    let mut texts: Vec<String> = sources.iter().flat_map(|p| {
        let wrapped = entries::wrap(p);
        [wrapped[4..].to_string(), wrapped]
    }).collect();
    texts.sort();
    texts.dedup();
    let mut blob = Vec::new();
    let mut index = String::from("&[\n");
    for t in &texts {
        let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(t) else { continue };
        let start = blob.len();
        hircode::encode(&hir, &mut blob);
        index.push_str(&format!("    ({t:?}, {start}, {}),\n", blob.len()));
    }
    index.push_str("]\n");
    fs::write(Path::new(&out_dir).join("parsed_patterns.bin"), blob).unwrap();
    fs::write(Path::new(&out_dir).join("parsed_patterns.rs"), index).unwrap();

    // Each rule's line-set entries (`entries.rs`), keyed by its wrapped patterns.
    let parse = |t: &str| regex_syntax::ParserBuilder::new().build().parse(t).ok();
    let mut keyed: Vec<(String, Vec<u8>)> = rule_lists
        .iter()
        .filter_map(|list: &Vec<String>| {
            let wrapped: Vec<String> = list.iter().map(|p| entries::wrap(p)).collect();
            let entries = entries::factored(entries::entries_of(&wrapped, parse)?);
            let mut bytes = Vec::new();
            entries::encode_entries(&entries, &mut bytes);
            Some((wrapped.join("\0"), bytes))
        })
        .collect();
    write_keyed(&out_dir, "rule_entries", &mut keyed);

    // The four line sets of the default rules, as `engine::Index::build` fills them (rules in
    // load order, each rule's entries in order, each to its `entries::Placement`'s set), each
    // compiled into an NFA as `lineset::LineSet` compiles it and stored (`nfacode.rs`) with the
    // (rule key, entry) list it was compiled from.
    let mut sets: [Vec<(usize, usize, regex_syntax::hir::Hir)>; 4] = Default::default();
    let mut patterns = 0;
    for list in &rule_lists {
        patterns += list.len();
        let wrapped: Vec<String> = list.iter().map(|p| entries::wrap(p)).collect();
        let Ok(k) = keyed.binary_search_by(|(key, _)| key.as_str().cmp(wrapped.join("\0").as_str())) else { continue };
        // The entries as the loader decodes them.
        let Some(decoded) = entries::decode_entries(&keyed[k].1) else { continue };
        for (j, e) in decoded.into_iter().enumerate() {
            let set = entries::Placement::of(&e.hir, e.gate.is_some()).set;
            sets[usize::from(set)].push((k, j, e.hir));
        }
    }
    let limit = entries::SIZE_LIMIT.saturating_mul(patterns.max(1));
    let mut blob = Vec::new();
    let mut table = format!("({limit}, [\n");
    for set in &sets {
        let hirs: Vec<&regex_syntax::hir::Hir> = set.iter().map(|(_, _, h)| h).collect();
        match nfacode::compiler(limit).build_many_from_hir(&hirs).ok().and_then(|nfa| nfacode::encode(&nfa)) {
            Some(bytes) if !set.is_empty() => {
                let start = blob.len();
                blob.extend_from_slice(&bytes);
                let origins: Vec<String> = set.iter().map(|(k, j, _)| format!("({k}, {j})")).collect();
                table.push_str(&format!("    Some((&[{}], {start}, {})),\n", origins.join(", "), blob.len()));
            }
            _ => table.push_str("    None,\n"),
        }
    }
    table.push_str("])\n");
    fs::write(Path::new(&out_dir).join("line_sets.bin"), blob).unwrap();
    fs::write(Path::new(&out_dir).join("line_sets.rs"), table).unwrap();

    // Each rule's `not_next_to` set (`pattern::NotNextTo`), compiled as a line first needing it
    // would compile it, keyed by its wrapped patterns: its NFA depends on them alone.
    let mut guard_sets: Vec<(String, Vec<u8>)> = guard_lists
        .iter()
        .filter_map(|list| {
            let wrapped: Vec<String> = list.iter().map(|p| entries::wrap(p)).collect();
            let hirs = wrapped.iter().map(|w| parse(w)).collect::<Option<Vec<_>>>()?;
            let nfa = nfacode::compiler(entries::SIZE_LIMIT).build_many_from_hir(&hirs).ok()?;
            Some((wrapped.join("\0"), nfacode::encode(&nfa)?))
        })
        .collect();
    write_keyed(&out_dir, "guard_sets", &mut guard_sets);
}

/// Writes `keyed` (sorted by key, each key once) as `NAME.bin`, the values one after another, and
/// `NAME.rs`, the keys in order, each with its value's range in the blob.
fn write_keyed(out_dir: &str, name: &str, keyed: &mut Vec<(String, Vec<u8>)>) {
    keyed.sort();
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut blob = Vec::new();
    let mut index = String::from("&[\n");
    for (key, bytes) in keyed.iter() {
        let start = blob.len();
        blob.extend_from_slice(bytes);
        index.push_str(&format!("    ({key:?}, {start}, {}),\n", blob.len()));
    }
    index.push_str("]\n");
    fs::write(Path::new(out_dir).join(format!("{name}.bin")), blob).unwrap();
    fs::write(Path::new(out_dir).join(format!("{name}.rs")), index).unwrap();
}

/// The pattern sources of `rule`'s `key` table (`patterns`, `not_next_to`: a list per
/// language), languages in key order as the loader's `BTreeMap` has them; `None` when the rule has
/// no such table.
fn sources_of(rule: &toml::Value, key: &str) -> Option<Vec<String>> {
    let toml::Value::Table(by_lang) = rule.get(key)? else { return None };
    let mut langs: Vec<_> = by_lang.iter().collect();
    langs.sort_by(|a, b| a.0.cmp(b.0));
    Some(langs.into_iter().filter_map(|(_, items)| items.as_array()).flatten().filter_map(|v| v.as_str().map(String::from)).collect())
}

/// `text` with its rules' inline examples blanked out, line for line (each line of a
/// `[[rule.example]]` table becomes empty, so every other line keeps its number): what cleaning
/// loads, as the examples are a third of the rule files' bytes and only `--test-rules`,
/// `--explain` and `--list-rules` read them. `None` (the file is then embedded whole) unless the
/// result parses to the same tables as `text` less its examples; a multi-line string holding a
/// line that opens with `[` is the one case the line test could misread.
fn lean(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut in_example = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with('[') {
            // The header as TOML allows it: spaces inside the brackets, a comment after them.
            let header: String = line.split('#').next().unwrap_or("").chars().filter(|c| !c.is_whitespace()).collect();
            in_example = header == "[[rule.example]]";
        }
        if in_example {
            out.push_str(if line.ends_with("\r\n") { "\r\n" } else if line.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(line);
        }
    }
    let without_examples = |t: &str| -> Option<toml::Table> {
        let mut table = t.parse::<toml::Table>().ok()?;
        if let Some(toml::Value::Array(rules)) = table.get_mut("rule") {
            for rule in rules.iter_mut().filter_map(toml::Value::as_table_mut) {
                rule.remove("example");
            }
        }
        Some(table)
    };
    (without_examples(text)? == without_examples(&out)?).then_some(out)
}
