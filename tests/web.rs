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
    // The log is not itself live (drawing other lines as it scrolls must not be read out); the
    // live region beside it reads new output.
    assert_eq!(log.get_attribute("aria-live").as_deref(), Some("off"));
    let live = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[aria-live='polite']").ok().flatten());
    assert!(live.is_some(), "a live region for new output");
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
    all(root, ".terminals [role='tab']")
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
        one(&root, ".terminals [role='tablist']")
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

// The panel area (#8): a tab strip of panels beside the terminals; the Mailboxes panel shows the
// server-side truth and follows every change, whichever terminal made it.

/// Shows the panel called `name` by clicking its tab.
async fn show_panel(root: &Element, name: &str) {
    let tab = all(root, ".panels [role='tab']")
        .into_iter()
        .find(|t| {
            // A changed mark adds ", changed" for screen readers.
            let text = t.text_content().unwrap_or_default();
            text.strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest == ", changed")
        })
        .unwrap_or_else(|| panic!("a panel tab called {name}"));
    click(&tab).await;
}

/// The message list's rows drawn, as "number uid flags | subject".
fn rows(root: &Element) -> Vec<String> {
    all(root, ".mbx-rows [role='row']")
        .iter()
        .map(|tr| {
            let cells = all(tr, "[role='gridcell']");
            let text = |i: usize| {
                cells
                    .get(i)
                    .and_then(|c| c.text_content())
                    .unwrap_or_default()
            };
            let flags = all(tr, ".flag")
                .iter()
                .filter_map(|f| f.text_content())
                .collect::<Vec<_>>()
                .join(" ");
            let subject = tr
                .query_selector(".open")
                .ok()
                .flatten()
                .and_then(|s| s.text_content())
                .unwrap_or_default();
            format!("{} {} {flags} | {subject}", text(0), text(1))
        })
        .collect()
}

/// Picks the option whose text starts with `label` in the Mailboxes panel's picker.
async fn pick_mailbox(root: &Element, label: &str) {
    let select: web_sys::HtmlSelectElement = one(root, "#mbx-source").dyn_into().expect("select");
    let option = all(root, "#mbx-source option")
        .into_iter()
        .find(|o| o.text_content().unwrap_or_default().starts_with(label))
        .unwrap_or_else(|| panic!("an option {label}"));
    select.set_value(&option.get_attribute("value").unwrap_or_default());
    let fire = js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new Event('change', { bubbles: true }))",
    );
    fire.call1(&wasm_bindgen::JsValue::NULL, &select)
        .expect("change dispatched");
    settle().await;
}

async fn open_message(root: &Element, subject: &str) {
    let button = all(root, ".mbx-list .open")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some(subject))
        .unwrap_or_else(|| panic!("a message '{subject}'"));
    click(&button).await;
}

async fn show_as(root: &Element, aspect: &str) {
    let button = all(root, ".message .seg")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some(aspect))
        .unwrap_or_else(|| panic!("a view '{aspect}'"));
    click(&button).await;
}

fn text_of(root: &Element, selector: &str) -> String {
    one(root, selector).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_panels_follow_the_aria_tabs_pattern_and_keep_the_start_panel() {
    let (root, app) = mount_app().await;
    let list = one(&root, ".panels [role='tablist']");
    assert_eq!(list.get_attribute("aria-label").as_deref(), Some("Panels"));
    let names: Vec<String> = all(&list, "[role='tab']")
        .iter()
        .map(|t| {
            let selected = t.get_attribute("aria-selected").as_deref() == Some("true");
            format!(
                "{}{}",
                t.text_content().unwrap_or_default(),
                if selected { "*" } else { "" }
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "Start*",
            "Mailboxes",
            "Sessions",
            "Network",
            "Reference",
            "Lesson"
        ]
    );
    assert!(
        text_of(&root, "#panel-start").contains("Quick start"),
        "the quick start is the first panel"
    );
    assert!(text_of(&root, "#panel-start").contains("mail.crepes.fr"));
    for tab in all(&list, "[role='tab']") {
        let panel = one(
            &root,
            &format!("#{}", tab.get_attribute("aria-controls").expect("controls")),
        );
        assert_eq!(panel.get_attribute("role").as_deref(), Some("tabpanel"));
        assert_eq!(panel.get_attribute("aria-labelledby"), Some(tab.id()));
    }
    key_on(
        &one(&root, "#panel-tab-start"),
        "ArrowRight",
        "ArrowRight",
        false,
    )
    .await;
    assert_eq!(
        one(&root, "#panel-tab-mailboxes")
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        focused().map(|e| e.id()).as_deref(),
        Some("panel-tab-mailboxes")
    );
    assert!(one(&root, "#panel-start").has_attribute("hidden"));
    assert!(!one(&root, "#panel-mailboxes").has_attribute("hidden"));
    assert_eq!(
        one(&root, "#panel-tab-mailboxes")
            .get_attribute("tabindex")
            .as_deref(),
        Some("0"),
        "roving tabindex"
    );
    key_on(&one(&root, "#panel-tab-mailboxes"), "Home", "Home", false).await;
    assert_eq!(
        focused().map(|e| e.id()).as_deref(),
        Some("panel-tab-start")
    );
    assert_eq!(
        tab_names(&root),
        ["Terminal 1*"],
        "the terminal tabs are their own list"
    );
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn the_mailboxes_panel_follows_deliveries_flags_and_expunges_from_any_terminal() {
    let (root, app) = mount_app().await;
    show_panel(&root, "Mailboxes").await;
    let groups: Vec<String> = all(&root, "#mbx-source optgroup")
        .iter()
        .filter_map(|g| g.get_attribute("label"))
        .collect();
    assert_eq!(
        groups,
        ["Server mail.crepes.fr", "Server mail.hamburger.edu"]
    );
    assert!(text_of(&root, ".mbx-banner").starts_with("Server side"));
    assert_eq!(
        rows(&root),
        [
            "1 1 new | Crepes on Friday?",
            "2 2 new | Welcome to your hamburger.edu mailbox"
        ],
        "bob's INBOX is shown first: the first account with mail"
    );
    let folders: Vec<String> = all(&root, ".folder")
        .iter()
        .filter_map(|f| f.text_content())
        .collect();
    assert!(
        folders.contains(&"INBOX2 · 2 unseen".to_string()),
        "{folders:?}"
    );
    assert!(folders.contains(&"Sent\\Sent0".to_string()), "{folders:?}");

    // IMAP typed by hand in terminal 1 flags one message and expunges the other.
    for line in [
        "telnet mail.hamburger.edu 143",
        "a1 LOGIN bob hungry",
        "a2 SELECT INBOX",
        "a3 STORE 1 +FLAGS (\\Flagged)",
    ] {
        enter_line(&root, line).await;
    }
    assert_eq!(
        rows(&root),
        [
            "1 1 \\Flagged | Crepes on Friday?",
            "2 2  | Welcome to your hamburger.edu mailbox"
        ],
        "the session that selected INBOX claimed \\Recent"
    );
    enter_line(&root, "a4 STORE 2 +FLAGS (\\Deleted)").await;
    assert!(has_class(
        &all(&root, ".mbx-rows [role='row']")[1],
        "deleted"
    ));
    enter_line(&root, "a5 EXPUNGE").await;
    assert_eq!(rows(&root), ["1 1 \\Flagged | Crepes on Friday?"]);

    // Alice writes from a second terminal: relayed to bob's server, shown here at once.
    click(&one(&root, "button[aria-label='New terminal']")).await;
    for line in [
        "login alice",
        "mail -s Lunch bob@hamburger.edu",
        "At noon?",
        ".",
    ] {
        enter_line(&root, line).await;
    }
    assert_eq!(
        rows(&root),
        ["1 1 \\Flagged | Crepes on Friday?", "2 3 new | Lunch"]
    );
    assert!(text_of(&root, ".mbx-facts").contains("UIDNEXT 4"));
    // IDLE in terminal 1 was not needed: the store is the truth the panel reads.
    open_message(&root, "Lunch").await;
    assert!(
        text_of(&root, ".message h2").starts_with("UID 3 in INBOX of bob on mail.hamburger.edu")
    );
    assert!(text_of(&root, ".message .mail-text").contains("At noon?"));
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn a_message_shows_text_fields_mime_and_raw_and_runs_nothing() {
    let (root, app) = mount_app().await;
    for line in [
        "telnet mail.hamburger.edu 25",
        "HELO crepes.fr",
        "MAIL FROM:<mallory@crepes.fr>",
        "RCPT TO:<bob@hamburger.edu>",
        "DATA",
        "Subject: <script>window.__pwned=1</script> =?UTF-8?Q?caf=C3=A9?=",
        "From: Mallory <mallory@crepes.fr>",
        "",
        "<img src=x onerror=\"window.__pwned=1\">",
        "<b>bold?</b>",
        ".",
        "QUIT",
    ] {
        enter_line(&root, line).await;
    }
    show_panel(&root, "Mailboxes").await;
    let subject = "<script>window.__pwned=1</script> café";
    open_message(&root, subject).await;
    let window = web_sys::window().expect("a window");
    let pwned = js_sys::Reflect::get(&window, &"__pwned".into()).expect("read");
    assert!(pwned.is_undefined(), "nothing ran");
    assert!(
        all(&root, ".panels script, .panels img").is_empty(),
        "no element came from the mail"
    );
    assert!(text_of(&root, ".summary").contains(subject));
    assert!(text_of(&root, ".mail-text").contains("<img src=x onerror=\"window.__pwned=1\">"));

    show_as(&root, "Header fields").await;
    let fields = text_of(&root, ".fields");
    assert!(
        fields.contains("Return-Path<mallory@crepes.fr>"),
        "{fields}"
    );
    assert!(
        fields.contains("decoded (RFC 2047): <script>window.__pwned=1</script> café"),
        "{fields}"
    );

    show_as(&root, "MIME tree").await;
    let mime: Vec<String> = all(&root, ".mime tbody tr")
        .iter()
        .filter_map(|r| r.text_content())
        .collect();
    assert_eq!(mime.len(), 1);
    assert!(
        mime[0].starts_with("1text/plain; charset=US-ASCII7bit"),
        "the default type, as IMAP reports it: {mime:?}"
    );

    show_as(&root, "Raw").await;
    assert!(
        all(&root, ".raw .eol").is_empty(),
        "line ends hidden at first"
    );
    let raw = text_of(&root, ".raw");
    assert!(raw.contains("<img src=x onerror=\"window.__pwned=1\">\n"));
    click(&one(&root, ".message input[type='checkbox']")).await;
    let ends: Vec<String> = all(&root, ".raw .eol")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert!(
        !ends.is_empty() && ends.iter().all(|e| e == "CR LF"),
        "{ends:?}"
    );
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn user_agents_local_mailboxes_are_listed_apart() {
    let (root, app) = mount_app().await;
    show_panel(&root, "Mailboxes").await;
    assert_eq!(all(&root, "#mbx-source optgroup").len(), 2, "no agent yet");
    enter_line(&root, "pop3 fetch bob --client laptop --delete").await;
    assert!(
        rows(&root).is_empty(),
        "download-and-delete emptied the server's INBOX"
    );
    let groups: Vec<String> = all(&root, "#mbx-source optgroup")
        .iter()
        .filter_map(|g| g.get_attribute("label"))
        .collect();
    assert_eq!(
        groups.last().map(String::as_str),
        Some("User agents: local copies (POP3)")
    );
    pick_mailbox(&root, "bob@hamburger.edu on laptop").await;
    let banner = one(&root, ".mbx-banner");
    assert!(has_class(&banner, "agent"));
    assert!(text_of(&root, ".mbx-banner").starts_with("User agent"));
    assert_eq!(rows(&root).len(), 2);
    assert!(
        all(&root, ".mbx-folders").is_empty(),
        "no server folders here"
    );
    open_message(&root, "Crepes on Friday?").await;
    assert!(
        text_of(&root, ".message h2").starts_with("Local message 1 of bob@hamburger.edu on laptop")
    );
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn the_theme_switch_sets_and_remembers_a_theme() {
    let (root, app) = mount_app().await;
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .expect("a root element");
    let switch = one(&root, ".theme-switch");
    let was = switch.get_attribute("aria-pressed");
    click(&switch).await;
    let now = switch.get_attribute("aria-pressed");
    assert_ne!(was, now);
    let theme = if now.as_deref() == Some("true") {
        "dark"
    } else {
        "light"
    };
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some(theme));
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("storage");
    assert_eq!(
        storage.get_item("maillab.theme").ok().flatten().as_deref(),
        Some(theme)
    );
    let _ = storage.remove_item("maillab.theme");
    let _ = html.remove_attribute("data-theme");
    unmount(root, app).await;
}

// The Sessions, Network and Reference panels (#8): what the world remembers of every
// conversation, the network and the queue, and the protocols' reference card.

/// The state diagram's states as "name:class" ("TRANSACTION:current").
fn phases(root: &Element) -> Vec<String> {
    all(root, ".phases .phase")
        .iter()
        .map(|li| {
            let name = li
                .query_selector(".phase-name")
                .ok()
                .flatten()
                .and_then(|n| n.text_content())
                .unwrap_or_default();
            let class = ["current", "passed", "ahead"]
                .into_iter()
                .find(|c| has_class(li, c))
                .unwrap_or("?");
            format!("{name}:{class}")
        })
        .collect()
}

/// The sequence diagram's lines as "C: text" / "S: text".
fn sequence_lines(root: &Element) -> Vec<String> {
    all(root, ".seq .seq-bubble")
        .iter()
        .filter_map(|b| b.text_content())
        .collect()
}

#[wasm_bindgen_test]
async fn the_sessions_panel_follows_a_pop3_session_through_its_three_states() {
    let (root, app) = mount_app().await;
    show_panel(&root, "Sessions").await;
    assert!(text_of(&root, "#panel-sessions").contains("No sessions yet"));
    enter_line(&root, "telnet mail.hamburger.edu 110").await;
    assert_eq!(
        one(&root, ".follow")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true"),
        "the panel follows the terminal"
    );
    assert_eq!(
        phases(&root),
        ["AUTHORIZATION:current", "TRANSACTION:ahead", "UPDATE:ahead"]
    );
    assert!(text_of(&root, ".state .cmds").contains("USER"));
    assert_eq!(
        text_of(&root, ".seq-end.client strong"),
        "terminal 1",
        "the client's lifeline is named"
    );
    assert_eq!(
        text_of(&root, ".seq-end.server strong"),
        "mail.hamburger.edu:110"
    );
    enter_line(&root, "user bob").await;
    enter_line(&root, "pass hungry").await;
    assert_eq!(
        phases(&root),
        [
            "AUTHORIZATION:passed",
            "TRANSACTION:current",
            "UPDATE:ahead"
        ]
    );
    let valid: Vec<String> = all(&root, ".state .cmds li")
        .iter()
        .filter_map(|li| li.text_content())
        .collect();
    assert_eq!(
        valid,
        [
            "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL", "CAPA", "QUIT"
        ]
    );
    let lines = sequence_lines(&root);
    assert_eq!(lines.get(1).map(String::as_str), Some("C: user bob"));
    assert_eq!(lines.get(2).map(String::as_str), Some("S: +OK send PASS"));
    assert!(all(&root, ".seq-line.c").len() == 2 && all(&root, ".seq-line.s").len() == 3);
    enter_line(&root, "quit").await;
    assert_eq!(
        phases(&root),
        [
            "AUTHORIZATION:passed",
            "TRANSACTION:passed",
            "UPDATE:current"
        ],
        "QUIT entered UPDATE, and the panel still shows the finished session"
    );
    assert!(text_of(&root, ".state").contains("closed by the server"));
    assert!(
        all(&root, ".state .cmds").is_empty(),
        "nothing is valid any more"
    );
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn a_relay_between_two_servers_is_a_sequence_and_a_valid_command_opens_the_reference() {
    let (root, app) = mount_app().await;
    for line in [
        "login alice",
        "mail -s Hi bob@hamburger.edu",
        "Hello Bob",
        ".",
    ] {
        enter_line(&root, line).await;
    }
    show_panel(&root, "Sessions").await;
    let options = all(&root, "[role='listbox'] [role='option']");
    assert_eq!(options.len(), 3, "submission, relay, the copy to Sent");
    let relay = options
        .iter()
        .find(|o| {
            o.text_content()
                .unwrap_or_default()
                .contains("mail.crepes.fr → mail.hamburger.edu:25")
        })
        .expect("the relay is listed")
        .clone();
    click(&relay).await;
    assert_eq!(
        relay.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        one(&root, ".follow")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    assert_eq!(text_of(&root, ".seq-end.client strong"), "mail.crepes.fr");
    assert_eq!(
        text_of(&root, ".seq-end.server strong"),
        "mail.hamburger.edu:25"
    );
    let lines = sequence_lines(&root);
    assert!(lines.contains(&"C: RCPT TO:<bob@hamburger.edu>".to_string()));
    assert!(lines.contains(&"C: Hello Bob".to_string()));
    assert!(lines.iter().any(|l| l.starts_with("S: 250 2.0.0 OK")));
    assert_eq!(
        phases(&root),
        [
            "greeting:passed",
            "ready:current",
            "envelope:passed",
            "data:passed"
        ]
    );
    // The listbox moves with the keys: Home goes to the newest session.
    key_on(&relay, "Home", "Home", false).await;
    assert_eq!(
        focused()
            .and_then(|e| e.get_attribute("aria-selected"))
            .as_deref(),
        Some("true")
    );

    // An open SMTP session: its valid commands open their entries in the Reference panel.
    click(&one(&root, ".follow")).await;
    enter_line(&root, "telnet mail.hamburger.edu 25").await;
    assert_eq!(
        phases(&root).first().map(String::as_str),
        Some("greeting:current")
    );
    let helo = all(&root, ".state .cmds button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("HELO"))
        .expect("HELO is valid now");
    click(&helo).await;
    assert_eq!(
        one(&root, "#panel-tab-reference")
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    let input: HtmlInputElement = one(&root, "#ref-q").dyn_into().expect("an input");
    assert_eq!(input.value(), "HELO");
    let terms: Vec<String> = all(&root, ".ref-term")
        .iter()
        .filter_map(|t| t.text_content())
        .collect();
    assert_eq!(terms, ["HELO domain"]);
    assert!(text_of(&root, "#panel-reference").contains("RFC 5321 §4.1.1.1"));
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn the_network_panel_shows_hosts_connections_and_a_queued_message() {
    let (root, app) = mount_app().await;
    show_panel(&root, "Network").await;
    let hosts: Vec<String> = all(&root, ".net-hosts .host-name")
        .iter()
        .filter_map(|h| h.text_content())
        .collect();
    assert_eq!(hosts, ["mail.crepes.fr", "mail.hamburger.edu"]);
    assert!(text_of(&root, "#panel-network").contains("Relay queue (0)"));
    enter_line(&root, "host down mail.hamburger.edu").await;
    assert!(has_class(&all(&root, ".net-hosts .badge")[1], "down"));
    for line in [
        "login alice",
        "mail -s Later bob@hamburger.edu",
        "Wait",
        ".",
    ] {
        enter_line(&root, line).await;
    }
    assert!(text_of(&root, "#panel-network").contains("Relay queue (1)"));
    let queued = one(&root, ".msgs .msg");
    assert!(
        text_of(&queued, ".msg-head").contains("alice@crepes.fr → bob@hamburger.edu"),
        "{}",
        text_of(&queued, ".msg-head")
    );
    let hops: Vec<String> = all(&queued, ".hop")
        .iter()
        .map(|h| {
            let class = ["passed", "here", "failed", "ahead"]
                .into_iter()
                .find(|c| has_class(h, c))
                .unwrap_or("?");
            format!("{}:{class}", text_of(h, ".hop-name"))
        })
        .collect();
    assert_eq!(
        hops,
        [
            "alice@crepes.fr:passed",
            "mail.crepes.fr:here",
            "mail.hamburger.edu:ahead"
        ]
    );
    assert!(text_of(&queued, ".msg-facts").contains("1 attempt so far; next attempt"));
    assert!(text_of(&root, "#panel-network").contains("deferred"));

    enter_line(&root, "telnet mail.crepes.fr 110").await;
    assert!(text_of(&root, ".conns").contains("terminal 1 → mail.crepes.fr:110"));
    assert!(text_of(&root, ".conns").contains("POP3 AUTHORIZATION"));
    click(&one(&root, ".conns .open")).await;
    assert_eq!(
        one(&root, "#panel-tab-sessions")
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true"),
        "a connection opens its session"
    );
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn the_reference_panel_filters_by_words_and_protocol() {
    let (root, app) = mount_app().await;
    show_panel(&root, "Reference").await;
    let all_entries = all(&root, ".ref-entry").len();
    assert!(all_entries > 100, "{all_entries}");
    let input: HtmlInputElement = one(&root, "#ref-q").dyn_into().expect("an input");
    input.set_value("login-DELAY");
    let fire = js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new InputEvent('input', { bubbles: true }))",
    );
    fire.call1(&wasm_bindgen::JsValue::NULL, &input)
        .expect("input dispatched");
    settle().await;
    let terms: Vec<String> = all(&root, ".ref-entry dt code:first-child")
        .iter()
        .filter_map(|t| t.text_content())
        .collect();
    assert_eq!(terms, ["[LOGIN-DELAY]"]);
    assert!(text_of(&root, "#panel-reference").contains("RFC 2449 §8.1.1"));
    input.set_value("");
    fire.call1(&wasm_bindgen::JsValue::NULL, &input)
        .expect("input dispatched");
    settle().await;
    let imap = all(&root, ".ref-tools .seg")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("IMAP"))
        .expect("an IMAP choice");
    click(&imap).await;
    assert_eq!(imap.get_attribute("aria-pressed").as_deref(), Some("true"));
    let headings: Vec<String> = all(&root, ".reference h2")
        .iter()
        .filter_map(|h| h.text_content())
        .collect();
    assert_eq!(headings, ["IMAP — RFC 3501"]);
    unmount(root, app).await;
}

// What the panels still had to learn (#8): a mailbox of 10,000 messages drawn a window at a
// time, a hidden panel's changed mark, a long transcript in pages.

/// Runs `lines` through `window.mailLab.exec` (the app mounted last installed it).
fn exec(lines: &str) -> String {
    let window = web_sys::window().expect("a window");
    let api = js_sys::Reflect::get(&window, &"mailLab".into()).expect("window.mailLab");
    let exec: js_sys::Function = js_sys::Reflect::get(&api, &"exec".into())
        .expect("exec")
        .dyn_into()
        .expect("a function");
    exec.call1(&api, &lines.into())
        .expect("exec runs")
        .as_string()
        .unwrap_or_default()
}

/// The page's stylesheet, as the site serves it (rows need their height to be scrolled).
fn add_styles() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let style = document.create_element("style").expect("a style element");
    style.set_text_content(Some(include_str!("../www/style.css")));
    document
        .head()
        .expect("a head")
        .append_child(&style)
        .expect("appended");
    style
}

/// The drawn rows' `aria-rowindex`es.
fn row_indexes(root: &Element) -> Vec<usize> {
    all(root, ".mbx-rows [role='row']")
        .iter()
        .filter_map(|r| r.get_attribute("aria-rowindex")?.parse().ok())
        .collect()
}

/// The message number in the row of the focused element.
fn focused_number() -> Option<String> {
    focused()?
        .closest("[role='row']")
        .ok()??
        .query_selector(".c-num")
        .ok()??
        .text_content()
}

async fn scroll_to(element: &Element, top: i32) {
    element.set_scroll_top(top);
    let event = web_sys::Event::new("scroll").expect("an event");
    element.dispatch_event(&event).expect("dispatched");
    settle().await;
}

#[wasm_bindgen_test]
async fn a_ten_thousand_message_inbox_draws_the_rows_in_view_and_reaches_every_one() {
    let style = add_styles();
    let (root, app) = mount_app().await;
    // IMAP COPY doubles bob's INBOX: 2, 4, … 8192, then 1,808 more.
    for _ in 0..12 {
        exec("imap bob copy 1:* INBOX");
    }
    exec("imap bob copy 1:1808 INBOX");
    show_panel(&root, "Mailboxes").await;
    let grid = one(&root, ".mbx-list [role='grid']");
    assert_eq!(
        grid.get_attribute("aria-rowcount").as_deref(),
        Some("10001"),
        "10,000 messages and the header row"
    );
    assert_eq!(
        grid.get_attribute("aria-label").as_deref(),
        Some("Messages, 10000")
    );
    let head = one(&root, ".mbx-head");
    assert_eq!(head.get_attribute("aria-rowindex").as_deref(), Some("1"));
    let headers: Vec<String> = all(&head, "[role='columnheader']")
        .iter()
        .filter_map(|h| h.text_content())
        .collect();
    assert_eq!(
        headers,
        ["#", "UID", "Flags", "From", "Subject", "Size", "Received"]
    );
    let drawn = row_indexes(&root);
    assert!(
        drawn.len() < 40,
        "only the rows in view and a margin: {}",
        drawn.len()
    );
    assert_eq!(drawn.first(), Some(&2), "the list starts at its top");
    assert!(drawn.windows(2).all(|w| w[1] == w[0] + 1), "{drawn:?}");
    assert_eq!(
        rows(&root)[0],
        "1 1  | Crepes on Friday?",
        "row 2 of the grid is message 1 (the agent's sessions claimed \\Recent)"
    );

    // Scrolled to the middle, the rows there are drawn, and still only a window of them.
    let list = one(&root, ".mbx-list");
    let height = one(&root, ".mbx-rows [role='row']")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("an HTML element")
        .offset_height();
    assert!(height > 0, "rows have a height");
    scroll_to(&list, height * 5000).await;
    let drawn = row_indexes(&root);
    assert!(drawn.len() < 40, "{}", drawn.len());
    assert!(
        drawn.contains(&5002) && drawn.contains(&5010),
        "message 5001 is at the top of the view: {drawn:?}"
    );
    let padding = one(&root, ".mbx-rows")
        .get_attribute("style")
        .unwrap_or_default();
    assert!(
        padding.contains(&format!("* {})", drawn[0] - 2)),
        "the rows above are padding: {padding}"
    );

    // One tab stop, the first row in view; the keys move between rows.
    let stops = all(&root, ".mbx-list .open[tabindex='0']");
    assert_eq!(stops.len(), 1, "one tab stop in the list");
    stops[0]
        .clone()
        .dyn_into::<web_sys::HtmlElement>()
        .expect("a button")
        .focus()
        .expect("focused");
    assert_eq!(focused_number().as_deref(), Some("5001"));
    let target = focused().expect("a focused element");
    key_on(&target, "ArrowDown", "ArrowDown", false).await;
    assert_eq!(focused_number().as_deref(), Some("5002"));
    key_on(&focused().expect("focus"), "ArrowUp", "ArrowUp", false).await;
    key_on(&focused().expect("focus"), "ArrowUp", "ArrowUp", false).await;
    assert_eq!(focused_number().as_deref(), Some("5000"));
    key_on(&focused().expect("focus"), "End", "End", false).await;
    assert_eq!(
        focused_number().as_deref(),
        Some("10000"),
        "End reaches the last message, drawn for it"
    );
    assert!(row_indexes(&root).contains(&10001));
    assert!(
        !row_indexes(&root).contains(&5002),
        "the middle is no longer drawn"
    );
    key_on(&focused().expect("focus"), "PageUp", "PageUp", false).await;
    let after_page_up: usize = focused_number()
        .and_then(|n| n.parse().ok())
        .expect("a row is focused");
    assert!(
        (9980..10000).contains(&after_page_up),
        "a page up: {after_page_up}"
    );
    key_on(&focused().expect("focus"), "Home", "Home", false).await;
    assert_eq!(focused_number().as_deref(), Some("1"));
    key_on(&focused().expect("focus"), "ArrowDown", "ArrowDown", false).await;
    // Enter on a button is a click: the message opens.
    click(&focused().expect("focus")).await;
    assert!(
        text_of(&root, ".message h2").starts_with("UID 2 in INBOX of bob on mail.hamburger.edu"),
        "{}",
        text_of(&root, ".message h2")
    );
    let current = one(&root, ".mbx-row.current");
    assert_eq!(current.get_attribute("aria-rowindex").as_deref(), Some("3"));
    assert_eq!(
        all(&root, ".mbx-list .open[tabindex='0']")
            .first()
            .and_then(|b| b.get_attribute("aria-current"))
            .as_deref(),
        Some("true"),
        "the open message's row is the tab stop"
    );
    unmount(root, app).await;
    style.remove();
}

/// Whether the panel tab called `id` shows a changed mark, read as a screen reader would.
fn marked(root: &Element, id: &str) -> bool {
    let tab = one(root, &format!("#panel-tab-{id}"));
    let spoken = tab
        .text_content()
        .unwrap_or_default()
        .ends_with(", changed");
    assert_eq!(
        spoken,
        tab.query_selector(".unread-mark").ok().flatten().is_some(),
        "the mark is seen and said"
    );
    spoken
}

#[wasm_bindgen_test]
async fn a_hidden_panel_that_changed_gets_a_mark_until_it_is_shown() {
    let (root, app) = mount_app().await;
    let panels = ["start", "mailboxes", "sessions", "network", "reference"];
    assert!(panels.iter().all(|p| !marked(&root, p)), "nothing yet");

    // Mail delivered: Mailboxes and Sessions changed while the Start panel is shown.
    for line in ["login alice", "mail -s Hi bob@hamburger.edu", "Hello", "."] {
        enter_line(&root, line).await;
    }
    assert!(marked(&root, "mailboxes"));
    assert!(marked(&root, "sessions"));
    assert!(!marked(&root, "network") && !marked(&root, "reference"));
    show_panel(&root, "Mailboxes").await;
    assert!(!marked(&root, "mailboxes"), "shown: the mark is gone");
    assert!(marked(&root, "sessions"));
    show_panel(&root, "Sessions").await;
    assert!(!marked(&root, "sessions"));
    assert!(!marked(&root, "mailboxes"), "and stays gone");

    // A flag set by the IMAP agent: a new session, and the store changed.
    enter_line(&root, "imap bob flag 1 flagged").await;
    assert!(marked(&root, "mailboxes"));
    assert!(!marked(&root, "sessions"), "the panel shown has no mark");
    show_panel(&root, "Mailboxes").await;
    assert!(!marked(&root, "mailboxes"));
    assert!(
        !marked(&root, "sessions"),
        "the agent's session was new while the panel was shown"
    );

    // An expunge typed by hand: the list shown follows; hidden, the tab says so.
    show_panel(&root, "Network").await;
    for line in [
        "telnet mail.hamburger.edu 143",
        "a1 LOGIN bob hungry",
        "a2 SELECT INBOX",
        "a3 STORE 1 +FLAGS (\\Deleted)",
    ] {
        enter_line(&root, line).await;
    }
    show_panel(&root, "Mailboxes").await;
    assert_eq!(rows(&root).len(), 3);
    show_panel(&root, "Start").await;
    enter_line(&root, "a4 EXPUNGE").await;
    assert!(marked(&root, "mailboxes"), "the expunge is a change");
    show_panel(&root, "Mailboxes").await;
    assert_eq!(rows(&root).len(), 2);
    unmount(root, app).await;
}

#[wasm_bindgen_test]
async fn a_long_transcript_is_drawn_a_page_at_a_time_and_every_line_can_be_reached() {
    let (root, app) = mount_app().await;
    exec("telnet mail.hamburger.edu 7");
    let lines: Vec<String> = (1..=450).map(|n| format!("line {n}")).collect();
    exec(&lines.join("\n"));
    show_panel(&root, "Sessions").await;
    let status = || text_of(&root, ".seq-pages .hint");
    let drawn = sequence_lines;
    assert_eq!(
        status(),
        "Lines 501–900 of 900 (the latest, following the session); Copy as text has them all."
    );
    assert_eq!(drawn(&root).len(), 400);
    assert_eq!(drawn(&root).last().map(String::as_str), Some("S: line 450"));
    let button = |label: &str| {
        all(&root, ".seq-pages button")
            .into_iter()
            .find(|b| b.text_content().as_deref() == Some(label))
            .unwrap_or_else(|| panic!("a button {label}"))
    };
    assert!(button("Latest").has_attribute("disabled"));
    assert!(button("Later lines").has_attribute("disabled"));

    click(&button("Earlier lines")).await;
    assert_eq!(status(), "Lines 101–500 of 900; Copy as text has them all.");
    assert_eq!(drawn(&root)[0], "C: line 51");
    click(&button("First lines")).await;
    assert_eq!(status(), "Lines 1–400 of 900; Copy as text has them all.");
    assert_eq!(drawn(&root)[0], "C: line 1");
    assert!(button("First lines").has_attribute("disabled"));
    // A page stays put while the session talks on.
    exec("one more");
    assert_eq!(drawn(&root)[0], "C: line 1");
    settle().await;
    assert_eq!(status(), "Lines 1–400 of 902; Copy as text has them all.");
    click(&button("Later lines")).await;
    assert_eq!(status(), "Lines 401–800 of 902; Copy as text has them all.");
    assert_eq!(drawn(&root)[0], "C: line 201");
    click(&button("Later lines")).await;
    assert_eq!(
        status(),
        "Lines 503–902 of 902 (the latest, following the session); Copy as text has them all."
    );
    assert_eq!(drawn(&root).last().map(String::as_str), Some("S: one more"));
    unmount(root, app).await;
}
