//! Splits a command line into words, the way a Unix shell does for simple cases: white space
//! separates words; single quotes keep everything literally; double quotes keep spaces and allow
//! `\"` and `\\`; a backslash outside quotes escapes the next character.

/// Why a line could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordsError {
    /// A quote was opened and never closed.
    UnclosedQuote(char),
}

impl std::fmt::Display for WordsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WordsError::UnclosedQuote(q) => write!(f, "unclosed quote ({q})"),
        }
    }
}

/// The words of `line`.
pub fn split(line: &str) -> Result<Vec<String>, WordsError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(WordsError::UnclosedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(WordsError::UnclosedQuote('"')),
                        },
                        Some(c) => word.push(c),
                        None => return Err(WordsError::UnclosedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Vec<String> {
        split(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    #[test]
    fn splits_on_white_space() {
        assert_eq!(
            ok("  telnet\tmail.crepes.fr   25 "),
            ["telnet", "mail.crepes.fr", "25"]
        );
        assert!(ok("   ").is_empty());
    }

    #[test]
    fn quotes_keep_spaces_and_escapes_work() {
        assert_eq!(
            ok(r#"mail -s "Lunch today" bob"#),
            ["mail", "-s", "Lunch today", "bob"]
        );
        assert_eq!(
            ok(r#"say 'it''s' "a \"b\" \n" c\ d"#),
            ["say", "its", r#"a "b" \n"#, "c d"]
        );
        assert_eq!(ok(r#""""#), [""]);
    }

    #[test]
    fn unclosed_quotes_are_errors() {
        assert_eq!(split("say 'oops"), Err(WordsError::UnclosedQuote('\'')));
        assert_eq!(split("say \"oops"), Err(WordsError::UnclosedQuote('"')));
    }
}
