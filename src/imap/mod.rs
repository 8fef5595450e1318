//! IMAP4rev1 (RFC 3501) and the extensions real clients use: command and response types shared
//! by the server and client machines.
//!
//! Here so far: the codec — [`command`] (incremental parse with literals and LITERAL+, and write,
//! whole or cut at synchronizing literals) and [`response`] (write, and incremental parse for the
//! client) — [`body`], the IMAP syntax of ENVELOPE, BODY and BODYSTRUCTURE, [`utf7`], the
//! modified UTF-7 of mailbox names (§5.1.3), and [`client`], the user agent's machine (login,
//! tasks such as SELECT, FETCH, MOVE, APPEND and IDLE, the selected mailbox's state). The server
//! machine arrives with the rest of the IMAP issue (#6). This module depends only on
//! [`crate::store`], [`crate::mail`], [`crate::sasl`] and [`crate::time`], never on `net` or
//! `shell`.

pub mod body;
pub mod client;
pub mod command;
pub mod response;
pub mod utf7;
