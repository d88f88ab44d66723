//! Objectives of an action sheet: one form to add (`POST …/objectives`) or change (`PUT
//! …/objectives/{objective}` with `If-Match`) an objective — a catalogue indicator (its French label;
//! the catalogue comes from `GET /api/v1/catalogue/{year}`, as for the form page) for one structure
//! or the perimeter, or a free indicator —, its deletion, and the values of free objectives
//! (`PUT /cpom/objectives/{objective}/values/{year}`).

use std::cell::RefCell;

use leptos::prelude::*;
use tdb_domain::contract::{
    Direction, IndicatorUnit, Objective, ObjectiveCreate, ObjectiveValueInput, Sense,
};
use tdb_domain::{Catalogue, LAST_CAMPAIGN};

use super::contract_ctx::ContractCtx;
use super::form::{self, FormDraft, Submit};
use crate::api::{self, UiError, Verb};
use crate::format;

/// A catalogue indicator as the form offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Indicator {
    code: String,
    label: String,
    /// A ratio: typed as a percentage.
    ratio: bool,
    /// No direction: the sense must be stated.
    neutral: bool,
}

thread_local! {
    static INDICATORS: RefCell<Option<Vec<Indicator>>> = const { RefCell::new(None) };
}

/// The indicators of the latest catalogue (the one the API checks objectives against), in its order
/// (by axis); fetched once per session.
async fn indicators() -> Result<Vec<Indicator>, UiError> {
    if let Some(list) = INDICATORS.with(|c| c.borrow().clone()) {
        return Ok(list);
    }
    let text = api::catalogue_json(LAST_CAMPAIGN).await?;
    let catalogue = Catalogue::from_json(text).map_err(|e| UiError::Decode(e.to_string()))?;
    let list: Vec<Indicator> = catalogue
        .indicators()
        .iter()
        .map(|d| Indicator {
            code: d.code.clone(),
            label: d.label.clone(),
            ratio: d.unit == IndicatorUnit::Ratio,
            neutral: d.direction == Direction::Neutral,
        })
        .collect();
    INDICATORS.with(|c| *c.borrow_mut() = Some(list.clone()));
    Ok(list)
}

/// « Ajouter un objectif » to the sheet `sheet`.
pub fn add_objective(sheet: i64, ctx: ContractCtx) -> AnyView {
    form::drafted_panel(
        "Ajouter un objectif",
        "add-objective",
        &objective_form_name(ctx, sheet, None),
        ViewFn::from(move || objective_form(ctx, sheet, None)),
    )
}

/// The tools of one objective row: change and delete (when sheets are editable), report a value
/// (free objectives).
pub fn objective_tools(objective: &Objective, ctx: ContractCtx) -> AnyView {
    let rights = ctx.rights;
    let free = objective.indicator_code.is_none();
    let id = objective.id;
    let current = objective.clone();
    view! {
        {rights.edit_sheets().then(|| view! {
            {form::drafted_panel("Modifier", "edit-objective", &objective_form_name(ctx, current.action_sheet_id, Some(id)), ViewFn::from(move || {
                objective_form(ctx, current.action_sheet_id, Some(current.clone()))
            }))}
            {form::delete_button("l'objectif", ctx.path(&format!("objectives/{id}")), ctx.reload)}
        })}
        {(free && rights.report_values()).then(|| form::drafted_panel(
            "Renseigner une valeur",
            "report-value",
            &format!("objectif:{id}:valeur"),
            ViewFn::from(move || value_form(id, ctx)),
        ))}
    }
    .into_any()
}

/// The draft name of the form of an objective (a new one of sheet `sheet` when `None`).
fn objective_form_name(ctx: ContractCtx, sheet: i64, objective: Option<i64>) -> String {
    match objective {
        Some(id) => format!("contrat:{}:objectif:{id}", ctx.id),
        None => format!("contrat:{}:fiche:{sheet}:objectif:nouveau", ctx.id),
    }
}

fn objective_form(ctx: ContractCtx, sheet: i64, objective: Option<Objective>) -> AnyView {
    let loaded = form::fetched(indicators());
    form::when_loaded(loaded, move |list| {
        objective_fields(ctx, sheet, objective.clone(), list.clone())
    })
}

const CATALOGUE: &str = "catalogue";
const FREE: &str = "libre";

fn objective_fields(
    ctx: ContractCtx,
    sheet: i64,
    objective: Option<Objective>,
    list: Vec<Indicator>,
) -> AnyView {
    let o = objective.as_ref();
    let label = RwSignal::new(o.map(|o| o.label.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        if o.is_some_and(|o| o.indicator_code.is_none()) {
            FREE
        } else {
            CATALOGUE
        }
        .to_owned(),
    );
    let code = RwSignal::new(o.and_then(|o| o.indicator_code.clone()).unwrap_or_default());
    let structure = RwSignal::new(o.and_then(|o| o.structure_finess.clone()).unwrap_or_default());
    let free_label = RwSignal::new(
        o.filter(|o| o.indicator_code.is_none())
            .map(|o| o.indicator_label.clone())
            .unwrap_or_default(),
    );
    let ratio_shown = o.is_some_and(|o| o.unit.as_deref() == Some("ratio"));
    let target = RwSignal::new(
        o.map(|o| {
            format::number(if ratio_shown {
                o.target_value * 100.0
            } else {
                o.target_value
            })
        })
        .unwrap_or_default(),
    );
    let target_year = RwSignal::new(o.map_or(ctx.years.1, |o| o.target_year).to_string());
    let sense = RwSignal::new(o.map(|o| o.sense.code().to_owned()).unwrap_or_default());
    let list = StoredValue::new(list);
    let is_ratio = move || {
        kind.get() == CATALOGUE && list.with_value(|l| l.iter().any(|i| i.code == code.get() && i.ratio))
    };
    let needs_sense = move || {
        kind.get() == FREE || list.with_value(|l| l.iter().any(|i| i.code == code.get() && i.neutral))
    };
    let editing = objective.is_some();
    let draft = FormDraft::new(
        &objective_form_name(ctx, sheet, objective.as_ref().map(|o| o.id)),
        ctx.version,
    );
    for (name, signal) in [
        ("label", label),
        ("kind", kind),
        ("indicator_code", code),
        ("structure_finess", structure),
        ("free_indicator_label", free_label),
        ("target_value", target),
        ("target_year", target_year),
        ("sense", sense),
    ] {
        draft.field(name, signal);
    }
    draft.start();
    let submit = Submit::drafted(draft);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut target_value) = format::parse_number(&target.get_untracked()) else {
            submit.refuse("/target_value", "Saisissez un nombre (par exemple 80 ou 12,5).");
            return;
        };
        if is_ratio() {
            target_value /= 100.0;
        }
        let free = kind.get_untracked() == FREE;
        let indicator_code = (!free).then(|| form::non_blank(code.get_untracked())).flatten();
        let structure_finess = (!free)
            .then(|| form::non_blank(structure.get_untracked()))
            .flatten();
        // The baseline stays only while the objective follows the same thing.
        let same = objective
            .as_ref()
            .is_some_and(|o| o.indicator_code == indicator_code && o.structure_finess == structure_finess);
        let body = ObjectiveCreate {
            action_sheet_id: sheet,
            label: label.get_untracked(),
            indicator_code,
            structure_finess,
            free_indicator_label: free
                .then(|| form::non_blank(free_label.get_untracked()))
                .flatten(),
            baseline_year: objective.as_ref().filter(|_| same).and_then(|o| o.baseline_year),
            baseline_value: objective.as_ref().filter(|_| same).and_then(|o| o.baseline_value),
            target_value,
            target_year: target_year.get_untracked().parse().unwrap_or(ctx.years.1),
            sense: Sense::from_code(&sense.get_untracked()).filter(|_| needs_sense()),
        };
        let (verb, path, version) = match objective.as_ref() {
            Some(o) => (
                Verb::Put,
                ctx.path(&format!("objectives/{}", o.id)),
                Some(ctx.version),
            ),
            None => (Verb::Post, ctx.path("objectives"), None),
        };
        submit.write(verb, path, version, form::json(&body), ctx.done());
    };
    let kinds = vec![
        (CATALOGUE.to_owned(), "Indicateur du tableau de bord".to_owned()),
        (
            FREE.to_owned(),
            "Indicateur libre (valeurs renseignées chaque année)".to_owned(),
        ),
    ];
    let years = (ctx.years.0..=ctx.years.1)
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    view! {
        <form on:submit=on_submit data-testid="objective-form">
            {draft.notice()}
            {draft.around("label", form::input("label", "Libellé de l'objectif", "text", label))}
            {draft.around("kind", form::select("kind", "Indicateur suivi", kinds, kind))}
            {move || if kind.get() == CATALOGUE {
                let mut indicators = vec![(String::new(), "— Choisir un indicateur —".to_owned())];
                indicators.extend(list.with_value(|l| l.iter().map(|i| (i.code.clone(), i.label.clone())).collect::<Vec<_>>()));
                let mut scopes = vec![(String::new(), "Tout le périmètre (valeur agrégée)".to_owned())];
                scopes.extend(ctx.members.get_value().into_iter().map(|(f, n)| (f.clone(), format!("{n} ({f})"))));
                view! {
                    {draft.around("indicator_code", form::select("indicator_code", "Indicateur du tableau de bord", indicators, code))}
                    {draft.around("structure_finess", form::select("structure_finess", "Suivi sur", scopes, structure))}
                }.into_any()
            } else {
                draft.around("free_indicator_label", form::input("free_indicator_label", "Libellé de l'indicateur libre", "text", free_label))
            }}
            {draft.around("target_value", form::input("target_value", "Valeur cible", "decimal", target))}
            <p class="fr-hint-text">{move || if is_ratio() {
                "Un taux : saisissez un pourcentage (80 pour 80 %)."
            } else {
                "Un nombre, décimales avec une virgule."
            }}</p>
            {draft.around("target_year", form::select("target_year", "Année cible", years, target_year))}
            {move || needs_sense().then(|| form::select("sense", "Sens de la cible", vec![
                (String::new(), "— Choisir —".to_owned()),
                (Sense::HigherBetter.code().to_owned(), "Atteindre au moins la cible (plus haut est mieux)".to_owned()),
                (Sense::LowerBetter.code().to_owned(), "Ne pas dépasser la cible (plus bas est mieux)".to_owned()),
            ], sense))}
            {form::problem(submit)}
            {form::submit_button(if editing { "Enregistrer l'objectif" } else { "Ajouter l'objectif" }, submit)}
        </form>
    }
    .into_any()
}

fn value_form(objective: i64, ctx: ContractCtx) -> AnyView {
    let year = RwSignal::new(ctx.years.0.to_string());
    let value = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let draft = FormDraft::new(&format!("objectif:{objective}:valeur"), 0);
    for (name, signal) in [("year", year), ("value", value), ("comment", comment)] {
        draft.field(name, signal);
    }
    draft.start();
    let submit = Submit::drafted(draft);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(number) = format::parse_number(&value.get_untracked()) else {
            submit.refuse("/value", "Saisissez un nombre (par exemple 12 ou 12,5).");
            return;
        };
        let body = ObjectiveValueInput {
            value: number,
            comment: form::non_blank(comment.get_untracked()),
        };
        submit.write(
            Verb::Put,
            format!("objectives/{objective}/values/{}", year.get_untracked()),
            None,
            form::json(&body),
            ctx.done(),
        );
    };
    let years = (ctx.years.0 - 1..=ctx.years.1)
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    view! {
        <form on:submit=on_submit data-testid="value-form">
            {draft.notice()}
            {form::select("year", "Année", years, year)}
            {form::input("value", "Valeur", "decimal", value)}
            {form::input("comment", "Commentaire", "text", comment)}
            {form::problem(submit)}
            {form::submit_button("Enregistrer la valeur", submit)}
        </form>
    }
    .into_any()
}
