//! IMAP4rev1 (RFC 3501) and the extensions real clients use: command and response types shared
//! by the server and client machines.
//!
//! Here so far: the codec — [`command`] (incremental parse with literals and LITERAL+, and write)
//! and [`response`] (write, and incremental parse for the client) — and [`body`], the IMAP syntax
//! of ENVELOPE, BODY and BODYSTRUCTURE. The server and client machines arrive with the rest of
//! the IMAP issue (#6). This module
//! depends only on [`crate::store`], [`crate::mail`] and [`crate::time`], never on `net` or
//! `shell`.

pub mod body;
pub mod command;
pub mod response;
pub mod utf7;
