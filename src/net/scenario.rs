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
//! octets. An account's `generate` list fills mailboxes with messages made from a seed
//! (`generate.rs`), at most [`MAX_GENERATED`] in a scenario. Loading checks everything and
//! reports the first problem by name; it never panics.

mod generate;
mod spec;

use std::fmt;

pub use generate::{MAX_GENERATED, MAX_NEEDLE};
pub use spec::{AccountSpec, GenerateSpec, HostSpec, MessageSpec, MxSpec, Scenario};

use crate::mail::date;
use crate::store::{Flags, Keyword, Origin, Store, StoreError};
use crate::time::Instant;

/// The textbook world: `crepes.fr` (alice) and `hamburger.edu` (bob, with two messages of 498 and
/// 912 octets in his INBOX).
pub const TEXTBOOK: &str = include_str!("../../scenarios/textbook.json");

/// [`TEXTBOOK`] as the build script read it (with `spec.rs`'s types) and wrote it out as Rust:
/// `fn textbook() -> Scenario`. The page starts from this, so it carries no JSON parser (serde_json
/// and the derived deserializers were a sixth of the gzipped wasm).
mod builtin {
    use super::spec::{AccountSpec, HostSpec, MessageSpec, MxSpec, Scenario};
    use std::net::Ipv4Addr;

    fn s(text: &str) -> String {
        text.to_string()
    }

    fn strings(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    include!(concat!(env!("OUT_DIR"), "/textbook.rs"));
}

/// The scenario format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

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
    /// More generated messages than [`MAX_GENERATED`], in all.
    TooManyGenerated(u64),
    /// A needle that is not a word of 1 to [`MAX_NEEDLE`] ASCII letters and digits.
    BadNeedle(String),
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
            ScenarioError::TooManyGenerated(n) => write!(
                f,
                "the scenario asks for {n} generated messages; at most {MAX_GENERATED} in all"
            ),
            ScenarioError::BadNeedle(needle) => write!(
                f,
                "needle '{needle}' is not a word of 1 to {MAX_NEEDLE} ASCII letters and digits"
            ),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Parses and checks the header of a scenario (the rest is checked when a world is built).
    pub fn parse(json: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(json).map_err(|e| ScenarioError::Syntax(e.to_string()))?;
        scenario.checked()
    }

    /// The built-in [`TEXTBOOK`] scenario, checked as [`Scenario::parse`] checks it (a test
    /// asserts both give the same scenario), without parsing JSON at run time.
    pub fn textbook() -> Result<Scenario, ScenarioError> {
        builtin::textbook().checked()
    }

    fn checked(self) -> Result<Scenario, ScenarioError> {
        if self.format != "maillab-scenario" {
            return Err(ScenarioError::NotAScenario(self.format));
        }
        if self.version != FORMAT_VERSION {
            return Err(ScenarioError::Version(self.version));
        }
        let mut generated = 0u64;
        for spec in self
            .hosts
            .iter()
            .flat_map(|h| &h.accounts)
            .flat_map(|a| &a.generate)
        {
            generated = generated.saturating_add(spec.count);
            if !generate::valid_needle(&spec.needle) {
                return Err(ScenarioError::BadNeedle(spec.needle.clone()));
            }
        }
        if generated > MAX_GENERATED {
            return Err(ScenarioError::TooManyGenerated(generated));
        }
        Ok(self)
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

/// Builds a host's store from its spec: accounts, mailboxes and messages (the listed ones, then
/// the generated ones, whose dates end at `start`).
pub(super) fn build_store(
    host: &HostSpec,
    first_uid_validity: u32,
    start: Instant,
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
        let ensure = |store: &mut Store, mailbox: &str| {
            let place = format!("mailbox {mailbox} of {who}");
            if store.mailbox(&account.user, mailbox).is_err() {
                store
                    .create_mailbox(Origin::SYSTEM, &account.user, mailbox)
                    .map_err(refused(place.clone()))?;
            }
            Ok::<_, ScenarioError>(place)
        };
        for (mailbox, messages) in &account.mailboxes {
            let place = ensure(&mut store, mailbox)?;
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
        // Generated mail is addressed to the account's first address (a bare local part gets
        // the host's first domain).
        let to = match account.addresses.first() {
            Some(a) if a.contains('@') => a.clone(),
            first => format!(
                "{}@{}",
                first.unwrap_or(&account.user),
                host.domains.first().unwrap_or(&host.name)
            ),
        };
        for spec in &account.generate {
            let place = ensure(&mut store, &spec.mailbox)?;
            let words = generate::Vocabulary::new();
            for i in 0..spec.count.min(MAX_GENERATED) {
                let message =
                    generate::message(&words, spec.seed, i, spec.count, &to, &spec.needle, start);
                store
                    .append(
                        Origin::SYSTEM,
                        &account.user,
                        &spec.mailbox,
                        message.raw,
                        message.flags,
                        &[],
                        message.received,
                    )
                    .map_err(refused(format!("generated message {} in {place}", i + 1)))?;
            }
        }
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_are_kept_in_name_order_and_a_name_given_twice_keeps_its_last_list() {
        let json = r#"{"format":"maillab-scenario","version":1,"name":"t","start":"Mon, 23 Nov 2026 09:00:00 +0000",
            "hosts":[{"name":"m.test","address":"192.0.2.1","accounts":[{"user":"u","password":"p",
              "mailboxes":{"Work":[],"Archive":[],"INBOX":[{"received":"Mon, 23 Nov 2026 08:00:00 +0000","lines":["a"]}],
                           "Work":[{"received":"Mon, 23 Nov 2026 08:00:00 +0000","lines":["b"]}]}}]}]}"#;
        let scenario = Scenario::parse(json).unwrap_or_else(|e| panic!("{e}"));
        let mailboxes = &scenario.hosts[0].accounts[0].mailboxes;
        let names: Vec<&str> = mailboxes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Archive", "INBOX", "Work"]);
        assert_eq!(mailboxes[2].1.len(), 1, "the second Work list wins");
        let not_an_object = json
            .replace(r#""mailboxes":{"#, r#""mailboxes":[{"#)
            .replace("]}}]}]}", "]}]}]}]}");
        let refused = Scenario::parse(&not_an_object)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("an object of mailbox names and their messages"),
            "{refused}"
        );
    }
}
