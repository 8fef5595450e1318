//! IMAP4rev1 (RFC 3501) and the extensions real clients use, one module for both ends.
//!
//! The codec is shared by the server and the client: [`command`] (incremental parse with
//! literals and LITERAL+, and write, whole or cut at synchronizing literals), [`response`]
//! (write, and incremental parse for the client), [`body`] (the IMAP syntax of ENVELOPE, BODY
//! and BODYSTRUCTURE) and [`utf7`] (the modified UTF-7 of mailbox names, §5.1.3).
//!
//! The machines: [`server`] (the states of §3, every command of §6 and the extensions, input
//! framing with limits) with [`selected`] (one session's view of its mailbox: sequence numbers,
//! `\Recent`, and the untagged updates other sessions cause), [`fetch`], [`search`] and [`list`];
//! and [`client`], the user agent's machine (login, tasks such as SELECT, FETCH, MOVE, APPEND
//! and IDLE, the selected mailbox's state).
//!
//! This module depends only on [`crate::store`], [`crate::mail`], [`crate::sasl`] and
//! [`crate::time`], never on `net` or `shell`.

pub mod body;
pub mod client;
pub mod command;
pub mod fetch;
pub mod list;
pub mod response;
pub mod search;
pub mod selected;
pub mod server;
pub mod utf7;
