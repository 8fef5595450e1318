//! The relay queue: messages a host accepted for other domains, delivered to the MX of their
//! recipients' domains (RFC 5321 §5.1) with the SMTP client machine — the sender's server →
//! receiver's server leg of the textbook's picture.
//!
//! A message enters the queue in the same step in which its server answered 250, and is tried at
//! once. Recipients that cannot be reached for now (a 4xx reply, a host that is down) are retried
//! with growing delays on the world's clock (§4.5.4.1); those refused for good (5xx), or still
//! undelivered after the last retry, are reported to the sender in a bounce (RFC 3464). A bounce
//! that cannot be delivered itself is dropped and logged, never bounced again (§6.1, §6.2).
//!
//! Invariant: every accepted message ends delivered, bounced, or still in the queue.

use std::collections::VecDeque;
use std::time::Duration;

use super::agent::Exchange;
use super::{NetError, SMTP_PORT, World};
use crate::mail::date::DateTime;
use crate::mail::dsn;
use crate::smtp::client::{Client, Config, Outcome, Output};
use crate::smtp::command::{Address, Param};
use crate::smtp::reply::Reply;
use crate::smtp::server::RelayJob;
use crate::store::Origin;
use crate::time::Instant;

/// The waits between attempts: 1, 5, 15, 30 and 60 minutes; after the last, a bounce.
///
/// A lab setting, deliberately compressed: RFC 5321 §4.5.4.1 asks for at least 30 minutes
/// between attempts and 4–5 days before giving up, which no lesson can wait for. The world's
/// clock can be moved forward to watch the whole schedule.
pub const RETRY_DELAYS: [Duration; 5] = [
    Duration::from_secs(60),
    Duration::from_secs(300),
    Duration::from_secs(900),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
];

/// How many relay conversations are kept for `relaylog`.
pub const RELAY_LOG: usize = 50;

/// One message waiting in a host's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// The host whose queue it is in.
    pub host: String,
    pub job: RelayJob,
    pub queued_at: Instant,
    /// Recipients not yet delivered or bounced.
    pub pending: Vec<Address>,
    pub attempts: u32,
    pub next_attempt: Instant,
    pub last_error: Option<String>,
}

/// One relay conversation, for `relaylog` and the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayRecord {
    /// Numbers the conversations of a world, from 1 (the log keeps only the last ones).
    pub seq: u64,
    pub at: Instant,
    pub queue_id: String,
    /// The envelope sender (`None` for a bounce, whose reverse-path is empty).
    pub from: Option<String>,
    pub from_host: String,
    /// The MX it talked to (or tried to).
    pub to_host: String,
    pub transcript: Vec<Exchange>,
    /// One line: what became of each recipient.
    pub summary: String,
    /// Where the message got to, for drawing its path.
    pub outcome: RelayOutcome,
}

/// What one relay conversation achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayOutcome {
    /// The receiving server accepted the message for at least one recipient.
    Delivered,
    /// Not now (the server was unreachable or said 4xx): the message waits for a retry.
    Deferred,
    /// Refused for good (5xx, no mail server), or a bounce that could not be delivered.
    Failed,
}

/// RET and ENVID to pass on (RFC 3461 §5.2.1).
fn dsn_mail_params(job: &RelayJob) -> Vec<Param> {
    let mut params = Vec::new();
    if job.ret_full {
        params.push(Param {
            keyword: "RET".into(),
            value: Some("FULL".into()),
        });
    }
    if let Some(envid) = &job.envid {
        params.push(Param {
            keyword: "ENVID".into(),
            value: Some(envid.clone()),
        });
    }
    params
}

/// A recipient's NOTIFY and ORCPT to pass on.
fn dsn_rcpt_params(job: &RelayJob, to: &Address) -> Vec<Param> {
    let request = job
        .to
        .iter()
        .position(|a| a == to)
        .and_then(|i| job.dsn.get(i));
    let mut params = Vec::new();
    if let Some(notify) = request.and_then(|r| r.notify.clone()) {
        params.push(Param {
            keyword: "NOTIFY".into(),
            value: Some(notify),
        });
    }
    if let Some(orcpt) = request.and_then(|r| r.orcpt.clone()) {
        params.push(Param {
            keyword: "ORCPT".into(),
            value: Some(orcpt),
        });
    }
    params
}

impl World {
    /// The messages waiting in the hosts' relay queues, oldest first.
    pub fn queue(&self) -> &[Queued] {
        &self.queue
    }

    /// The last relay conversations, oldest first.
    pub fn relay_log(&self) -> impl DoubleEndedIterator<Item = &RelayRecord> {
        self.relay_log.iter()
    }

    /// Takes a message accepted by `host` for relaying.
    pub(super) fn enqueue(&mut self, host: &str, job: RelayJob) {
        self.queue.push(Queued {
            host: host.to_string(),
            pending: job.to.clone(),
            job,
            queued_at: self.now,
            attempts: 0,
            next_attempt: self.now,
            last_error: None,
        });
    }

    /// Tries every queued message that is due. Called after each input and clock step; a
    /// relay that happens meanwhile cannot start another run (no recursion).
    pub(super) fn run_queue(&mut self) {
        if self.running_queue {
            return;
        }
        self.running_queue = true;
        let mut i = 0;
        while i < self.queue.len() {
            if self
                .queue
                .get(i)
                .is_some_and(|q| q.next_attempt <= self.now)
            {
                let entry = self.queue.remove(i);
                if let Some(still) = self.attempt(entry) {
                    self.queue.insert(i, still);
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        self.running_queue = false;
    }

    /// One delivery attempt for every pending recipient, domain by domain; returns the entry if
    /// recipients remain for a later attempt.
    fn attempt(&mut self, mut entry: Queued) -> Option<Queued> {
        entry.attempts += 1;
        let mut domains: Vec<String> = entry
            .pending
            .iter()
            .map(|a| a.domain.to_ascii_lowercase())
            .collect();
        crate::sort::sort(&mut domains);
        domains.dedup();
        let mut failures = Vec::new();
        let mut deferred = Vec::new();
        for domain in domains {
            let recipients: Vec<Address> = entry
                .pending
                .iter()
                .filter(|a| a.domain.eq_ignore_ascii_case(&domain))
                .cloned()
                .collect();
            for (to, outcome, mta) in self.deliver_to_domain(&entry, &domain, &recipients) {
                match outcome {
                    Outcome::Delivered(_) => {}
                    Outcome::Deferred(reply) => {
                        entry.last_error = Some(format!("{to}: {} {}", reply.code, reply.text()));
                        deferred.push(to);
                    }
                    Outcome::Failed(reply) => failures.push(dsn::Notice {
                        recipient: to.to_string(),
                        action: dsn::Action::Failed,
                        status: reply
                            .status
                            .map_or_else(|| "5.0.0".to_string(), |s| s.to_string()),
                        diagnostic: Some(format!(
                            "{} {}{}",
                            reply.code,
                            reply.status.map(|s| format!("{s} ")).unwrap_or_default(),
                            reply.text()
                        )),
                        remote_mta: mta.clone(),
                    }),
                }
            }
        }
        // §4.5.4.1: give up after the last retry; what is still deferred bounces too.
        let give_up = entry.attempts as usize > RETRY_DELAYS.len();
        if give_up {
            for to in deferred.drain(..) {
                failures.push(dsn::Notice {
                    recipient: to.to_string(),
                    action: dsn::Action::Failed,
                    status: "4.4.7".into(),
                    diagnostic: entry
                        .last_error
                        .clone()
                        .map(|e| format!("delivery time expired: {e}")),
                    remote_mta: None,
                });
            }
        }
        if !failures.is_empty() {
            self.notify(&entry, &failures, "FAILURE");
        }
        if deferred.is_empty() {
            return None;
        }
        // RFC 3461 §4.1: a sender who asked for DELAY hears once that the message waits.
        if entry.attempts == 1 {
            let delays: Vec<dsn::Notice> = deferred
                .iter()
                .map(|to| dsn::Notice {
                    recipient: to.to_string(),
                    action: dsn::Action::Delayed,
                    status: "4.4.1".into(),
                    diagnostic: entry.last_error.clone(),
                    remote_mta: None,
                })
                .collect();
            self.notify(&entry, &delays, "DELAY");
        }
        let delay = RETRY_DELAYS
            .get(entry.attempts as usize - 1)
            .copied()
            .unwrap_or(Duration::from_secs(3600));
        entry.pending = deferred;
        entry.next_attempt = self.now.saturating_add(delay);
        Some(entry)
    }

    /// Sends `entry`'s message to the recipients of one domain through its MX; returns each
    /// recipient's outcome and the MX that decided it.
    fn deliver_to_domain(
        &mut self,
        entry: &Queued,
        domain: &str,
        recipients: &[Address],
    ) -> Vec<(Address, Outcome, Option<String>)> {
        let all =
            |outcome: Outcome, mta: Option<String>| -> Vec<(Address, Outcome, Option<String>)> {
                recipients
                    .iter()
                    .map(|to| (to.clone(), outcome.clone(), mta.clone()))
                    .collect()
            };
        // §5.1: the MX records, most preferred first; without any, the domain's own address.
        let mut targets: Vec<String> = self
            .dns
            .mx(domain)
            .iter()
            .map(|mx| mx.host.clone())
            .collect();
        if targets.is_empty() && self.dns.resolve(domain).is_some() {
            targets.push(domain.to_string());
        }
        if targets.is_empty() {
            let text = format!("no mail server for {domain} (no MX or A record)");
            self.log_relay(entry, domain, Vec::new(), &text, RelayOutcome::Failed);
            return all(Outcome::Failed(Reply::enhanced(550, (5, 1, 2), text)), None);
        }
        let mut last = None;
        for target in targets {
            let conn = match self.connect(&entry.host, &target, SMTP_PORT) {
                Ok(conn) => conn,
                Err(
                    e @ (NetError::HostDown(_)
                    | NetError::Refused { .. }
                    | NetError::NoRoute(_)
                    | NetError::UnknownHost(_)),
                ) => {
                    last = Some((target.clone(), e.to_string()));
                    continue;
                }
                Err(e) => {
                    last = Some((target.clone(), e.to_string()));
                    continue;
                }
            };
            let config = Config {
                helo: entry.host.clone(),
                auth: None,
                from: entry.job.from.clone(),
                to: recipients.to_vec(),
                message: entry.job.raw.clone(),
                dsn_mail: dsn_mail_params(&entry.job),
                dsn_rcpt: recipients
                    .iter()
                    .map(|to| dsn_rcpt_params(&entry.job, to))
                    .collect(),
            };
            let mut client = Client::new(config);
            let mut report = Vec::new();
            let transcript = self.drive(conn, &mut client, |_, output| match output {
                Output::Done(done) => {
                    report = done;
                    true
                }
                Output::Send(_) => false,
            });
            let summary: Vec<String> = report
                .iter()
                .map(|(to, o)| {
                    let what = match o {
                        Outcome::Delivered(_) => "delivered",
                        Outcome::Deferred(_) => "deferred",
                        Outcome::Failed(_) => "failed",
                    };
                    format!("<{to}> {what} ({} {})", o.reply().code, o.reply().text())
                })
                .collect();
            let outcome = if report
                .iter()
                .any(|(_, o)| matches!(o, Outcome::Delivered(_)))
            {
                RelayOutcome::Delivered
            } else if report.is_empty()
                || report
                    .iter()
                    .any(|(_, o)| matches!(o, Outcome::Deferred(_)))
            {
                RelayOutcome::Deferred
            } else {
                RelayOutcome::Failed
            };
            self.log_relay(entry, &target, transcript, &summary.join("; "), outcome);
            // §5.1: a server that only said "not now" to everyone is as good as unreachable:
            // the next MX is tried.
            let all_deferred = report
                .iter()
                .all(|(_, o)| matches!(o, Outcome::Deferred(_)));
            if all_deferred {
                let why = report
                    .first()
                    .map(|(_, o)| format!("{} {}", o.reply().code, o.reply().text()))
                    .unwrap_or_default();
                last = Some((target.clone(), why));
                continue;
            }
            return report
                .into_iter()
                .map(|(to, o)| (to, o, Some(target.clone())))
                .collect();
        }
        // §4.5.4.1: no MX reachable now — a temporary failure.
        let (host, why) = last.unwrap_or_default();
        self.log_relay(
            entry,
            &host,
            Vec::new(),
            &format!("not reached: {why}"),
            RelayOutcome::Deferred,
        );
        all(
            Outcome::Deferred(Reply::enhanced(421, (4, 4, 1), format!("{host}: {why}"))),
            Some(host),
        )
    }

    fn log_relay(
        &mut self,
        entry: &Queued,
        to_host: &str,
        transcript: Vec<Exchange>,
        summary: &str,
        outcome: RelayOutcome,
    ) {
        let seq = self.relay_log.back().map_or(1, |r| r.seq + 1);
        self.relay_log.push_back(RelayRecord {
            seq,
            at: self.now,
            queue_id: entry.job.queue_id.clone(),
            from: entry.job.from.as_ref().map(|a| a.to_string()),
            from_host: entry.host.clone(),
            to_host: to_host.to_string(),
            transcript,
            summary: summary.to_string(),
            outcome,
        });
        while self.relay_log.len() > RELAY_LOG {
            self.relay_log.pop_front();
        }
    }

    /// Reports to the sender (RFC 3464), from the host that queued the message, the notices
    /// of the recipients whose NOTIFY asks for `what` (RFC 3461 §4.1).
    fn notify(&mut self, entry: &Queued, notices: &[dsn::Notice], what: &str) {
        let wanted = |n: &&dsn::Notice| {
            let index = entry
                .job
                .to
                .iter()
                .position(|a| a.to_string().eq_ignore_ascii_case(&n.recipient));
            index
                .and_then(|i| entry.job.dsn.get(i))
                .map_or(what == "FAILURE", |d| d.wants(what))
        };
        let failures: Vec<dsn::Notice> = notices.iter().filter(wanted).cloned().collect();
        if failures.is_empty() {
            return;
        }
        let failures = failures.as_slice();
        let Some(sender) = entry.job.from.clone() else {
            // §6.1: a bounce that cannot be delivered is not bounced again.
            let text = format!(
                "a bounce could not be delivered and was dropped: {} failed",
                failures.len()
            );
            self.log_relay(entry, &entry.host, Vec::new(), &text, RelayOutcome::Failed);
            return;
        };
        let message_id = self.ids.message_id(&entry.host);
        let date = DateTime {
            instant: self.now,
            offset_minutes: 0,
        };
        let report = dsn::Report {
            reporting_mta: &entry.host,
            to: &sender.to_string(),
            arrival: entry.queued_at,
            notices: failures,
            original: &entry.job.raw,
            return_full: entry.job.ret_full,
            envelope_id: entry.job.envid.as_deref(),
        };
        // RFC 3461 §4.3: RET=FULL returns the whole message — unless that would be too big to
        // deliver, then the header is enough.
        let full = dsn::build(&report, date, &message_id);
        let limit = self
            .hosts
            .iter()
            .find(|h| h.name() == entry.host)
            .map_or(usize::MAX, |h| h.store().max_message_size())
            .saturating_sub(crate::smtp::server::TRACE_ALLOWANCE * 2);
        let raw = if full.len() > limit {
            dsn::build(
                &dsn::Report {
                    return_full: false,
                    ..report
                },
                date,
                &message_id,
            )
        } else {
            full
        };
        let queue_id = format!("{}B", entry.job.queue_id);
        // The sender is usually a user of the host that queued the message: deliver directly.
        let now = self.now;
        let local = self
            .hosts
            .iter_mut()
            .find(|h| h.name() == entry.host)
            .and_then(|host| {
                let user = host
                    .store()
                    .account_for_address(&sender.to_string())?
                    .to_string();
                let mut stamped = format!(
                    "Return-Path: <>\r\nReceived: by {} (Mail Lab) id {queue_id};\r\n\t{}\r\n",
                    entry.host,
                    now.rfc5322()
                )
                .into_bytes();
                stamped.extend_from_slice(&raw);
                Some(
                    host.store_mut()
                        .deliver(Origin::SYSTEM, &user, "INBOX", stamped, now),
                )
            });
        if let Some(Err(e)) = &local {
            // The sender's own mailbox refused the bounce: nothing more can be done (§6.2).
            let text = format!("the bounce for {sender} could not be delivered: {e}");
            self.log_relay(entry, &entry.host, Vec::new(), &text, RelayOutcome::Failed);
            return;
        }
        if local.is_none() {
            self.enqueue(
                &entry.host.clone(),
                RelayJob {
                    queue_id,
                    from: None,
                    to: vec![sender],
                    raw,
                    eight_bit: false,
                    smtputf8: false,
                    ret_full: false,
                    envid: None,
                    dsn: Vec::new(),
                },
            );
        }
    }
}

/// Keeps the relay log type importable where the queue is.
pub type RelayLog = VecDeque<RelayRecord>;
