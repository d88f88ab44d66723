//! The tabs of the form (Caractérisation, Axe 1 to 4) and the input of each item, with its unit, inline
//! errors, provenance, disagreement with the CPOM contracts, correction requests (with a reply box) and
//! history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{CorrectionStatus, FormValueEntry, ItemDef, ItemType, Role};

use super::history::ItemHistory;
use super::indicators::IndicatorsPanel;
use super::state::FormCtx;
use crate::api;
use crate::components::draft_notice;
use crate::format;
use crate::labels;

/// The tab list and the selected tab's items, then its indicators.
#[component]
pub fn Tabs(ctx: FormCtx) -> impl IntoView {
    let select = move |axis: u8| {
        ctx.tab.set(axis);
        if let Some(tab) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("onglet-{axis}")))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = tab.focus();
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let current = ctx.tab.get_untracked();
        match ev.key().as_str() {
            "ArrowRight" => select((current + 1) % 5),
            "ArrowLeft" => select((current + 4) % 5),
            "Home" => select(0),
            "End" => select(4),
            _ => return,
        }
        ev.prevent_default();
    };
    view! {
        <div class="tdb-tabs">
            <ul class="tdb-tabs__list" role="tablist" aria-label="Parties du formulaire" on:keydown=on_key>
                {(0u8..5).map(|axis| {
                    let selected = move || ctx.tab.get() == axis;
                    view! {
                        <li role="presentation">
                            <button type="button" role="tab" class="tdb-tabs__tab"
                                id=format!("onglet-{axis}")
                                aria-controls=format!("panneau-{axis}")
                                aria-selected=move || selected().to_string()
                                tabindex=move || if selected() { "0" } else { "-1" }
                                on:click=move |_| ctx.tab.set(axis)>
                                {labels::AXES[usize::from(axis)]}
                                {move || axis_missing(ctx, axis).map(|n| view! {
                                    <span class="fr-badge fr-badge--sm fr-badge--warning fr-ml-1w">
                                        {format!("{n} manquant{}", if n > 1 { "s" } else { "" })}
                                    </span>
                                })}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || {
                let axis = ctx.tab.get();
                view! {
                    <div role="tabpanel" class="tdb-tabs__panel" id=format!("panneau-{axis}")
                        aria-labelledby=format!("onglet-{axis}") tabindex="-1">
                        <h2 class="fr-h4">{labels::AXIS_TITLES[usize::from(axis)]}</h2>
                        // The fields first (the person came to type), the indicators they feed after.
                        <h3 class="fr-h5">"Données à renseigner"</h3>
                        {items_of(ctx, axis)}
                        <IndicatorsPanel ctx axis/>
                    </div>
                }
            }}
        </div>
    }
}

/// Missing items of an axis, when some are missing.
fn axis_missing(ctx: FormCtx, axis: u8) -> Option<usize> {
    ctx.live.with(|live| {
        let live = live.as_ref()?;
        let n = live
            .result
            .completion
            .missing
            .iter()
            .filter(|code| ctx.engine.with_value(|e| e.catalogue.item(code).map(|i| i.axis)) == Some(axis))
            .count();
        (n > 0).then_some(n)
    })
}

fn items_of(ctx: FormCtx, axis: u8) -> impl IntoView {
    let items: Vec<ItemDef> = ctx.engine.with_value(|e| {
        e.catalogue
            .items()
            .iter()
            .filter(|i| i.axis == axis)
            .cloned()
            .collect()
    });
    items
        .into_iter()
        .map(|item| {
            let code = item.code.clone();
            let applies = move || ctx.live.with(|l| l.as_ref().is_some_and(|l| l.applies(&code)));
            view! { <Show when=applies><ItemField ctx item=item.clone()/></Show> }
        })
        .collect_view()
}

/// One item: label, unit, input, inline error, provenance, correction requests, history.
#[component]
fn ItemField(ctx: FormCtx, item: ItemDef) -> impl IntoView {
    let code = StoredValue::new(item.code.clone());
    let id = format!("item-{}", item.code);
    let error_id = format!("{id}-erreur");
    let stored = move || ctx.doc.with(|d| d.values.get(&code.get_value()).cloned());
    let error = move || {
        let code = code.get_value();
        ctx.live
            .with(|l| l.as_ref().and_then(|l| l.errors.get(&code).cloned()))
            .or_else(|| ctx.server_errors.with(|e| e.get(&code).cloned()))
    };
    let locked = move || stored().is_some_and(|e| e.locked);
    let readonly = move || !ctx.writable() || locked();
    let value = move || {
        ctx.drafts
            .with(|d| d.get(&code.get_value()).cloned().unwrap_or_default())
    };
    let set = move |text: String| {
        ctx.drafts.update(|d| {
            d.insert(code.get_value(), text);
        });
    };
    let unit = labels::item_unit(item.item_type, item.unit.as_deref());
    // The unit only: the item's code is for files and partners (templates, imports), not for a person.
    let hint = unit.as_ref().map(|unit| format!("Unité : {unit}"));
    let input = input_for(&item, id.clone(), error_id.clone(), value, set, readonly, error);
    let needs_reason = move || {
        let changed = code.with_value(|code| ctx.changed(code));
        changed && stored().is_some_and(|e| matches!(e.source.as_str(), "cnsa_errd" | "cpom"))
    };
    let reason_id = format!("{id}-motif");
    view! {
        <div class="fr-input-group fr-mb-3w"
            class:fr-input-group--error=move || error().is_some()
            data-item=item.code.clone()>
            <label class="fr-label" for=id.clone()>
                {item.label.clone()}
                {move || (ctx.writable() && locked()).then(|| view! {
                    <span class="fr-badge fr-badge--sm fr-badge--icon-left fr-icon-lock-line fr-ml-1w"
                        data-testid="locked-badge">"Non modifiable"</span>
                })}
                {hint.map(|hint| view! { <span class="fr-hint-text">{hint}</span> })}
            </label>
            {input}
            <div aria-live="polite">
                {move || error().map(|message| view! {
                    <p class="fr-error-text" id=error_id.clone()>{message}</p>
                })}
            </div>
            {move || stored().map(provenance)}
            <EarlierDraft ctx code=code.get_value()/>
            <Show when=needs_reason>
                <div class="fr-input-group fr-mt-1w">
                    <label class="fr-label" for=reason_id.clone()>
                        "Motif de la modification de la valeur pré-remplie"
                        <span class="fr-hint-text">"10 caractères au moins"</span>
                    </label>
                    <input class="fr-input" type="text" id=reason_id.clone()
                        prop:value=move || ctx.reasons.with(|r| r.get(&code.get_value()).cloned().unwrap_or_default())
                        on:input=move |ev| ctx.reasons.update(|r| { r.insert(code.get_value(), event_target_value(&ev)); })/>
                </div>
            </Show>
            <CpomAlert ctx code=code.get_value()/>
            <Corrections ctx code=code.get_value()/>
            <super::review::RequestBox ctx code=code.get_value()/>
            <ItemHistory ctx code=code.get_value()/>
        </div>
    }
}

/// The input of an item (a list for yes/no and enumerations, a date, or a French-formatted number),
/// bound to `value` and `set`, marked invalid and described by `error_id` while `error` gives a message.
pub(crate) fn input_for(
    item: &ItemDef,
    id: String,
    error_id: String,
    value: impl Fn() -> String + Copy + Send + Sync + 'static,
    set: impl Fn(String) + Copy + Send + Sync + 'static,
    readonly: impl Fn() -> bool + Copy + Send + Sync + 'static,
    error: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
) -> AnyView {
    let described = move || error().map(|_| error_id.clone());
    let invalid = move || error().is_some().to_string();
    let sans_objet = item.sans_objet_allowed;
    match item.item_type {
        ItemType::Bool | ItemType::Enum => {
            let mut options = vec![(String::new(), "— Non renseigné —".to_owned())];
            if item.item_type == ItemType::Bool {
                options.push(("true".to_owned(), "Oui".to_owned()));
                options.push(("false".to_owned(), "Non".to_owned()));
            } else {
                options.extend(item.values.clone().unwrap_or_default().into_iter().map(|v| {
                    let label = labels::option(item, &v);
                    (v, label)
                }));
            }
            if sans_objet {
                options.push(("sans_objet".to_owned(), "Sans objet".to_owned()));
            }
            view! {
                <select class="fr-select" id=id aria-describedby=described aria-invalid=invalid
                    disabled=readonly
                    prop:value=value
                    on:change=move |ev| set(event_target_value(&ev))>
                    {options.into_iter().map(|(code, label)| {
                        let selected = {
                            let code = code.clone();
                            move || value() == code
                        };
                        view! { <option value=code selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        ItemType::Date => view! {
            <input class="fr-input" type="date" id=id aria-describedby=described aria-invalid=invalid
                readonly=readonly prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
        }
        .into_any(),
        _ => view! {
            <input class="fr-input" type="text" inputmode="decimal" id=id autocomplete="off"
                aria-describedby=described aria-invalid=invalid
                readonly=readonly prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
        }
        .into_any(),
    }
}

/// The provenance badge of a stored value.
fn provenance(entry: FormValueEntry) -> impl IntoView {
    let day = format::date(&entry.updated_at);
    let pushed = labels::source(&entry.source);
    let (text, original) = match (pushed, &entry.prefill_value, entry.prefill_source.as_deref()) {
        (Some(source), _, _) => {
            let lock = if entry.locked { " — non modifiable" } else { "" };
            (format!("Pré-rempli {source} le {day}{lock}"), None)
        }
        (None, Some(original), Some(source)) => (
            format!("Modifié par {} le {day}", entry.author),
            Some(format!(
                "Valeur d'origine {} : {}{}",
                labels::source(source).unwrap_or("partenaire"),
                format::quoted(original),
                entry
                    .override_reason
                    .as_deref()
                    .map(|r| format!(" — motif : {r}"))
                    .unwrap_or_default()
            )),
        ),
        _ => (format!("Saisi par {} le {day}", entry.author), None),
    };
    let class = if pushed.is_some() {
        "fr-badge fr-badge--sm fr-badge--blue-ecume fr-mt-1w"
    } else {
        "fr-badge fr-badge--sm fr-mt-1w"
    };
    view! {
        <p class=class data-testid="provenance">{text}</p>
        {original.map(|o| view! { <p class="fr-hint-text fr-mt-1v">{o}</p> })}
    }
}

/// A draft of this item typed on an earlier version of the form, next to the current value: the person
/// takes it (it goes into the field, unsaved) or keeps the current value.
#[component]
fn EarlierDraft(ctx: FormCtx, code: String) -> impl IntoView {
    let code = StoredValue::new(code);
    let pending = move || ctx.earlier.with(|e| e.get(&code.get_value()).cloned());
    let take = Callback::new(move |()| {
        let code = code.get_value();
        if let Some(draft) = ctx.earlier.with_untracked(|e| e.get(&code).cloned()) {
            ctx.drafts.update(|d| {
                d.insert(code.clone(), draft.text);
            });
        }
        ctx.earlier.update(|e| {
            e.remove(&code);
        });
    });
    let keep = Callback::new(move |()| {
        ctx.earlier.update(|e| {
            e.remove(&code.get_value());
        });
    });
    move || pending().map(|draft| draft_notice::earlier(&draft.text, take, keep))
}

/// Where the stored value of a CPOM item disagrees with the CPOM contracts recorded for the structure.
#[component]
fn CpomAlert(ctx: FormCtx, code: String) -> impl IntoView {
    let sentence = move || {
        ctx.doc.with(|d| {
            d.cpom_alerts.iter().find(|a| a.item == code).map(|a| {
                let typed = format::quoted(&a.form_value);
                match &a.contract_title {
                    Some(title) => format!(
                        "Incohérence avec le CPOM « {title} » : le formulaire indique {typed}, le contrat {}.",
                        format::quoted(&a.contract_value)
                    ),
                    None => format!(
                        "Incohérence avec les CPOM : le formulaire indique {typed}, mais aucun CPOM en vigueur \
                         au 31/12/{} n'est enregistré pour la structure.",
                        a.year
                    ),
                }
            })
        })
    };
    move || {
        sentence().map(|text| {
            view! {
                <div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-1w" data-testid="cpom-alert">
                    <p>{text}</p>
                </div>
            }
        })
    }
}

/// The open correction requests on an item, next to its field, each with its thread and a reply box
/// (keyed by request, so a reply box keeps its confirmation when the form is reloaded).
#[component]
fn Corrections(ctx: FormCtx, code: String) -> impl IntoView {
    let open = move || {
        ctx.doc.with(|d| {
            d.corrections
                .iter()
                .filter(|c| c.item == code && c.status == CorrectionStatus::Ouverte)
                .map(|c| c.id)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <For each=open key=|id| *id let:id>
            <Thread ctx id/>
        </For>
    }
}

/// The thread of correction request `id`: who asked when, its messages, and the reply box (for every
/// role that may write in a thread: not partners).
#[component]
fn Thread(ctx: FormCtx, id: i64) -> impl IntoView {
    let thread = move || {
        ctx.doc.with(|d| {
            d.corrections.iter().find(|c| c.id == id).map(|c| {
                view! {
                    <p class="fr-text--bold">
                        {format!("Correction demandée par {} le {}", c.created_by, format::date(&c.created_at))}
                    </p>
                    {c.messages.iter().map(|m| view! {
                        <p data-testid="correction-message">{format!("{} : {}", m.author, m.body)}</p>
                    }).collect_view()}
                }
            })
        })
    };
    view! {
        <div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-1w" data-testid="correction">
            {thread}
            {(!matches!(ctx.role, None | Some(Role::Partner))).then(|| view! { <Reply ctx id/> })}
        </div>
    }
}

/// The reply box of the correction thread `id`: sends the message, then reloads the form to show it.
#[component]
fn Reply(ctx: FormCtx, id: i64) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    let input = format!("reponse-{id}");
    let send = move |_| {
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            status.set("Écrivez votre réponse avant de l'envoyer.".to_owned());
            return;
        }
        let finess = ctx.finess.get_value();
        busy.set(true);
        spawn_local(async move {
            let sent = match api::correction_message(ctx.year, &finess, id, text).await {
                Ok(_) => api::form(ctx.year, &finess)
                    .await
                    .map(|doc| ctx.replace(doc, false)),
                Err(e) => Err(e),
            };
            match sent {
                Ok(()) => {
                    body.set(String::new());
                    status.set("Réponse envoyée.".to_owned());
                }
                Err(e) => status.set(e.message()),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="fr-input-group fr-mt-1w">
            <label class="fr-label" for=input.clone()>"Votre réponse"</label>
            <textarea class="fr-input" id=input rows="2" data-testid="reply-body"
                prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))></textarea>
        </div>
        <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary" data-testid="reply-send"
            disabled=move || busy.get() on:click=send>
            "Envoyer la réponse"
        </button>
        <p class="fr-text--sm fr-mt-1v" aria-live="polite" data-testid="reply-status">{move || status.get()}</p>
    }
}
