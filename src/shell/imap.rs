//! `imap`: a user agent working on the server's mailboxes with IMAP, every C: and S: line shown.
//! Where POP3 downloads, IMAP leaves everything on the server: folders, flags and moves are
//! server state, and the next session (or another client) sees them.
//!
//! Each `imap USER ACTION …` is one session of the client machine: login, the tasks the action
//! needs, LOGOUT. Message numbers are sequence numbers of the folder (INBOX unless `--in`).

use super::Line;
use super::account::Account;
use super::line::visible;
use super::table;
use crate::imap::client::{Config, Event, Login, Outcome, Task};
use crate::imap::command::{self, CommandBody, SearchKey, SequenceSet, StoreMode};
use crate::imap::response::{AddressData, FetchData, parse_envelope};
use crate::imap::utf7;
use crate::mail::Message;
use crate::mail::encoded_word::decode_unstructured;
use crate::net::{IMAP_PORT, World};
use crate::store::Flags;

const USAGE: &str = "usage: imap USER folders | list | read N | search CRITERIA… | flag N FLAG | \
                     unflag N FLAG | delete N | expunge | copy N FOLDER | move N FOLDER | \
                     create FOLDER | rename OLD NEW | remove FOLDER   [--in FOLDER] \
                     [--client NAME] [--login auto|login|plain] [--password P]";

/// The actions, for tab completion.
pub const ACTIONS: [&str; 13] = [
    "folders", "list", "read", "search", "flag", "unflag", "delete", "expunge", "copy", "move",
    "create", "rename", "remove",
];

/// `imap USER ACTION …`.
pub fn run(world: &mut World, args: &[&str]) -> Result<Vec<Line>, String> {
    let mut folder = "INBOX".to_string();
    let mut client = "laptop".to_string();
    let mut login = Login::Auto;
    let mut password = None;
    let mut words = Vec::new();
    let mut options = args.iter();
    while let Some(&word) = options.next() {
        let mut value = |name: &str| {
            options
                .next()
                .map(|v| v.to_string())
                .ok_or_else(|| format!("imap: {name} needs a value"))
        };
        match word {
            "--in" => folder = value("--in")?,
            "--client" => client = value("--client")?,
            "--password" => password = Some(value("--password")?),
            "--login" => {
                login = match value("--login")?.as_str() {
                    "auto" => Login::Auto,
                    "login" => Login::Login,
                    "plain" => Login::Plain,
                    other => {
                        return Err(format!(
                            "imap: --login is auto, login or plain, not '{}'",
                            visible(other)
                        ));
                    }
                }
            }
            other if other.starts_with("--") => {
                return Err(format!(
                    "imap: unknown option '{}'; {USAGE}",
                    visible(other)
                ));
            }
            other => words.push(other),
        }
    }
    let [user, action, rest @ ..] = words.as_slice() else {
        return Err(format!("imap: {USAGE}"));
    };
    let account = Account::find(world, user).map_err(|e| format!("imap: {e}"))?;
    let (tasks, action) = tasks(action, rest, &folder)?;
    let config = Config {
        user: account.user.clone(),
        password: password.unwrap_or_else(|| account.password.clone()),
        login,
        tasks,
    };
    let agent = format!("{} on {client}", account.address);
    let run = world
        .run_imap(&agent, &account.host, IMAP_PORT, config)
        .map_err(|e| format!("imap: {e}"))?;
    let mut lines = vec![Line::info(format!(
        "{client} ({}) → {}:{IMAP_PORT}",
        account.address, account.host
    ))];
    lines.extend(super::dialogue_lines(&run.transcript));
    match &run.result {
        Ok(_) => lines.extend(summary(action, &run.events, &folder)),
        Err(e) => lines.push(Line::error(format!("imap: {e}"))),
    }
    Ok(lines)
}

/// What an action asks the server, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Folders,
    List,
    Read,
    Search,
    Change,
}

fn tasks(action: &str, rest: &[&str], folder: &str) -> Result<(Vec<Task>, Action), String> {
    let mailbox = folder.to_string();
    let select = Task::Select {
        mailbox: mailbox.clone(),
    };
    let examine = Task::Examine {
        mailbox: mailbox.clone(),
    };
    let arity = |n: usize, usage: &str| {
        if rest.len() == n {
            Ok(())
        } else {
            Err(format!("imap: usage: imap USER {usage}"))
        }
    };
    let store = |set: &str, mode, flag: &str| -> Result<Task, String> {
        Ok(Task::Store {
            set: sequence_set(set)?,
            uid: false,
            mode,
            flags: vec![flag_name(flag)],
        })
    };
    Ok(match action {
        "folders" => {
            arity(0, "folders")?;
            let list = Task::List {
                reference: String::new(),
                pattern: "*".into(),
            };
            (vec![list], Action::Folders)
        }
        "list" => {
            arity(0, "list [--in FOLDER]")?;
            // By UID: `1:*` by sequence number is BAD in an empty folder (RFC 3501 §9).
            let all = sequence_set("1:*")?;
            let fetch = Task::FetchHeaders {
                set: all,
                uid: true,
            };
            (vec![examine, fetch], Action::List)
        }
        "read" => {
            arity(1, "read N [--in FOLDER]")?;
            let set = sequence_set(rest[0])?;
            // A reader opens the message, and it is then \Seen (the flag is server state).
            let fetch = Task::FetchBody {
                set: set.clone(),
                uid: false,
            };
            let seen = Task::Store {
                set,
                uid: false,
                mode: StoreMode::Add,
                flags: vec!["\\Seen".into()],
            };
            (vec![select, fetch, seen], Action::Read)
        }
        "search" => {
            if rest.is_empty() {
                return Err(
                    "imap: usage: imap USER search CRITERIA… (e.g. FROM alice UNSEEN)".into(),
                );
            }
            let criteria = search_key(rest)?;
            (
                vec![
                    examine,
                    Task::Search {
                        criteria,
                        uid: false,
                    },
                ],
                Action::Search,
            )
        }
        "flag" | "unflag" => {
            arity(2, &format!("{action} N FLAG (e.g. {action} 1 flagged)"))?;
            let mode = if action == "flag" {
                StoreMode::Add
            } else {
                StoreMode::Remove
            };
            (vec![select, store(rest[0], mode, rest[1])?], Action::Change)
        }
        "delete" => {
            arity(1, "delete N   (marks \\Deleted; 'expunge' removes)")?;
            (
                vec![select, store(rest[0], StoreMode::Add, "deleted")?],
                Action::Change,
            )
        }
        "expunge" => {
            arity(0, "expunge [--in FOLDER]")?;
            (vec![select, Task::Expunge], Action::Change)
        }
        "copy" | "move" => {
            arity(2, &format!("{action} N FOLDER"))?;
            let set = sequence_set(rest[0])?;
            let target = rest[1].to_string();
            let task = if action == "copy" {
                Task::Copy {
                    set,
                    uid: false,
                    mailbox: target,
                }
            } else {
                Task::Move {
                    set,
                    uid: false,
                    mailbox: target,
                }
            };
            (vec![select, task], Action::Change)
        }
        "create" => {
            arity(1, "create FOLDER")?;
            let task = Task::Create {
                mailbox: rest[0].to_string(),
            };
            (vec![task], Action::Change)
        }
        "rename" => {
            arity(2, "rename OLD NEW")?;
            let task = Task::Rename {
                from: rest[0].to_string(),
                to: rest[1].to_string(),
            };
            (vec![task], Action::Change)
        }
        "remove" => {
            arity(1, "remove FOLDER")?;
            let task = Task::Delete {
                mailbox: rest[0].to_string(),
            };
            (vec![task], Action::Change)
        }
        other => {
            return Err(format!(
                "imap: unknown action '{}'; {USAGE}",
                visible(other)
            ));
        }
    })
}

/// `seen`, `flagged`, `\Flagged` or a keyword such as `$Important`.
fn flag_name(word: &str) -> String {
    // The store knows the system flags' names; a bare `seen` is `\Seen`.
    let bare = word.strip_prefix('\\').unwrap_or(word);
    match Flags::from_name(&format!("\\{bare}")).and_then(|f| f.names().next()) {
        Some(flag) => flag.to_string(),
        None => word.to_string(),
    }
}

/// A sequence set typed by the user (`3`, `1:4`, `2,5:*`), read by the IMAP grammar itself.
fn sequence_set(text: &str) -> Result<SequenceSet, String> {
    match parse_as(&format!("FETCH {text} FLAGS")) {
        Some(CommandBody::Fetch { set, .. }) => Ok(set),
        _ => Err(format!(
            "imap: '{}' is not a message number or set (e.g. 3, 1:4, 2,5:*)",
            visible(text)
        )),
    }
}

/// Search criteria typed as words (RFC 3501 §6.4.4), read by the IMAP grammar itself.
fn search_key(words: &[&str]) -> Result<SearchKey, String> {
    let text: Vec<String> = words
        .iter()
        .map(|w| {
            let atom = !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"\"\\".contains(&b));
            if atom {
                w.to_string()
            } else {
                format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect();
    match parse_as(&format!("SEARCH {}", text.join(" "))) {
        Some(CommandBody::Search { criteria, .. }) => Ok(criteria),
        _ => Err(format!(
            "imap: '{}' are not search criteria (e.g. FROM alice, UNSEEN, SUBJECT crepes, \
             SINCE 1-Nov-2026, OR FLAGGED NEW)",
            visible(&words.join(" "))
        )),
    }
}

fn parse_as(text: &str) -> Option<CommandBody> {
    let line = format!("x {text}\r\n");
    match command::parse(line.as_bytes(), 0) {
        Ok(command::Parsed::Complete { command, .. }) => Some(command.body),
        _ => None,
    }
}

/// What the session found, for a student to read after the dialogue.
fn summary(action: Action, events: &[Event], folder: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    for event in events {
        if let Event::TaskDone {
            outcome:
                Outcome::Refused { text, .. } | Outcome::Skipped(text) | Outcome::Abandoned(text),
            ..
        } = event
        {
            let line = Line::error(format!("imap: {}", visible(text)));
            if lines.last() != Some(&line) {
                lines.push(line);
            }
        }
    }
    match action {
        Action::Folders => {
            let rows: Vec<[String; 2]> = events
                .iter()
                .filter_map(|e| match e {
                    Event::Listed(list) => Some(list),
                    _ => None,
                })
                .flatten()
                .map(|l| {
                    [
                        visible(&utf7::decode_lossy(&l.mailbox)),
                        l.attributes.join(" "),
                    ]
                })
                .collect();
            lines.extend(table(["FOLDER", "ATTRIBUTES"], &rows));
        }
        Action::List => {
            let rows: Vec<[String; 6]> = events.iter().filter_map(header_row).collect();
            if rows.is_empty() && lines.is_empty() {
                lines.push(Line::info(format!("{}: no messages.", visible(folder))));
            } else {
                lines.extend(table(
                    ["#", "UID", "FLAGS", "SIZE", "FROM", "SUBJECT"],
                    &rows,
                ));
            }
        }
        Action::Read => {
            for event in events {
                let Event::Fetched { number, data, .. } = event else {
                    continue;
                };
                let body = data.iter().find_map(|d| match d {
                    FetchData::BodySection {
                        data: Some(raw), ..
                    } => Some(raw),
                    _ => None,
                });
                if let Some(raw) = body {
                    lines.push(Line::info(format!("── message {number} ──")));
                    lines.extend(readable(raw));
                }
            }
        }
        Action::Search => {
            for event in events {
                if let Event::Searched(found) = event {
                    let numbers: Vec<String> = found.iter().map(u32::to_string).collect();
                    lines.push(Line::info(if numbers.is_empty() {
                        "No message matches.".to_string()
                    } else {
                        format!("Matching messages: {}", numbers.join(" "))
                    }));
                }
            }
        }
        Action::Change => {
            for event in events {
                match event {
                    Event::Copied(copied) => lines.push(Line::info(format!(
                        "New UIDs in the target folder: {} (its UIDVALIDITY is {}).",
                        set_text(&copied.destination),
                        copied.uid_validity
                    ))),
                    Event::Expunged { number, .. } => {
                        lines.push(Line::info(format!("Message {number} was expunged.")))
                    }
                    Event::Fetched { number, data, .. } => {
                        if let Some(FetchData::Flags(flags)) =
                            data.iter().find(|d| matches!(d, FetchData::Flags(_)))
                        {
                            lines.push(Line::info(format!(
                                "Message {number} now has flags ({}).",
                                flags.join(" ")
                            )));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    lines
}

fn header_row(event: &Event) -> Option<[String; 6]> {
    let Event::Fetched { number, uid, data } = event else {
        return None;
    };
    let mut flags = String::new();
    let mut size = String::new();
    for item in data {
        match item {
            FetchData::Flags(f) => flags = f.join(" "),
            FetchData::Rfc822Size(n) => size = n.to_string(),
            _ => {}
        }
    }
    let (from, subject) = data
        .iter()
        .find_map(|d| match d {
            FetchData::Envelope(raw) => Some(envelope_summary(raw)),
            _ => None,
        })
        .unwrap_or_default();
    Some([
        number.to_string(),
        uid.map(|u| u.to_string()).unwrap_or_default(),
        flags,
        size,
        visible(&from),
        visible(&subject),
    ])
}

/// The sender and subject of an ENVELOPE as the server wrote it, read with the IMAP module's
/// own grammar.
fn envelope_summary(raw: &[u8]) -> (String, String) {
    let Some(envelope) = parse_envelope(raw) else {
        return (String::new(), String::new());
    };
    let from = envelope
        .from
        .first()
        .map(AddressData::address)
        .unwrap_or_default();
    let subject = envelope
        .subject
        .map(|s| decode_unstructured(&String::from_utf8_lossy(&s)))
        .unwrap_or_default();
    (from, subject)
}

/// A message as a reader sees it: the main header fields, then the text.
fn readable(raw: &[u8]) -> Vec<Line> {
    let message = Message::parse(raw);
    let mut lines = Vec::new();
    for name in ["From", "To", "Cc", "Date", "Subject"] {
        if let Some(value) = message.field_value(name) {
            let text = decode_unstructured(&String::from_utf8_lossy(&value));
            lines.push(Line::info(format!("{name}: {}", visible(text.trim()))));
        }
    }
    lines.push(Line::info(String::new()));
    match message.body_text() {
        Some(text) => lines.extend(text.lines().map(|l| Line::info(visible(l)))),
        None => lines.push(Line::info("(no text part; 'show' prints the raw octets)")),
    }
    lines
}

fn set_text(set: &SequenceSet) -> String {
    let mut out = Vec::new();
    command::write_sequence_set(set, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
