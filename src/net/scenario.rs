//! Scenarios: a world described as data, so that instructors can write their own and `reset`
//! can return to the start. The format is JSON (documented in `scenarios/README.md`):
//!
//! ```json
//! { "format": "maillab-scenario", "version": 1, "name": "textbook", "title": "…",
//!   "start": "Mon, 23 Nov 2026 09:00:00 +0000", "seed": 1939,
//!   "hosts": [ { "name": "mail.crepes.fr", "address": "192.0.2.10", "domains": ["crepes.fr"],
//!                "accounts": [ { "user": "alice", "password": "wonderland",
//!                                "addresses": ["alice@crepes.fr"],
//!                                "mailboxes": { "INBOX": [ { "received": "…", "flags": ["\\Seen"],
//!                                                            "lines": ["Subject: hi", "", "Hello"] } ] } } ] } ],
//!   "mx": [ { "domain": "crepes.fr", "preference": 10, "host": "mail.crepes.fr" } ] }
//! ```
//!
//! A message's `lines` are joined with CRLF and end with CRLF: what is stored is exactly those
//! octets. Loading checks everything and reports the first problem by name; it never panics.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use serde::Deserialize;

use crate::mail::date;
use crate::store::{Flags, Keyword, Origin, Store, StoreError};
use crate::time::Instant;

/// The textbook world: `crepes.fr` (alice) and `hamburger.edu` (bob, with two messages of 498 and
/// 912 octets in his INBOX).
pub const TEXTBOOK: &str = include_str!("../../scenarios/textbook.json");

/// The scenario format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// A parsed scenario.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub format: String,
    pub version: u32,
    pub name: String,
    #[serde(default)]
    pub title: String,
    /// The world's clock at the start, as an RFC 5322 date.
    pub start: String,
    /// The seed of the world's identifiers.
    #[serde(default)]
    pub seed: u64,
    pub hosts: Vec<HostSpec>,
    #[serde(default)]
    pub mx: Vec<MxSpec>,
}

/// A host of a scenario.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSpec {
    pub name: String,
    pub address: Ipv4Addr,
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
}

/// An account of a host.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Mailbox name → messages, oldest first (INBOX and the special-use mailboxes always exist).
    #[serde(default)]
    pub mailboxes: BTreeMap<String, Vec<MessageSpec>>,
}

/// A stored message of a scenario.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageSpec {
    /// The internal date (when the server received it), as an RFC 5322 date.
    pub received: String,
    /// System flags (`\Seen`, …) and keywords.
    #[serde(default)]
    pub flags: Vec<String>,
    /// The message's lines, joined with CRLF.
    pub lines: Vec<String>,
}

impl MessageSpec {
    /// The stored octets: the lines joined and ended with CRLF.
    pub fn raw(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        for line in &self.lines {
            raw.extend_from_slice(line.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        raw
    }
}

/// An MX record (RFC 5321 §5.1).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MxSpec {
    pub domain: String,
    pub preference: u16,
    pub host: String,
}

/// Why a scenario could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// Not JSON, or not of the scenario's shape (serde's message says where).
    Syntax(String),
    /// The `format` field is not `maillab-scenario`.
    NotAScenario(String),
    /// A version this build does not read.
    Version(u32),
    /// A date that does not parse (`what` says which).
    BadDate { what: String, value: String },
    /// Two hosts with one name or address.
    DuplicateHost(String),
    /// An MX record names a host the scenario does not have.
    UnknownMxHost { domain: String, host: String },
    /// The store refused an account, mailbox or message (`what` says which).
    Store { what: String, error: StoreError },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Syntax(e) => write!(f, "not a valid scenario: {e}"),
            ScenarioError::NotAScenario(format) => {
                write!(f, "format is '{format}', expected 'maillab-scenario'")
            }
            ScenarioError::Version(v) => {
                write!(
                    f,
                    "scenario version {v} is not supported (this lab reads {FORMAT_VERSION})"
                )
            }
            ScenarioError::BadDate { what, value } => {
                write!(f, "{what}: '{value}' is not an RFC 5322 date")
            }
            ScenarioError::DuplicateHost(name) => write!(f, "host '{name}' is defined twice"),
            ScenarioError::UnknownMxHost { domain, host } => {
                write!(
                    f,
                    "the MX record of {domain} names '{host}', which is not a host of the scenario"
                )
            }
            ScenarioError::Store { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Parses and checks the header of a scenario (the rest is checked when a world is built).
    pub fn parse(json: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(json).map_err(|e| ScenarioError::Syntax(e.to_string()))?;
        if scenario.format != "maillab-scenario" {
            return Err(ScenarioError::NotAScenario(scenario.format));
        }
        if scenario.version != FORMAT_VERSION {
            return Err(ScenarioError::Version(scenario.version));
        }
        Ok(scenario)
    }

    /// The start of the world's clock.
    pub fn start(&self) -> Result<Instant, ScenarioError> {
        parse_date("start", &self.start)
    }
}

/// An RFC 5322 date of the scenario.
pub(super) fn parse_date(what: &str, value: &str) -> Result<Instant, ScenarioError> {
    date::parse_rfc5322(value.as_bytes())
        .map(|d| d.instant)
        .ok_or_else(|| ScenarioError::BadDate {
            what: what.to_string(),
            value: value.to_string(),
        })
}

/// Builds a host's store from its spec: accounts, mailboxes and messages.
pub(super) fn build_store(
    host: &HostSpec,
    first_uid_validity: u32,
) -> Result<Store, ScenarioError> {
    let domains: Vec<&str> = host.domains.iter().map(String::as_str).collect();
    let mut store = Store::new(&domains, first_uid_validity);
    let refused = |what: String| move |error| ScenarioError::Store { what, error };
    for account in &host.accounts {
        let who = format!("{} on {}", account.user, host.name);
        let addresses: Vec<&str> = account.addresses.iter().map(String::as_str).collect();
        store
            .add_account(&account.user, &account.password, &addresses)
            .map_err(refused(format!("account {who}")))?;
        for (mailbox, messages) in &account.mailboxes {
            let place = format!("mailbox {mailbox} of {who}");
            if store.mailbox(&account.user, mailbox).is_err() {
                store
                    .create_mailbox(Origin::SYSTEM, &account.user, mailbox)
                    .map_err(refused(place.clone()))?;
            }
            for (i, message) in messages.iter().enumerate() {
                let what = format!("message {} in {place}", i + 1);
                let received = parse_date(&what, &message.received)?;
                let mut flags = Flags::NONE;
                let mut keywords = Vec::new();
                for name in &message.flags {
                    match Flags::from_name(name) {
                        Some(flag) => flags |= flag,
                        None => keywords.push(Keyword::new(name).map_err(refused(what.clone()))?),
                    }
                }
                store
                    .append(
                        Origin::SYSTEM,
                        &account.user,
                        mailbox,
                        message.raw(),
                        flags,
                        &keywords,
                        received,
                    )
                    .map_err(refused(what))?;
            }
        }
    }
    Ok(store)
}
