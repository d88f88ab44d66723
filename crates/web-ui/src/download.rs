//! Files fetched through the API client (the token never appears in a link) handed to the browser:
//! a `Blob`, an object URL, and a click on a temporary link that names the file.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Media type of a PDF.
pub const PDF: &str = "application/pdf";
/// Media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Saves `bytes` as the file `name` of type `media_type`. `false` when the browser refused.
pub fn save(bytes: &[u8], name: &str, media_type: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(media_type);
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let saved = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
        .map(|link| {
            link.set_href(&url);
            link.set_download(name);
            link.click();
        })
        .is_some();
    // The download has started by then; the URL may go.
    leptos::prelude::set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    saved
}

/// Opens the print dialog of the page.
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
