//! The IMAP client machine: what a user agent does over IMAP4rev1 (RFC 3501) — log in, run a
//! list of [`Task`]s (LIST, SELECT, FETCH, SEARCH, STORE, COPY, MOVE, APPEND, IDLE…), log out —
//! while keeping track of the selected mailbox as the server's untagged data changes it.
//!
//! Sans-I/O like the POP3 and SMTP clients: the driver feeds server bytes ([`Client::feed`],
//! [`Client::handle_close`]) and drains [`Output`]s; the last one is [`Output::Done`]. Every
//! server byte is read with the shared [`response::parse`] and every command written with the
//! shared [`Command::write_segments`]; a response that does not parse ends the session with
//! [`ClientError::Protocol`], never a panic.
//!
//! The session: the capabilities come from the greeting's `[CAPABILITY …]` code or a CAPABILITY
//! command, and are asked again after login unless the tagged OK brings them (RFC 3501
//! §6.1.1, §7.1). A PREAUTH greeting skips login (§7.1.4); a BYE greeting ends the session
//! (§7.1.5). Login is AUTHENTICATE PLAIN (RFC 4616) when the server lists `AUTH=PLAIN` — with
//! the initial response on the command line under SASL-IR (RFC 4959) — else LOGIN, unless
//! configured otherwise. Then the tasks run one command at a time, in order, and LOGOUT ends
//! the session: its `* BYE` is expected, its tagged OK gives [`Output::Done`]`(Ok(…))`.
//!
//! What is essential: a refused login ends the session (after LOGOUT) with
//! [`ClientError::Login`]. A refused task (NO or BAD) is reported as
//! [`Outcome::Refused`] and the next task runs. A task that needs a selected mailbox
//! ([`Task::needs_selected`]) when none is — none was selected, the last SELECT or EXAMINE was
//! refused (which deselects, RFC 3501 §6.3.1), or CLOSE ran — is not sent but reported as
//! [`Outcome::Skipped`], so a FETCH never runs against a mailbox the user did not mean. A `* BYE`
//! other than LOGOUT's ends the session with [`ClientError::Bye`].
//!
//! Invariants: one command in flight at a time, with a unique tag (`A001`, `A002`…); a literal's
//! octets are sent only after the server's `+` unless LITERAL+ (or LITERAL- for small ones)
//! allows otherwise (RFC 7888); sequence numbers in the client's view shift down on every
//! EXPUNGE (RFC 3501 §7.4.1); the same bytes split anywhere give the same outputs.

use std::collections::VecDeque;
use std::fmt;

use super::command::{
    Command, CommandBody, FetchAttribute, FetchItems, LiteralMode, SearchKey, SequenceSet,
    StatusItem, StoreMode, Tag, write_done,
};
use super::response::{
    self, Code, Condition, FetchData, MailboxListing, ParsedResponse, Response, Status, Untagged,
};
use super::utf7;
use crate::mail::section::Section;

/// The most octets of one response the client buffers (a FETCH literal included) before it
/// gives up on the server: bounded memory whatever a server sends.
pub const MAX_RESPONSE: usize = 64 << 20;

/// How to log in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// AUTHENTICATE PLAIN when the server lists `AUTH=PLAIN`, else LOGIN.
    Auto,
    /// LOGIN (RFC 3501 §6.2.3), even if the server says LOGINDISABLED.
    Login,
    /// AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4616), even if not listed.
    Plain,
}

/// When an IDLE task ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdleUntil {
    /// At the first update about the mailbox (EXISTS, RECENT, EXPUNGE, FETCH or FLAGS): the
    /// client then sends DONE itself, so a one-shot driver can wait for "new mail".
    FirstUpdate,
    /// When the driver calls [`Client::idle_done`].
    Done,
}

/// One thing the user agent does after login. Mailbox names are Unicode; the client writes
/// them in modified UTF-7 (RFC 3501 §5.1.3). `uid` means the set holds UIDs (§6.4.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Task {
    /// LIST (§6.3.8): gives [`Event::Listed`].
    List {
        reference: String,
        pattern: String,
    },
    /// LSUB (§6.3.9): gives [`Event::Listed`].
    Lsub {
        reference: String,
        pattern: String,
    },
    /// STATUS with MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN (§6.3.10).
    Status {
        mailbox: String,
    },
    /// SELECT (§6.3.1): gives [`Event::Selected`].
    Select {
        mailbox: String,
    },
    /// EXAMINE (§6.3.2): SELECT, read-only.
    Examine {
        mailbox: String,
    },
    /// FETCH of UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE (§6.4.5): one [`Event::Fetched`]
    /// per message.
    FetchHeaders {
        set: SequenceSet,
        uid: bool,
    },
    /// FETCH of UID FLAGS BODY.PEEK[] — the whole message, without setting `\Seen`.
    FetchBody {
        set: SequenceSet,
        uid: bool,
    },
    /// SEARCH (§6.4.4), with CHARSET UTF-8 when a string in the criteria is not ASCII.
    Search {
        criteria: SearchKey,
        uid: bool,
    },
    /// STORE FLAGS, +FLAGS or -FLAGS (§6.4.6); the new flags come back as [`Event::Fetched`].
    Store {
        set: SequenceSet,
        uid: bool,
        mode: StoreMode,
        flags: Vec<String>,
    },
    /// COPY (§6.4.7); with UIDPLUS the new UIDs come as [`Event::Copied`] (RFC 4315 §3).
    Copy {
        set: SequenceSet,
        uid: bool,
        mailbox: String,
    },
    /// MOVE (RFC 6851) when the server lists MOVE. Otherwise the client does what MOVE does
    /// atomically, in three commands (RFC 6851 §3.3): COPY; STORE +FLAGS.SILENT (\Deleted) on
    /// the copied messages (by UID when COPYUID names them); then `UID EXPUNGE` of exactly those
    /// UIDs when the server lists UIDPLUS (RFC 4315 §2.1), else a plain EXPUNGE. The plain
    /// EXPUNGE removes *every* message marked `\Deleted` in the mailbox — also ones the user
    /// or another client marked earlier and did not mean to remove yet — which is why UID
    /// EXPUNGE is used when it exists. If the COPY is refused nothing is deleted; if messages
    /// are expunged during a COPY by sequence number without COPYUID, the numbers no longer
    /// name the copied messages and the task stops before deleting ([`Outcome::Abandoned`]).
    Move {
        set: SequenceSet,
        uid: bool,
        mailbox: String,
    },
    /// APPEND (§6.3.11), e.g. to Sent; the literal is `{n+}` under LITERAL+ (RFC 7888), else
    /// synchronizing. With UIDPLUS the new UID comes as [`Event::Appended`].
    Append {
        mailbox: String,
        flags: Vec<String>,
        message: Vec<u8>,
    },
    Create {
        mailbox: String,
    },
    Delete {
        mailbox: String,
    },
    Rename {
        from: String,
        to: String,
    },
    /// EXPUNGE (§6.4.3): one [`Event::Expunged`] per message removed.
    Expunge,
    /// CLOSE (§6.4.2): expunges silently and deselects.
    Close,
    Noop,
    /// IDLE (RFC 2177), when the server lists it (else skipped): updates arrive as events.
    Idle {
        until: IdleUntil,
    },
}

impl Task {
    /// Whether the task is a selected-state command (RFC 3501 §6.4).
    pub fn needs_selected(&self) -> bool {
        matches!(
            self,
            Task::FetchHeaders { .. }
                | Task::FetchBody { .. }
                | Task::Search { .. }
                | Task::Store { .. }
                | Task::Copy { .. }
                | Task::Move { .. }
                | Task::Expunge
                | Task::Close
        )
    }
}

/// What the user agent is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    pub user: String,
    pub password: String,
    pub login: Login,
    /// Run in order after login.
    pub tasks: Vec<Task>,
}

/// The selected mailbox as the client knows it (RFC 3501 §6.3.1, §7.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    /// EXAMINE, or `[READ-ONLY]` on SELECT.
    pub read_only: bool,
    pub exists: u32,
    pub recent: u32,
    pub uid_validity: Option<u32>,
    pub uid_next: Option<u32>,
    /// The number of the first unseen message (`[UNSEEN n]`).
    pub unseen: Option<u32>,
    pub flags: Vec<String>,
    pub permanent_flags: Option<Vec<String>>,
}

/// RFC 4315 §3 COPYUID: the source UIDs and the UIDs their copies got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyUid {
    pub uid_validity: u32,
    pub source: SequenceSet,
    pub destination: SequenceSet,
}

/// How a task ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok {
        code: Option<Code>,
        text: String,
    },
    /// The server answered NO or BAD.
    Refused {
        status: Status,
        code: Option<Code>,
        text: String,
    },
    /// Not sent: why.
    Skipped(String),
    /// Begun, then stopped by the client before it could do harm: why.
    Abandoned(String),
}

/// What the session tells the user agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The server's capabilities, each time they are learned.
    Capabilities(Vec<String>),
    /// Logged in (or PREAUTH).
    LoggedIn,
    /// The result of a LIST or LSUB task (raw names: see [`utf7::decode_lossy`]).
    Listed(Vec<MailboxListing>),
    /// The result of a STATUS task.
    MailboxStatus {
        mailbox: String,
        items: Vec<(StatusItem, u64)>,
    },
    /// SELECT or EXAMINE succeeded.
    Selected(Mailbox),
    /// A FETCH response during a FETCH or STORE task; `uid` is from the data, or else known
    /// from earlier data about that message.
    Fetched {
        number: u32,
        uid: Option<u32>,
        data: Vec<FetchData>,
    },
    /// The result of a SEARCH task: message numbers, or UIDs for UID SEARCH.
    Searched(Vec<u32>),
    /// APPENDUID (RFC 4315 §3).
    Appended { uid_validity: u32, uid: u32 },
    /// COPYUID of a COPY or MOVE (RFC 4315 §3, RFC 6851 §4.3).
    Copied(CopyUid),
    /// A message was expunged; the numbers of the later ones went down by one.
    Expunged { number: u32, uid: Option<u32> },
    /// The server accepted IDLE (its `+`).
    Idling,
    /// Any other untagged data (EXISTS, RECENT, FLAGS, FETCH outside a task, ALERT…), after
    /// the client applied it to its view of the mailbox.
    Update(Untagged),
    /// The task at this index of [`Config::tasks`] ended.
    TaskDone { index: usize, outcome: Outcome },
}

/// What the client gives its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Bytes for the server.
    Send(Vec<u8>),
    Event(Event),
    /// The session is over; nothing follows.
    Done(Result<Report, ClientError>),
}

/// What a finished session did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The capabilities last learned.
    pub capabilities: Vec<String>,
    /// The mailbox selected at the end, as last known.
    pub selected: Option<Mailbox>,
    pub completed: usize,
    pub refused: usize,
    /// Skipped or abandoned.
    pub skipped: usize,
}

/// Why a session failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The server greeted with BYE (RFC 3501 §7.1.5).
    Greeting(String),
    /// Login refused, or impossible (LOGINDISABLED without AUTH=PLAIN).
    Login { code: Option<Code>, text: String },
    /// The server said BYE before LOGOUT.
    Bye(String),
    /// Bytes that are not an IMAP response, or a response at the wrong time.
    Protocol(String),
    /// The connection ended before LOGOUT was answered.
    Closed,
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Greeting(t) => write!(f, "the server refused the connection: {t}"),
            ClientError::Login { text, .. } => write!(f, "login refused: {text}"),
            ClientError::Bye(t) => write!(f, "the server ended the session: {t}"),
            ClientError::Protocol(t) => write!(f, "protocol error: {t}"),
            ClientError::Closed => write!(f, "the connection closed before the session ended"),
        }
    }
}

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Greeting,
    Session,
    Done,
}

/// The command in flight.
struct InFlight {
    tag: Tag,
    work: Work,
    /// Octets still to send, each after a `+` continuation (RFC 3501 §7.5).
    segments: VecDeque<Vec<u8>>,
}

/// What the command in flight is for.
enum Work {
    Capability,
    /// LOGIN, or AUTHENTICATE with SASL-IR; `generation` of the capabilities when sent.
    Login {
        generation: u32,
    },
    /// AUTHENTICATE PLAIN without SASL-IR: `response` goes after the server's `+`.
    Authenticate {
        generation: u32,
        response: Option<String>,
    },
    Task {
        index: usize,
        run: Run,
    },
    Logout {
        bye: bool,
    },
}

/// A task in flight, with what it has collected so far.
enum Run {
    Listing(Vec<MailboxListing>),
    Status {
        mailbox: String,
        wire: Vec<u8>,
        items: Vec<(StatusItem, u64)>,
    },
    /// SELECT or EXAMINE: the untagged data describes this mailbox (RFC 3501 §6.3.1).
    Opening(Mailbox),
    /// FETCH or STORE: FETCH responses are the results.
    Fetching,
    Searching(Vec<u32>),
    /// COPY, or MOVE with the extension: COPYUID may come untagged (RFC 6851 §4.3) or tagged.
    Copying(Option<CopyUid>),
    Appending,
    /// MOVE without the extension, step 1: COPY.
    MoveCopy {
        set: SequenceSet,
        uid: bool,
        copy_uid: Option<CopyUid>,
        expunged: bool,
    },
    /// Step 2: STORE +FLAGS.SILENT (\Deleted); `uids` when the set is UIDs.
    MoveStore {
        uids: Option<SequenceSet>,
    },
    /// Step 3: UID EXPUNGE or EXPUNGE.
    MoveExpunge,
    Closing,
    Idle {
        until: IdleUntil,
        state: IdleState,
    },
    /// CREATE, DELETE, RENAME, EXPUNGE, NOOP: the tagged response is the result.
    Plain,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdleState {
    /// IDLE sent, `+` awaited; `stop` when DONE is to follow it at once.
    Asked {
        stop: bool,
    },
    Idling,
    /// DONE sent (RFC 2177 §3), the tagged OK awaited.
    Ending,
}

/// An IMAP client session.
pub struct Client {
    user: String,
    password: String,
    login: Login,
    tasks: VecDeque<Task>,
    next_index: usize,
    buffer: Vec<u8>,
    out: VecDeque<Output>,
    phase: Phase,
    /// `None` until learned (again, after login).
    capabilities: Option<Vec<String>>,
    /// Counts the times capabilities were learned.
    generation: u32,
    authenticated: bool,
    in_flight: Option<InFlight>,
    next_tag: u32,
    selected: Option<Mailbox>,
    /// UIDs the client has seen, by message number in the selected mailbox: (number, UID)
    /// pairs in number order.
    uids: Vec<(u32, u32)>,
    report: Report,
    /// A failure to report once LOGOUT is answered.
    failure: Option<ClientError>,
}

impl Client {
    /// A client about to read the server's greeting.
    pub fn new(config: Config) -> Client {
        Client {
            user: config.user,
            password: config.password,
            login: config.login,
            tasks: config.tasks.into(),
            next_index: 0,
            buffer: Vec::new(),
            out: VecDeque::new(),
            phase: Phase::Greeting,
            capabilities: None,
            generation: 0,
            authenticated: false,
            in_flight: None,
            next_tag: 1,
            selected: None,
            uids: Vec::new(),
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
        self.phase == Phase::Done
    }

    /// Whether an IDLE is in progress and waiting for [`Client::idle_done`] or an update.
    pub fn is_idling(&self) -> bool {
        matches!(
            self.running(),
            Some(Run::Idle {
                state: IdleState::Asked { stop: false } | IdleState::Idling,
                ..
            })
        )
    }

    /// The capabilities the server listed last (empty until known).
    pub fn capabilities(&self) -> &[String] {
        self.capabilities.as_deref().unwrap_or_default()
    }

    /// Whether the server listed `name` (case-insensitive, RFC 3501 §7.2.1).
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities()
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }

    /// The selected mailbox, as far as the client knows.
    pub fn selected(&self) -> Option<&Mailbox> {
        self.selected.as_ref()
    }

    /// Ends the IDLE in progress: DONE is sent now, or right after the server's `+` if it has
    /// not come yet (RFC 2177 §3). Does nothing when not idling.
    pub fn idle_done(&mut self) {
        if let Some(Run::Idle { state, .. }) = self.running_mut() {
            match *state {
                IdleState::Asked { .. } => *state = IdleState::Asked { stop: true },
                IdleState::Idling => {
                    *state = IdleState::Ending;
                    self.send_done();
                }
                IdleState::Ending => {}
            }
        }
    }

    /// Server bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.is_done() {
            return;
        }
        self.buffer.extend_from_slice(bytes);
        let mut start = 0;
        while !self.is_done() {
            let rest = self.buffer.get(start..).unwrap_or_default();
            match response::parse(rest) {
                Ok(ParsedResponse::Complete { response, consumed }) => {
                    start += consumed;
                    self.response(response);
                }
                Ok(ParsedResponse::Incomplete) => {
                    if rest.len() > MAX_RESPONSE {
                        self.abort(format!("a response longer than {MAX_RESPONSE} octets"));
                    }
                    break;
                }
                Err(e) => {
                    let line = excerpt(rest);
                    self.abort(format!("{e}: {line}"));
                }
            }
        }
        if self.is_done() {
            self.buffer = Vec::new();
        } else {
            self.buffer.drain(..start.min(self.buffer.len()));
        }
    }

    /// The server closed the connection.
    pub fn handle_close(&mut self) {
        if self.is_done() {
            return;
        }
        // A server may close right after LOGOUT's BYE without the tagged OK; the session
        // ended as asked all the same.
        let logged_out = matches!(
            self.in_flight,
            Some(InFlight {
                work: Work::Logout { bye: true },
                ..
            })
        );
        let result = match self.failure.take() {
            Some(failure) => Err(failure),
            None if logged_out => Ok(self.final_report()),
            None => Err(ClientError::Closed),
        };
        self.finish(result);
    }

    // ---- reading responses ----

    fn response(&mut self, response: Response) {
        match self.phase {
            Phase::Greeting => self.greeting(response),
            Phase::Session => match response {
                Response::Tagged {
                    tag,
                    status,
                    code,
                    text,
                } => self.tagged(&tag, status, code, text),
                Response::Untagged(untagged) => self.untagged(untagged),
                Response::Continuation(_) => self.continuation(),
            },
            Phase::Done => {}
        }
    }

    /// RFC 3501 §7.1: the greeting is OK, PREAUTH or BYE.
    fn greeting(&mut self, response: Response) {
        let Response::Untagged(Untagged::Status {
            condition,
            code,
            text,
        }) = response
        else {
            return self.abort("the greeting is not * OK, * PREAUTH or * BYE".into());
        };
        match condition {
            Condition::Bye => return self.finish(Err(ClientError::Greeting(text))),
            Condition::Ok | Condition::Preauth => {}
            Condition::No | Condition::Bad => {
                return self.abort(format!("the greeting is * {condition:?} {text}"));
            }
        }
        self.phase = Phase::Session;
        if let Some(Code::Capability(capabilities)) = code {
            self.learn(capabilities);
        }
        if condition == Condition::Preauth {
            // RFC 3501 §7.1.4: already authenticated; the capabilities are those after login.
            self.authenticated = true;
            self.event(Event::LoggedIn);
        }
        self.advance();
    }

    fn tagged(&mut self, tag: &Tag, status: Status, code: Option<Code>, text: String) {
        let Some(flight) = self.in_flight.take() else {
            return self.abort(format!(
                "a tagged response ({}) with no command in progress",
                tag.as_str()
            ));
        };
        if flight.tag != *tag {
            return self.abort(format!(
                "a tagged response for {} while {} is in progress",
                tag.as_str(),
                flight.tag.as_str()
            ));
        }
        // Segments not sent yet are dropped: the server refused the command before them.
        let ok = status == Status::Ok;
        match flight.work {
            Work::Capability => {
                if self.capabilities.is_none() {
                    // A server that cannot say has nothing to offer.
                    self.capabilities = Some(Vec::new());
                }
                self.advance();
            }
            Work::Login { generation } | Work::Authenticate { generation, .. } => {
                if ok {
                    self.authenticated = true;
                    match code {
                        Some(Code::Capability(capabilities)) => self.learn(capabilities),
                        // RFC 3501 §6.2: capabilities may change on login; ask again unless
                        // they came with it.
                        _ if self.generation == generation => self.capabilities = None,
                        _ => {}
                    }
                    self.event(Event::LoggedIn);
                    self.advance();
                } else {
                    self.failure = Some(ClientError::Login { code, text });
                    self.logout();
                }
            }
            Work::Task { index, run } => self.task_answered(index, run, status, code, text),
            Work::Logout { .. } => {
                let result = match self.failure.take() {
                    Some(failure) => Err(failure),
                    None if ok => Ok(self.final_report()),
                    None => Err(ClientError::Protocol(format!("LOGOUT refused: {text}"))),
                };
                self.finish(result);
            }
        }
    }

    /// `+`: the server waits for more of the command in flight (RFC 3501 §7.5).
    fn continuation(&mut self) {
        let Some(flight) = self.in_flight.as_mut() else {
            return self.abort("a continuation with no command in progress".into());
        };
        if let Some(segment) = flight.segments.pop_front() {
            return self.out.push_back(Output::Send(segment));
        }
        match &mut flight.work {
            Work::Authenticate { response, .. } => {
                let line = match response.take() {
                    Some(response) => format!("{response}\r\n"),
                    // RFC 3501 §6.2.2: PLAIN has one step; a further challenge is cancelled.
                    None => "*\r\n".to_string(),
                };
                self.out.push_back(Output::Send(line.into_bytes()));
            }
            Work::Task {
                run: Run::Idle { state, .. },
                ..
            } => match *state {
                IdleState::Asked { stop: true } => {
                    *state = IdleState::Ending;
                    self.send_done();
                }
                IdleState::Asked { stop: false } => {
                    *state = IdleState::Idling;
                    self.event(Event::Idling);
                }
                IdleState::Idling | IdleState::Ending => {
                    self.abort("a second continuation during IDLE".into());
                }
            },
            _ => self.abort("a continuation the command does not ask for".into()),
        }
    }

    fn untagged(&mut self, untagged: Untagged) {
        match untagged {
            Untagged::Status {
                condition: Condition::Bye,
                text,
                ..
            } => {
                // RFC 3501 §7.1.5: expected after LOGOUT; otherwise the server is leaving.
                match &mut self.in_flight {
                    Some(InFlight {
                        work: Work::Logout { bye },
                        ..
                    }) => *bye = true,
                    _ => self.finish(Err(ClientError::Bye(text))),
                }
            }
            Untagged::Status {
                condition: Condition::Preauth,
                ..
            } => self.abort("PREAUTH after the greeting".into()),
            // RFC 3501 §7.1: a CAPABILITY code may come with any OK.
            Untagged::Capability(capabilities)
            | Untagged::Status {
                condition: Condition::Ok,
                code: Some(Code::Capability(capabilities)),
                ..
            } => self.learn(capabilities),
            other => {
                if let Some(other) = self.collect(other) {
                    self.apply(other);
                }
            }
        }
    }

    /// Gives untagged data to the task in flight when it is that task's result; hands it back
    /// otherwise.
    fn collect(&mut self, untagged: Untagged) -> Option<Untagged> {
        let Some(run) = self.running_mut() else {
            return Some(untagged);
        };
        match (run, untagged) {
            (Run::Listing(list), Untagged::List(l) | Untagged::Lsub(l)) => list.push(l),
            (
                Run::Status { wire, items, .. },
                Untagged::MailboxStatus {
                    mailbox,
                    items: got,
                },
            ) if mailbox == *wire => *items = got,
            (Run::Searching(found), Untagged::Search(numbers)) => found.extend(numbers),
            (Run::Opening(mailbox), untagged) => return opening(mailbox, untagged),
            (
                Run::Copying(found)
                | Run::MoveCopy {
                    copy_uid: found, ..
                },
                Untagged::Status {
                    condition: Condition::Ok,
                    code:
                        Some(Code::CopyUid {
                            uid_validity,
                            source,
                            destination,
                        }),
                    ..
                },
            ) => {
                *found = Some(CopyUid {
                    uid_validity,
                    source,
                    destination,
                });
            }
            (_, untagged) => return Some(untagged),
        }
        None
    }

    /// Applies unsolicited data to the selected mailbox and reports it.
    fn apply(&mut self, untagged: Untagged) {
        let mut news = true;
        match &untagged {
            // RFC 3501 §7.3.1, §7.3.2, §7.2.6.
            Untagged::Exists(n) => {
                if let Some(m) = &mut self.selected {
                    m.exists = *n;
                }
            }
            Untagged::Recent(n) => {
                if let Some(m) = &mut self.selected {
                    m.recent = *n;
                }
            }
            Untagged::Flags(flags) => {
                if let Some(m) = &mut self.selected {
                    m.flags.clone_from(flags);
                }
            }
            Untagged::Expunge(number) => {
                let number = *number;
                let uid = self.expunge(number);
                if let Some(Run::MoveCopy { expunged, .. }) = self.running_mut() {
                    *expunged = true;
                }
                self.event(Event::Expunged { number, uid });
                return self.idle_update();
            }
            Untagged::Fetch { number, attributes } => {
                let number = *number;
                let mut uid = attributes.iter().find_map(|a| match a {
                    FetchData::Uid(uid) => Some(*uid),
                    _ => None,
                });
                match uid {
                    Some(known) if self.selected.is_some() => {
                        match self.uids.binary_search_by_key(&number, |p| p.0) {
                            Ok(i) => self.uids[i].1 = known,
                            Err(i) => self.uids.insert(i, (number, known)),
                        }
                    }
                    Some(_) => {}
                    None => {
                        uid = self
                            .uids
                            .binary_search_by_key(&number, |p| p.0)
                            .ok()
                            .map(|i| self.uids[i].1);
                    }
                }
                if matches!(self.running(), Some(Run::Fetching)) {
                    if let Untagged::Fetch { attributes, .. } = untagged {
                        self.event(Event::Fetched {
                            number,
                            uid,
                            data: attributes,
                        });
                    }
                    return;
                }
            }
            Untagged::Status { code, .. } => {
                news = false;
                if let (Some(m), Some(code)) = (&mut self.selected, code) {
                    if let Code::UidValidity(v) = code
                        && m.uid_validity != Some(*v)
                    {
                        // RFC 3501 §2.3.1.1: UIDs from before a new UIDVALIDITY mean nothing.
                        self.uids.clear();
                    }
                    mailbox_code(m, code);
                }
            }
            _ => news = false,
        }
        self.event(Event::Update(untagged));
        if news {
            self.idle_update();
        }
    }

    /// RFC 3501 §7.4.1: message `number` is gone and every later number goes down by one.
    fn expunge(&mut self, number: u32) -> Option<u32> {
        if let Some(m) = &mut self.selected {
            m.exists = m.exists.saturating_sub(1);
        }
        let uid = match self.uids.binary_search_by_key(&number, |p| p.0) {
            Ok(i) => Some(self.uids.remove(i).1),
            Err(_) => None,
        };
        for (n, _) in self.uids.iter_mut().filter(|(n, _)| *n > number) {
            *n -= 1;
        }
        uid
    }

    /// An update arrived: an IDLE that waits for the first one ends.
    fn idle_update(&mut self) {
        if let Some(Run::Idle {
            until: IdleUntil::FirstUpdate,
            ..
        }) = self.running()
        {
            self.idle_done();
        }
    }

    // ---- sending commands ----

    /// Sends what comes next when nothing is in flight.
    fn advance(&mut self) {
        if self.in_flight.is_some() || self.phase != Phase::Session {
            return;
        }
        if self.capabilities.is_none() {
            return self.send(CommandBody::Capability, Work::Capability);
        }
        if !self.authenticated {
            return self.log_in();
        }
        while let Some(task) = self.tasks.pop_front() {
            let index = self.next_index;
            self.next_index += 1;
            match self.plan(task) {
                Ok((body, run)) => {
                    if matches!(body, CommandBody::Select(_) | CommandBody::Examine(_)) {
                        // RFC 3501 §6.3.1: SELECT deselects first, even if it then fails.
                        self.selected = None;
                        self.uids.clear();
                    }
                    return self.send(body, Work::Task { index, run });
                }
                Err(reason) => self.record(index, Outcome::Skipped(reason)),
            }
        }
        self.logout();
    }

    fn log_in(&mut self) {
        let plain = match self.login {
            Login::Plain => true,
            Login::Login => false,
            Login::Auto if self.has_capability("AUTH=PLAIN") => true,
            Login::Auto if self.has_capability("LOGINDISABLED") => {
                // RFC 3501 §6.2.3: a client MUST NOT send LOGIN after LOGINDISABLED.
                self.failure = Some(ClientError::Login {
                    code: None,
                    text: "the server says LOGINDISABLED and offers no AUTH=PLAIN".into(),
                });
                return self.logout();
            }
            Login::Auto => false,
        };
        let generation = self.generation;
        if !plain {
            let body = CommandBody::Login {
                user: self.user.clone().into_bytes(),
                password: self.password.clone().into_bytes(),
            };
            return self.send(body, Work::Login { generation });
        }
        // RFC 4616 §2: authzid (empty), NUL, authcid, NUL, password.
        let response = crate::sasl::Plain::encode(&self.user, &self.password);
        if self.has_capability("SASL-IR") {
            // RFC 4959 §3: the initial response on the command line.
            let body = CommandBody::Authenticate {
                mechanism: "PLAIN".into(),
                initial: Some(response),
            };
            self.send(body, Work::Login { generation });
        } else {
            let body = CommandBody::Authenticate {
                mechanism: "PLAIN".into(),
                initial: None,
            };
            let work = Work::Authenticate {
                generation,
                response: Some(response),
            };
            self.send(body, work);
        }
    }

    /// The command for a task, or why it is skipped.
    fn plan(&self, task: Task) -> Result<(CommandBody, Run), String> {
        if task.needs_selected() && self.selected.is_none() {
            return Err("no mailbox is selected".into());
        }
        let wire = |name: &str| utf7::encode(name).into_bytes();
        Ok(match task {
            Task::List { reference, pattern } => (
                CommandBody::List {
                    reference: wire(&reference),
                    pattern: wire(&pattern),
                },
                Run::Listing(Vec::new()),
            ),
            Task::Lsub { reference, pattern } => (
                CommandBody::Lsub {
                    reference: wire(&reference),
                    pattern: wire(&pattern),
                },
                Run::Listing(Vec::new()),
            ),
            Task::Status { mailbox } => {
                let encoded = wire(&mailbox);
                let body = CommandBody::Status {
                    mailbox: encoded.clone(),
                    items: vec![
                        StatusItem::Messages,
                        StatusItem::Recent,
                        StatusItem::UidNext,
                        StatusItem::UidValidity,
                        StatusItem::Unseen,
                    ],
                };
                // The server writes INBOX in its own case (RFC 3501 §5.1).
                let wire_name = if encoded.eq_ignore_ascii_case(b"INBOX") {
                    b"INBOX".to_vec()
                } else {
                    encoded
                };
                let run = Run::Status {
                    mailbox,
                    wire: wire_name,
                    items: Vec::new(),
                };
                (body, run)
            }
            Task::Select { mailbox } => (
                CommandBody::Select(wire(&mailbox)),
                Run::Opening(Mailbox {
                    name: mailbox,
                    ..Mailbox::default()
                }),
            ),
            Task::Examine { mailbox } => (
                CommandBody::Examine(wire(&mailbox)),
                Run::Opening(Mailbox {
                    name: mailbox,
                    // RFC 3501 §6.3.2.
                    read_only: true,
                    ..Mailbox::default()
                }),
            ),
            Task::FetchHeaders { set, uid } => (
                CommandBody::Fetch {
                    uid,
                    set,
                    items: FetchItems::List(vec![
                        FetchAttribute::Uid,
                        FetchAttribute::Flags,
                        FetchAttribute::InternalDate,
                        FetchAttribute::Rfc822Size,
                        FetchAttribute::Envelope,
                    ]),
                },
                Run::Fetching,
            ),
            Task::FetchBody { set, uid } => (
                CommandBody::Fetch {
                    uid,
                    set,
                    items: FetchItems::List(vec![
                        FetchAttribute::Uid,
                        FetchAttribute::Flags,
                        // RFC 3501 §6.4.5: .PEEK leaves \Seen alone.
                        FetchAttribute::BodySection {
                            peek: true,
                            section: Section::default(),
                            partial: None,
                        },
                    ]),
                },
                Run::Fetching,
            ),
            Task::Search { criteria, uid } => (
                CommandBody::Search {
                    uid,
                    // RFC 3501 §6.4.4: strings are US-ASCII unless a CHARSET says otherwise.
                    charset: has_non_ascii(&criteria).then(|| "UTF-8".to_string()),
                    criteria,
                },
                Run::Searching(Vec::new()),
            ),
            Task::Store {
                set,
                uid,
                mode,
                flags,
            } => (
                CommandBody::Store {
                    uid,
                    set,
                    mode,
                    silent: false,
                    flags,
                },
                Run::Fetching,
            ),
            Task::Copy { set, uid, mailbox } => (
                CommandBody::Copy {
                    uid,
                    set,
                    mailbox: wire(&mailbox),
                },
                Run::Copying(None),
            ),
            Task::Move { set, uid, mailbox } if self.has_capability("MOVE") => (
                CommandBody::Move {
                    uid,
                    set,
                    mailbox: wire(&mailbox),
                },
                Run::Copying(None),
            ),
            Task::Move { set, uid, mailbox } => (
                CommandBody::Copy {
                    uid,
                    set: set.clone(),
                    mailbox: wire(&mailbox),
                },
                Run::MoveCopy {
                    set,
                    uid,
                    copy_uid: None,
                    expunged: false,
                },
            ),
            Task::Append {
                mailbox,
                flags,
                message,
            } => (
                CommandBody::Append {
                    mailbox: wire(&mailbox),
                    flags,
                    date: None,
                    message,
                },
                Run::Appending,
            ),
            Task::Create { mailbox } => (CommandBody::Create(wire(&mailbox)), Run::Plain),
            Task::Delete { mailbox } => (CommandBody::Delete(wire(&mailbox)), Run::Plain),
            Task::Rename { from, to } => (
                CommandBody::Rename {
                    from: wire(&from),
                    to: wire(&to),
                },
                Run::Plain,
            ),
            Task::Expunge => (CommandBody::Expunge, Run::Plain),
            Task::Close => (CommandBody::Close, Run::Closing),
            Task::Noop => (CommandBody::Noop, Run::Plain),
            Task::Idle { until } => {
                if !self.has_capability("IDLE") {
                    // RFC 2177 §1: only when the server lists IDLE.
                    return Err("the server does not offer IDLE".into());
                }
                let state = IdleState::Asked { stop: false };
                (CommandBody::Idle, Run::Idle { until, state })
            }
        })
    }

    /// The tagged response to a task's command.
    fn task_answered(
        &mut self,
        index: usize,
        run: Run,
        status: Status,
        code: Option<Code>,
        text: String,
    ) {
        if status != Status::Ok {
            // A refused MOVE step stops the move where it is: nothing is deleted after a
            // failed COPY, nothing expunged after a failed STORE.
            return self.task_done(index, Outcome::Refused { status, code, text });
        }
        match run {
            Run::Listing(list) => self.event(Event::Listed(list)),
            Run::Status { mailbox, items, .. } => {
                self.event(Event::MailboxStatus { mailbox, items });
            }
            Run::Opening(mut mailbox) => {
                match code {
                    Some(Code::ReadOnly) => mailbox.read_only = true,
                    Some(Code::ReadWrite) => mailbox.read_only = false,
                    _ => {}
                }
                self.selected = Some(mailbox.clone());
                self.event(Event::Selected(mailbox));
            }
            Run::Searching(numbers) => self.event(Event::Searched(numbers)),
            Run::Copying(copy_uid) => {
                if let Some(copy_uid) = copy_uid.or_else(|| copy_uid_of(code.as_ref())) {
                    self.event(Event::Copied(copy_uid));
                }
            }
            Run::Appending => {
                if let Some(Code::AppendUid { uid_validity, uid }) = code {
                    self.event(Event::Appended { uid_validity, uid });
                }
            }
            Run::MoveCopy {
                set,
                uid,
                copy_uid,
                expunged,
            } => {
                let copy_uid = copy_uid.or_else(|| copy_uid_of(code.as_ref()));
                // RFC 4315 §3: COPYUID's source set is exactly the messages copied, by UID.
                let uids = match (&copy_uid, uid) {
                    (Some(c), _) => Some(c.source.clone()),
                    (None, true) => Some(set.clone()),
                    (None, false) if expunged => {
                        return self.task_done(
                            index,
                            Outcome::Abandoned(
                                "messages were expunged during the COPY, so the sequence \
                                 numbers no longer name the copied messages; nothing was deleted"
                                    .into(),
                            ),
                        );
                    }
                    (None, false) => None,
                };
                if let Some(copy_uid) = copy_uid {
                    self.event(Event::Copied(copy_uid));
                }
                let body = CommandBody::Store {
                    uid: uids.is_some(),
                    set: uids.clone().unwrap_or(set),
                    mode: StoreMode::Add,
                    silent: true,
                    flags: vec!["\\Deleted".into()],
                };
                return self.send(
                    body,
                    Work::Task {
                        index,
                        run: Run::MoveStore { uids },
                    },
                );
            }
            Run::MoveStore { uids } => {
                let body = match uids {
                    // RFC 4315 §2.1: only these messages.
                    Some(uids) if self.has_capability("UIDPLUS") => CommandBody::UidExpunge(uids),
                    _ => CommandBody::Expunge,
                };
                let run = Run::MoveExpunge;
                return self.send(body, Work::Task { index, run });
            }
            Run::Closing => {
                // RFC 3501 §6.4.2: expunged silently, and back to the authenticated state.
                self.selected = None;
                self.uids.clear();
            }
            Run::Fetching | Run::MoveExpunge | Run::Idle { .. } | Run::Plain => {}
        }
        self.task_done(index, Outcome::Ok { code, text });
    }

    /// A task ended: report it, and go on.
    fn task_done(&mut self, index: usize, outcome: Outcome) {
        self.record(index, outcome);
        self.advance();
    }

    fn record(&mut self, index: usize, outcome: Outcome) {
        match outcome {
            Outcome::Ok { .. } => self.report.completed += 1,
            Outcome::Refused { .. } => self.report.refused += 1,
            Outcome::Skipped(_) | Outcome::Abandoned(_) => self.report.skipped += 1,
        }
        self.event(Event::TaskDone { index, outcome });
    }

    fn logout(&mut self) {
        self.send(CommandBody::Logout, Work::Logout { bye: false });
    }

    /// Sends a command's first segment; the rest wait for `+`.
    fn send(&mut self, body: CommandBody, work: Work) {
        let Some(tag) = Tag::new(&format!("A{:03}", self.next_tag)) else {
            return self.abort("no tag left".into());
        };
        self.next_tag = self.next_tag.saturating_add(1);
        let mode = if self.has_capability("LITERAL+") {
            LiteralMode::NonSynchronizing
        } else if self.has_capability("LITERAL-") {
            LiteralMode::NonSynchronizingUpTo4096
        } else {
            LiteralMode::Synchronizing
        };
        let command = Command {
            tag: tag.clone(),
            body,
        };
        let mut segments: VecDeque<Vec<u8>> = command.write_segments(mode).into();
        if let Some(first) = segments.pop_front() {
            self.out.push_back(Output::Send(first));
        }
        self.in_flight = Some(InFlight {
            tag,
            work,
            segments,
        });
    }

    fn send_done(&mut self) {
        let mut line = Vec::new();
        write_done(&mut line);
        self.out.push_back(Output::Send(line));
    }

    // ---- bookkeeping ----

    fn learn(&mut self, capabilities: Vec<String>) {
        self.generation = self.generation.wrapping_add(1);
        self.capabilities = Some(capabilities.clone());
        self.event(Event::Capabilities(capabilities));
    }

    fn running(&self) -> Option<&Run> {
        match &self.in_flight {
            Some(InFlight {
                work: Work::Task { run, .. },
                ..
            }) => Some(run),
            _ => None,
        }
    }

    fn running_mut(&mut self) -> Option<&mut Run> {
        match &mut self.in_flight {
            Some(InFlight {
                work: Work::Task { run, .. },
                ..
            }) => Some(run),
            _ => None,
        }
    }

    fn event(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    fn final_report(&mut self) -> Report {
        let mut report = std::mem::take(&mut self.report);
        report.capabilities = self.capabilities.clone().unwrap_or_default();
        report.selected = self.selected.clone();
        report
    }

    fn finish(&mut self, result: Result<Report, ClientError>) {
        self.phase = Phase::Done;
        self.in_flight = None;
        self.out.push_back(Output::Done(result));
    }

    /// A protocol error: the stream cannot be trusted any more, so the session ends now.
    fn abort(&mut self, reason: String) {
        self.finish(Err(ClientError::Protocol(reason)));
    }
}

/// Untagged data during SELECT or EXAMINE describes the mailbox being opened (RFC 3501
/// §6.3.1); anything else is handed back.
fn opening(mailbox: &mut Mailbox, untagged: Untagged) -> Option<Untagged> {
    match untagged {
        Untagged::Exists(n) => mailbox.exists = n,
        Untagged::Recent(n) => mailbox.recent = n,
        Untagged::Flags(flags) => mailbox.flags = flags,
        Untagged::Status {
            condition: Condition::Ok,
            code: Some(code),
            text,
        } => {
            if !mailbox_code(mailbox, &code) {
                return Some(Untagged::Status {
                    condition: Condition::Ok,
                    code: Some(code),
                    text,
                });
            }
        }
        other => return Some(other),
    }
    None
}

/// Applies a response code about the mailbox (RFC 3501 §7.1); whether it was one.
fn mailbox_code(mailbox: &mut Mailbox, code: &Code) -> bool {
    match code {
        Code::UidValidity(v) => mailbox.uid_validity = Some(*v),
        Code::UidNext(n) => mailbox.uid_next = Some(*n),
        Code::Unseen(n) => mailbox.unseen = Some(*n),
        Code::PermanentFlags(flags) => mailbox.permanent_flags = Some(flags.clone()),
        Code::ReadOnly => mailbox.read_only = true,
        Code::ReadWrite => mailbox.read_only = false,
        _ => return false,
    }
    true
}

fn copy_uid_of(code: Option<&Code>) -> Option<CopyUid> {
    match code {
        Some(Code::CopyUid {
            uid_validity,
            source,
            destination,
        }) => Some(CopyUid {
            uid_validity: *uid_validity,
            source: source.clone(),
            destination: destination.clone(),
        }),
        _ => None,
    }
}

/// Whether a search key holds a string that is not US-ASCII.
fn has_non_ascii(key: &SearchKey) -> bool {
    let mut keys = vec![key];
    while let Some(key) = keys.pop() {
        match key {
            SearchKey::Bcc(s)
            | SearchKey::Body(s)
            | SearchKey::Cc(s)
            | SearchKey::From(s)
            | SearchKey::Subject(s)
            | SearchKey::Text(s)
            | SearchKey::To(s)
                if !s.is_ascii() =>
            {
                return true;
            }
            SearchKey::Header(field, value) if !field.is_ascii() || !value.is_ascii() => {
                return true;
            }
            SearchKey::Not(k) => keys.push(k),
            SearchKey::Or(a, b) => keys.extend([a.as_ref(), b.as_ref()]),
            SearchKey::And(list) => keys.extend(list.iter()),
            _ => {}
        }
    }
    false
}

/// The start of the unparsable bytes, for the error message.
fn excerpt(bytes: &[u8]) -> String {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line.get(..80).unwrap_or(line)).into_owned()
}
