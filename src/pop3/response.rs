//! POP3 responses (RFC 1939 §3): a status line `+OK …` or `-ERR …`, optionally with an RFC 2449
//! response code in brackets, followed for some commands by dot-stuffed multi-line data; and the
//! SASL challenge `+ …` of RFC 5034. The server writes them, the client parses them.

use std::fmt;

/// The longest response line, CRLF included (RFC 2449 §4).
pub const MAX_RESPONSE_LINE: usize = 512;

/// An extended response code (RFC 2449 §8, RFC 3206).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RespCode {
    /// The maildrop is locked by another session.
    InUse,
    /// The user must wait before logging in again.
    LoginDelay,
    /// A temporary problem on the server side (RFC 3206 §4).
    SysTemp,
    /// A permanent problem on the server side.
    SysPerm,
    /// The credentials were wrong (RFC 3206 §5).
    Auth,
    Other(String),
}

impl RespCode {
    fn parse(code: &str) -> RespCode {
        match code.to_ascii_uppercase().as_str() {
            "IN-USE" => RespCode::InUse,
            "LOGIN-DELAY" => RespCode::LoginDelay,
            "SYS/TEMP" => RespCode::SysTemp,
            "SYS/PERM" => RespCode::SysPerm,
            "AUTH" => RespCode::Auth,
            _ => RespCode::Other(code.to_string()),
        }
    }

    /// The code as written in brackets.
    pub fn as_str(&self) -> &str {
        match self {
            RespCode::InUse => "IN-USE",
            RespCode::LoginDelay => "LOGIN-DELAY",
            RespCode::SysTemp => "SYS/TEMP",
            RespCode::SysPerm => "SYS/PERM",
            RespCode::Auth => "AUTH",
            RespCode::Other(code) => code,
        }
    }
}

/// A response status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    Ok {
        code: Option<RespCode>,
        text: String,
    },
    Err {
        code: Option<RespCode>,
        text: String,
    },
    /// `+ challenge`: the server waits for the next SASL response line (RFC 5034 §4).
    Challenge(String),
}

/// A line that is not a POP3 status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAResponse(pub String);

impl fmt::Display for NotAResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a POP3 response: '{}'", self.0)
    }
}

impl Response {
    /// `+OK text`.
    pub fn ok(text: impl Into<String>) -> Response {
        Response::Ok {
            code: None,
            text: text.into(),
        }
    }

    /// `-ERR text`.
    pub fn err(text: impl Into<String>) -> Response {
        Response::Err {
            code: None,
            text: text.into(),
        }
    }

    /// `-ERR [CODE] text`.
    pub fn err_with(code: RespCode, text: impl Into<String>) -> Response {
        Response::Err {
            code: Some(code),
            text: text.into(),
        }
    }

    /// Whether this is `+OK`.
    pub fn is_ok(&self) -> bool {
        matches!(self, Response::Ok { .. })
    }

    /// The text after the status indicator (and code).
    pub fn text(&self) -> &str {
        match self {
            Response::Ok { text, .. } | Response::Err { text, .. } | Response::Challenge(text) => {
                text
            }
        }
    }

    /// Parses a status line (without its CRLF).
    pub fn parse(line: &[u8]) -> Result<Response, NotAResponse> {
        let text = String::from_utf8_lossy(line);
        let (ok, rest) = if let Some(rest) = text.strip_prefix("+OK") {
            (Some(true), rest)
        } else if let Some(rest) = text.strip_prefix("-ERR") {
            (Some(false), rest)
        } else if let Some(rest) = text.strip_prefix('+') {
            let challenge = rest.strip_prefix(' ').unwrap_or(rest);
            return Ok(Response::Challenge(challenge.to_string()));
        } else {
            (None, "")
        };
        let Some(ok) = ok else {
            return Err(NotAResponse(text.into_owned()));
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return Err(NotAResponse(text.into_owned()));
        }
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        // RFC 2449 §8: a response code is the first thing after the indicator, in brackets.
        let (code, text) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
            Some((code, text)) if !code.is_empty() && !code.contains(' ') => (
                Some(RespCode::parse(code)),
                text.strip_prefix(' ').unwrap_or(text),
            ),
            _ => (None, rest),
        };
        let text = text.to_string();
        Ok(if ok {
            Response::Ok { code, text }
        } else {
            Response::Err { code, text }
        })
    }

    /// Appends the status line, CRLF included.
    pub fn write(&self, out: &mut Vec<u8>) {
        let (indicator, code, text) = match self {
            Response::Ok { code, text } => ("+OK", code, text),
            Response::Err { code, text } => ("-ERR", code, text),
            Response::Challenge(text) => ("+", &None, text),
        };
        out.extend_from_slice(indicator.as_bytes());
        if let Some(code) = code {
            out.extend_from_slice(format!(" [{}]", code.as_str()).as_bytes());
        }
        if !text.is_empty() || matches!(self, Response::Challenge(_)) {
            out.push(b' ');
            out.extend_from_slice(text.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_with_and_without_codes() {
        assert_eq!(Response::parse(b"+OK 2 320"), Ok(Response::ok("2 320")));
        assert_eq!(Response::parse(b"+OK"), Ok(Response::ok("")));
        assert_eq!(
            Response::parse(b"-ERR [IN-USE] Do you have another POP session running?"),
            Ok(Response::err_with(
                RespCode::InUse,
                "Do you have another POP session running?"
            ))
        );
        assert_eq!(
            Response::parse(b"-ERR [SYS/TEMP] try later"),
            Ok(Response::err_with(RespCode::SysTemp, "try later"))
        );
        assert_eq!(
            Response::parse(b"-ERR [no code here"),
            Ok(Response::err("[no code here"))
        );
        assert_eq!(
            Response::parse(b"+ "),
            Ok(Response::Challenge(String::new()))
        );
        assert!(Response::parse(b"+OKAY").is_err());
        assert!(Response::parse(b"HTTP/1.1 200 OK").is_err());
    }

    #[test]
    fn every_response_written_parses_back() {
        let all = [
            Response::ok("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"),
            Response::ok(""),
            Response::err("no such message"),
            Response::err_with(RespCode::Auth, "invalid user name or password"),
            Response::err_with(RespCode::Other("X-ODD".into()), "odd"),
            Response::Challenge(String::new()),
            Response::Challenge("c29tZQ==".into()),
        ];
        for response in all {
            let mut line = Vec::new();
            response.write(&mut line);
            assert!(line.ends_with(b"\r\n"));
            assert_eq!(Response::parse(&line[..line.len() - 2]), Ok(response));
        }
    }
}
