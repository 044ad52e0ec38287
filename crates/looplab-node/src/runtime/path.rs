//! `path` (POSIX), and how the runtime resolves a path against the
//! scenario's directory (`/app`, `__dirname` of the main module).

use super::natives::Native;
use crate::MAIN_DIR;

/// Node's `path.normalize` for POSIX paths.
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// A path as the process sees it, from its working directory (`/app`).
pub fn resolve(path: &str) -> String {
    if path.starts_with('/') {
        normalize(path)
    } else {
        normalize(&format!("{MAIN_DIR}/{path}"))
    }
}

/// `path.join`, `resolve`, `dirname`, `basename`, `extname` on string arguments.
pub fn call(native: Native, args: &[String]) -> String {
    let first = args.first().map_or("", String::as_str);
    match native {
        Native::PathJoin => {
            let parts: Vec<&str> = args.iter().map(String::as_str).filter(|part| !part.is_empty()).collect();
            if parts.is_empty() {
                ".".to_string()
            } else {
                let joined = normalize(&parts.join("/"));
                // join keeps a trailing slash (path.join('a', 'b/') is 'a/b/').
                if parts.last().is_some_and(|last| last.ends_with('/')) && joined != "/" {
                    format!("{joined}/")
                } else {
                    joined
                }
            }
        }
        Native::PathResolve => {
            let mut resolved = MAIN_DIR.to_string();
            for part in args.iter().filter(|part| !part.is_empty()) {
                resolved = if part.starts_with('/') { part.clone() } else { format!("{resolved}/{part}") };
            }
            normalize(&resolved)
        }
        Native::PathRelative => {
            // lib/path.js posix.relative: both resolved, then up from `from`
            // past their common part and down to `to`.
            let from = call(Native::PathResolve, &args[..1.min(args.len())]);
            let to = call(Native::PathResolve, &args[1.min(args.len())..2.min(args.len())]);
            if from == to {
                return String::new();
            }
            let from_parts: Vec<&str> = from.split('/').filter(|part| !part.is_empty()).collect();
            let to_parts: Vec<&str> = to.split('/').filter(|part| !part.is_empty()).collect();
            let common = from_parts.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
            let mut out: Vec<&str> = vec![".."; from_parts.len() - common];
            out.extend(&to_parts[common..]);
            out.join("/")
        }
        Native::PathNormalize => {
            if first.is_empty() {
                return ".".to_string();
            }
            let normalized = normalize(first);
            // normalize keeps a trailing slash (path.normalize('a/b/') is 'a/b/').
            if first.ends_with('/') && normalized != "/" {
                format!("{normalized}/")
            } else {
                normalized
            }
        }
        Native::PathDirname => {
            let trimmed = if first.len() > 1 { first.trim_end_matches('/') } else { first };
            match trimmed.rfind('/') {
                Some(0) => "/".to_string(),
                Some(index) => trimmed[..index].to_string(),
                None => ".".to_string(),
            }
        }
        Native::PathBasename => {
            let trimmed = if first.len() > 1 { first.trim_end_matches('/') } else { first };
            let base = trimmed.rsplit('/').next().unwrap_or("").to_string();
            match args.get(1) {
                Some(ext) if base != *ext => base.strip_suffix(ext.as_str()).unwrap_or(&base).to_string(),
                _ => base,
            }
        }
        _ => {
            let base = first.rsplit('/').next().unwrap_or("");
            base.rfind('.').filter(|&index| index > 0).map_or(String::new(), |index| base[index..].to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_as_node_joins_and_splits_them() {
        let strings = |parts: &[&str]| parts.iter().map(|part| part.to_string()).collect::<Vec<_>>();
        assert_eq!(call(Native::PathJoin, &strings(&["/a", "b", "../c", "d.txt"])), "/a/c/d.txt");
        assert_eq!(call(Native::PathJoin, &strings(&["a", "b/"])), "a/b/");
        assert_eq!(call(Native::PathJoin, &strings(&[])), ".");
        assert_eq!(call(Native::PathResolve, &strings(&["x", "/y", "z"])), "/y/z");
        assert_eq!(call(Native::PathDirname, &strings(&["/a/b/"])), "/a");
        assert_eq!(call(Native::PathBasename, &strings(&["/a/b.js", ".js"])), "b");
        assert_eq!(call(Native::PathExtname, &strings(&[".bashrc"])), "");
        assert_eq!(call(Native::PathRelative, &strings(&["/data/orandea/test/aaa", "/data/orandea/impl/bbb"])), "../../impl/bbb");
        assert_eq!(call(Native::PathRelative, &strings(&["/a/b", "/a/b"])), "");
        assert_eq!(call(Native::PathRelative, &strings(&["x", "/app/x/y"])), "y");
        assert_eq!(call(Native::PathNormalize, &strings(&["/foo/bar//baz/asdf/quux/.."])), "/foo/bar/baz/asdf");
        assert_eq!(call(Native::PathNormalize, &strings(&["a/b/"])), "a/b/");
    }
}
