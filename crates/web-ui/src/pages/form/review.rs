//! Review by an ARS or CD officer: a correction request per item (written next to the field), then
//! « Envoyer les demandes de correction » or « Valider le formulaire », each confirmed in a modal.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{Authority, CorrectionItem, FormDocument, FormState, ReviewRequest};

use super::state::{FlashKind, FormCtx};
use crate::api;
use crate::components::confirm::confirm_dialog;
use crate::format;
use crate::labels;

/// Whether the signed-in officer can review the form now (submitted, their validation awaited).
fn can_review(ctx: FormCtx) -> bool {
    let Some(authority) = ctx.authority() else {
        return false;
    };
    ctx.doc
        .with(|d| d.state == FormState::Soumis && d.validation.awaiting.contains(&authority))
}

/// What a reviewer reads once their validation is recorded, from the form the server sent back: « Formulaire
/// validé. » only when it is (`valide`); while another authority's validation is awaited, « Votre
/// validation est enregistrée ; en attente du conseil départemental. » (or « de l'agence régionale de
/// santé »), the form staying `soumis`.
pub fn validation_message(doc: &FormDocument) -> String {
    message_after_validation(doc.state, &doc.validation.awaiting)
}

/// [`validation_message`] from the form's state and the authorities still awaited.
fn message_after_validation(state: FormState, awaiting: &[Authority]) -> String {
    if state != FormState::Soumis || awaiting.is_empty() {
        return "Formulaire validé.".to_owned();
    }
    let awaited = awaiting
        .iter()
        .map(|a| match a {
            Authority::Ars => "de l'agence régionale de santé",
            Authority::Cd => "du conseil départemental",
        })
        .collect::<Vec<_>>()
        .join(" et ");
    format!("Votre validation est enregistrée ; en attente {awaited}.")
}

/// Next to a field, for a reviewer: write a correction request on this item.
#[component]
pub fn RequestBox(ctx: FormCtx, code: String) -> impl IntoView {
    let code = StoredValue::new(code);
    let requested = move || ctx.requests.with(|r| r.contains_key(&code.get_value()));
    view! {
        <Show when=move || can_review(ctx)>
            <Show when=requested fallback=move || view! {
                <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm fr-mr-1w" data-testid="request-correction"
                    on:click=move |_| ctx.requests.update(|r| { r.insert(code.get_value(), String::new()); })>
                    "Demander une correction"
                </button>
            }>
                <div class="fr-input-group fr-mt-1w">
                    <label class="fr-label" for=format!("demande-{}", code.get_value())>"Message de la demande de correction"</label>
                    <textarea class="fr-input" id=format!("demande-{}", code.get_value()) rows="2"
                        prop:value=move || ctx.requests.with(|r| r.get(&code.get_value()).cloned().unwrap_or_default())
                        on:input=move |ev| ctx.requests.update(|r| { r.insert(code.get_value(), event_target_value(&ev)); })></textarea>
                    <button type="button" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm"
                        on:click=move |_| ctx.requests.update(|r| { r.remove(&code.get_value()); })>
                        "Retirer la demande"
                    </button>
                </div>
            </Show>
        </Show>
    }
}

/// The validation chain and the review decision.
#[component]
pub fn ReviewPanel(ctx: FormCtx) -> impl IntoView {
    let busy = RwSignal::new(false);
    // `done` gives the message from the form the server sent back.
    let decide = move |decision: ReviewRequest, done: fn(&FormDocument) -> String| {
        let version = ctx.doc.with(|d| d.version);
        let finess = ctx.finess.get_value();
        busy.set(true);
        spawn_local(async move {
            match api::review(ctx.year, &finess, version, &decision).await {
                Ok(doc) => {
                    let message = done(&doc);
                    ctx.requests.set(Default::default());
                    ctx.replace(doc, true);
                    ctx.say(FlashKind::Success, message);
                }
                Err(e) => ctx.say(FlashKind::Error, e.message()),
            }
            busy.set(false);
        });
    };
    let request = Callback::new(move |()| {
        let items: Vec<CorrectionItem> = ctx.requests.with(|r| {
            r.iter()
                .map(|(item, message)| CorrectionItem {
                    item: item.clone(),
                    message: message.trim().to_owned(),
                })
                .collect()
        });
        decide(ReviewRequest::RequestCorrections { items, comment: None }, |_| {
            "Demande de correction envoyée à la structure.".to_owned()
        });
    });
    let validate = Callback::new(move |()| {
        decide(ReviewRequest::Validate { comment: None }, validation_message);
    });
    let confirm_validate = RwSignal::new(false);
    let confirm_request = RwSignal::new(false);
    // Missing messages are said at once; the modal only asks about requests ready to send.
    let ask_request = move || {
        if ctx
            .requests
            .with(|r| r.values().any(|message| message.trim().is_empty()))
        {
            ctx.say(
                FlashKind::Error,
                "Écrivez le message de chaque demande de correction.",
            );
        } else {
            confirm_request.set(true);
        }
    };
    let request_count = Signal::derive(move || {
        let n = ctx.requests.with(|r| r.len());
        let requests = if n == 1 {
            "1 demande de correction partira".to_owned()
        } else {
            format!("{n} demandes de correction partiront")
        };
        format!(
            "{requests} à la structure, qui pourra de nouveau modifier son formulaire. \
             Vous ne pourrez plus les retirer."
        )
    });

    let chain = move || {
        ctx.doc.with(|d| {
            let required = d
                .validation
                .required
                .iter()
                .map(|a| labels::authority(*a))
                .collect::<Vec<_>>()
                .join(" et ");
            let done = d
                .validation
                .validated
                .iter()
                .map(|v| {
                    format!(
                        "{} le {} par {}",
                        labels::authority(v.authority),
                        format::date(&v.at),
                        v.by
                    )
                })
                .collect::<Vec<_>>();
            let submitted = d
                .submitted_at
                .as_deref()
                .map(|at| format!("Soumis le {}", format::date(at)));
            (required, done, submitted)
        })
    };
    view! {
        <section class="fr-p-2w fr-mb-3w tdb-panel" aria-labelledby="validation-titre" data-testid="review">
            <h2 class="fr-h5" id="validation-titre">"Validation"</h2>
            {move || {
                let (required, done, submitted) = chain();
                view! {
                    <p class="fr-text--sm">{format!("Validation attendue : {required}.")}</p>
                    {submitted.map(|s| view! { <p class="fr-text--sm">{s}</p> })}
                    {done.into_iter().map(|d| view! { <p class="fr-text--sm">{format!("Validé : {d}")}</p> }).collect_view()}
                }
            }}
            <Show when=move || can_review(ctx)>
                <p class="fr-text--sm" data-testid="pending-requests">
                    {move || match ctx.requests.with(|r| r.len()) {
                        0 => "Aucune demande de correction en préparation : utilisez « Demander une correction » sous un champ.".to_owned(),
                        n => format!("{n} demande(s) de correction en préparation."),
                    }}
                </p>
                <ul class="fr-btns-group fr-btns-group--sm">
                    <li>
                        <button type="button" class="fr-btn fr-btn--secondary" data-testid="send-corrections"
                            disabled=move || busy.get() || ctx.requests.with(|r| r.is_empty())
                            on:click=move |_| ask_request()>
                            "Envoyer les demandes de correction"
                        </button>
                    </li>
                    <li>
                        <button type="button" class="fr-btn" data-testid="validate"
                            disabled=move || busy.get() || ctx.requests.with(|r| !r.is_empty())
                            on:click=move |_| confirm_validate.set(true)>
                            "Valider le formulaire"
                        </button>
                    </li>
                </ul>
            </Show>
            {confirm_dialog(
                "confirmer-demandes",
                confirm_request,
                "Envoyer les demandes de correction ?",
                request_count,
                "Envoyer",
                request,
            )}
            {confirm_dialog(
                "confirmer-validation",
                confirm_validate,
                "Valider le formulaire ?",
                Signal::derive(|| "Votre validation est définitive.".to_owned()),
                "Valider",
                validate,
            )}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validation_awaiting_the_other_authority_says_so() {
        assert_eq!(
            message_after_validation(FormState::Soumis, &[Authority::Cd]),
            "Votre validation est enregistrée ; en attente du conseil départemental."
        );
        assert_eq!(
            message_after_validation(FormState::Soumis, &[Authority::Ars]),
            "Votre validation est enregistrée ; en attente de l'agence régionale de santé."
        );
        assert_eq!(
            message_after_validation(FormState::Valide, &[]),
            "Formulaire validé."
        );
    }
}
