//! Mail accounts as the lab's user agents know them: an address, the server that holds the
//! mailbox, the login. The lab's user agents come configured with their users' credentials.

use super::line::visible;
use crate::net::World;

/// A mail account as a user agent knows it: the address, the server, the login.
#[derive(Clone, Debug)]
pub struct Account {
    pub address: String,
    pub host: String,
    pub user: String,
    pub password: String,
}

impl Account {
    /// `bob@hamburger.edu`, or a bare `bob` looked up on every mail host.
    pub fn find(world: &World, name: &str) -> Result<Account, String> {
        let (host, user) = match name.rsplit_once('@') {
            Some((_, domain)) => {
                let host = world.mail_host(domain).ok_or_else(|| {
                    format!("no mail host for '{}' (no MX record)", visible(domain))
                })?;
                let user = host
                    .store()
                    .account_for_address(name)
                    .ok_or_else(|| {
                        format!("{} has no account for '{}'", host.name(), visible(name))
                    })?
                    .to_string();
                (host, user)
            }
            None => {
                let found = world.hosts().find_map(|h| {
                    let user = h
                        .store()
                        .accounts()
                        .find(|a| a.eq_ignore_ascii_case(name))?;
                    Some((h, user.to_string()))
                });
                found.ok_or_else(|| format!("no mail host has an account '{}'", visible(name)))?
            }
        };
        let domain = host
            .domains()
            .first()
            .cloned()
            .unwrap_or_else(|| host.name().to_string());
        Ok(Account {
            address: format!("{user}@{domain}"),
            host: host.name().to_string(),
            password: host.store().password(&user).unwrap_or_default().to_string(),
            user,
        })
    }
}
