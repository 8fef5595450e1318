//! The user agent in the spirit of Unix `mail`: `login alice`, then `mail -s "Lunch"
//! bob@hamburger.edu`, the body typed until a line with a single dot. The message is built
//! (Date, Message-ID, MIME), submitted on port 587 with AUTH, and relayed by alice's server to
//! bob's — every line of the submission shown, the relay's outcome summarised (`relaylog` shows
//! that conversation). Also `relaylog`, the server-to-server dialogues.

use super::account::Account;
use super::line::visible;
use super::{Line, dialogue_lines};
use crate::imap::client::{Config as ImapConfig, Event as ImapEvent, Login, Task};
use crate::mail::address::Mailbox;
use crate::mail::compose::Draft;
use crate::mail::date::DateTime;
use crate::net::{IMAP_PORT, SUBMISSION_PORT, World};
use crate::smtp::Address;
use crate::smtp::client::{Config, Outcome};

/// A message being typed.
#[derive(Clone, Debug)]
pub struct Compose {
    pub from: Account,
    pub to: Vec<Address>,
    pub subject: String,
    pub body: Vec<String>,
}

/// `login USER`: who the lab's user agent is.
pub fn login(world: &World, args: &[&str]) -> Result<Account, String> {
    match args {
        [name] => Account::find(world, name).map_err(|e| format!("login: {e}")),
        _ => Err("login: usage: login USER (for example: login alice)".into()),
    }
}

/// `mail [-s SUBJECT] [--from USER] ADDRESS…`: starts composing.
pub fn start(world: &World, user: Option<&Account>, args: &[&str]) -> Result<Compose, String> {
    let usage = "mail: usage: mail [-s SUBJECT] [--from USER] ADDRESS...";
    let mut subject = String::new();
    let mut from = user.cloned();
    let mut to = Vec::new();
    let mut words = args.iter();
    while let Some(&word) = words.next() {
        match word {
            "-s" => subject = words.next().ok_or(usage)?.to_string(),
            "--from" => {
                let name = words.next().ok_or(usage)?;
                from = Some(Account::find(world, name).map_err(|e| format!("mail: {e}"))?);
            }
            other if other.starts_with('-') => {
                return Err(format!(
                    "mail: unknown option '{}'; {usage}",
                    visible(other)
                ));
            }
            address => to.push(
                Address::parse(address)
                    .filter(|a| !a.domain.is_empty())
                    .ok_or_else(|| {
                        format!(
                            "mail: '{}' is not an address like bob@hamburger.edu",
                            visible(address)
                        )
                    })?,
            ),
        }
    }
    let from = from.ok_or("mail: who is writing? 'login alice' first, or give --from alice")?;
    if to.is_empty() {
        return Err(usage.into());
    }
    Ok(Compose {
        from,
        to,
        subject,
        body: Vec::new(),
    })
}

/// The lines that introduce composing.
pub fn started(compose: &Compose) -> Vec<Line> {
    let to: Vec<String> = compose.to.iter().map(|a| format!("<{a}>")).collect();
    vec![
        Line::info(format!(
            "From {} to {}, subject \"{}\".",
            compose.from.address,
            to.join(", "),
            visible(&compose.subject)
        )),
        Line::info("Type the message. A line with a single '.' sends it; Ctrl-] cancels."),
    ]
}

/// Builds the message and submits it; returns what to print.
pub fn send(world: &mut World, compose: Compose) -> Vec<Line> {
    let account = &compose.from;
    let mailbox = |a: &Address| Mailbox {
        name: None,
        route: None,
        local_part: a.local_part.clone(),
        domain: a.domain.clone(),
    };
    let Some(from) = Address::parse(&account.address) else {
        return vec![Line::error(format!(
            "mail: '{}' is not an address",
            visible(&account.address)
        ))];
    };
    let domain = from.domain.clone();
    let draft = Draft {
        from: Some(mailbox(&from)),
        to: compose.to.iter().map(mailbox).collect(),
        subject: compose.subject.clone(),
        text: compose.body.join("\n") + "\n",
        ..Draft::default()
    };
    let message_id = world.ids().message_id(&domain);
    let date = DateTime {
        instant: world.now(),
        offset_minutes: 0,
    };
    let message = draft.build(date, &message_id);
    let agent = format!("{}'s user agent", account.user);
    let relays_before = world.relay_log().last().map_or(0, |r| r.seq);
    let config = Config {
        helo: format!("{}.{domain}", account.user),
        auth: Some((account.user.clone(), account.password.clone())),
        from: Some(from),
        to: compose.to.clone(),
        message: message.clone(),
        dsn_mail: Vec::new(),
        dsn_rcpt: Vec::new(),
    };
    let mut lines = vec![Line::info(format!(
        "{agent} → {}:{SUBMISSION_PORT} (submission)",
        account.host
    ))];
    let run = match world.send_smtp(&agent, &account.host, SUBMISSION_PORT, config) {
        Ok(run) => run,
        Err(e) => {
            lines.push(Line::error(format!("mail: {e}")));
            return lines;
        }
    };
    lines.extend(dialogue_lines(&run.transcript));
    for (to, outcome) in &run.outcomes {
        let reply = outcome.reply();
        let (text, error) = match outcome {
            Outcome::Delivered(_) => (
                format!(
                    "<{to}>: accepted by {} ({} {})",
                    account.host,
                    reply.code,
                    reply.text()
                ),
                false,
            ),
            Outcome::Deferred(_) => (
                format!(
                    "<{to}>: not accepted for now ({} {})",
                    reply.code,
                    reply.text()
                ),
                true,
            ),
            Outcome::Failed(_) => (
                format!("<{to}>: refused ({} {})", reply.code, reply.text()),
                true,
            ),
        };
        lines.push(if error {
            Line::error(text)
        } else {
            Line::info(text)
        });
    }
    let relays: Vec<Line> = world
        .relay_log()
        .filter(|r| r.seq > relays_before)
        .map(|r| {
            Line::info(format!(
                "relay {} → {}: {}",
                r.from_host, r.to_host, r.summary
            ))
        })
        .collect();
    if !relays.is_empty() {
        lines.extend(relays);
        lines.push(Line::info(
            "'relaylog' shows the server-to-server conversation; 'mailq' what is still queued.",
        ));
    }
    let accepted = run
        .outcomes
        .iter()
        .any(|(_, o)| matches!(o, Outcome::Delivered(_)));
    if accepted {
        lines.push(save_to_sent(world, account, &agent, message));
    }
    lines
}

/// What a mail client does after sending: a copy into the sender's Sent folder, with IMAP
/// APPEND (RFC 3501 §6.3.11), `\Seen`, so every client of the account sees what was sent.
fn save_to_sent(world: &mut World, account: &Account, agent: &str, message: Vec<u8>) -> Line {
    let config = ImapConfig {
        user: account.user.clone(),
        password: account.password.clone(),
        login: Login::Auto,
        tasks: vec![Task::Append {
            mailbox: "Sent".into(),
            flags: vec!["\\Seen".into()],
            message,
        }],
    };
    let run = match world.run_imap(agent, &account.host, IMAP_PORT, config) {
        Ok(run) => run,
        Err(e) => return Line::error(format!("mail: the copy for Sent was not saved: {e}")),
    };
    let uid = run.events.iter().find_map(|e| match e {
        ImapEvent::Appended { uid, .. } => Some(*uid),
        _ => None,
    });
    match (&run.result, uid) {
        (Ok(_), Some(uid)) => Line::info(format!(
            "A copy is in {}'s Sent folder (IMAP APPEND, UID {uid}); 'transcript {}' shows \
             that session.",
            account.address,
            run.conn.number()
        )),
        _ => Line::error(format!(
            "mail: the copy for Sent was not saved ('transcript {}' shows why).",
            run.conn.number()
        )),
    }
}

/// `relaylog [N]`: the last N relay conversations (1 by default), oldest first.
pub fn relaylog(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let count = match args {
        [] => 1,
        [n] => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("relaylog: '{}' is not a count", visible(n)))?,
        _ => return Err("relaylog: usage: relaylog [N]".into()),
    };
    let records: Vec<_> = world.relay_log().rev().take(count).collect();
    if records.is_empty() {
        return Ok(vec![Line::info(
            "No relay yet: a server relays mail it accepted for another domain.",
        )]);
    }
    let mut lines = Vec::new();
    for r in records.into_iter().rev() {
        lines.push(Line::info(format!(
            "{} {} → {}:25, queue id {}",
            r.at.rfc5322(),
            r.from_host,
            r.to_host,
            r.queue_id
        )));
        lines.extend(dialogue_lines(&r.transcript));
        lines.push(Line::info(format!("→ {}", r.summary)));
    }
    Ok(lines)
}
