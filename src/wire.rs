//! Line framing shared by the text protocols: CRLF-terminated lines with a length limit, and the
//! dot-stuffing of multi-line data (RFC 5321 §4.5.2, RFC 1939 §3).
//!
//! Invariants: memory is bounded — when the caller drains lines after every push (as every
//! protocol machine does), a line longer than the limit is discarded as it arrives and reported
//! once as [`Framed::TooLong`]; feeding the same bytes split at any boundaries gives the same
//! lines. Whether a bare LF ends a line is the protocol's decision: every line says
//! whether it ended in CRLF.

/// One framed input line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Framed {
    /// A complete line, without its line end.
    Line {
        bytes: Vec<u8>,
        /// Whether it ended in CRLF (`false`: a bare LF).
        crlf: bool,
    },
    /// A line longer than the limit, reported once its line end arrived; its octets were
    /// dropped. `crlf` says how it ended, so a protocol can tell whether a next line starts
    /// after a CRLF (SMTP's end of data is `<CRLF>.<CRLF>` and nothing else).
    TooLong { crlf: bool },
}

/// Splits a byte stream into lines of at most `max` octets (line end included), or hands out
/// raw octets when the protocol says a counted block follows (a literal, a BDAT chunk).
#[derive(Clone, Debug)]
pub struct LineReader {
    max: usize,
    /// Received and not yet taken; `start` is where the unread part begins.
    buf: Vec<u8>,
    start: usize,
    /// Dropping the rest of an over-long line.
    discarding: bool,
    /// The last octet dropped while discarding (to know whether the line ends in CRLF).
    last_dropped: u8,
}

impl LineReader {
    /// A reader for lines of at most `max` octets, CRLF included.
    pub fn new(max: usize) -> Self {
        LineReader {
            max: max.max(2),
            buf: Vec::new(),
            start: 0,
            discarding: false,
            last_dropped: 0,
        }
    }

    /// Takes more bytes from the peer.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete line, if one has arrived. While no line end has arrived, at most
    /// `max` octets are kept: an over-long line is dropped as it comes and reported once, when
    /// its line end arrives.
    pub fn next_line(&mut self) -> Option<Framed> {
        let unread = self.buf.get(self.start..).unwrap_or_default();
        match memchr::memchr(b'\n', unread) {
            Some(lf) => {
                let line_start = self.start;
                self.start += lf + 1;
                let before_lf = match lf.checked_sub(1) {
                    Some(i) => self.buf.get(line_start + i).copied(),
                    None if self.discarding => Some(self.last_dropped),
                    None => None,
                };
                if self.discarding || lf + 1 > self.max {
                    self.discarding = false;
                    return Some(Framed::TooLong {
                        crlf: before_lf == Some(b'\r'),
                    });
                }
                let mut bytes = self
                    .buf
                    .get(line_start..line_start + lf)
                    .unwrap_or_default()
                    .to_vec();
                let crlf = bytes.last() == Some(&b'\r');
                if crlf {
                    bytes.pop();
                }
                Some(Framed::Line { bytes, crlf })
            }
            None => {
                if unread.len() > self.max || self.discarding {
                    // Too long already: drop what came; the rest is dropped as it comes.
                    if let Some(&last) = unread.last() {
                        self.last_dropped = last;
                    }
                    self.start = self.buf.len();
                    self.discarding = true;
                }
                None
            }
        }
    }

    /// Up to `n` raw octets that have arrived (a counted block: no line framing applies).
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        let unread = self.buf.get(self.start..).unwrap_or_default();
        let n = n.min(unread.len());
        let taken = unread.get(..n).unwrap_or_default().to_vec();
        self.start += n;
        taken
    }

    /// Octets received after the last line end (an incomplete line).
    pub fn pending(&self) -> &[u8] {
        if self.discarding {
            return &[];
        }
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// Changes the limit (e.g. from command lines to text lines).
    pub fn set_max(&mut self, max: usize) {
        self.max = max.max(2);
    }
}

/// Appends `data` as dot-stuffed multi-line data followed by the terminating `.` line: every
/// line that starts with `.` gets one more (RFC 5321 §4.5.2, RFC 1939 §3), a missing final CRLF
/// is added, and a bare LF is sent as CRLF.
pub fn write_dot_stuffed(out: &mut Vec<u8>, data: &[u8]) {
    out.reserve(data.len() + data.len() / 64 + 5);
    // Line by line, each copied whole: a byte scan for LF, not a push per byte.
    for line in data.split_inclusive(|&b| b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text
            .strip_suffix(b"\r")
            .filter(|_| line.ends_with(b"\n"))
            .unwrap_or(text);
        out.extend_from_slice(text);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
}

/// One line of dot-stuffed data as received: `None` for the terminating `.` line, else the line
/// with one leading `.` removed if it had one (RFC 5321 §4.5.2).
pub fn unstuff(line: &[u8]) -> Option<&[u8]> {
    match line {
        b"." => None,
        [b'.', rest @ ..] => Some(rest),
        _ => Some(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(reader: &mut LineReader) -> Vec<Framed> {
        std::iter::from_fn(|| reader.next_line()).collect()
    }

    fn line(text: &str, crlf: bool) -> Framed {
        Framed::Line {
            bytes: text.as_bytes().to_vec(),
            crlf,
        }
    }

    #[test]
    fn lines_end_at_crlf_or_bare_lf_and_say_which() {
        let mut r = LineReader::new(100);
        r.push(b"USER bob\r\nPASS hungry\nSTAT");
        assert_eq!(
            lines(&mut r),
            [line("USER bob", true), line("PASS hungry", false)]
        );
        assert_eq!(r.pending(), b"STAT");
        r.push(b"\r\n");
        assert_eq!(lines(&mut r), [line("STAT", true)]);
    }

    #[test]
    fn any_split_gives_the_same_lines() {
        let input = b"one\r\ntwo two\r\n\r\nthree\n.\r\n";
        let mut whole = LineReader::new(100);
        whole.push(input);
        let expected = lines(&mut whole);
        for size in 1..input.len() {
            let mut r = LineReader::new(100);
            for chunk in input.chunks(size) {
                r.push(chunk);
            }
            assert_eq!(lines(&mut r), expected, "chunks of {size}");
        }
    }

    #[test]
    fn an_overlong_line_is_reported_once_and_memory_stays_bounded() {
        let mut r = LineReader::new(10);
        r.push(b"ok\r\n");
        let mut seen = lines(&mut r);
        for _ in 0..1000 {
            r.push(&[b'x'; 100]);
            // A protocol drains lines after every push; then the buffer stays small.
            seen.extend(lines(&mut r));
            assert!(r.pending().len() <= 10);
            assert!(r.buf.len() - r.start <= 100);
        }
        r.push(b"\r\nnext\r\n");
        seen.extend(lines(&mut r));
        assert_eq!(
            seen,
            [
                line("ok", true),
                Framed::TooLong { crlf: true },
                line("next", true)
            ]
        );
        // Exactly at the limit (CRLF included) is fine; one more is not.
        r.push(b"12345678\r\n123456789\r\n");
        assert_eq!(
            lines(&mut r),
            [line("12345678", true), Framed::TooLong { crlf: true }]
        );
    }

    #[test]
    fn an_overlong_line_says_how_it_ended_even_across_pushes() {
        let mut r = LineReader::new(10);
        r.push(&[b'x'; 30]);
        r.push(b"\r");
        assert_eq!(r.next_line(), None, "not ended yet");
        r.push(b"\n");
        assert_eq!(r.next_line(), Some(Framed::TooLong { crlf: true }));
        r.push(&[b'y'; 30]);
        r.push(b"\n.\r\n");
        assert_eq!(
            lines(&mut r),
            [Framed::TooLong { crlf: false }, line(".", true)]
        );
    }

    #[test]
    fn counted_blocks_are_taken_raw_between_lines() {
        let mut r = LineReader::new(100);
        r.push(b"BDAT 7 LAST\r\nab\ncd\r");
        assert_eq!(r.next_line(), Some(line("BDAT 7 LAST", true)));
        assert_eq!(r.take(7), b"ab\ncd\r", "only what has arrived");
        r.push(b"\nQUIT\r\n");
        assert_eq!(r.take(1), b"\n");
        assert_eq!(lines(&mut r), [line("QUIT", true)]);
    }

    #[test]
    fn dot_stuffing_doubles_leading_dots_and_terminates() {
        let mut out = Vec::new();
        write_dot_stuffed(&mut out, b"Hi\r\n.hidden\r\n..two\r\nno end");
        assert_eq!(out, b"Hi\r\n..hidden\r\n...two\r\nno end\r\n.\r\n");
        let mut empty = Vec::new();
        write_dot_stuffed(&mut empty, b"");
        assert_eq!(empty, b".\r\n");
        let mut bare = Vec::new();
        write_dot_stuffed(&mut bare, b"a\n.b\n");
        assert_eq!(bare, b"a\r\n..b\r\n.\r\n");
    }

    #[test]
    fn unstuffing_reverses_stuffing_line_by_line() {
        let original = b"From: a\r\n\r\n.\r\n..\r\n.x\r\nend\r\n";
        let mut wire = Vec::new();
        write_dot_stuffed(&mut wire, original);
        let mut r = LineReader::new(1000);
        r.push(&wire);
        let mut back = Vec::new();
        while let Some(Framed::Line { bytes, .. }) = r.next_line() {
            match unstuff(&bytes) {
                Some(l) => {
                    back.extend_from_slice(l);
                    back.extend_from_slice(b"\r\n");
                }
                None => break,
            }
        }
        assert_eq!(back, original);
    }
}
