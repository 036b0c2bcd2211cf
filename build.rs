//! Embeds every `rules/*.toml` file as the default rule set, so adding a rule file needs no Rust.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        out.push_str(&format!("    (\"rules/{name}\", include_str!({:?})),\n", f.display().to_string()));
    }
    out.push_str("]\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("default_rules.rs"), out).unwrap();
}
