//! Writes the built-in scenario (`scenarios/textbook.json`) out as Rust, so the page builds the
//! textbook world without a JSON parser in the wasm (`net::scenario::Scenario::textbook`).
//!
//! The JSON is read with the very types and serde rules `Scenario::parse` uses (the file
//! `src/net/scenario/spec.rs` is included below), so a scenario the lab would refuse fails the
//! build with serde's message; a test checks that `textbook()` equals `parse(TEXTBOOK)`.

use std::fmt::Write as _;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/net/scenario/spec.rs"]
mod spec;

use spec::{HostSpec, MessageSpec, Scenario};

const SOURCE: &str = "scenarios/textbook.json";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=src/net/scenario/spec.rs");
    let json = std::fs::read_to_string(SOURCE).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let scenario: Scenario =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let code = format!(
        "/// `{SOURCE}`, as written by build.rs.\npub(super) fn textbook() -> Scenario {{\n{}\n}}\n",
        scenario_expr(&scenario)
    );
    std::fs::write(Path::new(&out).join("textbook.rs"), code).expect("OUT_DIR is writable");
}

/// A Rust string literal (`{:?}` of a `str` is one).
fn lit(text: &str) -> String {
    format!("{text:?}")
}

fn strings(texts: &[String]) -> String {
    let items: Vec<String> = texts.iter().map(|t| lit(t)).collect();
    format!("strings(&[{}])", items.join(", "))
}

fn scenario_expr(s: &Scenario) -> String {
    let hosts: Vec<String> = s.hosts.iter().map(host_expr).collect();
    let mx: Vec<String> =
        s.mx.iter()
            .map(|m| {
                format!(
                    "MxSpec {{ domain: s({}), preference: {}, host: s({}) }}",
                    lit(&m.domain),
                    m.preference,
                    lit(&m.host)
                )
            })
            .collect();
    format!(
        "Scenario {{ format: s({}), version: {}, name: s({}), title: s({}), start: s({}), \
         seed: {}, hosts: vec![{}], mx: vec![{}] }}",
        lit(&s.format),
        s.version,
        lit(&s.name),
        lit(&s.title),
        lit(&s.start),
        s.seed,
        hosts.join(", "),
        mx.join(", ")
    )
}

fn host_expr(h: &HostSpec) -> String {
    let [a, b, c, d] = h.address.octets();
    let mut accounts = Vec::new();
    for account in &h.accounts {
        let mut mailboxes = String::from("BTreeMap::new()");
        if !account.mailboxes.is_empty() {
            mailboxes = String::from("{ let mut m = BTreeMap::new(); ");
            for (name, messages) in &account.mailboxes {
                let messages: Vec<String> = messages.iter().map(message_expr).collect();
                let _ = write!(
                    mailboxes,
                    "m.insert(s({}), vec![{}]); ",
                    lit(name),
                    messages.join(", ")
                );
            }
            mailboxes.push_str("m }");
        }
        accounts.push(format!(
            "AccountSpec {{ user: s({}), password: s({}), addresses: {}, mailboxes: {mailboxes} }}",
            lit(&account.user),
            lit(&account.password),
            strings(&account.addresses)
        ));
    }
    format!(
        "HostSpec {{ name: s({}), address: Ipv4Addr::new({a}, {b}, {c}, {d}), domains: {}, \
         accounts: vec![{}] }}",
        lit(&h.name),
        strings(&h.domains),
        accounts.join(", ")
    )
}

fn message_expr(m: &MessageSpec) -> String {
    format!(
        "MessageSpec {{ received: s({}), flags: {}, lines: {} }}",
        lit(&m.received),
        strings(&m.flags),
        strings(&m.lines)
    )
}
