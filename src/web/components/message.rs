//! One message of the Mailboxes panel, four ways: its text (the main fields and every text part
//! decoded), its header fields, its MIME tree (IMAP part numbers, types, encodings, sizes), and
//! its raw octets with the line ends named on demand (as the shell's `show --crlf` draws them). The facts
//! come from `mail::anatomy`, the same the shell prints.
//!
//! Mail is data: every piece of it goes into a text node (yew escapes them), with control
//! characters made visible; nothing here sets inner HTML, so `<script>` in a message is text.

use std::sync::Arc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::mail::Message as Parsed;
use crate::mail::anatomy::{self, FieldView, Shape};
use crate::shell::visible;
use crate::web::state::Aspect;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The octets as stored.
    pub raw: Arc<[u8]>,
    /// What the message is ("UID 3 in INBOX of bob on mail.hamburger.edu").
    pub title: String,
    pub aspect: Aspect,
    pub line_ends: bool,
    pub on_aspect: Callback<Aspect>,
    pub on_line_ends: Callback<bool>,
}

/// The raw view draws at most this many lines (the shell's `show` prints them all).
const MAX_RAW_LINES: usize = 5_000;

/// The fields the Text view shows above the text, in this order.
const SUMMARY: &[&str] = &["From", "To", "Cc", "Subject", "Date"];

const ASPECTS: &[(Aspect, &str)] = &[
    (Aspect::Text, "Text"),
    (Aspect::Headers, "Header fields"),
    (Aspect::Mime, "MIME tree"),
    (Aspect::Raw, "Raw"),
];

#[function_component(Message)]
pub fn message(props: &Props) -> Html {
    let parsed = Parsed::parse(&props.raw);
    let switch = ASPECTS
        .iter()
        .map(|&(aspect, name)| {
            let pressed = aspect == props.aspect;
            let onclick = {
                let on_aspect = props.on_aspect.clone();
                Callback::from(move |_: MouseEvent| on_aspect.emit(aspect))
            };
            html! {
                <button type="button" class={classes!("seg", pressed.then_some("on"))}
                        aria-pressed={if pressed { "true" } else { "false" }} {onclick}>
                    {name}
                </button>
            }
        })
        .collect::<Html>();
    let body = match props.aspect {
        Aspect::Text => text(&parsed),
        Aspect::Headers => headers(&parsed),
        Aspect::Mime => mime(&parsed),
        Aspect::Raw => raw(props),
    };
    html! {
        <section class="card message" aria-label={props.title.clone()}>
            <div class="message-head">
                <h2>{props.title.as_str()}<span class="octets">{format!(" · {} octets", props.raw.len())}</span></h2>
                <div class="segs" role="group" aria-label="Show the message as">{switch}</div>
            </div>
            {body}
        </section>
    }
}

/// The main fields, then every text part decoded.
fn text(message: &Parsed) -> Html {
    let fields = anatomy::fields(message);
    let summary = SUMMARY
        .iter()
        .filter_map(|name| {
            let field = fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))?;
            Some(html! {
                <><dt>{*name}</dt><dd>{shown_value(field)}</dd></>
            })
        })
        .collect::<Html>();
    let texts = anatomy::texts(message);
    let parts = if texts.is_empty() {
        html! { <p class="hint">{"No text part: see the MIME tree."}</p> }
    } else {
        texts
            .into_iter()
            .map(|t| {
                let caption = format!("Part {} · {}", t.label, t.media_type);
                let body = match t.text {
                    Some(text) => html! { <pre class="mail-text">{text_lines(&text)}</pre> },
                    None => html! {
                        <p class="hint">{"A charset the lab cannot decode: see the raw octets."}</p>
                    },
                };
                html! {
                    <figure class="part">
                        <figcaption>{caption}</figcaption>
                        {body}
                    </figure>
                }
            })
            .collect::<Html>()
    };
    html! {
        <>
            <dl class="summary">{summary}</dl>
            {parts}
        </>
    }
}

/// A field's value for reading: RFC 2047 words decoded.
fn shown_value(field: &FieldView) -> String {
    visible(field.decoded.as_deref().unwrap_or(&field.value))
}

/// Decoded text with its line ends as newlines and other control characters made visible.
fn text_lines(text: &str) -> String {
    text.lines().map(visible).collect::<Vec<_>>().join("\n")
}

/// Every header field, unfolded; the decoded form under any with RFC 2047 words.
fn headers(message: &Parsed) -> Html {
    let rows = anatomy::fields(message)
        .iter()
        .map(|f| {
            html! {
                <tr>
                    <th scope="row">{visible(&f.name)}</th>
                    <td>
                        {visible(&f.value)}
                        if let Some(decoded) = &f.decoded {
                            <span class="decoded">{"decoded (RFC 2047): "}{visible(decoded)}</span>
                        }
                    </td>
                </tr>
            }
        })
        .collect::<Html>();
    html! {
        <div class="scroll-x" tabindex="0" role="region" aria-label="Header fields">
            <table class="fields">
                <caption class="sr-only">{"Header fields"}</caption>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The MIME tree as a table, parts indented by depth.
fn mime(message: &Parsed) -> Html {
    let root = message.root();
    let rows = anatomy::outline(message)
        .iter()
        .map(|part| {
            let (encoding, octets, lines, file) = match &part.shape {
                Shape::Multipart { parts } => (
                    format!("{parts} part{}", if *parts == 1 { "" } else { "s" }),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                Shape::Message => (
                    "a message".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                Shape::Leaf {
                    encoding,
                    octets,
                    lines,
                    filename,
                } => (
                    encoding.clone(),
                    octets.to_string(),
                    lines.map(|n| n.to_string()).unwrap_or_default(),
                    filename.as_deref().map(visible).unwrap_or_default(),
                ),
            };
            let media = match &part.charset {
                Some(charset) => format!("{}; charset={}", part.media_type, visible(charset)),
                None => part.media_type.clone(),
            };
            html! {
                <tr>
                    <th scope="row" class="part-number"
                        style={format!("--depth: {}", part.depth())}>
                        {part.label()}
                    </th>
                    <td>{media}</td>
                    <td>{encoding}</td>
                    <td class="num">{octets}</td>
                    <td class="num">{lines}</td>
                    <td>{file}</td>
                </tr>
            }
        })
        .collect::<Html>();
    html! {
        <>
            <p class="mbx-facts">
                <span>{format!("{} octets", message.size())}</span>
                <span>{format!("header {} octets", root.header.len())}</span>
                <span>{format!("body {} octets", root.body.len())}</span>
            </p>
            <div class="scroll-x" tabindex="0" role="region" aria-label="MIME parts">
                <table class="mime">
                    <caption class="sr-only">{"MIME parts"}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{"Part"}</th>
                            <th scope="col">{"Type"}</th>
                            <th scope="col">{"Encoding or content"}</th>
                            <th scope="col" class="num">{"Octets"}</th>
                            <th scope="col" class="num">{"Lines"}</th>
                            <th scope="col">{"File"}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </>
    }
}

/// The octets as stored, a line per line; with line ends on, each end named: CR LF or LF.
fn raw(props: &Props) -> Html {
    let onchange = {
        let on_line_ends = props.on_line_ends.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_line_ends.emit(input.checked());
        })
    };
    let mut count = 0;
    let lines = anatomy::lines(&props.raw)
        .take(MAX_RAW_LINES)
        .map(|(line, end)| {
            count += 1;
            html! {
                <>
                    {visible(&String::from_utf8_lossy(line))}
                    if props.line_ends && !end.name().is_empty() {
                        <span class="eol">{end.name()}</span>
                    }
                    {"\n"}
                </>
            }
        })
        .collect::<Html>();
    let more = anatomy::lines(&props.raw).count().saturating_sub(count);
    html! {
        <>
            <label class="check">
                <input type="checkbox" checked={props.line_ends} {onchange} />
                {" Show line ends (CR LF, as on the wire; a bare LF stands out)"}
            </label>
            <pre class="raw" tabindex="0" aria-label="Raw message">{lines}</pre>
            if more > 0 {
                <p class="hint">{format!("{more} more lines: the terminal's 'show' prints them all.")}</p>
            }
        </>
    }
}
