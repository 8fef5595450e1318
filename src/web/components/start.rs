//! The Start panel: a quick start that runs a first command in the terminal shown, the hosts of
//! the virtual internet, and the keys.

use yew::prelude::*;

use super::tabs;
use crate::shell::{KEYS, TerminalId};
use crate::web::LabHandle;

/// Keys of the panels, after the terminals' and the tab strip's.
const PANEL_KEYS: &[(&str, &str)] = &[
    (
        "↑ ↓ Home End",
        "in the Mailboxes list (one Tab stop): move between messages; Page Up/Down too",
    ),
    ("Enter", "in the Mailboxes list: open the message"),
];

/// Commands a newcomer can run with one click.
const QUICK_START: &[(&str, &str)] = &[
    ("help", "what the lab can do"),
    (
        "telnet mail.hamburger.edu 25",
        "speak SMTP by hand: HELO, MAIL FROM, RCPT TO, DATA",
    ),
    (
        "telnet mail.hamburger.edu 110",
        "speak POP3 by hand: user bob, pass hungry, list",
    ),
    (
        "telnet mail.hamburger.edu 143",
        "speak IMAP by hand: a1 LOGIN bob hungry, a2 SELECT INBOX, a3 IDLE",
    ),
    (
        "mailbox bob@hamburger.edu",
        "Bob's INBOX, as the server holds it",
    ),
    (
        "pop3 fetch bob --client laptop --keep",
        "Bob's laptop downloads his mail",
    ),
    (
        "imap bob list",
        "Bob's laptop looks at his INBOX with IMAP; it stays on the server",
    ),
];

/// The panel, drawn for `terminal`, where its commands run (a plain function, not a component:
/// it keeps no state of its own).
pub fn start(lab: &LabHandle, terminal: TerminalId) -> Html {
    let hosts = lab.read(|lab| {
        lab.world()
            .hosts()
            .map(|h| {
                let ports = h
                    .services()
                    .map(|(port, service)| html! {
                        <li><span class="port">{port}</span>{" "}{service.name()}</li>
                    })
                    .collect::<Html>();
                let state = if h.is_up() { "up" } else { "down" };
                html! {
                    <li class="host">
                        <div class="host-head">
                            <span class="host-name">{h.name()}</span>
                            <span class={classes!("badge", state)}>{state}</span>
                        </div>
                        <div class="host-addr">{h.addr().to_string()}</div>
                        <ul class="ports" aria-label={format!("open ports of {}", h.name())}>{ports}</ul>
                    </li>
                }
            })
            .collect::<Html>()
    });
    let quick = QUICK_START
        .iter()
        .map(|(command, what)| {
            let lab = lab.clone();
            let term = terminal;
            let onclick = Callback::from(move |_: MouseEvent| {
                lab.update(|l| l.exec(term, command));
            });
            html! {
                <li>
                    <button type="button" class="run" {onclick}>
                        <code>{*command}</code>
                        <span class="what">{*what}</span>
                    </button>
                </li>
            }
        })
        .collect::<Html>();
    // The shell's own list names the page's Alt keys too (for `help`); here the tab strip's
    // list says them, once.
    let keys = KEYS
        .iter()
        .filter(|(key, _)| !key.starts_with("Alt"))
        .chain(tabs::KEYS)
        .chain(PANEL_KEYS)
        .map(|(key, what)| html! { <><dt><kbd>{*key}</kbd></dt><dd>{*what}</dd></> })
        .collect::<Html>();
    html! {
        <>
            <section class="card">
                <h2>{"Quick start"}</h2>
                <ul class="quick">{quick}</ul>
            </section>
            <section class="card">
                <h2>{"Hosts"}</h2>
                <ul class="hosts">{hosts}</ul>
            </section>
            <section class="card">
                <h2>{"Keys"}</h2>
                <p class="hint">{"Open a second terminal (+ or Alt+T) and log in to bob's mailbox \
                    from both: the sessions meet on one world. The Mailboxes panel shows what \
                    the servers hold as it changes."}</p>
                <dl class="keys">{keys}</dl>
            </section>
        </>
    }
}
