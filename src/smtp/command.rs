//! SMTP commands (RFC 5321 §4.1, with the parameters of RFC 1870 SIZE, RFC 6152 8BITMIME,
//! RFC 3461 DSN, RFC 6531 SMTPUTF8, RFC 4954 AUTH and RFC 3030 BDAT): the one type the server
//! parses and the client writes.
//!
//! Verbs are case-insensitive (§2.4). Paths follow §4.1.2; reading is lenient where clients
//! commonly are — a space after the colon (`MAIL FROM: <a@b>`) and a path without angle brackets
//! are accepted — and writing is strict.

use std::fmt;

/// The longest command line, CRLF included (RFC 5321 §4.5.3.1.4).
pub const MAX_COMMAND_LINE: usize = 512;

/// A mailbox in a path: `local-part@domain` (§4.1.2); `domain` is empty only for the special
/// `<postmaster>` recipient (§4.5.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    pub local_part: String,
    pub domain: String,
}

impl Address {
    /// Parses `local@domain` (a quoted local part allowed), or `postmaster` alone.
    pub fn parse(text: &str) -> Option<Address> {
        if text.eq_ignore_ascii_case("postmaster") {
            return Some(Address {
                local_part: "postmaster".into(),
                domain: String::new(),
            });
        }
        let (local, domain) = text.rsplit_once('@')?;
        let local_ok =
            if let Some(inner) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
                inner.chars().all(|c| c != '"' && c != '\r' && c != '\n')
            } else {
                !local.is_empty()
                    && local
                        .split('.')
                        .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
            };
        let domain_ok =
            if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
                !literal.is_empty()
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_graphic() && c != '[' && c != ']' && c != '\\')
            } else {
                !domain.is_empty()
                    && domain.split('.').all(|label| {
                        !label.is_empty()
                            && !label.starts_with('-')
                            && !label.ends_with('-')
                            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                    })
            };
        (local_ok && domain_ok).then(|| Address {
            local_part: local.to_string(),
            domain: domain.to_string(),
        })
    }

    /// Whether the address has non-ASCII characters (it then needs SMTPUTF8, RFC 6531).
    pub fn is_ascii(&self) -> bool {
        self.local_part.is_ascii() && self.domain.is_ascii()
    }
}

/// RFC 5322 atext, with UTF-8 allowed (RFC 6531 §3.3; the server checks SMTPUTF8).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.domain.is_empty() {
            write!(f, "{}", self.local_part)
        } else {
            write!(f, "{}@{}", self.local_part, self.domain)
        }
    }
}

/// An ESMTP parameter `KEYWORD[=value]` (§4.1.2); the keyword is kept in upper case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub keyword: String,
    pub value: Option<String>,
}

/// An SMTP command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Helo(String),
    Ehlo(String),
    /// `MAIL FROM:<reverse-path> [params]`; `None` is the null path `<>` (bounces).
    Mail {
        from: Option<Address>,
        params: Vec<Param>,
    },
    Rcpt {
        to: Address,
        params: Vec<Param>,
    },
    Data,
    /// `BDAT size [LAST]` (RFC 3030).
    Bdat {
        size: u64,
        last: bool,
    },
    Rset,
    Vrfy(String),
    Expn(String),
    Help(Option<String>),
    Noop,
    Quit,
    /// `AUTH mechanism [initial-response]` (RFC 4954).
    Auth {
        mechanism: String,
        initial: Option<String>,
    },
    StartTls,
}

/// Why a command line was refused: `Unknown` deserves 500, the others 501 (§4.3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    Unknown(String),
    Syntax(String),
}

impl ParseError {
    /// The reply code this error deserves.
    pub fn code(&self) -> u16 {
        match self {
            ParseError::Unknown(_) => 500,
            ParseError::Syntax(_) => 501,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Unknown(verb) => write!(f, "Command not recognized: {verb}"),
            ParseError::Syntax(why) => write!(f, "Syntax error: {why}"),
        }
    }
}

fn syntax(why: &str) -> ParseError {
    ParseError::Syntax(why.to_string())
}

impl Command {
    /// Parses one command line (without its CRLF).
    pub fn parse(line: &[u8]) -> Result<Command, ParseError> {
        let text = std::str::from_utf8(line)
            .map_err(|_| syntax("commands are ASCII (UTF-8 addresses need SMTPUTF8)"))?;
        if text.chars().any(|c| c.is_control() && c != '\t') {
            return Err(syntax("control characters in the command"));
        }
        let text = text.trim_end();
        let (verb, rest) = match text.split_once(' ') {
            Some((verb, rest)) => (verb, rest.trim_start()),
            None => (text, ""),
        };
        let verb_upper = verb.to_ascii_uppercase();
        let no_args = |command: Command, usage: &str| {
            if rest.is_empty() {
                Ok(command)
            } else {
                Err(syntax(&format!("{usage} takes no argument")))
            }
        };
        match verb_upper.as_str() {
            "HELO" | "EHLO" => {
                let mut words = rest.split_whitespace();
                let domain = words
                    .next()
                    .ok_or_else(|| syntax(&format!("{verb_upper} needs your domain name")))?;
                if words.next().is_some() {
                    return Err(syntax(&format!(
                        "{verb_upper} takes one argument, your domain name"
                    )));
                }
                Ok(if verb_upper == "HELO" {
                    Command::Helo(domain.to_string())
                } else {
                    Command::Ehlo(domain.to_string())
                })
            }
            "MAIL" => {
                let (path, params) = path_and_params(rest, "FROM:")?;
                let from = if path == "<>" {
                    None
                } else {
                    // §4.1.2: only a forward-path may be a bare <postmaster>.
                    Some(address(&path).filter(|a| !a.domain.is_empty()).ok_or_else(|| {
                        syntax(
                            "the reverse-path is not an address (try MAIL FROM:<you@example.com>)",
                        )
                    })?)
                };
                Ok(Command::Mail { from, params })
            }
            "RCPT" => {
                let (path, params) = path_and_params(rest, "TO:")?;
                let to = address(&path).ok_or_else(|| {
                    syntax("the forward-path is not an address (try RCPT TO:<someone@example.com>)")
                })?;
                Ok(Command::Rcpt { to, params })
            }
            "DATA" => no_args(Command::Data, "DATA"),
            "RSET" => no_args(Command::Rset, "RSET"),
            "QUIT" => no_args(Command::Quit, "QUIT"),
            "STARTTLS" => no_args(Command::StartTls, "STARTTLS"),
            // §4.1.1.9: NOOP may have a string argument, which is ignored.
            "NOOP" => Ok(Command::Noop),
            "VRFY" | "EXPN" => {
                if rest.is_empty() {
                    return Err(syntax(&format!("{verb_upper} needs a user or list name")));
                }
                Ok(if verb_upper == "VRFY" {
                    Command::Vrfy(rest.to_string())
                } else {
                    Command::Expn(rest.to_string())
                })
            }
            "HELP" => Ok(Command::Help((!rest.is_empty()).then(|| rest.to_string()))),
            "BDAT" => {
                let mut words = rest.split_whitespace();
                let size = words
                    .next()
                    .and_then(|s| s.parse::<u64>().ok())
                    .ok_or_else(|| syntax("BDAT needs the chunk size in octets"))?;
                let last = match words.next() {
                    None => false,
                    Some(w) if w.eq_ignore_ascii_case("LAST") => true,
                    Some(_) => return Err(syntax("BDAT size [LAST]")),
                };
                if words.next().is_some() {
                    return Err(syntax("BDAT size [LAST]"));
                }
                Ok(Command::Bdat { size, last })
            }
            "AUTH" => {
                let mut words = rest.split_whitespace();
                let mechanism = words
                    .next()
                    .ok_or_else(|| syntax("AUTH needs a mechanism"))?
                    .to_ascii_uppercase();
                let initial = words.next().map(str::to_string);
                if words.next().is_some() {
                    return Err(syntax("AUTH mechanism [initial-response]"));
                }
                Ok(Command::Auth { mechanism, initial })
            }
            "" => Err(syntax("empty command")),
            _ => Err(ParseError::Unknown(verb.to_string())),
        }
    }

    /// Appends the command line, CRLF included.
    pub fn write(&self, out: &mut Vec<u8>) {
        let params = |params: &[Param]| -> String {
            params
                .iter()
                .map(|p| match &p.value {
                    Some(v) => format!(" {}={v}", p.keyword),
                    None => format!(" {}", p.keyword),
                })
                .collect()
        };
        let line = match self {
            Command::Helo(d) => format!("HELO {d}"),
            Command::Ehlo(d) => format!("EHLO {d}"),
            Command::Mail { from, params: p } => match from {
                Some(a) => format!("MAIL FROM:<{a}>{}", params(p)),
                None => format!("MAIL FROM:<>{}", params(p)),
            },
            Command::Rcpt { to, params: p } => format!("RCPT TO:<{to}>{}", params(p)),
            Command::Data => "DATA".into(),
            Command::Bdat { size, last: false } => format!("BDAT {size}"),
            Command::Bdat { size, last: true } => format!("BDAT {size} LAST"),
            Command::Rset => "RSET".into(),
            Command::Vrfy(s) => format!("VRFY {s}"),
            Command::Expn(s) => format!("EXPN {s}"),
            Command::Help(None) => "HELP".into(),
            Command::Help(Some(topic)) => format!("HELP {topic}"),
            Command::Noop => "NOOP".into(),
            Command::Quit => "QUIT".into(),
            Command::Auth {
                mechanism,
                initial: None,
            } => format!("AUTH {mechanism}"),
            Command::Auth {
                mechanism,
                initial: Some(ir),
            } => format!("AUTH {mechanism} {ir}"),
            Command::StartTls => "STARTTLS".into(),
        };
        // Values come from typed fields: whatever they hold, they cannot end the line early
        // and smuggle a second command.
        out.extend(line.bytes().filter(|&b| b != b'\r' && b != b'\n'));
        out.extend_from_slice(b"\r\n");
    }
}

/// `FROM:<path> params` or `TO:<path> params`: the path (brackets kept) and the parameters.
fn path_and_params(rest: &str, keyword: &str) -> Result<(String, Vec<Param>), ParseError> {
    let upper = rest.to_ascii_uppercase();
    if !upper.starts_with(keyword) {
        return Err(syntax(&format!("expected {keyword}<address>")));
    }
    let after = rest.get(keyword.len()..).unwrap_or_default().trim_start();
    let (path, params) = if after.starts_with('<') {
        // The closing '>' outside a quoted local part (`<"a>b"@x>` is one path).
        let mut quoted = false;
        let mut escaped = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                let close = c == '>' && !quoted;
                match c {
                    _ if escaped => escaped = false,
                    '\\' if quoted => escaped = true,
                    '"' => quoted = !quoted,
                    _ => {}
                }
                close
            })
            .map(|(i, _)| i)
            .ok_or_else(|| syntax("the path has no closing '>'"))?;
        (
            after.get(..=end).unwrap_or_default().to_string(),
            after.get(end + 1..).unwrap_or_default(),
        )
    } else {
        // Lenient: a bare address without angle brackets.
        match after.split_once(' ') {
            Some((path, params)) => (path.to_string(), params),
            None => (after.to_string(), ""),
        }
    };
    if path.is_empty() {
        return Err(syntax(&format!("expected {keyword}<address>")));
    }
    let mut parsed = Vec::new();
    for word in params.split_whitespace() {
        let (keyword, value) = match word.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (word, None),
        };
        let keyword_ok = keyword
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && keyword
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !keyword_ok || value.is_some_and(|v| v.is_empty()) {
            return Err(syntax(&format!("bad parameter '{word}'")));
        }
        parsed.push(Param {
            keyword: keyword.to_ascii_uppercase(),
            value: value.map(str::to_string),
        });
    }
    Ok((path, parsed))
}

/// The mailbox of a path: `<a@b>`, `<@relay:a@b>` (a source route, accepted and ignored, §4.1.2),
/// or a bare `a@b`.
fn address(path: &str) -> Option<Address> {
    let inner = match path.strip_prefix('<') {
        Some(rest) => rest.strip_suffix('>')?,
        None => path,
    };
    let mailbox = match inner.strip_prefix('@') {
        Some(routed) => routed.split_once(':')?.1,
        None => inner,
    };
    Address::parse(mailbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, ParseError> {
        Command::parse(line.as_bytes())
    }

    fn addr(local: &str, domain: &str) -> Address {
        Address {
            local_part: local.into(),
            domain: domain.into(),
        }
    }

    #[test]
    fn the_seed_slide_commands_parse_as_typed() {
        assert_eq!(
            parse("HELO crepes.fr"),
            Ok(Command::Helo("crepes.fr".into()))
        );
        assert_eq!(
            parse("MAIL FROM: <alice@crepes.fr>"),
            Ok(Command::Mail {
                from: Some(addr("alice", "crepes.fr")),
                params: vec![]
            })
        );
        assert_eq!(
            parse("RCPT TO: <bob@hamburger.edu>"),
            Ok(Command::Rcpt {
                to: addr("bob", "hamburger.edu"),
                params: vec![]
            })
        );
        assert_eq!(parse("data"), Ok(Command::Data));
        assert_eq!(parse("QUIT"), Ok(Command::Quit));
    }

    #[test]
    fn paths_parameters_null_path_routes_and_postmaster() {
        assert_eq!(
            parse("MAIL FROM:<> BODY=8BITMIME SIZE=1000"),
            Ok(Command::Mail {
                from: None,
                params: vec![
                    Param {
                        keyword: "BODY".into(),
                        value: Some("8BITMIME".into())
                    },
                    Param {
                        keyword: "SIZE".into(),
                        value: Some("1000".into())
                    },
                ]
            })
        );
        assert_eq!(
            parse("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>"),
            Ok(Command::Rcpt {
                to: addr("userc", "d.bar.org"),
                params: vec![]
            }),
            "RFC 5321 §4.1.1.3's source-route example: accepted, route ignored"
        );
        assert_eq!(
            parse("RCPT TO:<Postmaster>"),
            Ok(Command::Rcpt {
                to: addr("postmaster", ""),
                params: vec![]
            })
        );
        assert_eq!(
            parse("rcpt to:bob@hamburger.edu"),
            Ok(Command::Rcpt {
                to: addr("bob", "hamburger.edu"),
                params: vec![]
            })
        );
        assert_eq!(
            parse("MAIL FROM:<\"john doe\"@example.com> SMTPUTF8"),
            Ok(Command::Mail {
                from: Some(addr("\"john doe\"", "example.com")),
                params: vec![Param {
                    keyword: "SMTPUTF8".into(),
                    value: None
                }]
            })
        );
        assert_eq!(
            parse("MAIL FROM:<a@[192.0.2.1]>"),
            Ok(Command::Mail {
                from: Some(addr("a", "[192.0.2.1]")),
                params: vec![]
            })
        );
    }

    #[test]
    fn errors_say_what_is_wrong_with_the_right_code() {
        let code = |line: &str| parse(line).map_err(|e| e.code());
        assert_eq!(code("FOO bar"), Err(500));
        assert_eq!(code("HELO"), Err(501));
        assert_eq!(code("MAIL alice@crepes.fr"), Err(501));
        assert_eq!(code("MAIL FROM:<alice>"), Err(501));
        assert_eq!(code("MAIL FROM:<alice@crepes.fr"), Err(501));
        assert_eq!(
            code("MAIL FROM:<postmaster>"),
            Err(501),
            "§4.1.2: only a forward-path"
        );
        assert_eq!(
            parse("RCPT TO:<\"a>b\"@x.example>"),
            Ok(Command::Rcpt {
                to: addr("\"a>b\"", "x.example"),
                params: vec![]
            })
        );
        let mut injected = Vec::new();
        Command::Rcpt {
            to: addr("a>\r\nRCPT TO:<x", "y.example"),
            params: vec![],
        }
        .write(&mut injected);
        assert_eq!(
            injected.iter().filter(|&&b| b == b'\n').count(),
            1,
            "one line, whatever the fields hold"
        );
        assert_eq!(code("RCPT TO:<bob@>"), Err(501));
        assert_eq!(code("RCPT TO:<@x.org>"), Err(501));
        assert_eq!(code("MAIL FROM:<a@b.c> =x"), Err(501));
        assert_eq!(code("DATA now"), Err(501), "§4.3.2: DATA takes no argument");
        assert_eq!(code("BDAT x"), Err(501));
        assert_eq!(code(""), Err(501));
        assert_eq!(
            Command::parse(b"HELO \x01"),
            Err(syntax("control characters in the command"))
        );
        assert_eq!(parse("NOOP anything"), Ok(Command::Noop), "§4.1.1.9");
    }

    #[test]
    fn every_command_written_parses_back() {
        let all = [
            Command::Helo("crepes.fr".into()),
            Command::Ehlo("mail.crepes.fr".into()),
            Command::Mail {
                from: Some(addr("alice", "crepes.fr")),
                params: vec![],
            },
            Command::Mail {
                from: None,
                params: vec![
                    Param {
                        keyword: "SIZE".into(),
                        value: Some("498".into()),
                    },
                    Param {
                        keyword: "SMTPUTF8".into(),
                        value: None,
                    },
                ],
            },
            Command::Rcpt {
                to: addr("bob", "hamburger.edu"),
                params: vec![Param {
                    keyword: "NOTIFY".into(),
                    value: Some("FAILURE,DELAY".into()),
                }],
            },
            Command::Rcpt {
                to: addr("postmaster", ""),
                params: vec![],
            },
            Command::Data,
            Command::Bdat {
                size: 1000,
                last: false,
            },
            Command::Bdat {
                size: 0,
                last: true,
            },
            Command::Rset,
            Command::Vrfy("bob".into()),
            Command::Expn("staff".into()),
            Command::Help(None),
            Command::Help(Some("MAIL".into())),
            Command::Noop,
            Command::Quit,
            Command::Auth {
                mechanism: "PLAIN".into(),
                initial: Some("AGJvYgBodW5ncnk=".into()),
            },
            Command::Auth {
                mechanism: "CRAM-MD5".into(),
                initial: None,
            },
            Command::StartTls,
        ];
        for command in all {
            let mut line = Vec::new();
            command.write(&mut line);
            assert!(line.ends_with(b"\r\n"));
            assert_eq!(Command::parse(&line[..line.len() - 2]), Ok(command));
        }
    }
}
