//! The SMTP server machine (RFC 5321), with SIZE (RFC 1870), 8BITMIME (RFC 6152), PIPELINING
//! (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034, RFC 3463), DSN parameters (RFC 3461), CHUNKING
//! (RFC 3030), SMTPUTF8 (RFC 6531) and AUTH PLAIN, LOGIN and CRAM-MD5 (RFC 4954) on submission.
//!
//! Sans-I/O: the driver feeds client bytes with the host's [`Store`] and the world's time, and
//! drains [`Output`]s. Two roles, as real mail hosts have: the MX (port 25) accepts mail for its
//! own domains from anyone and refuses to relay; submission (port 587) requires AUTH, then
//! accepts any recipient. Mail for local users is delivered to their INBOX with Return-Path and
//! Received fields (§4.4); mail for other domains leaves as [`Event::Relay`], which the driver
//! must queue before it drains further — so nothing answered with 250 is lost.
//!
//! STARTTLS is not offered: there is no TLS in the lab's virtual internet (the command gets
//! 502). VRFY and EXPN answer 252, never confirming who exists (§3.5.3, §7.3).
//!
//! Invariants: one reply per command, in order (pipelining works); every refusal has its code
//! and enhanced status; the session goes on after any error except 421.

use std::collections::VecDeque;
use std::time::Duration;

use super::command::{Address, Command, MAX_COMMAND_LINE, Param, ParseError};
use super::reply::Reply;
use crate::mail::date::DateTime;
use crate::mail::dsn;
use crate::sasl;
use crate::store::{Origin, Store};
use crate::time::Instant;
use crate::wire::{Framed, LineReader, unstuff};

/// Room kept below the store's message limit for the trace fields each hop adds (Return-Path,
/// Received): a message accepted within the SIZE a server offers always fits the store, and a
/// submitted one fits the next hop as well (submission offers two allowances less).
pub const TRACE_ALLOWANCE: usize = 4096;

/// RFC 5321 §4.5.3.1.4: MAIL and RCPT lines may grow past 512 octets by the parameters of the
/// extensions offered (SIZE, AUTH=, ENVID, NOTIFY, ORCPT: RFC 1870, RFC 4954, RFC 3461).
pub const MAX_PARAMETER_LINE: usize = 2048;
/// RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF.
pub const MAX_TEXT_LINE: usize = 1000;
/// RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted; this is the limit.
pub const MAX_RECIPIENTS: usize = 100;
/// RFC 5321 §4.5.3.2.7: the server waits at least 5 minutes for the next command.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Which of a mail host's two doors this session came in by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Port 25: mail for our domains from anyone; no relaying.
    Mx,
    /// Port 587 (RFC 6409): authenticated users send to anyone.
    Submission,
}

/// What the server is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The host name, in the greeting and in Received fields.
    pub host: String,
    pub role: Role,
    /// The SIZE limit in octets.
    pub max_size: usize,
    /// Who is connecting, for Received (`name [address]`).
    pub peer: String,
    /// A token unique to this session: queue ids and the CRAM-MD5 challenge derive from it.
    pub token: String,
}

/// What the server gives its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Send(Vec<u8>),
    Close,
    Event(Event),
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A message was delivered into a local user's INBOX.
    Delivered { user: String, queue_id: String },
    /// A message for other domains was accepted: the driver must queue it for relaying.
    Relay(RelayJob),
}

/// A message to relay: the envelope and the octets (with this host's Received field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayJob {
    pub queue_id: String,
    pub from: Option<Address>,
    pub to: Vec<Address>,
    pub raw: Vec<u8>,
    /// BODY=8BITMIME was declared.
    pub eight_bit: bool,
    pub smtputf8: bool,
    /// RET=FULL (RFC 3461 §4.3): a bounce returns the whole message, not just its header.
    pub ret_full: bool,
    /// ENVID (RFC 3461 §4.4), quoted back in a bounce.
    pub envid: Option<String>,
    /// What each recipient's NOTIFY and ORCPT said (RFC 3461 §4.1, §4.2), in `to`'s order.
    pub dsn: Vec<DsnRequest>,
}

/// A recipient's DSN parameters, kept to act on and to pass on to the next hop (RFC 3461 §5.2.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DsnRequest {
    /// The NOTIFY value as given (`SUCCESS,FAILURE`); `None` when absent.
    pub notify: Option<String>,
    /// The ORCPT value as given (`rfc822;bob@hamburger.edu`).
    pub orcpt: Option<String>,
}

impl DsnRequest {
    /// Whether the sender wants a report when this happens (`SUCCESS`, `FAILURE`, `DELAY`).
    /// Without NOTIFY, only failures are reported (RFC 3461 §4.1 leaves delay reports optional).
    pub fn wants(&self, what: &str) -> bool {
        match &self.notify {
            None => what == "FAILURE",
            Some(list) => list.split(',').any(|v| v.eq_ignore_ascii_case(what)),
        }
    }
}

/// A recipient accepted by RCPT.
#[derive(Clone, Debug)]
struct Recipient {
    address: Address,
    /// The local account, or `None` for a recipient to relay.
    local: Option<String>,
    dsn: DsnRequest,
}

/// The envelope being built by MAIL and RCPT.
#[derive(Clone, Debug)]
struct Transaction {
    from: Option<Address>,
    eight_bit: bool,
    smtputf8: bool,
    ret_full: bool,
    envid: Option<String>,
    recipients: Vec<Recipient>,
}

/// SASL in progress.
#[derive(Clone, Debug)]
enum Sasl {
    Plain,
    LoginUser,
    LoginPassword { user: String },
    CramMd5 { challenge: String },
}

#[derive(Clone, Debug)]
enum State {
    /// Greeted; waiting for HELO or EHLO.
    Connected,
    /// Between transactions.
    Ready,
    /// MAIL accepted; RCPTs being collected.
    Mail(Transaction),
    /// After 354: message lines until `.`.
    Data {
        txn: Transaction,
        data: Vec<u8>,
        /// Whether the last line ended in CRLF (a `.` line only ends the data after one).
        after_crlf: bool,
        problem: Option<Reply>,
    },
    /// BDAT chunks (RFC 3030): `remaining` octets of the current chunk still to come.
    Chunking {
        txn: Transaction,
        data: Vec<u8>,
        remaining: u64,
        last: bool,
        problem: Option<Reply>,
    },
    Authenticating(Sasl),
    Closed,
}

/// An SMTP server session.
pub struct Server {
    config: Config,
    state: State,
    /// The client's HELO/EHLO name and whether it said EHLO.
    helo: Option<(String, bool)>,
    authenticated: Option<String>,
    reader: LineReader,
    out: VecDeque<Output>,
    deadline: Instant,
    messages: u32,
    /// Octets of a refused BDAT chunk still to be skipped (RFC 3030 §2: they are not commands).
    discard: u64,
}

/// Whether `data` begins with a header field (`name:` with a printable name), as a message does.
fn starts_with_header_field(data: &[u8]) -> bool {
    let first = data.split(|&b| b == b'\n').next().unwrap_or_default();
    match first.iter().position(|&b| b == b':') {
        Some(colon) => colon > 0 && first.iter().take(colon).all(|b| (33..=126).contains(b)),
        None => false,
    }
}

impl Server {
    /// A session opened at `now`: the greeting is queued (§4.3.1, §3.1).
    pub fn greet(config: Config, now: Instant) -> Server {
        let mut server = Server {
            state: State::Connected,
            helo: None,
            authenticated: None,
            reader: LineReader::new(MAX_PARAMETER_LINE),
            out: VecDeque::new(),
            deadline: now.saturating_add(COMMAND_TIMEOUT),
            messages: 0,
            discard: 0,
            config,
        };
        let greeting = format!("{} ESMTP Mail Lab ready", server.config.host);
        server.reply(Reply::new(220, None, greeting));
        server
    }

    /// Where the session is, named as the textbook draws SMTP (RFC 5321 §3.3, §4.1.4):
    /// `greeting` (waiting for EHLO or HELO), `ready` (between mail transactions), `envelope`
    /// (MAIL given, collecting RCPT), `data` (the message's lines, or BDAT chunks), `auth` (a SASL
    /// exchange), `closed`.
    pub fn phase_name(&self) -> &'static str {
        match self.state {
            State::Connected => "greeting",
            State::Ready => "ready",
            State::Mail(_) => "envelope",
            State::Data { .. } | State::Chunking { .. } => "data",
            State::Authenticating(_) => "auth",
            State::Closed => "closed",
        }
    }

    /// The phases of [`Server::phase_name`] a mail transaction goes through, in order.
    pub const PHASES: [&'static str; 4] = ["greeting", "ready", "envelope", "data"];

    /// The commands valid now (RFC 5321 §4.1.4's ordering rules; AUTH only on submission,
    /// before a transaction; DATA once a recipient was accepted).
    pub fn next_commands(&self) -> &'static [&'static str] {
        let submission = self.config.role == Role::Submission && self.authenticated.is_none();
        match &self.state {
            State::Connected => &["EHLO", "HELO", "NOOP", "QUIT"],
            State::Ready if submission => &["AUTH", "EHLO", "RSET", "NOOP", "QUIT"],
            State::Ready => &[
                "MAIL", "EHLO", "RSET", "NOOP", "VRFY", "EXPN", "HELP", "QUIT",
            ],
            State::Mail(txn) if txn.recipients.is_empty() => &["RCPT", "RSET", "NOOP", "QUIT"],
            State::Mail(_) => &["RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT"],
            State::Data { .. } => &["(message lines)", "."],
            State::Chunking { .. } => &["(chunk octets)", "BDAT"],
            State::Authenticating(_) => &["(base64 response)", "*"],
            State::Closed => &[],
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When the command timeout fires (none once closed).
    pub fn poll_timeout(&self) -> Option<Instant> {
        (!matches!(self.state, State::Closed)).then_some(self.deadline)
    }

    /// §4.5.3.2: an idle client is told 421 and disconnected; an unfinished message is dropped.
    pub fn handle_timeout(&mut self, now: Instant) {
        if now >= self.deadline && !matches!(self.state, State::Closed) {
            self.reply(Reply::enhanced(
                421,
                (4, 4, 2),
                format!("{} timeout, closing connection", self.config.host),
            ));
            self.close();
        }
    }

    /// The client vanished: whatever was not yet acknowledged is dropped (§6.1 applies only
    /// after the 250).
    pub fn handle_close(&mut self) {
        self.state = State::Closed;
    }

    fn close(&mut self) {
        self.state = State::Closed;
        self.out.push_back(Output::Close);
    }

    fn reply(&mut self, reply: Reply) {
        let mut bytes = Vec::new();
        reply.write(&mut bytes);
        self.out.push_back(Output::Send(bytes));
    }

    fn ok(&mut self, enhanced: (u8, u16, u16), text: impl Into<String>) {
        self.reply(Reply::enhanced(250, enhanced, text));
    }

    fn error(&mut self, code: u16, enhanced: (u8, u16, u16), text: impl Into<String>) {
        self.reply(Reply::enhanced(code, enhanced, text));
    }

    /// Client bytes.
    pub fn feed(&mut self, bytes: &[u8], store: &mut Store, now: Instant) {
        if matches!(self.state, State::Closed) {
            return;
        }
        self.deadline = now.saturating_add(COMMAND_TIMEOUT);
        self.reader.push(bytes);
        loop {
            if self.discard > 0 {
                let skipped = self
                    .reader
                    .take(usize::try_from(self.discard).unwrap_or(usize::MAX));
                if skipped.is_empty() {
                    return;
                }
                self.discard = self.discard.saturating_sub(skipped.len() as u64);
                continue;
            }
            match &mut self.state {
                State::Closed => return,
                State::Chunking { remaining, .. } if *remaining > 0 => {
                    let want = usize::try_from(*remaining).unwrap_or(usize::MAX);
                    let chunk = self.reader.take(want);
                    if chunk.is_empty() {
                        return;
                    }
                    self.chunk_octets(&chunk, store, now);
                    continue;
                }
                _ => {}
            }
            let Some(framed) = self.reader.next_line() else {
                return;
            };
            match (&self.state, framed) {
                (State::Data { .. }, framed) => self.data_line(framed, store, now),
                // RFC 4954 §4: an over-long response line ends the exchange with 500 5.5.6.
                (State::Authenticating(_), Framed::TooLong { .. }) => {
                    self.state = State::Ready;
                    self.error(500, (5, 5, 6), "Authentication exchange line is too long");
                }
                (_, Framed::TooLong { .. }) => self.error(
                    500,
                    (5, 5, 2),
                    "Line too long (at most 512 octets with CRLF, more for MAIL and RCPT parameters)",
                ),
                (State::Authenticating(_), Framed::Line { bytes, .. }) => {
                    self.sasl_step(&bytes, store)
                }
                (_, Framed::Line { bytes, .. }) => self.command(&bytes, store, now),
            }
        }
    }

    fn command(&mut self, line: &[u8], store: &mut Store, now: Instant) {
        let command = match Command::parse(line) {
            Ok(command) => command,
            Err(e @ ParseError::Unknown(_)) => return self.error(500, (5, 5, 1), e.to_string()),
            Err(e) => return self.error(e.code(), (5, 5, 4), e.to_string()),
        };
        let with_parameters = matches!(command, Command::Mail { .. } | Command::Rcpt { .. });
        if line.len() + 2 > MAX_COMMAND_LINE && !with_parameters {
            return self.error(
                500,
                (5, 5, 2),
                "Line too long (at most 512 octets with CRLF)",
            );
        }
        match command {
            Command::Helo(domain) => self.helo(domain, false),
            Command::Ehlo(domain) => self.helo(domain, true),
            Command::Mail { from, params } => self.mail(from, &params, store),
            Command::Rcpt { to, params } => self.rcpt(to, &params, store),
            Command::Data => self.data(),
            Command::Bdat { size, last } => self.bdat(size, last, store, now),
            Command::Rset => {
                if !matches!(self.state, State::Connected) {
                    self.state = State::Ready;
                }
                self.ok((2, 0, 0), "Flushed");
            }
            Command::Noop => self.ok((2, 0, 0), "OK"),
            Command::Quit => {
                let text = format!("{} Service closing transmission channel", self.config.host);
                self.reply(Reply::enhanced(221, (2, 0, 0), text));
                self.close();
            }
            // §3.5.3 and §7.3: a server may decline to confirm who exists.
            Command::Vrfy(_) => self.reply(Reply::enhanced(
                252,
                (2, 5, 0),
                "Cannot VRFY user, but will accept message and attempt delivery",
            )),
            Command::Expn(_) => {
                self.reply(Reply::enhanced(252, (2, 5, 0), "Cannot EXPN lists here"))
            }
            Command::Help(topic) => self.help(topic),
            Command::Auth { mechanism, initial } => self.auth(&mechanism, initial, store),
            Command::StartTls => self.error(
                502,
                (5, 5, 1),
                "STARTTLS is not offered: the lab's network has no TLS",
            ),
        }
    }

    fn helo(&mut self, domain: String, extended: bool) {
        // §4.1.4: HELO/EHLO may be repeated; it resets any transaction (like RSET).
        self.state = State::Ready;
        let greeting = format!("{} greets {domain}", self.config.host);
        self.helo = Some((domain, extended));
        if !extended {
            return self.reply(Reply::new(250, None, greeting));
        }
        let mut lines = vec![
            greeting,
            "PIPELINING".to_string(),
            format!("SIZE {}", self.config.max_size),
            "8BITMIME".to_string(),
            "ENHANCEDSTATUSCODES".to_string(),
            "DSN".to_string(),
            "CHUNKING".to_string(),
            "SMTPUTF8".to_string(),
        ];
        if self.config.role == Role::Submission {
            lines.push("AUTH PLAIN LOGIN CRAM-MD5".to_string());
        }
        lines.push("HELP".to_string());
        self.reply(Reply {
            code: 250,
            status: None,
            lines,
        });
    }

    fn mail(&mut self, from: Option<Address>, params: &[Param], store: &Store) {
        match self.state {
            State::Connected => return self.error(503, (5, 5, 1), "Send HELO or EHLO first"),
            State::Mail(_) | State::Chunking { .. } => {
                return self.error(503, (5, 5, 1), "Nested MAIL command: RSET first");
            }
            _ => {}
        }
        if self.config.role == Role::Submission && self.authenticated.is_none() {
            return self.error(
                530,
                (5, 7, 0),
                "Authentication required: AUTH first (port 587 is for submission)",
            );
        }
        // RFC 6409 §6.1: a submission server may check that the sender is the one who logged
        // in; here an authenticated user sends only as one of their own addresses (or <>).
        if let (Role::Submission, Some(user), Some(address)) =
            (self.config.role, &self.authenticated, &from)
        {
            let owner = store.account_for_address(&address.to_string());
            if !owner.is_some_and(|o| o.eq_ignore_ascii_case(user)) {
                return self.error(
                    553,
                    (5, 7, 1),
                    format!("<{address}> is not an address of {user}: send as yourself"),
                );
            }
        }
        let esmtp = self.helo.as_ref().is_some_and(|(_, extended)| *extended);
        let mut txn = Transaction {
            from,
            eight_bit: false,
            smtputf8: false,
            ret_full: false,
            envid: None,
            recipients: Vec::new(),
        };
        for p in params {
            // §4.1.1.11: parameters need EHLO.
            if !esmtp {
                return self.error(
                    555,
                    (5, 5, 4),
                    format!("{} needs EHLO, not HELO", p.keyword),
                );
            }
            match (p.keyword.as_str(), p.value.as_deref()) {
                ("SIZE", Some(v)) => match v.parse::<u64>() {
                    // RFC 1870 §6: refuse at once what is announced too big.
                    Ok(size) if size > self.config.max_size as u64 => {
                        return self.error(
                            552,
                            (5, 3, 4),
                            format!(
                                "Message size exceeds fixed maximum message size ({} octets)",
                                self.config.max_size
                            ),
                        );
                    }
                    Ok(_) => {}
                    Err(_) => return self.error(501, (5, 5, 4), "SIZE needs a number of octets"),
                },
                ("BODY", Some(v)) if v.eq_ignore_ascii_case("8BITMIME") => txn.eight_bit = true,
                ("BODY", Some(v)) if v.eq_ignore_ascii_case("7BIT") => txn.eight_bit = false,
                ("BODY", _) => {
                    return self.error(
                        555,
                        (5, 5, 4),
                        "BODY is 7BIT or 8BITMIME here (BINARYMIME is not offered)",
                    );
                }
                ("SMTPUTF8", None) => txn.smtputf8 = true,
                // RFC 3461 §4.3, §4.4 and RFC 4954 §5: accepted; this lab sends no DSN on success.
                ("RET", Some(v)) if v.eq_ignore_ascii_case("FULL") => txn.ret_full = true,
                ("RET", Some(v)) if v.eq_ignore_ascii_case("HDRS") => txn.ret_full = false,
                ("ENVID", Some(v)) => txn.envid = Some(v.to_string()),
                // RFC 4954 §5: the AUTH parameter of MAIL is accepted and not acted on.
                ("AUTH", Some(_)) => {}
                (keyword, _) => {
                    return self.error(
                        555,
                        (5, 5, 4),
                        format!("MAIL parameter {keyword} is not recognized"),
                    );
                }
            }
        }
        if txn.from.as_ref().is_some_and(|a| !a.is_ascii()) && !txn.smtputf8 {
            return self.error(
                550,
                (5, 6, 7),
                "A non-ASCII address needs the SMTPUTF8 parameter",
            );
        }
        let shown = txn
            .from
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        self.state = State::Mail(txn);
        self.ok((2, 1, 0), format!("Sender <{shown}> OK"));
    }

    fn rcpt(&mut self, to: Address, params: &[Param], store: &Store) {
        let (role, authenticated) = (self.config.role, self.authenticated.is_some());
        let State::Mail(txn) = &mut self.state else {
            return self.error(503, (5, 5, 1), "Need MAIL before RCPT");
        };
        if txn.recipients.len() >= MAX_RECIPIENTS {
            // §4.5.3.1.10: 452 for too many recipients, so the client sends the rest later.
            return self.error(452, (4, 5, 3), "Too many recipients");
        }
        let mut dsn = DsnRequest::default();
        for p in params {
            match p.keyword.as_str() {
                // RFC 3461 §4.1: NEVER alone, or any of SUCCESS, FAILURE and DELAY.
                "NOTIFY" => {
                    let values: Vec<String> = p
                        .value
                        .as_deref()
                        .unwrap_or_default()
                        .split(',')
                        .map(str::to_ascii_uppercase)
                        .collect();
                    let known = values
                        .iter()
                        .all(|v| matches!(v.as_str(), "NEVER" | "SUCCESS" | "FAILURE" | "DELAY"));
                    let never_alone = !values.iter().any(|v| v == "NEVER") || values.len() == 1;
                    if !known || !never_alone {
                        return self.error(
                            501,
                            (5, 5, 4),
                            "NOTIFY is NEVER, or a list of SUCCESS, FAILURE and DELAY",
                        );
                    }
                    dsn.notify = Some(values.join(","));
                }
                // RFC 3461 §4.2: `addr-type ; xtext`.
                "ORCPT" if p.value.as_deref().is_some_and(|v| v.contains(';')) => {
                    dsn.orcpt = p.value.clone();
                }
                "ORCPT" => return self.error(501, (5, 5, 4), "ORCPT is addr-type;address"),
                keyword => {
                    return self.error(
                        555,
                        (5, 5, 4),
                        format!("RCPT parameter {keyword} is not recognized"),
                    );
                }
            }
        }
        if !to.is_ascii() && !txn.smtputf8 {
            return self.error(553, (5, 6, 7), "A non-ASCII address needs SMTPUTF8 on MAIL");
        }
        // §4.5.1: <postmaster> (without a domain) is always local.
        let local_domain = to.domain.is_empty() || store.serves(&to.domain);
        let recipient = if local_domain {
            let lookup = store
                .account_for_address(&to.to_string())
                .map(str::to_string);
            // §4.5.1: postmaster MUST be accepted; without an account of that name, the host's
            // first account (its administrator in a scenario) receives it.
            let lookup = lookup.or_else(|| {
                to.local_part
                    .eq_ignore_ascii_case("postmaster")
                    .then(|| store.accounts().next().map(str::to_string))
                    .flatten()
            });
            match lookup {
                Some(user) => Recipient {
                    address: to.clone(),
                    local: Some(user),
                    dsn: dsn.clone(),
                },
                None => return self.error(550, (5, 1, 1), format!("<{to}>: no such user here")),
            }
        } else if role == Role::Submission && authenticated {
            Recipient {
                address: to.clone(),
                local: None,
                dsn,
            }
        } else {
            // §3.6.2, §7.1: an MX that relays for anyone is an open relay.
            return self.error(
                550,
                (5, 7, 1),
                format!(
                    "<{to}>: relaying denied (this host only accepts mail for its own domains)"
                ),
            );
        };
        let relayed = recipient.local.is_none();
        txn.recipients.push(recipient);
        let text = if relayed {
            format!("Recipient <{to}> OK, will relay")
        } else {
            format!("Recipient <{to}> OK")
        };
        self.ok((2, 1, 5), text);
    }

    fn data(&mut self) {
        match &self.state {
            State::Mail(txn) if !txn.recipients.is_empty() => {
                let State::Mail(txn) = std::mem::replace(&mut self.state, State::Ready) else {
                    return;
                };
                self.state = State::Data {
                    txn,
                    data: Vec::new(),
                    after_crlf: true,
                    problem: None,
                };
                self.reader.set_max(MAX_TEXT_LINE + 1);
                self.reply(Reply::new(
                    354,
                    None,
                    "Start mail input; end with <CRLF>.<CRLF>",
                ));
            }
            State::Mail(_) => self.error(503, (5, 5, 1), "Need RCPT before DATA"),
            State::Chunking { .. } => {
                self.error(503, (5, 5, 1), "DATA cannot follow BDAT in one transaction")
            }
            _ => self.error(503, (5, 5, 1), "Need MAIL and RCPT before DATA"),
        }
    }

    /// One line of message data (§4.1.1.4, §4.5.2).
    fn data_line(&mut self, framed: Framed, store: &mut Store, now: Instant) {
        let max_size = self.config.max_size;
        let State::Data {
            data,
            after_crlf,
            problem,
            txn,
        } = &mut self.state
        else {
            return;
        };
        match framed {
            Framed::TooLong { crlf } => {
                // §4.5.3.1.6: the line is lost, so is the message; read on to the end — which
                // only a "." after a CRLF is (§4.1.1.4), however the long line ended.
                problem.get_or_insert(Reply::enhanced(
                    500,
                    (5, 5, 2),
                    "Line too long (at most 1000 octets with CRLF)",
                ));
                *after_crlf = crlf;
            }
            Framed::Line { bytes, crlf } => {
                // §4.1.1.4: only <CRLF>.<CRLF> ends the data; never a bare LF (no smuggling).
                if crlf && *after_crlf && bytes == b"." {
                    return self.end_of_data(store, now);
                }
                if !crlf {
                    problem.get_or_insert(Reply::enhanced(
                        554,
                        (5, 6, 0),
                        "Bare LF in the message: lines end with CRLF (RFC 5321 section 2.3.8)",
                    ));
                }
                let line = if *after_crlf {
                    unstuff(&bytes).unwrap_or_default()
                } else {
                    &bytes[..]
                };
                // §4.5.3.1.6: 1000 octets with CRLF, not counting a dot added for transparency
                // (the reader allows one more octet for it).
                if line.len() + 2 > MAX_TEXT_LINE {
                    problem.get_or_insert(Reply::enhanced(
                        500,
                        (5, 5, 2),
                        "Line too long (at most 1000 octets with CRLF)",
                    ));
                }
                if !txn.eight_bit && line.iter().any(|&b| b >= 0x80) {
                    problem.get_or_insert(Reply::enhanced(
                        554,
                        (5, 6, 0),
                        "8-bit content needs BODY=8BITMIME (plain SMTP carries 7-bit ASCII)",
                    ));
                }
                if data.len() + line.len() + 2 > max_size {
                    problem.get_or_insert(Reply::enhanced(
                        552,
                        (5, 3, 4),
                        format!(
                            "Message size exceeds fixed maximum message size ({max_size} octets)"
                        ),
                    ));
                } else if problem.is_none() {
                    data.extend_from_slice(line);
                    data.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
                *after_crlf = crlf;
            }
        }
    }

    fn end_of_data(&mut self, store: &mut Store, now: Instant) {
        self.reader.set_max(MAX_PARAMETER_LINE);
        let State::Data {
            txn, data, problem, ..
        } = std::mem::replace(&mut self.state, State::Ready)
        else {
            return;
        };
        match problem {
            Some(reply) => self.reply(reply),
            None => self.accept(txn, data, store, now),
        }
    }

    fn bdat(&mut self, size: u64, last: bool, store: &mut Store, now: Instant) {
        let state = std::mem::replace(&mut self.state, State::Ready);
        let (txn, data, problem) = match state {
            State::Mail(txn) if !txn.recipients.is_empty() => (txn, Vec::new(), None),
            State::Chunking {
                txn, data, problem, ..
            } => (txn, data, problem),
            other => {
                self.state = other;
                // RFC 3030 §2: the chunk must still be read, or its octets become commands.
                self.skip_octets(size);
                return self.error(503, (5, 5, 1), "Need MAIL and RCPT before BDAT");
            }
        };
        self.state = State::Chunking {
            txn,
            data,
            remaining: size,
            last,
            problem,
        };
        if size == 0 {
            self.chunk_done(store, now);
        }
    }

    fn skip_octets(&mut self, size: u64) {
        self.discard = self.discard.saturating_add(size);
    }

    fn chunk_octets(&mut self, chunk: &[u8], store: &mut Store, now: Instant) {
        let max_size = self.config.max_size;
        let State::Chunking {
            data,
            remaining,
            problem,
            txn,
            ..
        } = &mut self.state
        else {
            return;
        };
        *remaining = remaining.saturating_sub(chunk.len() as u64);
        if data.len() + chunk.len() > max_size {
            problem.get_or_insert(Reply::enhanced(
                552,
                (5, 3, 4),
                format!("Message size exceeds fixed maximum message size ({max_size} octets)"),
            ));
        } else if !txn.eight_bit && chunk.iter().any(|&b| b >= 0x80) {
            problem.get_or_insert(Reply::enhanced(
                554,
                (5, 6, 0),
                "8-bit content needs BODY=8BITMIME",
            ));
        } else if problem.is_none() {
            data.extend_from_slice(chunk);
        }
        if *remaining == 0 {
            self.chunk_done(store, now);
        }
    }

    /// RFC 3030 §2: every chunk is answered; the LAST one with the message's fate.
    fn chunk_done(&mut self, store: &mut Store, now: Instant) {
        let State::Chunking {
            last,
            data,
            problem,
            ..
        } = &self.state
        else {
            return;
        };
        if !*last {
            let text = format!("{} octets received", data.len());
            if let Some(reply) = problem.clone() {
                return self.reply(reply);
            }
            return self.ok((2, 0, 0), text);
        }
        let State::Chunking {
            txn, data, problem, ..
        } = std::mem::replace(&mut self.state, State::Ready)
        else {
            return;
        };
        // The content of BDAT is still CRLF text lines of at most 1000 octets (RFC 3030 §3:
        // BINARYMIME, which would lift that, is not offered).
        let bare_lf =
            data.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r') || data.first() == Some(&b'\n');
        let problem = problem.or_else(|| {
            if bare_lf {
                Some(Reply::enhanced(
                    554,
                    (5, 6, 0),
                    "Bare LF in the message: lines end with CRLF",
                ))
            } else if crate::mail::encoding::has_long_lines(&data, MAX_TEXT_LINE - 2) {
                Some(Reply::enhanced(
                    500,
                    (5, 5, 2),
                    "Line too long (at most 1000 octets with CRLF)",
                ))
            } else {
                None
            }
        });
        match problem {
            Some(reply) => self.reply(reply),
            None => self.accept(txn, data, store, now),
        }
    }

    /// The message is complete: deliver the local copies, hand the rest to the relay queue.
    fn accept(&mut self, txn: Transaction, data: Vec<u8>, store: &mut Store, now: Instant) {
        self.messages += 1;
        let queue_id = format!("{}{:02}", self.config.token, self.messages);
        let (helo, esmtp) = self
            .helo
            .clone()
            .unwrap_or_else(|| ("unknown".into(), false));
        // RFC 3848: the protocol names in Received.
        // RFC 3848, RFC 6531 §3.7.3: the protocol names in Received.
        let with = match (esmtp, txn.smtputf8, self.authenticated.is_some()) {
            (false, _, _) => "SMTP",
            (true, false, false) => "ESMTP",
            (true, false, true) => "ESMTPA",
            (true, true, false) => "UTF8SMTP",
            (true, true, true) => "UTF8SMTPA",
        };
        let single = match txn.recipients.as_slice() {
            [only] => format!("\r\n\tfor <{}>", only.address),
            _ => String::new(),
        };
        // §4.4: the Received field this host adds, at the top.
        let received = format!(
            "Received: from {helo} ({})\r\n\tby {} (Mail Lab) with {with} id {queue_id}{single};\r\n\t{}\r\n",
            self.config.peer,
            self.config.host,
            now.rfc5322()
        );
        let mut stamped = received.into_bytes();
        // Typed by hand, a message often has no header at all ("Do you like ketchup?"): then an
        // empty line after the trace fields keeps the text a body instead of a broken header
        // line (RFC 5322 §2.1), as real MTAs do.
        if !starts_with_header_field(&data) {
            stamped.extend_from_slice(b"\r\n");
        }
        stamped.extend_from_slice(&data);
        let return_path = format!(
            "Return-Path: <{}>\r\n",
            txn.from
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        // Every local copy must fit before any is delivered: then a refusal leaves nothing
        // behind, and a retry cannot duplicate mail.
        let copy_size = return_path.len() + stamped.len();
        if txn.recipients.iter().any(|r| r.local.is_some()) && copy_size > store.max_message_size()
        {
            return self.error(
                552,
                (5, 3, 4),
                format!(
                    "Message size exceeds fixed maximum message size ({} octets)",
                    self.config.max_size
                ),
            );
        }
        let mut delivered = Vec::new();
        for recipient in &txn.recipients {
            let Some(user) = &recipient.local else {
                continue;
            };
            if delivered.contains(user) {
                continue; // two addresses of one account: one copy
            }
            let mut copy = return_path.clone().into_bytes();
            copy.extend_from_slice(&stamped);
            if let Err(e) = store.deliver(Origin::SYSTEM, user, "INBOX", copy, now) {
                return self.error(
                    451,
                    (4, 3, 0),
                    format!("Local delivery to {user} failed: {e}"),
                );
            }
            delivered.push(user.clone());
        }
        for user in &delivered {
            self.out.push_back(Output::Event(Event::Delivered {
                user: user.clone(),
                queue_id: queue_id.clone(),
            }));
        }
        // RFC 3461 §5.2.3: a final delivery the sender asked to hear about is reported.
        let successes: Vec<dsn::Notice> = txn
            .recipients
            .iter()
            .filter(|r| r.local.is_some() && r.dsn.wants("SUCCESS"))
            .map(|r| dsn::Notice {
                recipient: r.address.to_string(),
                action: dsn::Action::Delivered,
                status: "2.0.0".into(),
                diagnostic: None,
                remote_mta: None,
            })
            .collect();
        if let (Some(sender), false) = (&txn.from, successes.is_empty()) {
            let report = dsn::Report {
                reporting_mta: &self.config.host,
                to: &sender.to_string(),
                arrival: now,
                notices: &successes,
                original: &stamped,
                return_full: false,
                envelope_id: txn.envid.as_deref(),
            };
            let date = DateTime {
                instant: now,
                offset_minutes: 0,
            };
            let message_id = format!("<{queue_id}.dsn@{}>", self.config.host);
            self.out.push_back(Output::Event(Event::Relay(RelayJob {
                queue_id: format!("{queue_id}S"),
                from: None,
                to: vec![sender.clone()],
                raw: dsn::build(&report, date, &message_id),
                eight_bit: false,
                smtputf8: false,
                ret_full: false,
                envid: None,
                dsn: vec![DsnRequest {
                    notify: Some("NEVER".into()),
                    orcpt: None,
                }],
            })));
        }
        let relayed: Vec<&Recipient> = txn
            .recipients
            .iter()
            .filter(|r| r.local.is_none())
            .collect();
        let relay: Vec<Address> = relayed.iter().map(|r| r.address.clone()).collect();
        if !relay.is_empty() {
            self.out.push_back(Output::Event(Event::Relay(RelayJob {
                queue_id: queue_id.clone(),
                from: txn.from.clone(),
                to: relay,
                raw: stamped,
                eight_bit: txn.eight_bit,
                smtputf8: txn.smtputf8,
                ret_full: txn.ret_full,
                envid: txn.envid.clone(),
                dsn: relayed.iter().map(|r| r.dsn.clone()).collect(),
            })));
        }
        self.ok((2, 0, 0), format!("OK: queued as {queue_id}"));
    }

    fn help(&mut self, topic: Option<String>) {
        let lines: Vec<String> = match topic.as_deref().map(str::to_ascii_uppercase).as_deref() {
            None => vec![
                "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY EXPN HELP AUTH".into(),
                "A message: EHLO you.example, MAIL FROM:<you@you.example>, RCPT TO:<them@here>,"
                    .into(),
                "DATA, the message, a line with a single dot, QUIT. (RFC 5321)".into(),
            ],
            Some("MAIL") => vec!["MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]".into()],
            Some("RCPT") => vec!["RCPT TO:<address> [NOTIFY=...] [ORCPT=...]".into()],
            Some("DATA") => {
                vec!["DATA, then the message; end it with a line holding only a dot".into()]
            }
            Some("AUTH") => vec!["AUTH PLAIN|LOGIN|CRAM-MD5 [initial-response] (port 587)".into()],
            Some(other) => {
                return self.error(504, (5, 5, 4), format!("HELP: no help for '{other}'"));
            }
        };
        self.reply(Reply {
            lines,
            ..Reply::enhanced(214, (2, 0, 0), "")
        });
    }

    fn auth(&mut self, mechanism: &str, initial: Option<String>, store: &mut Store) {
        if self.config.role != Role::Submission {
            return self.error(
                502,
                (5, 5, 1),
                "AUTH is offered on the submission port (587), not here",
            );
        }
        if self.authenticated.is_some() {
            return self.error(503, (5, 5, 1), "Already authenticated");
        }
        match self.state {
            State::Connected => return self.error(503, (5, 5, 1), "Send EHLO first"),
            State::Ready => {}
            _ => {
                return self.error(
                    503,
                    (5, 5, 1),
                    "AUTH is not allowed during a mail transaction",
                );
            }
        }
        let sasl = match mechanism {
            "PLAIN" => Sasl::Plain,
            "LOGIN" => Sasl::LoginUser,
            "CRAM-MD5" => Sasl::CramMd5 {
                challenge: format!("<{}@{}>", self.config.token, self.config.host),
            },
            other => {
                return self.error(
                    504,
                    (5, 5, 4),
                    format!("Unrecognized authentication type {other}"),
                );
            }
        };
        match (sasl, initial) {
            (Sasl::Plain, Some(ir)) => self.finish_plain(ir.as_bytes(), store),
            (sasl @ (Sasl::LoginUser | Sasl::LoginPassword { .. }), Some(ir)) => {
                self.state = State::Authenticating(sasl);
                self.sasl_step(ir.as_bytes(), store);
            }
            (Sasl::CramMd5 { .. }, Some(_)) => {
                self.error(501, (5, 5, 2), "CRAM-MD5 takes no initial response")
            }
            (sasl, None) => {
                let challenge = match &sasl {
                    Sasl::Plain => String::new(),
                    Sasl::LoginUser => sasl::encode(b"Username:"),
                    Sasl::LoginPassword { .. } => sasl::encode(b"Password:"),
                    Sasl::CramMd5 { challenge } => sasl::encode(challenge.as_bytes()),
                };
                self.state = State::Authenticating(sasl);
                self.reply(Reply::new(334, None, challenge));
            }
        }
    }

    /// A SASL response line (RFC 4954 §4): `*` cancels.
    fn sasl_step(&mut self, line: &[u8], store: &mut Store) {
        let State::Authenticating(sasl) = std::mem::replace(&mut self.state, State::Ready) else {
            return;
        };
        if line == b"*" {
            return self.error(501, (5, 0, 0), "Authentication cancelled");
        }
        match sasl {
            Sasl::Plain => self.finish_plain(line, store),
            Sasl::LoginUser => match sasl::decode(line) {
                Ok(user) => {
                    self.state = State::Authenticating(Sasl::LoginPassword {
                        user: String::from_utf8_lossy(&user).into_owned(),
                    });
                    self.reply(Reply::new(334, None, sasl::encode(b"Password:")));
                }
                Err(e) => self.error(501, (5, 5, 2), format!("Cannot decode the response: {e}")),
            },
            Sasl::LoginPassword { user } => match sasl::decode(line) {
                Ok(password) => {
                    let password = String::from_utf8_lossy(&password);
                    self.conclude(store.authenticate(&user, &password).then_some(user));
                }
                Err(e) => self.error(501, (5, 5, 2), format!("Cannot decode the response: {e}")),
            },
            Sasl::CramMd5 { challenge } => match sasl::cram_md5_parse(line) {
                Ok((user, digest)) => {
                    let expected = store
                        .password(&user)
                        .map(|secret| sasl::hmac_md5_hex(secret.as_bytes(), challenge.as_bytes()));
                    self.conclude(expected.filter(|e| *e == digest).map(|_| user));
                }
                Err(e) => self.error(501, (5, 5, 2), format!("Cannot decode the response: {e}")),
            },
        }
    }

    fn finish_plain(&mut self, response: &[u8], store: &Store) {
        match sasl::Plain::decode(response) {
            Ok(plain) => {
                let ok =
                    plain.acts_for_itself() && store.authenticate(&plain.authcid, &plain.password);
                self.conclude(ok.then_some(plain.authcid));
            }
            Err(e) => self.error(501, (5, 5, 2), format!("Cannot decode the response: {e}")),
        }
    }

    fn conclude(&mut self, user: Option<String>) {
        match user {
            Some(user) => {
                self.authenticated = Some(user);
                self.reply(Reply::enhanced(235, (2, 7, 0), "Authentication successful"));
            }
            None => self.error(535, (5, 7, 8), "Authentication credentials invalid"),
        }
    }
}
