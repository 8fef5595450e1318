//! A connection of the virtual internet: a client endpoint and the server session on a host's
//! port, carrying bytes both ways.
//!
//! The server side is a sans-I/O machine; after every input the connection drains all its
//! outputs into the queue the client reads from ([`Delivery`]), so the client sees exactly the
//! bytes the server wrote, in order, and then — if the server closed — [`Delivery::Closed`].

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use super::builtin::{self, Busy, Daytime, Echo};
use super::host::Service;
use super::record::{Closer, SessionRecord};
use crate::imap::server as imap_server;
use crate::pop3;
use crate::smtp::server::{self as smtp_server, RelayJob, Role};
use crate::store::{Origin, Store};
use crate::time::Instant;

/// A connection's number, unique for the life of a world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub(super) u64);

impl ConnId {
    /// The number, as `sessions` shows it after `#`.
    pub fn number(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for ConnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a client reads from a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Bytes the server sent.
    Data(Vec<u8>),
    /// The server closed the connection; nothing follows.
    Closed,
}

/// What a server machine asks of the connection.
enum Action {
    Send(Vec<u8>),
    Close,
    /// The session entered a protocol state (POP3 says so as it happens: its UPDATE state lasts
    /// no longer than the QUIT that enters it).
    Phase(&'static str),
}

/// The server machine behind a connection.
enum ServerSession {
    Echo(Echo),
    Daytime(Daytime),
    /// The host was full: a refusal, then the close.
    Busy(Busy),
    Pop3(Box<pop3::Server>),
    Imap(Box<imap_server::Server>),
    Smtp(Box<smtp_server::Server>),
}

impl ServerSession {
    fn feed(&mut self, bytes: &[u8], store: &mut Store, now: Instant) {
        match self {
            ServerSession::Echo(s) => s.feed(bytes),
            ServerSession::Daytime(s) => s.feed(bytes),
            ServerSession::Busy(_) => {}
            ServerSession::Pop3(s) => s.feed(bytes, store, now),
            ServerSession::Imap(s) => s.feed(bytes, store, now),
            ServerSession::Smtp(s) => s.feed(bytes, store, now),
        }
    }

    fn poll_action(&mut self, relays: &mut Vec<RelayJob>) -> Option<Action> {
        let builtin = |output| match output {
            builtin::Output::Send(bytes) => Action::Send(bytes),
            builtin::Output::Close => Action::Close,
        };
        match self {
            ServerSession::Echo(s) => s.poll_output().map(builtin),
            ServerSession::Daytime(s) => s.poll_output().map(builtin),
            ServerSession::Busy(s) => s.poll_output().map(builtin),
            ServerSession::Pop3(s) => loop {
                match s.poll_output()? {
                    pop3::server::Output::Send(bytes) => break Some(Action::Send(bytes)),
                    pop3::server::Output::Close => break Some(Action::Close),
                    pop3::server::Output::Event(pop3::server::Event::Phase(phase)) => {
                        break Some(Action::Phase(phase.name()));
                    }
                    pop3::server::Output::Event(_) => continue,
                }
            },
            ServerSession::Imap(s) => loop {
                match s.poll_output()? {
                    imap_server::Output::Send(bytes) => break Some(Action::Send(bytes)),
                    imap_server::Output::Close => break Some(Action::Close),
                    imap_server::Output::Event(_) => continue,
                }
            },
            ServerSession::Smtp(s) => loop {
                match s.poll_output()? {
                    smtp_server::Output::Send(bytes) => break Some(Action::Send(bytes)),
                    smtp_server::Output::Close => break Some(Action::Close),
                    smtp_server::Output::Event(smtp_server::Event::Relay(job)) => relays.push(job),
                    smtp_server::Output::Event(smtp_server::Event::Delivered { .. }) => continue,
                }
            },
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        match self {
            ServerSession::Pop3(s) => s.poll_timeout(),
            ServerSession::Imap(s) => s.poll_timeout(),
            ServerSession::Smtp(s) => s.poll_timeout(),
            _ => None,
        }
    }

    fn handle_timeout(&mut self, store: &mut Store, now: Instant) {
        match self {
            ServerSession::Pop3(s) => s.handle_timeout(store, now),
            ServerSession::Imap(s) => s.handle_timeout(now),
            ServerSession::Smtp(s) => s.handle_timeout(now),
            _ => {}
        }
    }

    fn handle_close(&mut self, store: &mut Store) {
        match self {
            ServerSession::Pop3(s) => s.handle_close(store),
            ServerSession::Imap(s) => s.handle_close(),
            ServerSession::Smtp(s) => s.handle_close(),
            _ => {}
        }
    }
}

/// One open connection.
pub struct Connection {
    id: ConnId,
    client: String,
    host: String,
    host_index: usize,
    addr: Ipv4Addr,
    port: u16,
    service: Service,
    opened_at: Instant,
    server: ServerSession,
    to_client: VecDeque<Delivery>,
    server_closed: bool,
    /// Messages the server accepted for relaying, not yet taken into the world's queue.
    relays: Vec<RelayJob>,
    record: SessionRecord,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Connection({} {} → {}:{})",
            self.id, self.client, self.host, self.port
        )
    }
}

/// Where a protocol session stands (RFC 1939 §3, RFC 3501 §3, RFC 5321 §3.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionState {
    /// `SMTP`, `POP3` or `IMAP`.
    pub protocol: &'static str,
    /// The current state, as the RFC (or the textbook) names it.
    pub phase: &'static str,
    /// The states a session goes through, in order, for drawing.
    pub phases: Vec<&'static str>,
    /// What the client may send now.
    pub next: &'static [&'static str],
}

/// Where a new connection goes.
pub(super) struct Endpoint<'a> {
    pub host: &'a str,
    pub host_index: usize,
    pub addr: Ipv4Addr,
    pub port: u16,
    pub service: Service,
    /// A token unique to this connection (APOP timestamps and SMTP queue ids use it).
    pub token: String,
    /// The host's largest message (SMTP SIZE).
    pub max_message_size: usize,
    /// The host already has as many sessions as it takes ([`super::MAX_SESSIONS_PER_HOST`]):
    /// this one is refused.
    pub busy: bool,
    /// How the client is named in trace fields: `host [address]` for a host of the world.
    pub peer: String,
}

impl Connection {
    pub(super) fn open(
        id: ConnId,
        client: &str,
        to: Endpoint<'_>,
        store: &Store,
        now: Instant,
    ) -> Self {
        let server = match to.service {
            _ if to.busy => ServerSession::Busy(Busy::greet(&match to.service {
                Service::SmtpMx | Service::Submission => format!(
                    "421 {} Service not available: too many connections, try again later",
                    to.host
                ),
                Service::Pop3 => {
                    "-ERR [SYS/TEMP] too many sessions on this server, try again later".to_string()
                }
                Service::Imap => {
                    "* BYE [UNAVAILABLE] too many sessions on this server, try again later"
                        .to_string()
                }
                Service::Echo | Service::Daytime => String::new(),
            })),
            Service::Echo => ServerSession::Echo(Echo::new()),
            Service::Daytime => ServerSession::Daytime(Daytime::greet(now)),
            Service::Pop3 => ServerSession::Pop3(Box::new(pop3::Server::greet(
                pop3::server::Config {
                    host: to.host.to_string(),
                    timestamp: format!("<{}.{}@{}>", to.token, now.unix_seconds(), to.host),
                },
                now,
            ))),
            Service::Imap => ServerSession::Imap(Box::new(imap_server::Server::greet(
                imap_server::Config {
                    host: to.host.to_string(),
                    origin: Origin(id.0),
                    token: format!("{}.{}", to.token, now.unix_seconds()),
                },
                store,
                now,
            ))),
            Service::SmtpMx | Service::Submission => {
                let (role, hops) = if to.service == Service::SmtpMx {
                    (Role::Mx, 1)
                } else {
                    (Role::Submission, 2)
                };
                ServerSession::Smtp(Box::new(smtp_server::Server::greet(
                    smtp_server::Config {
                        host: to.host.to_string(),
                        role,
                        max_size: to
                            .max_message_size
                            .saturating_sub(hops * smtp_server::TRACE_ALLOWANCE),
                        peer: to.peer.clone(),
                        token: to.token.clone(),
                    },
                    now,
                )))
            }
        };
        let mut conn = Connection {
            id,
            client: client.to_string(),
            host: to.host.to_string(),
            host_index: to.host_index,
            addr: to.addr,
            port: to.port,
            service: to.service,
            opened_at: now,
            server,
            to_client: VecDeque::new(),
            server_closed: false,
            relays: Vec::new(),
            record: SessionRecord::new(id, client, to.host, to.port, to.service, now),
        };
        if let Some(state) = conn.state() {
            conn.record.set_protocol(state.protocol, state.phases);
        }
        conn.pump(now);
        conn
    }

    /// Client bytes into the server; whatever the server answers is queued for the client.
    /// Bytes sent after the server closed are dropped, as a peer's reset would.
    pub(super) fn client_sends(&mut self, bytes: &[u8], store: &mut Store, now: Instant) {
        if self.server_closed {
            return;
        }
        self.record.note(now, true, bytes);
        // Line by line, draining after each: the machines answer the same however their input
        // is split (every protocol's split-input tests), and the record then sees each state a
        // pipelined group of commands passes through (MAIL, RCPT, DATA sent at once).
        for piece in bytes.split_inclusive(|&b| b == b'\n') {
            self.server.feed(piece, store, now);
            self.pump(now);
            if self.server_closed {
                break;
            }
        }
    }

    /// The client went away: the server learns it (a POP3 session commits nothing).
    pub(super) fn client_closes(&mut self, store: &mut Store, now: Instant) {
        self.record.close(now, Closer::Client);
        if !self.server_closed {
            self.server.handle_close(store);
            self.server_closed = true;
        }
    }

    /// The host's store changed (IMAP sessions may have something to tell).
    pub(super) fn store_changed(&mut self, store: &mut Store, now: Instant) {
        if let (false, ServerSession::Imap(s)) = (self.server_closed, &mut self.server) {
            s.handle_store_change(store);
            self.pump(now);
        }
    }

    /// When the server's next timer fires.
    pub(super) fn deadline(&self) -> Option<Instant> {
        if self.server_closed {
            None
        } else {
            self.server.poll_timeout()
        }
    }

    pub(super) fn handle_timeout(&mut self, store: &mut Store, now: Instant) {
        if !self.server_closed {
            self.server.handle_timeout(store, now);
            self.pump(now);
        }
    }

    /// Moves every server output into the client's queue (the driver's rule: drain after input).
    fn pump(&mut self, now: Instant) {
        while let Some(action) = self.server.poll_action(&mut self.relays) {
            match action {
                Action::Send(bytes) => {
                    self.record.note(now, false, &bytes);
                    self.to_client.push_back(Delivery::Data(bytes));
                }
                Action::Phase(phase) => self.record.note_phase(now, phase),
                Action::Close => {
                    self.note_phase(now);
                    self.record.close(now, Closer::Server);
                    self.server_closed = true;
                    self.to_client.push_back(Delivery::Closed);
                    return;
                }
            }
        }
        self.note_phase(now);
    }

    /// Notes the protocol state the session is in now on its record's path.
    fn note_phase(&mut self, now: Instant) {
        let phase = match &self.server {
            ServerSession::Echo(_) | ServerSession::Daytime(_) | ServerSession::Busy(_) => return,
            ServerSession::Pop3(s) => s.phase().name(),
            ServerSession::Imap(s) => s.phase().name(),
            ServerSession::Smtp(s) => s.phase_name(),
        };
        self.record.note_phase(now, phase);
    }

    /// Where the protocol session stands, for a state diagram: `None` for the services that
    /// have no states (echo, daytime).
    pub fn state(&self) -> Option<SessionState> {
        let (protocol, phase, phases, next) = match &self.server {
            ServerSession::Echo(_) | ServerSession::Daytime(_) | ServerSession::Busy(_) => {
                return None;
            }
            ServerSession::Pop3(s) => (
                "POP3",
                s.phase().name(),
                pop3::server::Phase::ALL
                    .map(pop3::server::Phase::name)
                    .to_vec(),
                s.next_commands(),
            ),
            ServerSession::Imap(s) => (
                "IMAP",
                s.phase().name(),
                imap_server::Phase::ALL
                    .map(imap_server::Phase::name)
                    .to_vec(),
                s.next_commands(),
            ),
            ServerSession::Smtp(s) => (
                "SMTP",
                s.phase_name(),
                smtp_server::Server::PHASES.to_vec(),
                s.next_commands(),
            ),
        };
        Some(SessionState {
            protocol,
            phase,
            phases,
            next,
        })
    }

    /// What this session said so far, both ways.
    pub fn record(&self) -> &SessionRecord {
        &self.record
    }

    pub(super) fn into_record(self) -> SessionRecord {
        self.record
    }

    /// The messages accepted for relaying since the last call.
    pub(super) fn take_relays(&mut self) -> Vec<RelayJob> {
        std::mem::take(&mut self.relays)
    }

    pub(super) fn next_delivery(&mut self) -> Option<Delivery> {
        self.to_client.pop_front()
    }

    /// Whether the server side has closed (the client may not have read it all yet).
    pub(super) fn server_closed(&self) -> bool {
        self.server_closed
    }

    pub(super) fn host_index(&self) -> usize {
        self.host_index
    }

    /// The connection's number.
    pub fn id(&self) -> ConnId {
        self.id
    }

    /// Who opened it (a terminal, a user agent, a relaying server).
    pub fn client(&self) -> &str {
        &self.client
    }

    /// The server host's name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server host's address.
    pub fn addr(&self) -> Ipv4Addr {
        self.addr
    }

    /// The server port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The service on the server port.
    pub fn service(&self) -> Service {
        self.service
    }

    /// When it was opened, on the world's clock.
    pub fn opened_at(&self) -> Instant {
        self.opened_at
    }
}
