//! A virtual host: a name, an address, whether it is up, the services listening on its ports,
//! and — for a mail host — the domains it serves and its mail store.

use std::net::Ipv4Addr;

use crate::store::Store;

/// What listens on a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// RFC 862 Echo.
    Echo,
    /// RFC 867 Daytime.
    Daytime,
    /// RFC 1939 POP3.
    Pop3,
    /// RFC 3501 IMAP4rev1.
    Imap,
    /// RFC 5321 SMTP as a mail exchanger: mail for this host's domains, from anyone.
    SmtpMx,
    /// RFC 6409 message submission: authenticated users send mail anywhere.
    Submission,
}

impl Service {
    /// The service's name as `/etc/services` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Service::Echo => "echo",
            Service::Daytime => "daytime",
            Service::Pop3 => "pop3",
            Service::Imap => "imap",
            Service::SmtpMx => "smtp",
            Service::Submission => "submission",
        }
    }
}

/// One machine of the virtual internet.
#[derive(Debug)]
pub struct Host {
    name: String,
    addr: Ipv4Addr,
    up: bool,
    /// In port order, one service a port.
    services: Vec<(u16, Service)>,
    domains: Vec<String>,
    store: Store,
}

impl Host {
    /// A host that is up, listens nowhere yet, and serves no mail domain.
    pub fn new(name: &str, addr: Ipv4Addr) -> Self {
        Host {
            name: super::dns::normalize(name),
            addr,
            up: true,
            services: Vec::new(),
            domains: Vec::new(),
            store: Store::new(&[], 1),
        }
    }

    /// The same host serving mail for `domains` from `store`.
    pub fn with_mail(mut self, domains: &[String], store: Store) -> Self {
        self.domains = domains.iter().map(|d| super::dns::normalize(d)).collect();
        self.store = store;
        self
    }

    /// The mail domains this host serves (empty for a host that is not a mail server).
    pub fn domains(&self) -> &[String] {
        &self.domains
    }

    /// The host's mail store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The host's mail store, to change.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The same host with `service` listening on `port`.
    pub fn listen(mut self, port: u16, service: Service) -> Self {
        match self.services.binary_search_by_key(&port, |s| s.0) {
            Ok(i) => self.services[i].1 = service,
            Err(i) => self.services.insert(i, (port, service)),
        }
        self
    }

    /// The host's canonical name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The host's address.
    pub fn addr(&self) -> Ipv4Addr {
        self.addr
    }

    /// Whether the host answers at all.
    pub fn is_up(&self) -> bool {
        self.up
    }

    pub(super) fn set_up(&mut self, up: bool) {
        self.up = up;
    }

    /// The service on `port`, if one listens there.
    pub fn service(&self, port: u16) -> Option<Service> {
        let i = self.services.binary_search_by_key(&port, |s| s.0).ok()?;
        Some(self.services[i].1)
    }

    /// Every open port and its service, in port order.
    pub fn services(&self) -> impl Iterator<Item = (u16, Service)> + '_ {
        self.services.iter().copied()
    }
}
