//! The Mailboxes panel: the server-side truth of every mail host. Pick an account; see its
//! folders (special-use roles, counts), the message list (number, UID, flags, size, from,
//! subject, received) and one message (`message.rs`). The user agents' local mailboxes — what
//! POP3 clients downloaded — are listed apart and shown with a banner that says so.
//!
//! Everything is read from the world when the panel renders, and it renders whenever the lab's
//! generation moves: a delivery, a flag, an expunge from any terminal (or from the clock, a relay
//! retry) shows at once. What the panel looks at is `LabHandle::mailboxes`. Mail content goes
//! into text nodes only.

use std::sync::Arc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::message::Message;
use crate::mail;
use crate::net::World;
use crate::shell::visible;
use crate::store::{Flags, Store, Uid};
use crate::web::LabHandle;
use crate::web::state::{MailSource, MailboxesView};

/// The most messages listed at once (the newest); the shell's `mailbox` lists them all.
const MAX_ROWS: usize = 200;

/// The mark of a message no IMAP session has claimed as `\Recent` yet.
const NEW: &str = "new";

/// One message as a row of the list.
struct Row {
    /// Sequence number (server) or position (local), from 1.
    number: usize,
    /// The UID (server) or the UIDL (local).
    id: String,
    /// What `MailboxesView::message` holds for this row.
    key: u32,
    flags: Vec<String>,
    seen: bool,
    deleted: bool,
    size: usize,
    from: String,
    subject: String,
    date: String,
    raw: Arc<[u8]>,
}

/// The panel, drawn (a plain function, not a component: it keeps no state of its own).
pub fn mailboxes(lab: &LabHandle) -> Html {
    let view = lab.mailboxes();
    lab.read(|l| render(lab, l.world(), view))
}

fn render(lab: &LabHandle, world: &World, view: MailboxesView) -> Html {
    // Every mailbox the panel can show: each account of each mail host, then each user agent.
    let mut sources: Vec<MailSource> = Vec::new();
    let mut groups = Vec::new();
    for host in world.hosts() {
        let start = sources.len();
        for user in host.store().accounts() {
            sources.push(MailSource::Account {
                host: host.name().to_string(),
                user: user.to_string(),
            });
        }
        if sources.len() > start {
            groups.push((format!("Server {}", host.name()), start..sources.len()));
        }
    }
    let start = sources.len();
    for (name, _) in world.agents().iter() {
        sources.push(MailSource::Agent(name.to_string()));
    }
    if sources.len() > start {
        groups.push((
            "User agents: local copies (POP3)".to_string(),
            start..sources.len(),
        ));
    }
    // Until one is chosen: the first account with mail in its INBOX (where the scenario's
    // messages are), else the first.
    let has_mail = |s: &&MailSource| match s {
        MailSource::Account { host, user } => world
            .host(host)
            .and_then(|h| h.store().status(user, "INBOX").ok())
            .is_some_and(|st| st.messages > 0),
        MailSource::Agent(_) => false,
    };
    let current = view
        .source
        .clone()
        .filter(|s| sources.contains(s))
        .or_else(|| sources.iter().find(has_mail).cloned())
        .or_else(|| sources.first().cloned());
    let Some(current) = current else {
        return html! { <p class="card hint">{"No mail host in this world."}</p> };
    };

    let picker = {
        let options = groups
            .into_iter()
            .map(|(label, range)| {
                let options = range
                    .filter_map(|i| sources.get(i).map(|s| (i, s)))
                    .map(|(i, source)| {
                        html! {
                            <option value={i.to_string()} selected={*source == current}>
                                {source_label(world, source)}
                            </option>
                        }
                    })
                    .collect::<Html>();
                html! { <optgroup {label}>{options}</optgroup> }
            })
            .collect::<Html>();
        let onchange = {
            let lab = lab.clone();
            let view = view.clone();
            Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                let picked = select
                    .value()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| sources.get(i));
                if let Some(source) = picked {
                    lab.set_mailboxes(MailboxesView {
                        source: Some(source.clone()),
                        folder: String::new(),
                        message: None,
                        ..view.clone()
                    });
                }
            })
        };
        html! {
            <div class="mbx-pick">
                <label for="mbx-source">{"Mailbox of"}</label>
                <select id="mbx-source" {onchange}>{options}</select>
            </div>
        }
    };

    let (top, message) = match &current {
        MailSource::Account { host, user } => match world.host(host) {
            Some(h) => server_mailbox(lab, &view, h.name(), h.store(), user),
            None => (Html::default(), Html::default()),
        },
        MailSource::Agent(name) => local_mailbox(lab, &view, world, name),
    };
    html! {
        <>
            <section class="card mailboxes" aria-label="Mailbox">
                {picker}
                {top}
            </section>
            {message}
        </>
    }
}

/// How a mailbox is named in the picker.
fn source_label(world: &World, source: &MailSource) -> String {
    match source {
        MailSource::Account { host, user } => {
            let addresses = world
                .host(host)
                .and_then(|h| h.store().addresses(user).ok())
                .map(|a| a.join(", "))
                .unwrap_or_default();
            if addresses.is_empty() {
                user.clone()
            } else {
                format!("{user} — {addresses}")
            }
        }
        MailSource::Agent(name) => name.clone(),
    }
}

/// A server account: the banner, its folders, the folder's facts, its messages, the message.
fn server_mailbox(
    lab: &LabHandle,
    view: &MailboxesView,
    host: &str,
    store: &Store,
    user: &str,
) -> (Html, Html) {
    let folders = store.mailboxes(user).unwrap_or_default();
    let folder = folders
        .iter()
        .find(|f| !f.noselect && f.name.as_str() == view.folder)
        .map_or("INBOX", |f| f.name.as_str())
        .to_string();
    let chips = folders
        .iter()
        .map(|f| {
            let name = f.name.as_str().to_string();
            let status = store.status(user, &name).ok();
            let current = name == folder;
            let onclick = {
                let lab = lab.clone();
                let view = view.clone();
                let name = name.clone();
                Callback::from(move |_: MouseEvent| {
                    lab.set_mailboxes(MailboxesView {
                        folder: name.clone(),
                        message: None,
                        ..view.clone()
                    });
                })
            };
            let role = f.special_use.map(|s| s.attribute());
            let count = status.map(|s| s.messages).unwrap_or(0);
            let unseen = status.map(|s| s.unseen).unwrap_or(0);
            html! {
                <li>
                    <button type="button" class={classes!("folder", current.then_some("current"))}
                            aria-current={current.then_some("true")} disabled={f.noselect}
                            {onclick}>
                        <span class="folder-name">{visible(&name)}</span>
                        if let Some(role) = role {
                            <span class="folder-role">{role}</span>
                        }
                        <span class="folder-count">
                            {count}
                            if unseen > 0 {
                                <span class="folder-unseen">{format!(" · {unseen} unseen")}</span>
                            }
                        </span>
                    </button>
                </li>
            }
        })
        .collect::<Html>();

    let Ok(mailbox) = store.mailbox(user, &folder) else {
        let note = html! { <p class="hint">{"This mailbox cannot be read."}</p> };
        return (note, Html::default());
    };
    let status = mailbox.status();
    let recent: Vec<Uid> = mailbox.recent().collect();
    let messages = mailbox.messages();
    let skip = messages.len().saturating_sub(MAX_ROWS);
    let rows: Vec<Row> = messages
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, m)| {
            let parsed = mail::Message::parse(m.raw());
            let flags = m.flags();
            let mut names: Vec<String> = flags.names().map(str::to_string).collect();
            if recent.contains(&m.uid()) {
                names.push(NEW.to_string());
            }
            names.extend(m.keywords().iter().map(|k| visible(k.as_str())));
            Row {
                number: i + 1,
                id: m.uid().get().to_string(),
                key: m.uid().get(),
                flags: names,
                seen: flags.contains(Flags::SEEN),
                deleted: flags.contains(Flags::DELETED),
                size: m.size(),
                from: from_of(&parsed),
                subject: subject_of(&parsed),
                date: short_date(m.internal_date()),
                raw: m.raw().clone(),
            }
        })
        .collect();
    let facts = html! {
        <p class="mbx-facts">
            <span><strong>{visible(&folder)}</strong></span>
            <span>{plural(status.messages as usize, "message")}</span>
            <span>{format!("{} octets", status.size)}</span>
            <span>{format!("{} unseen", status.unseen)}</span>
            <span>{format!("{} recent", status.recent)}</span>
            <span>{format!("UIDVALIDITY {}", status.uid_validity.get())}</span>
            <span>{format!("UIDNEXT {}", status.uid_next.get())}</span>
        </p>
    };
    let title = |row: &Row| format!("UID {} in {} of {user} on {host}", row.id, visible(&folder));
    let (list, message) = message_list(lab, view, &rows, true, skip, &title);
    let top = html! {
        <>
            <p class="mbx-banner server">
                <span class="mbx-where">{"Server side"}</span>
                {format!("{user}'s mail as {host} stores it: what POP3 and IMAP sessions see.")}
            </p>
            <nav class="mbx-folders" aria-label={format!("Folders of {user}")}>
                <ul>{chips}</ul>
            </nav>
            {facts}
            {list}
        </>
    };
    (top, message)
}

/// A user agent's local mailbox: what it downloaded, not what the server holds.
fn local_mailbox(
    lab: &LabHandle,
    view: &MailboxesView,
    world: &World,
    agent: &str,
) -> (Html, Html) {
    let local = world
        .agents()
        .get(agent)
        .map(|a| a.local.as_slice())
        .unwrap_or_default();
    let skip = local.len().saturating_sub(MAX_ROWS);
    let rows: Vec<Row> = local
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, m)| {
            let parsed = mail::Message::parse(&m.raw);
            Row {
                number: i + 1,
                id: visible(&m.uidl),
                key: u32::try_from(i + 1).unwrap_or(u32::MAX),
                flags: Vec::new(),
                seen: true,
                deleted: false,
                size: m.raw.len(),
                from: from_of(&parsed),
                subject: subject_of(&parsed),
                date: parsed
                    .date()
                    .map(|d| short_date(d.instant))
                    .unwrap_or_default(),
                raw: Arc::from(m.raw.as_slice()),
            }
        })
        .collect();
    let title = |row: &Row| format!("Local message {} of {agent}", row.number);
    let (list, message) = message_list(lab, view, &rows, false, skip, &title);
    let top = html! {
        <>
            <p class="mbx-banner agent">
                <span class="mbx-where">{"User agent"}</span>
                {format!("A copy on {agent}'s own disk, downloaded with POP3 ({}). \
                          The server's mailbox is separate: download-and-delete removed it there, \
                          download-and-keep left it.", plural(local.len(), "message"))}
            </p>
            {list}
        </>
    };
    (top, message)
}

/// The message list, and the message chosen in it.
fn message_list(
    lab: &LabHandle,
    view: &MailboxesView,
    rows: &[Row],
    server: bool,
    skipped: usize,
    title: &dyn Fn(&Row) -> String,
) -> (Html, Html) {
    if rows.is_empty() {
        let empty = html! { <p class="hint mbx-empty">{"No messages here."}</p> };
        return (empty, Html::default());
    }
    let chosen = rows.iter().find(|r| Some(r.key) == view.message);
    let body = rows
        .iter()
        .map(|row| {
            let current = Some(row.key) == view.message;
            let onclick = {
                let lab = lab.clone();
                let view = view.clone();
                let key = row.key;
                Callback::from(move |_: MouseEvent| {
                    lab.set_mailboxes(MailboxesView {
                        message: Some(key),
                        ..view.clone()
                    });
                })
            };
            let flags = row
                .flags
                .iter()
                .map(|f| {
                    html! { <span class={classes!("flag", (f == NEW).then_some("new"))}>{f.as_str()}</span> }
                })
                .collect::<Html>();
            let subject = if row.subject.is_empty() {
                "(no subject)".to_string()
            } else {
                row.subject.clone()
            };
            html! {
                <tr class={classes!(current.then_some("current"), (!row.seen).then_some("unseen"),
                                    row.deleted.then_some("deleted"))}>
                    <td class="num">{row.number}</td>
                    <td class="num">{row.id.as_str()}</td>
                    if server { <td class="flags">{flags}</td> }
                    <td class="from" title={row.from.clone()}>{row.from.as_str()}</td>
                    <td class="subject">
                        <button type="button" class="open" aria-current={current.then_some("true")}
                                {onclick}>{subject}</button>
                    </td>
                    <td class="num">{row.size}</td>
                    <td class="date">{row.date.as_str()}</td>
                </tr>
            }
        })
        .collect::<Html>();
    let message = match chosen {
        Some(row) => {
            let on_aspect = {
                let lab = lab.clone();
                let view = view.clone();
                Callback::from(move |aspect| {
                    lab.set_mailboxes(MailboxesView {
                        aspect,
                        ..view.clone()
                    });
                })
            };
            let on_line_ends = {
                let lab = lab.clone();
                let view = view.clone();
                Callback::from(move |line_ends| {
                    lab.set_mailboxes(MailboxesView {
                        line_ends,
                        ..view.clone()
                    });
                })
            };
            html! {
                <Message raw={row.raw.clone()} title={title(row)} aspect={view.aspect}
                         line_ends={view.line_ends} {on_aspect} {on_line_ends} />
            }
        }
        None => html! {
            <p class="card hint">{"Choose a message's subject to see it: its text, header fields, \
                              MIME tree and raw octets."}</p>
        },
    };
    let list = html! {
        <>
            if skipped > 0 {
                <p class="hint">{format!("The newest {MAX_ROWS} of {} messages; the terminal's \
                                          'mailbox' command lists them all.", skipped + rows.len())}</p>
            }
            <div class="mbx-list">
                <table>
                    <caption class="sr-only">{"Messages"}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{"#"}</th>
                            <th scope="col" class="num">{if server { "UID" } else { "UIDL" }}</th>
                            if server { <th scope="col">{"Flags"}</th> }
                            <th scope="col">{"From"}</th>
                            <th scope="col">{"Subject"}</th>
                            <th scope="col" class="num">{"Size"}</th>
                            <th scope="col">{if server { "Received" } else { "Date" }}</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            if server {
                <p class="legend">
                    <span class="flag new">{NEW}</span>
                    {" no IMAP session has selected the folder since it arrived; the first that \
                       does sees it as \\Recent. The other flags are IMAP's own."}
                </p>
            }
        </>
    };
    (list, message)
}

fn from_of(message: &mail::Message) -> String {
    message
        .from()
        .first()
        .map(|f| visible(&f.reader_name()))
        .unwrap_or_default()
}

fn subject_of(message: &mail::Message) -> String {
    visible(&message.subject().unwrap_or_default())
}

/// `23 Nov 09:00` from the RFC 5322 date (the year and seconds are in the message view).
fn short_date(at: crate::time::Instant) -> String {
    let full = at.rfc5322();
    let words: Vec<&str> = full.split(' ').collect();
    match words.as_slice() {
        [_, day, month, _, time, ..] => {
            format!("{day} {month} {}", time.get(..5).unwrap_or(time))
        }
        _ => full.clone(),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
