//! SMTP (RFC 5321 and its extensions): one command type and one reply type shared by the server
//! and client machines.
//!
//! - [`command`]: `Command::parse` (the server reads) and `Command::write` (the client sends);
//! - [`reply`]: `Reply::write` (the server sends) and `ReplyReader` (the client reads);
//! - [`server`]: the server machine, MX (port 25) or submission (port 587);
//! - [`client`]: the client machine of user agents and relaying servers.
//!
//! This module depends only on `store`, `mail`, `wire`, `sasl` and `time`, never on `net` or
//! `shell`.

pub mod client;
pub mod command;
pub mod reply;
pub mod server;

pub use command::{Address, Command};
pub use reply::{Reply, ReplyReader, Status};
