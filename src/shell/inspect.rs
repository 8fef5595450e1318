//! Commands that show the truth on the server side: the accounts of each host, DNS, a user's
//! folders, the messages of a mailbox, and one message raw or as its MIME tree. They read the
//! world and print; they change nothing.
//!
//! Mail content is data: it is printed as text lines, control characters made visible, never
//! interpreted.

use super::Line;
use super::line::visible;
use super::table;
use crate::mail::Message;
use crate::mail::anatomy::{self, PartView, Shape};
use crate::net::{Host, World};
use crate::store::{Flags, Message as Stored, Uid};

/// `users [HOST]`: every account of every mail host (or of one).
pub fn users(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let only = match args {
        [] => None,
        [host] => Some(find_host(world, "users", host)?.name().to_string()),
        _ => return Err("users: usage: users [HOST]".into()),
    };
    let mut rows = Vec::new();
    for host in world
        .hosts()
        .filter(|h| only.as_deref().is_none_or(|o| o == h.name()))
    {
        let store = host.store();
        for user in store.accounts() {
            let messages: usize = store
                .mailboxes(user)
                .unwrap_or_default()
                .iter()
                .filter_map(|m| store.status(user, m.name.as_str()).ok())
                .map(|s| s.messages as usize)
                .sum();
            let addresses = store.addresses(user).unwrap_or_default().join(" ");
            rows.push([
                host.name().to_string(),
                user.to_string(),
                addresses,
                messages.to_string(),
            ]);
        }
    }
    if rows.is_empty() {
        return Ok(vec![Line::info("No accounts.")]);
    }
    Ok(table(["HOST", "USER", "ADDRESSES", "MESSAGES"], &rows))
}

/// `dig NAME [A|MX]` and `mx DOMAIN`: what the name service answers, in dig's zone-file style.
pub fn dig(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let (name, kind) = match args {
        [name] => (*name, "A"),
        [name, kind] => (*name, *kind),
        _ => return Err("dig: usage: dig NAME [A|MX]".into()),
    };
    let fqdn = format!("{}.", crate::net::normalize(name));
    let mut lines = vec![Line::info(format!(
        ";; QUESTION: {fqdn} IN {}",
        kind.to_ascii_uppercase()
    ))];
    let answers: Vec<String> = match kind.to_ascii_uppercase().as_str() {
        "A" => world
            .dns()
            .resolve(name)
            .filter(|_| name.parse::<std::net::Ipv4Addr>().is_err())
            .map(|addr| format!("{fqdn}\t3600\tIN\tA\t{addr}"))
            .into_iter()
            .collect(),
        "MX" => world
            .dns()
            .mx(name)
            .iter()
            .map(|mx| format!("{fqdn}\t3600\tIN\tMX\t{} {}.", mx.preference, mx.host))
            .collect(),
        other => {
            return Err(format!(
                "dig: record type '{}' is not served here (A or MX)",
                visible(other)
            ));
        }
    };
    if answers.is_empty() {
        lines.push(Line::info(
            ";; no answer (NXDOMAIN or no record of this type)",
        ));
    } else {
        lines.push(Line::info(";; ANSWER SECTION:"));
        lines.extend(answers.into_iter().map(Line::info));
    }
    Ok(lines)
}

/// `folders HOST USER` (or `folders USER@DOMAIN`): a user's mailboxes with their attributes and
/// counts.
pub fn folders(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let (host, user, rest) = account(world, "folders", args)?;
    if !rest.is_empty() {
        return Err("folders: usage: folders HOST USER | folders USER@DOMAIN".into());
    }
    let store = host.store();
    let mut rows = Vec::new();
    for info in store
        .mailboxes(&user)
        .map_err(|e| format!("folders: {e}"))?
    {
        let name = info.name.as_str().to_string();
        let attributes = info.attributes().join(" ");
        let counts = match store.status(&user, &name) {
            Ok(s) => [
                s.messages.to_string(),
                s.unseen.to_string(),
                s.recent.to_string(),
                s.uid_validity.get().to_string(),
                s.uid_next.get().to_string(),
            ],
            Err(_) => Default::default(),
        };
        let [messages, unseen, recent, validity, next] = counts;
        rows.push([name, attributes, messages, unseen, recent, validity, next]);
    }
    let mut lines = vec![Line::info(format!(
        "Mailboxes of {user} on {}:",
        host.name()
    ))];
    lines.extend(table(
        [
            "MAILBOX",
            "ATTRIBUTES",
            "MESSAGES",
            "UNSEEN",
            "RECENT",
            "UIDVALIDITY",
            "UIDNEXT",
        ],
        &rows,
    ));
    Ok(lines)
}

/// `mailbox HOST USER [FOLDER]` (or `mailbox USER@DOMAIN [FOLDER]`): the messages of a mailbox
/// as the server holds them.
pub fn mailbox(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let (host, user, rest) = account(world, "mailbox", args)?;
    let folder = match rest {
        [] => "INBOX",
        [folder] => *folder,
        _ => {
            return Err(
                "mailbox: usage: mailbox HOST USER [FOLDER] | mailbox USER@DOMAIN [FOLDER]".into(),
            );
        }
    };
    let store = host.store();
    let status = store
        .status(&user, folder)
        .map_err(|e| format!("mailbox: {e}"))?;
    let messages = store
        .messages(&user, folder)
        .map_err(|e| format!("mailbox: {e}"))?;
    let recent: Vec<Uid> = store
        .mailbox(&user, folder)
        .map(|m| m.recent().collect())
        .unwrap_or_default();
    let mut lines = vec![Line::info(format!(
        "{folder} of {user} on {}: {} message{}, {} octets, UIDVALIDITY {}, UIDNEXT {}",
        host.name(),
        status.messages,
        if status.messages == 1 { "" } else { "s" },
        status.size,
        status.uid_validity.get(),
        status.uid_next.get(),
    ))];
    if messages.is_empty() {
        return Ok(lines);
    }
    let rows: Vec<[String; 7]> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let parsed = Message::parse(m.raw());
            let from = parsed
                .from()
                .first()
                .map(|f| f.reader_name())
                .unwrap_or_default();
            [
                (i + 1).to_string(),
                m.uid().get().to_string(),
                flag_letters(m, recent.binary_search(&m.uid()).is_ok()),
                m.size().to_string(),
                short_date(m),
                visible(&truncate(&from, 24)),
                visible(&truncate(&parsed.subject().unwrap_or_default(), 40)),
            ]
        })
        .collect();
    lines.extend(table(
        ["#", "UID", "FLAGS", "SIZE", "RECEIVED", "FROM", "SUBJECT"],
        &rows,
    ));
    lines.push(Line::info(
        "Flags: S seen, A answered, F flagged, D deleted, T draft, + keywords; \
         N recent (no session has seen it yet).",
    ));
    Ok(lines)
}

/// `show HOST USER UID [FOLDER] [--crlf|--mime]` (or `show USER@DOMAIN UID …`): one message,
/// raw (line ends made visible with `--crlf`) or as its MIME tree.
pub fn show(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let usage = "show: usage: show HOST USER UID [FOLDER] [--crlf|--mime]";
    let (flags, args): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with("--"));
    let (host, user, rest) = account(world, "show", &args)?;
    let (uid, folder) = match rest {
        [uid] => (*uid, "INBOX"),
        [uid, folder] => (*uid, *folder),
        _ => return Err(usage.into()),
    };
    let uid = uid
        .parse::<u32>()
        .ok()
        .and_then(Uid::new)
        .ok_or_else(|| format!("show: '{}' is not a UID (a number from 1)", visible(uid)))?;
    let message = host
        .store()
        .message(&user, folder, uid)
        .map_err(|e| format!("show: {e}"))?;
    let raw = message.raw();
    match flags.as_slice() {
        [] => Ok(raw_lines(raw, false)),
        ["--crlf"] => Ok(raw_lines(raw, true)),
        ["--mime"] => Ok(mime_tree(raw)),
        _ => Err(usage.into()),
    }
}

/// The stored octets as lines; with `crlf`, each line end is shown as ␍␊ (a bare LF as ␊).
fn raw_lines(raw: &[u8], crlf: bool) -> Vec<Line> {
    let mut lines: Vec<Line> = anatomy::lines(raw)
        .map(|(line, end)| {
            let mut text = visible(&String::from_utf8_lossy(line));
            if crlf {
                text.push_str(end.pictured());
            }
            Line::info(text)
        })
        .collect();
    lines.push(Line::info(format!("({} octets)", raw.len())));
    lines
}

/// The MIME tree: IMAP part numbers, types, encodings, sizes, file names.
fn mime_tree(raw: &[u8]) -> Vec<Line> {
    let message = Message::parse(raw);
    let mut lines = vec![Line::info(format!(
        "{} octets; header {} octets, body {} octets",
        raw.len(),
        message.root().header.len(),
        message.root().body.len()
    ))];
    for part in anatomy::outline(&message) {
        lines.push(Line::info(format!(
            "{}{:<6} {}",
            "  ".repeat(part.depth()),
            part.label(),
            describe(&part)
        )));
    }
    lines
}

fn describe(part: &PartView) -> String {
    let mut text = part.media_type.clone();
    if let Some(charset) = &part.charset {
        text.push_str(&format!("; charset={}", visible(charset)));
    }
    match &part.shape {
        Shape::Multipart { parts } => {
            text.push_str(&format!(
                ", {parts} part{}",
                if *parts == 1 { "" } else { "s" }
            ));
        }
        Shape::Message => text.push_str(", an encapsulated message"),
        Shape::Leaf {
            encoding,
            octets,
            lines,
            filename,
        } => {
            text.push_str(&format!(", {encoding}, {octets} octets"));
            if let Some(lines) = lines {
                text.push_str(&format!(", {lines} lines"));
            }
            if let Some(name) = filename {
                text.push_str(&format!(", file \"{}\"", visible(name)));
            }
        }
    }
    text
}

/// Resolves `HOST USER …` or `USER@DOMAIN …` to a host, the account name and the other args.
fn account<'w, 'a>(
    world: &'w World,
    command: &str,
    args: &'a [&'a str],
) -> Result<(&'w Host, String, &'a [&'a str]), String> {
    let usage = || format!("{command}: name an account as HOST USER or USER@DOMAIN");
    let first = *args.first().ok_or_else(usage)?;
    if let Some((local, domain)) = first.rsplit_once('@') {
        let host = world.mail_host(domain).ok_or_else(|| {
            format!(
                "{command}: no mail host for '{}' (no MX record)",
                visible(domain)
            )
        })?;
        let user = host
            .store()
            .account_for_address(first)
            .ok_or_else(|| {
                format!(
                    "{command}: {} has no account '{}'",
                    host.name(),
                    visible(local)
                )
            })?
            .to_string();
        return Ok((host, user, args.get(1..).unwrap_or_default()));
    }
    let host = find_host(world, command, first)?;
    let user = *args.get(1).ok_or_else(usage)?;
    if !host.store().accounts().any(|a| a == user) {
        return Err(format!(
            "{command}: {} has no account '{}'",
            host.name(),
            visible(user)
        ));
    }
    Ok((host, user.to_string(), args.get(2..).unwrap_or_default()))
}

fn find_host<'w>(world: &'w World, command: &str, name: &str) -> Result<&'w Host, String> {
    world
        .host(name)
        .ok_or_else(|| format!("{command}: unknown host '{}'", visible(name)))
}

/// One letter a flag, in a fixed order; `N` for a message no session has seen as recent yet.
fn flag_letters(m: &Stored, recent: bool) -> String {
    let flags = m.flags();
    let mut out: String = [
        (Flags::SEEN, 'S'),
        (Flags::ANSWERED, 'A'),
        (Flags::FLAGGED, 'F'),
        (Flags::DELETED, 'D'),
        (Flags::DRAFT, 'T'),
    ]
    .iter()
    .filter(|(f, _)| flags.contains(*f))
    .map(|&(_, c)| c)
    .collect();
    if recent {
        out.push('N');
    }
    if !m.keywords().is_empty() {
        out.push('+');
    }
    if out.is_empty() { "-".into() } else { out }
}

fn short_date(m: &Stored) -> String {
    let c = m.internal_date().civil();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute
    )
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// `mailq`: the messages waiting in the hosts' relay queues.
pub fn mailq(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    if !args.is_empty() {
        return Err("mailq: takes no arguments".into());
    }
    let queue = world.queue();
    if queue.is_empty() {
        return Ok(vec![Line::info("Mail queues are empty.")]);
    }
    let now = world.now();
    let rows: Vec<[String; 7]> = queue
        .iter()
        .map(|q| {
            let from = q
                .job
                .from
                .as_ref()
                .map_or_else(|| "<>".to_string(), |a| format!("<{a}>"));
            let to: Vec<String> = q.job.to.iter().map(|a| format!("<{a}>")).collect();
            [
                q.host.clone(),
                q.job.queue_id.clone(),
                q.job.raw.len().to_string(),
                from,
                to.join(" "),
                // RFC 5321 §4.5.4.1: the sender's server retries on its own schedule.
                format!(
                    "{} ({})",
                    super::clock(q.next_attempt),
                    super::until(now, q.next_attempt)
                ),
                match &q.last_error {
                    Some(error) => format!("{} tried; last: {}", q.attempts, visible(error)),
                    None => format!("{} tried", q.attempts),
                },
            ]
        })
        .collect();
    let mut lines = table(
        [
            "HOST", "QUEUE ID", "SIZE", "FROM", "TO", "NEXT TRY", "STATUS",
        ],
        &rows,
    );
    lines.push(Line::info(format!(
        "{} message{} queued.",
        queue.len(),
        if queue.len() == 1 { "" } else { "s" }
    )));
    Ok(lines)
}
