//! POP3 (RFC 1939), with CAPA and response codes (RFC 2449, RFC 3206) and AUTH PLAIN (RFC 5034):
//! one command type and one response type shared by the server machine and the client machine.
//!
//! - [`command`]: `Command::parse` (the server reads) and `Command::write` (the client sends);
//! - [`response`]: `Response::parse` (the client reads) and `Response::write` (the server sends);
//! - [`server`]: the server machine over a host's store;
//! - [`client`]: the user agent's machine, download-and-delete or download-and-keep.
//!
//! Invariants: depends only on `store`, `mail`, `wire` and `time`; knows nothing of `net` or the
//! shell; never panics on any input.

pub mod client;
pub mod command;
pub mod response;
pub mod server;

pub use command::Command;
pub use response::{RespCode, Response};
pub use server::Server;
