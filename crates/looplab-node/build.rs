//! Ships Node's modules written in JavaScript (`src/lib_js/`) without their
//! comments and indentation: they are compiled into the page's worker, whose
//! download size is budgeted, and nobody reads them there (their source
//! positions are cleared when they load, see `node::without_positions`).
//! Lines inside a template literal that spans lines are kept whole; elsewhere
//! dropping a line's leading blanks and whole-line `//` comments cannot change
//! what the code does.

use std::path::Path;

fn main() {
    let source_dir = Path::new("src/lib_js");
    println!("cargo:rerun-if-changed=src/lib_js");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let entries = std::fs::read_dir(source_dir).expect("src/lib_js is readable");
    for entry in entries {
        let path = entry.expect("src/lib_js entries are readable").path();
        if path.extension().and_then(|extension| extension.to_str()) != Some("js") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("lib_js files are UTF-8");
        let mut shipped = String::with_capacity(text.len());
        // Inside a template literal that spans lines, a line is text: kept whole.
        let mut in_template = false;
        for line in text.lines() {
            let backticks = line.matches('`').count() - line.matches("\\`").count();
            if in_template {
                shipped.push_str(line);
            } else {
                let line = line.trim_start();
                if !line.starts_with("//") {
                    shipped.push_str(line);
                }
            }
            if backticks % 2 == 1 {
                in_template = !in_template;
            }
            // Every line break stays, so a line number means the same in both.
            shipped.push('\n');
        }
        let name = path.file_name().expect("a file has a name");
        std::fs::write(Path::new(&out_dir).join(name), shipped).expect("OUT_DIR is writable");
    }
}
