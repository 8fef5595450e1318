//! The scenario format's types (`scenarios/README.md`): what `serde` reads from the JSON.
//!
//! This file depends on nothing but `std` and `serde`, because the build script (`build.rs`)
//! includes it too: it reads the built-in scenario with these very types and rules at build
//! time, and writes it out as Rust (see [`super::Scenario::textbook`]).

use std::net::Ipv4Addr;

use serde::Deserialize;

/// A parsed scenario.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Mailbox name → messages, oldest first (INBOX and the special-use mailboxes always exist),
    /// in name order. Read as a JSON object (a name given twice keeps its last list, as a map
    /// does) but kept as a list, so the page that builds the textbook world carries no BTree for it.
    #[serde(default, deserialize_with = "by_name")]
    pub mailboxes: Vec<(String, Vec<MessageSpec>)>,
    /// Generated messages, put after the mailbox's listed ones (`net/scenario/generate.rs`).
    #[serde(default)]
    pub generate: Vec<GenerateSpec>,
}

/// Messages to generate into a mailbox: `count` varied messages from `seed`, the same octets
/// for the same seed on every run. About one in ten contains the word `needle`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateSpec {
    pub mailbox: String,
    /// How many (a wider type than the limit, so an absurd number gets the lab's own error).
    pub count: u64,
    #[serde(default)]
    pub seed: u64,
    /// The word a search can find in some of the messages.
    #[serde(default = "default_needle")]
    pub needle: String,
}

fn default_needle() -> String {
    "needle".to_string()
}

/// A JSON object of mailboxes, kept in name order (a name given twice keeps its last list, as a
/// map does). Read entry by entry into the sorted list: a `BTreeMap` here cost the page its own
/// compiled copy.
fn by_name<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, Vec<MessageSpec>)>, D::Error> {
    struct ByName;
    impl<'de> serde::de::Visitor<'de> for ByName {
        type Value = Vec<(String, Vec<MessageSpec>)>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of mailbox names and their messages")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut list: Self::Value = Vec::new();
            while let Some((name, messages)) = map.next_entry::<String, Vec<MessageSpec>>()? {
                match list.binary_search_by(|(n, _)| n.as_str().cmp(&name)) {
                    Ok(at) => list[at].1 = messages,
                    Err(at) => list.insert(at, (name, messages)),
                }
            }
            Ok(list)
        }
    }
    deserializer.deserialize_map(ByName)
}

/// A stored message of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MxSpec {
    pub domain: String,
    pub preference: u16,
    pub host: String,
}
