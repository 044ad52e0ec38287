//! Interned property names. Every name a program uses as a property key is
//! stored once; keys then compare and hash as integers. The names the engine
//! itself needs have fixed atoms (`atoms::LENGTH` …), interned first.

use crate::string::JsStr;
use crate::value::Atom;
use crate::FastMap as HashMap;

macro_rules! well_known {
    ($($name:ident = $text:expr,)*) => {
        const WELL_KNOWN: &[&str] = &[$($text,)*];
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u32)]
        enum Index { $($name,)* }
        $(pub const $name: Atom = Atom(Index::$name as u32);)*
    };
}

well_known! {
    EMPTY = "",
    LENGTH = "length",
    PROTOTYPE = "prototype",
    CONSTRUCTOR = "constructor",
    NAME = "name",
    MESSAGE = "message",
    STACK = "stack",
    CAUSE = "cause",
    ERRORS = "errors",
    TO_STRING = "toString",
    VALUE_OF = "valueOf",
    TO_JSON = "toJSON",
    VALUE = "value",
    DONE = "done",
    NEXT = "next",
    RETURN = "return",
    THROW = "throw",
    THEN = "then",
    GET = "get",
    SET = "set",
    WRITABLE = "writable",
    ENUMERABLE = "enumerable",
    CONFIGURABLE = "configurable",
    CALLEE = "callee",
    CALLER = "caller",
    ARGUMENTS = "arguments",
    INDEX = "index",
    INPUT = "input",
    GROUPS = "groups",
    INDICES = "indices",
    LAST_INDEX = "lastIndex",
    SOURCE = "source",
    FLAGS = "flags",
    GLOBAL = "global",
    RAW = "raw",
    DEFAULT = "default",
    UNDEFINED = "undefined",
    NAN = "NaN",
    INFINITY = "Infinity",
    STATUS = "status",
    REASON = "reason",
    FULFILLED = "fulfilled",
    REJECTED = "rejected",
    PROTO = "__proto__",
    ANONYMOUS = "anonymous",
    JOIN = "join",
    ADD = "add",
    RESOLVE = "resolve",
    CODE = "code",
    DESCRIPTION = "description",
    EXEC = "exec",
    DOT_ALL = "dotAll",
    HAS_INDICES = "hasIndices",
    IGNORE_CASE = "ignoreCase",
    MULTILINE = "multiline",
    STICKY = "sticky",
    UNICODE = "unicode",
    UNICODE_SETS = "unicodeSets",
    KEYS = "keys",
    VALUES = "values",
    ENTRIES = "entries",
}

pub struct AtomTable {
    names: Vec<JsStr>,
    index: HashMap<JsStr, Atom>,
}

impl Default for AtomTable {
    fn default() -> AtomTable {
        let mut table = AtomTable { names: Vec::new(), index: HashMap::default() };
        for name in WELL_KNOWN {
            table.intern(&JsStr::from_str(name));
        }
        table
    }
}

impl AtomTable {
    pub fn intern(&mut self, text: &JsStr) -> Atom {
        if let Some(atom) = self.index.get(text) {
            return *atom;
        }
        let atom = Atom(self.names.len() as u32);
        self.names.push(text.clone());
        self.index.insert(text.clone(), atom);
        atom
    }

    pub fn intern_str(&mut self, text: &str) -> Atom {
        self.intern(&JsStr::from_str(text))
    }

    pub fn get(&self, text: &JsStr) -> Option<Atom> {
        self.index.get(text).copied()
    }

    pub fn name(&self, atom: Atom) -> &JsStr {
        &self.names[atom.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
