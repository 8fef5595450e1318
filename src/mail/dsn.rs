//! Delivery status notifications (RFC 3464, in the multipart/report of RFC 6522): the bounce a
//! server sends back to the sender when it cannot deliver a message it accepted — "nothing
//! accepted is lost" means that a message is either delivered or returned — and the reports
//! a sender asked for with NOTIFY (RFC 3461 §4.1): delayed, and delivered.
//!
//! The report has three parts: a human-readable explanation, the machine-readable
//! message/delivery-status (per-message and per-recipient fields, §2.2, §2.3), and the
//! original message's header (text/rfc822-headers, as RET=HDRS asks, RFC 3461 §4.3).

use super::date::{self, DateTime};
use super::header;
use crate::time::Instant;

/// What became of a recipient (RFC 3464 §2.3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Failed,
    Delayed,
    Delivered,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Failed => "failed",
            Action::Delayed => "delayed",
            Action::Delivered => "delivered",
        }
    }
}

/// One recipient's fate (RFC 3464 §2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The recipient address.
    pub recipient: String,
    pub action: Action,
    /// The enhanced status code (RFC 3463), e.g. `5.1.1`.
    pub status: String,
    /// The remote server's reply, e.g. `550 5.1.1 <carol@…>: no such user here`.
    pub diagnostic: Option<String>,
    /// The server that said so, if one did.
    pub remote_mta: Option<String>,
}

/// What a bounce reports.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    /// The host writing the report (`Reporting-MTA`).
    pub reporting_mta: &'a str,
    /// Who gets the report: the original sender.
    pub to: &'a str,
    /// When the message arrived at the reporting host.
    pub arrival: Instant,
    pub notices: &'a [Notice],
    /// The original message.
    pub original: &'a [u8],
    /// Return the whole original (RET=FULL), not only its header (RFC 3461 §4.3).
    pub return_full: bool,
    /// The sender's ENVID, quoted back (RFC 3464 §2.2.1).
    pub envelope_id: Option<&'a str>,
}

/// The bounce message, dated `date` and identified by `message_id`.
pub fn build(report: &Report<'_>, date: DateTime, message_id: &str) -> Vec<u8> {
    let boundary = format!(
        "=_bounce_{}",
        message_id.trim_matches(['<', '>']).replace('@', "_")
    );
    let mut out = Vec::new();
    header::write_field(
        &mut out,
        "From",
        &format!(
            "Mail Delivery System <MAILER-DAEMON@{}>",
            report.reporting_mta
        ),
    );
    header::write_field(&mut out, "To", &format!("<{}>", report.to));
    let worst = |a: Action| report.notices.iter().any(|n| n.action == a);
    let (subject, opening) = if worst(Action::Failed) {
        (
            "Undelivered Mail Returned to Sender",
            "I'm sorry to have to tell you that your message could not be delivered\r\n\
             to one or more recipients. The reasons follow.",
        )
    } else if worst(Action::Delayed) {
        (
            "Delayed Mail (still being retried)",
            "Your message could not be delivered yet; it stays in the queue and will be\r\n\
             tried again. You do not need to send it again.",
        )
    } else {
        (
            "Successful Mail Delivery Report",
            "Your message was delivered to the destination mailbox, as you asked to be told.",
        )
    };
    header::write_field(&mut out, "Subject", subject);
    header::write_field(&mut out, "Date", &date::format_rfc5322(date));
    header::write_field(&mut out, "Message-ID", message_id);
    // RFC 3834 §5: an automatic message, so no one auto-replies to it.
    header::write_field(&mut out, "Auto-Submitted", "auto-replied");
    header::write_field(&mut out, "MIME-Version", "1.0");
    header::write_field(
        &mut out,
        "Content-Type",
        &format!("multipart/report; report-type=delivery-status; boundary=\"{boundary}\""),
    );
    out.extend_from_slice(b"\r\n");

    let part = |out: &mut Vec<u8>, content_type: &str, body: &[u8]| {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        header::write_field(out, "Content-Type", content_type);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        if !body.ends_with(b"\r\n") {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
    };

    let mut human = format!(
        "This is the mail system at host {}.\r\n\r\n{opening}\r\n\r\n",
        report.reporting_mta
    );
    for f in report.notices {
        let reason = match (&f.remote_mta, &f.diagnostic) {
            (Some(mta), Some(d)) => format!("host {mta} said: {d}"),
            (None, Some(d)) => d.clone(),
            _ => format!("{} (status {})", f.action.as_str(), f.status),
        };
        human.push_str(&format!("<{}>: {reason}\r\n", f.recipient));
    }
    part(&mut out, "text/plain; charset=us-ascii", human.as_bytes());

    // RFC 3464 §2.2, §2.3: per-message fields, a blank line, then one group per recipient.
    let mut status = String::new();
    if let Some(envid) = report.envelope_id {
        status.push_str(&format!("Original-Envelope-Id: {envid}\r\n"));
    }
    status.push_str(&format!(
        "Reporting-MTA: dns; {}\r\nArrival-Date: {}\r\n",
        report.reporting_mta,
        report.arrival.rfc5322()
    ));
    for f in report.notices {
        status.push_str(&format!(
            "\r\nFinal-Recipient: rfc822; {}\r\nAction: {}\r\nStatus: {}\r\n",
            f.recipient,
            f.action.as_str(),
            f.status
        ));
        if let Some(mta) = &f.remote_mta {
            status.push_str(&format!("Remote-MTA: dns; {mta}\r\n"));
        }
        if let Some(d) = &f.diagnostic {
            status.push_str(&format!("Diagnostic-Code: smtp; {d}\r\n"));
        }
    }
    part(&mut out, "message/delivery-status", status.as_bytes());

    if report.return_full {
        part(&mut out, "message/rfc822", report.original);
    } else {
        let split = header::split(report.original, 0..report.original.len());
        let original_header = report.original.get(split.fields).unwrap_or_default();
        part(&mut out, "text/rfc822-headers", original_header);
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Message;
    use crate::time::TEXTBOOK_EPOCH;

    #[test]
    fn a_bounce_is_a_multipart_report_with_the_three_parts() {
        let failures = [Notice {
            recipient: "carol@hamburger.edu".into(),
            action: Action::Failed,
            status: "5.1.1".into(),
            diagnostic: Some("550 5.1.1 <carol@hamburger.edu>: no such user here".into()),
            remote_mta: Some("mail.hamburger.edu".into()),
        }];
        let original = b"From: alice@crepes.fr\r\nSubject: Lunch\r\n\r\nsecret body\r\n";
        let report = Report {
            reporting_mta: "mail.crepes.fr",
            to: "alice@crepes.fr",
            arrival: TEXTBOOK_EPOCH,
            notices: &failures,
            original,
            return_full: false,
            envelope_id: Some("QQ314159"),
        };
        let when = DateTime {
            instant: TEXTBOOK_EPOCH,
            offset_minutes: 0,
        };
        let raw = build(&report, when, "<b1@mail.crepes.fr>");
        assert!(crate::mail::seven_bit::is_7bit_clean(&raw));
        let msg = Message::parse(&raw);
        assert!(msg.root().content_type.is("multipart", "report"));
        assert_eq!(
            msg.root().content_type.param("report-type"),
            Some("delivery-status")
        );
        let parts = msg.root().children();
        assert_eq!(parts.len(), 3);
        assert!(parts[1].content_type.is("message", "delivery-status"));
        let status = String::from_utf8_lossy(parts[1].body_bytes(&raw)).into_owned();
        assert!(status.contains("Final-Recipient: rfc822; carol@hamburger.edu\r\nAction: failed\r\nStatus: 5.1.1\r\n"), "{status}");
        assert!(status.contains("Diagnostic-Code: smtp; 550 5.1.1"));
        let headers = String::from_utf8_lossy(parts[2].body_bytes(&raw)).into_owned();
        assert!(
            headers.contains("Subject: Lunch") && !headers.contains("secret body"),
            "RET=HDRS: the header only"
        );
        assert_eq!(
            msg.from().first().map(|m| m.local_part.as_str()),
            Some("MAILER-DAEMON")
        );
    }
}
