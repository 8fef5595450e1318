//! The Mailboxes panel: the server-side truth of every mail host. Pick an account; see its
//! folders (special-use roles, counts), the message list (number, UID, flags, size, from,
//! subject, received) and one message (`message.rs`). The user agents' local mailboxes — what
//! POP3 clients downloaded — are listed apart and shown with a banner that says so.
//!
//! Everything is read from the world when the panel renders, and it renders whenever the lab's
//! generation moves: a delivery, a flag, an expunge from any terminal (or from the clock, a relay
//! retry) shows at once. What the panel looks at is `LabHandle::mailboxes`. Mail content goes
//! into text nodes only.
//!
//! The message list is windowed: a mailbox of 10,000 messages draws the rows in view and a
//! margin on each side, between padding as tall as the rows not drawn, so a render costs the
//! same whatever the mailbox holds (only the drawn rows' messages are parsed). Every row has the
//! same height (two lines, long names and subjects ellipsized), so a scroll offset is a row
//! number. It is a WAI-ARIA grid with `aria-rowcount` and each row's `aria-rowindex`, one tab
//! stop (the open message's row, else the first in view): Up/Down, Page Up/Down, Home/End move
//! between rows, Enter opens.

use std::sync::Arc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlSelectElement};
use yew::prelude::*;

use super::message::Message;
use super::sessions::list_target;
use crate::mail;
use crate::net::World;
use crate::shell::visible;
use crate::store::{Flags, Store, Uid};
use crate::web::LabHandle;
use crate::web::state::{ListWindow, MailSource, MailboxesView};

/// Rows drawn beyond those in view, above and below.
const MARGIN: usize = 8;

/// Rows assumed in view before the list has been measured.
const FIRST_ROWS: usize = 10;

/// The mark of a message no IMAP session has claimed as `\Recent` yet.
const NEW: &str = "new";

/// One message as a row of the list.
struct Row {
    /// Sequence number (server) or position (local), from 1: the row's place in the list.
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
                        window: ListWindow::default(),
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
                        window: ListWindow::default(),
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
    // The recent messages are the last ones, from the first recent UID on.
    let first_recent: Option<Uid> = mailbox.recent().next();
    let messages = mailbox.messages();
    let row = |i: usize| -> Option<Row> {
        let m = messages.get(i)?;
        let parsed = mail::Message::parse(m.raw());
        let flags = m.flags();
        let mut names: Vec<String> = flags.names().map(str::to_string).collect();
        if first_recent.is_some_and(|r| m.uid() >= r) {
            names.push(NEW.to_string());
        }
        names.extend(m.keywords().iter().map(|k| visible(k.as_str())));
        Some(Row {
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
        })
    };
    let chosen = view
        .message
        .and_then(|uid| messages.binary_search_by_key(&uid, |m| m.uid().get()).ok());
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
    let list = List {
        name: format!("{host}/{user}/{folder}"),
        total: messages.len(),
        server: true,
        chosen,
        row: &row,
        title: &title,
    };
    let (list, message) = message_list(lab, view, &list);
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
    let row = |i: usize| -> Option<Row> {
        let m = local.get(i)?;
        let parsed = mail::Message::parse(&m.raw);
        Some(Row {
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
        })
    };
    let chosen = view
        .message
        .and_then(|n| (n as usize).checked_sub(1))
        .filter(|&i| i < local.len());
    let title = |row: &Row| format!("Local message {} of {agent}", row.number);
    let list = List {
        name: format!("agent/{agent}"),
        total: local.len(),
        server: false,
        chosen,
        row: &row,
        title: &title,
    };
    let (list, message) = message_list(lab, view, &list);
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

/// A message list to draw: how many messages, and how to make the row of each.
struct List<'a> {
    /// Names the mailbox in the page: another mailbox's list starts at its top.
    name: String,
    total: usize,
    /// A server's mailbox (with flags and UIDs) rather than a user agent's.
    server: bool,
    /// The position of the message shown, if any.
    chosen: Option<usize>,
    /// The row at a position from 0.
    row: &'a dyn Fn(usize) -> Option<Row>,
    title: &'a dyn Fn(&Row) -> String,
}

/// The grid row of the message at position `at` (from 0): the header is row 1.
fn row_index(at: usize) -> usize {
    at + 2
}

/// The position of the row an event happened in, read back from its `aria-rowindex`.
fn event_row(target: Option<web_sys::EventTarget>) -> Option<(Element, usize)> {
    let row = target
        .and_then(|t| t.dyn_into::<Element>().ok())?
        .closest("[aria-rowindex]")
        .ok()??;
    let at = row
        .get_attribute("aria-rowindex")?
        .parse::<usize>()
        .ok()?
        .checked_sub(2)?;
    Some((row, at))
}

/// The list's scroll box, measured: (row height, rows that fit in view, first row in view).
fn measure(scroller: &Element) -> Option<(i32, usize, usize)> {
    let height = |selector: &str| {
        scroller
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            .map(|e| e.offset_height())
    };
    let row = height(".mbx-rows > [role='row']").filter(|h| *h > 0)?;
    let head = height(".mbx-head").unwrap_or(0);
    let view = (scroller.client_height() - head).max(row);
    let rows = usize::try_from((view + row - 1) / row).unwrap_or(1);
    let top = usize::try_from(scroller.scroll_top() / row).unwrap_or(0);
    Some((row, rows, top))
}

/// Moves the focus to the open button of the row at position `at`, if it is drawn.
fn focus_row(scroller: &Element, at: usize) -> bool {
    let button = scroller
        .query_selector(&format!("[aria-rowindex='{}'] .open", row_index(at)))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    button.map(|b| b.focus().is_ok()).unwrap_or(false)
}

/// The message list, and the message chosen in it.
fn message_list(lab: &LabHandle, view: &MailboxesView, list: &List) -> (Html, Html) {
    let total = list.total;
    if total == 0 {
        let empty = html! { <p class="hint mbx-empty">{"No messages here."}</p> };
        return (empty, Html::default());
    }
    // The rows drawn: those in view as last measured (the top, for a list not yet scrolled),
    // and a margin each side.
    let window = Some(&view.window).filter(|w| w.list == list.name);
    let in_view = window.map_or(FIRST_ROWS, |w| w.rows.max(1));
    let top = window.map_or(0, |w| w.top).min(total - 1);
    let first = top.saturating_sub(MARGIN);
    let end = (top + in_view + MARGIN).min(total);
    // One tab stop: the open message's row if drawn, else the first in view.
    let stop = list
        .chosen
        .filter(|c| (first..end).contains(c))
        .unwrap_or(top);
    let server = list.server;
    let body = (first..end)
        .filter_map(|at| (list.row)(at).map(|row| (at, row)))
        .map(|(at, row)| {
            let current = Some(at) == list.chosen;
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
                <div role="row" key={row.key} aria-rowindex={row_index(at).to_string()}
                     class={classes!("mbx-row", current.then_some("current"),
                                     (!row.seen).then_some("unseen"), row.deleted.then_some("deleted"))}>
                    <span role="gridcell" class="c-num">{row.number}</span>
                    <span role="gridcell" class="c-id">{row.id.as_str()}</span>
                    if server { <span role="gridcell" class="c-flags">{flags}</span> }
                    <span role="gridcell" class="c-from" title={row.from.clone()}>{row.from.as_str()}</span>
                    <span role="gridcell" class="c-subject">
                        <button type="button" class="open" data-key={row.key.to_string()}
                                tabindex={if at == stop { "0" } else { "-1" }}
                                aria-current={current.then_some("true")}>{subject}</button>
                    </span>
                    <span role="gridcell" class="c-size">{row.size}</span>
                    <span role="gridcell" class="c-date">{row.date.as_str()}</span>
                </div>
            }
        })
        .collect::<Html>();

    // A click on a row (or Enter on its subject) opens the message.
    let onclick = {
        let lab = lab.clone();
        let view = view.clone();
        Callback::from(move |e: MouseEvent| {
            let key = event_row(e.target())
                .and_then(|(row, _)| row.query_selector(".open").ok().flatten())
                .and_then(|b| b.get_attribute("data-key"))
                .and_then(|k| k.parse::<u32>().ok());
            if let Some(key) = key {
                let window = lab.mailboxes().window;
                lab.set_mailboxes(MailboxesView {
                    message: Some(key),
                    window,
                    ..view.clone()
                });
            }
        })
    };
    // Scrolling draws other rows once the view has moved by half a margin.
    let onscroll = {
        let lab = lab.clone();
        let name = list.name.clone();
        Callback::from(move |e: Event| {
            let Some(scroller) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let Some((_, rows, top)) = measure(&scroller) else {
                return;
            };
            let old = lab.mailboxes().window;
            if old.list != name || old.rows != rows || old.top.abs_diff(top) >= MARGIN / 2 {
                lab.set_list_window(ListWindow {
                    list: name.clone(),
                    top,
                    rows,
                });
            }
        })
    };
    // Up/Down, Page Up/Down, Home/End on a row move the focus to another, scrolling it into
    // view and drawing it first if need be.
    let onkeydown = {
        let lab = lab.clone();
        let name = list.name.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.alt_key() || e.meta_key() || e.shift_key() {
                return;
            }
            let Some((row, at)) = event_row(e.target()) else {
                return;
            };
            let Some(scroller) = row.closest(".mbx-list").ok().flatten() else {
                return;
            };
            let (height, rows, top) = measure(&scroller).unwrap_or((1, FIRST_ROWS, 0));
            let page = rows.saturating_sub(1).max(1);
            let Some(to) = list_target(&e.key(), at, total, page) else {
                return;
            };
            e.prevent_default();
            // Scroll so that the row is in view, then draw around it.
            let top = if to < top {
                to
            } else if to >= top + rows {
                to + 1 - rows
            } else {
                top
            };
            scroller.set_scroll_top(
                i32::try_from(top)
                    .unwrap_or(i32::MAX)
                    .saturating_mul(height),
            );
            // The rows around it are drawn before the next key comes (the render runs as soon
            // as this handler returns), so a held arrow key never outruns the drawn rows.
            let drawn = focus_row(&scroller, to);
            let old = lab.mailboxes().window;
            if old.list != name || old.top != top || old.rows != rows {
                lab.set_list_window(ListWindow {
                    list: name.clone(),
                    top,
                    rows,
                });
            }
            if !drawn {
                // A jump (Page Down, End): the row is there once that render has run.
                gloo::timers::callback::Timeout::new(0, move || {
                    focus_row(&scroller, to);
                })
                .forget();
            }
        })
    };

    let message = match list.chosen.and_then(|at| (list.row)(at)) {
        Some(row) => {
            let on_aspect = {
                let lab = lab.clone();
                let view = view.clone();
                Callback::from(move |aspect| {
                    lab.set_mailboxes(MailboxesView {
                        aspect,
                        window: lab.mailboxes().window,
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
                        window: lab.mailboxes().window,
                        ..view.clone()
                    });
                })
            };
            html! {
                <Message raw={row.raw.clone()} title={(list.title)(&row)} aspect={view.aspect}
                         line_ends={view.line_ends} {on_aspect} {on_line_ends} />
            }
        }
        None => html! {
            <p class="card hint">{"Choose a message's subject to see it: its text, header fields, \
                              MIME tree and raw octets."}</p>
        },
    };
    let padding = format!(
        "padding-top:calc(var(--row-h) * {first});padding-bottom:calc(var(--row-h) * {})",
        total - end
    );
    let list = html! {
        <>
            <div class="mbx-list" key={list.name.clone()} {onscroll} {onclick} {onkeydown}>
                <div role="grid" class={classes!("mbx-grid", (!server).then_some("local"))}
                     aria-label={format!("Messages, {total}")} aria-readonly="true"
                     aria-rowcount={(total + 1).to_string()}>
                    <div role="row" class="mbx-row mbx-head" aria-rowindex="1">
                        <span role="columnheader" class="c-num">{"#"}</span>
                        <span role="columnheader" class="c-id">{if server { "UID" } else { "UIDL" }}</span>
                        if server { <span role="columnheader" class="c-flags">{"Flags"}</span> }
                        <span role="columnheader" class="c-from">{"From"}</span>
                        <span role="columnheader" class="c-subject">{"Subject"}</span>
                        <span role="columnheader" class="c-size">{"Size"}</span>
                        <span role="columnheader" class="c-date">{if server { "Received" } else { "Date" }}</span>
                    </div>
                    <div role="rowgroup" class="mbx-rows" style={padding}>{body}</div>
                </div>
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
