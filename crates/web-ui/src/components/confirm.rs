//! The confirmation asked before an irreversible action (submit, validate, send corrections, record
//! the end of a contract, terminate it): a DSFR modal drawn on the native `<dialog>` opened with
//! `showModal()`, so the browser keeps the focus inside (the rest of the page is inert), closes it on
//! Escape and gives the focus back to the button that opened it.

use leptos::html::Dialog;
use leptos::prelude::*;

/// The modal shown while `open` is true: `title`, `body`, « Annuler » and the `yes` button, which
/// closes it and runs `on_yes`. `id` names the dialog (its title is `{id}-titre`).
pub fn confirm_dialog(
    id: &'static str,
    open: RwSignal<bool>,
    title: &'static str,
    body: Signal<String>,
    yes: &'static str,
    on_yes: Callback<()>,
) -> AnyView {
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let title_id = format!("{id}-titre");
    view! {
        <Show when=move || open.get()>
            <dialog node_ref=dialog id=id class="fr-modal fr-modal--opened" aria-labelledby=title_id.clone()
                data-testid="confirm-dialog" on:close=move |_| open.set(false)>
                <div class="fr-modal__body tdb-modal">
                    <div class="fr-modal__header">
                        <button type="button" class="fr-btn--close fr-btn" title="Fermer la fenêtre"
                            on:click=move |_| close()>"Fermer"</button>
                    </div>
                    <div class="fr-modal__content">
                        <h2 class="fr-modal__title" id=title_id.clone()>{title}</h2>
                        <p>{move || body.get()}</p>
                    </div>
                    <div class="fr-modal__footer">
                        <button type="button" class="fr-btn" data-testid="confirm-yes"
                            on:click=move |_| { close(); on_yes.run(()); }>{yes}</button>
                        " "
                        <button type="button" class="fr-btn fr-btn--secondary" data-testid="confirm-no"
                            on:click=move |_| close()>"Annuler"</button>
                    </div>
                </div>
            </dialog>
        </Show>
    }
    .into_any()
}
