//! The page: a header (with the lab's controls and the theme switch), a notice when there is
//! one, the terminals under their tab strip, and the panel area beside them (Start, Mailboxes,
//! …: `components/panels.rs`). The URL options (`options.rs`) make the header compact
//! (`embed`) and leave the panels out (`panels=none`).

use yew::prelude::*;

use super::components::panels;
use super::components::state_controls::state_controls;
use super::components::tabs::{self, Shortcut, Tabs};
use super::components::terminal::Terminal;
use super::components::theme::ThemeSwitch;
use super::state::MAX_TERMINALS;
use super::{LabHandle, bindings, embed, options};

/// The whole Mail Lab page.
#[function_component(App)]
pub fn app() -> Html {
    let lab = use_memo((), |()| LabHandle::restore());
    let lab: LabHandle = (*lab).clone();
    let rerender = use_force_update();
    let ready = use_state(|| false);

    {
        let lab = lab.clone();
        let ready = ready.clone();
        use_effect_with((), move |()| {
            lab.on_change(Callback::from(move |()| rerender.force_update()));
            if let Err(e) = bindings::install(&lab) {
                web_sys::console::error_2(&"Mail Lab: window.mailLab not installed".into(), &e);
            }
            if let Some(first) = options::get().panels.as_ref().and_then(|p| p.first())
                && let Some(panel) = panels::PANELS.iter().find(|p| p.id == first)
            {
                lab.show_panel(panel.id);
            }
            if let Some(url) = lab.take_scenario_url() {
                let lab = lab.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = embed::fetch_text(&url)
                        .await
                        .and_then(|json| lab.load_scenario(&json));
                    if let Err(e) = loaded {
                        lab.set_banner(Some(format!(
                            "The scenario could not be loaded, so this is the textbook world. ({e})"
                        )));
                    }
                });
            }
            if let Some(which) = options::get().lesson.clone() {
                // A lesson file by its address (…/lesson.md), or a lesson the lab has.
                let lab = lab.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let opened = if which.contains('/') || which.ends_with(".md") {
                        match embed::fetch_text(&which).await {
                            Ok(text) => lab.open_lesson(&which, Some(&text)),
                            Err(e) => Err(e),
                        }
                    } else {
                        lab.open_lesson(&which, None)
                    };
                    if let Err(e) = opened {
                        lab.set_banner(Some(format!("The lesson could not be opened. ({e})")));
                    } else {
                        lab.show_panel("lesson");
                    }
                });
            }
            embed::install(&lab);
            ready.set(true);
            // The world's clock follows real time: once a second, due timers fire.
            let heartbeat = lab.clone();
            let interval = gloo::timers::callback::Interval::new(1_000, move || heartbeat.tick());
            // Leaving the page (a reload, a closed tab) saves what was not saved yet; so does
            // hiding it (a phone may end a hidden page without a `pagehide`).
            let leaving = lab.clone();
            let pagehide = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "pagehide", move |_| leaving.save_now())
            });
            let hiding = lab.clone();
            let hidden = web_sys::window().and_then(|w| w.document()).map(|d| {
                let document = d.clone();
                gloo::events::EventListener::new(&d, "visibilitychange", move |_| {
                    if document.hidden() {
                        hiding.save_now();
                    }
                })
            });
            move || {
                drop(interval);
                drop(pagehide);
                drop(hidden);
            }
        });
    }

    // The page-wide terminal keys (Alt+T, Alt+W, Alt+1…6), from wherever the focus is in the lab.
    let onkeydown = {
        let lab = lab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(shortcut) = tabs::shortcut(&e) else {
                return;
            };
            e.prevent_default();
            // The input of the terminal shown next takes the focus, if one is shown next (a
            // request left unused would pull the focus later, when the user did not ask).
            let open = lab.read(|l| l.terminals().len());
            let moves = match shortcut {
                Shortcut::Open => open < MAX_TERMINALS,
                Shortcut::Close => open > 1,
                Shortcut::Show(position) => position < open,
            };
            if moves {
                lab.request_input_focus();
            }
            match shortcut {
                Shortcut::Open => {
                    let _ = lab.open_terminal();
                }
                Shortcut::Close => {
                    let _ = lab.close_terminal(lab.active());
                }
                Shortcut::Show(position) => {
                    lab.select_position(position);
                }
            }
        })
    };
    let on_select = {
        let lab = lab.clone();
        Callback::from(move |id| {
            lab.select(id);
        })
    };
    let on_close = {
        let lab = lab.clone();
        Callback::from(move |(id, focus_input)| {
            if focus_input {
                lab.request_input_focus();
            }
            let _ = lab.close_terminal(id);
        })
    };
    let on_open = {
        let lab = lab.clone();
        Callback::from(move |()| {
            if lab.read(|l| l.terminals().len()) < MAX_TERMINALS {
                lab.request_input_focus();
            }
            let _ = lab.open_terminal();
        })
    };

    let generation = lab.generation();
    let active = lab.active();
    let tabs = lab.tabs();
    let epoch = lab.epoch();
    let options = options::get();
    let with_panels = options.panels.as_ref().is_none_or(|p| !p.is_empty());
    let wide = with_panels && panels::shown(&lab).is_some_and(|p| p.wide);
    let banner = lab.banner().map(|text| {
        let lab = lab.clone();
        let dismiss = Callback::from(move |_: MouseEvent| lab.set_banner(None));
        html! {
            <div class="page-notice" role="status">
                <p>{text}</p>
                <button type="button" onclick={dismiss}>{"Dismiss"}</button>
            </div>
        }
    });
    let panels = tabs
        .iter()
        .map(|tab| {
            html! {
                <Terminal key={format!("{epoch}-{}", tab.id.number())} lab={lab.clone()}
                          terminal={tab.id} active={tab.id == active} {generation} />
            }
        })
        .collect::<Html>();
    html! {
        <div class={classes!("lab", options.embed.then_some("embed"))}
             data-ready={if *ready { "true" } else { "false" }} {onkeydown}>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"@"}</span>
                    <h1>{"Mail Lab"}</h1>
                </div>
                if !options.embed {
                    <p class="tagline">{"SMTP, POP3 and IMAP, spoken by hand in a small virtual internet"}</p>
                }
                {state_controls(&lab)}
                <ThemeSwitch />
                {banner}
            </header>
            <main class={classes!("workspace", wide.then_some("wide"), (!with_panels).then_some("alone"))}>
                <section class="terminals" aria-label="Terminals">
                    <Tabs {tabs} {active} notice={lab.notice()} {on_select} {on_close} {on_open} />
                    {panels}
                </section>
                if with_panels {
                    {panels::panels(&panels::Props { lab: lab.clone(), terminal: active, generation })}
                }
            </main>
        </div>
    }
}
