//! The SMTP client machine: what a user agent (submitting on port 587) or a relaying server
//! (delivering to the receiver's MX on port 25) does to send one message (RFC 5321 §3.3, §4.1).
//!
//! It greets with EHLO and falls back to HELO when EHLO is refused (§3.2); authenticates with
//! AUTH PLAIN when configured (RFC 4954); declares SIZE (RFC 1870) and BODY=8BITMIME (RFC 6152)
//! when offered — and when 8BITMIME is not offered, converts the message to 7 bits first, or
//! refuses to send what cannot be converted; pipelines MAIL, RCPT and DATA when PIPELINING is
//! offered (RFC 2920); dot-stuffs the content (§4.5.2); and reports, recipient by recipient,
//! exactly what happened: delivered, failed for now (4xx, retry later), or failed for good (5xx).
//!
//! Sans-I/O: the driver feeds server bytes and drains [`Output`]s; the last is [`Output::Done`].

use std::collections::VecDeque;

use super::command::{Address, Command, Param};
use super::reply::{Reply, ReplyReader};
use crate::mail::seven_bit;
use crate::sasl;
use crate::wire::{Framed, LineReader, write_dot_stuffed};

/// What to send, and how to introduce oneself.
#[derive(Clone, Debug)]
pub struct Config {
    /// The name given in EHLO/HELO.
    pub helo: String,
    /// `(user, password)` for AUTH, when submitting.
    pub auth: Option<(String, String)>,
    /// The reverse-path; `None` is `<>` (a bounce).
    pub from: Option<Address>,
    pub to: Vec<Address>,
    /// The message octets, CRLF line ends.
    pub message: Vec<u8>,
    /// DSN parameters to pass on when the server offers DSN (RFC 3461 §5.2.1): for MAIL (RET,
    /// ENVID), and for each recipient in `to`'s order (NOTIFY, ORCPT).
    pub dsn_mail: Vec<Param>,
    pub dsn_rcpt: Vec<Vec<Param>>,
}

/// What happened to one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server took responsibility for it (§6.1).
    Delivered(Reply),
    /// Refused for now (4xx, or the connection failed): try again later.
    Deferred(Reply),
    /// Refused for good (5xx): tell the sender.
    Failed(Reply),
}

impl Outcome {
    fn from_reply(reply: Reply) -> Outcome {
        match reply.class() {
            2 => Outcome::Delivered(reply),
            4 => Outcome::Deferred(reply),
            _ => Outcome::Failed(reply),
        }
    }

    /// The reply behind the outcome.
    pub fn reply(&self) -> &Reply {
        match self {
            Outcome::Delivered(r) | Outcome::Deferred(r) | Outcome::Failed(r) => r,
        }
    }
}

/// What the client gives its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Send(Vec<u8>),
    /// Every recipient's outcome, in the order given; nothing follows.
    Done(Vec<(Address, Outcome)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Greeting,
    Ehlo,
    Helo,
    Auth,
    /// MAIL, RCPTs and DATA sent; their replies come in order.
    Envelope,
    /// The content was sent; the final reply comes.
    Content,
    Quit,
    Done,
}

/// An SMTP client session.
pub struct Client {
    config: Config,
    reader: LineReader,
    replies: ReplyReader,
    out: VecDeque<Output>,
    step: Step,
    extensions: Vec<String>,
    /// The commands of the envelope whose replies are still due, oldest first.
    pending: VecDeque<Command>,
    /// Commands not yet sent because the server does not pipeline.
    waiting: VecDeque<Command>,
    /// The octets to send after 354 (already converted and stuffed).
    content: Vec<u8>,
    outcomes: Vec<Option<Outcome>>,
    mail_refused: Option<Reply>,
}

impl Client {
    pub fn new(config: Config) -> Client {
        let count = config.to.len();
        Client {
            config,
            reader: LineReader::new(64 * 1024),
            replies: ReplyReader::new(),
            out: VecDeque::new(),
            step: Step::Greeting,
            extensions: Vec::new(),
            pending: VecDeque::new(),
            waiting: VecDeque::new(),
            content: Vec::new(),
            outcomes: vec![None; count],
            mail_refused: None,
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    pub fn is_done(&self) -> bool {
        self.step == Step::Done
    }

    /// Server bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.reader.push(bytes);
        while let Some(framed) = self.reader.next_line() {
            if self.is_done() {
                return;
            }
            let line = match framed {
                Framed::Line { bytes, .. } => bytes,
                Framed::TooLong { .. } => {
                    self.abort(Reply::enhanced(
                        451,
                        (4, 4, 0),
                        "the server sent a line too long to read",
                    ));
                    continue;
                }
            };
            match self.replies.push(&line) {
                None => {}
                Some(Ok(reply)) => self.reply(reply),
                Some(Err(e)) => self.abort(Reply::enhanced(451, (4, 4, 0), e.to_string())),
            }
        }
    }

    /// The connection ended: what is not settled is deferred (to be retried).
    pub fn handle_close(&mut self) {
        if self.is_done() {
            return;
        }
        if self.step == Step::Quit {
            return self.finish();
        }
        let closed = Reply::enhanced(
            421,
            (4, 4, 2),
            "the connection closed before the message was accepted",
        );
        for outcome in self
            .outcomes
            .iter_mut()
            .filter(|o| !matches!(o, Some(Outcome::Delivered(_)) | Some(Outcome::Failed(_))))
        {
            *outcome = Some(Outcome::Deferred(closed.clone()));
        }
        self.finish();
    }

    fn send(&mut self, command: &Command) {
        let mut bytes = Vec::new();
        command.write(&mut bytes);
        self.out.push_back(Output::Send(bytes));
    }

    fn finish(&mut self) {
        self.step = Step::Done;
        let unknown = Reply::enhanced(451, (4, 4, 0), "no answer");
        let report = self
            .config
            .to
            .iter()
            .cloned()
            .zip(self.outcomes.iter().cloned())
            .map(|(to, o)| (to, o.unwrap_or_else(|| Outcome::Deferred(unknown.clone()))))
            .collect();
        self.out.push_back(Output::Done(report));
    }

    /// Gives every unsettled recipient `reply`'s outcome, then says QUIT.
    fn abort(&mut self, reply: Reply) {
        for outcome in self.outcomes.iter_mut().filter(|o| o.is_none()) {
            *outcome = Some(Outcome::from_reply(reply.clone()));
        }
        self.quit();
    }

    fn quit(&mut self) {
        if matches!(self.step, Step::Quit | Step::Done) {
            return;
        }
        self.step = Step::Quit;
        self.pending.clear();
        self.send(&Command::Quit);
    }

    fn offers(&self, keyword: &str) -> Option<&str> {
        self.extensions.iter().find_map(|e| {
            let (name, rest) = e.split_once(' ').unwrap_or((e, ""));
            name.eq_ignore_ascii_case(keyword).then_some(rest)
        })
    }

    fn reply(&mut self, reply: Reply) {
        match self.step {
            Step::Greeting => {
                if reply.code != 220 {
                    // §3.1: 554 (or anything else) instead of 220: nothing to do here.
                    return self.abort(reply);
                }
                self.step = Step::Ehlo;
                let ehlo = Command::Ehlo(self.config.helo.clone());
                self.send(&ehlo);
            }
            Step::Ehlo => {
                if reply.is_positive() {
                    self.extensions = reply.lines.iter().skip(1).cloned().collect();
                    self.after_greeting();
                } else if reply.class() == 5 {
                    // §3.2: an old server refuses EHLO; HELO is the fallback.
                    self.step = Step::Helo;
                    let helo = Command::Helo(self.config.helo.clone());
                    self.send(&helo);
                } else {
                    self.abort(reply);
                }
            }
            Step::Helo => {
                if reply.is_positive() {
                    self.after_greeting();
                } else {
                    self.abort(reply);
                }
            }
            Step::Auth => {
                if reply.code == 235 {
                    self.envelope();
                } else {
                    self.abort(reply);
                }
            }
            Step::Envelope => self.envelope_reply(reply),
            Step::Content => {
                let outcome = Outcome::from_reply(reply);
                for slot in self.outcomes.iter_mut() {
                    if slot.is_none() {
                        *slot = Some(outcome.clone());
                    }
                }
                self.quit();
            }
            Step::Quit => self.finish(),
            Step::Done => {}
        }
    }

    fn after_greeting(&mut self) {
        match self.config.auth.clone() {
            Some((user, password)) => {
                if self.offers("AUTH").is_none() {
                    return self.abort(Reply::enhanced(
                        530,
                        (5, 7, 0),
                        "the server offers no AUTH, and this client must authenticate",
                    ));
                }
                self.step = Step::Auth;
                let initial = sasl::Plain::encode(&user, &password);
                self.send(&Command::Auth {
                    mechanism: "PLAIN".into(),
                    initial: Some(initial),
                });
            }
            None => self.envelope(),
        }
    }

    /// MAIL, RCPT…, DATA — all at once when the server pipelines (RFC 2920 §3.1).
    fn envelope(&mut self) {
        let mut message = std::mem::take(&mut self.config.message);
        let mut params = Vec::new();
        // RFC 6531 §3.5: a message with UTF-8 in its header is internationalized: it needs
        // SMTPUTF8, or a downgrade of its header to encoded-words (which to_7bit does).
        let split = crate::mail::header::split(&message, 0..message.len());
        let header_8bit =
            !crate::mail::encoding::is_7bit(message.get(split.header).unwrap_or_default());
        let utf8_header = header_8bit && self.offers("SMTPUTF8").is_some();
        if header_8bit && !utf8_header {
            match seven_bit::to_7bit(&message) {
                Ok(converted) => message = converted,
                Err(e) => {
                    let text = format!("cannot send to a server without SMTPUTF8: {e}");
                    return self.abort(Reply::enhanced(553, (5, 6, 7), &text));
                }
            }
        }
        if !seven_bit::is_7bit_clean(&message) {
            if self.offers("8BITMIME").is_some()
                && !crate::mail::encoding::has_long_lines(&message, seven_bit::MAX_LINE)
            {
                params.push(Param {
                    keyword: "BODY".into(),
                    value: Some("8BITMIME".into()),
                });
            } else {
                // RFC 6152 §3: without 8BITMIME, convert to 7 bits or do not send.
                match seven_bit::to_7bit(&message) {
                    Ok(converted) => message = converted,
                    Err(e) => {
                        let text = format!("cannot send to a server without 8BITMIME: {e}");
                        return self.abort(Reply::enhanced(554, (5, 6, 3), &text));
                    }
                }
            }
        }
        let non_ascii = utf8_header
            || self.config.from.as_ref().is_some_and(|a| !a.is_ascii())
            || self.config.to.iter().any(|a| !a.is_ascii());
        if non_ascii {
            if self.offers("SMTPUTF8").is_none() {
                return self.abort(Reply::enhanced(
                    553,
                    (5, 6, 7),
                    "a non-ASCII address needs SMTPUTF8, which the server does not offer",
                ));
            }
            params.push(Param {
                keyword: "SMTPUTF8".into(),
                value: None,
            });
        }
        if let Some(limit) = self.offers("SIZE") {
            let limit = limit.trim().parse::<usize>().unwrap_or(0);
            if limit > 0 && message.len() > limit {
                let text = format!(
                    "the message ({} octets) is larger than the server accepts ({limit})",
                    message.len()
                );
                return self.abort(Reply::enhanced(552, (5, 3, 4), &text));
            }
            params.push(Param {
                keyword: "SIZE".into(),
                value: Some(message.len().to_string()),
            });
        }
        let dsn = self.offers("DSN").is_some();
        if dsn {
            params.extend(self.config.dsn_mail.iter().cloned());
        }
        write_dot_stuffed(&mut self.content, &message);
        self.step = Step::Envelope;
        let mut commands = vec![Command::Mail {
            from: self.config.from.clone(),
            params,
        }];
        commands.extend(
            self.config
                .to
                .iter()
                .enumerate()
                .map(|(i, to)| Command::Rcpt {
                    to: to.clone(),
                    params: if dsn {
                        self.config.dsn_rcpt.get(i).cloned().unwrap_or_default()
                    } else {
                        Vec::new()
                    },
                }),
        );
        commands.push(Command::Data);
        if self.offers("PIPELINING").is_some() {
            let mut bytes = Vec::new();
            for command in &commands {
                command.write(&mut bytes);
            }
            self.pending.extend(commands);
            self.out.push_back(Output::Send(bytes));
        } else {
            let mut commands = VecDeque::from(commands);
            if let Some(first) = commands.pop_front() {
                self.send(&first);
                self.pending.push_back(first);
            }
            self.waiting = commands;
        }
    }

    fn envelope_reply(&mut self, reply: Reply) {
        let Some(command) = self.pending.pop_front() else {
            return self.abort(Reply::enhanced(451, (4, 4, 0), "an unexpected reply"));
        };
        match command {
            Command::Mail { .. } if !reply.is_positive() => {
                self.mail_refused = Some(reply.clone());
                for slot in self.outcomes.iter_mut() {
                    *slot = Some(Outcome::from_reply(reply.clone()));
                }
            }
            Command::Rcpt { to, .. } if !reply.is_positive() => {
                let index = self.config.to.iter().position(|t| *t == to);
                let slot = index
                    .and_then(|i| self.outcomes.get_mut(i))
                    .filter(|s| s.is_none());
                if let Some(slot) = slot {
                    *slot = Some(Outcome::from_reply(reply.clone()));
                }
            }
            Command::Data => {
                if reply.code == 354
                    && self.mail_refused.is_none()
                    && self.outcomes.iter().any(Option::is_none)
                {
                    self.step = Step::Content;
                    let content = std::mem::take(&mut self.content);
                    self.out.push_back(Output::Send(content));
                    return;
                }
                if reply.code == 354 {
                    // Every recipient was refused, yet the server waits for content (§3.3):
                    // end it at once, empty, and let the server discard it.
                    self.step = Step::Content;
                    self.out.push_back(Output::Send(b".\r\n".to_vec()));
                    return;
                }
                // DATA refused: every recipient not yet settled shares that fate.
                return self.abort(reply);
            }
            _ => {}
        }
        // Without pipelining, the next command goes now.
        if let Some(next) = self.waiting.pop_front() {
            let all_refused = self.outcomes.iter().all(Option::is_some);
            if matches!(next, Command::Data) && all_refused {
                return self.quit();
            }
            if self.mail_refused.is_some() {
                return self.quit();
            }
            self.send(&next);
            self.pending.push_back(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> Address {
        Address::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn client(message: &str, to: &[&str]) -> Client {
        Client::new(Config {
            helo: "mail.crepes.fr".into(),
            auth: None,
            from: Some(addr("alice@crepes.fr")),
            to: to.iter().map(|t| addr(t)).collect(),
            message: message.as_bytes().to_vec(),
            dsn_mail: Vec::new(),
            dsn_rcpt: Vec::new(),
        })
    }

    /// Feeds `reply` and returns what the client sent in answer (and its report, if done).
    fn step(c: &mut Client, reply: &str) -> (String, Option<Vec<(Address, Outcome)>>) {
        c.feed(reply.as_bytes());
        let mut sent = String::new();
        let mut done = None;
        while let Some(o) = c.poll_output() {
            match o {
                Output::Send(b) => sent.push_str(&String::from_utf8_lossy(&b)),
                Output::Done(r) => done = Some(r),
            }
        }
        (sent, done)
    }

    #[test]
    fn an_old_server_gets_helo_one_command_at_a_time_and_seven_bit_mail() {
        let mut c = client("Subject: été\r\n\r\nà bientôt\r\n", &["bob@hamburger.edu"]);
        assert_eq!(
            step(&mut c, "220 old.example SMTP\r\n").0,
            "EHLO mail.crepes.fr\r\n"
        );
        // RFC 5321 §3.2: EHLO refused, HELO instead.
        assert_eq!(
            step(&mut c, "500 Command unrecognized\r\n").0,
            "HELO mail.crepes.fr\r\n"
        );
        // No extensions: no parameters, no pipelining.
        assert_eq!(
            step(&mut c, "250 old.example\r\n").0,
            "MAIL FROM:<alice@crepes.fr>\r\n"
        );
        assert_eq!(
            step(&mut c, "250 OK\r\n").0,
            "RCPT TO:<bob@hamburger.edu>\r\n"
        );
        assert_eq!(step(&mut c, "250 OK\r\n").0, "DATA\r\n");
        let (content, _) = step(&mut c, "354 go ahead\r\n");
        // Without 8BITMIME the message was made 7-bit (RFC 6152 §3).
        assert!(
            crate::mail::seven_bit::is_7bit_clean(content.as_bytes()),
            "{content}"
        );
        assert!(
            content.contains("Content-Transfer-Encoding: quoted-printable"),
            "{content}"
        );
        assert!(content.ends_with("\r\n.\r\n"));
        assert_eq!(step(&mut c, "250 OK\r\n").0, "QUIT\r\n");
        let (_, done) = step(&mut c, "221 bye\r\n");
        let report = done.unwrap_or_else(|| panic!("done"));
        assert!(matches!(report[0].1, Outcome::Delivered(_)));
    }

    #[test]
    fn eight_bit_mail_is_declared_to_a_server_with_8bitmime() {
        let mut c = client("Subject: é\r\n\r\né\r\n", &["bob@hamburger.edu"]);
        step(&mut c, "220 x\r\n");
        let (sent, _) = step(
            &mut c,
            "250-x\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-PIPELINING\r\n250 SIZE 1000\r\n",
        );
        assert_eq!(
            sent,
            "MAIL FROM:<alice@crepes.fr> BODY=8BITMIME SMTPUTF8 SIZE=19\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n",
            "pipelined"
        );
        step(&mut c, "250 2.1.0 OK\r\n250 2.1.5 OK\r\n");
        let (content, _) = step(&mut c, "354 go\r\n");
        assert_eq!(content, "Subject: é\r\n\r\né\r\n.\r\n", "sent as it is");
    }

    #[test]
    fn a_utf8_header_is_downgraded_for_a_server_without_smtputf8() {
        let mut c = client("Subject: é\r\n\r\né\r\n", &["bob@hamburger.edu"]);
        step(&mut c, "220 x\r\n");
        let (sent, _) = step(&mut c, "250-x\r\n250-8BITMIME\r\n250 PIPELINING\r\n");
        assert!(!sent.contains("SMTPUTF8"), "{sent}");
        step(&mut c, "250 OK\r\n250 OK\r\n");
        let (content, _) = step(&mut c, "354 go\r\n");
        assert!(
            content.starts_with("Subject: =?UTF-8?"),
            "RFC 2047 in place of UTF-8: {content}"
        );
    }

    #[test]
    fn what_cannot_be_made_seven_bit_is_not_sent() {
        let mut c = client("From: zé@crêpes.fr\r\n\r\nx\r\n", &["bob@hamburger.edu"]);
        step(&mut c, "220 x\r\n");
        let (sent, _) = step(&mut c, "250 x\r\n");
        assert_eq!(sent, "QUIT\r\n");
        let (_, done) = step(&mut c, "221 bye\r\n");
        let report = done.unwrap_or_else(|| panic!("done"));
        assert!(
            matches!(&report[0].1, Outcome::Failed(r) if r.code == 553 && r.text().contains("SMTPUTF8")),
            "{report:?}"
        );
    }

    #[test]
    fn each_recipient_gets_its_own_outcome() {
        let mut c = client(
            "Subject: s\r\n\r\nx\r\n",
            &["a@h.example", "b@h.example", "c@h.example"],
        );
        step(&mut c, "220 x\r\n");
        step(&mut c, "250-x\r\n250 PIPELINING\r\n");
        let (content, _) = step(
            &mut c,
            "250 OK\r\n250 OK\r\n450 4.2.1 mailbox busy\r\n550 5.1.1 no such user\r\n354 go\r\n",
        );
        assert!(content.ends_with(".\r\n"));
        step(&mut c, "250 OK\r\n");
        let (_, done) = step(&mut c, "221 bye\r\n");
        let outcomes: Vec<u16> = done
            .unwrap_or_default()
            .iter()
            .map(|(_, o)| o.reply().code)
            .collect();
        assert_eq!(outcomes, [250, 450, 550]);
    }

    #[test]
    fn a_refusing_greeting_or_a_lost_connection_settle_everyone() {
        let mut c = client("x", &["a@h.example"]);
        assert_eq!(step(&mut c, "554 5.7.1 go away\r\n").0, "QUIT\r\n");
        c.handle_close();
        let (_, done) = step(&mut c, "");
        assert!(
            matches!(done.as_deref(), Some([(_, Outcome::Failed(_))])),
            "{done:?}"
        );
        let mut c = client("x", &["a@h.example"]);
        step(&mut c, "220 x\r\n");
        c.handle_close();
        let (_, done) = step(&mut c, "");
        assert!(
            matches!(done.as_deref(), Some([(_, Outcome::Deferred(r))]) if r.code == 421),
            "{done:?}"
        );
    }

    mod properties {
        #![cfg(not(target_arch = "wasm32"))]
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn any_server_bytes_end_in_one_report(bytes in proptest::collection::vec(any::<u8>(), 0..600), split in 1usize..40) {
                let mut c = client("Subject: s\r\n\r\nx\r\n", &["a@h.example", "b@h.example"]);
                let mut reports = 0;
                for chunk in bytes.chunks(split) {
                    reports += usize::from(step(&mut c, &String::from_utf8_lossy(chunk)).1.is_some());
                }
                c.handle_close();
                reports += usize::from(step(&mut c, "").1.is_some());
                prop_assert_eq!(reports, 1);
            }
        }
    }
}
