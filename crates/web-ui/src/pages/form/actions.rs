//! Saving (with `If-Match`, and a clear message on a conflict) and submitting (enabled only when the
//! engine says `can_submit`, with the reason shown otherwise, and confirmed in a modal); the announced
//! message area. Both live in the action bar, which sticks to the bottom of the window along the
//! tabs: the buttons and the message of the last action stay next to the field being typed, however
//! deep in a tab.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{FormPatch, FormState};

use super::state::{FlashKind, FormCtx};
use crate::api::{self, UiError};
use crate::components::confirm::confirm_dialog;
use crate::components::draft_notice;
use crate::format;

/// The message of the last action, announced to screen readers.
fn flash(ctx: FormCtx) -> impl IntoView {
    view! {
        <div aria-live="polite" data-testid="flash">
            {move || ctx.flash.get().map(|(kind, message)| match kind {
                FlashKind::Success => view! {
                    <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-1w" role="status"><p>{message}</p></div>
                }.into_any(),
                FlashKind::Error => view! {
                    <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-1w" role="alert"><p>{message}</p></div>
                }.into_any(),
            })}
        </div>
    }
}

/// Why the form cannot be submitted now; `None` when it can.
fn blocker(ctx: FormCtx) -> Option<String> {
    if ctx.dirty() {
        return Some("Enregistrez d'abord vos modifications.".to_owned());
    }
    ctx.live.with(|live| {
        let Some(live) = live else {
            return Some("Le calcul du formulaire est impossible.".to_owned());
        };
        let c = &live.result.completion;
        let s = &live.result.submission;
        if !c.reached {
            return Some(format!(
                "Le taux de complétude ({}) est sous le seuil de {} : complétez les données manquantes.",
                format::percent(c.rate),
                format::percent(c.threshold)
            ));
        }
        if !s.blocking.is_empty() {
            return Some(format!("{} contrôle(s) bloquant(s) en échec.", s.blocking.len()));
        }
        if !s.unjustified_alerts.is_empty() {
            return Some(format!("{} alerte(s) à justifier.", s.unjustified_alerts.len()));
        }
        (!c.can_submit).then(|| "Le formulaire ne peut pas être soumis.".to_owned())
    })
}

/// Saves the changed values (`PATCH` with `If-Match`); `busy` is set while the request runs. Once
/// saved, the drafts are cleared (the entries equal the saved values) and the restored notice goes.
pub fn save(ctx: FormCtx, busy: RwSignal<bool>) {
    if ctx
        .live
        .with(|l| l.as_ref().is_some_and(|l| !l.errors.is_empty()))
    {
        ctx.say(
            FlashKind::Error,
            "Certaines valeurs sont invalides : corrigez les champs signalés avant d'enregistrer.",
        );
        ctx.focus_first_error();
        return;
    }
    let values = ctx.changes();
    if values.is_empty() {
        ctx.restored.set(0);
        ctx.say(FlashKind::Success, "Aucune modification à enregistrer.");
        return;
    }
    let reasons: BTreeMap<String, String> = ctx.reasons.with(|r| {
        r.iter()
            .filter(|(code, _)| values.contains_key(*code))
            .map(|(c, t)| (c.clone(), t.clone()))
            .collect()
    });
    let version = ctx.doc.with(|d| d.version);
    let finess = ctx.finess.get_value();
    busy.set(true);
    spawn_local(async move {
        let patch = FormPatch { values, reasons };
        match api::patch_form(ctx.year, &finess, version, &patch).await {
            Ok(summary) => {
                let at = summary
                    .updated_at
                    .as_deref()
                    .map(format::date_time)
                    .unwrap_or_default();
                ctx.apply(summary);
                ctx.restored.set(0);
                ctx.say(FlashKind::Success, format!("Modifications enregistrées le {at}."));
            }
            Err(error) => {
                let fields: BTreeMap<String, String> = error
                    .field_errors()
                    .into_iter()
                    .filter_map(|(path, message)| {
                        let item = path
                            .strip_prefix("/values/")
                            .or_else(|| path.strip_prefix("/reasons/"))?;
                        Some((item.to_owned(), message))
                    })
                    .collect();
                let refused_fields = !fields.is_empty();
                ctx.server_errors.set(fields);
                let message = match error {
                    UiError::Api(ref p) if p.status == 422 => {
                        "L'enregistrement a été refusé : corrigez les champs signalés.".to_owned()
                    }
                    other => other.message(),
                };
                ctx.say(FlashKind::Error, message);
                if refused_fields {
                    ctx.focus_first_error();
                }
            }
        }
        busy.set(false);
    });
}

/// The notice of drafts restored when the page opened: how many entries came back, how many typed on
/// an earlier version wait next to their field, « Enregistrer » and « Abandonner ».
#[component]
pub fn DraftNotice(ctx: FormCtx) -> impl IntoView {
    let busy = RwSignal::new(false);
    let discard = Callback::new(move |()| {
        ctx.discard_drafts();
        ctx.say(
            FlashKind::Success,
            "Les saisies restaurées ont été abandonnées : les valeurs enregistrées sont affichées.",
        );
    });
    draft_notice::notice(
        ctx.restored.into(),
        Signal::derive(move || ctx.earlier.with(BTreeMap::len)),
        Some(Callback::new(move |()| save(ctx, busy))),
        busy.into(),
        discard,
    )
}

/// The action bar, sticky at the bottom of the window along the tabs: the message of the last action
/// (for everyone), and for a structure that may write: whether everything is saved, « Enregistrer »,
/// « Soumettre le formulaire » (after a confirmation) and why it cannot be submitted yet.
#[component]
pub fn ActionBar(ctx: FormCtx) -> impl IntoView {
    let busy = RwSignal::new(false);
    let save = move |_| save(ctx, busy);
    let confirming = RwSignal::new(false);
    let submit = Callback::new(move |()| {
        let version = ctx.doc.with(|d| d.version);
        let finess = ctx.finess.get_value();
        busy.set(true);
        spawn_local(async move {
            match api::submit(ctx.year, &finess, version).await {
                Ok(doc) => {
                    ctx.replace(doc, true);
                    ctx.say(
                        FlashKind::Success,
                        "Formulaire soumis : l'autorité de contrôle va l'examiner.",
                    );
                }
                Err(e) => ctx.say(FlashKind::Error, e.message()),
            }
            busy.set(false);
        });
    });
    let submittable_state = move || {
        ctx.doc.with(|d| {
            matches!(
                d.state,
                FormState::NonCommence | FormState::EnCours | FormState::CorrectionDemandee
            )
        })
    };
    let shown = move || ctx.writable() || ctx.flash.with(Option::is_some);
    view! {
        <section class:tdb-action-bar=shown aria-label="Actions du formulaire" data-testid="action-bar">
            {flash(ctx)}
            <Show when=move || ctx.writable()>
                <div class="tdb-action-bar__row">
                    <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                        <li>
                            <button type="button" class="fr-btn" data-testid="save"
                                disabled=move || busy.get() on:click=save>
                                "Enregistrer"
                            </button>
                        </li>
                        <Show when=submittable_state>
                            <li>
                                <button type="button" class="fr-btn fr-btn--secondary" data-testid="submit"
                                    aria-describedby="raison-soumission"
                                    disabled=move || busy.get() || blocker(ctx).is_some()
                                    on:click=move |_| confirming.set(true)>
                                    "Soumettre le formulaire"
                                </button>
                            </li>
                        </Show>
                    </ul>
                    <p class="fr-text--sm fr-mb-0" aria-live="polite" data-testid="dirty">
                        {move || if ctx.dirty() { "Modifications non enregistrées." } else { "Tout est enregistré." }}
                    </p>
                </div>
                <p class="fr-text--xs fr-mb-0" id="raison-soumission" aria-live="polite" data-testid="submit-reason">
                    {move || blocker(ctx).unwrap_or_else(|| "Le formulaire peut être soumis.".to_owned())}
                </p>
            </Show>
            {confirm_dialog(
                "confirmer-soumission",
                confirming,
                "Soumettre le formulaire ?",
                Signal::derive(|| {
    "Le formulaire ne sera plus modifiable, sauf demande de correction."
                        .to_owned()
                }),
                "Soumettre",
                submit,
            )}
        </section>
    }
}
