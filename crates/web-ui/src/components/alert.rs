//! The error alert shown where a page or a block could not load.

use leptos::prelude::*;

use crate::api::UiError;

/// A DSFR error alert with the French message of an API error.
pub fn error_alert(error: &UiError) -> impl IntoView + use<> {
    view! {
        <div class="fr-alert fr-alert--error" role="alert">
            <p>{error.message()}</p>
        </div>
    }
}
