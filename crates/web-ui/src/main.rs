//! Entry point of the web app: installs the panic hook and mounts the application.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tdb_web_ui::app::App);
}
