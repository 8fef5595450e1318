//! The relay queue: messages a host accepted for other domains, waiting to be delivered to the
//! MX of their recipients' domains (RFC 5321 §4.5.4). A message enters the queue in the same
//! step in which the server answered 250, so nothing acknowledged can be lost.
//!
//! Delivery attempts — the sender's server acting as an SMTP client to the receiver's server,
//! with retries and bounces — arrive with the rest of the SMTP issue (#4); until then the queue
//! holds what was accepted and `mailq` shows it.

use crate::smtp::server::RelayJob;
use crate::time::Instant;

/// One message waiting in a host's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// The host whose queue it is in.
    pub host: String,
    pub job: RelayJob,
    pub queued_at: Instant,
    pub attempts: u32,
    pub last_error: Option<String>,
}
