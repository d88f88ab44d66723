//! The completion meter, global and per axis, with the missing items (each a link to its field).

use leptos::prelude::*;

use super::state::FormCtx;
use crate::format;
use crate::labels;

/// Completion of the entries being typed, as the engine computes it.
#[component]
pub fn CompletionPanel(ctx: FormCtx) -> impl IntoView {
    let completion = move || ctx.live.with(|l| l.as_ref().map(|l| l.result.completion.clone()));
    view! {
        <section class="fr-p-2w fr-mb-3w tdb-panel" aria-labelledby="completude-titre" data-testid="completion">
            <h2 class="fr-h5" id="completude-titre">"Complétude"</h2>
            {move || completion().map(|c| {
                let percent = format::percent(c.rate);
                let threshold = format::percent(c.threshold);
                let status = if c.reached {
                    format!("Seuil de {threshold} atteint")
                } else {
                    format!("Seuil de {threshold} non atteint")
                };
                view! {
                    <p class="fr-mb-1w" aria-live="polite" data-testid="completion-rate">
                        <span class="fr-text--lead fr-text--bold">{percent.clone()}</span>
                        {format!(" — {} données sur {} — {status}", c.filled, c.required)}
                    </p>
                    <progress class="tdb-meter" max="1" value=c.rate.to_string()
                        aria-label=format!("Complétude {percent}")></progress>
                    <ul class="fr-text--sm fr-mt-1w">
                        {c.by_axis.iter().filter(|(_, a)| a.required > 0).map(|(axis, a)| {
                            let name = axis.parse::<usize>().ok().and_then(|i| labels::AXES.get(i)).copied().unwrap_or("");
                            let counted = if a.counted { "" } else { " (non compté cette campagne)" };
                            view! {
                                <li data-axis=axis.clone()>
                                    {format!("{name} : {} ({} sur {}){counted}", format::percent(a.rate), a.filled, a.required)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(!c.missing.is_empty()).then(|| {
                        let count = c.missing.len();
                        view! {
                            <details class="fr-mt-1w" data-testid="missing-items">
                                <summary>{format!("{count} donnée{} manquante{}", plural(count), plural(count))}</summary>
                                <ul class="fr-text--sm">
                                    {c.missing.into_iter().map(|code| {
                                        let label = ctx.item_label(&code);
                                        let target = code.clone();
                                        view! {
                                            <li><a class="fr-link fr-text--sm" href=format!("#item-{code}")
                                                data-missing=code
                                                on:click=move |ev| { ev.prevent_default(); ctx.focus_item(&target); }>
                                                {label}
                                            </a></li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </details>
                        }
                    })}
                }
            })}
        </section>
    }
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}
