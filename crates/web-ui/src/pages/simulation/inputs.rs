//! The inputs of the simulation: a copy of the stored values, grouped by axis like the form (one
//! disclosure per axis, with the count of changed data), each with its French label, unit, the form's
//! input (numbers French-formatted), its error as typed, and the stored value once it is changed.

use leptos::prelude::*;
use tdb_domain::contract::ItemDef;

use super::SimCtx;
use crate::labels;
use crate::pages::form::input_for;

/// « Réinitialiser » and the axes' inputs.
#[component]
pub(super) fn Inputs(ctx: SimCtx) -> impl IntoView {
    let changed = move || ctx.request.with(|(values, invalid)| values.len() + invalid.len());
    view! {
        <section data-testid="simulation-inputs">
            <h2 class="fr-h4">"Données simulées"</h2>
            <p class="fr-text--sm" data-testid="changed-count">
                {move || match changed() {
                    0 => "Aucune donnée modifiée.".to_owned(),
                    1 => "1 donnée modifiée.".to_owned(),
                    n => format!("{n} données modifiées."),
                }}
            </p>
            <button type="button" class="fr-btn fr-btn--secondary fr-mb-2w" data-testid="simulation-reset"
                disabled=move || changed() == 0
                on:click=move |_| ctx.reset()>
                "Réinitialiser"
            </button>
            {(0_u8..5).map(|axis| view! { <Axis ctx axis/> }).collect_view()}
        </section>
    }
}

/// The items of one axis that apply to the structure.
#[component]
fn Axis(ctx: SimCtx, axis: u8) -> impl IntoView {
    let items: Vec<ItemDef> = ctx.engine.with_value(|e| {
        e.catalogue
            .items()
            .iter()
            .filter(|i| i.axis == axis)
            .cloned()
            .collect()
    });
    let codes: Vec<String> = items.iter().map(|i| i.code.clone()).collect();
    let changed = move || {
        ctx.drafts.with(|d| {
            ctx.stored.with_value(|s| {
                codes
                    .iter()
                    .filter(|c| {
                        d.get(*c).map(String::as_str).unwrap_or_default()
                            != s.get(*c).map(String::as_str).unwrap_or_default()
                    })
                    .count()
            })
        })
    };
    let fields = items
        .into_iter()
        .map(|item| {
            let code = item.code.clone();
            let applies = move || ctx.live.with(|l| l.as_ref().is_some_and(|l| l.applies(&code)));
            view! { <Show when=applies><Field ctx item=item.clone()/></Show> }
        })
        .collect_view();
    view! {
        <details class="fr-mb-2w" data-axis=axis>
            <summary class="fr-text--bold">
                {labels::AXIS_TITLES[usize::from(axis)]}
                {move || match changed() {
                    0 => None,
                    n => Some(view! {
                        <span class="fr-badge fr-badge--sm fr-badge--info fr-ml-1w">
                            {if n == 1 { "1 modifiée".to_owned() } else { format!("{n} modifiées") }}
                        </span>
                    }),
                }}
            </summary>
            <div class="fr-pt-2w">{fields}</div>
        </details>
    }
}

/// One item's input, with its error and, once changed, the stored value.
#[component]
fn Field(ctx: SimCtx, item: ItemDef) -> impl IntoView {
    let code = StoredValue::new(item.code.clone());
    let id = format!("sim-{}", item.code);
    let error_id = format!("{id}-erreur");
    let value = move || {
        ctx.drafts
            .with(|d| d.get(&code.get_value()).cloned().unwrap_or_default())
    };
    let set = move |text: String| {
        ctx.drafts.update(|d| {
            d.insert(code.get_value(), text);
        });
    };
    let error = move || {
        ctx.live
            .with(|l| l.as_ref().and_then(|l| l.errors.get(&code.get_value()).cloned()))
    };
    let stored = move || {
        ctx.stored
            .with_value(|s| s.get(&code.get_value()).cloned().unwrap_or_default())
    };
    let changed = move || value() != stored();
    let hint = labels::item_unit(item.item_type, item.unit.as_deref()).map(|unit| format!("Unité : {unit}"));
    let input = input_for(&item, id.clone(), error_id.clone(), value, set, || false, error);
    view! {
        <div class="fr-input-group fr-mb-2w" class:fr-input-group--error=move || error().is_some()
            data-item=item.code.clone()>
            <label class="fr-label" for=id>
                {item.label.clone()}
                {hint.map(|hint| view! { <span class="fr-hint-text">{hint}</span> })}
            </label>
            {input}
            {move || error().map(|message| view! { <p class="fr-error-text" id=error_id.clone()>{message}</p> })}
            <Show when=changed>
                <p class="fr-hint-text fr-mt-1v" data-testid="stored-value">
                    {move || match stored() {
                        text if text.is_empty() => "Valeur enregistrée : non renseignée".to_owned(),
                        text => format!("Valeur enregistrée : {}", shown_entry(&text)),
                    }}
                </p>
            </Show>
        </div>
    }
}

/// A stored entry as read: « Oui », « Non », « Sans objet », or the text itself.
fn shown_entry(text: &str) -> String {
    match text {
        "true" => "Oui".to_owned(),
        "false" => "Non".to_owned(),
        "sans_objet" => "Sans objet".to_owned(),
        other => other.to_owned(),
    }
}
