//! The Reference panel: `crate::reference` drawn — each protocol's commands (syntax, a line of
//! explanation, the RFC section) and its replies explained — with a search box and a choice of
//! protocol. What it shows lives in `LabHandle::reference`, so the state diagram's "valid now"
//! commands can open their entry here.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::reference::{Entry, PROTOCOLS};
use crate::web::LabHandle;
use crate::web::state::ReferenceView;

fn entries(list: impl Iterator<Item = Entry>, query: &str, code: bool) -> Html {
    list.filter(|e| e.matches(query))
        .map(|e| {
            // A command is shown by its syntax; a reply by its code, with an example line.
            let (term, example) = if code {
                (e.name, Some(e.syntax))
            } else {
                (e.syntax, None)
            };
            html! {
                <div class="ref-entry">
                    <dt>
                        <code class="ref-term">{term}</code>
                        if let Some(example) = example {
                            <code class="ref-example">{example}</code>
                        }
                    </dt>
                    <dd>{e.what}{" "}<cite>{e.rfc}</cite></dd>
                </div>
            }
        })
        .collect()
}

/// The panel, drawn (a plain function, not a component: it keeps no state of its own).
pub fn reference(lab: &LabHandle) -> Html {
    let view = lab.reference();
    let oninput = {
        let lab = lab.clone();
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            lab.set_reference(ReferenceView {
                query: input.value(),
                ..view.clone()
            });
        })
    };
    let choices = std::iter::once(None)
        .chain(PROTOCOLS.iter().map(|p| Some(p.name)))
        .map(|choice| {
            let on = view.protocol == choice;
            let onclick = {
                let lab = lab.clone();
                let view = view.clone();
                Callback::from(move |_: MouseEvent| {
                    lab.set_reference(ReferenceView {
                        protocol: choice,
                        ..view.clone()
                    })
                })
            };
            html! {
                <button type="button" class={classes!("seg", on.then_some("on"))}
                        aria-pressed={if on { "true" } else { "false" }} {onclick}>
                    {choice.unwrap_or("All")}
                </button>
            }
        })
        .collect::<Html>();
    let query = view.query.as_str();
    let mut found = 0;
    let cards = PROTOCOLS
        .iter()
        .filter(|p| view.protocol.is_none_or(|name| name == p.name))
        .map(|p| {
            let commands = p.commands().filter(|e| e.matches(query)).count();
            let replies = p.replies().filter(|e| e.matches(query)).count();
            found += commands + replies;
            if commands + replies == 0 {
                return Html::default();
            }
            let id = format!("ref-{}", p.name.to_ascii_lowercase());
            html! {
                <section class="card reference" aria-labelledby={id.clone()}>
                    <h2 id={id}>{format!("{} — {}", p.name, p.rfc)}</h2>
                    if commands > 0 {
                        <h3>{"Commands"}</h3>
                        <dl class="ref-list">{entries(p.commands(), query, false)}</dl>
                    }
                    if replies > 0 {
                        <h3>{"Replies"}</h3>
                        <p class="hint">{p.replies_intro}</p>
                        <dl class="ref-list">{entries(p.replies(), query, true)}</dl>
                    }
                </section>
            }
        })
        .collect::<Html>();
    html! {
        <>
            <section class="card ref-tools" aria-label="Find in the reference">
                <div class="ref-search">
                    <label for="ref-q">{"Search"}</label>
                    <input id="ref-q" type="search" value={view.query.clone()} {oninput}
                           placeholder="RETR, 550, UIDVALIDITY…" autocomplete="off" spellcheck="false" />
                </div>
                <div class="segs" role="group" aria-label="Protocol">{choices}</div>
                <p class="hint" role="status">
                    {if found == 0 { "Nothing matches.".to_string() } else { format!("{found} entries.") }}
                </p>
            </section>
            {cards}
        </>
    }
}
