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

// Terminal tabs (#6): several terminals on one lab, one shown at a time.

/// Mounts a fresh app and returns its handle too, so the test can take it down at the end (the
/// page is shared by every test).
async fn mount_app() -> (Element, yew::AppHandle<maillab::web::App>) {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    let app = yew::Renderer::<maillab::web::App>::with_root(root.clone()).render();
    settle().await;
    (root, app)
}

async fn unmount(root: Element, app: yew::AppHandle<maillab::web::App>) {
    app.destroy();
    settle().await;
    root.remove();
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{selector} exists"))
}

fn tabs(root: &Element) -> Vec<Element> {
    all(root, "[role='tab']")
}

/// The tab names as shown ("Terminal 1"), the selected one marked with a star.
fn tab_names(root: &Element) -> Vec<String> {
    tabs(root)
        .iter()
        .map(|t| {
            let name = t
                .query_selector(".tab-name")
                .ok()
                .flatten()
                .and_then(|n| n.text_content())
                .unwrap_or_default();
            let selected = t.get_attribute("aria-selected").as_deref() == Some("true");
            format!("{name}{}", if selected { "*" } else { "" })
        })
        .collect()
}

/// The input of the terminal shown.
fn active_input(root: &Element) -> HtmlInputElement {
    one(
        root,
        "[role='tabpanel']:not([hidden]) [aria-label='Terminal input']",
    )
    .dyn_into()
    .expect("an <input>")
}

fn active_log(root: &Element) -> String {
    one(root, "[role='tabpanel']:not([hidden]) [role='log']")
        .text_content()
        .unwrap_or_default()
}

async fn key_on(target: &Element, key: &str, code: &str, alt: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_code(code);
    init.set_alt_key(alt);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    target.dispatch_event(&event).expect("dispatched");
    settle().await;
}

async fn enter_line(root: &Element, line: &str) {
    let input = active_input(root);
    input.set_value(line);
    key_on(&input, "Enter", "Enter", false).await;
}

async fn click(element: &Element) {
    element
        .clone()
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an HTML element")
        .click();
    settle().await;
}

fn has_class(element: &Element, class: &str) -> bool {
    element
        .get_attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

fn focused() -> Option<Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
}

#[wasm_bindgen_test]
async fn tabs_follow_the_aria_tabs_pattern() {
    let (root, app) = mount_app().await;
    assert_eq!(tab_names(&root), ["Terminal 1*"]);
    assert!(
        root.query_selector(".tab-close").ok().flatten().is_none(),
        "the only terminal cannot be closed"
    );
    click(&one(&root, "button[aria-label='New terminal']")).await;
    assert_eq!(tab_names(&root), ["Terminal 1", "Terminal 2*"]);
    assert_eq!(
        one(&root, "[role='tablist']")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Terminals")
    );
    for tab in tabs(&root) {
        let selected = tab.get_attribute("aria-selected").as_deref() == Some("true");
        assert_eq!(
            tab.get_attribute("tabindex").as_deref(),
            Some(if selected { "0" } else { "-1" }),
            "roving tabindex"
        );
        let panel_id = tab.get_attribute("aria-controls").expect("aria-controls");
        let panel = one(&root, &format!("#{panel_id}"));
        assert_eq!(panel.get_attribute("role").as_deref(), Some("tabpanel"));
        assert_eq!(panel.get_attribute("aria-labelledby"), Some(tab.id()));
        assert_eq!(panel.has_attribute("hidden"), !selected);
    }
    assert_eq!(all(&root, ".tab-close").len(), 2);
    assert_eq!(
        focused(),
        Some(Element::from(active_input(&root))),
        "a new terminal takes the focus"
    );

    // Left/Right wrap, Home/End go to the ends, and the focus moves with the selection.
    click(&one(&root, "button[aria-label='New terminal']")).await;
    let third = one(&root, "#terminal-tab-3");
    key_on(&third, "ArrowRight", "ArrowRight", false).await;
    assert_eq!(
        tab_names(&root),
        ["Terminal 1*", "Terminal 2", "Terminal 3"]
    );
    assert_eq!(focused().map(|e| e.id()).as_deref(), Some("terminal-tab-1"));
    key_on(
        &one(&root, "#terminal-tab-1"),
        "ArrowLeft",
        "ArrowLeft",
        false,
    )
    .await;
    assert_eq!(
        tab_names(&root),
        ["Terminal 1", "Terminal 2", "Terminal 3*"]
    );
    key_on(&one(&root, "#terminal-tab-3"), "Home", "Home", false).await;
    assert_eq!(
        tab_names(&root),
        ["Terminal 1*", "Terminal 2", "Terminal 3"]
    );
    key_on(&one(&root, "#terminal-tab-1"), "End", "End", false).await;
    assert_eq!(
        tab_names(&root),
        ["Terminal 1", "Terminal 2", "Terminal 3*"]
    );
    // Delete closes the focused tab and shows (and focuses) the one before the last.
    key_on(&one(&root, "#terminal-tab-3"), "Delete", "Delete", false).await;
    assert_eq!(tab_names(&root), ["Terminal 1", "Terminal 2*"]);
    assert_eq!(focused().map(|e| e.id()).as_deref(), Some("terminal-tab-2"));
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn each_terminal_keeps_its_own_log_draft_and_history() {
    let (root, app) = mount_app().await;
    enter_line(&root, "date").await;
    click(&one(&root, "button[aria-label='New terminal']")).await;
    assert!(!active_log(&root).contains("lab$ date"), "a fresh log");
    enter_line(&root, "hosts").await;
    active_input(&root).set_value("telnet mail.cr");

    click(&one(&root, "#terminal-tab-1")).await;
    assert_eq!(active_input(&root).value(), "", "terminal 1 has no draft");
    assert!(active_log(&root).contains("lab$ date"));
    assert!(!active_log(&root).contains("lab$ hosts"));
    key_on(&active_input(&root), "ArrowUp", "ArrowUp", false).await;
    assert_eq!(active_input(&root).value(), "date", "terminal 1's history");

    click(&one(&root, "#terminal-tab-2")).await;
    assert_eq!(
        active_input(&root).value(),
        "telnet mail.cr",
        "the draft waited"
    );
    assert!(active_log(&root).contains("lab$ hosts"));
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn alt_keys_open_show_and_close_terminals_from_the_input() {
    let (root, app) = mount_app().await;
    key_on(&active_input(&root), "t", "KeyT", true).await;
    assert_eq!(tab_names(&root), ["Terminal 1", "Terminal 2*"]);
    assert_eq!(focused(), Some(Element::from(active_input(&root))));
    enter_line(&root, "date").await;

    key_on(&active_input(&root), "1", "Digit1", true).await;
    assert_eq!(tab_names(&root), ["Terminal 1*", "Terminal 2"]);
    assert_eq!(
        focused(),
        Some(Element::from(active_input(&root))),
        "the focus follows to the terminal shown"
    );
    key_on(&active_input(&root), "5", "Digit5", true).await;
    assert_eq!(
        tab_names(&root),
        ["Terminal 1*", "Terminal 2"],
        "no fifth tab"
    );
    // A programmatic click moves no focus: had Alt+5 left a focus request behind, terminal 2's
    // input would take it now.
    click(&one(&root, "#terminal-tab-2")).await;
    assert_ne!(focused(), Some(Element::from(active_input(&root))));
    click(&one(&root, "#terminal-tab-1")).await;

    key_on(&active_input(&root), "w", "KeyW", true).await;
    assert_eq!(tab_names(&root), ["Terminal 2*"]);
    assert!(active_log(&root).contains("lab$ date"));
    key_on(&active_input(&root), "w", "KeyW", true).await;
    assert_eq!(tab_names(&root), ["Terminal 2*"], "the last stays open");
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn a_hidden_terminal_that_receives_output_shows_an_unread_mark() {
    let (root, app) = mount_app().await;
    click(&one(&root, "button[aria-label='New terminal']")).await;
    for line in ["telnet mail.hamburger.edu 110", "user bob", "pass hungry"] {
        enter_line(&root, line).await;
    }
    let tab2 = one(&root, "#terminal-tab-2");
    assert_eq!(
        tab2.query_selector(".tab-remote")
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
            .as_deref(),
        Some(" · mail.hamburger.edu:110")
    );
    click(&one(&root, "#terminal-tab-1")).await;
    assert!(all(&root, ".tab.unread").is_empty());

    // The world is reset from terminal 1: terminal 2's session ends while it is hidden.
    enter_line(&root, "reset").await;
    let tab2 = one(&root, "#terminal-tab-2");
    assert!(has_class(&tab2, "unread"));
    assert!(
        tab2.text_content()
            .unwrap_or_default()
            .contains("new output"),
        "screen readers hear it too"
    );
    assert!(
        tab2.query_selector(".tab-remote").ok().flatten().is_none(),
        "no longer connected"
    );
    click(&tab2).await;
    assert!(all(&root, ".tab.unread").is_empty(), "seen");
    assert!(active_log(&root).contains("Connection closed: the world was reset."));
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn six_terminals_at_most_with_a_notice_and_the_close_mark_closes_one() {
    let (root, app) = mount_app().await;
    let plus = one(&root, "button[aria-label='New terminal']");
    for _ in 0..6 {
        click(&plus).await;
    }
    assert_eq!(tabs(&root).len(), 6);
    let notice = one(&root, "[role='status']");
    assert_eq!(
        notice.text_content().as_deref(),
        Some("At most 6 terminals: close one to open another.")
    );
    assert_eq!(plus.get_attribute("aria-disabled").as_deref(), Some("true"));

    let close = one(&root, "#terminal-tab-6 .tab-close");
    assert_eq!(close.get_attribute("aria-hidden").as_deref(), Some("true"));
    click(&close).await;
    assert_eq!(tabs(&root).len(), 5);
    assert_eq!(
        focused(),
        Some(Element::from(active_input(&root))),
        "the clicked tab went; the input shown takes the focus"
    );
    assert_eq!(
        tab_names(&root).last().map(String::as_str),
        Some("Terminal 5*")
    );
    assert_eq!(
        notice.text_content().as_deref(),
        Some(""),
        "the notice went"
    );
    assert!(plus.get_attribute("aria-disabled").is_none());

    // Closing a tab that is not shown keeps the one shown.
    click(&one(&root, "#terminal-tab-2 .tab-close")).await;
    assert_eq!(
        tab_names(&root),
        ["Terminal 1", "Terminal 3", "Terminal 4", "Terminal 5*"]
    );
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn window_mail_lab_names_terminals_by_their_number() {
    let (root, app) = mount_app().await;
    let window = web_sys::window().expect("a window");
    let api = js_sys::Reflect::get(&window, &"mailLab".into()).expect("window.mailLab");
    let call = |name: &str, args: &[wasm_bindgen::JsValue]| {
        let f: js_sys::Function = js_sys::Reflect::get(&api, &name.into())
            .expect("a member")
            .dyn_into()
            .expect("a function");
        f.apply(&api, &args.iter().collect::<js_sys::Array>())
    };
    let opened = call("openTerminal", &[]).expect("opens");
    assert_eq!(opened.as_f64(), Some(2.0));
    settle().await;
    assert_eq!(tab_names(&root), ["Terminal 1", "Terminal 2*"]);

    let printed = call("exec", &["telnet mail.hamburger.edu 7".into(), 1.into()]).expect("runs");
    assert!(
        printed
            .as_string()
            .unwrap_or_default()
            .contains("Connected")
    );
    settle().await;
    assert!(has_class(&one(&root, "#terminal-tab-1"), "unread"));
    let output = call("output", &[1.into()]).expect("reads");
    assert!(
        output
            .as_string()
            .unwrap_or_default()
            .contains("Escape character is '^]'.")
    );
    let shown = call("output", &[]).expect("reads");
    assert!(
        !shown
            .as_string()
            .unwrap_or_default()
            .contains("Escape character")
    );

    let list = call("terminals", &[]).expect("lists");
    let json = js_sys::JSON::stringify(&list).expect("json");
    assert_eq!(
        json.as_string().as_deref(),
        Some(
            r#"[{"terminal":1,"label":"1 · mail.hamburger.edu:7","active":false,"unread":true},{"terminal":2,"label":"2","active":true,"unread":false}]"#
        )
    );

    call("selectTerminal", &[1.into()]).expect("selects");
    settle().await;
    assert_eq!(tab_names(&root), ["Terminal 1*", "Terminal 2"]);
    let error = call("exec", &["date".into(), 7.into()]).expect_err("no terminal 7");
    let message = js_sys::Reflect::get(&error, &"message".into()).expect("a message");
    assert_eq!(
        message.as_string().as_deref(),
        Some("no terminal 7: the open ones are 1, 2")
    );
    call("closeTerminal", &[1.into()]).expect("closes");
    settle().await;
    assert_eq!(tab_names(&root), ["Terminal 2*"]);
    assert!(
        call("closeTerminal", &[2.into()]).is_err(),
        "the last stays"
    );
    unmount(root, app).await;
}
