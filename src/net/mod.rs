//! The virtual internet: hosts, their names and addresses, and the connections between them.
//!
//! A [`World`] owns every host and every open connection, and the world's clock. Clients —
//! a terminal session today, user agents and relaying servers later — `connect` to a host's
//! port, `send` bytes, and drain what the server answered with `poll_delivery`. Each
//! connection's server side is a sans-I/O protocol machine; the world feeds it and moves its
//! output, so everything that happens is deterministic and replayable.
//!
//! Invariants: this module knows nothing of terminals, browsers or sockets; time only moves
//! forward, and only when a driver says so ([`World::advance_to`]).

mod agent;
mod builtin;
mod connection;
mod dns;
mod host;
mod ids;
mod queue;
mod record;
pub mod scenario;
mod snapshot;

use std::fmt;
use std::net::Ipv4Addr;

pub use agent::{Agent, Agents, Exchange, ImapRun, LocalMessage, Pop3Run, SmtpRun};
pub use builtin::{Daytime, Echo};
use connection::Endpoint;
pub use connection::{ConnId, Connection, Delivery, SessionState};
pub use dns::{Dns, Mx, normalize};
pub use host::{Host, Service};
pub use ids::IdSource;
pub use queue::{Queued, RELAY_LOG, RETRY_DELAYS, RelayOutcome, RelayRecord};
pub use record::{
    Chunk, Closer, MAX_FINISHED_SESSIONS, MAX_PATH, MAX_RECORD_OCTETS, SessionRecord,
};
pub use scenario::{Scenario, ScenarioError};
pub use snapshot::{StateError, WORLD_STATE_VERSION};

use crate::time::Instant;

/// Why a network operation failed, worded as the tools a student knows word it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// No A record for the name.
    UnknownHost(String),
    /// The address belongs to no host of this world.
    NoRoute(Ipv4Addr),
    /// The host exists but is down.
    HostDown(String),
    /// Nothing listens on that port.
    Refused { host: String, port: u16 },
    /// The connection is closed or never existed.
    NotConnected(ConnId),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::UnknownHost(name) => write!(f, "unknown host '{name}'"),
            NetError::NoRoute(addr) => write!(f, "no route to host ({addr})"),
            NetError::HostDown(name) => write!(f, "no route to host ({name} is down)"),
            NetError::Refused { host, port } => write!(f, "connection refused ({host}:{port})"),
            NetError::NotConnected(id) => write!(f, "connection {id} is not open"),
        }
    }
}

impl std::error::Error for NetError {}

/// RFC 862's port: every host of the lab runs echo.
pub const ECHO_PORT: u16 = 7;
/// RFC 867's port: every host of the lab runs daytime.
pub const DAYTIME_PORT: u16 = 13;
/// RFC 1939's port: every mail host runs POP3.
pub const POP3_PORT: u16 = 110;
/// RFC 3501's port: every mail host runs IMAP.
pub const IMAP_PORT: u16 = 143;
/// RFC 5321's port: every mail host is the MX of its domains.
pub const SMTP_PORT: u16 = 25;
/// RFC 6409's port: every mail host takes submissions from its users.
pub const SUBMISSION_PORT: u16 = 587;

/// How many open sessions a host takes at once, all ports together (a real server's process or
/// connection limit). One more is refused by its protocol's own words — SMTP `421` (RFC 5321
/// §3.1), POP3 `-ERR [SYS/TEMP]`, IMAP `* BYE [UNAVAILABLE]` — and closed, so a student's or a
/// script's runaway loop cannot grow the world without bound.
pub const MAX_SESSIONS_PER_HOST: usize = 100;

/// The whole virtual internet, its clock and its source of identifiers.
#[derive(Debug)]
pub struct World {
    now: Instant,
    ids: IdSource,
    dns: Dns,
    hosts: Vec<Host>,
    /// Open connections in the order of their ids (oldest first): a short list, so a `Vec`
    /// (a `BTreeMap` of connections cost 2 KB of gzipped wasm).
    connections: Vec<Connection>,
    next_conn: u64,
    agents: Agents,
    queue: Vec<Queued>,
    relay_log: queue::RelayLog,
    running_queue: bool,
    /// The last finished sessions, oldest first.
    finished: std::collections::VecDeque<SessionRecord>,
}

impl World {
    /// An empty world at `now`, its identifiers seeded with `seed`.
    pub fn new(now: Instant, seed: u64) -> Self {
        World {
            now,
            ids: IdSource::new(seed),
            dns: Dns::new(),
            hosts: Vec::new(),
            connections: Vec::new(),
            next_conn: 1,
            agents: Agents::default(),
            queue: Vec::new(),
            relay_log: queue::RelayLog::new(),
            running_queue: false,
            finished: std::collections::VecDeque::new(),
        }
    }

    /// The world a scenario describes, its clock at `now` (or at the scenario's start when
    /// `now` is `None`, for a run that replays exactly).
    pub fn from_scenario(
        scenario: &Scenario,
        now: Option<Instant>,
    ) -> Result<World, ScenarioError> {
        let start = scenario.start()?;
        World::build(
            scenario,
            now.unwrap_or(start),
            IdSource::new(scenario.seed),
            1,
        )
    }

    /// Puts this world back to the start of `scenario`, keeping the clock and the identifier
    /// source running: mailboxes get UIDVALIDITY values above every one this world has handed
    /// out, so a client that cached UIDs from before the restart cannot mistake new messages
    /// for old ones (RFC 3501 §2.3.1.1). Connections are closed and the user agents' local
    /// mailboxes emptied.
    pub fn restart(&mut self, scenario: &Scenario) -> Result<(), ScenarioError> {
        let floor = self
            .hosts
            .iter()
            .map(|h| h.store().next_uid_validity())
            .max()
            .unwrap_or(1);
        for id in self
            .connections
            .iter()
            .map(Connection::id)
            .collect::<Vec<_>>()
        {
            self.close(id);
        }
        *self = World::build(scenario, self.now, self.ids.clone(), floor)?;
        Ok(())
    }

    fn build(
        scenario: &Scenario,
        now: Instant,
        ids: IdSource,
        validity_floor: u32,
    ) -> Result<World, ScenarioError> {
        let mut world = World::new(now, 0);
        world.ids = ids;
        for spec in &scenario.hosts {
            let name = normalize(&spec.name);
            if world
                .hosts
                .iter()
                .any(|h| h.name() == name || h.addr() == spec.address)
            {
                return Err(ScenarioError::DuplicateHost(name));
            }
            let first_validity = world.ids.uid_validity().max(validity_floor);
            let store = scenario::build_store(spec, first_validity, scenario.start()?)?;
            let mut host = Host::new(&name, spec.address)
                .listen(ECHO_PORT, Service::Echo)
                .listen(DAYTIME_PORT, Service::Daytime);
            if !spec.domains.is_empty() {
                host = host
                    .listen(SMTP_PORT, Service::SmtpMx)
                    .listen(POP3_PORT, Service::Pop3)
                    .listen(IMAP_PORT, Service::Imap)
                    .listen(SUBMISSION_PORT, Service::Submission);
            }
            world.add_host(host.with_mail(&spec.domains, store));
        }
        for mx in &scenario.mx {
            if world.dns.resolve(&mx.host).is_none() {
                return Err(ScenarioError::UnknownMxHost {
                    domain: mx.domain.clone(),
                    host: mx.host.clone(),
                });
            }
            world.dns.add_mx(&mx.domain, mx.preference, &mx.host);
        }
        Ok(world)
    }

    /// The textbook world (`scenarios/textbook.json`) with its clock at `now`:
    /// `mail.crepes.fr` (192.0.2.10) with alice, `mail.hamburger.edu` (192.0.2.20) with bob.
    pub fn textbook(now: Instant) -> Result<World, ScenarioError> {
        World::from_scenario(&Scenario::textbook()?, Some(now))
    }

    /// Adds a host and its A record.
    pub fn add_host(&mut self, host: Host) {
        self.dns.add_a(host.name(), host.addr());
        self.hosts.retain(|h| h.name() != host.name());
        self.hosts.push(host);
    }

    /// The world's current instant.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Moves the clock to `now` (an instant in the past is ignored: time never runs backwards)
    /// and fires every server timer that is due, such as POP3's autologout.
    pub fn advance_to(&mut self, now: Instant) {
        self.now = self.now.max(now);
        let now = self.now;
        for conn in self.connections.iter_mut() {
            let due = conn.deadline().is_some_and(|d| d <= now);
            if let Some(host) = self.hosts.get_mut(conn.host_index()).filter(|_| due) {
                conn.handle_timeout(host.store_mut(), now);
            }
        }
        self.run_queue();
        self.announce_store_changes();
    }

    /// Lets every IMAP session see what changed in its host's store: an idling one tells its
    /// client at once (RFC 2177). Called after everything that can change a store.
    fn announce_store_changes(&mut self) {
        let now = self.now;
        for conn in self.connections.iter_mut() {
            if let Some(host) = self.hosts.get_mut(conn.host_index()) {
                conn.store_changed(host.store_mut(), now);
            }
        }
    }

    /// The earliest server timer of any open connection.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.connections
            .iter()
            .filter_map(Connection::deadline)
            .min()
    }

    /// The name service.
    pub fn dns(&self) -> &Dns {
        &self.dns
    }

    /// The world's identifiers (Message-IDs, tokens).
    pub fn ids(&mut self) -> &mut IdSource {
        &mut self.ids
    }

    /// The host that receives mail for `domain`: its most preferred MX that exists.
    pub fn mail_host(&self, domain: &str) -> Option<&Host> {
        self.dns
            .mx(domain)
            .iter()
            .find_map(|mx| self.host(&mx.host))
    }

    /// A host of this world, to change (its store, for instance).
    pub fn host_mut(&mut self, name: &str) -> Option<&mut Host> {
        let addr = self.dns.resolve(name)?;
        self.hosts.iter_mut().find(|h| h.addr() == addr)
    }

    /// Every host, in the order they were added.
    pub fn hosts(&self) -> impl Iterator<Item = &Host> {
        self.hosts.iter()
    }

    /// The host called `name` (or with the address `name` spells).
    pub fn host(&self, name: &str) -> Option<&Host> {
        let addr = self.dns.resolve(name)?;
        self.hosts.iter().find(|h| h.addr() == addr)
    }

    /// Takes a host down or brings it back up. Connections already open stay open.
    pub fn set_host_up(&mut self, name: &str, up: bool) -> Result<(), NetError> {
        let addr = self
            .dns
            .resolve(name)
            .ok_or_else(|| NetError::UnknownHost(name.to_string()))?;
        let host = self
            .hosts
            .iter_mut()
            .find(|h| h.addr() == addr)
            .ok_or(NetError::NoRoute(addr))?;
        host.set_up(up);
        Ok(())
    }

    /// Opens a connection from `client` to `host:port`. The server may have spoken already
    /// (a greeting): read it with [`World::poll_delivery`].
    pub fn connect(&mut self, client: &str, host: &str, port: u16) -> Result<ConnId, NetError> {
        let addr = self
            .dns
            .resolve(host)
            .ok_or_else(|| NetError::UnknownHost(host.to_string()))?;
        let host_index = self
            .hosts
            .iter()
            .position(|h| h.addr() == addr)
            .ok_or(NetError::NoRoute(addr))?;
        let target = self.hosts.get(host_index).ok_or(NetError::NoRoute(addr))?;
        if !target.is_up() {
            return Err(NetError::HostDown(target.name().to_string()));
        }
        let service = target.service(port).ok_or_else(|| NetError::Refused {
            host: target.name().to_string(),
            port,
        })?;
        let id = ConnId(self.next_conn);
        self.next_conn += 1;
        let name = target.name().to_string();
        let open = self
            .connections
            .iter()
            .filter(|c| c.host_index() == host_index && !c.server_closed())
            .count();
        let endpoint = Endpoint {
            host: &name,
            host_index,
            addr,
            port,
            service,
            token: self.ids.token(),
            max_message_size: target.store().max_message_size(),
            busy: open >= MAX_SESSIONS_PER_HOST,
            peer: match self.dns.resolve(client) {
                Some(addr) => format!("{client} [{addr}]"),
                None => client.to_string(),
            },
        };
        let conn = Connection::open(id, client, endpoint, target.store(), self.now);
        let at = self.connections.partition_point(|c| c.id() < id);
        self.connections.insert(at, conn);
        Ok(id)
    }

    /// Client bytes to the server of connection `id`.
    pub fn send(&mut self, id: ConnId, bytes: &[u8]) -> Result<(), NetError> {
        let conn = self
            .position(id)
            .map(|i| &mut self.connections[i])
            .ok_or(NetError::NotConnected(id))?;
        let host = self
            .hosts
            .get_mut(conn.host_index())
            .ok_or(NetError::NotConnected(id))?;
        conn.client_sends(bytes, host.store_mut(), self.now);
        // Accepted for relaying: into the queue before anything else happens, then tried.
        let queued_by = host.name().to_string();
        let jobs = conn.take_relays();
        if !jobs.is_empty() {
            for job in jobs {
                self.enqueue(&queued_by, job);
            }
            self.run_queue();
        }
        self.announce_store_changes();
        Ok(())
    }

    /// The next thing the client of `id` receives. After [`Delivery::Closed`] the connection is
    /// gone; `None` means nothing is waiting (or the connection does not exist).
    pub fn poll_delivery(&mut self, id: ConnId) -> Option<Delivery> {
        let i = self.position(id)?;
        let delivery = self.connections.get_mut(i)?.next_delivery();
        if delivery == Some(Delivery::Closed) {
            let conn = self.connections.remove(i);
            self.finish(conn);
        }
        delivery
    }

    /// Keeps a finished connection's record (the last [`MAX_FINISHED_SESSIONS`]).
    fn finish(&mut self, conn: Connection) {
        if self.finished.len() == MAX_FINISHED_SESSIONS {
            self.finished.pop_front();
        }
        self.finished.push_back(conn.into_record());
    }

    /// Every session the world remembers — the last finished ones, then the open ones — in the
    /// order they were opened.
    pub fn sessions(&self) -> Vec<&SessionRecord> {
        let mut all: Vec<&SessionRecord> = self
            .finished
            .iter()
            .chain(self.connections.iter().map(Connection::record))
            .collect();
        crate::sort::sort_by(&mut all, |a, b| a.id.cmp(&b.id));
        all
    }

    /// The session with this number, if the world remembers it.
    pub fn session(&self, id: ConnId) -> Option<&SessionRecord> {
        match self.connection(id) {
            Some(conn) => Some(conn.record()),
            None => self.finished.iter().find(|r| r.id == id),
        }
    }

    /// The client closes connection `id`; whatever the server had not yet delivered is dropped,
    /// and the server learns the client is gone (a POP3 session then commits nothing).
    pub fn close(&mut self, id: ConnId) {
        let Some(mut conn) = self.position(id).map(|i| self.connections.remove(i)) else {
            return;
        };
        if let Some(host) = self.hosts.get_mut(conn.host_index()) {
            conn.client_closes(host.store_mut(), self.now);
        }
        self.finish(conn);
        self.announce_store_changes();
    }

    /// An open connection.
    pub fn connection(&self, id: ConnId) -> Option<&Connection> {
        self.position(id).map(|i| &self.connections[i])
    }

    /// Every open connection, oldest first.
    pub fn connections(&self) -> impl Iterator<Item = &Connection> {
        self.connections.iter()
    }

    /// Where connection `id` is in the list, if it is open.
    fn position(&self, id: ConnId) -> Option<usize> {
        self.connections
            .binary_search_by_key(&id, Connection::id)
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TEXTBOOK_EPOCH;

    fn drain(world: &mut World, id: ConnId) -> Vec<Delivery> {
        std::iter::from_fn(|| world.poll_delivery(id)).collect()
    }

    #[test]
    fn echo_round_trip_over_a_connection() -> Result<(), Box<dyn std::error::Error>> {
        let mut world = World::textbook(TEXTBOOK_EPOCH)?;
        let id = world.connect("test", "mail.hamburger.edu", 7)?;
        assert!(drain(&mut world, id).is_empty(), "echo does not greet");
        world.send(id, b"hello\r\n")?;
        assert_eq!(
            drain(&mut world, id),
            vec![Delivery::Data(b"hello\r\n".to_vec())]
        );
        world.close(id);
        assert_eq!(world.send(id, b"x"), Err(NetError::NotConnected(id)));
        Ok(())
    }

    #[test]
    fn daytime_answers_with_the_world_clock_and_hangs_up() -> Result<(), Box<dyn std::error::Error>>
    {
        let mut world = World::textbook(TEXTBOOK_EPOCH)?;
        world.advance_to(TEXTBOOK_EPOCH.saturating_add(std::time::Duration::from_secs(61)));
        let id = world.connect("test", "192.0.2.10", 13)?;
        assert_eq!(
            drain(&mut world, id),
            vec![
                Delivery::Data(b"Mon, 23 Nov 2026 09:01:01 +0000\r\n".to_vec()),
                Delivery::Closed
            ]
        );
        assert!(
            world.connection(id).is_none(),
            "a closed connection is gone"
        );
        Ok(())
    }

    #[test]
    fn connect_errors_name_the_problem() -> Result<(), Box<dyn std::error::Error>> {
        let mut world = World::textbook(TEXTBOOK_EPOCH)?;
        assert_eq!(
            world.connect("t", "foo", 25).map(|_| ()),
            Err(NetError::UnknownHost("foo".into()))
        );
        let refused = world.connect("t", "mail.crepes.fr", 26).map(|_| ());
        assert_eq!(
            refused.map_err(|e| e.to_string()),
            Err("connection refused (mail.crepes.fr:26)".into())
        );
        assert_eq!(
            world.connect("t", "192.0.2.200", 7).map(|_| ()),
            Err(NetError::NoRoute(Ipv4Addr::new(192, 0, 2, 200)))
        );
        world.set_host_up("mail.crepes.fr", false)?;
        assert_eq!(
            world.connect("t", "MAIL.CREPES.FR", 7).map(|_| ()),
            Err(NetError::HostDown("mail.crepes.fr".into()))
        );
        world.set_host_up("mail.crepes.fr", true)?;
        assert!(world.connect("t", "mail.crepes.fr", 7).is_ok());
        Ok(())
    }

    #[test]
    fn clock_never_runs_backwards() {
        let mut world = World::new(TEXTBOOK_EPOCH, 0);
        world.advance_to(Instant::from_unix_millis(0));
        assert_eq!(world.now(), TEXTBOOK_EPOCH);
    }

    #[test]
    fn connection_ids_are_never_reused() -> Result<(), Box<dyn std::error::Error>> {
        let mut world = World::textbook(TEXTBOOK_EPOCH)?;
        let a = world.connect("t", "mail.crepes.fr", 7)?;
        world.close(a);
        let b = world.connect("t", "mail.crepes.fr", 7)?;
        assert_ne!(a, b);
        Ok(())
    }

    #[test]
    fn a_restart_keeps_the_clock_and_never_reuses_a_uidvalidity()
    -> Result<(), Box<dyn std::error::Error>> {
        let scenario = Scenario::parse(scenario::TEXTBOOK)?;
        let mut world = World::from_scenario(&scenario, None)?;
        let validity = |w: &World| {
            w.host("mail.hamburger.edu")
                .and_then(|h| h.store().status("bob", "INBOX").ok())
                .map(|s| s.uid_validity.get())
        };
        let before = validity(&world).ok_or("no INBOX")?;
        let conn = world.connect("t", "mail.hamburger.edu", POP3_PORT)?;
        world.advance_to(TEXTBOOK_EPOCH.saturating_add(std::time::Duration::from_secs(30)));
        world.restart(&scenario)?;
        assert!(
            validity(&world).ok_or("no INBOX")? > before,
            "RFC 3501 §2.3.1.1"
        );
        assert_eq!(
            world.now(),
            TEXTBOOK_EPOCH.saturating_add(std::time::Duration::from_secs(30))
        );
        assert!(world.connection(conn).is_none(), "connections are closed");
        Ok(())
    }
}
