//! # Mail Lab
//!
//! SMTP, POP3 and IMAP servers and clients as sans-I/O state machines, living in a small virtual
//! internet of mail hosts, driven by a terminal in the browser or on the command line.
//!
//! The crate map, bottom to top (each layer uses only the layers below it):
//!
//! | module   | what it is |
//! |----------|------------|
//! | [`time`] | the world's clock: instants and RFC 5322 dates; nothing reads a real clock |
//! | [`wire`] | line framing and dot-stuffing shared by the text protocols |
//! | [`sasl`] | the SASL mechanisms the protocols' AUTH commands share (PLAIN, CRAM-MD5) |
//! | [`sort`] | the one stable sort every list uses (one compiled copy instead of a dozen) |
//! | [`mail`] | RFC 5322 / MIME messages |
//! | [`store`] | a host's mail store: accounts, mailboxes, messages |
//! | [`smtp`], [`pop3`], [`imap`] | one module per protocol: commands, replies, server and client machines |
//! | [`net`]  | the virtual internet: hosts, DNS, connections between client and server machines |
//! | [`lesson`] | lessons: steps with instructions, hints and checks on the world's state |
//! | [`shell`] | what a line typed into a lab terminal does |
//! | [`reference`](mod@reference) | the protocols' commands and replies with their RFC sections (static tables) |
//! | `web`    | the yew page and the `window.mailLab` API (wasm32 only) |
//! | `cli`    | `maillab shell` and, later, `maillab serve` (host only) |
//!
//! Start reading at [`shell::Lab::exec`]: a typed line becomes a command or bytes on a
//! [`net::World`] connection, whose server machine answers.

pub mod base64;
pub mod imap;
pub mod lesson;
pub mod lowercase;
pub mod mail;
pub mod net;
pub mod pop3;
pub mod reference;
pub mod sasl;
pub mod shell;
pub mod smtp;
pub mod sort;
pub mod sorted;
pub mod store;
pub mod time;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
