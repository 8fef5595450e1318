//! The small services every virtual host runs besides mail, so a connection can be tried end to
//! end before any mail protocol is involved: Echo (RFC 862) on port 7 and Daytime (RFC 867) on
//! port 13, both in their TCP form.
//!
//! They are sans-I/O machines like the mail servers: bytes and the world's time in, [`Output`]s
//! out, drained by the driver after every input.

use std::collections::VecDeque;

use crate::time::Instant;

/// What a built-in server gives its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Bytes for the client.
    Send(Vec<u8>),
    /// The server closes the connection (after everything sent before it).
    Close,
}

/// RFC 862, TCP based Echo Service: "Once a connection is established any data received is sent
/// back. This continues until the calling user terminates the connection."
#[derive(Debug, Default)]
pub struct Echo {
    out: VecDeque<Output>,
}

impl Echo {
    /// A new echo session; the service says nothing until it is spoken to.
    pub fn new() -> Self {
        Echo::default()
    }

    /// Bytes from the client: every octet goes back unchanged.
    pub fn feed(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.out.push_back(Output::Send(bytes.to_vec()));
        }
    }

    /// The next output for the driver, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }
}

/// RFC 867, TCP based Daytime Service: "Once a connection is established the current date and
/// time is sent out the connection as a ascii character string (and any data received is thrown
/// away). The service closes the connection after sending the quote."
///
/// RFC 867 leaves the syntax open; this service sends the RFC 5322 §3.3 form of the world's time
/// followed by CRLF, e.g. `Mon, 23 Nov 2026 09:00:00 +0000`.
#[derive(Debug)]
pub struct Daytime {
    out: VecDeque<Output>,
}

impl Daytime {
    /// A session opened at `now`: the date line and the close are queued at once.
    pub fn greet(now: Instant) -> Self {
        let mut line = now.rfc5322().into_bytes();
        line.extend_from_slice(b"\r\n");
        Daytime {
            out: VecDeque::from([Output::Send(line), Output::Close]),
        }
    }

    /// Bytes from the client are thrown away (RFC 867).
    pub fn feed(&mut self, _bytes: &[u8]) {}

    /// The next output for the driver, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }
}

/// A host with no room for another session: the refusal its protocol allows in place of a
/// greeting, then the close. SMTP: `421 <domain> Service not available, closing transmission
/// channel` (RFC 5321 §3.1, §4.2.3); POP3: `-ERR [SYS/TEMP]` (RFC 2449 §8.1.2); IMAP: `* BYE
/// [UNAVAILABLE]` (RFC 3501 §7.1.5, RFC 5530 §3). Echo and daytime just close.
#[derive(Debug)]
pub struct Busy {
    out: VecDeque<Output>,
}

impl Busy {
    /// A refused session: `line` (without CRLF, empty for none), then the close.
    pub fn greet(line: &str) -> Self {
        let mut out = VecDeque::new();
        if !line.is_empty() {
            out.push_back(Output::Send(format!("{line}\r\n").into_bytes()));
        }
        out.push_back(Output::Close);
        Busy { out }
    }

    /// The next output for the driver, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(mut poll: impl FnMut() -> Option<Output>) -> Vec<Output> {
        std::iter::from_fn(&mut poll).collect()
    }

    #[test]
    fn echo_sends_back_every_octet_including_nul_and_8bit() {
        let mut echo = Echo::new();
        assert_eq!(echo.poll_output(), None, "echo must not speak first");
        echo.feed(b"HELO\x00\xff\r\n");
        assert_eq!(
            drain(|| echo.poll_output()),
            vec![Output::Send(b"HELO\x00\xff\r\n".to_vec())]
        );
    }

    #[test]
    fn echo_split_input_gives_the_same_bytes_back() {
        let input = b"one line\r\nanother\r\n";
        for chunk in 1..=input.len() {
            let mut echo = Echo::new();
            let mut back = Vec::new();
            for piece in input.chunks(chunk) {
                echo.feed(piece);
                while let Some(Output::Send(b)) = echo.poll_output() {
                    back.extend(b);
                }
            }
            assert_eq!(back, input, "chunk size {chunk}");
        }
    }

    #[test]
    fn daytime_sends_the_date_then_closes_and_ignores_input() {
        let now = Instant::from_unix_millis(1_795_424_400_000);
        let mut daytime = Daytime::greet(now);
        daytime.feed(b"ignored\r\n");
        assert_eq!(
            drain(|| daytime.poll_output()),
            vec![
                Output::Send(b"Mon, 23 Nov 2026 09:00:00 +0000\r\n".to_vec()),
                Output::Close
            ]
        );
    }
}
