//! Entry point of the web app: installs the panic hook and mounts the application in `index.html`'s
//! `<main>` (beside the start it painted: see `pages::login`), or in the body if it has none.

use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    match leptos::prelude::document().get_element_by_id(tdb_web_ui::app::MAIN_ID) {
        Some(main) => leptos::mount::mount_to(main.unchecked_into(), tdb_web_ui::app::App).forget(),
        None => leptos::mount::mount_to_body(tdb_web_ui::app::App),
    }
}
