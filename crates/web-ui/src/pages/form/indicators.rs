//! The indicators of a tab, recomputed live, each with « Comprendre »: formula, inputs with their value
//! and provenance, and why a value is missing.

use leptos::prelude::*;
use tdb_domain::contract::{IndicatorDef, IndicatorResult, IndicatorStatus};
use tdb_domain::display::format_indicator;

use super::state::FormCtx;
use crate::format;
use crate::labels;

/// The indicators of `axis` that apply to the structure.
#[component]
pub fn IndicatorsPanel(ctx: FormCtx, axis: u8) -> impl IntoView {
    if axis == 0 {
        return ().into_any();
    }
    let defs: Vec<IndicatorDef> = ctx.engine.with_value(|e| {
        e.catalogue
            .indicators()
            .iter()
            .filter(|i| i.axis == axis)
            .cloned()
            .collect()
    });
    view! {
        <h3 class="fr-h5 fr-mt-4w">"Indicateurs (calculés pendant la saisie)"</h3>
        <ul class="tdb-indicators" data-testid="indicators">
            {defs.into_iter().map(|def| view! { <Indicator ctx def/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Indicator(ctx: FormCtx, def: IndicatorDef) -> impl IntoView {
    let code = StoredValue::new(def.code.clone());
    let result = move || {
        ctx.live.with(|l| {
            l.as_ref()
                .and_then(|l| code.with_value(|c| l.result.indicators.get(c).cloned()))
        })
    };
    let applies = move || result().is_some_and(|r| r.status != IndicatorStatus::NotApplicable);
    let unit = def.unit;
    let shown = move || match result() {
        Some(IndicatorResult { value: Some(v), .. }) => {
            format!("{}{}", format_indicator(v, unit), labels::indicator_unit(unit))
        }
        Some(r) => labels::indicator_status(r.status).to_owned(),
        None => String::new(),
    };
    let raw = move || {
        result()
            .and_then(|r| r.value)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let label = StoredValue::new(def.label.clone());
    let testid = format!("indicator-{}", def.code);
    // The explanation (formula, inputs, a table) is drawn only while « Comprendre » is open: drawn
    // closed for every indicator of the tab, it was redrawn for all of them at every keystroke.
    let open = RwSignal::new(false);
    let toggled = move |ev: leptos::ev::Event| {
        open.set(event_target::<web_sys::Element>(&ev).has_attribute("open"));
    };
    view! {
        <Show when=applies>
            <li class="tdb-indicator fr-mb-2w" data-testid=testid.clone()>
                <p class="fr-mb-0">
                    <span class="fr-text--bold">{label.get_value()}</span>
                    " : "
                    <output data-value=raw aria-live="polite">{shown}</output>
                </p>
                <details class="tdb-understand" on:toggle=toggled>
                    <summary>{format!("Comprendre « {} »", label.get_value())}</summary>
                    {move || open.get().then(|| result().map(|r| explain(ctx, r))).flatten()}
                </details>
            </li>
        </Show>
    }
}

fn explain(ctx: FormCtx, result: IndicatorResult) -> impl IntoView {
    let why = match result.status {
        IndicatorStatus::Ok => None,
        IndicatorStatus::DivisionByZero => Some(
            "Le dénominateur de la formule vaut zéro : l'indicateur ne peut pas être calculé.".to_owned(),
        ),
        IndicatorStatus::NotApplicable => Some(
            "L'indicateur ne s'applique pas : hors du périmètre de la catégorie, condition non remplie, \
             ou une donnée est « sans objet »."
                .to_owned(),
        ),
        IndicatorStatus::MissingInput => Some("Il manque les données suivantes :".to_owned()),
    };
    let missing = result.missing.clone().unwrap_or_default();
    // The live result (the engine in the browser) always carries its explanation.
    let explanation = result.explanation.unwrap_or_default();
    view! {
        <div class="fr-p-2w tdb-explain">
            <p class="fr-mb-1w">"Formule : " <code>{explanation.formula}</code></p>
            {explanation.condition.map(|c| view! {
                <p class="fr-mb-1w">"Condition : " <code>{c}</code></p>
            })}
            {why.map(|w| view! { <p class="fr-mb-1w">{w}</p> })}
            {(!missing.is_empty()).then(|| view! {
                <ul>
                    {missing.into_iter().map(|code| {
                        let label = ctx.item_label(&code);
                        let target = code.clone();
                        view! {
                            <li><button type="button" class="fr-link" on:click=move |_| ctx.focus_item(&target)>
                                {label}
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <table class="tdb-inputs">
                <caption class="fr-text--sm">"Données utilisées"</caption>
                <thead><tr>
                    <th scope="col">"Donnée"</th>
                    <th scope="col">"Valeur"</th>
                    <th scope="col">"Provenance"</th>
                </tr></thead>
                <tbody>
                    {explanation.inputs.into_iter().map(|input| {
                        let provenance = ctx.doc.with(|d| d.values.get(&input.item).map(|e| {
                            match labels::source(&e.source) {
                                Some(source) => format!("Pré-rempli {source} le {}", format::date(&e.updated_at)),
                                None => format!("Saisi le {}", format::date(&e.updated_at)),
                            }
                        })).unwrap_or_else(|| "Pas encore enregistrée".to_owned());
                        let value = input
                            .value
                            .map(format::number)
                            .unwrap_or_else(|| "—".to_owned());
                        view! {
                            <tr>
                                <td>{ctx.item_label(&input.item)}</td>
                                <td>{format!("{value} ({})", labels::item_state(input.state))}</td>
                                <td>{provenance}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
