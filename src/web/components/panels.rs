//! The panel area beside the terminals (under them on a phone): a strip of tabs and the panel
//! shown. Adding a panel is one function and one entry in [`PANELS`].
//!
//! The strip follows the WAI-ARIA tabs pattern as the terminal strip does (`tabs.rs`, whose
//! [`roving_target`] both use): `role="tablist"` of `role="tab"` buttons with roving tabindex,
//! Left/Right (wrapping), Home and End move and show. Every panel has its `tabpanel` element,
//! but only the shown one is rendered inside (a hidden Mailboxes panel would parse mail for
//! nobody); what a panel looks at lives in `LabHandle`, so it survives being hidden.
//!
//! A hidden panel whose content changed — Mailboxes when mail is delivered, flagged or
//! expunged, Sessions when a session opens — gets a mark on its tab (with ", changed" for
//! screen readers), as a hidden terminal that printed does; showing it clears the mark.

use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::lesson::lesson;
use super::mailboxes::mailboxes;
use super::network::network;
use super::reference::reference;
use super::sessions::sessions;
use super::start::start;
use super::tabs::{focus_by_id, roving_target, tab_list};
use crate::shell::{Lab, TerminalId};
use crate::web::LabHandle;

/// What the panel area is drawn from.
pub struct Props {
    pub lab: LabHandle,
    /// The terminal shown (where the Start panel's commands run).
    pub terminal: TerminalId,
    pub generation: u64,
}

/// One panel: its id in the page, its tab's name, whether it wants a wide column, how it
/// renders, and (for a panel that marks changes while hidden) a number that moves whenever what
/// it shows changes.
pub struct Panel {
    pub id: &'static str,
    pub name: &'static str,
    pub wide: bool,
    render: fn(&Props) -> Html,
    changes: Option<fn(&Lab) -> u64>,
}

/// What the Mailboxes panel shows moves: every store's change count (deliveries, flags,
/// expunges, folders) and the user agents' downloads.
fn mail_changes(lab: &Lab) -> u64 {
    let world = lab.world();
    let stores = world
        .hosts()
        .fold(0u64, |sum, h| sum.wrapping_add(h.store().current_seq()));
    world
        .agents()
        .iter()
        .fold(stores, |sum, (_, a)| sum.wrapping_add(a.local.len() as u64))
}

/// What the Sessions panel lists moves: the newest session's number.
fn session_changes(lab: &Lab) -> u64 {
    lab.world().sessions().last().map_or(0, |r| r.id.number())
}

/// Moves when a lesson step is completed (or another lesson started), so a hidden Lesson tab
/// shows the student that the lesson went on.
fn lesson_changes(lab: &Lab) -> u64 {
    lab.lesson().map_or(0, |(lesson, p)| {
        (p.step as u64) << 8 | lesson.steps.len() as u64
    })
}

/// The panels, in the order of their tabs; the first is shown at start.
pub const PANELS: &[Panel] = &[
    Panel {
        id: "start",
        name: "Start",
        wide: false,
        render: |p| start(&p.lab, p.terminal),
        changes: None,
    },
    Panel {
        id: "mailboxes",
        name: "Mailboxes",
        wide: true,
        render: |p| mailboxes(&p.lab),
        changes: Some(mail_changes),
    },
    Panel {
        id: "sessions",
        name: "Sessions",
        wide: true,
        render: |p| sessions(&p.lab, p.terminal, p.generation),
        changes: Some(session_changes),
    },
    Panel {
        id: "network",
        name: "Network",
        wide: true,
        render: |p| network(&p.lab),
        changes: None,
    },
    Panel {
        id: "reference",
        name: "Reference",
        wide: true,
        render: |p| reference(&p.lab),
        changes: None,
    },
    Panel {
        id: "lesson",
        name: "Lesson",
        wide: true,
        render: |p| lesson(&p.lab, p.terminal),
        changes: Some(lesson_changes),
    },
];

/// The panels this page shows, in order: all, or those the address names (`?panels=`).
fn offered() -> Vec<&'static Panel> {
    let options = crate::web::options::get();
    PANELS
        .iter()
        .filter(|p| options.shows_panel(p.id))
        .collect()
}

/// The panel shown (the first offered unless another was chosen).
pub fn shown(lab: &LabHandle) -> Option<&'static Panel> {
    let id = lab.panel();
    let offered = offered();
    offered
        .iter()
        .find(|p| Some(p.id) == id)
        .or(offered.first())
        .copied()
}

fn tab_id(panel: &Panel) -> String {
    format!("panel-tab-{}", panel.id)
}

fn panel_id(panel: &Panel) -> String {
    format!("panel-{}", panel.id)
}

/// The panel area, drawn (a plain function, not a component: it keeps no state of its own).
pub fn panels(props: &Props) -> Html {
    let shown = shown(&props.lab).map(|p| p.id);
    let offered = offered();
    let tabs = offered
        .iter()
        .enumerate()
        .map(|(at, panel)| {
            let selected = Some(panel.id) == shown;
            let changed = panel.changes.is_some_and(|changes| {
                let signature = props.lab.read(changes);
                props.lab.panel_mark(panel.id, signature, selected)
            });
            let onclick = {
                let lab = props.lab.clone();
                let id = panel.id;
                Callback::from(move |_: MouseEvent| lab.show_panel(id))
            };
            let onkeydown = {
                let lab = props.lab.clone();
                let offered = offered.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.alt_key() || e.ctrl_key() || e.meta_key() {
                        return;
                    }
                    let Some(next) =
                        roving_target(&e.key(), at, offered.len()).and_then(|i| offered.get(i))
                    else {
                        return;
                    };
                    e.prevent_default();
                    let list = tab_list(&e);
                    lab.show_panel(next.id);
                    if let Some(list) = list {
                        focus_by_id(&list, &tab_id(next));
                    }
                })
            };
            html! {
                <button type="button" role="tab" id={tab_id(panel)}
                        class={classes!("panel-tab", selected.then_some("active"))}
                        aria-selected={if selected { "true" } else { "false" }}
                        aria-controls={panel_id(panel)}
                        tabindex={if selected { "0" } else { "-1" }}
                        {onclick} {onkeydown}>
                    {panel.name}
                    if changed {
                        <span class="unread-mark" aria-hidden="true"></span>
                        <span class="sr-only">{", changed"}</span>
                    }
                </button>
            }
        })
        .collect::<Html>();
    let bodies = offered
        .iter()
        .map(|panel| {
            let selected = Some(panel.id) == shown;
            html! {
                <div role="tabpanel" id={panel_id(panel)} aria-labelledby={tab_id(panel)}
                     class="panel-body" hidden={!selected}>
                    if selected { {(panel.render)(props)} }
                </div>
            }
        })
        .collect::<Html>();
    html! {
        <aside class="panels" aria-label="Lab panels">
            <div class="panel-tabs" role="tablist" aria-label="Panels">{tabs}</div>
            {bodies}
        </aside>
    }
}
