//! One session's dialogue as a two-column sequence diagram: the client's lifeline on the left,
//! the server's on the right, each line an arrow between them (`C:` lines point right, `S:` lines
//! left) with the world's time — the textbook's picture of a transcript. It grows as the session
//! talks, and keeps its end in view.
//!
//! A long session is drawn a page of [`PAGE`] lines at a time: the latest page, following the
//! session as it talks, until "Earlier lines" (or "First lines") goes back; "Later lines" and
//! "Latest" come forward again. Every line can be reached, and a render draws one page at most.
//!
//! "Copy as text" puts the plain transcript (`shell::transcript_text`: a heading, then
//! `HH:MM:SS C: line`) on the clipboard; where the clipboard cannot be used, the text is shown
//! selected, to copy by hand. "Save .txt" downloads the same text. Lines are text nodes only.

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;
use yew::prelude::*;

use crate::net::ConnId;
use crate::shell::{clock, transcript_text, visible, wire_text};
use crate::web::LabHandle;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabHandle,
    pub session: ConnId,
    pub generation: u64,
}

/// The most lines drawn at once (a page); the copied text has them all.
const PAGE: usize = 400;

/// The page shown: where it starts, given the session's `total` lines. `None` is the latest
/// page (the last [`PAGE`] lines), which moves on as the session talks.
fn page_start(page: Option<usize>, total: usize) -> usize {
    let latest = total.saturating_sub(PAGE);
    page.map_or(latest, |start| start.min(latest))
}

/// What "Copy as text" did.
#[derive(Clone, PartialEq)]
enum Copied {
    Not,
    Done(usize),
    /// The clipboard refused: the text, to copy by hand.
    ByHand(String),
}

/// Puts `text` on the clipboard (`navigator.clipboard.writeText`); `done` hears whether it
/// worked.
fn write_clipboard(text: &str, done: Callback<bool>) {
    let promise = (|| -> Option<JsValue> {
        let window: JsValue = web_sys::window()?.into();
        let clipboard = Reflect::get(
            &Reflect::get(&window, &"navigator".into()).ok()?,
            &"clipboard".into(),
        )
        .ok()?;
        let write: Function = Reflect::get(&clipboard, &"writeText".into())
            .ok()?
            .dyn_into()
            .ok()?;
        write.call1(&clipboard, &text.into()).ok()
    })();
    let Some(promise) = promise else {
        done.emit(false);
        return;
    };
    let ok = {
        let done = done.clone();
        Closure::once_into_js(move |_: JsValue| done.emit(true))
    };
    let failed = Closure::once_into_js(move |_: JsValue| done.emit(false));
    // `promise.then(ok, failed)`, called as JavaScript does (the closures free themselves).
    if let Ok(then) = Reflect::get(&promise, &"then".into()).and_then(|f| f.dyn_into::<Function>())
    {
        let _ = then.call2(&promise, &ok, &failed);
    }
}

/// Downloads `url` as a file called `name`, through a link that is there only for the click.
fn save(url: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(link), Some(body)) = (document.create_element("a"), document.body()) else {
        return;
    };
    let _ = link.set_attribute("href", url);
    let _ = link.set_attribute("download", name);
    if body.append_child(&link).is_ok() {
        call(&link, "click");
        link.remove();
    }
}

/// Calls a method without arguments on an element (`select`, `focus`), if it has it.
fn call(element: &Element, method: &str) {
    if let Ok(f) = Reflect::get(element, &method.into()).and_then(|f| f.dyn_into::<Function>()) {
        let _ = f.call0(element);
    }
}

#[function_component(Sequence)]
pub fn sequence(props: &Props) -> Html {
    let copied = use_state(|| Copied::Not);
    let page = props.lab.transcript_page(props.session);
    let list_ref = use_node_ref();
    let by_hand_ref = use_node_ref();
    let facts = props.lab.read(|l| {
        let record = l.world().session(props.session)?;
        let lines = record.lines();
        let total = lines.len();
        let drawn: Vec<(String, bool, String)> = lines
            .into_iter()
            .skip(page_start(page, total))
            .take(PAGE)
            .map(|(at, from_client, bytes)| (clock(at), from_client, wire_text(&bytes)))
            .collect();
        Some((
            visible(&record.client),
            format!("{}:{}", record.host, record.port),
            record.service.name(),
            drawn,
            total,
            record.dropped(),
        ))
    });

    // Keep the newest line in view as the session talks (on the latest page); another page
    // is shown from its first line.
    let count = facts.as_ref().map_or(0, |f| f.4);
    {
        let list_ref = list_ref.clone();
        let following = page.is_none();
        use_effect_with((count, page), move |_| {
            if let Some(list) = list_ref.cast::<Element>() {
                list.set_scroll_top(if following { list.scroll_height() } else { 0 });
            }
        });
    }
    {
        let by_hand_ref = by_hand_ref.clone();
        let shown = matches!(*copied, Copied::ByHand(_));
        use_effect_with(shown, move |shown| {
            if let (true, Some(area)) = (*shown, by_hand_ref.cast::<Element>()) {
                call(&area, "focus");
                call(&area, "select");
            }
        });
    }

    let Some((client, server, service, drawn, total, dropped)) = facts else {
        return Html::default();
    };
    let id_number = props.session.number();
    let text = {
        let lab = props.lab.clone();
        let id = props.session;
        move || {
            lab.read(|l| {
                l.world()
                    .session(id)
                    .map(|r| transcript_text(l.world(), r))
                    .unwrap_or_default()
            })
        }
    };
    let on_copy = {
        let copied = copied.clone();
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            let text = text();
            let lines = text.lines().count().saturating_sub(1);
            let copied = copied.clone();
            write_clipboard(
                &text.clone(),
                Callback::from(move |ok| {
                    copied.set(if ok {
                        Copied::Done(lines)
                    } else {
                        Copied::ByHand(text.clone())
                    })
                }),
            );
        })
    };
    // Saving makes the data URL when asked (a long transcript is encoded once, not at every
    // render) and follows it with a link made for the purpose.
    let on_save = Callback::from(move |_: MouseEvent| {
        let url = format!(
            "data:text/plain;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(&text()))
        );
        save(&url, &format!("session-{}.txt", id_number));
    });
    let status = match &*copied {
        Copied::Not => Html::default(),
        Copied::Done(n) => html! { {format!("Copied {n} lines as text.")} },
        Copied::ByHand(_) => {
            html! { {"The clipboard is not available here: the text below is selected, copy it with Ctrl+C."} }
        }
    };
    let lines = drawn
        .iter()
        .map(|(at, from_client, text)| {
            let (side, mark) = if *from_client {
                ("c", "C:")
            } else {
                ("s", "S:")
            };
            html! {
                <li class={classes!("seq-line", side)}>
                    <span class="seq-time">{at}</span>
                    <span class="seq-msg">
                        <span class="seq-bubble">
                            <span class="seq-mark">{mark}</span>{" "}
                            if text.is_empty() {
                                <span class="seq-text empty">{"(empty line)"}</span>
                            } else {
                                <span class="seq-text">{text}</span>
                            }
                        </span>
                    </span>
                </li>
            }
        })
        .collect::<Html>();
    html! {
        <section class="card sequence" aria-labelledby="seq-h">
            <div class="seq-top">
                <h2 id="seq-h">{format!("Transcript of {}", props.session)}</h2>
                <div class="seq-tools">
                    <button type="button" class="tool" onclick={on_copy}>{"Copy as text"}</button>
                    <button type="button" class="tool" onclick={on_save}>{"Save .txt"}</button>
                </div>
            </div>
            <p class="seq-status" role="status">{status}</p>
            if let Copied::ByHand(text) = &*copied {
                <textarea ref={by_hand_ref} class="by-hand" readonly=true rows="8"
                          aria-label="The transcript as text" value={text.clone()} />
            }
            <div class="seq-ends">
                <div class="seq-end client"><span class="seq-role">{"client"}</span><strong>{client.clone()}</strong></div>
                <div class="seq-end server"><span class="seq-role">{format!("server · {service}")}</span><strong>{breakable_port(&server)}</strong></div>
            </div>
            if total > PAGE {
                {pager(&props.lab, props.session, page, total)}
            }
            if total == 0 {
                <p class="hint">{"Nothing said yet."}</p>
            } else {
                <ol ref={list_ref} class="seq" tabindex="0"
                    aria-label={format!("Lines between {client} (C) and {server} (S)")}>{lines}</ol>
            }
            if dropped > 0 {
                <p class="hint">{format!("… and {dropped} more octets, not kept.")}</p>
            }
        </section>
    }
}

/// The page controls of a long transcript: which lines are drawn, and buttons to the first,
/// earlier, later and latest lines.
fn pager(lab: &LabHandle, session: ConnId, page: Option<usize>, total: usize) -> Html {
    let start = page_start(page, total);
    let end = (start + PAGE).min(total);
    let button = |label: &'static str, to: Option<usize>, enabled: bool| {
        let onclick = {
            let lab = lab.clone();
            Callback::from(move |_: MouseEvent| lab.set_transcript_page(session, to))
        };
        html! {
            <button type="button" class="tool" disabled={!enabled} {onclick}>{label}</button>
        }
    };
    let later = start + PAGE;
    let later = (later < total.saturating_sub(PAGE)).then_some(later);
    // The count is not a live region: on the latest page it moves with every line said.
    html! {
        <nav class="seq-pages" aria-label="Pages of the transcript">
            <p class="hint">
                {format!("Lines {}–{end} of {total}", start + 1)}
                if page.is_none() { {" (the latest, following the session)"} }
                {"; Copy as text has them all."}
            </p>
            {button("First lines", Some(0), start > 0)}
            {button("Earlier lines", Some(start.saturating_sub(PAGE)), start > 0)}
            {button("Later lines", later, end < total)}
            {button("Latest", None, page.is_some())}
        </nav>
    }
}

/// `host:port` that a narrow column breaks before the port, never inside the host's name.
fn breakable_port(server: &str) -> Html {
    match server.rsplit_once(':') {
        Some((host, port)) => html! { <>{host}<wbr />{":"}{port}</> },
        None => html! { {server} },
    }
}
