//! POP3 commands (RFC 1939 §3–§7, RFC 2449 CAPA, RFC 5034 AUTH): the one type that the server
//! parses and the client writes.
//!
//! RFC 1939 §3: a case-insensitive keyword of three or four characters, arguments separated by
//! a single space, each at most 40 characters, printable ASCII. PASS takes the rest of the line
//! as its one argument, so a password may contain spaces (§7).

use std::fmt;

/// The longest command line, CRLF included (RFC 2449 §4).
pub const MAX_COMMAND_LINE: usize = 255;
/// The longest argument (RFC 1939 §3).
pub const MAX_ARGUMENT: usize = 40;

/// A message number of the maildrop (1 is the first message of the session).
pub type MsgNumber = u32;

/// A POP3 command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    User(String),
    Pass(String),
    /// `APOP name digest` (RFC 1939 §7): digest is the hex MD5 of timestamp + secret.
    Apop {
        name: String,
        digest: String,
    },
    /// `AUTH mechanism [initial-response]` (RFC 5034 §4).
    Auth {
        mechanism: String,
        initial: Option<String>,
    },
    Stat,
    List(Option<MsgNumber>),
    Retr(MsgNumber),
    Dele(MsgNumber),
    Noop,
    Rset,
    Quit,
    /// `TOP msg n` (RFC 1939 §7): the header and the first `n` lines of the body.
    Top {
        msg: MsgNumber,
        lines: u32,
    },
    Uidl(Option<MsgNumber>),
    /// RFC 2449 §5.
    Capa,
}

/// Why a command line was refused; each knows the `-ERR` text it deserves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    Unknown(String),
    MissingArgument(&'static str),
    TooManyArguments(&'static str),
    NotANumber(String),
    ArgumentTooLong,
    NotPrintable,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty command"),
            ParseError::Unknown(k) => write!(f, "unknown command '{k}'"),
            ParseError::MissingArgument(usage) => write!(f, "missing argument: {usage}"),
            ParseError::TooManyArguments(usage) => write!(f, "too many arguments: {usage}"),
            ParseError::NotANumber(a) => write!(f, "'{a}' is not a message number"),
            ParseError::ArgumentTooLong => {
                write!(f, "argument too long (at most {MAX_ARGUMENT} characters)")
            }
            ParseError::NotPrintable => write!(f, "commands are printable ASCII"),
        }
    }
}

impl Command {
    /// Parses one command line (without its CRLF).
    pub fn parse(line: &[u8]) -> Result<Command, ParseError> {
        if line
            .iter()
            .any(|&b| !(0x20..0x7f).contains(&b) && b != b'\t')
        {
            return Err(ParseError::NotPrintable);
        }
        // Printable ASCII: every byte is one char.
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end();
        let (keyword, rest) = match line.split_once(' ') {
            Some((k, rest)) => (k, Some(rest)),
            None => (line, None),
        };
        if keyword.is_empty() {
            return Err(ParseError::Empty);
        }
        let keyword = keyword.to_ascii_uppercase();
        // PASS: the rest of the line is the password, spaces included (RFC 1939 §7).
        if keyword == "PASS" {
            return match rest {
                Some(p) if !p.is_empty() => Ok(Command::Pass(p.to_string())),
                _ => Err(ParseError::MissingArgument("PASS string")),
            };
        }
        // Lenient: runs of spaces separate arguments as one would.
        let args: Vec<&str> = rest
            .map(|r| r.split(' ').filter(|a| !a.is_empty()).collect())
            .unwrap_or_default();
        if args.iter().any(|a| a.len() > MAX_ARGUMENT) && keyword != "AUTH" {
            return Err(ParseError::ArgumentTooLong);
        }
        let number = |a: &str| {
            a.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ParseError::NotANumber(a.to_string()))
        };
        let usage = match keyword.as_str() {
            "USER" => "USER name",
            "APOP" => "APOP name digest",
            "AUTH" => "AUTH mechanism [initial-response]",
            "LIST" => "LIST [msg]",
            "RETR" => "RETR msg",
            "DELE" => "DELE msg",
            "TOP" => "TOP msg n",
            "UIDL" => "UIDL [msg]",
            "STAT" | "NOOP" | "RSET" | "QUIT" | "CAPA" => "",
            _ => return Err(ParseError::Unknown(keyword)),
        };
        let command = match (keyword.as_str(), args.as_slice()) {
            ("USER", [name]) => Command::User(name.to_string()),
            ("APOP", [name, digest]) => Command::Apop {
                name: name.to_string(),
                digest: digest.to_string(),
            },
            ("AUTH", [mechanism]) => Command::Auth {
                mechanism: mechanism.to_ascii_uppercase(),
                initial: None,
            },
            ("AUTH", [mechanism, initial]) => Command::Auth {
                mechanism: mechanism.to_ascii_uppercase(),
                initial: Some(initial.to_string()),
            },
            ("STAT", []) => Command::Stat,
            ("NOOP", []) => Command::Noop,
            ("RSET", []) => Command::Rset,
            ("QUIT", []) => Command::Quit,
            ("CAPA", []) => Command::Capa,
            ("LIST", []) => Command::List(None),
            ("LIST", [n]) => Command::List(Some(number(n)?)),
            ("UIDL", []) => Command::Uidl(None),
            ("UIDL", [n]) => Command::Uidl(Some(number(n)?)),
            ("RETR", [n]) => Command::Retr(number(n)?),
            ("DELE", [n]) => Command::Dele(number(n)?),
            ("TOP", [msg, lines]) => Command::Top {
                msg: number(msg)?,
                lines: lines
                    .parse()
                    .map_err(|_| ParseError::NotANumber(lines.to_string()))?,
            },
            (_, args) if args.len() < expected_args(usage) => {
                return Err(ParseError::MissingArgument(usage));
            }
            _ => return Err(ParseError::TooManyArguments(usage)),
        };
        Ok(command)
    }

    /// Appends the command line, CRLF included.
    pub fn write(&self, out: &mut Vec<u8>) {
        let line = match self {
            Command::User(name) => format!("USER {name}"),
            Command::Pass(password) => format!("PASS {password}"),
            Command::Apop { name, digest } => format!("APOP {name} {digest}"),
            Command::Auth {
                mechanism,
                initial: None,
            } => format!("AUTH {mechanism}"),
            Command::Auth {
                mechanism,
                initial: Some(ir),
            } => format!("AUTH {mechanism} {ir}"),
            Command::Stat => "STAT".into(),
            Command::List(None) => "LIST".into(),
            Command::List(Some(n)) => format!("LIST {n}"),
            Command::Retr(n) => format!("RETR {n}"),
            Command::Dele(n) => format!("DELE {n}"),
            Command::Noop => "NOOP".into(),
            Command::Rset => "RSET".into(),
            Command::Quit => "QUIT".into(),
            Command::Top { msg, lines } => format!("TOP {msg} {lines}"),
            Command::Uidl(None) => "UIDL".into(),
            Command::Uidl(Some(n)) => format!("UIDL {n}"),
            Command::Capa => "CAPA".into(),
        };
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }

    /// Whether a positive answer to this command is multi-line (RFC 1939, RFC 2449).
    pub fn has_multiline_answer(&self) -> bool {
        matches!(
            self,
            Command::List(None)
                | Command::Uidl(None)
                | Command::Retr(_)
                | Command::Top { .. }
                | Command::Capa
        )
    }
}

/// The number of arguments a usage line requires (optional ones in brackets do not count).
fn expected_args(usage: &str) -> usize {
    usage
        .split(' ')
        .skip(1)
        .filter(|a| !a.starts_with('['))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, ParseError> {
        Command::parse(line.as_bytes())
    }

    #[test]
    fn keywords_are_case_insensitive() {
        assert_eq!(parse("user bob"), Ok(Command::User("bob".into())));
        assert_eq!(parse("LiSt"), Ok(Command::List(None)));
        assert_eq!(parse("list 2"), Ok(Command::List(Some(2))));
        assert_eq!(parse("top 1 0"), Ok(Command::Top { msg: 1, lines: 0 }));
        assert_eq!(parse("capa"), Ok(Command::Capa));
    }

    #[test]
    fn pass_keeps_spaces_in_the_password() {
        assert_eq!(
            parse("PASS a secret phrase"),
            Ok(Command::Pass("a secret phrase".into()))
        );
        assert_eq!(
            parse("PASS"),
            Err(ParseError::MissingArgument("PASS string"))
        );
    }

    #[test]
    fn rfc1939_apop_example_parses() {
        // RFC 1939 §7: C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
        assert_eq!(
            parse("APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
            Ok(Command::Apop {
                name: "mrose".into(),
                digest: "c4c9334bac560ecc979e58001b3e22fb".into()
            })
        );
    }

    #[test]
    fn bad_lines_get_precise_errors() {
        assert_eq!(parse(""), Err(ParseError::Empty));
        assert_eq!(parse("HELO x"), Err(ParseError::Unknown("HELO".into())));
        assert_eq!(parse("RETR"), Err(ParseError::MissingArgument("RETR msg")));
        assert_eq!(
            parse("RETR 1 2"),
            Err(ParseError::TooManyArguments("RETR msg"))
        );
        assert_eq!(parse("RETR x"), Err(ParseError::NotANumber("x".into())));
        assert_eq!(parse("RETR 0"), Err(ParseError::NotANumber("0".into())));
        assert_eq!(parse("RETR -1"), Err(ParseError::NotANumber("-1".into())));
        assert_eq!(parse("STAT now"), Err(ParseError::TooManyArguments("")));
        assert_eq!(
            parse("TOP 1"),
            Err(ParseError::MissingArgument("TOP msg n"))
        );
        assert_eq!(
            parse(&format!("USER {}", "x".repeat(41))),
            Err(ParseError::ArgumentTooLong)
        );
        assert_eq!(
            Command::parse(b"USER b\xc3\xb6b"),
            Err(ParseError::NotPrintable)
        );
        assert_eq!(Command::parse(b"USER b\0b"), Err(ParseError::NotPrintable));
    }

    #[test]
    fn every_command_written_parses_back() {
        let all = [
            Command::User("bob".into()),
            Command::Pass("hungry and thirsty".into()),
            Command::Apop {
                name: "bob".into(),
                digest: "0123456789abcdef0123456789abcdef".into(),
            },
            Command::Auth {
                mechanism: "PLAIN".into(),
                initial: None,
            },
            Command::Auth {
                mechanism: "PLAIN".into(),
                initial: Some("AGJvYgBodW5ncnk=".into()),
            },
            Command::Stat,
            Command::List(None),
            Command::List(Some(7)),
            Command::Retr(1),
            Command::Dele(2),
            Command::Noop,
            Command::Rset,
            Command::Quit,
            Command::Top { msg: 3, lines: 10 },
            Command::Uidl(None),
            Command::Uidl(Some(4)),
            Command::Capa,
        ];
        for command in all {
            let mut line = Vec::new();
            command.write(&mut line);
            assert!(line.ends_with(b"\r\n"));
            assert_eq!(Command::parse(&line[..line.len() - 2]), Ok(command));
        }
    }
}
