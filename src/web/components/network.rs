//! The Network panel: the virtual internet at a glance — its hosts (address, up or down, the
//! domains they receive mail for, the services on their ports), the connections open now with
//! where their protocol stands, the relay queue with each message's next attempt, and the last
//! relays. A relayed message's path is drawn as it travels: sender → sender's server → receiver's
//! server, the step it reached highlighted (and a step it could not reach marked so).
//!
//! All of it read from `net::World` at each render (hosts, `connections`, `queue`, `relay_log`),
//! the same facts as the shell's `hosts`, `sessions`, `mailq` and `relaylog`.

use yew::prelude::*;

use crate::net::{RelayOutcome, World};
use crate::shell::{clock, until, visible};
use crate::web::LabHandle;
use crate::web::state::SessionChoice;

/// How many relays of the log are listed (the newest).
const RECENT_RELAYS: usize = 8;

/// A step of a message's path, and how far the message got there.
#[derive(Clone, Copy, PartialEq)]
enum Reached {
    Passed,
    Here,
    Failed,
    Ahead,
}

/// Draws a path of named steps with `at` the step reached (or failed at).
fn path(label: &str, steps: [(&str, &str); 3], at: usize, outcome: Reached) -> Html {
    let items = steps
        .iter()
        .enumerate()
        .map(|(i, (role, name))| {
            let reached = match i.cmp(&at) {
                std::cmp::Ordering::Less => Reached::Passed,
                std::cmp::Ordering::Equal => outcome,
                std::cmp::Ordering::Greater => Reached::Ahead,
            };
            let (class, said) = match reached {
                Reached::Passed => ("passed", "passed"),
                Reached::Here => ("here", "the message is here"),
                Reached::Failed => ("failed", "not reached"),
                Reached::Ahead => ("ahead", "not yet"),
            };
            html! {
                <li class={classes!("hop", class)} aria-current={(reached == Reached::Here).then_some("step")}>
                    <span class="hop-role">{*role}</span>
                    <span class="hop-name">{dotted(name)}</span>
                    <span class="sr-only">{format!(" ({said})")}</span>
                </li>
            }
        })
        .collect::<Html>();
    html! { <ol class="route" aria-label={label.to_string()}>{items}</ol> }
}

/// A host or address name that may break after its dots (and nowhere else) when space is short.
fn dotted(name: &str) -> Html {
    name.split_inclusive('.')
        .map(|part| html! { <>{part.to_string()}<wbr /></> })
        .collect()
}

/// The panel, drawn (a plain function, not a component: it keeps no state of its own, and each
/// component costs the page its own copy of yew's lifecycle code).
pub fn network(lab: &LabHandle) -> Html {
    lab.read(|l| render(lab, l.world()))
}

fn render(lab: &LabHandle, world: &World) -> Html {
    let now = world.now();
    let hosts = world
        .hosts()
        .map(|h| {
            let state = if h.is_up() { "up" } else { "down" };
            let ports = h
                .services()
                .map(|(port, service)| html! { <li><span class="port">{port}</span>{" "}{service.name()}</li> })
                .collect::<Html>();
            let domains = h.domains().join(", ");
            html! {
                <li class="host">
                    <div class="host-head">
                        <span class="host-name">{dotted(h.name())}</span>
                        <span class={classes!("badge", state)}>{state}</span>
                    </div>
                    <div class="host-addr">
                        {h.addr().to_string()}
                        if !domains.is_empty() { {format!(" · mail for {domains}")} }
                    </div>
                    <ul class="ports" aria-label={format!("services of {}", h.name())}>{ports}</ul>
                </li>
            }
        })
        .collect::<Html>();

    let connections = world
        .connections()
        .map(|c| {
            let id = c.id();
            let state = c
                .state()
                .map(|s| format!("{} {}", s.protocol, s.phase))
                .unwrap_or_else(|| c.service().name().to_string());
            let onclick = {
                let lab = lab.clone();
                Callback::from(move |_: MouseEvent| {
                    lab.choose_session(SessionChoice::Pinned(id));
                    lab.show_panel("sessions");
                })
            };
            html! {
                <li class="conn">
                    <button type="button" class="open" {onclick}
                            aria-label={format!("Session {id}: show its transcript")}>{id.to_string()}</button>
                    <span class="conn-who">{visible(c.client())}{" → "}{format!("{}:{}", c.host(), c.port())}</span>
                    <span class="conn-state">{state}</span>
                    <span class="conn-since">{format!("since {}", clock(c.opened_at()))}</span>
                </li>
            }
        })
        .collect::<Html>();

    let queue = world
        .queue()
        .iter()
        .map(|q| {
            let sender = q
                .job
                .from
                .as_ref()
                .map_or_else(|| "<> (a bounce)".to_string(), |a| a.to_string());
            let recipients = q
                .pending
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            // The receiver's server: the first MX of the first pending recipient's domain.
            let target = q
                .pending
                .first()
                .and_then(|a| world.dns().mx(&a.domain).first().map(|mx| mx.host.clone()))
                .unwrap_or_else(|| "receiver's server".to_string());
            html! {
                <li class="msg">
                    <div class="msg-head">
                        <span class="mono">{&q.job.queue_id}</span>
                        <span>{format!("{sender} → {recipients}")}</span>
                    </div>
                    {path(&format!("path of {}", q.job.queue_id),
                          [("sender", &sender), ("sender's server", &q.host), ("receiver's server", &target)],
                          1, Reached::Here)}
                    <p class="msg-facts">
                        {format!("In {}'s queue since {}; {} attempt{} so far; next attempt {} ({}).",
                            q.host, clock(q.queued_at), q.attempts, if q.attempts == 1 { "" } else { "s" },
                            clock(q.next_attempt), until(now, q.next_attempt))}
                    </p>
                    if let Some(error) = &q.last_error {
                        <p class="msg-error">{format!("Last error: {}", visible(error))}</p>
                    }
                </li>
            }
        })
        .collect::<Html>();

    let relays = world
        .relay_log()
        .rev()
        .take(RECENT_RELAYS)
        .map(|r| {
            let (class, word, at, outcome) = match r.outcome {
                RelayOutcome::Delivered => ("up", "delivered", 2, Reached::Here),
                RelayOutcome::Deferred => ("down", "deferred", 2, Reached::Failed),
                RelayOutcome::Failed => ("down", "failed", 2, Reached::Failed),
            };
            let sender = r
                .from
                .as_deref()
                .map_or_else(|| "<> (a bounce)".to_string(), visible);
            html! {
                <li class="msg">
                    <div class="msg-head">
                        <span class="mono">{clock(r.at)}</span>
                        <span class="mono">{&r.queue_id}</span>
                        <span class={classes!("badge", class)}>{word}</span>
                    </div>
                    {path(&format!("path of {} at {}", r.queue_id, clock(r.at)),
                          [("sender", &sender), ("sender's server", &r.from_host), ("receiver's server", &r.to_host)],
                          at, outcome)}
                    <p class="msg-facts">{visible(&r.summary)}</p>
                </li>
            }
        })
        .collect::<Html>();

    let open = world.connections().count();
    html! {
        <>
            <section class="card network" aria-labelledby="net-hosts-h">
                <h2 id="net-hosts-h">{"Hosts"}</h2>
                <ul class="hosts net-hosts">{hosts}</ul>
            </section>
            <section class="card network" aria-labelledby="net-conn-h">
                <h2 id="net-conn-h">{format!("Connections open ({open})")}</h2>
                if open == 0 {
                    <p class="hint">{"None now. 'telnet mail.hamburger.edu 110' opens one."}</p>
                } else {
                    <ul class="conns">{connections}</ul>
                }
            </section>
            <section class="card network" aria-labelledby="net-queue-h">
                <h2 id="net-queue-h">{format!("Relay queue ({})", world.queue().len())}</h2>
                if world.queue().is_empty() {
                    <p class="hint">{"Empty: every message was delivered or bounced. Try 'host down \
                        mail.hamburger.edu', then send bob a mail."}</p>
                } else {
                    <ul class="msgs">{queue}</ul>
                }
            </section>
            <section class="card network" aria-labelledby="net-relays-h">
                <h2 id="net-relays-h">{"Recent relays"}</h2>
                if world.relay_log().next().is_none() {
                    <p class="hint">{"None yet: 'login alice', then 'mail bob@hamburger.edu'."}</p>
                } else {
                    <ul class="msgs">{relays}</ul>
                }
            </section>
        </>
    }
}
