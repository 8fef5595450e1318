//! One session's protocol state, drawn: the protocol's states in order (RFC 1939 §3's
//! AUTHORIZATION → TRANSACTION → UPDATE, RFC 3501 §3's not authenticated → authenticated →
//! selected → logout, SMTP's greeting → ready → envelope → data), each marked as passed, current
//! or ahead, with when it was entered; for an open session the commands valid now (each opens its
//! entry in the Reference panel), for a finished one the state it ended in. Everything comes from
//! the core: `SessionRecord::protocol`/`path` and `Connection::state`.

use yew::prelude::*;

use crate::net::ConnId;
use crate::reference;
use crate::shell::clock;
use crate::web::LabHandle;
use crate::web::state::ReferenceView;

/// What the diagram shows, read from the world.
struct Facts {
    protocol: &'static str,
    phases: Vec<&'static str>,
    /// (when, state) in order.
    path: Vec<(String, &'static str)>,
    /// The state now and the commands valid now, while open.
    now: Option<(&'static str, &'static [&'static str])>,
    /// How it ended, once finished.
    ended: Option<String>,
}

/// The diagram of `session`, drawn (a plain function, not a component: it keeps no state of its
/// own; the Sessions panel keys it by session, so another session's diagram is a new element).
pub fn state_diagram(lab: &LabHandle, session: ConnId) -> Html {
    let facts = lab.read(|l| {
        let world = l.world();
        let record = world.session(session)?;
        let (protocol, phases) = record.protocol()?;
        Some(Facts {
            protocol,
            phases: phases.to_vec(),
            path: record
                .path()
                .iter()
                .map(|(at, phase)| (clock(*at), *phase))
                .collect(),
            now: world
                .connection(session)
                .and_then(|c| c.state())
                .map(|s| (s.phase, s.next)),
            ended: record.closed.map(|_| crate::shell::status(world, record)),
        })
    });
    let Some(facts) = facts else {
        return Html::default();
    };
    // The state highlighted: the current one while open, the last one reached once finished.
    let current = match facts.now {
        Some((phase, _)) => Some(phase),
        None => facts.path.last().map(|(_, p)| *p),
    };
    let steps = facts
        .phases
        .iter()
        .map(|phase| {
            let entered = facts.path.iter().rev().find(|(_, p)| p == phase);
            let is_current = Some(*phase) == current;
            let (class, when) = match (is_current, entered) {
                (true, Some((at, _))) if facts.now.is_some() => ("current", format!("since {at}")),
                (true, Some((at, _))) => ("current", format!("ended here, {at}")),
                (_, Some((at, _))) => ("passed", at.clone()),
                (_, None) => ("ahead", "not reached".to_string()),
            };
            html! {
                <li class={classes!("phase", class)} aria-current={is_current.then_some("step")}>
                    <span class="phase-name">{*phase}</span>
                    <span class="phase-when">{when}</span>
                </li>
            }
        })
        .collect::<Html>();
    let card = reference::protocol(facts.protocol);
    let detail = match (facts.now, &facts.ended) {
        (Some((phase, next)), _) => {
            let commands = next
                .iter()
                .map(|command| match card.and_then(|p| p.command(command)) {
                    Some(entry) => {
                        let lab = lab.clone();
                        let protocol = facts.protocol;
                        let query = entry.name;
                        let onclick = Callback::from(move |_: MouseEvent| {
                            lab.set_reference(ReferenceView {
                                protocol: Some(protocol),
                                query: query.to_string(),
                            });
                            lab.show_panel("reference");
                        });
                        html! {
                            <li>
                                <button type="button" class="cmd" title={entry.what} {onclick}
                                        aria-label={format!("{command}: look it up in the Reference")}>
                                    {*command}
                                </button>
                            </li>
                        }
                    }
                    None => html! { <li><code class="cmd plain">{*command}</code></li> },
                })
                .collect::<Html>();
            let off_path = !facts.phases.contains(&phase);
            html! {
                <div class="valid">
                    if off_path {
                        <p class="hint">{format!("Now: {phase}.")}</p>
                    }
                    <h3 id="valid-h">{"Valid now"}</h3>
                    <ul class="cmds" aria-labelledby="valid-h">{commands}</ul>
                </div>
            }
        }
        (None, Some(ended)) => html! {
            <p class="hint">{format!("Session {}: {ended}.", session)}</p>
        },
        (None, None) => Html::default(),
    };
    let history = facts
        .path
        .iter()
        .map(|(at, phase)| format!("{phase} {at}"))
        .collect::<Vec<_>>()
        .join(" → ");
    html! {
        <section class="card state" aria-labelledby="state-h">
            <h2 id="state-h">{format!("{} state", facts.protocol)}</h2>
            <ol class="phases" aria-label={format!("{} states in order", facts.protocol)}>{steps}</ol>
            {detail}
            if facts.path.len() > facts.phases.len() {
                <p class="path-history">{format!("Path: {history}")}</p>
            }
        </section>
    }
}
