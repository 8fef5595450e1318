//! SMTP (RFC 5321 and its extensions): one command type and one reply type shared by the server
//! and client machines.
//!
//! - [`command`]: `Command::parse` (the server reads) and `Command::write` (the client sends);
//! - [`reply`]: `Reply::write` (the server sends) and `ReplyReader` (the client reads);
//! - [`server`]: the server machine, MX (port 25) or submission (port 587).
//!
//! The client machine and the relay queue arrive with the rest of the SMTP issue (#4). This module depends only on `store`, `mail`, `wire` and `time`, never on `net` or
//! `shell`.

pub mod command;
pub mod reply;
pub mod server;

pub use command::{Address, Command};
pub use reply::{Reply, ReplyReader, Status};
