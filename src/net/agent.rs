//! User agents: the client machines of the lab's users, driven over the virtual network, and
//! what they keep locally (a POP3 client's downloads and the UIDLs it has seen).
//!
//! The network is synchronous, so running a client is a loop: move the server's bytes to the
//! client machine, the client's bytes to the server, until the client says it is done. Every
//! exchange is recorded, so the terminal and the UI can show the dialogue line by line.

use super::{Delivery, NetError, World};
use crate::pop3::client::{Client, ClientError, Config, Output, Report};
use crate::sorted::{SortedMap, SortedSet};

/// One chunk of a recorded dialogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Sent by the client (`C:`), or else by the server (`S:`).
    pub from_client: bool,
    pub bytes: Vec<u8>,
}

/// A message a user agent downloaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalMessage {
    pub uidl: String,
    pub raw: Vec<u8>,
}

/// What one user agent (say, Bob's laptop) keeps on its own disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Agent {
    /// POP3 UIDLs already downloaded (download-and-keep does not fetch them again).
    pub seen: SortedSet<String>,
    /// The local mailbox, oldest first.
    pub local: Vec<LocalMessage>,
}

/// The user agents of a world, by name (`bob@laptop`).
#[derive(Clone, Debug, Default)]
pub struct Agents {
    agents: SortedMap<String, Agent>,
}

impl Agents {
    /// The agent called `name`, if it has run.
    pub fn get(&self, name: &str) -> Option<&Agent> {
        self.agents.get(name)
    }

    /// Every agent, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Agent)> {
        self.agents.iter().map(|(n, a)| (n.as_str(), a))
    }

    pub(super) fn insert(&mut self, name: String, agent: Agent) {
        self.agents.insert(name, agent);
    }

    fn entry(&mut self, name: &str) -> &mut Agent {
        self.agents.get_or_default(name.to_string())
    }
}

/// What a POP3 fetch did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pop3Run {
    pub transcript: Vec<Exchange>,
    pub result: Result<Report, ClientError>,
}

/// What an IMAP session did: every event of the client machine, in order, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImapRun {
    /// The connection it ran on (its record stays in [`World::sessions`]).
    pub conn: super::ConnId,
    pub transcript: Vec<Exchange>,
    pub events: Vec<crate::imap::client::Event>,
    pub result: Result<crate::imap::client::Report, crate::imap::client::ClientError>,
}

/// What an SMTP submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpRun {
    pub transcript: Vec<Exchange>,
    /// Each recipient's outcome at the submission server.
    pub outcomes: Vec<(crate::smtp::Address, crate::smtp::client::Outcome)>,
}

/// The most steps a client may take: far more than any real session needs, so a machine that
/// stops making progress cannot hang the lab.
const MAX_STEPS: usize = 100_000;

/// A client machine the world can drive over a connection.
pub(super) trait ClientMachine {
    type Output;
    fn feed(&mut self, bytes: &[u8]);
    fn handle_close(&mut self);
    fn poll_output(&mut self) -> Option<Self::Output>;
    /// The bytes to send, when `output` is a send.
    fn sent(output: &Self::Output) -> Option<&[u8]>;
    /// Nothing moves any more: by default the session is over.
    fn stalled(&mut self) {
        self.handle_close();
    }
}

impl ClientMachine for crate::imap::client::Client {
    type Output = crate::imap::client::Output;
    fn feed(&mut self, bytes: &[u8]) {
        crate::imap::client::Client::feed(self, bytes);
    }
    fn handle_close(&mut self) {
        crate::imap::client::Client::handle_close(self);
    }
    fn poll_output(&mut self) -> Option<Self::Output> {
        crate::imap::client::Client::poll_output(self)
    }
    fn sent(output: &Self::Output) -> Option<&[u8]> {
        match output {
            crate::imap::client::Output::Send(bytes) => Some(bytes),
            _ => None,
        }
    }
    /// An idling client with nothing to hear ends IDLE (the world is synchronous: whatever was
    /// going to happen meanwhile has happened) and goes on with its next task.
    fn stalled(&mut self) {
        if self.is_idling() {
            self.idle_done();
        } else {
            self.handle_close();
        }
    }
}

impl ClientMachine for Client {
    type Output = Output;
    fn feed(&mut self, bytes: &[u8]) {
        Client::feed(self, bytes);
    }
    fn handle_close(&mut self) {
        Client::handle_close(self);
    }
    fn poll_output(&mut self) -> Option<Output> {
        Client::poll_output(self)
    }
    fn sent(output: &Output) -> Option<&[u8]> {
        match output {
            Output::Send(bytes) => Some(bytes),
            _ => None,
        }
    }
}

impl ClientMachine for crate::smtp::client::Client {
    type Output = crate::smtp::client::Output;
    fn feed(&mut self, bytes: &[u8]) {
        crate::smtp::client::Client::feed(self, bytes);
    }
    fn handle_close(&mut self) {
        crate::smtp::client::Client::handle_close(self);
    }
    fn poll_output(&mut self) -> Option<Self::Output> {
        crate::smtp::client::Client::poll_output(self)
    }
    fn sent(output: &Self::Output) -> Option<&[u8]> {
        match output {
            crate::smtp::client::Output::Send(bytes) => Some(bytes),
            crate::smtp::client::Output::Done(_) => None,
        }
    }
}

impl World {
    /// Drives `machine` over connection `conn` until `handle` says it is done (or nothing moves
    /// any more), recording the dialogue; the connection is closed at the end.
    pub(super) fn drive<M: ClientMachine>(
        &mut self,
        conn: super::ConnId,
        machine: &mut M,
        mut handle: impl FnMut(&mut World, M::Output) -> bool,
    ) -> Vec<Exchange> {
        let mut transcript = Vec::new();
        'session: for _ in 0..MAX_STEPS {
            let mut progressed = false;
            while let Some(delivery) = self.poll_delivery(conn) {
                progressed = true;
                match delivery {
                    Delivery::Data(bytes) => {
                        machine.feed(&bytes);
                        transcript.push(Exchange {
                            from_client: false,
                            bytes,
                        });
                    }
                    Delivery::Closed => machine.handle_close(),
                }
            }
            while let Some(output) = machine.poll_output() {
                progressed = true;
                if let Some(bytes) = M::sent(&output) {
                    let bytes = bytes.to_vec();
                    let sent = self.send(conn, &bytes);
                    transcript.push(Exchange {
                        from_client: true,
                        bytes,
                    });
                    if sent.is_err() {
                        machine.handle_close();
                    }
                    continue;
                }
                if handle(self, output) {
                    break 'session;
                }
            }
            if !progressed {
                machine.stalled();
            }
        }
        self.close(conn);
        transcript
    }

    /// The user agents and their local mailboxes.
    pub fn agents(&self) -> &Agents {
        &self.agents
    }

    /// Runs a POP3 fetch for user agent `agent` against `host:port`; downloaded messages go to
    /// the agent's local mailbox, and with download-and-keep it remembers their UIDLs.
    pub fn fetch_pop3(
        &mut self,
        agent: &str,
        host: &str,
        port: u16,
        mut config: Config,
    ) -> Result<Pop3Run, NetError> {
        config.seen = self
            .agents
            .get(agent)
            .map(|a| a.seen.clone())
            .unwrap_or_default();
        let conn = self.connect(agent, host, port)?;
        let mut client = Client::new(config);
        let mut result = Err(ClientError::Closed);
        let transcript = self.drive(conn, &mut client, |world, output| match output {
            Output::Downloaded { uidl, raw } => {
                let local = world.agents.entry(agent);
                local.seen.insert(uidl.clone());
                local.local.push(LocalMessage { uidl, raw });
                false
            }
            Output::Done(done) => {
                result = done;
                true
            }
            Output::Send(_) => false,
        });
        Ok(Pop3Run { transcript, result })
    }

    /// Runs an IMAP session for user agent `agent` against `host:port`: login, then the
    /// configured tasks, then LOGOUT.
    pub fn run_imap(
        &mut self,
        agent: &str,
        host: &str,
        port: u16,
        config: crate::imap::client::Config,
    ) -> Result<ImapRun, NetError> {
        use crate::imap::client::{Client as ImapClient, ClientError as ImapError, Output as O};
        let conn = self.connect(agent, host, port)?;
        let mut client = ImapClient::new(config);
        let mut events = Vec::new();
        let mut result = Err(ImapError::Closed);
        let transcript = self.drive(conn, &mut client, |_, output| match output {
            O::Event(event) => {
                events.push(event);
                false
            }
            O::Done(done) => {
                result = done;
                true
            }
            O::Send(_) => false,
        });
        Ok(ImapRun {
            conn,
            transcript,
            events,
            result,
        })
    }

    /// Runs an SMTP client for user agent `agent` against `host:port` (submission, with the
    /// configured AUTH); what the server queues for relaying is relayed in the same step.
    pub fn send_smtp(
        &mut self,
        agent: &str,
        host: &str,
        port: u16,
        config: crate::smtp::client::Config,
    ) -> Result<SmtpRun, NetError> {
        let conn = self.connect(agent, host, port)?;
        let mut client = crate::smtp::client::Client::new(config);
        let mut outcomes = Vec::new();
        let transcript = self.drive(conn, &mut client, |_, output| match output {
            crate::smtp::client::Output::Done(done) => {
                outcomes = done;
                true
            }
            crate::smtp::client::Output::Send(_) => false,
        });
        Ok(SmtpRun {
            transcript,
            outcomes,
        })
    }
}
