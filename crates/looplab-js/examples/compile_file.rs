//! Compiles a file as a script and prints the outcome (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let source = std::fs::read_to_string(&path).unwrap_or_default();
    let mut atoms = looplab_js::atoms::AtomTable::default();
    match looplab_js::compiler::compile(&source, looplab_js::compiler::Goal::Script, &mut atoms) {
        Ok(code) => println!("ok: {} instructions", code.insns.len()),
        Err(errors) => errors.iter().for_each(|error| println!("{}:{} {}", error.line, error.column, error.message)),
    }
}
