//! The IMAP server machine: IMAP4rev1 (RFC 3501) with IDLE (RFC 2177), UIDPLUS (RFC 4315),
//! MOVE (RFC 6851), NAMESPACE (RFC 2342), ID (RFC 2971), ENABLE (RFC 5161), LITERAL+
//! (RFC 7888), SPECIAL-USE (RFC 6154), CHILDREN (RFC 3348), UNSELECT (RFC 3691), SASL-IR
//! (RFC 4959) and STATUS=SIZE (RFC 8438).
//!
//! Sans-I/O: the driver feeds client bytes with the host's [`Store`] and the world's time and
//! drains [`Output`]s after every call; after anything else changed the store (SMTP delivery,
//! another session) it calls [`Server::handle_store_change`], which an idling session answers
//! at once (RFC 2177) and any other session at its next command (RFC 3501 §5.2).
//!
//! The session's states are those of §3 (not authenticated, authenticated, selected, logout),
//! as types. Input is framed here: command lines of at most [`MAX_LINE`] octets, literals of at
//! most the store's message size, a `+` continuation before each synchronizing literal
//! (§7.5). Invariants: every command gets exactly one tagged response (or `* BAD` when even
//! its tag cannot be read), and the session goes on after any refusal; an EXPUNGE response is
//! never sent while a FETCH, STORE or SEARCH is answered (§7.4.1) — the UID forms may send them
//! (§6.4.8), as may every other command; nothing here panics on any input.

use std::collections::VecDeque;
use std::time::Duration;

use super::command::{
    self, Command, CommandBody, FetchAttribute, IdParam, Parsed, SearchKey, SequenceSet,
    StatusItem, StoreMode, Tag,
};
use super::fetch;
use super::list;
use super::response::{
    Code, Condition, FetchData, MailboxListing, Response, Status, Untagged, write_string,
};
use super::search::{CHARSETS, Candidate, Criteria};
use super::selected::{BadNumber, Target, View, parse_flags};
use crate::mail::date::parse_imap_date_time;
use crate::sasl;
use crate::store::{DELIMITER, FlagOp, MailboxName, Origin, Store, StoreError, Uid};
use crate::time::Instant;

/// RFC 3501 §5.4: an inactivity autologout timer "MUST be at least 30 minutes".
pub const AUTOLOGOUT: Duration = Duration::from_secs(30 * 60);

/// The longest command line (literals aside) accepted; RFC 7162 §4 asks servers to accept
/// lines of at least 8192 octets.
pub const MAX_LINE: usize = 8192;

/// How much a command's lines may add to its literals before it is refused.
const MAX_COMMAND_OVERHEAD: usize = 64 * 1024;

/// What the server is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The host name, shown in the greeting.
    pub host: String,
    /// This session's mark in the store's change feed (a connection number; not 0).
    pub origin: Origin,
    /// A token unique to the session, for the CRAM-MD5 challenge.
    pub token: String,
}

/// The states of RFC 3501 §3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

impl Phase {
    /// The states of RFC 3501 §3, in order.
    pub const ALL: [Phase; 4] = [
        Phase::NotAuthenticated,
        Phase::Authenticated,
        Phase::Selected,
        Phase::Logout,
    ];

    /// The state as RFC 3501 §3 names it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::NotAuthenticated => "not authenticated",
            Phase::Authenticated => "authenticated",
            Phase::Selected => "selected",
            Phase::Logout => "logout",
        }
    }

    /// The commands valid in this state (§6; the extensions' too).
    pub fn commands(self) -> &'static [&'static str] {
        match self {
            Phase::NotAuthenticated => &[
                "CAPABILITY",
                "NOOP",
                "LOGOUT",
                "ID",
                "LOGIN",
                "AUTHENTICATE",
            ],
            Phase::Authenticated => &[
                "CAPABILITY",
                "NOOP",
                "LOGOUT",
                "ID",
                "SELECT",
                "EXAMINE",
                "CREATE",
                "DELETE",
                "RENAME",
                "SUBSCRIBE",
                "UNSUBSCRIBE",
                "LIST",
                "LSUB",
                "STATUS",
                "APPEND",
                "NAMESPACE",
                "ENABLE",
                "IDLE",
            ],
            Phase::Selected => &[
                "CAPABILITY",
                "NOOP",
                "LOGOUT",
                "ID",
                "SELECT",
                "EXAMINE",
                "CREATE",
                "DELETE",
                "RENAME",
                "SUBSCRIBE",
                "UNSUBSCRIBE",
                "LIST",
                "LSUB",
                "STATUS",
                "APPEND",
                "NAMESPACE",
                "IDLE",
                "CHECK",
                "CLOSE",
                "UNSELECT",
                "EXPUNGE",
                "SEARCH",
                "FETCH",
                "STORE",
                "COPY",
                "MOVE",
                "UID",
            ],
            Phase::Logout => &[],
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
    /// The session entered another state.
    Phase(Phase),
    LoggedIn {
        user: String,
    },
    /// A mailbox was selected (`read_only` for EXAMINE).
    Selected {
        mailbox: String,
        read_only: bool,
    },
}

/// What the session is, with what each state owns.
#[derive(Debug)]
enum State {
    NotAuthenticated,
    Authenticated { user: String },
    Selected { user: String, view: View },
    Logout,
}

/// How the next octets are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// A line of the command (or of a SASL exchange, or IDLE's DONE).
    Line,
    /// The octets of a literal, going into the command.
    Literal { remaining: usize },
    /// A refused non-synchronizing literal's octets (RFC 7888 §4: read them, then refuse).
    DiscardLiteral { remaining: usize },
    /// The rest of a refused line.
    SkipLine,
}

/// What a complete line is.
#[derive(Clone, Debug)]
enum Awaiting {
    Command,
    /// The client's answer to an AUTHENTICATE challenge (§6.2.2).
    Sasl {
        tag: Tag,
        mechanism: Mechanism,
    },
    /// DONE, ending IDLE (RFC 2177 §3).
    Done {
        tag: Tag,
    },
}

#[derive(Clone, Debug)]
enum Mechanism {
    Plain,
    /// The challenge sent.
    CramMd5(String),
}

/// An IMAP server session.
pub struct Server {
    config: Config,
    state: State,
    framing: Framing,
    awaiting: Awaiting,
    /// The command so far: its lines and literals.
    pending: Vec<u8>,
    /// Octets of the current line so far.
    line_len: usize,
    /// The largest literal accepted.
    max_literal: usize,
    out: VecDeque<Output>,
    deadline: Instant,
}

/// The capabilities of every state (§7.2.1); the authentication ones follow while not logged in.
const CAPABILITIES: &[&str] = &[
    "IMAP4rev1",
    "LITERAL+",
    "ID",
    "ENABLE",
    "IDLE",
    "NAMESPACE",
    "UIDPLUS",
    "MOVE",
    "UNSELECT",
    "CHILDREN",
    "SPECIAL-USE",
    "STATUS=SIZE",
];
const AUTH_CAPABILITIES: &[&str] = &["SASL-IR", "AUTH=PLAIN", "AUTH=CRAM-MD5"];

/// The name and version the ID command reports (RFC 2971 §3.3).
const SERVER_ID: &[(&str, &str)] = &[
    ("name", "Mail Lab"),
    ("vendor", "Mail Lab"),
    ("version", env!("CARGO_PKG_VERSION")),
];

impl Server {
    /// A session opened at `now`: the greeting, with the capabilities (§7.1.1), is queued.
    pub fn greet(config: Config, store: &Store, now: Instant) -> Server {
        let mut server = Server {
            config,
            state: State::NotAuthenticated,
            framing: Framing::Line,
            awaiting: Awaiting::Command,
            pending: Vec::new(),
            line_len: 0,
            max_literal: store.max_message_size(),
            out: VecDeque::new(),
            deadline: now.saturating_add(AUTOLOGOUT),
        };
        let text = format!("{} IMAP4rev1 server ready", server.config.host);
        let code = Code::Capability(server.capabilities());
        server.untagged_status(Condition::Ok, Some(code), &text);
        server.event(Event::Phase(Phase::NotAuthenticated));
        server
    }

    /// The session's state.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::NotAuthenticated => Phase::NotAuthenticated,
            State::Authenticated { .. } => Phase::Authenticated,
            State::Selected { .. } => Phase::Selected,
            State::Logout => Phase::Logout,
        }
    }

    /// What the client may send now: the state's commands, or only what a pending exchange
    /// accepts (DONE in IDLE, a SASL response).
    pub fn next_commands(&self) -> &'static [&'static str] {
        match self.awaiting {
            Awaiting::Done { .. } => &["DONE"],
            Awaiting::Sasl { .. } => &["(base64 response)", "*"],
            Awaiting::Command => self.phase().commands(),
        }
    }

    /// Whether the session is in IDLE.
    pub fn idling(&self) -> bool {
        matches!(self.awaiting, Awaiting::Done { .. })
    }

    /// The next output for the driver.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When the autologout timer fires (none once the session is over).
    pub fn poll_timeout(&self) -> Option<Instant> {
        (self.phase() != Phase::Logout).then_some(self.deadline)
    }

    /// §5.4 autologout: after [`AUTOLOGOUT`] without a command, BYE and close.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.phase() != Phase::Logout && now >= self.deadline {
            self.untagged_status(Condition::Bye, None, "Autologout; idle for too long");
            self.logout();
        }
    }

    /// The client went away.
    pub fn handle_close(&mut self) {
        self.state = State::Logout;
    }

    /// Something else changed the store: an idling session reports it now (RFC 2177 §3); the
    /// others wait for their next command.
    pub fn handle_store_change(&mut self, store: &mut Store) {
        if self.idling() {
            self.sync(store, true);
        }
    }

    /// Client bytes in.
    pub fn feed(&mut self, bytes: &[u8], store: &mut Store, now: Instant) {
        if self.phase() == Phase::Logout {
            return;
        }
        self.deadline = now.saturating_add(AUTOLOGOUT);
        let mut rest = bytes;
        while !rest.is_empty() && self.phase() != Phase::Logout {
            match self.framing {
                Framing::Literal { remaining } => {
                    let n = remaining.min(rest.len());
                    let (chunk, after) = rest.split_at(n);
                    self.pending.extend_from_slice(chunk);
                    rest = after;
                    self.framing = match remaining - n {
                        0 => Framing::Line,
                        remaining => Framing::Literal { remaining },
                    };
                }
                Framing::DiscardLiteral { remaining } => {
                    let n = remaining.min(rest.len());
                    rest = rest.get(n..).unwrap_or_default();
                    self.framing = match remaining - n {
                        0 => Framing::SkipLine,
                        remaining => Framing::DiscardLiteral { remaining },
                    };
                }
                Framing::SkipLine => match memchr::memchr(b'\n', rest) {
                    Some(at) => {
                        rest = rest.get(at + 1..).unwrap_or_default();
                        self.framing = Framing::Line;
                        self.line_len = 0;
                    }
                    None => rest = &[],
                },
                Framing::Line => {
                    let (chunk, ended) = match memchr::memchr(b'\n', rest) {
                        Some(at) => (rest.get(..=at).unwrap_or_default(), true),
                        None => (rest, false),
                    };
                    rest = rest.get(chunk.len()..).unwrap_or_default();
                    if self.line_len + chunk.len() > MAX_LINE + 2 {
                        self.line_too_long(chunk, ended);
                        continue;
                    }
                    self.line_len += chunk.len();
                    self.pending.extend_from_slice(chunk);
                    if ended {
                        self.line_len = 0;
                        self.line_complete(store, now);
                    }
                }
            }
        }
    }

    /// A line over [`MAX_LINE`]: the command is refused and the rest of the line ignored.
    fn line_too_long(&mut self, chunk: &[u8], ended: bool) {
        let start = if self.pending.is_empty() {
            chunk
        } else {
            &self.pending
        };
        let tag = leading_tag(start);
        self.pending.clear();
        self.line_len = 0;
        self.framing = if ended {
            Framing::Line
        } else {
            Framing::SkipLine
        };
        let text = format!("Line too long: at most {MAX_LINE} octets per line");
        match std::mem::replace(&mut self.awaiting, Awaiting::Command) {
            Awaiting::Sasl { tag, .. } | Awaiting::Done { tag } => {
                self.tagged(&tag, Status::Bad, None, &text);
            }
            Awaiting::Command => self.bad(tag.as_ref(), &text),
        }
    }

    fn line_complete(&mut self, store: &mut Store, now: Instant) {
        match self.awaiting.clone() {
            Awaiting::Sasl { tag, mechanism } => {
                let line = std::mem::take(&mut self.pending);
                self.awaiting = Awaiting::Command;
                self.sasl_response(store, &tag, &mechanism, trim_crlf(&line));
            }
            Awaiting::Done { tag } => {
                let line = std::mem::take(&mut self.pending);
                self.awaiting = Awaiting::Command;
                match command::parse_done(&line) {
                    Ok(Some(_)) => {
                        self.sync(store, true);
                        self.tagged(&tag, Status::Ok, None, "IDLE terminated");
                    }
                    _ => self.tagged(
                        &tag,
                        Status::Bad,
                        None,
                        "Expected DONE to end IDLE; IDLE ended",
                    ),
                }
            }
            Awaiting::Command => self.command_line(store, now),
        }
    }

    fn command_line(&mut self, store: &mut Store, now: Instant) {
        let limit = u32::try_from(self.max_literal).unwrap_or(u32::MAX);
        match command::parse(&self.pending, limit) {
            Ok(Parsed::Complete { command, .. }) => {
                self.pending.clear();
                self.execute(command, store, now);
            }
            Ok(Parsed::NeedLiteral { size, sync }) => {
                let size = size as usize;
                if self.pending.len() + size > self.max_literal + MAX_COMMAND_OVERHEAD {
                    let tag = leading_tag(&self.pending);
                    self.refuse_literal(tag, size, sync);
                    return;
                }
                if sync {
                    // §7.5: "ready for additional command text".
                    self.send(&Response::Continuation("Ready for literal data".to_owned()));
                }
                self.framing = if size == 0 {
                    Framing::Line
                } else {
                    Framing::Literal { remaining: size }
                };
            }
            Ok(Parsed::Incomplete) => {
                // Only possible for a line the grammar cannot end (a bare LF, say).
                let tag = leading_tag(&self.pending);
                self.pending.clear();
                self.bad(tag.as_ref(), "Command line ended unexpectedly");
            }
            Err(command::ParseError::Syntax { tag, reason }) => {
                let text = match command_word(&self.pending).and_then(usage) {
                    Some((name, usage)) => {
                        format!("Syntax error in {name}: {reason} (usage: {name} {usage})")
                    }
                    None => format!("Syntax error: {reason}"),
                };
                self.pending.clear();
                self.bad(tag.as_ref(), &text);
            }
            Err(command::ParseError::LiteralTooLarge { tag, size }) => {
                let sync = !self.pending.ends_with(b"+}\r\n");
                self.refuse_literal(tag, size as usize, sync);
            }
        }
    }

    /// A literal over the limit (RFC 7888 §4, RFC 4469 §4.2 TOOBIG). A synchronizing one was
    /// not sent; a non-synchronizing one is read and thrown away.
    fn refuse_literal(&mut self, tag: Option<Tag>, size: usize, sync: bool) {
        self.pending.clear();
        let text = format!(
            "Literal of {size} octets is larger than the {} this server accepts",
            self.max_literal
        );
        let code = Some(Code::Other("TOOBIG".to_owned(), None));
        match tag {
            Some(tag) => self.tagged(&tag, Status::No, code, &text),
            None => self.untagged_status(Condition::Bad, code, &text),
        }
        if !sync {
            self.framing = Framing::DiscardLiteral { remaining: size };
        }
    }

    // --- Commands -----------------------------------------------------------------------------

    fn execute(&mut self, command: Command, store: &mut Store, now: Instant) {
        let Command { tag, body } = command;
        use CommandBody as C;
        // §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms may).
        let allow_expunge = !matches!(
            body,
            C::Fetch { uid: false, .. }
                | C::Store { uid: false, .. }
                | C::Search { uid: false, .. }
        );
        let result = match body {
            C::Capability => {
                let caps = self.capabilities();
                self.untagged(Untagged::Capability(caps));
                Ok(Done::ok("CAPABILITY completed"))
            }
            C::Noop => Ok(Done::ok("NOOP completed")),
            C::Logout => {
                self.untagged_status(
                    Condition::Bye,
                    None,
                    "Mail Lab IMAP4rev1 server logging out",
                );
                self.tagged(&tag, Status::Ok, None, "LOGOUT completed");
                self.logout();
                return;
            }
            C::Id(params) => {
                self.id(params.as_deref());
                Ok(Done::ok("ID completed"))
            }
            C::StartTls => Err(Refusal::bad(
                "STARTTLS is not offered: the virtual network of Mail Lab has no TLS",
            )),
            C::Authenticate { mechanism, initial } => {
                self.authenticate(store, &tag, &mechanism, initial.as_deref());
                return;
            }
            C::Login { user, password } => self.login(store, &user, &password),
            C::Idle => match self.user() {
                Some(_) => {
                    self.send(&Response::Continuation("idling".to_owned()));
                    self.awaiting = Awaiting::Done { tag };
                    self.sync(store, true);
                    return;
                }
                None => Err(Refusal::state("IDLE", false)),
            },
            other => match self.user().map(str::to_owned) {
                Some(user) => self.authenticated(other, &user, store, now),
                None => Err(Refusal::state(name_of(&other), false)),
            },
        };
        if self.phase() == Phase::Logout {
            return;
        }
        self.sync(store, allow_expunge);
        match result {
            Ok(done) => self.tagged(&tag, Status::Ok, done.code, &done.text),
            Err(refusal) => self.tagged(&tag, refusal.status, refusal.code, &refusal.text),
        }
    }

    /// Commands of the authenticated and selected states (§6.3, §6.4).
    fn authenticated(
        &mut self,
        body: CommandBody,
        user: &str,
        store: &mut Store,
        now: Instant,
    ) -> Result<Done, Refusal> {
        use CommandBody as C;
        match body {
            C::Select(name) => self.select(store, user, &name, false),
            C::Examine(name) => self.select(store, user, &name, true),
            C::Create(name) => {
                let name = mailbox_name(&name)?;
                if name.is_inbox() {
                    return Err(Refusal::no_code("ALREADYEXISTS", "INBOX always exists"));
                }
                store
                    .create_mailbox(self.config.origin, user, name.as_str())
                    .map_err(Refusal::store)?;
                Ok(Done::ok("CREATE completed"))
            }
            C::Delete(name) => {
                let name = mailbox_name(&name)?;
                if self.selected_name() == Some(&name) {
                    // Deleting the selected mailbox deselects it first.
                    self.set_state(State::Authenticated {
                        user: user.to_owned(),
                    });
                }
                store
                    .delete_mailbox(self.config.origin, user, name.as_str())
                    .map_err(Refusal::store)?;
                Ok(Done::ok("DELETE completed"))
            }
            C::Rename { from, to } => {
                let (from, to) = (mailbox_name(&from)?, mailbox_name(&to)?);
                store
                    .rename_mailbox(self.config.origin, user, from.as_str(), to.as_str())
                    .map_err(Refusal::store)?;
                Ok(Done::ok("RENAME completed"))
            }
            C::Subscribe(name) => {
                let name = mailbox_name(&name)?;
                store
                    .subscribe(user, name.as_str())
                    .map_err(Refusal::store)?;
                Ok(Done::ok("SUBSCRIBE completed"))
            }
            C::Unsubscribe(name) => {
                let name = mailbox_name(&name)?;
                store
                    .unsubscribe(user, name.as_str())
                    .map_err(Refusal::store)?;
                Ok(Done::ok("UNSUBSCRIBE completed"))
            }
            C::List { reference, pattern } => self.list(store, user, &reference, &pattern),
            C::Lsub { reference, pattern } => self.lsub(store, user, &reference, &pattern),
            C::Status { mailbox, items } => self.status(store, user, &mailbox, &items),
            C::Append {
                mailbox,
                flags,
                date,
                message,
            } => self.append(store, user, &mailbox, &flags, date.as_deref(), message, now),
            C::Namespace => {
                // RFC 2342 §5: one personal namespace, no prefix, "/" between levels.
                let namespace = format!("((\"\" \"{DELIMITER}\")) NIL NIL").into_bytes();
                self.untagged(Untagged::Namespace(namespace));
                Ok(Done::ok("NAMESPACE completed"))
            }
            C::Enable(_) if self.phase() == Phase::Selected => Err(Refusal::bad(
                "ENABLE is only valid before a mailbox is selected (RFC 5161 §3.1)",
            )),
            C::Enable(_) => {
                // RFC 5161 §3: only extensions that need enabling are listed; none here does.
                self.untagged(Untagged::Enabled(Vec::new()));
                Ok(Done::ok("ENABLE completed"))
            }
            other => {
                let name = name_of(&other);
                let State::Selected { user, mut view } =
                    std::mem::replace(&mut self.state, State::Logout)
                else {
                    // Not selected: put the state back (it was not Selected, so nothing moved).
                    self.state = State::Authenticated {
                        user: user.to_owned(),
                    };
                    return Err(Refusal::state(name, true));
                };
                view.ingest(store, self.config.origin);
                if is_uid_command(&other) {
                    // A UID command names no sequence numbers, so what was expunged elsewhere can
                    // be told first (§7.4.1 lets UID commands carry EXPUNGE).
                    let expunges = view.announce_expunges();
                    self.untagged_all(expunges);
                }
                let (result, after) = self.selected(other, &user, &mut view, store);
                self.state = State::Selected { user, view };
                if after == After::Deselect {
                    let user = self.user().unwrap_or_default().to_owned();
                    self.set_state(State::Authenticated { user });
                }
                result
            }
        }
    }

    /// Commands of the selected state (§6.4) and UNSELECT, on the session's view (taken out of
    /// the state for the call). Says whether the session stays selected.
    fn selected(
        &mut self,
        body: CommandBody,
        user: &str,
        view: &mut View,
        store: &mut Store,
    ) -> (Result<Done, Refusal>, After) {
        let name = name_of(&body);
        let deselect = matches!(body, CommandBody::Close | CommandBody::Unselect);
        if deselect && !view.read_only() && matches!(body, CommandBody::Close) {
            // §6.4.2: CLOSE expunges silently.
            let _ = store.expunge(self.config.origin, user, view.name().as_str(), None);
        }
        if deselect {
            return (Ok(Done::ok(format!("{name} completed"))), After::Deselect);
        }
        (self.in_selected(body, name, user, view, store), After::Stay)
    }

    fn in_selected(
        &mut self,
        body: CommandBody,
        name: &'static str,
        user: &str,
        view: &mut View,
        store: &mut Store,
    ) -> Result<Done, Refusal> {
        use CommandBody as C;
        let read_only = view.read_only();
        let moving = matches!(body, C::Move { .. });
        let mailbox = view.name().clone();
        let origin = self.config.origin;
        match body {
            C::Check => Ok(Done::ok("CHECK completed")),
            C::Expunge | C::UidExpunge(_) => {
                if read_only {
                    return Err(Refusal::read_only(name));
                }
                let only = match &body {
                    C::UidExpunge(set) => Some(targets(view, set, true)?),
                    _ => None,
                };
                let uids: Option<Vec<Uid>> = only.map(|t| t.iter().map(|t| t.uid).collect());
                let gone = store
                    .expunge(origin, user, mailbox.as_str(), uids.as_deref())
                    .map_err(Refusal::store)?;
                let responses = view.remove(&gone);
                self.untagged_all(responses);
                Ok(Done::ok(format!("{name} completed")))
            }
            C::Search {
                uid,
                charset,
                criteria,
            } => {
                if let Some(charset) = charset
                    && !CHARSETS.iter().any(|c| c.eq_ignore_ascii_case(&charset))
                {
                    let code = Code::BadCharset(CHARSETS.iter().map(|c| c.to_string()).collect());
                    return Err(Refusal {
                        status: Status::No,
                        code: Some(code),
                        text: format!("SEARCH does not know the charset {charset}"),
                    });
                }
                // §9 seq-number: a message number past the end is BAD in SEARCH too.
                check_sequence_sets(view, &criteria)?;
                let found = search(store, user, view, &criteria, uid);
                self.untagged(Untagged::Search(found));
                Ok(Done::ok(format!("{name} completed")))
            }
            C::Fetch { uid, set, items } => {
                let mut items = fetch::expand(&items);
                if uid && !items.contains(&FetchAttribute::Uid) {
                    // §6.4.8: UID FETCH always answers the UID.
                    items.insert(0, FetchAttribute::Uid);
                }
                let targets = targets(view, &set, uid)?;
                let seen = fetch::sets_seen(&items) && !read_only;
                let mut missing = false;
                let mut responses = Vec::new();
                if !seen {
                    // Nothing to set: the mailbox is found once and walked along, not found by
                    // its name and searched for each message (10,000 of them for `1:*`).
                    let selected = store.mailbox(user, mailbox.as_str()).ok();
                    let mut found = selected
                        .into_iter()
                        .flat_map(|m| m.walk(targets.iter().copied(), |t| t.uid))
                        .peekable();
                    for target in &targets {
                        let response = found.next_if(|(t, _)| t == target).map(|(t, message)| {
                            Untagged::Fetch {
                                number: t.number,
                                attributes: fetch::fetch(&items, message, view),
                            }
                        });
                        responses.push(response);
                    }
                } else {
                    for target in targets {
                        let unseen = store
                            .message(user, mailbox.as_str(), target.uid)
                            .is_ok_and(|m| !m.flags().contains(crate::store::Flags::SEEN));
                        if unseen {
                            let _ = store.set_flags(
                                origin,
                                user,
                                mailbox.as_str(),
                                &[target.uid],
                                FlagOp::Add,
                                crate::store::Flags::SEEN,
                                &[],
                            );
                            // §6.4.5: a changed \Seen SHOULD be reported with the data.
                            if !items.contains(&FetchAttribute::Flags) {
                                let mut with_flags = items.clone();
                                with_flags.push(FetchAttribute::Flags);
                                responses.push(fetch_one(store, user, view, target, &with_flags));
                                continue;
                            }
                        }
                        responses.push(fetch_one(store, user, view, target, &items));
                    }
                }
                for response in responses {
                    match response {
                        Some(r) => {
                            note_flags_reported(view, &r);
                            self.untagged(r);
                        }
                        None => missing = true,
                    }
                }
                expunge_issued(missing, name)
            }
            C::Store {
                uid,
                set,
                mode,
                silent,
                flags,
            } => {
                if read_only {
                    return Err(Refusal::read_only(name));
                }
                let (system, keywords) = parse_flags(&flags).map_err(Refusal::bad)?;
                let targets = targets(view, &set, uid)?;
                let uids: Vec<Uid> = targets.iter().map(|t| t.uid).collect();
                let op = match mode {
                    StoreMode::Replace => FlagOp::Replace,
                    StoreMode::Add => FlagOp::Add,
                    StoreMode::Remove => FlagOp::Remove,
                };
                let results = store
                    .set_flags(origin, user, mailbox.as_str(), &uids, op, system, &keywords)
                    .map_err(Refusal::store)?;
                // New keywords change FLAGS and PERMANENTFLAGS before the FETCH responses.
                let flag_updates = view.sync(store, origin, false);
                self.untagged_all(flag_updates);
                let mut responses = Vec::new();
                if !silent {
                    for target in &targets {
                        if results.iter().any(|r| r.uid == target.uid) {
                            let mut items = vec![FetchAttribute::Flags];
                            if uid {
                                items.insert(0, FetchAttribute::Uid);
                            }
                            responses.push(fetch_one(store, user, view, *target, &items));
                        }
                    }
                }
                let missing = results.len() < targets.len();
                for response in responses.into_iter().flatten() {
                    note_flags_reported(view, &response);
                    self.untagged(response);
                }
                expunge_issued(missing, name)
            }
            C::Copy {
                uid,
                set,
                mailbox: to,
            }
            | C::Move {
                uid,
                set,
                mailbox: to,
            } => {
                if moving && read_only {
                    return Err(Refusal::read_only(name));
                }
                let to = mailbox_name(&to)?;
                let targets = targets(view, &set, uid)?;
                let uids: Vec<Uid> = targets.iter().map(|t| t.uid).collect();
                let (copied, expunged) = if moving {
                    let moved = store
                        .move_messages(origin, user, mailbox.as_str(), &uids, to.as_str())
                        .map_err(Refusal::store)?;
                    (moved.copy_uid, moved.expunged)
                } else {
                    let copied = store
                        .copy(origin, user, mailbox.as_str(), &uids, to.as_str())
                        .map_err(Refusal::store)?;
                    (copied, Vec::new())
                };
                let code = copy_uid_code(&copied);
                let missing = copied.pairs.len() < uids.len();
                if moving {
                    // RFC 6851 §4.3: COPYUID comes in an untagged OK before the EXPUNGEs.
                    if code.is_some() {
                        self.untagged_status(Condition::Ok, code, "Moved");
                    }
                    let responses = view.remove(&expunged);
                    self.untagged_all(responses);
                    return expunge_issued(missing, name);
                }
                if missing {
                    return expunge_issued(true, name);
                }
                Ok(Done {
                    code,
                    text: format!("{name} completed"),
                })
            }
            other => Err(Refusal::bad(format!(
                "{} is not a command Mail Lab knows in this state",
                name_of(&other)
            ))),
        }
    }

    // --- Not authenticated (§6.2) -------------------------------------------------------------

    fn login(&mut self, store: &Store, user: &[u8], password: &[u8]) -> Result<Done, Refusal> {
        if !matches!(self.state, State::NotAuthenticated) {
            return Err(Refusal::bad("Already logged in"));
        }
        let (user, password) = (
            String::from_utf8_lossy(user),
            String::from_utf8_lossy(password),
        );
        match account(store, &user).filter(|a| store.authenticate(a, &password)) {
            Some(account) => {
                self.logged_in(account);
                Ok(Done {
                    code: Some(Code::Capability(self.capabilities())),
                    text: "LOGIN completed".to_owned(),
                })
            }
            None => Err(auth_failed()),
        }
    }

    /// §6.2.2 AUTHENTICATE, with the initial response of RFC 4959 when given.
    fn authenticate(&mut self, store: &Store, tag: &Tag, mechanism: &str, initial: Option<&str>) {
        if !matches!(self.state, State::NotAuthenticated) {
            self.tagged(tag, Status::Bad, None, "Already logged in");
            return;
        }
        let mechanism = if mechanism.eq_ignore_ascii_case("PLAIN") {
            Mechanism::Plain
        } else if mechanism.eq_ignore_ascii_case("CRAM-MD5") {
            Mechanism::CramMd5(format!("<{}@{}>", self.config.token, self.config.host))
        } else {
            let text = format!("Unsupported authentication mechanism {mechanism}");
            self.tagged(tag, Status::No, None, &text);
            return;
        };
        match (&mechanism, initial) {
            (Mechanism::Plain, Some(initial)) => {
                self.sasl_response(store, tag, &mechanism, initial.as_bytes());
            }
            (Mechanism::CramMd5(_), Some(_)) => {
                // RFC 4959 §3: a mechanism whose server speaks first cannot take one.
                self.tagged(tag, Status::Bad, None, "CRAM-MD5 takes no initial response");
            }
            (_, None) => {
                let challenge = match &mechanism {
                    Mechanism::Plain => String::new(),
                    Mechanism::CramMd5(challenge) => sasl::encode(challenge.as_bytes()),
                };
                self.send(&Response::Continuation(challenge));
                self.awaiting = Awaiting::Sasl {
                    tag: tag.clone(),
                    mechanism,
                };
            }
        }
    }

    fn sasl_response(&mut self, store: &Store, tag: &Tag, mechanism: &Mechanism, line: &[u8]) {
        if line == b"*" {
            // §6.2.2: the client cancels with "*"; the server answers BAD.
            self.tagged(tag, Status::Bad, None, "Authentication cancelled");
            return;
        }
        let user = match mechanism {
            Mechanism::Plain => match sasl::Plain::decode(line) {
                Ok(plain) if plain.acts_for_itself() => account(store, &plain.authcid)
                    .filter(|a| store.authenticate(a, &plain.password)),
                Ok(_) => None,
                Err(e) => {
                    let text = format!("Bad SASL response: {e}");
                    self.tagged(tag, Status::Bad, None, &text);
                    return;
                }
            },
            Mechanism::CramMd5(challenge) => match sasl::cram_md5_parse(line) {
                Ok((user, digest)) => account(store, &user).filter(|a| {
                    store.password(a).is_some_and(|secret| {
                        sasl::hmac_md5_hex(secret.as_bytes(), challenge.as_bytes()) == digest
                    })
                }),
                Err(e) => {
                    let text = format!("Bad SASL response: {e}");
                    self.tagged(tag, Status::Bad, None, &text);
                    return;
                }
            },
        };
        match user {
            Some(user) => {
                self.logged_in(user);
                let code = Some(Code::Capability(self.capabilities()));
                self.tagged(tag, Status::Ok, code, "AUTHENTICATE completed");
            }
            None => {
                let refusal = auth_failed();
                self.tagged(tag, refusal.status, refusal.code, &refusal.text);
            }
        }
    }

    fn logged_in(&mut self, user: String) {
        self.event(Event::LoggedIn { user: user.clone() });
        self.set_state(State::Authenticated { user });
    }

    // --- Authenticated (§6.3) -----------------------------------------------------------------

    fn select(
        &mut self,
        store: &mut Store,
        user: &str,
        name: &[u8],
        read_only: bool,
    ) -> Result<Done, Refusal> {
        // §6.3.1: a SELECT while selected deselects first, whether or not it succeeds.
        if matches!(self.state, State::Selected { .. }) {
            self.set_state(State::Authenticated {
                user: user.to_owned(),
            });
        }
        let name = mailbox_name(name)?;
        let view = View::open(store, user, name, read_only).map_err(Refusal::store)?;
        let Ok(mailbox) = store.mailbox(user, view.name().as_str()) else {
            return Err(Refusal::no("The mailbox vanished"));
        };
        let first_unseen = mailbox
            .messages()
            .iter()
            .position(|m| !m.flags().contains(crate::store::Flags::SEEN));
        let (uid_validity, uid_next) = (mailbox.uid_validity().get(), mailbox.uid_next().get());
        // The order of RFC 3501 §8's sample session.
        self.untagged(Untagged::Exists(count(view.exists())));
        self.untagged(view.flags_response());
        self.untagged(Untagged::Recent(count(view.recent_count())));
        if let Some(at) = first_unseen {
            let text = format!("Message {} is the first unseen message", at + 1);
            self.untagged_status(Condition::Ok, Some(Code::Unseen(count(at + 1))), &text);
        }
        self.untagged_status(
            Condition::Ok,
            Some(view.permanent_flags()),
            "Flags permitted",
        );
        self.untagged_status(
            Condition::Ok,
            Some(Code::UidValidity(uid_validity)),
            "UIDs valid",
        );
        self.untagged_status(
            Condition::Ok,
            Some(Code::UidNext(uid_next)),
            "Predicted next UID",
        );
        self.event(Event::Selected {
            mailbox: view.name().to_string(),
            read_only,
        });
        self.set_state(State::Selected {
            user: user.to_owned(),
            view,
        });
        let (code, verb) = if read_only {
            (Code::ReadOnly, "EXAMINE")
        } else {
            (Code::ReadWrite, "SELECT")
        };
        Ok(Done {
            code: Some(code),
            text: format!("{verb} completed"),
        })
    }

    fn list(
        &mut self,
        store: &Store,
        user: &str,
        reference: &[u8],
        pattern: &[u8],
    ) -> Result<Done, Refusal> {
        if pattern.is_empty() {
            // §6.3.8: an empty pattern asks for the delimiter and the root name.
            self.untagged(Untagged::List(MailboxListing {
                attributes: vec!["\\Noselect".to_owned()],
                delimiter: Some(DELIMITER),
                mailbox: Vec::new(),
            }));
            return Ok(Done::ok("LIST completed"));
        }
        let pattern = list::canonical_pattern(reference, pattern);
        let infos = store.mailboxes(user).map_err(Refusal::store)?;
        for info in infos {
            let wire = wire_name(&info.name);
            if list::matches(&pattern, &wire) {
                self.untagged(Untagged::List(MailboxListing {
                    attributes: info.attributes().into_iter().map(str::to_owned).collect(),
                    delimiter: Some(DELIMITER),
                    mailbox: wire,
                }));
            }
        }
        Ok(Done::ok("LIST completed"))
    }

    /// §6.3.9 LSUB: the subscribed names that match; a name that `%` matches and that is not
    /// subscribed but has subscribed inferiors is listed `\Noselect`.
    fn lsub(
        &mut self,
        store: &Store,
        user: &str,
        reference: &[u8],
        pattern: &[u8],
    ) -> Result<Done, Refusal> {
        let pattern = list::canonical_pattern(reference, pattern);
        let subscribed: Vec<MailboxName> = store
            .subscriptions(user)
            .map_err(Refusal::store)?
            .cloned()
            .collect();
        let infos = store.mailboxes(user).map_err(Refusal::store)?;
        let selectable = |name: &MailboxName| infos.iter().any(|i| &i.name == name && !i.noselect);
        let mut listed: Vec<(Vec<u8>, bool)> = Vec::new();
        for name in &subscribed {
            let wire = wire_name(name);
            if list::matches(&pattern, &wire) {
                listed.push((wire, selectable(name)));
            } else if pattern.contains(&b'%') {
                // The closest superior that `%` matches stands in for it.
                let superiors = (1..wire.len())
                    .rev()
                    .filter(|&at| wire[at] == DELIMITER as u8);
                for at in superiors {
                    let superior = wire.get(..at).unwrap_or_default();
                    if list::matches(&pattern, superior) {
                        let parent = superior.to_vec();
                        let is_subscribed = subscribed.iter().any(|s| wire_name(s) == parent);
                        if !is_subscribed {
                            listed.push((parent, false));
                        }
                        break;
                    }
                }
            }
        }
        // INBOX first, then in name order, as LIST shows them.
        crate::sort::sort_by(&mut listed, |a, b| {
            (a.0 != b"INBOX", &a.0).cmp(&(b.0 != b"INBOX", &b.0))
        });
        listed.dedup_by(|a, b| a.0 == b.0);
        for (mailbox, selectable) in listed {
            let attributes = if selectable {
                Vec::new()
            } else {
                vec!["\\Noselect".to_owned()]
            };
            self.untagged(Untagged::Lsub(MailboxListing {
                attributes,
                delimiter: Some(DELIMITER),
                mailbox,
            }));
        }
        Ok(Done::ok("LSUB completed"))
    }

    fn status(
        &mut self,
        store: &Store,
        user: &str,
        name: &[u8],
        items: &[StatusItem],
    ) -> Result<Done, Refusal> {
        let name = mailbox_name(name)?;
        let status = store.status(user, name.as_str()).map_err(Refusal::store)?;
        let items = items
            .iter()
            .map(|&item| {
                let value = match item {
                    StatusItem::Messages => u64::from(status.messages),
                    StatusItem::Recent => u64::from(status.recent),
                    StatusItem::UidNext => u64::from(status.uid_next.get()),
                    StatusItem::UidValidity => u64::from(status.uid_validity.get()),
                    StatusItem::Unseen => u64::from(status.unseen),
                    StatusItem::Size => status.size,
                };
                (item, value)
            })
            .collect();
        self.untagged(Untagged::MailboxStatus {
            mailbox: wire_name(&name),
            items,
        });
        Ok(Done::ok("STATUS completed"))
    }

    #[expect(clippy::too_many_arguments, reason = "one argument per part of APPEND")]
    fn append(
        &mut self,
        store: &mut Store,
        user: &str,
        name: &[u8],
        flags: &[String],
        date: Option<&str>,
        message: Vec<u8>,
        now: Instant,
    ) -> Result<Done, Refusal> {
        let name = mailbox_name(name)?;
        let (system, keywords) = parse_flags(flags).map_err(Refusal::bad)?;
        let internal_date = match date {
            Some(date) => {
                parse_imap_date_time(date)
                    .ok_or_else(|| Refusal::bad(format!("Invalid date-time \"{date}\"")))?
                    .instant
            }
            None => now,
        };
        if message.is_empty() {
            return Err(Refusal::no("An empty message cannot be appended"));
        }
        let appended = store
            .append(
                self.config.origin,
                user,
                name.as_str(),
                message,
                system,
                &keywords,
                internal_date,
            )
            .map_err(Refusal::store)?;
        // RFC 4315 §3 APPENDUID.
        Ok(Done {
            code: Some(Code::AppendUid {
                uid_validity: appended.uid_validity.get(),
                uid: appended.uid.get(),
            }),
            text: "APPEND completed".to_owned(),
        })
    }

    /// RFC 2971 §3.2: the client's parameters are noted (not kept); the server says who it is.
    fn id(&mut self, _params: Option<&[IdParam]>) {
        let mut list = vec![b'('];
        for (i, (field, value)) in SERVER_ID.iter().enumerate() {
            if i > 0 {
                list.push(b' ');
            }
            write_string(field.as_bytes(), &mut list);
            list.push(b' ');
            write_string(value.as_bytes(), &mut list);
        }
        list.push(b')');
        self.untagged(Untagged::Id(list));
    }

    // --- Helpers ------------------------------------------------------------------------------

    fn capabilities(&self) -> Vec<String> {
        let authenticating = matches!(self.state, State::NotAuthenticated);
        let auth = AUTH_CAPABILITIES.iter().filter(|_| authenticating);
        CAPABILITIES
            .iter()
            .chain(auth)
            .map(|c| c.to_string())
            .collect()
    }

    fn user(&self) -> Option<&str> {
        match &self.state {
            State::Authenticated { user } | State::Selected { user, .. } => Some(user),
            _ => None,
        }
    }

    fn selected_name(&self) -> Option<&MailboxName> {
        match &self.state {
            State::Selected { view, .. } => Some(view.name()),
            _ => None,
        }
    }

    fn set_state(&mut self, state: State) {
        let before = self.phase();
        self.state = state;
        if self.phase() != before {
            self.event(Event::Phase(self.phase()));
        }
    }

    fn logout(&mut self) {
        self.set_state(State::Logout);
        self.awaiting = Awaiting::Command;
        self.out.push_back(Output::Close);
    }

    /// Tells the client what changed in its selected mailbox (§5.2, §7.3, §7.4). A mailbox
    /// deleted by another session ends the session: there is nothing left to show.
    fn sync(&mut self, store: &mut Store, allow_expunge: bool) {
        let origin = self.config.origin;
        let State::Selected { view, .. } = &mut self.state else {
            return;
        };
        let responses = view.sync(store, origin, allow_expunge);
        let deleted = view.deleted();
        self.untagged_all(responses);
        if deleted {
            self.untagged_status(
                Condition::Bye,
                None,
                "The selected mailbox was deleted by another session",
            );
            self.logout();
        }
    }

    fn event(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    /// Queues a response, joined to the bytes queued just before it.
    fn send(&mut self, response: &Response) {
        if let Some(Output::Send(bytes)) = self.out.back_mut() {
            response.write(bytes);
        } else {
            let mut bytes = Vec::new();
            response.write(&mut bytes);
            self.out.push_back(Output::Send(bytes));
        }
    }

    fn untagged(&mut self, data: Untagged) {
        self.send(&Response::Untagged(data));
    }

    fn untagged_all(&mut self, data: impl IntoIterator<Item = Untagged>) {
        for d in data {
            self.untagged(d);
        }
    }

    fn untagged_status(&mut self, condition: Condition, code: Option<Code>, text: &str) {
        self.untagged(Untagged::Status {
            condition,
            code,
            text: text.to_owned(),
        });
    }

    fn tagged(&mut self, tag: &Tag, status: Status, code: Option<Code>, text: &str) {
        self.send(&Response::Tagged {
            tag: tag.clone(),
            status,
            code,
            text: text.to_owned(),
        });
    }

    /// BAD with the tag when it could be read, else untagged (§7.1.3).
    fn bad(&mut self, tag: Option<&Tag>, text: &str) {
        match tag {
            Some(tag) => self.tagged(tag, Status::Bad, None, text),
            None => self.untagged_status(Condition::Bad, None, text),
        }
    }
}

/// Whether a selected-state command leaves the mailbox selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    Stay,
    Deselect,
}

/// How a command ended well.
struct Done {
    code: Option<Code>,
    text: String,
}

impl Done {
    fn ok(text: impl Into<String>) -> Done {
        Done {
            code: None,
            text: text.into(),
        }
    }
}

/// How a command was refused: NO (it could not be done) or BAD (it was wrong).
struct Refusal {
    status: Status,
    code: Option<Code>,
    text: String,
}

impl Refusal {
    fn bad(text: impl Into<String>) -> Refusal {
        Refusal {
            status: Status::Bad,
            code: None,
            text: text.into(),
        }
    }

    fn no(text: impl Into<String>) -> Refusal {
        Refusal {
            status: Status::No,
            code: None,
            text: text.into(),
        }
    }

    fn no_code(code: &str, text: impl Into<String>) -> Refusal {
        Refusal {
            status: Status::No,
            code: Some(Code::Other(code.to_owned(), None)),
            text: text.into(),
        }
    }

    /// A command given in a state where it is not valid (§3, §6: BAD).
    fn state(name: &str, logged_in: bool) -> Refusal {
        let why = match name {
            "LOGIN" | "AUTHENTICATE" => "is only valid before logging in",
            _ if !logged_in => "needs you to log in first: LOGIN or AUTHENTICATE",
            _ => "needs a selected mailbox: SELECT or EXAMINE one first",
        };
        Refusal::bad(format!("{name} {why}"))
    }

    fn read_only(name: &str) -> Refusal {
        Refusal {
            status: Status::No,
            code: Some(Code::ReadOnly),
            text: format!("{name} needs a read-write mailbox: it was opened with EXAMINE"),
        }
    }

    fn store(e: StoreError) -> Refusal {
        let code = match &e {
            StoreError::TryCreate(_) => Some(Code::TryCreate),
            other => other
                .response_code()
                .map(|c| Code::Other(c.to_owned(), None)),
        };
        Refusal {
            status: Status::No,
            code,
            text: e.to_string(),
        }
    }
}

fn auth_failed() -> Refusal {
    Refusal::no_code(
        "AUTHENTICATIONFAILED",
        "Invalid credentials (user name or password)",
    )
}

/// The account `login` names: an account name, or an address of the host (all without case).
fn account(store: &Store, login: &str) -> Option<String> {
    let by_name = store
        .accounts()
        .find(|a| a.eq_ignore_ascii_case(login))
        .map(str::to_owned);
    by_name.or_else(|| {
        login
            .contains('@')
            .then(|| store.account_for_address(login).map(str::to_owned))
            .flatten()
    })
}

/// A mailbox name from the wire. Names travel in modified UTF-7 (§5.1.3); the store keeps them
/// decoded.
fn mailbox_name(wire: &[u8]) -> Result<MailboxName, Refusal> {
    let text = super::utf7::decode(wire).map_err(|e| {
        Refusal::no_code(
            "CANNOT",
            format!("The mailbox name is not valid modified UTF-7: {e}"),
        )
    })?;
    MailboxName::parse(&text).map_err(|e| Refusal::store(StoreError::InvalidMailboxName(e)))
}

/// A mailbox name for the wire.
fn wire_name(name: &MailboxName) -> Vec<u8> {
    super::utf7::encode(name.as_str()).into_bytes()
}

fn targets(view: &View, set: &SequenceSet, uid: bool) -> Result<Vec<Target>, Refusal> {
    view.resolve(set, uid)
        .map_err(|BadNumber { number, exists }| {
            Refusal::bad(format!(
                "Invalid message sequence number {number}: the mailbox has {exists} message{}",
                if exists == 1 { "" } else { "s" }
            ))
        })
}

/// The FETCH response for one message, or `None` if it was expunged by another session and not
/// yet announced (RFC 2180 §4.1.2).
fn fetch_one(
    store: &Store,
    user: &str,
    view: &View,
    target: Target,
    items: &[FetchAttribute],
) -> Option<Untagged> {
    let message = store.message(user, view.name().as_str(), target.uid).ok()?;
    Some(Untagged::Fetch {
        number: target.number,
        attributes: fetch::fetch(items, message, view),
    })
}

/// A FETCH response with FLAGS tells the client the message's current flags: a pending update
/// for it would only repeat them.
fn note_flags_reported(view: &mut View, response: &Untagged) {
    if let Untagged::Fetch { number, attributes } = response
        && attributes.iter().any(|a| matches!(a, FetchData::Flags(_)))
    {
        view.flags_reported(*number);
    }
}

/// The result of a command that could not reach every message: RFC 5530 EXPUNGEISSUED.
fn expunge_issued(missing: bool, name: &str) -> Result<Done, Refusal> {
    if missing {
        Err(Refusal::no_code(
            "EXPUNGEISSUED",
            "Some of the requested messages were expunged by another session",
        ))
    } else {
        Ok(Done::ok(format!("{name} completed")))
    }
}

fn copy_uid_code(copied: &crate::store::CopyUid) -> Option<Code> {
    let to_set = |uids: Vec<u32>| {
        SequenceSet::new(
            uids.into_iter()
                .map(|u| (command::Seq::Number(u), command::Seq::Number(u)))
                .collect(),
        )
    };
    let source = to_set(copied.pairs.iter().map(|(s, _)| s.get()).collect())?;
    let destination = to_set(copied.pairs.iter().map(|(_, d)| d.get()).collect())?;
    Some(Code::CopyUid {
        uid_validity: copied.uid_validity.get(),
        source: compact(source),
        destination: compact(destination),
    })
}

/// Joins runs of consecutive numbers into ranges (`1,2,3,5` → `1:3,5`).
fn compact(set: SequenceSet) -> SequenceSet {
    let mut ranges: Vec<(command::Seq, command::Seq)> = Vec::new();
    for &(a, _) in set.ranges() {
        let command::Seq::Number(n) = a else { continue };
        match ranges.last_mut() {
            Some((_, command::Seq::Number(end))) if end.checked_add(1) == Some(n) => *end = n,
            _ => ranges.push((a, a)),
        }
    }
    SequenceSet::new(ranges).unwrap_or(set)
}

fn check_sequence_sets(view: &View, key: &SearchKey) -> Result<(), Refusal> {
    match key {
        SearchKey::SequenceSet(set) => targets(view, set, false).map(|_| ()),
        SearchKey::Not(k) => check_sequence_sets(view, k),
        SearchKey::Or(a, b) => {
            check_sequence_sets(view, a)?;
            check_sequence_sets(view, b)
        }
        SearchKey::And(keys) => keys.iter().try_for_each(|k| check_sequence_sets(view, k)),
        _ => Ok(()),
    }
}

fn search(store: &Store, user: &str, view: &View, criteria: &SearchKey, uid: bool) -> Vec<u32> {
    let Ok(mailbox) = store.mailbox(user, view.name().as_str()) else {
        return Vec::new();
    };
    let criteria = Criteria::new(criteria);
    mailbox
        .walk(view.all(), |target| target.uid)
        .filter(|&(target, message)| Candidate::new(target, message, view).matches(&criteria))
        .map(|(target, _)| if uid { target.uid.get() } else { target.number })
        .collect()
}

fn is_uid_command(body: &CommandBody) -> bool {
    use CommandBody as C;
    matches!(
        body,
        C::Fetch { uid: true, .. }
            | C::Store { uid: true, .. }
            | C::Search { uid: true, .. }
            | C::Copy { uid: true, .. }
            | C::Move { uid: true, .. }
            | C::UidExpunge(_)
    )
}

/// The command's name as a client typed it, for messages.
fn name_of(body: &CommandBody) -> &'static str {
    use CommandBody as C;
    match body {
        C::Capability => "CAPABILITY",
        C::Noop => "NOOP",
        C::Logout => "LOGOUT",
        C::StartTls => "STARTTLS",
        C::Authenticate { .. } => "AUTHENTICATE",
        C::Login { .. } => "LOGIN",
        C::Select(_) => "SELECT",
        C::Examine(_) => "EXAMINE",
        C::Create(_) => "CREATE",
        C::Delete(_) => "DELETE",
        C::Rename { .. } => "RENAME",
        C::Subscribe(_) => "SUBSCRIBE",
        C::Unsubscribe(_) => "UNSUBSCRIBE",
        C::List { .. } => "LIST",
        C::Lsub { .. } => "LSUB",
        C::Status { .. } => "STATUS",
        C::Append { .. } => "APPEND",
        C::Check => "CHECK",
        C::Close => "CLOSE",
        C::Expunge => "EXPUNGE",
        C::Search { uid: false, .. } => "SEARCH",
        C::Search { uid: true, .. } => "UID SEARCH",
        C::Fetch { uid: false, .. } => "FETCH",
        C::Fetch { uid: true, .. } => "UID FETCH",
        C::Store { uid: false, .. } => "STORE",
        C::Store { uid: true, .. } => "UID STORE",
        C::Copy { uid: false, .. } => "COPY",
        C::Copy { uid: true, .. } => "UID COPY",
        C::Move { uid: false, .. } => "MOVE",
        C::Move { uid: true, .. } => "UID MOVE",
        C::UidExpunge(_) => "UID EXPUNGE",
        C::Idle => "IDLE",
        C::Unselect => "UNSELECT",
        C::Namespace => "NAMESPACE",
        C::Id(_) => "ID",
        C::Enable(_) => "ENABLE",
    }
}

/// The tag at the start of a command, if it can be read (for BAD of a refused line).
fn leading_tag(line: &[u8]) -> Option<Tag> {
    let end = line
        .iter()
        .position(|&b| b == b' ' || b == b'\r' || b == b'\n')
        .unwrap_or(line.len());
    let word = std::str::from_utf8(line.get(..end)?).ok()?;
    Tag::new(word)
}

/// The command name after the tag (`UID FETCH` for a UID command), uppercased.
fn command_word(line: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(line);
    let mut words = text.split([' ', '\r', '\n']).skip(1);
    let first = words.next()?.to_ascii_uppercase();
    if first == "UID" {
        let second = words.next()?.to_ascii_uppercase();
        return Some(format!("UID {second}"));
    }
    Some(first)
}

/// What a command's arguments look like (RFC 3501 §6, §9), for a student who got them wrong.
fn usage(name: String) -> Option<(String, &'static str)> {
    let base = name.strip_prefix("UID ").unwrap_or(&name);
    let usage = match base {
        "CAPABILITY" | "NOOP" | "LOGOUT" | "STARTTLS" | "CHECK" | "CLOSE" | "EXPUNGE" | "IDLE"
        | "UNSELECT" | "NAMESPACE"
            if name == base =>
        {
            "(no arguments)"
        }
        "EXPUNGE" => "sequence-set",
        "AUTHENTICATE" => "mechanism [initial-response]",
        "LOGIN" => "user password",
        "SELECT" | "EXAMINE" | "CREATE" | "DELETE" | "SUBSCRIBE" | "UNSUBSCRIBE" => "mailbox",
        "RENAME" => "old-mailbox new-mailbox",
        "LIST" | "LSUB" => "reference pattern, e.g. LIST \"\" *",
        "STATUS" => "mailbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)",
        "APPEND" => "mailbox [(flags)] [\"date-time\"] {size}",
        "SEARCH" => "[CHARSET name] criteria, e.g. SEARCH FROM alice UNSEEN",
        "FETCH" => "sequence-set items, e.g. FETCH 1:* (FLAGS ENVELOPE)",
        "STORE" => "sequence-set +FLAGS|-FLAGS|FLAGS[.SILENT] (flags)",
        "COPY" | "MOVE" => "sequence-set mailbox",
        "ID" => "NIL or (\"field\" \"value\" ...)",
        "ENABLE" => "capability ...",
        _ => return None,
    };
    Some((name, usage))
}

fn trim_crlf(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
