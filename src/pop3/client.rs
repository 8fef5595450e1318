//! The POP3 client machine: what a user agent does to fetch mail (RFC 1939), in the two modes the
//! textbook contrasts — **download-and-delete** (RETR and DELE every message) and
//! **download-and-keep** (RETR only the messages whose UIDL it has not seen, delete nothing).
//!
//! Sans-I/O, like the server: the driver feeds server bytes and drains [`Output`]s; the last one
//! is [`Output::Done`]. The client asks CAPA first (RFC 2449), logs in with APOP when the
//! greeting offers a timestamp (RFC 1939 §7), else AUTH PLAIN when offered (RFC 5034), else
//! USER/PASS — or as configured — and pipelines its requests when the server says PIPELINING.
//!
//! Invariants: a message is deleted only after it was retrieved in full (DELE is never sent
//! ahead of a RETR's answer), so download-and-delete cannot lose mail; every server line is
//! parsed with the same [`Response`] type the server writes.

use std::collections::VecDeque;
use std::fmt;

use super::command::{Command, MsgNumber};
use super::response::Response;
use super::server::apop_digest;
use crate::sorted::SortedSet;
use crate::wire::{Framed, LineReader, unstuff};

/// Download-and-delete or download-and-keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Keep,
    Delete,
}

/// How to log in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// APOP if the greeting has a timestamp, else AUTH PLAIN if offered, else USER/PASS.
    Auto,
    UserPass,
    Apop,
    Plain,
}

/// What the user agent is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    pub user: String,
    pub password: String,
    pub mode: Mode,
    pub login: Login,
    /// UIDLs this client has already downloaded (download-and-keep skips them).
    pub seen: SortedSet<String>,
}

/// What the client gives its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Bytes for the server.
    Send(Vec<u8>),
    /// A message arrived in full.
    Downloaded { uidl: String, raw: Vec<u8> },
    /// The session is over; nothing follows.
    Done(Result<Report, ClientError>),
}

/// What a finished session did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Messages in the maildrop when the session began.
    pub messages: usize,
    /// UIDLs retrieved, in order.
    pub downloaded: Vec<String>,
    /// UIDLs deleted from the server (committed by QUIT).
    pub deleted: Vec<String>,
    /// Messages left alone because this client had them already.
    pub skipped: usize,
}

/// Why a session failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The server did not greet with +OK.
    Greeting(String),
    /// Login refused.
    Login(String),
    /// The server refused a request the client cannot do without.
    Refused { command: String, text: String },
    /// A line that is not a POP3 response, or a response at the wrong time.
    Protocol(String),
    /// The connection ended before QUIT was answered.
    Closed,
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Greeting(t) => write!(f, "the server did not greet with +OK: {t}"),
            ClientError::Login(t) => write!(f, "login refused: {t}"),
            ClientError::Refused { command, text } => write!(f, "{command} refused: {text}"),
            ClientError::Protocol(t) => write!(f, "protocol error: {t}"),
            ClientError::Closed => write!(f, "the connection closed before the session ended"),
        }
    }
}

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Greeting,
    Capabilities,
    LoggingIn,
    Listing,
    Retrieving,
    Deleting,
    Quitting,
    Done,
}

/// A POP3 client session.
pub struct Client {
    config: Config,
    reader: LineReader,
    out: VecDeque<Output>,
    step: Step,
    /// Commands sent and not yet answered, oldest first.
    pending: VecDeque<Command>,
    /// The multi-line answer being read: its command and the data so far.
    multiline: Option<(Command, Vec<u8>)>,
    timestamp: Option<String>,
    capabilities: Vec<String>,
    uidls: Vec<(MsgNumber, String)>,
    report: Report,
    /// The first failure; the session still ends with QUIT when it can.
    failure: Option<ClientError>,
}

impl Client {
    /// A client about to read the server's greeting.
    pub fn new(config: Config) -> Client {
        Client {
            config,
            reader: LineReader::new(1 << 20),
            out: VecDeque::new(),
            step: Step::Greeting,
            pending: VecDeque::new(),
            multiline: None,
            timestamp: None,
            capabilities: Vec::new(),
            uidls: Vec::new(),
            report: Report::default(),
            failure: None,
        }
    }

    /// The next output for the driver.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// Whether the session is over.
    pub fn is_done(&self) -> bool {
        self.step == Step::Done
    }

    /// Server bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.is_done() {
            return;
        }
        self.reader.push(bytes);
        while let Some(framed) = self.reader.next_line() {
            if self.is_done() {
                return;
            }
            match framed {
                Framed::TooLong { .. } => {
                    self.fail(ClientError::Protocol("a line longer than 1 MiB".into()))
                }
                Framed::Line { bytes, .. } => self.line(&bytes),
            }
        }
    }

    /// The server closed the connection.
    pub fn handle_close(&mut self) {
        if !self.is_done() {
            let result = match self.failure.take() {
                Some(failure) => Err(failure),
                None => Err(ClientError::Closed),
            };
            self.finish(result);
        }
    }

    fn send(&mut self, command: Command) {
        let mut bytes = Vec::new();
        command.write(&mut bytes);
        self.pending.push_back(command);
        self.out.push_back(Output::Send(bytes));
    }

    fn send_all(&mut self, commands: Vec<Command>) {
        if self.pipelining() {
            let mut bytes = Vec::new();
            for command in commands {
                command.write(&mut bytes);
                self.pending.push_back(command);
            }
            if !bytes.is_empty() {
                self.out.push_back(Output::Send(bytes));
            }
        } else if let Some(first) = commands.into_iter().next() {
            // Without PIPELINING, one at a time: the rest follow as answers arrive.
            self.send(first);
        }
    }

    fn pipelining(&self) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case("PIPELINING"))
    }

    fn finish(&mut self, result: Result<Report, ClientError>) {
        self.step = Step::Done;
        self.out.push_back(Output::Done(result));
    }

    /// Records the first failure and ends the session politely.
    fn fail(&mut self, error: ClientError) {
        if self.failure.is_none() {
            self.failure = Some(error);
        }
        if matches!(self.step, Step::Greeting) {
            let failure = self.failure.take().unwrap_or(ClientError::Closed);
            return self.finish(Err(failure));
        }
        if self.step != Step::Quitting {
            // Answers to requests already pipelined still arrive first; they are read and
            // ignored until QUIT's.
            self.step = Step::Quitting;
            self.send(Command::Quit);
        }
    }

    fn line(&mut self, line: &[u8]) {
        if let Some((command, mut data)) = self.multiline.take() {
            match unstuff(line) {
                None => self.answer(command, Response::ok(""), Some(data)),
                Some(content) => {
                    data.extend_from_slice(content);
                    data.extend_from_slice(b"\r\n");
                    self.multiline = Some((command, data));
                }
            }
            return;
        }
        let response = match Response::parse(line) {
            Ok(r) => r,
            Err(e) => return self.fail(ClientError::Protocol(e.to_string())),
        };
        if self.step == Step::Greeting {
            return self.greeting(response);
        }
        let Some(command) = self.pending.pop_front() else {
            return self.fail(ClientError::Protocol(format!(
                "unexpected line: {}",
                response.text()
            )));
        };
        if response.is_ok() && command.has_multiline_answer() {
            self.multiline = Some((command, Vec::new()));
            return;
        }
        self.answer(command, response, None);
    }

    fn greeting(&mut self, response: Response) {
        if !response.is_ok() {
            return self.finish(Err(ClientError::Greeting(response.text().to_string())));
        }
        // RFC 1939 §7: the APOP timestamp is the text in angle brackets.
        let text = response.text();
        self.timestamp = text
            .find('<')
            .and_then(|start| {
                text.get(start..)
                    .and_then(|t| t.find('>').map(|end| &t[..=end]))
            })
            .map(str::to_string);
        self.step = Step::Capabilities;
        self.send(Command::Capa);
    }

    fn answer(&mut self, command: Command, response: Response, data: Option<Vec<u8>>) {
        if self.step == Step::Quitting && command != Command::Quit {
            return; // a pipelined answer that no longer matters
        }
        match (self.step, command) {
            (Step::Capabilities, Command::Capa) => {
                if let Some(data) = data {
                    self.capabilities = String::from_utf8_lossy(&data)
                        .lines()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect();
                }
                // A server without CAPA (-ERR) simply has no extensions.
                self.log_in();
            }
            (Step::LoggingIn, Command::User(_)) => {
                if response.is_ok() {
                    self.send(Command::Pass(self.config.password.clone()));
                } else {
                    self.fail(ClientError::Login(response.text().to_string()));
                }
            }
            (Step::LoggingIn, Command::Pass(_) | Command::Apop { .. } | Command::Auth { .. }) => {
                if response.is_ok() {
                    self.step = Step::Listing;
                    self.send_all(vec![Command::Uidl(None), Command::List(None)]);
                } else {
                    self.fail(ClientError::Login(response.text().to_string()));
                }
            }
            (Step::Listing, Command::Uidl(None)) => {
                match data {
                    Some(data) => self.uidls = parse_listing(&data),
                    None if self.config.mode == Mode::Keep => {
                        return self.fail(ClientError::Refused {
                            command: "UIDL".into(),
                            text: format!(
                                "{} (download-and-keep needs UIDL to know what it has seen)",
                                response.text()
                            ),
                        });
                    }
                    None => {}
                }
                if !self.pipelining() {
                    self.send(Command::List(None));
                }
            }
            (Step::Listing, Command::List(None)) => {
                let Some(data) = data else {
                    return self.fail(ClientError::Refused {
                        command: "LIST".into(),
                        text: response.text().to_string(),
                    });
                };
                let sizes = parse_listing(&data);
                self.report.messages = sizes.len();
                if self.uidls.is_empty() {
                    // No UIDL (download-and-delete only): name messages by number.
                    self.uidls = sizes
                        .iter()
                        .map(|(n, _)| (*n, format!("msg-{n}")))
                        .collect();
                }
                self.retrieve();
            }
            (Step::Retrieving, Command::Retr(n)) => {
                let uidl = self.uidl_of(n);
                match data {
                    Some(raw) => {
                        self.report.downloaded.push(uidl.clone());
                        self.out.push_back(Output::Downloaded { uidl, raw });
                    }
                    None => {
                        return self.fail(ClientError::Refused {
                            command: format!("RETR {n}"),
                            text: response.text().to_string(),
                        });
                    }
                }
                self.next_retrieval();
            }
            (Step::Deleting, Command::Dele(n)) => {
                if !response.is_ok() {
                    return self.fail(ClientError::Refused {
                        command: format!("DELE {n}"),
                        text: response.text().to_string(),
                    });
                }
                let uidl = self.uidl_of(n);
                self.report.deleted.push(uidl);
                self.next_deletion();
            }
            (Step::Quitting, Command::Quit) => {
                let result = match self.failure.take() {
                    Some(failure) => Err(failure),
                    None if response.is_ok() => Ok(std::mem::take(&mut self.report)),
                    // RFC 1939 §6: -ERR after QUIT means some deletions were not committed.
                    None => Err(ClientError::Refused {
                        command: "QUIT".into(),
                        text: response.text().to_string(),
                    }),
                };
                if result.is_err() {
                    self.report.deleted.clear();
                }
                self.finish(result);
            }
            (_, other) => {
                let mut line = Vec::new();
                other.write(&mut line);
                self.fail(ClientError::Protocol(format!(
                    "an answer to {} at the wrong time",
                    String::from_utf8_lossy(&line).trim_end()
                )));
            }
        }
    }

    fn log_in(&mut self) {
        self.step = Step::LoggingIn;
        let offers_plain = self.capabilities.iter().any(|c| {
            c.to_ascii_uppercase().starts_with("SASL") && c.to_ascii_uppercase().contains("PLAIN")
        });
        let login = match self.config.login {
            Login::Auto if self.timestamp.is_some() => Login::Apop,
            Login::Auto if offers_plain => Login::Plain,
            Login::Auto => Login::UserPass,
            chosen => chosen,
        };
        let user = self.config.user.clone();
        match (login, self.timestamp.clone()) {
            (Login::Apop, Some(timestamp)) => self.send(Command::Apop {
                digest: apop_digest(&timestamp, &self.config.password),
                name: user,
            }),
            (Login::Apop, None) => self.fail(ClientError::Login(
                "the greeting offers no APOP timestamp".into(),
            )),
            (Login::Plain, _) => {
                // RFC 4616: empty authzid, NUL, authcid, NUL, password.
                let initial = crate::sasl::Plain::encode(&user, &self.config.password);
                self.send(Command::Auth {
                    mechanism: "PLAIN".into(),
                    initial: Some(initial),
                });
            }
            _ => self.send(Command::User(user)),
        }
    }

    /// The RETRs to send: every message (delete mode) or the unseen ones (keep mode).
    fn targets(&self) -> Vec<MsgNumber> {
        self.uidls
            .iter()
            .filter(|(_, uidl)| {
                self.config.mode == Mode::Delete || !self.config.seen.contains(uidl)
            })
            .map(|(n, _)| *n)
            .collect()
    }

    fn retrieve(&mut self) {
        let targets = self.targets();
        self.report.skipped = self.uidls.len() - targets.len();
        if targets.is_empty() {
            return self.quit();
        }
        self.step = Step::Retrieving;
        self.send_all(targets.into_iter().map(Command::Retr).collect());
    }

    fn next_retrieval(&mut self) {
        if !self.pending.is_empty() {
            return; // pipelined: more answers to come
        }
        let done = self.report.downloaded.len();
        let targets = self.targets();
        match targets.get(done) {
            Some(&n) => self.send(Command::Retr(n)),
            None if self.config.mode == Mode::Delete => {
                // Every message is safely here: now, and only now, delete them.
                self.step = Step::Deleting;
                self.send_all(targets.into_iter().map(Command::Dele).collect());
            }
            None => self.quit(),
        }
    }

    fn next_deletion(&mut self) {
        if !self.pending.is_empty() {
            return;
        }
        let targets = self.targets();
        match targets.get(self.report.deleted.len()) {
            Some(&n) => self.send(Command::Dele(n)),
            None => self.quit(),
        }
    }

    fn quit(&mut self) {
        self.step = Step::Quitting;
        self.send(Command::Quit);
    }

    fn uidl_of(&self, n: MsgNumber) -> String {
        self.uidls
            .iter()
            .find(|(m, _)| *m == n)
            .map_or_else(|| format!("msg-{n}"), |(_, u)| u.clone())
    }
}

/// `msg value` lines of a scan listing (LIST, UIDL).
fn parse_listing(data: &[u8]) -> Vec<(MsgNumber, String)> {
    String::from_utf8_lossy(data)
        .lines()
        .filter_map(|l| {
            let (n, value) = l.trim().split_once(' ')?;
            Some((n.parse().ok()?, value.trim().to_string()))
        })
        .collect()
}
