//! The views of restored drafts, shared by the form page and the CPOM forms (see [`crate::drafts`]):
//! the notice with « Enregistrer » and « Abandonner », and an entry of an earlier version under its field.

use leptos::prelude::*;

use crate::drafts;

/// The notice: how many entries were restored, how many of an earlier version wait under their field.
/// `save`: what « Enregistrer » does; `None` makes it the submit button of the enclosing form.
pub fn notice(
    restored: Signal<usize>,
    earlier: Signal<usize>,
    save: Option<Callback<()>>,
    busy: Signal<bool>,
    discard: Callback<()>,
) -> AnyView {
    let shown = move || restored.get() > 0 || earlier.get() > 0;
    (move || {
        shown().then(|| view! {
            <div class="fr-alert fr-alert--info fr-alert--sm fr-my-2w" role="status" data-testid="draft-notice">
                <p class="fr-alert__title">"Saisies non enregistrées"</p>
                {move || (restored.get() > 0).then(|| view! { <p>{drafts::restored_notice(restored.get())}</p> })}
                {move || (earlier.get() > 0).then(|| view! { <p>{drafts::earlier_notice(earlier.get())}</p> })}
                <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
                    <li>
                        <button type=if save.is_some() { "button" } else { "submit" } class="fr-btn fr-btn--sm"
                            data-testid="draft-save" disabled=move || busy.get()
                            on:click=move |_| if let Some(save) = save { save.run(()) }>
                            "Enregistrer"
                        </button>
                    </li>
                    <li>
                        <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary" data-testid="draft-discard"
                            disabled=move || busy.get() on:click=move |_| discard.run(())>
                            "Abandonner"
                        </button>
                    </li>
                </ul>
            </div>
        })
    })
    .into_any()
}

/// An entry typed on an earlier version, under its field: « Reprendre cette valeur » or « Garder la
/// valeur actuelle ».
pub fn earlier(text: &str, take: Callback<()>, keep: Callback<()>) -> AnyView {
    view! {
        <div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-1w" data-testid="earlier-draft">
            <p>{drafts::earlier_value(text)}</p>
            <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
                <li><button type="button" class="fr-btn fr-btn--sm" data-testid="earlier-take"
                    on:click=move |_| take.run(())>"Reprendre cette valeur"</button></li>
                <li><button type="button" class="fr-btn fr-btn--sm fr-btn--secondary" data-testid="earlier-drop"
                    on:click=move |_| keep.run(())>"Garder la valeur actuelle"</button></li>
            </ul>
        </div>
    }
    .into_any()
}
