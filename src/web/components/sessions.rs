//! The Sessions panel: every conversation the world remembers — terminals', user agents', servers
//! relaying — newest first, and for the one shown its protocol state (`state_diagram.rs`) and its
//! dialogue as a sequence diagram (`sequence.rs`). The shell's `sessions` and `transcript N` show
//! the same records as text.
//!
//! Which session is shown lives in `LabHandle` ([`SessionChoice`]): by default the panel follows
//! the terminal shown — its own session while it is inside one, else the newest — so a student
//! who types `telnet …` sees that session at once; choosing one in the list pins it, and "This
//! terminal" follows again. The list is a WAI-ARIA listbox: one tab stop, Up/Down/Home/End move
//! the selection.

use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::sequence::Sequence;
use super::state_diagram::state_diagram;
use super::tabs::focus_by_id;
use crate::net::{ConnId, World};
use crate::shell::{Lab, TerminalId, clock, status, visible};
use crate::web::LabHandle;
use crate::web::state::SessionChoice;

/// One session as a row of the list.
struct Item {
    id: ConnId,
    opened: String,
    client: String,
    server: String,
    service: &'static str,
    status: String,
    open: bool,
}

/// The session the panel shows: the chosen one while the world remembers it; else the session
/// of `terminal`; else the newest.
pub fn shown_session(lab: &Lab, choice: SessionChoice, terminal: TerminalId) -> Option<ConnId> {
    let world = lab.world();
    let remembered = |id: ConnId| world.session(id).is_some();
    match choice {
        SessionChoice::Pinned(id) if remembered(id) => Some(id),
        _ => lab
            .terminal(terminal)
            .connection()
            .filter(|id| remembered(*id))
            .or_else(|| world.sessions().last().map(|r| r.id)),
    }
}

fn items(world: &World) -> Vec<Item> {
    world
        .sessions()
        .into_iter()
        .rev()
        .map(|r| Item {
            id: r.id,
            opened: clock(r.opened_at),
            client: visible(&r.client),
            server: format!("{}:{}", r.host, r.port),
            service: r.service.name(),
            status: status(world, r),
            open: r.closed.is_none(),
        })
        .collect()
}

fn option_id(id: ConnId) -> String {
    format!("session-{}", id.number())
}

/// Where Up/Down, Page Up/Down (by `page`), Home and End move in a list of `len`, without
/// wrapping, as in a listbox or a grid's rows (the message list uses it too).
pub(super) fn list_target(key: &str, at: usize, len: usize, page: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    match key {
        "ArrowDown" => Some((at + 1).min(last)),
        "ArrowUp" => Some(at.saturating_sub(1)),
        "PageDown" => Some((at + page).min(last)),
        "PageUp" => Some(at.saturating_sub(page)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// The panel, drawn for `terminal_id`, the terminal shown, whose session it follows (a plain
/// function, not a component: it keeps no state of its own).
pub fn sessions(lab: &LabHandle, terminal_id: TerminalId, generation: u64) -> Html {
    let choice = lab.session_choice();
    let following = choice == SessionChoice::Follow;
    let (items, shown, own) = lab.read(|l| {
        (
            items(l.world()),
            shown_session(l, choice, terminal_id),
            l.terminal(terminal_id).connection(),
        )
    });
    let terminal = terminal_id.number();

    let follow = {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| lab.choose_session(SessionChoice::Follow))
    };
    let ids: Vec<ConnId> = items.iter().map(|i| i.id).collect();
    let options = items
        .iter()
        .enumerate()
        .map(|(at, item)| {
            let selected = Some(item.id) == shown;
            let id = item.id;
            let onclick = {
                let lab = lab.clone();
                Callback::from(move |_: MouseEvent| lab.choose_session(SessionChoice::Pinned(id)))
            };
            let onkeydown = {
                let lab = lab.clone();
                let ids = ids.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.alt_key() || e.ctrl_key() || e.meta_key() {
                        return;
                    }
                    let next = if e.key() == "Enter" || e.key() == " " {
                        Some(at)
                    } else {
                        list_target(&e.key(), at, ids.len(), 5)
                    };
                    let Some(next) = next.and_then(|i| ids.get(i).copied()) else {
                        return;
                    };
                    e.prevent_default();
                    let list = e
                        .target()
                        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                        .and_then(|el| el.closest("[role='listbox']").ok().flatten());
                    lab.choose_session(SessionChoice::Pinned(next));
                    if let Some(list) = list {
                        focus_by_id(&list, &option_id(next));
                    }
                })
            };
            let mine = Some(item.id) == own;
            html! {
                <li role="option" id={option_id(item.id)}
                    class={classes!("sess", selected.then_some("current"), item.open.then_some("live"))}
                    aria-selected={if selected { "true" } else { "false" }}
                    tabindex={if selected { "0" } else { "-1" }}
                    {onclick} {onkeydown}>
                    <span class="sess-num">{item.id.to_string()}</span>{" "}
                    <span class="sess-who">
                        {&item.client}<span class="sess-arrow">{" → "}</span>{&item.server}
                        if mine { {" "}<span class="badge mine">{format!("terminal {terminal}")}</span> }
                    </span>{" "}
                    <span class="sess-meta">
                        {format!("{} · {} · {}", item.opened, item.service, item.status)}
                    </span>
                </li>
            }
        })
        .collect::<Html>();
    let note = match (following, own) {
        (true, Some(_)) => format!("Following terminal {terminal}: its session is shown."),
        (true, None) => format!(
            "Following terminal {terminal}: the newest session is shown until it opens one."
        ),
        (false, _) => "Showing the session you chose.".to_string(),
    };
    html! {
        <>
            <section class="card sessions" aria-labelledby="sessions-h">
                <div class="sess-head">
                    <h2 id="sessions-h">{"Sessions"}</h2>
                    <button type="button" class="follow" aria-pressed={if following { "true" } else { "false" }}
                            onclick={follow}>
                        {"This terminal"}
                    </button>
                </div>
                <p class="hint">{note}{" Newest first; ↑ ↓ choose."}</p>
                if items.is_empty() {
                    <p class="hint">{"No sessions yet: type 'telnet mail.hamburger.edu 110' in the \
                        terminal, or send mail with 'login alice' then 'mail bob@hamburger.edu'."}</p>
                } else {
                    <ul class="sess-list" role="listbox" aria-label="Sessions, newest first">{options}</ul>
                }
            </section>
            if let Some(id) = shown {
                <key={format!("state-{}", id.number())}>{state_diagram(lab, id)}</>
                <Sequence key={format!("seq-{}", id.number())} lab={lab.clone()} session={id}
                          generation={generation} />
            }
        </>
    }
}
