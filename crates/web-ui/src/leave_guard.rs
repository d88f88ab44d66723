//! Asking before leaving a page with unsaved changes: a page declares what « unsaved » means with
//! [`guard`]; while it is true, closing or reloading the tab shows the browser's `beforeunload` prompt,
//! and following a link of the app asks « Quitter la page ? » (the router's navigation is cancelled
//! when the person stays). The drafts are still kept (see [`crate::drafts`]): leaving loses nothing
//! typed, but the person decides knowingly.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// The question asked before following a link while changes are unsaved.
pub const QUESTION: &str = "Modifications non enregistrées (gardées en brouillon). Quitter la page ?";

thread_local! {
    static UNSAVED: RefCell<Option<Box<dyn Fn() -> bool>>> = RefCell::new(None);
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// While the calling component lives, `unsaved()` decides whether leaving must be confirmed.
pub fn guard(unsaved: impl Fn() -> bool + 'static) {
    listen_once();
    UNSAVED.with(|u| *u.borrow_mut() = Some(Box::new(unsaved)));
    on_cleanup(|| UNSAVED.with(|u| *u.borrow_mut() = None));
}

fn unsaved() -> bool {
    UNSAVED.with(|u| u.borrow().as_ref().is_some_and(|f| f()))
}

/// The two listeners of the window, installed once for the life of the tab.
fn listen_once() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let before_unload = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        if unsaved() {
            ev.prevent_default();
            let _ = js_sys::Reflect::set(&ev, &"returnValue".into(), &"".into());
        }
    });
    // In the capture phase, before the router's own click listener, which leaves alone a click whose
    // default is already prevented.
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        if ev.default_prevented() || ev.button() != 0 || !unsaved() || !on_app_link(&ev) {
            return;
        }
        let stay = web_sys::window().is_some_and(|w| !w.confirm_with_message(QUESTION).unwrap_or(true));
        if stay {
            ev.prevent_default();
        }
    });
    let _ = window.add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback_and_bool("click", click.as_ref().unchecked_ref(), true);
    before_unload.forget();
    click.forget();
}

/// Whether the click is on a link that leaves the page for another page of the app.
fn on_app_link(ev: &web_sys::MouseEvent) -> bool {
    let anchor = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten());
    let Some(anchor) = anchor else {
        return false;
    };
    let href = anchor.get_attribute("href").unwrap_or_default();
    // `#contenu` (the skip link) and other anchors stay on the page.
    !href.starts_with('#') && anchor.get_attribute("download").is_none()
}
