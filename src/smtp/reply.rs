//! SMTP replies (RFC 5321 §4.2): a three-digit code, `-` on every line but the last, and text,
//! with the enhanced status code of RFC 2034 / RFC 3463 (`2.1.5`) at the start of each line's
//! text where the server offers ENHANCEDSTATUSCODES. The server writes them; the client reads
//! them with [`ReplyReader`].

use std::fmt;

/// An enhanced status code `class.subject.detail` (RFC 3463 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl Status {
    /// Parses `2.1.5` (class 2, 4 or 5; subject and detail of one to three digits).
    pub fn parse(text: &str) -> Option<Status> {
        let mut parts = text.split('.');
        let class: u8 = parts.next()?.parse().ok()?;
        let subject = parts
            .next()
            .filter(|p| (1..=3).contains(&p.len()))?
            .parse()
            .ok()?;
        let detail = parts
            .next()
            .filter(|p| (1..=3).contains(&p.len()))?
            .parse()
            .ok()?;
        (parts.next().is_none() && matches!(class, 2 | 4 | 5)).then_some(Status {
            class,
            subject,
            detail,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// A complete reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub status: Option<Status>,
    /// The text of each line (without code, separator or status).
    pub lines: Vec<String>,
}

impl Reply {
    /// A one-line reply.
    pub fn new(code: u16, status: Option<Status>, text: impl Into<String>) -> Reply {
        Reply {
            code,
            status,
            lines: vec![text.into()],
        }
    }

    /// A one-line reply with the enhanced status `(class, subject, detail)` (RFC 3463).
    pub fn enhanced(code: u16, status: (u8, u16, u16), text: impl Into<String>) -> Reply {
        let (class, subject, detail) = status;
        Reply::new(
            code,
            Some(Status {
                class,
                subject,
                detail,
            }),
            text,
        )
    }

    /// The first digit: 2 positive, 3 intermediate, 4 transient failure, 5 permanent failure.
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    pub fn is_positive(&self) -> bool {
        self.class() == 2
    }

    /// The text, lines joined with a space.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }

    /// Appends the reply: `250-first`, …, `250 last`, each with the status when there is one.
    pub fn write(&self, out: &mut Vec<u8>) {
        let count = self.lines.len().max(1);
        for i in 0..count {
            let text = self.lines.get(i).map(String::as_str).unwrap_or_default();
            let separator = if i + 1 == count { ' ' } else { '-' };
            let line = match self.status {
                Some(status) => format!("{}{separator}{status} {text}", self.code),
                // RFC 4954 §4: a 334 challenge keeps its space even when empty.
                None if text.is_empty() && self.code != 334 => {
                    format!("{}{separator}", self.code).trim_end().to_string()
                }
                None => format!("{}{separator}{text}", self.code),
            };
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// Why a server line could not be read as part of a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadReply(pub String);

impl fmt::Display for BadReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an SMTP reply line: '{}'", self.0)
    }
}

/// The most lines one reply may have: far more than any real server sends (an EHLO reply has a
/// dozen), so a hostile peer cannot make a client buffer without end.
pub const MAX_REPLY_LINES: usize = 1000;

/// Collects the lines of multi-line replies.
#[derive(Clone, Debug, Default)]
pub struct ReplyReader {
    code: Option<u16>,
    status: Option<Status>,
    lines: Vec<String>,
}

impl ReplyReader {
    pub fn new() -> Self {
        ReplyReader::default()
    }

    /// One line of server output (without CRLF): a finished reply after its last line.
    pub fn push(&mut self, line: &[u8]) -> Option<Result<Reply, BadReply>> {
        let text = String::from_utf8_lossy(line);
        let digits = text
            .get(..3)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
        let Some(code) = digits
            .and_then(|d| d.parse::<u16>().ok())
            .filter(|c| (200..600).contains(c))
        else {
            *self = ReplyReader::default();
            return Some(Err(BadReply(text.into_owned())));
        };
        let (last, rest) = match text.get(3..4) {
            None => (true, ""),
            Some(" ") => (true, text.get(4..).unwrap_or_default()),
            Some("-") => (false, text.get(4..).unwrap_or_default()),
            Some(_) => {
                *self = ReplyReader::default();
                return Some(Err(BadReply(text.into_owned())));
            }
        };
        if self.code.is_some_and(|c| c != code) {
            *self = ReplyReader::default();
            return Some(Err(BadReply(text.into_owned())));
        }
        self.code = Some(code);
        // RFC 2034 §4: the status leads the text, its class matching the code's.
        let (status, rest) = match rest.split_once(' ').map(|(s, r)| (Status::parse(s), r)) {
            Some((Some(s), r)) if u16::from(s.class) == code / 100 => (Some(s), r),
            _ => match Status::parse(rest) {
                Some(s) if u16::from(s.class) == code / 100 => (Some(s), ""),
                _ => (None, rest),
            },
        };
        if self.status.is_none() {
            self.status = status;
        }
        self.lines.push(rest.to_string());
        if !last && self.lines.len() >= MAX_REPLY_LINES {
            *self = ReplyReader::default();
            return Some(Err(BadReply(format!(
                "a reply of more than {MAX_REPLY_LINES} lines"
            ))));
        }
        if !last {
            return None;
        }
        let reply = Reply {
            code,
            status: self.status,
            lines: std::mem::take(&mut self.lines),
        };
        *self = ReplyReader::default();
        Some(Ok(reply))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> Vec<Result<Reply, BadReply>> {
        let mut reader = ReplyReader::new();
        lines
            .iter()
            .filter_map(|l| reader.push(l.as_bytes()))
            .collect()
    }

    #[test]
    fn rfc5321_appendix_d_replies_read_back() {
        // RFC 5321 D.1 (the EHLO reply is multi-line).
        let replies = read(&[
            "220 foo.com Simple Mail Transfer Service Ready",
            "250-foo.com greets bar.com",
            "250-8BITMIME",
            "250-SIZE",
            "250-DSN",
            "250 HELP",
            "354 Start mail input; end with <CRLF>.<CRLF>",
            "221 foo.com Service closing transmission channel",
        ]);
        let codes: Vec<u16> = replies
            .iter()
            .map(|r| r.as_ref().map_or(0, |r| r.code))
            .collect();
        assert_eq!(codes, [220, 250, 354, 221]);
        let ehlo = replies[1].clone().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ehlo.lines,
            ["foo.com greets bar.com", "8BITMIME", "SIZE", "DSN", "HELP"]
        );
    }

    #[test]
    fn enhanced_status_codes_are_read_and_written_on_every_line() {
        let reply = Reply {
            code: 550,
            status: Status::parse("5.1.1"),
            lines: vec!["<carol@hamburger.edu>:".into(), "no such user here".into()],
        };
        let mut out = Vec::new();
        reply.write(&mut out);
        assert_eq!(
            out,
            b"550-5.1.1 <carol@hamburger.edu>:\r\n550 5.1.1 no such user here\r\n"
        );
        let back = read(&[
            "550-5.1.1 <carol@hamburger.edu>:",
            "550 5.1.1 no such user here",
        ]);
        assert_eq!(back, [Ok(reply)]);
        // A status whose class disagrees with the code is text, not a status.
        let odd = read(&["250 5.1.1 hmm"]);
        assert_eq!(odd[0].as_ref().map(|r| r.status), Ok(None));
    }

    #[test]
    fn bad_lines_are_reported() {
        assert!(read(&["hello"])[0].is_err());
        assert!(read(&["600 out of range"])[0].is_err());
        assert!(read(&["250-first", "251 other code"])[0].is_err());
        assert!(read(&["250x"])[0].is_err());
        assert_eq!(
            read(&["250"]),
            [Ok(Reply {
                code: 250,
                status: None,
                lines: vec![String::new()]
            })]
        );
    }

    #[test]
    fn an_endless_multi_line_reply_is_cut_off() {
        let mut reader = ReplyReader::new();
        let mut results = Vec::new();
        for _ in 0..MAX_REPLY_LINES + 5 {
            if let Some(r) = reader.push(b"250-more") {
                results.push(r);
            }
        }
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
    }

    #[test]
    fn every_reply_written_reads_back() {
        for reply in [
            Reply::new(220, None, "mail.hamburger.edu ESMTP Mail Lab"),
            Reply::new(250, Status::parse("2.1.0"), "Sender <alice@crepes.fr> OK"),
            Reply::new(354, None, "Start mail input; end with <CRLF>.<CRLF>"),
            Reply {
                code: 250,
                status: None,
                lines: vec![
                    "mail.hamburger.edu".into(),
                    "PIPELINING".into(),
                    "SIZE 10485760".into(),
                ],
            },
            Reply::new(421, Status::parse("4.4.2"), "Timeout, closing"),
        ] {
            let mut out = Vec::new();
            reply.write(&mut out);
            let lines: Vec<&str> = std::str::from_utf8(&out)
                .unwrap_or_default()
                .split("\r\n")
                .filter(|l| !l.is_empty())
                .collect();
            assert_eq!(read(&lines), [Ok(reply)]);
        }
    }
}
