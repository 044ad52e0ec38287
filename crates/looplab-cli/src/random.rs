//! Seeded random scenarios, for the property tests (tests/random_programs.rs,
//! tests/random_load.rs) and for comparing the page's wasm with the native
//! build on them (`looplab random program|server SEED` prints one; the e2e
//! tests run it in Chromium).

use looplab_core::rng::Rng;

/// A random block of statements, `depth` levels of callbacks deep.
fn block(rng: &mut Rng, depth: u32, counter: &mut u32) -> String {
    let mut out = String::new();
    for _ in 0..=rng.below(3) {
        *counter += 1;
        let n = *counter;
        let inner = if depth == 0 { format!("console.log('cb {n}');") } else { format!("console.log('cb {n}'); {}", block(rng, depth - 1, counter)) };
        out.push_str(&match rng.below(11) {
            0 => format!("console.log('line {n}');"),
            1 => format!("setTimeout(() => {{ {inner} }}, {});", rng.below(4)),
            2 => format!("setImmediate(() => {{ {inner} }});"),
            3 => format!("process.nextTick(() => {{ {inner} }});"),
            4 => format!("queueMicrotask(() => {{ {inner} }});"),
            5 => format!("Promise.resolve({n}).then((v) => {{ {inner} }});"),
            6 => format!("fs.readFile('/file{}', () => {{ {inner} }});", rng.below(3)),
            7 => format!("crypto.pbkdf2('p', 's', {}, 64, 'sha512', () => {{ {inner} }});", 1000 + rng.below(5000)),
            8 => format!("(async () => {{ await null; {inner} }})();"),
            9 => format!("{{ const t = Date.now(); while (Date.now() - t < {}) {{}} }}", rng.below(3)),
            _ => format!("[1, 2, 3].forEach((x) => {{ if (x === 2) {{ {inner} }} }});"),
        });
        out.push('\n');
    }
    out
}

/// A random program of timers, immediates, nextTicks, microtasks, file
/// reads, pbkdf2 jobs, awaits and busy waits; and its pool size.
pub fn program(seed: u64) -> (String, u32) {
    let mut rng = Rng::new(seed);
    let pool = (rng.below(4) + 1) as u32;
    let mut counter = 0;
    let body = block(&mut rng, 2, &mut counter);
    let source = format!(
        "// @looplab file /file0 10B\n// @looplab file /file1 3MiB\n// @looplab pool {pool}\n\
         const fs = require('fs');\nconst crypto = require('crypto');\n{body}"
    );
    (source, pool)
}

/// A random HTTP server under a random load (closed, open or burst), with
/// handlers that answer at once, after pool work, a timer, a file read, a
/// busy wait, a database call or a nextTick.
pub fn server(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut text = String::new();
    let connections = 1 + rng.below(40);
    let load = match rng.below(3) {
        0 => format!("closed connections={connections} amount={} think=exp({}ms)", 20 + rng.below(300), rng.below(20)),
        1 => format!("open rate={}/s arrivals={} amount={}", 20 + rng.below(2000), if rng.below(2) == 0 { "poisson" } else { "constant" }, 20 + rng.below(300)),
        _ => format!("burst at={}ms count={}", rng.below(50), 1 + rng.below(100)),
    };
    text.push_str(&format!("// @looplab load {load} paths=/a:3,/b:1\n"));
    text.push_str(&format!("// @looplab pool {}\n// @looplab cores {}\n// @looplab seed {seed}\n", 1 + rng.below(8), 1 + rng.below(8)));
    text.push_str("// @looplab file /data.bin 256KiB\n");
    if rng.below(2) == 0 {
        text.push_str(&format!("// @looplab cost pbkdf2 exp({}ms)\n", 1 + rng.below(20)));
    }
    if rng.below(3) == 0 {
        text.push_str(&format!("// @looplab server thread-per-request threads={}\n", 1 + rng.below(30)));
    }
    let handler = |rng: &mut Rng| -> String {
        match rng.below(7) {
            0 => "res.end('ok');".to_string(),
            1 => "crypto.pbkdf2('p', 's', 2000, 64, 'sha512', () => res.end('hashed'));".to_string(),
            2 => format!("setTimeout(() => res.end('later'), {});", rng.below(30)),
            3 => "fs.readFile('/data.bin', (err, data) => res.end(String(data.length)));".to_string(),
            4 => format!("{{ const t = Date.now(); while (Date.now() - t < {}) {{}} }} res.end('busy');", rng.below(5)),
            5 => "db.query('select 1').then(() => res.end('db'));".to_string(),
            _ => "Promise.resolve().then(() => process.nextTick(() => res.end('ticked')));".to_string(),
        }
    };
    text.push_str("const http = require('http');\nconst crypto = require('crypto');\nconst fs = require('fs');\n");
    text.push_str(&format!(
        "http.createServer((req, res) => {{\n  if (req.url === '/a') {{ {} }} else {{ {} }}\n}}).listen(3000);\n",
        handler(&mut rng),
        handler(&mut rng)
    ));
    text
}
