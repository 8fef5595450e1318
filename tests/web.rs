//! The terminal component in a real browser (wasm-bindgen-test in headless Chromium): mount the
//! app, type into the terminal input, press keys, and read the log as a user would.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app into its own div and waits for its first render.
async fn mount() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    yew::Renderer::<maillab::web::App>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn input(root: &Element) -> HtmlInputElement {
    root.query_selector("[aria-label='Terminal input']")
        .expect("valid selector")
        .expect("the terminal input exists")
        .dyn_into()
        .expect("an <input>")
}

fn log_text(root: &Element) -> String {
    let log = root
        .query_selector("[role='log']")
        .expect("valid selector")
        .expect("a log");
    assert_eq!(log.get_attribute("aria-live").as_deref(), Some("polite"));
    log.text_content().unwrap_or_default()
}

async fn press(root: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input(root).dispatch_event(&event).expect("dispatched");
    settle().await;
}

async fn type_line(root: &Element, line: &str) {
    input(root).set_value(line);
    press(root, "Enter", false).await;
}

#[wasm_bindgen_test]
async fn typing_a_command_and_enter_prints_its_output() {
    let root = mount().await;
    assert!(
        root.query_selector("[data-ready='true']")
            .ok()
            .flatten()
            .is_some(),
        "the app says it is ready"
    );
    type_line(&root, "hosts").await;
    let text = log_text(&root);
    assert!(
        text.contains("lab$ hosts"),
        "the typed line is echoed: {text}"
    );
    assert!(
        text.contains("mail.hamburger.edu"),
        "the hosts table is shown: {text}"
    );
    assert_eq!(input(&root).value(), "", "the input is emptied");
}

#[wasm_bindgen_test]
async fn a_raw_session_changes_the_prompt_and_ctrl_bracket_leaves_it() {
    let root = mount().await;
    type_line(&root, "telnet mail.hamburger.edu 7").await;
    let prompt = root
        .query_selector(".inputline .prompt")
        .ok()
        .flatten()
        .expect("a prompt");
    assert_eq!(
        prompt.text_content().as_deref(),
        Some("mail.hamburger.edu:7>")
    );
    type_line(&root, "ping").await;
    let server_lines = root.query_selector_all(".line.server").expect("selector");
    assert_eq!(server_lines.length(), 1);
    let line: Element = server_lines
        .get(0)
        .expect("one line")
        .dyn_into()
        .expect("an element");
    let part = |selector: &str| {
        line.query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    };
    assert_eq!(part(".text"), "ping");
    assert_eq!(
        part(".sr-only"),
        "server: ",
        "screen readers hear who spoke"
    );
    assert_eq!(part(".mark"), "S:", "sighted users see it in the gutter");
    let mark = line
        .query_selector(".mark")
        .ok()
        .flatten()
        .expect("a gutter mark");
    assert_eq!(
        mark.get_attribute("aria-hidden").as_deref(),
        Some("true"),
        "said once, not twice"
    );
    press(&root, "]", true).await;
    assert!(log_text(&root).contains("Connection closed."));
    let prompt = root
        .query_selector(".inputline .prompt")
        .ok()
        .flatten()
        .expect("a prompt");
    assert_eq!(prompt.text_content().as_deref(), Some("lab$"));
}

#[wasm_bindgen_test]
async fn up_recalls_history_tab_completes_and_ctrl_l_clears() {
    let root = mount().await;
    type_line(&root, "date").await;
    type_line(&root, "hosts").await;
    press(&root, "ArrowUp", false).await;
    assert_eq!(input(&root).value(), "hosts");
    press(&root, "ArrowUp", false).await;
    assert_eq!(input(&root).value(), "date");
    press(&root, "ArrowDown", false).await;
    press(&root, "ArrowDown", false).await;
    assert_eq!(input(&root).value(), "", "back to the empty draft");

    input(&root).set_value("telnet mail.cr");
    press(&root, "Tab", false).await;
    assert_eq!(input(&root).value(), "telnet mail.crepes.fr ");

    press(&root, "c", true).await;
    assert_eq!(input(&root).value(), "", "Ctrl-C abandons the line");
    assert!(log_text(&root).contains("telnet mail.crepes.fr ^C"));

    press(&root, "l", true).await;
    assert_eq!(log_text(&root), "", "Ctrl-L clears the log");
}

#[wasm_bindgen_test]
async fn window_mail_lab_runs_lines_and_reads_the_output() {
    let root = mount().await;
    let window = web_sys::window().expect("a window");
    let api = js_sys::Reflect::get(&window, &"mailLab".into()).expect("window.mailLab");
    let exec: js_sys::Function = js_sys::Reflect::get(&api, &"exec".into())
        .expect("exec")
        .dyn_into()
        .expect("a function");
    let printed = exec
        .call1(&api, &"telnet mail.crepes.fr 13".into())
        .expect("exec runs");
    let printed = printed.as_string().expect("a string");
    assert!(
        printed.starts_with("Trying 192.0.2.10...\nConnected to mail.crepes.fr."),
        "{printed}"
    );
    assert!(
        printed.ends_with("Connection closed by foreign host."),
        "{printed}"
    );
    settle().await;
    assert!(
        log_text(&root).contains("Connection closed by foreign host."),
        "the page shows it too"
    );
}
