//! The page: a header, the terminal, and a side panel with the hosts and a quick start.

use yew::prelude::*;

use super::components::sidebar::Sidebar;
use super::components::terminal::Terminal;
use super::{LabHandle, bindings};

/// The whole Mail Lab page.
#[function_component(App)]
pub fn app() -> Html {
    let lab = use_memo((), |()| LabHandle::new());
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
            ready.set(true);
            // The world's clock follows real time: once a second, due timers fire.
            let heartbeat = lab.clone();
            let interval = gloo::timers::callback::Interval::new(1_000, move || heartbeat.tick());
            move || drop(interval)
        });
    }

    let generation = lab.generation();
    let term = lab.read(|l| l.main_terminal());
    html! {
        <div class="lab" data-ready={if *ready { "true" } else { "false" }}>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"@"}</span>
                    <h1>{"Mail Lab"}</h1>
                </div>
                <p class="tagline">{"SMTP, POP3 and IMAP, spoken by hand in a small virtual internet"}</p>
            </header>
            <main class="workspace">
                <Terminal lab={lab.clone()} terminal={term} {generation} />
                <Sidebar lab={lab.clone()} terminal={term} {generation} />
            </main>
        </div>
    }
}
