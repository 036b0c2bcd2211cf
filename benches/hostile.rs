//! Linear time on hostile documents, shown by throughput at two sizes: if MB/s stays about the
//! same from 10 MB to 100 MB, the work per byte is bounded. The last line of each size reads one
//! JSON Lines record of that size through the batch reader. Not a test: nothing is asserted.
//!
//! ```text
//! cargo bench --bench hostile                 # 10 and 100 MB
//! TEXTSWEEP_BENCH_MB=1,10 cargo bench --bench hostile
//! ```

use std::time::Instant;
use textsweep::Cleaner;

/// Repeats `unit` until the text holds at least `bytes` bytes.
fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}

fn documents(bytes: usize) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("single line, English prose", repeat_to("talks resumed in Seoul on Monday, officials said ", bytes).into_bytes()),
        ("single line, Korean prose with widget labels", repeat_to("정부는 오늘 서울에서 추천 회담을 재개한다고 밝혔다 return to the White 추천 House ", bytes).into_bytes()),
        ("single line, many credit prefixes", repeat_to("Photo: Jane Roe and Photo: John Doe, ", bytes).into_bytes()),
        ("one repeated boilerplate line", repeat_to("Leave a Reply\n", bytes).into_bytes()),
        ("repeated comment form (regions)", repeat_to("Some prose here, said the minister on Monday.\n\nLeave a Reply\nName *\nEmail *\nWebsite\n\n", bytes).into_bytes()),
        (
            "huge number of edits (lines and inline credits)",
            repeat_to(
                &format!("{} Yonhap\nLeave a Reply\nThe White 추천 House said so on Monday, and the talks resumed.\n", "Long prose that ends in an agency credit, ".repeat(8)),
                bytes,
            )
            .into_bytes(),
        ),
        ("invalid UTF-8 every 100 bytes (--lossy)", {
            let mut v = repeat_to("Leave a Reply\nprose prose prose prose prose prose prose prose prose prose prose prose prose pros\n", bytes).into_bytes();
            for i in (0..v.len()).step_by(100) {
                v[i] = 0xff;
            }
            v
        }),
    ]
}

fn main() {
    let sizes: Vec<usize> = std::env::var("TEXTSWEEP_BENCH_MB")
        .unwrap_or_else(|_| "10,100".into())
        .split(',')
        .map(|s| s.trim().parse().expect("TEXTSWEEP_BENCH_MB: comma-separated sizes in MB"))
        .collect();
    let cleaner = Cleaner::new().expect("default rules");
    println!("{:<50} {:>8} {:>9} {:>9} {:>10}", "document", "MB", "seconds", "MB/s", "edits");
    for &mb in &sizes {
        for (name, doc) in documents(mb << 20) {
            let t = Instant::now();
            let cleaned = cleaner.clean_lossy(&doc);
            let secs = t.elapsed().as_secs_f64();
            let size = doc.len() as f64 / (1 << 20) as f64;
            println!("{name:<50} {size:>8.1} {secs:>9.3} {:>9.1} {:>10}", size / secs, cleaned.edits.len());
        }
        // The batch reader on one record of that size: a JSON line with no line break in it.
        let text = repeat_to("talks resumed in Seoul on Monday, officials said ", mb << 20);
        let record = format!("{{\"text\": \"{text}\"}}\n").into_bytes();
        let size = record.len() as f64 / (1 << 20) as f64;
        let opts = textsweep::batch::Options { threads: 1, ..Default::default() };
        let input = textsweep::batch::Input::reader("record", std::io::Cursor::new(record));
        let mut out = Vec::new();
        let t = Instant::now();
        textsweep::batch::run(&cleaner, &opts, vec![input], &mut out, &mut ()).expect("one record");
        let secs = t.elapsed().as_secs_f64();
        println!("{:<50} {size:>8.1} {secs:>9.3} {:>9.1} {:>10}", "one JSON Lines record (batch reader, -j1)", size / secs, "-");
    }
}
