//! Writes the built-in scenario (`scenarios/textbook.json`) out as Rust, so the page builds the
//! textbook world without a JSON parser in the wasm (`net::scenario::Scenario::textbook`).
//!
//! The JSON is read with the very types and serde rules `Scenario::parse` uses (the file
//! `src/net/scenario/spec.rs` is included below), so a scenario the lab would refuse fails the
//! build with serde's message; a test checks that `textbook()` equals `parse(TEXTBOOK)`.
//!
//! It also writes the Unicode lowercase mapping as compact tables (`lowercase.rs`, read by
//! `src/lowercase.rs`), derived from this very compiler's standard library, so SEARCH lowers
//! text exactly as `str::to_lowercase` does without the page carrying the standard tables.

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
    std::fs::write(Path::new(&out).join("lowercase.rs"), lowercase_tables())
        .expect("OUT_DIR is writable");
}

/// The standard library's lowercase mapping as three tables: runs of characters that lower by
/// the same offset at a stride of 1 or 2 (`start | (stride - 1) << 21 | (len - 1) << 22`, offset),
/// the characters that lower to more than one, and for `Σ`'s final form the ranges of characters
/// that are case-ignorable (2), cased (1) or neither (0), as LEB128 numbers `gap << 2 | class`.
fn lowercase_tables() -> String {
    let chars = || (0..=0x10FFFF_u32).filter_map(char::from_u32);
    let mut runs: Vec<(u32, u32, u32, i64)> = Vec::new(); // start, stride, len, offset
    let mut multi = String::new();
    for c in chars() {
        let lower: Vec<char> = c.to_lowercase().collect();
        if lower.len() > 1 {
            let _ = write!(multi, "({c:?}, {:?}), ", lower.iter().collect::<String>());
            continue;
        }
        if lower[0] == c {
            continue;
        }
        let (c, offset) = (c as u32, i64::from(lower[0] as u32) - i64::from(c as u32));
        match runs.last_mut() {
            Some((start, stride, len, off))
                if *off == offset
                    && *len < 1024
                    && ((*len == 1 && c - *start <= 2) || c == *start + *stride * *len) =>
            {
                if *len == 1 {
                    *stride = c - *start;
                }
                *len += 1;
            }
            _ => runs.push((c, 1, 1, offset)),
        }
    }
    let mut code = String::from(
        "/// Runs of characters that lower by one offset (see build.rs).\npub(crate) const RUNS: &[(u32, i32)] = &[",
    );
    for (start, stride, len, offset) in &runs {
        assert!(
            *stride == 1 || *stride == 2,
            "stride {stride} at {start:#x}"
        );
        let _ = write!(
            code,
            "({:#x}, {offset}), ",
            start | (stride - 1) << 21 | (len - 1) << 22
        );
    }
    let _ = write!(
        code,
        "];\n/// Characters that lower to several.\npub(crate) const MULTI: &[(char, &str)] = &[{multi}];\n"
    );
    // Final sigma (str::to_lowercase): look past case-ignorable characters for a cased one.
    let class = |c: char| {
        let sigma = |text: String| text.to_lowercase().chars().nth(1) == Some('σ');
        if sigma(format!("AΣ{c}")) {
            1
        } else if sigma(format!("AΣ{c}A")) {
            2
        } else {
            0
        }
    };
    let (mut bytes, mut last_start, mut last_class) = (Vec::new(), 0_u32, 0);
    for c in chars() {
        let k = class(c);
        if k != last_class {
            let mut n = (c as u32 - last_start) << 2 | k;
            loop {
                let more = n >= 0x80;
                bytes.push((n & 0x7F) as u8 | if more { 0x80 } else { 0 });
                n >>= 7;
                if !more {
                    break;
                }
            }
            (last_start, last_class) = (c as u32, k);
        }
    }
    let _ = write!(
        code,
        "/// Where case classes change (see build.rs).\npub(crate) const CLASSES: &[u8] = &{bytes:?};\n"
    );
    code
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
        let mut mailboxes = String::from("Vec::new()");
        if !account.mailboxes.is_empty() {
            mailboxes = String::from("vec![");
            for (name, messages) in &account.mailboxes {
                let messages: Vec<String> = messages.iter().map(message_expr).collect();
                let _ = write!(
                    mailboxes,
                    "(s({}), vec![{}]), ",
                    lit(name),
                    messages.join(", ")
                );
            }
            mailboxes.push(']');
        }
        let generate: Vec<String> = account
            .generate
            .iter()
            .map(|g| {
                format!(
                    "super::spec::GenerateSpec {{ mailbox: s({}), count: {}, seed: {}, needle: s({}) }}",
                    lit(&g.mailbox),
                    g.count,
                    g.seed,
                    lit(&g.needle)
                )
            })
            .collect();
        accounts.push(format!(
            "AccountSpec {{ user: s({}), password: s({}), addresses: {}, mailboxes: {mailboxes}, \
             generate: vec![{}] }}",
            lit(&account.user),
            lit(&account.password),
            strings(&account.addresses),
            generate.join(", ")
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
