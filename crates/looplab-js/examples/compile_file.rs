//! Compiles a file as a script and prints the outcome (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let source = std::fs::read_to_string(&path).unwrap_or_default();
    let mut atoms = looplab_js::atoms::AtomTable::default();
    match looplab_js::compiler::compile(&source, looplab_js::compiler::Goal::Script, &mut atoms) {
        Ok(code) => {
            println!("ok: {} instructions", code.insns.len());
            if std::env::args().any(|arg| arg == "--dump") {
                dump(&code, 0);
            }
        }
        Err(errors) => errors.iter().for_each(|error| println!("{}:{} {}", error.line, error.column, error.message)),
    }
}

fn dump(code: &looplab_js::bytecode::Code, depth: usize) {
    println!("{}-- {} (registers {})", "  ".repeat(depth), code.name, code.registers);
    for (index, insn) in code.insns.iter().enumerate() {
        println!("{}{index:4} {insn:?}", "  ".repeat(depth));
    }
    for child in &code.functions {
        dump(child, depth + 1);
    }
}
