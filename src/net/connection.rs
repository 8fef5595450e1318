//! A connection of the virtual internet: a client endpoint and the server session on a host's
//! port, carrying bytes both ways.
//!
//! The server side is a sans-I/O machine; after every input the connection drains all its
//! outputs into the queue the client reads from ([`Delivery`]), so the client sees exactly the
//! bytes the server wrote, in order, and then — if the server closed — [`Delivery::Closed`].

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use super::builtin::{self, Daytime, Echo};
use super::host::Service;
use crate::time::Instant;

/// A connection's number, unique for the life of a world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub(super) u64);

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

/// The server machine behind a connection.
#[derive(Debug)]
enum ServerSession {
    Echo(Echo),
    Daytime(Daytime),
}

impl ServerSession {
    fn open(service: Service, now: Instant) -> Self {
        match service {
            Service::Echo => ServerSession::Echo(Echo::new()),
            Service::Daytime => ServerSession::Daytime(Daytime::greet(now)),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        match self {
            ServerSession::Echo(s) => s.feed(bytes),
            ServerSession::Daytime(s) => s.feed(bytes),
        }
    }

    fn poll_output(&mut self) -> Option<builtin::Output> {
        match self {
            ServerSession::Echo(s) => s.poll_output(),
            ServerSession::Daytime(s) => s.poll_output(),
        }
    }
}

/// One open connection.
#[derive(Debug)]
pub struct Connection {
    id: ConnId,
    client: String,
    host: String,
    addr: Ipv4Addr,
    port: u16,
    service: Service,
    opened_at: Instant,
    server: ServerSession,
    to_client: VecDeque<Delivery>,
    server_closed: bool,
}

impl Connection {
    pub(super) fn open(
        id: ConnId,
        client: &str,
        host: &str,
        addr: Ipv4Addr,
        port: u16,
        service: Service,
        now: Instant,
    ) -> Self {
        let mut conn = Connection {
            id,
            client: client.to_string(),
            host: host.to_string(),
            addr,
            port,
            service,
            opened_at: now,
            server: ServerSession::open(service, now),
            to_client: VecDeque::new(),
            server_closed: false,
        };
        conn.pump();
        conn
    }

    /// Client bytes into the server; whatever the server answers is queued for the client.
    /// Bytes sent after the server closed are dropped, as a peer's reset would.
    pub(super) fn client_sends(&mut self, bytes: &[u8]) {
        if self.server_closed {
            return;
        }
        self.server.feed(bytes);
        self.pump();
    }

    /// Moves every server output into the client's queue (the driver's rule: drain after input).
    fn pump(&mut self) {
        while let Some(output) = self.server.poll_output() {
            match output {
                builtin::Output::Send(bytes) => self.to_client.push_back(Delivery::Data(bytes)),
                builtin::Output::Close => {
                    self.server_closed = true;
                    self.to_client.push_back(Delivery::Closed);
                    return;
                }
            }
        }
    }

    pub(super) fn next_delivery(&mut self) -> Option<Delivery> {
        self.to_client.pop_front()
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
