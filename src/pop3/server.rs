//! The POP3 server machine (RFC 1939, with CAPA and response codes from RFC 2449 and RFC 3206,
//! and AUTH PLAIN from RFC 5034 / RFC 4616).
//!
//! Sans-I/O: the driver feeds client bytes with the host's [`Store`] and the world's time, and
//! drains [`Output`]s after every call. The session goes through the three states of RFC 1939
//! §3: AUTHORIZATION (USER/PASS, APOP, AUTH), TRANSACTION (with the maildrop locked and its
//! message list fixed for the session, §8), and UPDATE (QUIT: deletions are committed). A
//! connection that ends any other way — the client vanishes, or the autologout timer fires —
//! commits nothing (§3, §6) and releases the lock.
//!
//! Invariants: every command line gets exactly one response, in order (so pipelining, RFC 2449
//! §6.6, works); message numbers never shift within a session; nothing but QUIT in TRANSACTION
//! removes a message.

use std::collections::VecDeque;
use std::time::Duration;

use md5::{Digest, Md5};

use super::command::{Command, MAX_COMMAND_LINE, MsgNumber, ParseError};
use super::response::{RespCode, Response};
use crate::sasl;
use crate::store::{MaildropLock, Origin, Store, Uid};
use crate::time::Instant;
use crate::wire::{Framed, LineReader, write_dot_stuffed};

/// RFC 1939 §3: the autologout timer "MUST be of at least 10 minutes' duration".
pub const AUTOLOGOUT: Duration = Duration::from_secs(10 * 60);

/// What the server is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The host name, shown in the greeting.
    pub host: String,
    /// The APOP timestamp of the greeting, `<…@host>` (RFC 1939 §7): unique per session.
    pub timestamp: String,
}

/// The phases of a session (RFC 1939 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Authorization,
    Transaction,
    Update,
    /// The connection is over.
    Closed,
}

impl Phase {
    /// The states of RFC 1939 §3, in order, as the RFC names them.
    pub const ALL: [Phase; 3] = [Phase::Authorization, Phase::Transaction, Phase::Update];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Authorization => "AUTHORIZATION",
            Phase::Transaction => "TRANSACTION",
            Phase::Update => "UPDATE",
            Phase::Closed => "closed",
        }
    }
}

/// What the server gives its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Bytes for the client.
    Send(Vec<u8>),
    /// Close the connection (after everything sent before).
    Close,
    /// Something worth showing (state diagrams, transcripts).
    Event(Event),
}

/// What happened in a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The session entered another phase.
    Phase(Phase),
    /// `user` logged in and locked the maildrop.
    LoggedIn { user: String },
    /// The UPDATE state removed these messages.
    Committed { user: String, deleted: Vec<Uid> },
    /// The session ended without QUIT: nothing was removed.
    Abandoned { user: String },
}

/// One message of the maildrop as the session sees it.
#[derive(Clone, Debug)]
struct Entry {
    uid: Uid,
    size: usize,
    deleted: bool,
}

enum State {
    Authorization {
        /// The name given by USER, waiting for PASS.
        user: Option<String>,
        /// AUTH PLAIN without an initial response: the next line is the SASL response.
        awaiting_sasl: bool,
    },
    Transaction {
        lock: MaildropLock,
        /// Fixed when the maildrop was locked (RFC 1939 §8: new mail waits for the next session).
        maildrop: Vec<Entry>,
        uid_validity: u32,
    },
    Closed,
}

/// A POP3 server session.
pub struct Server {
    config: Config,
    state: State,
    reader: LineReader,
    out: VecDeque<Output>,
    deadline: Instant,
}

impl Server {
    /// A session opened at `now`: the greeting is queued.
    pub fn greet(config: Config, now: Instant) -> Server {
        let mut server = Server {
            state: State::Authorization {
                user: None,
                awaiting_sasl: false,
            },
            reader: LineReader::new(MAX_COMMAND_LINE),
            out: VecDeque::new(),
            deadline: now.saturating_add(AUTOLOGOUT),
            config,
        };
        let greeting = format!("POP3 server ready {}", server.config.timestamp);
        server.reply(Response::ok(greeting));
        server
            .out
            .push_back(Output::Event(Event::Phase(Phase::Authorization)));
        server
    }

    /// The session's phase.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Authorization { .. } => Phase::Authorization,
            State::Transaction { .. } => Phase::Transaction,
            State::Closed => Phase::Closed,
        }
    }

    /// The commands valid now (RFC 1939 §4–§7, RFC 2449 CAPA), for a student deciding what to
    /// type next.
    pub fn next_commands(&self) -> &'static [&'static str] {
        match &self.state {
            State::Authorization { user: Some(_), .. } => &["PASS", "QUIT"],
            State::Authorization { .. } => &["USER", "APOP", "AUTH", "CAPA", "QUIT"],
            State::Transaction { .. } => &[
                "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL", "CAPA", "QUIT",
            ],
            State::Closed => &[],
        }
    }

    /// The next output for the driver.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When the autologout timer fires (none once closed).
    pub fn poll_timeout(&self) -> Option<Instant> {
        (!matches!(self.state, State::Closed)).then_some(self.deadline)
    }

    /// Client bytes.
    pub fn feed(&mut self, bytes: &[u8], store: &mut Store, now: Instant) {
        if matches!(self.state, State::Closed) {
            return;
        }
        self.deadline = now.saturating_add(AUTOLOGOUT);
        self.reader.push(bytes);
        while let Some(framed) = self.reader.next_line() {
            if matches!(self.state, State::Closed) {
                // RFC 2449 §6.6: nothing after QUIT is answered.
                break;
            }
            match framed {
                Framed::TooLong { .. } => self.reply(Response::err(format!(
                    "line too long (at most {MAX_COMMAND_LINE} octets with CRLF)"
                ))),
                Framed::Line { bytes, .. } => self.line(&bytes, store),
            }
        }
    }

    /// The autologout timer: at or after the deadline the session ends without a response and
    /// without removing anything (RFC 1939 §3).
    pub fn handle_timeout(&mut self, store: &mut Store, now: Instant) {
        if now >= self.deadline && !matches!(self.state, State::Closed) {
            self.abandon(store);
            self.out.push_back(Output::Close);
        }
    }

    /// The connection is gone (the client closed it or vanished): nothing is committed.
    pub fn handle_close(&mut self, store: &mut Store) {
        self.abandon(store);
    }

    fn abandon(&mut self, store: &mut Store) {
        if let State::Transaction { lock, .. } = std::mem::replace(&mut self.state, State::Closed) {
            let user = lock.user().to_string();
            store.unlock_maildrop(lock);
            self.event(Event::Abandoned { user });
        }
        self.state = State::Closed;
        self.event(Event::Phase(Phase::Closed));
    }

    fn reply(&mut self, response: Response) {
        let mut bytes = Vec::new();
        response.write(&mut bytes);
        self.out.push_back(Output::Send(bytes));
    }

    /// `+OK text` followed by dot-stuffed `data`.
    fn reply_multiline(&mut self, text: String, data: &[u8]) {
        let mut bytes = Vec::with_capacity(data.len() + 64);
        Response::ok(text).write(&mut bytes);
        write_dot_stuffed(&mut bytes, data);
        self.out.push_back(Output::Send(bytes));
    }

    fn event(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    fn line(&mut self, line: &[u8], store: &mut Store) {
        if let State::Authorization {
            awaiting_sasl: awaiting @ true,
            ..
        } = &mut self.state
        {
            *awaiting = false;
            self.sasl_plain(line, store);
            return;
        }
        let command = match Command::parse(line) {
            Ok(command) => command,
            Err(ParseError::Empty) => return self.reply(Response::err("empty command")),
            Err(e) => return self.reply(Response::err(e.to_string())),
        };
        match (&self.state, command) {
            (_, Command::Capa) => self.capa(),
            (_, Command::Noop) if matches!(self.state, State::Transaction { .. }) => {
                self.reply(Response::ok(""))
            }
            (State::Authorization { .. }, command) => self.authorization(command, store),
            (State::Transaction { .. }, command) => self.transaction(command, store),
            (State::Closed, _) => {}
        }
    }

    /// RFC 2449 §5: what this server offers.
    fn capa(&mut self) {
        let mut list = String::new();
        for capability in [
            "TOP",
            "USER",
            "UIDL",
            "RESP-CODES",
            "AUTH-RESP-CODE",
            "PIPELINING",
            "SASL PLAIN",
            "EXPIRE NEVER",
            "IMPLEMENTATION Mail-Lab",
        ] {
            list.push_str(capability);
            list.push_str("\r\n");
        }
        self.reply_multiline("Capability list follows".into(), list.as_bytes());
    }

    fn authorization(&mut self, command: Command, store: &mut Store) {
        let State::Authorization { user, .. } = &mut self.state else {
            return;
        };
        match command {
            Command::User(name) => {
                // RFC 1939 §7: the server may answer +OK whether or not the name exists, so a
                // stranger learns nothing from USER.
                *user = Some(name);
                self.reply(Response::ok("send PASS"));
            }
            Command::Pass(password) => match user.take() {
                None => self.reply(Response::err("give USER first, then PASS")),
                Some(name) => {
                    if store.authenticate(&name, &password) {
                        self.log_in(&name, store);
                    } else {
                        self.reply(Response::err_with(
                            RespCode::Auth,
                            "invalid user name or password",
                        ));
                    }
                }
            },
            Command::Apop { name, digest } => {
                // RFC 1939 §7: MD5 of the greeting's timestamp followed by the shared secret.
                let expected = store
                    .password(&name)
                    .map(|secret| apop_digest(&self.config.timestamp, secret));
                if expected.is_some_and(|e| e.eq_ignore_ascii_case(&digest)) {
                    self.log_in(&name, store);
                } else {
                    self.reply(Response::err_with(RespCode::Auth, "permission denied"));
                }
            }
            Command::Auth { mechanism, initial } => {
                if mechanism != "PLAIN" {
                    return self.reply(Response::err(format!(
                        "unsupported SASL mechanism {mechanism} (this server offers PLAIN)"
                    )));
                }
                match initial {
                    Some(ir) => self.sasl_plain(ir.as_bytes(), store),
                    None => {
                        if let State::Authorization { awaiting_sasl, .. } = &mut self.state {
                            *awaiting_sasl = true;
                        }
                        self.reply(Response::Challenge(String::new()));
                    }
                }
            }
            Command::Quit => {
                self.reply(Response::ok("POP3 server signing off"));
                self.state = State::Closed;
                self.event(Event::Phase(Phase::Closed));
                self.out.push_back(Output::Close);
            }
            other => self.reply(Response::err(format!(
                "{} is only valid after logging in (USER and PASS, or APOP)",
                keyword(&other)
            ))),
        }
    }

    /// RFC 4616 PLAIN, base64; `=` is an empty response and `*` cancels (RFC 5034 §4).
    fn sasl_plain(&mut self, response: &[u8], store: &mut Store) {
        if response == b"*" {
            return self.reply(Response::err("authentication cancelled"));
        }
        let plain = match sasl::Plain::decode(response) {
            Ok(plain) => plain,
            Err(sasl::SaslError::Base64) => {
                return self.reply(Response::err("invalid base64 in the SASL response"));
            }
            Err(_) => {
                return self.reply(Response::err(
                    "malformed PLAIN response (authzid NUL authcid NUL password)",
                ));
            }
        };
        if plain.acts_for_itself() && store.authenticate(&plain.authcid, &plain.password) {
            self.log_in(&plain.authcid, store);
        } else {
            self.reply(Response::err_with(RespCode::Auth, "authentication failed"));
        }
    }

    /// Locks the maildrop and enters TRANSACTION (RFC 1939 §4, §8).
    fn log_in(&mut self, user: &str, store: &mut Store) {
        let lock = match store.lock_maildrop(user) {
            Ok(lock) => lock,
            Err(_) => {
                return self.reply(Response::err_with(
                    RespCode::InUse,
                    "maildrop already locked: is another POP3 session running?",
                ));
            }
        };
        let canonical = lock.user().to_string();
        let (maildrop, uid_validity) = match (
            store.messages(&canonical, "INBOX"),
            store.status(&canonical, "INBOX"),
        ) {
            (Ok(messages), Ok(status)) => (
                messages
                    .iter()
                    .map(|m| Entry {
                        uid: m.uid(),
                        size: m.size(),
                        deleted: false,
                    })
                    .collect::<Vec<_>>(),
                status.uid_validity.get(),
            ),
            _ => {
                store.unlock_maildrop(lock);
                return self.reply(Response::err_with(
                    RespCode::SysTemp,
                    "the maildrop cannot be opened",
                ));
            }
        };
        let (count, octets) = totals(&maildrop);
        self.state = State::Transaction {
            lock,
            maildrop,
            uid_validity,
        };
        self.reply(Response::ok(format!(
            "maildrop locked and ready: {count} message{} ({octets} octets)",
            plural(count)
        )));
        self.event(Event::LoggedIn { user: canonical });
        self.event(Event::Phase(Phase::Transaction));
    }

    fn transaction(&mut self, command: Command, store: &mut Store) {
        let State::Transaction {
            lock,
            maildrop,
            uid_validity,
        } = &mut self.state
        else {
            return;
        };
        let user = lock.user().to_string();
        let uid_validity = *uid_validity;
        match command {
            Command::Stat => {
                let (count, octets) = totals(maildrop);
                self.reply(Response::ok(format!("{count} {octets}")));
            }
            Command::List(None) => {
                let (count, octets) = totals(maildrop);
                let listing = scan_listing(maildrop, |_, e| e.size.to_string());
                self.reply_multiline(
                    format!("{count} message{} ({octets} octets)", plural(count)),
                    listing.as_bytes(),
                );
            }
            Command::List(Some(n)) => match live(maildrop, n) {
                Ok(entry) => {
                    let size = entry.size;
                    self.reply(Response::ok(format!("{n} {size}")));
                }
                Err(e) => self.reply(e),
            },
            Command::Uidl(None) => {
                let listing = scan_listing(maildrop, |_, e| unique_id(uid_validity, e.uid));
                self.reply_multiline("unique-id listing follows".into(), listing.as_bytes());
            }
            Command::Uidl(Some(n)) => match live(maildrop, n) {
                Ok(entry) => {
                    let id = unique_id(uid_validity, entry.uid);
                    self.reply(Response::ok(format!("{n} {id}")));
                }
                Err(e) => self.reply(e),
            },
            Command::Retr(n) => match live(maildrop, n) {
                Ok(entry) => {
                    let (uid, size) = (entry.uid, entry.size);
                    match store.message(&user, "INBOX", uid) {
                        Ok(message) => {
                            let raw = message.raw().clone();
                            self.reply_multiline(format!("{size} octets"), &raw);
                        }
                        Err(_) => self.reply(gone()),
                    }
                }
                Err(e) => self.reply(e),
            },
            Command::Top { msg, lines } => match live(maildrop, msg) {
                Ok(entry) => match store.message(&user, "INBOX", entry.uid) {
                    Ok(message) => {
                        let top = top(message.raw(), lines);
                        self.reply_multiline("top of message follows".into(), &top);
                    }
                    Err(_) => self.reply(gone()),
                },
                Err(e) => self.reply(e),
            },
            Command::Dele(n) => match live(maildrop, n) {
                Ok(_) => {
                    if let Some(entry) = entry_mut(maildrop, n) {
                        entry.deleted = true;
                    }
                    self.reply(Response::ok(format!("message {n} deleted")));
                }
                Err(e) => self.reply(e),
            },
            Command::Rset => {
                maildrop.iter_mut().for_each(|e| e.deleted = false);
                let (count, octets) = totals(maildrop);
                self.reply(Response::ok(format!(
                    "maildrop has {count} message{} ({octets} octets)",
                    plural(count)
                )));
            }
            Command::Noop => self.reply(Response::ok("")),
            Command::Quit => self.update(store),
            Command::User(_) | Command::Pass(_) | Command::Apop { .. } | Command::Auth { .. } => {
                self.reply(Response::err("already logged in"))
            }
            Command::Capa => self.capa(),
        }
    }

    /// RFC 1939 §6: QUIT in TRANSACTION enters UPDATE: the messages marked deleted are removed,
    /// the lock is released, and the connection closes.
    fn update(&mut self, store: &mut Store) {
        let State::Transaction { lock, maildrop, .. } =
            std::mem::replace(&mut self.state, State::Closed)
        else {
            return;
        };
        self.event(Event::Phase(Phase::Update));
        let user = lock.user().to_string();
        let marked: Vec<Uid> = maildrop
            .iter()
            .filter(|e| e.deleted)
            .map(|e| e.uid)
            .collect();
        let left = maildrop.len() - marked.len();
        let result = if marked.is_empty() {
            Ok(Vec::new())
        } else {
            store
                .set_flags(
                    Origin::SYSTEM,
                    &user,
                    "INBOX",
                    &marked,
                    crate::store::FlagOp::Add,
                    crate::store::Flags::DELETED,
                    &[],
                )
                .and_then(|_| store.expunge(Origin::SYSTEM, &user, "INBOX", Some(&marked)))
        };
        store.unlock_maildrop(lock);
        match result {
            Ok(removed) => {
                let text = if left == 0 {
                    "POP3 server signing off (maildrop empty)".to_string()
                } else {
                    format!(
                        "POP3 server signing off ({left} message{} left)",
                        plural(left)
                    )
                };
                self.reply(Response::ok(text));
                self.event(Event::Committed {
                    user,
                    deleted: removed,
                });
            }
            Err(_) => self.reply(Response::err("some deleted messages not removed")),
        }
        self.event(Event::Phase(Phase::Closed));
        self.out.push_back(Output::Close);
    }
}

/// RFC 1939 §7: the hex MD5 digest of `timestamp` followed by `secret`.
pub fn apop_digest(timestamp: &str, secret: &str) -> String {
    let digest = Md5::new()
        .chain_update(timestamp.as_bytes())
        .chain_update(secret.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 1939 §7 UIDL: "1 to 70 characters in the range of 0x21 to 0x7E", unique and stable for
/// the maildrop. UIDVALIDITY and UID together are exactly that.
pub fn unique_id(uid_validity: u32, uid: Uid) -> String {
    format!("{uid_validity}.{}", uid.get())
}

fn totals(maildrop: &[Entry]) -> (usize, usize) {
    maildrop
        .iter()
        .filter(|e| !e.deleted)
        .fold((0, 0), |(n, octets), e| (n + 1, octets + e.size))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `msg value` lines for the messages not marked deleted (RFC 1939 §5 scan listings).
fn scan_listing(maildrop: &[Entry], value: impl Fn(usize, &Entry) -> String) -> String {
    let mut listing = String::new();
    for (i, entry) in maildrop.iter().enumerate().filter(|(_, e)| !e.deleted) {
        listing.push_str(&format!("{} {}\r\n", i + 1, value(i, entry)));
    }
    listing
}

/// The message numbered `n`, if it exists and is not marked deleted.
fn live(maildrop: &[Entry], n: MsgNumber) -> Result<&Entry, Response> {
    let index = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
    match index.and_then(|i| maildrop.get(i)) {
        Some(entry) if entry.deleted => Err(Response::err(format!("message {n} already deleted"))),
        Some(entry) => Ok(entry),
        None => Err(Response::err(format!(
            "no such message, only {} message{} in maildrop",
            maildrop.len(),
            plural(maildrop.len())
        ))),
    }
}

fn entry_mut(maildrop: &mut [Entry], n: MsgNumber) -> Option<&mut Entry> {
    let index = usize::try_from(n).ok()?.checked_sub(1)?;
    maildrop.get_mut(index)
}

fn gone() -> Response {
    Response::err_with(RespCode::SysTemp, "the message is no longer in the mailbox")
}

/// RFC 1939 §7 TOP: the header, the blank line, and the first `lines` lines of the body.
fn top(raw: &[u8], lines: u32) -> Vec<u8> {
    let split = crate::mail::header::split(raw, 0..raw.len());
    let mut out = raw.get(split.header.clone()).unwrap_or_default().to_vec();
    if split.header.end == split.fields.end {
        // A message without the empty line still gets one between header and (no) body.
        out.extend_from_slice(b"\r\n");
    }
    let body = raw.get(split.body).unwrap_or_default();
    let wanted = usize::try_from(lines).unwrap_or(usize::MAX);
    for piece in body.split_inclusive(|&b| b == b'\n').take(wanted) {
        out.extend_from_slice(piece);
    }
    out
}

fn keyword(command: &Command) -> &'static str {
    match command {
        Command::User(_) => "USER",
        Command::Pass(_) => "PASS",
        Command::Apop { .. } => "APOP",
        Command::Auth { .. } => "AUTH",
        Command::Stat => "STAT",
        Command::List(_) => "LIST",
        Command::Retr(_) => "RETR",
        Command::Dele(_) => "DELE",
        Command::Noop => "NOOP",
        Command::Rset => "RSET",
        Command::Quit => "QUIT",
        Command::Top { .. } => "TOP",
        Command::Uidl(_) => "UIDL",
        Command::Capa => "CAPA",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1939_apop_example_digest() {
        // RFC 1939 §7: timestamp <1896.697170952@dbc.mtview.ca.us>, secret "tanstaaf".
        assert_eq!(
            apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb"
        );
    }

    #[test]
    fn top_returns_the_header_and_n_body_lines() {
        let raw = b"Subject: x\r\nFrom: y\r\n\r\none\r\ntwo\r\nthree\r\n";
        assert_eq!(top(raw, 0), b"Subject: x\r\nFrom: y\r\n\r\n");
        assert_eq!(top(raw, 2), b"Subject: x\r\nFrom: y\r\n\r\none\r\ntwo\r\n");
        assert_eq!(top(raw, 99), raw);
        assert_eq!(top(b"Subject: only", 3), b"Subject: only\r\n");
    }
}
