//! The check language: one line of words that says what must be true of the world, evaluated on
//! its state and its transcripts — never on what the student typed. `lessons/README.md`
//! documents it for instructors.
//!
//! ```text
//! session smtp mail.hamburger.edu:25 from terminal replied 250 to . messages >= 2
//! mailbox bob@hamburger.edu in INBOX subject "Lunch" 7bit encoding quoted-printable
//! local bob laptop count >= 2
//! folder bob@hamburger.edu Recipes
//! relay mail.crepes.fr to mail.hamburger.edu deferred
//! ```
//!
//! Invariants: parsing and evaluating never panic; a failed check always says why, in words
//! derived from the world (what was found instead).

use std::collections::VecDeque;

use crate::mail::Message;
use crate::net::{RelayOutcome, SessionRecord, World};
use crate::store::Flags;

/// What a check tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    Session(SessionTest),
    /// Messages in a server mailbox.
    Mailbox {
        account: String,
        folder: String,
        filter: Filter,
    },
    /// Messages a POP3 user agent downloaded (`pop3 fetch USER --client CLIENT`).
    Local {
        account: String,
        client: String,
        filter: Filter,
    },
    /// A mailbox exists on the server.
    Folder {
        account: String,
        folder: String,
    },
    /// Relay conversations between two servers.
    Relay {
        from: String,
        to: String,
        outcome: Option<RelayOutcome>,
        count: Count,
    },
}

/// A session of the world's records and what must hold of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionTest {
    /// `SMTP`, `POP3`, `IMAP`, or `None` for any.
    protocol: Option<&'static str>,
    host: String,
    port: Option<u16>,
    /// Text the client's name contains (`terminal` for a session typed by hand).
    from: Option<String>,
    reached: Vec<String>,
    /// (reply code or its start, the commands it may answer).
    replies: Vec<(String, Vec<String>)>,
    messages: Option<Count>,
    closed: bool,
}

/// Conditions on messages, and how many must meet them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    conds: Vec<Cond>,
    count: Count,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Cond {
    Header(String, Option<String>),
    Body(String),
    Raw(String),
    SevenBit,
    Encoding(String),
    Parts(Count),
    Flag(String),
}

/// A comparison with a number: `>= 2`, `= 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    op: Op,
    n: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    AtLeast,
    AtMost,
    Exactly,
    More,
    Fewer,
}

impl Count {
    const ONE: Count = Count {
        op: Op::AtLeast,
        n: 1,
    };

    fn holds(self, found: usize) -> bool {
        match self.op {
            Op::AtLeast => found >= self.n,
            Op::AtMost => found <= self.n,
            Op::Exactly => found == self.n,
            Op::More => found > self.n,
            Op::Fewer => found < self.n,
        }
    }

    fn describe(self) -> String {
        let op = match self.op {
            Op::AtLeast => "at least",
            Op::AtMost => "at most",
            Op::Exactly => "exactly",
            Op::More => "more than",
            Op::Fewer => "fewer than",
        };
        format!("{op} {}", self.n)
    }

    /// Whether more would help (a count below its floor), rather than fewer.
    fn wants_more(self) -> bool {
        matches!(self.op, Op::AtLeast | Op::More | Op::Exactly)
    }
}

/// What evaluating a check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    /// For a failed check, what is missing, said from the world's state.
    pub hint: String,
}

impl Verdict {
    fn pass() -> Verdict {
        Verdict {
            passed: true,
            hint: String::new(),
        }
    }

    fn fail(hint: String) -> Verdict {
        Verdict {
            passed: false,
            hint,
        }
    }
}

/// Records older than these do not count (what happened before the lesson started).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Since {
    /// Sessions numbered above this count.
    pub session: u64,
    /// Relay conversations numbered above this count.
    pub relay: u64,
}

impl Since {
    /// Everything the world remembers now is "before".
    pub fn now(world: &World) -> Since {
        Since {
            session: world
                .sessions()
                .iter()
                .map(|s| s.id.number())
                .max()
                .unwrap_or(0),
            relay: world.relay_log().map(|r| r.seq).max().unwrap_or(0),
        }
    }
}

// --- Parsing -------------------------------------------------------------------------------------

/// A word of a check, and whether it was quoted.
struct Word {
    text: String,
    quoted: bool,
}

fn words(text: &str) -> Result<Vec<Word>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("a quoted text is not closed (\")".into()),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(escaped) => word.push(escaped),
                        None => return Err("a quoted text ends with \\".into()),
                    },
                    Some(other) => word.push(other),
                }
            }
            out.push(Word {
                text: word,
                quoted: true,
            });
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(Word {
                text: word,
                quoted: false,
            });
        }
    }
    Ok(out)
}

/// The words of a check, read left to right.
struct Reader {
    words: VecDeque<Word>,
}

impl Reader {
    fn next(&mut self, what: &str) -> Result<String, String> {
        self.words
            .pop_front()
            .map(|w| w.text)
            .ok_or_else(|| format!("{what} is missing"))
    }

    fn peek_quoted(&self) -> bool {
        self.words.front().is_some_and(|w| w.quoted)
    }

    fn keyword(&mut self) -> Option<String> {
        self.words.pop_front().map(|w| w.text.to_ascii_lowercase())
    }

    fn count(&mut self) -> Result<Count, String> {
        let first = self.next("a number")?;
        let (op, number) = match first.as_str() {
            ">=" => (Op::AtLeast, self.next("a number after >=")?),
            "<=" => (Op::AtMost, self.next("a number after <=")?),
            "=" | "==" => (Op::Exactly, self.next("a number after =")?),
            ">" => (Op::More, self.next("a number after >")?),
            "<" => (Op::Fewer, self.next("a number after <")?),
            _ => (Op::AtLeast, first),
        };
        let n = number
            .parse::<usize>()
            .map_err(|_| format!("'{number}' is not a number"))?;
        Ok(Count { op, n })
    }
}

impl Test {
    /// Reads a check written in the check language.
    pub fn parse(text: &str) -> Result<Test, String> {
        let mut r = Reader {
            words: words(text)?.into(),
        };
        let kind = r
            .keyword()
            .ok_or("the check is empty: it starts with session, mailbox, local, folder or relay")?;
        let test = match kind.as_str() {
            "session" => Test::Session(session(&mut r)?),
            "mailbox" => {
                let account = r.next("the account (bob@hamburger.edu)")?;
                let mut folder = "INBOX".to_string();
                if r.words
                    .front()
                    .is_some_and(|w| !w.quoted && w.text.eq_ignore_ascii_case("in"))
                {
                    r.words.pop_front();
                    folder = r.next("the folder after 'in'")?;
                }
                Test::Mailbox {
                    account,
                    folder,
                    filter: filter(&mut r, true)?,
                }
            }
            "local" => Test::Local {
                account: r.next("the account (bob@hamburger.edu)")?,
                client: r.next("the client's name (laptop)")?,
                filter: filter(&mut r, false)?,
            },
            "folder" => Test::Folder {
                account: r.next("the account (bob@hamburger.edu)")?,
                folder: r.next("the folder's name")?,
            },
            "relay" => {
                let from = r.next("the sending server")?;
                if r.keyword().as_deref() != Some("to") {
                    return Err("write 'relay FROM-HOST to TO-HOST'".into());
                }
                let to = r.next("the receiving server")?;
                let mut outcome = None;
                let mut count = Count::ONE;
                while let Some(word) = r.keyword() {
                    match word.as_str() {
                        "delivered" => outcome = Some(RelayOutcome::Delivered),
                        "deferred" => outcome = Some(RelayOutcome::Deferred),
                        "failed" => outcome = Some(RelayOutcome::Failed),
                        "count" => count = r.count()?,
                        other => return Err(unknown(other, "delivered, deferred, failed, count")),
                    }
                }
                return Ok(Test::Relay {
                    from,
                    to,
                    outcome,
                    count,
                });
            }
            other => {
                return Err(format!(
                    "'{other}' is not a check: use session, mailbox, local, folder or relay"
                ));
            }
        };
        match r.words.front() {
            Some(w) => Err(format!("'{}' was not expected here", w.text)),
            None => Ok(test),
        }
    }
}

fn unknown(word: &str, expected: &str) -> String {
    format!("'{word}' is not understood here (expected {expected})")
}

fn session(r: &mut Reader) -> Result<SessionTest, String> {
    let protocol = match r
        .next("the protocol (smtp, pop3, imap or any)")?
        .to_ascii_lowercase()
        .as_str()
    {
        "smtp" => Some("SMTP"),
        "pop3" => Some("POP3"),
        "imap" => Some("IMAP"),
        "any" => None,
        other => return Err(unknown(other, "smtp, pop3, imap or any")),
    };
    let target = r.next("the server (HOST:PORT)")?;
    let (host, port) = match target.rsplit_once(':') {
        Some((host, port)) => (
            host.to_string(),
            Some(
                port.parse::<u16>()
                    .map_err(|_| format!("'{port}' is not a port"))?,
            ),
        ),
        None => (target, None),
    };
    let mut test = SessionTest {
        protocol,
        host,
        port,
        from: None,
        reached: Vec::new(),
        replies: Vec::new(),
        messages: None,
        closed: false,
    };
    while let Some(word) = r.keyword() {
        match word.as_str() {
            "from" => test.from = Some(r.next("who the client is, after 'from'")?),
            "reached" => test.reached.push(r.next("a state after 'reached'")?),
            "replied" => {
                let code = r.next("a reply code after 'replied'")?;
                let code = code.trim_end_matches(['x', 'X']).to_string();
                if r.keyword().as_deref() != Some("to") {
                    return Err("write 'replied CODE to COMMAND'".into());
                }
                let verbs = r.next("a command after 'to'")?;
                let verbs = verbs.split('|').map(|v| v.to_ascii_uppercase()).collect();
                test.replies.push((code, verbs));
            }
            "messages" => test.messages = Some(r.count()?),
            "closed" => test.closed = true,
            other => {
                return Err(unknown(other, "from, reached, replied, messages or closed"));
            }
        }
    }
    Ok(test)
}

fn filter(r: &mut Reader, server: bool) -> Result<Filter, String> {
    let mut conds = Vec::new();
    let mut count = Count::ONE;
    while let Some(word) = r.keyword() {
        let cond = match word.as_str() {
            "subject" => Cond::Header("subject".into(), Some(r.next("a text after 'subject'")?)),
            "header" => {
                let name = r.next("a field name after 'header'")?;
                let text = if r.peek_quoted() {
                    Some(r.next("a text")?)
                } else {
                    None
                };
                Cond::Header(name.to_ascii_lowercase(), text)
            }
            "body" => Cond::Body(r.next("a text after 'body'")?),
            "raw" => Cond::Raw(r.next("a text after 'raw'")?),
            "7bit" => Cond::SevenBit,
            "encoding" => Cond::Encoding(r.next("an encoding after 'encoding'")?),
            "parts" => Cond::Parts(r.count()?),
            "flag" if server => Cond::Flag(r.next("a flag after 'flag'")?),
            "flag" => return Err("a user agent's local copies have no flags".into()),
            "count" => {
                count = r.count()?;
                continue;
            }
            other => {
                return Err(unknown(
                    other,
                    "subject, header, body, raw, 7bit, encoding, parts, flag or count",
                ));
            }
        };
        conds.push(cond);
    }
    Ok(Filter { conds, count })
}

// --- Describing ----------------------------------------------------------------------------------

impl Test {
    /// What the check asks, in words (the label of a check written without one).
    pub fn describe(&self) -> String {
        match self {
            Test::Session(s) => s.describe(),
            Test::Mailbox {
                account,
                folder,
                filter,
            } => format!(
                "{account}'s {folder} has {} message(s){}",
                filter.count.describe(),
                conds_text(&filter.conds)
            ),
            Test::Local {
                account,
                client,
                filter,
            } => format!(
                "{account}'s {client} has downloaded {} message(s){}",
                filter.count.describe(),
                conds_text(&filter.conds)
            ),
            Test::Folder { account, folder } => format!("{account} has a folder {folder}"),
            Test::Relay {
                from,
                to,
                outcome,
                count,
            } => format!(
                "{} relay(s) from {from} to {to}{}",
                count.describe(),
                outcome.map_or("", |o| match o {
                    RelayOutcome::Delivered => " delivered",
                    RelayOutcome::Deferred => " deferred",
                    RelayOutcome::Failed => " failed",
                })
            ),
        }
    }
}

impl SessionTest {
    fn target(&self) -> String {
        let protocol = self.protocol.unwrap_or("a");
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        let from = match self.from.as_deref() {
            Some("terminal") => " typed in a terminal".to_string(),
            Some(who) => format!(" from {who}"),
            None => String::new(),
        };
        format!("{protocol} session to {}{port}{from}", self.host)
    }

    fn describe(&self) -> String {
        let mut text = format!("a {}", self.target());
        for state in &self.reached {
            text.push_str(&format!(", reached {state}"));
        }
        for (code, verbs) in &self.replies {
            text.push_str(&format!(", {code} to {}", verbs.join(" or ")));
        }
        if let Some(count) = self.messages {
            text.push_str(&format!(", {} message(s)", count.describe()));
        }
        if self.closed {
            text.push_str(", ended");
        }
        text
    }
}

fn cond_text(cond: &Cond) -> String {
    match cond {
        Cond::Header(name, Some(text)) => {
            format!("with {} containing \"{text}\"", field_name(name))
        }
        Cond::Header(name, None) => format!("with a {} field", field_name(name)),
        Cond::Body(text) => format!("whose text contains \"{text}\""),
        Cond::Raw(text) => format!("whose octets contain \"{text}\""),
        Cond::SevenBit => "that is 7-bit ASCII".into(),
        Cond::Encoding(e) => format!("with Content-Transfer-Encoding {e}"),
        Cond::Parts(count) => format!("with {} parts", count.describe()),
        Cond::Flag(flag) => format!("flagged {flag}"),
    }
}

/// A field name as RFC 5322 writes it (`Subject`, `Return-Path`).
fn field_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '-';
    }
    out
}

fn conds_text(conds: &[Cond]) -> String {
    conds.iter().map(|c| format!(" {}", cond_text(c))).collect()
}

// --- Evaluating ----------------------------------------------------------------------------------

impl Test {
    /// Whether the world passes the check, counting only what happened after `since`.
    pub fn evaluate(&self, world: &World, since: Since) -> Verdict {
        match self {
            Test::Session(test) => test.evaluate(world, since),
            Test::Mailbox {
                account,
                folder,
                filter,
            } => {
                let Some((host, user)) = find_account(world, account) else {
                    return Verdict::fail(format!("there is no account {account}"));
                };
                let Some(store) = world.host(&host).map(|h| h.store()) else {
                    return Verdict::fail(format!("there is no host {host}"));
                };
                let Ok(messages) = store.messages(&user, folder) else {
                    return Verdict::fail(format!("{account} has no folder {folder} yet"));
                };
                let list: Vec<(&[u8], Option<&crate::store::Message>)> =
                    messages.iter().map(|m| (&m.raw()[..], Some(m))).collect();
                filter.evaluate(&list, &format!("{account}'s {folder}"))
            }
            Test::Local {
                account,
                client,
                filter,
            } => {
                let address = find_account(world, account)
                    .and_then(|(host, user)| address_of(world, &host, &user))
                    .unwrap_or_else(|| account.clone());
                let agent = format!("{address} on {client}");
                let local = world.agents().get(&agent).map(|a| a.local.as_slice());
                let list: Vec<(&[u8], Option<&crate::store::Message>)> = local
                    .unwrap_or_default()
                    .iter()
                    .map(|m| (m.raw.as_slice(), None))
                    .collect();
                filter.evaluate(
                    &list,
                    &format!("the local mailbox of {address} on {client}"),
                )
            }
            Test::Folder { account, folder } => {
                let exists = find_account(world, account).is_some_and(|(host, user)| {
                    world
                        .host(&host)
                        .and_then(|h| h.store().mailboxes(&user).ok())
                        .is_some_and(|list| {
                            list.iter().any(|m| {
                                let name = m.name.to_string();
                                name == *folder
                                    || (name.eq_ignore_ascii_case("INBOX")
                                        && folder.eq_ignore_ascii_case("INBOX"))
                            })
                        })
                });
                if exists {
                    Verdict::pass()
                } else {
                    Verdict::fail(format!("{account} has no folder {folder} yet"))
                }
            }
            Test::Relay {
                from,
                to,
                outcome,
                count,
            } => {
                let from_name = host_name(world, from);
                let to_name = host_name(world, to);
                let relays: Vec<RelayOutcome> = world
                    .relay_log()
                    .filter(|r| r.seq > since.relay)
                    .filter(|r| r.from_host == from_name && r.to_host == to_name)
                    .map(|r| r.outcome)
                    .collect();
                let found = relays
                    .iter()
                    .filter(|o| outcome.is_none_or(|want| **o == want))
                    .count();
                if count.holds(found) {
                    return Verdict::pass();
                }
                let what = outcome.map_or("relays", |o| match o {
                    RelayOutcome::Delivered => "delivered relays",
                    RelayOutcome::Deferred => "deferred relays",
                    RelayOutcome::Failed => "failed relays",
                });
                Verdict::fail(if relays.is_empty() {
                    format!("{from_name} has not relayed anything to {to_name} yet")
                } else {
                    format!(
                        "{found} {what} from {from_name} to {to_name} (of {} tries); the step \
                         needs {}",
                        relays.len(),
                        count.describe()
                    )
                })
            }
        }
    }
}

/// The host called `name` by its canonical name, or `name` itself.
fn host_name(world: &World, name: &str) -> String {
    world
        .host(name)
        .map_or_else(|| name.to_ascii_lowercase(), |h| h.name().to_string())
}

/// (host, user) of `bob@hamburger.edu`, or of a bare `bob` on any mail host.
fn find_account(world: &World, name: &str) -> Option<(String, String)> {
    match name.rsplit_once('@') {
        Some((_, domain)) => {
            let host = world.mail_host(domain)?;
            let user = host.store().account_for_address(name)?;
            Some((host.name().to_string(), user.to_string()))
        }
        None => world.hosts().find_map(|h| {
            let user = h
                .store()
                .accounts()
                .find(|a| a.eq_ignore_ascii_case(name))?;
            Some((h.name().to_string(), user.to_string()))
        }),
    }
}

/// The account's address as its user agents name it (`user@first-domain`).
fn address_of(world: &World, host: &str, user: &str) -> Option<String> {
    let host = world.host(host)?;
    let domain = host.domains().first()?;
    Some(format!("{user}@{domain}"))
}

/// Case-insensitive containment, as IMAP SEARCH compares.
fn contains(haystack: &str, needle: &str) -> bool {
    crate::lowercase::to_lowercase(haystack).contains(&crate::lowercase::to_lowercase(needle))
}

impl Cond {
    fn matches(
        &self,
        message: &Message,
        raw: &[u8],
        stored: Option<&crate::store::Message>,
    ) -> bool {
        match self {
            Cond::Header(name, text) => message.root().header_fields(raw).any(|f| {
                f.name(raw).eq_ignore_ascii_case(name.as_bytes())
                    && text.as_ref().is_none_or(|t| {
                        let value = String::from_utf8_lossy(&f.value(raw)).into_owned();
                        contains(&crate::mail::encoded_word::decode_unstructured(&value), t)
                    })
            }),
            Cond::Body(text) => message
                .leaves()
                .iter()
                .filter_map(|(_, p)| p.text(raw))
                .any(|t| contains(&t, text)),
            Cond::Raw(text) => {
                let needle = text.as_bytes();
                !needle.is_empty() && raw.windows(needle.len()).any(|w| w == needle)
            }
            Cond::SevenBit => raw.is_ascii(),
            Cond::Encoding(want) => message.parts().iter().any(|(_, p)| {
                p.field_value(raw, "content-transfer-encoding")
                    .is_some_and(|v| v.trim_ascii().eq_ignore_ascii_case(want.as_bytes()))
            }),
            Cond::Parts(count) => count.holds(message.leaves().len()),
            Cond::Flag(flag) => stored.is_some_and(|m| match Flags::from_name(flag) {
                Some(f) => m.flags().contains(f),
                None => m
                    .keywords()
                    .iter()
                    .any(|k| k.as_str().eq_ignore_ascii_case(flag)),
            }),
        }
    }
}

impl Filter {
    fn evaluate(
        &self,
        messages: &[(&[u8], Option<&crate::store::Message>)],
        owner: &str,
    ) -> Verdict {
        // Each message parsed once: which conditions it meets.
        let met: Vec<Vec<bool>> = messages
            .iter()
            .map(|(raw, stored)| {
                let message = Message::parse(raw);
                self.conds
                    .iter()
                    .map(|c| c.matches(&message, raw, *stored))
                    .collect()
            })
            .collect();
        let count_with = |conds: &[Cond]| {
            met.iter()
                .filter(|m| m.iter().take(conds.len()).all(|b| *b))
                .count()
        };
        let found = count_with(&self.conds);
        if self.count.holds(found) {
            return Verdict::pass();
        }
        if !self.count.wants_more() || found > self.count.n {
            return Verdict::fail(format!(
                "{owner} still has {found} message(s){}; the step needs {}",
                conds_text(&self.conds),
                self.count.describe()
            ));
        }
        // Name the conditions up to the first one that leaves too few messages.
        let upto = (1..=self.conds.len())
            .find(|&i| count_with(self.conds.get(..i).unwrap_or_default()) < self.count.n)
            .unwrap_or(self.conds.len());
        let conds = self.conds.get(..upto).unwrap_or_default();
        Verdict::fail(if found == 0 {
            format!("{owner} has no message{} yet", conds_text(conds))
        } else {
            format!(
                "{owner} has {found} message(s){}; the step needs {}",
                conds_text(&self.conds),
                self.count.describe()
            )
        })
    }
}

/// A client command and the server's reply to it, read back from a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The command's name in capitals (`MAIL`, `RETR`, `FETCH` for `UID FETCH`), or `.` for the
    /// end of an SMTP message.
    pub verb: String,
    /// `250`, `+OK`, `OK`…
    pub code: String,
}

/// Pairs each command of a session with its reply (SMTP, RFC 5321 §4.2: one reply per command,
/// in order, multiline replies with `-`; POP3, RFC 1939 §3: `+OK`/`-ERR`, multi-line responses
/// ending with `.`; IMAP, RFC 3501 §2.2.2: tagged responses by tag).
pub fn exchanges(record: &SessionRecord) -> Vec<Exchange> {
    let protocol = record.protocol().map_or("", |(p, _)| p);
    let mut out = Vec::new();
    let mut pending: VecDeque<(String, bool)> = VecDeque::new();
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut in_data = false;
    let mut in_multiline = false;
    let mut continuation = false;
    for (_, from_client, line) in record.lines() {
        let text = String::from_utf8_lossy(&line);
        let mut words = text.split_ascii_whitespace();
        let first = words.next().unwrap_or("").to_ascii_uppercase();
        let has_argument = words.clone().next().is_some();
        if from_client {
            match protocol {
                "SMTP" if in_data && text == "." => {
                    in_data = false;
                    pending.push_back((".".into(), false));
                }
                "SMTP" if in_data => {}
                "SMTP" | "POP3" if continuation => continuation = false,
                "SMTP" | "POP3" => pending.push_back((first, has_argument)),
                "IMAP" => {
                    let verb = words.next().unwrap_or("").to_ascii_uppercase();
                    let verb = if verb == "UID" {
                        words.next().unwrap_or("").to_ascii_uppercase()
                    } else {
                        verb
                    };
                    if !first.is_empty() && !verb.is_empty() {
                        tags.push((first, verb));
                    }
                }
                _ => {}
            }
            continue;
        }
        match protocol {
            "SMTP" => {
                let code = text
                    .get(..3)
                    .filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
                let last = text.as_bytes().get(3) != Some(&b'-');
                if let (Some(code), true) = (code, last) {
                    if code == "334" {
                        continuation = true;
                    }
                    if let Some((verb, _)) = pending.pop_front() {
                        in_data = verb == "DATA" && code == "354";
                        out.push(Exchange {
                            verb,
                            code: code.to_string(),
                        });
                    }
                }
            }
            "POP3" => {
                if in_multiline {
                    in_multiline = text != ".";
                } else if text.starts_with("+ ") || text == "+" {
                    continuation = true;
                } else if (first == "+OK" || first == "-ERR")
                    && let Some((verb, argument)) = pending.pop_front()
                {
                    in_multiline = first == "+OK"
                        && (matches!(verb.as_str(), "RETR" | "TOP" | "CAPA")
                            || (matches!(verb.as_str(), "LIST" | "UIDL") && !argument));
                    out.push(Exchange { verb, code: first });
                }
            }
            "IMAP" => {
                let status = words.next().unwrap_or("").to_ascii_uppercase();
                if first != "*"
                    && first != "+"
                    && matches!(status.as_str(), "OK" | "NO" | "BAD")
                    && let Some(at) = tags.iter().rposition(|(t, _)| *t == first)
                {
                    let (_, verb) = tags.remove(at);
                    out.push(Exchange { verb, code: status });
                }
            }
            _ => {}
        }
    }
    out
}

impl SessionTest {
    fn candidates<'w>(&self, world: &'w World, since: Since) -> Vec<&'w SessionRecord> {
        let host = host_name(world, &self.host);
        world
            .sessions()
            .into_iter()
            .filter(|s| s.id.number() > since.session)
            .filter(|s| s.host == host && self.port.is_none_or(|p| p == s.port))
            .filter(|s| {
                self.protocol
                    .is_none_or(|p| s.protocol().is_some_and(|(q, _)| q == p))
            })
            .filter(|s| {
                self.from
                    .as_deref()
                    .is_none_or(|from| contains(&s.client, from))
            })
            .collect()
    }

    /// What `record` lacks, in words; empty when it passes.
    fn problems(&self, record: &SessionRecord) -> Vec<String> {
        let name = format!("session #{}", record.id.number());
        let mut problems = Vec::new();
        for state in &self.reached {
            if !record
                .path()
                .iter()
                .any(|(_, p)| p.eq_ignore_ascii_case(state))
            {
                let path: Vec<&str> = record.path().iter().map(|(_, p)| *p).collect();
                problems.push(format!(
                    "{name} has not reached the state {state} (it went {})",
                    if path.is_empty() {
                        "nowhere".to_string()
                    } else {
                        path.join(" → ")
                    }
                ));
            }
        }
        let exchanges = exchanges(record);
        for (code, verbs) in &self.replies {
            let answers: Vec<&Exchange> = exchanges
                .iter()
                .filter(|e| verbs.contains(&e.verb))
                .collect();
            let command = verbs.join(" or ");
            let command = if command == "." {
                "the end of the message (a line with a single '.')".to_string()
            } else {
                command
            };
            if !answers.iter().any(|e| {
                e.code
                    .to_ascii_uppercase()
                    .starts_with(&code.to_ascii_uppercase())
            }) {
                problems.push(match answers.last() {
                    Some(e) => format!(
                        "in {name} the server answered {} to {command}, not {code}",
                        e.code
                    ),
                    None => format!("{name} has no answer to {command} yet"),
                });
            }
        }
        if let Some(count) = self.messages {
            let ends = match record.protocol().map(|(p, _)| p) {
                Some("POP3") => "RETR",
                _ => ".",
            };
            let found = exchanges
                .iter()
                .filter(|e| e.verb == ends && (e.code.starts_with('2') || e.code == "+OK"))
                .count();
            if !count.holds(found) {
                problems.push(format!(
                    "{name} carried {found} message(s); the step needs {}",
                    count.describe()
                ));
            }
        }
        if self.closed && record.closed.is_none() {
            problems.push(format!("{name} is still open"));
        }
        problems
    }

    fn evaluate(&self, world: &World, since: Since) -> Verdict {
        let candidates = self.candidates(world, since);
        let mut best: Option<Vec<String>> = None;
        for record in candidates.iter().rev() {
            let problems = self.problems(record);
            if problems.is_empty() {
                return Verdict::pass();
            }
            if best.as_ref().is_none_or(|b| problems.len() < b.len()) {
                best = Some(problems);
            }
        }
        match best.and_then(|b| b.into_iter().next()) {
            Some(problem) => Verdict::fail(problem),
            None => Verdict::fail(format!("there is no {} yet", self.target())),
        }
    }
}
