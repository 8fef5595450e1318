//! The lab's own controls, small, in the header: export the lab to a `.json` file, import one
//! (a file that does not load changes nothing and says why), a share link (the world in the
//! link's `#state=`, shown selected to copy), and reset (after a confirmation). Every control
//! is a button, reachable with Tab; outcomes are said in the page's notice (`role="status"`).

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::web::LabHandle;

/// The id of the hidden file input that "Import…" opens.
const IMPORT_ID: &str = "import-lab";

/// The controls, drawn (a plain function: the link shown lives in the lab handle's view).
pub fn state_controls(lab: &LabHandle) -> Html {
    let export = {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| match lab.state_json() {
            Ok(json) => download(&json, "maillab-lab.json"),
            Err(e) => lab.set_banner(Some(format!("The lab could not be exported: {e}"))),
        })
    };
    let choose = Callback::from(|_: MouseEvent| {
        let input = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(IMPORT_ID))
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = input {
            input.click();
        }
    });
    let import = {
        let lab = lab.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let lab = lab.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let outcome = match text.ok().and_then(|t| t.as_string()) {
                    Some(json) => lab.load_state_json(&json),
                    None => Err("it could not be read".to_string()),
                };
                lab.set_banner(Some(match outcome {
                    Ok(()) => format!("The lab in {name} is loaded."),
                    Err(e) => format!("{name} could not be imported, so nothing changed. ({e})"),
                }));
            });
        })
    };
    let share = {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| match lab.share_link() {
            Ok(url) => lab.set_shared_link(Some(url)),
            Err(e) => {
                lab.set_shared_link(None);
                lab.set_banner(Some(e));
            }
        })
    };
    let reset = {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "Start a fresh lab? The world and every terminal go back to the start.",
                    )
                    .ok()
                })
                .unwrap_or(false);
            if sure {
                lab.replace_with_fresh();
                lab.set_banner(Some("This is a fresh lab.".to_string()));
            }
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            input.select();
        }
    });
    html! {
        <div class="state-controls" role="group" aria-label="This lab">
            <button type="button" onclick={export}>{"Export"}</button>
            <button type="button" onclick={choose}>{"Import…"}</button>
            <input id={IMPORT_ID} type="file" accept=".json,application/json" hidden=true
                   aria-label="Import a lab file" onchange={import} />
            <button type="button" onclick={share}>{"Share link"}</button>
            <button type="button" onclick={reset}>{"Reset"}</button>
            if let Some(url) = lab.shared_link() {
                <label class="share-link">{"Link to copy: "}
                    <input type="text" readonly=true value={url} autofocus=true onfocus={select_all} />
                </label>
            }
        </div>
    }
}

/// Downloads `text` as a JSON file called `name`.
fn download(text: &str, name: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some((document, body)) = document.and_then(|d| Some((d.clone(), d.body()?)))
        && let Ok(link) = document.create_element("a")
    {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", name);
        if body.append_child(&link).is_ok() {
            if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
                link.click();
            }
            link.remove();
        }
    }
    // Revoked later: some browsers read the file after the click returns.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}
