//! Syntax colouring for the editor: a small JavaScript tokenizer that splits
//! each line into coloured pieces. It only colours; the parser that matters
//! (oxc, in the worker) reports the real errors.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Plain,
    Keyword,
    String,
    Number,
    Comment,
    /// A `// @looplab …` directive: settings in the code's own text.
    Directive,
    Function,
}

impl Token {
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "tok-plain",
            Token::Keyword => "tok-keyword",
            Token::String => "tok-string",
            Token::Number => "tok-number",
            Token::Comment => "tok-comment",
            Token::Directive => "tok-directive",
            Token::Function => "tok-function",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "delete",
    "do",
    "else",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "in",
    "instanceof",
    "let",
    "new",
    "null",
    "of",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "yield",
    "require",
];

/// What a line starts inside of, carried from the line before.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    BlockComment,
    Template,
}

/// Splits `source` into lines of (token, text) pieces. Joining a line's
/// pieces gives the line back exactly.
pub fn highlight(source: &str) -> Vec<Vec<(Token, String)>> {
    let mut open = Open::Nothing;
    source.split('\n').map(|line| highlight_line(line, &mut open)).collect()
}

fn highlight_line(line: &str, open: &mut Open) -> Vec<(Token, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut pieces: Vec<(Token, String)> = Vec::new();
    let mut push = |token: Token, text: String| {
        if text.is_empty() {
            return;
        }
        match pieces.last_mut() {
            Some((last, existing)) if *last == token => existing.push_str(&text),
            _ => pieces.push((token, text)),
        }
    };
    let mut index = 0;
    while index < chars.len() {
        let rest = || chars[index..].iter().collect::<String>();
        match *open {
            Open::BlockComment => {
                let start = index;
                while index < chars.len() && !(chars[index] == '*' && chars.get(index + 1) == Some(&'/')) {
                    index += 1;
                }
                if index < chars.len() {
                    index += 2;
                    *open = Open::Nothing;
                }
                push(Token::Comment, chars[start..index.min(chars.len())].iter().collect());
                continue;
            }
            Open::Template => {
                let start = index;
                while index < chars.len() && chars[index] != '`' {
                    index += if chars[index] == '\\' { 2 } else { 1 };
                }
                if index < chars.len() {
                    index += 1;
                    *open = Open::Nothing;
                }
                push(Token::String, chars[start..index.min(chars.len())].iter().collect());
                continue;
            }
            Open::Nothing => {}
        }
        let c = chars[index];
        if c == '/' && chars.get(index + 1) == Some(&'/') {
            let text = rest();
            let token = if text.starts_with("// @looplab") { Token::Directive } else { Token::Comment };
            push(token, text);
            break;
        }
        if c == '/' && chars.get(index + 1) == Some(&'*') {
            *open = Open::BlockComment;
            push(Token::Comment, "/*".to_string());
            index += 2;
            continue;
        }
        if c == '`' {
            *open = Open::Template;
            push(Token::String, "`".to_string());
            index += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let start = index;
            index += 1;
            while index < chars.len() && chars[index] != c {
                index += if chars[index] == '\\' { 2 } else { 1 };
            }
            index = (index + 1).min(chars.len());
            push(Token::String, chars[start..index].iter().collect());
            continue;
        }
        if c.is_ascii_digit() {
            let start = index;
            while index < chars.len() && (chars[index].is_ascii_alphanumeric() || chars[index] == '.' || chars[index] == '_') {
                index += 1;
            }
            push(Token::Number, chars[start..index].iter().collect());
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = index;
            while index < chars.len() && (chars[index].is_alphanumeric() || chars[index] == '_' || chars[index] == '$') {
                index += 1;
            }
            let word: String = chars[start..index].iter().collect();
            let next = chars[index..].iter().find(|c| !c.is_whitespace());
            let token = if KEYWORDS.contains(&word.as_str()) {
                Token::Keyword
            } else if next == Some(&'(') {
                Token::Function
            } else {
                Token::Plain
            };
            push(token, word);
            continue;
        }
        push(Token::Plain, c.to_string());
        index += 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_back_to_the_text() {
        let source = "const fs = require('fs'); // read\n/* a\n b */ let s = `x\ny`;\nsetTimeout(() => 1, 10);\n// @looplab pool 8";
        let lines = highlight(source);
        let joined: Vec<String> = lines.iter().map(|pieces| pieces.iter().map(|(_, text)| text.as_str()).collect()).collect();
        assert_eq!(joined.join("\n"), source);
    }

    #[test]
    fn tokens_are_classified() {
        let lines = highlight("const a = 'x'; f(2); // c\n// @looplab pool 8\n/* open\nstill */ x");
        assert!(lines[0].contains(&(Token::Keyword, "const".to_string())));
        assert!(lines[0].contains(&(Token::String, "'x'".to_string())));
        assert!(lines[0].contains(&(Token::Function, "f".to_string())));
        assert!(lines[0].contains(&(Token::Number, "2".to_string())));
        assert!(lines[0].contains(&(Token::Comment, "// c".to_string())));
        assert_eq!(lines[1], [(Token::Directive, "// @looplab pool 8".to_string())]);
        assert_eq!(lines[3][0], (Token::Comment, "still */".to_string()));
    }
}
