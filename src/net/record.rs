//! What every connection said, both ways, with the world's time: the material of the
//! transcript and sequence views (who talked to whom, when, and what), for terminals, user
//! agents and servers relaying alike.
//!
//! Invariants: a record holds the bytes in the order they crossed the connection; it is bounded
//! ([`MAX_RECORD_OCTETS`] per session, the octets beyond counted, not kept), and the world keeps
//! the last [`MAX_FINISHED_SESSIONS`] finished sessions.

use super::ConnId;
use super::host::Service;
use crate::time::Instant;

/// The most octets one session's record keeps.
pub const MAX_RECORD_OCTETS: usize = 256 * 1024;
/// How many finished sessions the world remembers.
pub const MAX_FINISHED_SESSIONS: usize = 100;
/// How many protocol states one session's path keeps (the latest; an SMTP session that sends
/// many messages goes round ready → envelope → data again and again).
pub const MAX_PATH: usize = 64;

/// One chunk that crossed a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub at: Instant,
    /// Sent by the client (`C:`), or else by the server (`S:`).
    pub from_client: bool,
    pub bytes: Vec<u8>,
}

/// Who ended a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closer {
    Client,
    Server,
}

/// One session: its endpoints, its times and its dialogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: ConnId,
    /// Who opened it: a terminal, a user agent (`bob@hamburger.edu on laptop`), a relaying host.
    pub client: String,
    pub host: String,
    pub port: u16,
    pub service: Service,
    pub opened_at: Instant,
    /// When and by whom it ended (`None` while open).
    pub closed: Option<(Instant, Closer)>,
    chunks: Vec<Chunk>,
    kept: usize,
    dropped: usize,
    /// The protocol spoken and its states in order (`None` for echo and daytime).
    protocol: Option<(&'static str, Vec<&'static str>)>,
    /// The protocol states the session entered, in order, with when.
    path: Vec<(Instant, &'static str)>,
}

impl SessionRecord {
    pub(super) fn new(
        id: ConnId,
        client: &str,
        host: &str,
        port: u16,
        service: Service,
        at: Instant,
    ) -> SessionRecord {
        SessionRecord {
            id,
            client: client.to_string(),
            host: host.to_string(),
            port,
            service,
            opened_at: at,
            closed: None,
            chunks: Vec::new(),
            kept: 0,
            dropped: 0,
            protocol: None,
            path: Vec::new(),
        }
    }

    /// Names the protocol the session speaks and its states in order.
    pub(super) fn set_protocol(&mut self, protocol: &'static str, phases: Vec<&'static str>) {
        self.protocol = Some((protocol, phases));
    }

    /// Notes that the session is in state `phase` at `at`: a new step of the path when it
    /// differs from the last one. Names that are not one of the protocol's states (SMTP's
    /// `auth`, a closed session) are not steps.
    pub(super) fn note_phase(&mut self, at: Instant, phase: &'static str) {
        let known = self
            .protocol
            .as_ref()
            .is_some_and(|(_, phases)| phases.contains(&phase));
        if !known || self.path.last().is_some_and(|(_, last)| *last == phase) {
            return;
        }
        if self.path.len() == MAX_PATH {
            self.path.remove(0);
        }
        self.path.push((at, phase));
    }

    /// Notes `bytes` crossing at `at` (what does not fit is counted in [`Self::dropped`]).
    pub(super) fn note(&mut self, at: Instant, from_client: bool, bytes: &[u8]) {
        let room = MAX_RECORD_OCTETS.saturating_sub(self.kept);
        let (kept, rest) = bytes.split_at(bytes.len().min(room));
        self.dropped += rest.len();
        if kept.is_empty() {
            return;
        }
        self.kept += kept.len();
        match self.chunks.last_mut() {
            // Consecutive bytes the same way at the same moment are one chunk.
            Some(last) if last.from_client == from_client && last.at == at => {
                last.bytes.extend_from_slice(kept);
            }
            _ => self.chunks.push(Chunk {
                at,
                from_client,
                bytes: kept.to_vec(),
            }),
        }
    }

    pub(super) fn close(&mut self, at: Instant, by: Closer) {
        if self.closed.is_none() {
            self.closed = Some((at, by));
        }
    }

    /// The dialogue, in order.
    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    /// The dialogue as lines: (time, from the client, the line without its CRLF). A line split
    /// across chunks is joined; a last line without CRLF is given as it is.
    pub fn lines(&self) -> Vec<(Instant, bool, Vec<u8>)> {
        let mut lines: Vec<(Instant, bool, Vec<u8>)> = Vec::new();
        let mut open: [Option<(Instant, Vec<u8>)>; 2] = [None, None];
        for chunk in &self.chunks {
            let side = usize::from(chunk.from_client);
            for piece in chunk.bytes.split_inclusive(|&b| b == b'\n') {
                let (at, mut line) = open[side].take().unwrap_or_else(|| (chunk.at, Vec::new()));
                line.extend_from_slice(piece);
                if line.ends_with(b"\n") {
                    line.pop();
                    if line.ends_with(b"\r") {
                        line.pop();
                    }
                    lines.push((at, chunk.from_client, line));
                } else {
                    open[side] = Some((at, line));
                }
            }
        }
        for (side, rest) in open.into_iter().enumerate() {
            if let Some((at, line)) = rest {
                lines.push((at, side == 1, line));
            }
        }
        crate::sort::sort_by(&mut lines, |a, b| a.0.cmp(&b.0));
        lines
    }

    /// Octets that crossed after the record was full.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The protocol spoken (`SMTP`, `POP3`, `IMAP`) and its states in order, as
    /// [`SessionState`](super::SessionState) names them; `None` for echo and daytime.
    pub fn protocol(&self) -> Option<(&'static str, &[&'static str])> {
        self.protocol
            .as_ref()
            .map(|(p, phases)| (*p, phases.as_slice()))
    }

    /// The protocol states the session went through, in order, each with when it was entered
    /// (the last [`MAX_PATH`]) — a finished session's too: a POP3 QUIT in TRANSACTION shows its
    /// UPDATE state here, though the connection closed in the same step (RFC 1939 §6).
    pub fn path(&self) -> &[(Instant, &'static str)] {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> Instant {
        Instant::from_unix_millis(s * 1000)
    }

    #[test]
    fn lines_join_split_chunks_and_keep_the_order() {
        let mut r = SessionRecord::new(ConnId(1), "t", "h", 25, Service::SmtpMx, at(0));
        r.note(at(0), false, b"220 ready\r\n");
        r.note(at(1), true, b"HE");
        r.note(at(2), true, b"LO x\r\nQUIT\r\n");
        r.note(at(2), false, b"250 ok\r\n221 bye\r\n");
        r.note(at(3), false, b"no newline");
        let lines: Vec<(u64, bool, String)> = r
            .lines()
            .into_iter()
            .map(|(t, c, l)| {
                (
                    t.unix_seconds(),
                    c,
                    String::from_utf8_lossy(&l).into_owned(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                (0, false, "220 ready".to_string()),
                (1, true, "HELO x".to_string()),
                (2, true, "QUIT".to_string()),
                (2, false, "250 ok".to_string()),
                (2, false, "221 bye".to_string()),
                (3, false, "no newline".to_string()),
            ]
        );
    }

    #[test]
    fn the_path_keeps_each_new_state_of_the_protocol_once() {
        let mut r = SessionRecord::new(ConnId(1), "t", "h", 110, Service::Pop3, at(0));
        r.note_phase(at(0), "AUTHORIZATION");
        assert!(r.path().is_empty(), "no protocol named yet");
        r.set_protocol("POP3", vec!["AUTHORIZATION", "TRANSACTION", "UPDATE"]);
        for (t, phase) in [
            (0, "AUTHORIZATION"),
            (1, "AUTHORIZATION"),
            (2, "TRANSACTION"),
            (3, "UPDATE"),
            (3, "closed"),
        ] {
            r.note_phase(at(t), phase);
        }
        let path: Vec<(u64, &str)> = r
            .path()
            .iter()
            .map(|(t, p)| (t.unix_seconds(), *p))
            .collect();
        assert_eq!(
            path,
            [(0, "AUTHORIZATION"), (2, "TRANSACTION"), (3, "UPDATE")]
        );
        for t in 0..200 {
            r.note_phase(at(t), if t % 2 == 0 { "TRANSACTION" } else { "UPDATE" });
        }
        assert_eq!(r.path().len(), MAX_PATH);
    }

    #[test]
    fn a_record_is_bounded_and_counts_what_it_dropped() {
        let mut r = SessionRecord::new(ConnId(1), "t", "h", 7, Service::Echo, at(0));
        let big = vec![b'x'; MAX_RECORD_OCTETS - 10];
        r.note(at(0), true, &big);
        r.note(at(1), false, &[b'y'; 25]);
        assert_eq!(r.dropped(), 15);
        let kept: usize = r.chunks().iter().map(|c| c.bytes.len()).sum();
        assert_eq!(kept, MAX_RECORD_OCTETS);
        r.note(at(2), true, b"more");
        assert_eq!(r.dropped(), 19);
    }
}
