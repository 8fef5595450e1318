//! A virtual host: a name, an address, whether it is up, and the services listening on its ports.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// What listens on a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// RFC 862 Echo.
    Echo,
    /// RFC 867 Daytime.
    Daytime,
}

impl Service {
    /// The service's name as `/etc/services` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Service::Echo => "echo",
            Service::Daytime => "daytime",
        }
    }
}

/// One machine of the virtual internet.
#[derive(Clone, Debug)]
pub struct Host {
    name: String,
    addr: Ipv4Addr,
    up: bool,
    services: BTreeMap<u16, Service>,
}

impl Host {
    /// A host that is up and listens nowhere yet.
    pub fn new(name: &str, addr: Ipv4Addr) -> Self {
        Host {
            name: super::dns::normalize(name),
            addr,
            up: true,
            services: BTreeMap::new(),
        }
    }

    /// The same host with `service` listening on `port`.
    pub fn listen(mut self, port: u16, service: Service) -> Self {
        self.services.insert(port, service);
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
        self.services.get(&port).copied()
    }

    /// Every open port and its service, in port order.
    pub fn services(&self) -> impl Iterator<Item = (u16, Service)> + '_ {
        self.services
            .iter()
            .map(|(port, service)| (*port, *service))
    }
}
