//! The virtual internet's name service: A records from host names to IPv4 addresses, and MX
//! records from mail domains to the hosts that receive their mail (RFC 5321 §5.1).
//!
//! Names are compared case-insensitively and a trailing root dot is ignored (RFC 1034 §3.1), so
//! `MAIL.Hamburger.EDU.` and `mail.hamburger.edu` are one name. A dotted-quad literal resolves to
//! itself. Addresses come from 192.0.2.0/24 (TEST-NET-1, RFC 5737): documentation addresses that
//! no real host uses, so nothing in the lab can be mistaken for a real machine.

use crate::sorted::SortedMap;
use std::net::Ipv4Addr;

/// The A records of the virtual internet.
#[derive(Clone, Debug, Default)]
pub struct Dns {
    a: SortedMap<String, Ipv4Addr>,
    mx: SortedMap<String, Vec<Mx>>,
}

/// An MX record: mail for the domain goes to `host`; lower preferences are tried first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mx {
    pub preference: u16,
    pub host: String,
}

impl Dns {
    /// An empty name service.
    pub fn new() -> Self {
        Dns::default()
    }

    /// Adds (or replaces) the A record of `name`.
    pub fn add_a(&mut self, name: &str, addr: Ipv4Addr) {
        self.a.insert(normalize(name), addr);
    }

    /// The address of `name`, or of the literal address it spells.
    pub fn resolve(&self, name: &str) -> Option<Ipv4Addr> {
        if let Ok(addr) = name.parse::<Ipv4Addr>() {
            return Some(addr);
        }
        self.a.get(&normalize(name)).copied()
    }

    /// Adds an MX record for `domain`.
    pub fn add_mx(&mut self, domain: &str, preference: u16, host: &str) {
        let records = self.mx.get_or_default(normalize(domain));
        records.push(Mx {
            preference,
            host: normalize(host),
        });
        crate::sort::sort(records);
    }

    /// The MX records of `domain`, most preferred first (empty if it has none).
    pub fn mx(&self, domain: &str) -> &[Mx] {
        self.mx.get(&normalize(domain)).map_or(&[], Vec::as_slice)
    }

    /// Every domain with MX records, in order.
    pub fn mail_domains(&self) -> impl Iterator<Item = &str> {
        self.mx.keys().map(String::as_str)
    }

    /// Every name with an A record, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.a.keys().map(String::as_str)
    }
}

/// The canonical spelling of a domain name: lower case, no trailing root dot.
pub fn normalize(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_case_insensitively_with_or_without_root_dot() {
        let mut dns = Dns::new();
        dns.add_a("mail.hamburger.edu", Ipv4Addr::new(192, 0, 2, 20));
        let want = Some(Ipv4Addr::new(192, 0, 2, 20));
        assert_eq!(dns.resolve("mail.hamburger.edu"), want);
        assert_eq!(dns.resolve("MAIL.Hamburger.EDU."), want);
        assert_eq!(dns.resolve("hamburger.edu"), None);
        assert_eq!(
            dns.resolve("192.0.2.99"),
            Some(Ipv4Addr::new(192, 0, 2, 99))
        );
        assert_eq!(dns.resolve(""), None);
    }

    #[test]
    fn mx_records_come_most_preferred_first() {
        let mut dns = Dns::new();
        dns.add_mx("Crepes.FR.", 20, "backup.crepes.fr");
        dns.add_mx("crepes.fr", 10, "MAIL.crepes.fr");
        let hosts: Vec<(u16, &str)> = dns
            .mx("crepes.fr")
            .iter()
            .map(|m| (m.preference, m.host.as_str()))
            .collect();
        assert_eq!(hosts, [(10, "mail.crepes.fr"), (20, "backup.crepes.fr")]);
        assert!(dns.mx("hamburger.edu").is_empty());
    }
}
