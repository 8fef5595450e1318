//! The tab strip above the terminals: a tab per terminal, and "+" for another.
//!
//! It follows the WAI-ARIA tabs pattern with automatic activation: `role="tablist"` holds
//! `role="tab"` buttons, each with `aria-selected` and `aria-controls` naming its `tabpanel`
//! (the terminal component); only the shown tab is in the Tab order (roving tabindex), and on a
//! focused tab Left/Right (wrapping), Home and End move to another tab and show it, Delete
//! closes it. A tab's × is for the pointer and hidden from assistive technology, which reaches
//! the same action with Delete (`aria-keyshortcuts`). The page-wide shortcuts ([`KEYS`],
//! [`shortcut`]) use Alt, which the terminal's own keys (Ctrl-L, Ctrl-C, Ctrl-], Tab, Up/Down)
//! never do.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::shell::TerminalId;
use crate::web::state::{MAX_TERMINALS, TabInfo};

/// The page's keys for terminals, as the quick start lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("Alt+T", "open another terminal"),
    ("Alt+1…6", "show terminal tab 1 … 6"),
    ("Alt+W", "close the terminal shown"),
    ("← → Home End", "on a focused tab: show another"),
    ("Delete", "on a focused tab: close it"),
];

/// What a page-wide key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Alt+T.
    Open,
    /// Alt+W.
    Close,
    /// Alt+1 … Alt+6: the tab at this position (0 for the first).
    Show(usize),
}

/// The shortcut `e` is, if any. Keys are read by their place on the keyboard (`code`), so
/// Option+1 on a Mac, which types "¡", still means Alt+1; Ctrl+Alt (AltGr, which types `{` or
/// `@` on many keyboards) is left alone.
pub fn shortcut(e: &KeyboardEvent) -> Option<Shortcut> {
    if !e.alt_key() || e.ctrl_key() || e.meta_key() || e.shift_key() {
        return None;
    }
    match e.code().as_str() {
        "KeyT" => Some(Shortcut::Open),
        "KeyW" => Some(Shortcut::Close),
        code => code
            .strip_prefix("Digit")
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|n| (1..=MAX_TERMINALS).contains(n))
            .map(|n| Shortcut::Show(n - 1)),
    }
}

/// The id of terminal `id`'s tab.
pub fn tab_id(id: TerminalId) -> String {
    format!("terminal-tab-{}", id.number())
}

/// The id of terminal `id`'s panel.
pub fn panel_id(id: TerminalId) -> String {
    format!("terminal-panel-{}", id.number())
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub tabs: Vec<TabInfo>,
    pub active: TerminalId,
    /// Why the last request was refused (the terminal limit), if it was.
    pub notice: Option<String>,
    pub on_select: Callback<TerminalId>,
    /// Close this terminal; the flag says whether the input shown next should take the focus
    /// (after a click on ×, whose tab goes), or not (Delete, which moves the focus to a tab).
    pub on_close: Callback<(TerminalId, bool)>,
    pub on_open: Callback<()>,
}

/// The strip: window dots, the tabs, "+", and a status line for notices.
#[function_component(Tabs)]
pub fn tabs(props: &Props) -> Html {
    let list_ref = use_node_ref();
    // The shown tab scrolls into view when the strip is too narrow for every tab (checked
    // whenever a tab changes, as a tab widens when its terminal connects somewhere).
    {
        let list_ref = list_ref.clone();
        use_effect_with((props.active, props.tabs.clone()), move |(active, _)| {
            reveal(&list_ref, *active);
        });
    }
    let closable = props.tabs.len() > 1;
    let ids: Vec<TerminalId> = props.tabs.iter().map(|t| t.id).collect();
    let tabs = props
        .tabs
        .iter()
        .map(|tab| {
            let id = tab.id;
            let selected = id == props.active;
            let name = format!("Terminal {}", id.number());
            let onclick = {
                let on_select = props.on_select.clone();
                Callback::from(move |_: MouseEvent| on_select.emit(id))
            };
            let onkeydown = {
                let on_select = props.on_select.clone();
                let on_close = props.on_close.clone();
                let ids = ids.clone();
                Callback::from(move |e: KeyboardEvent| {
                    tab_key(&e, id, &ids, closable, &on_select, &on_close);
                })
            };
            let close = closable.then(|| {
                let on_close = props.on_close.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_close.emit((id, true));
                });
                html! {
                    <span class="tab-close" aria-hidden="true" title={format!("Close {name}")}
                          {onclick}>{"×"}</span>
                }
            });
            html! {
                <button key={id.number()} type="button" role="tab" id={tab_id(id)}
                        class={classes!("tab", selected.then_some("active"), tab.unread.then_some("unread"),
                                        tab.remote.is_some().then_some("in-session"))}
                        aria-selected={if selected { "true" } else { "false" }}
                        aria-controls={panel_id(id)}
                        tabindex={if selected { "0" } else { "-1" }}
                        aria-keyshortcuts={closable.then_some("Delete")}
                        {onclick} {onkeydown}>
                    <span class="tab-name"><span class="tab-word">{"Terminal "}</span>{id.number()}</span>
                    if let Some(remote) = &tab.remote {
                        <span class="tab-remote">{" · "}{remote.as_str()}</span>
                    }
                    if tab.unread {
                        <span class="unread-mark" aria-hidden="true"></span>
                        <span class="sr-only">{", new output"}</span>
                    }
                    {close}
                </button>
            }
        })
        .collect::<Html>();
    let full = props.tabs.len() >= MAX_TERMINALS;
    let on_open = {
        let on_open = props.on_open.clone();
        Callback::from(move |_: MouseEvent| on_open.emit(()))
    };
    html! {
        <div class="tabbar">
            <div class="tabstrip">
                <span class="dots" aria-hidden="true">
                    <span class="dot red"></span><span class="dot amber"></span><span class="dot green"></span>
                </span>
                <div class="tabs" role="tablist" aria-label="Terminals" ref={list_ref}>{tabs}</div>
                <button type="button" class={classes!("tab-new", full.then_some("full"))}
                        aria-label="New terminal" aria-keyshortcuts="Alt+T"
                        aria-disabled={full.then_some("true")}
                        title={if full { format!("At most {MAX_TERMINALS} terminals") } else { "New terminal (Alt+T)".to_string() }}
                        onclick={on_open}>{"+"}</button>
            </div>
            <p class="tab-notice" role="status">{props.notice.clone().unwrap_or_default()}</p>
        </div>
    }
}

/// Keys on a focused tab: Left/Right (wrapping), Home, End show another tab and move the focus
/// to it; Delete closes this one and moves the focus to the tab shown next.
fn tab_key(
    e: &KeyboardEvent,
    id: TerminalId,
    ids: &[TerminalId],
    closable: bool,
    on_select: &Callback<TerminalId>,
    on_close: &Callback<(TerminalId, bool)>,
) {
    if e.alt_key() || e.ctrl_key() || e.meta_key() {
        return;
    }
    let Some(at) = ids.iter().position(|t| *t == id) else {
        return;
    };
    let target = match e.key().as_str() {
        "Delete" if closable => {
            e.prevent_default();
            let next = ids
                .get(at + 1)
                .or_else(|| at.checked_sub(1).and_then(|i| ids.get(i)));
            // Found before the close re-renders the list without this tab.
            let list = tab_list(e);
            on_close.emit((id, false));
            if let (Some(list), Some(next)) = (list, next) {
                focus_by_id(&list, &tab_id(*next));
            }
            return;
        }
        key => roving_target(key, at, ids.len()),
    };
    let Some(target) = target.and_then(|i| ids.get(i)) else {
        return;
    };
    e.prevent_default();
    let list = tab_list(e);
    on_select.emit(*target);
    if let Some(list) = list {
        focus_by_id(&list, &tab_id(*target));
    }
}

/// Where a key on the tab at `at` of `len` tabs moves, in the WAI-ARIA tabs pattern:
/// Left/Right (wrapping), Home, End. Shared by every tab strip of the page.
pub fn roving_target(key: &str, at: usize, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    match key {
        "ArrowRight" => Some(if at >= last { 0 } else { at + 1 }),
        "ArrowLeft" => Some(if at == 0 { last } else { at - 1 }),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// The tab list the key event `e` happened in.
pub fn tab_list(e: &KeyboardEvent) -> Option<Element> {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("[role='tablist']").ok().flatten())
}

/// Scrolls the tab list sideways, if need be, so that terminal `id`'s tab is in view.
fn reveal(list_ref: &NodeRef, id: TerminalId) {
    let Some(list) = list_ref.cast::<HtmlElement>() else {
        return;
    };
    let Some(tab) = list
        .query_selector(&format!("#{}", tab_id(id)))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    // Offsets are from the list, which is positioned (style.css).
    let (left, right) = (tab.offset_left(), tab.offset_left() + tab.offset_width());
    if left < list.scroll_left() {
        list.set_scroll_left(left);
    } else if right > list.scroll_left() + list.client_width() {
        list.set_scroll_left(right - list.client_width());
    }
}

/// Moves the focus to the element with this `id` in `list`.
pub fn focus_by_id(list: &Element, id: &str) {
    let tab = list
        .query_selector(&format!("#{id}"))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
}
