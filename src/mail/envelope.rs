//! The envelope structure of a message as IMAP's `ENVELOPE` presents it (RFC 3501 §7.4.2):
//! date, subject, the six address lists, In-Reply-To and Message-ID, taken from the header.
//!
//! Values are the header's own octets, unfolded and trimmed, never RFC 2047-decoded: clients
//! decode them. Writing the IMAP syntax is the IMAP module's job; this is the fact.

use super::address::{Address, parse_address_list};
use super::mime::Part;

/// The ENVELOPE of a message (RFC 3501 §7.4.2). An empty list means NIL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    pub date: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

impl Envelope {
    /// The envelope of the message whose top part is `top`.
    pub fn of(raw: &[u8], top: &Part) -> Envelope {
        let text = |name: &str| top.field_value(raw, name);
        let addresses = |name: &str| {
            top.field(raw, name)
                .map(|f| parse_address_list(f.raw_value(raw)))
                .unwrap_or_default()
        };
        let from = addresses("from");
        // RFC 3501 §7.4.2: "If the Sender or Reply-To lines are absent in the [RFC-2822]
        // header, or are present but empty, the server sets the corresponding member of the
        // envelope to be the same value as the from member."
        let or_from = |list: Vec<Address>| if list.is_empty() { from.clone() } else { list };
        Envelope {
            date: text("date"),
            subject: text("subject"),
            sender: or_from(addresses("sender")),
            reply_to: or_from(addresses("reply-to")),
            to: addresses("to"),
            cc: addresses("cc"),
            bcc: addresses("bcc"),
            in_reply_to: text("in-reply-to"),
            message_id: text("message-id"),
            from,
        }
    }
}
