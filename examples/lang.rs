//! Development aid: prints the language textsweep detects for each file given.
fn main() {
    for p in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&p).expect("read");
        let doc = textsweep::document::Document::new(&text);
        println!("{p}: {:?}", textsweep::profile::language(&doc));
    }
}
