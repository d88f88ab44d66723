//! Action sheets of a contract: one form to add (`POST …/action-sheets`) or change (`PUT
//! …/action-sheets/{sheet}` with `If-Match`) a sheet, and its deletion after confirmation.

use leptos::prelude::*;
use tdb_domain::contract::{ActionSheet, ActionSheetCreate, ActionTheme};

use super::contract_ctx::ContractCtx;
use super::form::{self, FormDraft, Submit};
use crate::api::Verb;

/// « Ajouter une fiche action ».
pub fn add_sheet(ctx: ContractCtx) -> AnyView {
    form::drafted_panel(
        "Ajouter une fiche action",
        "add-sheet",
        &sheet_form_name(ctx, None),
        ViewFn::from(move || sheet_form(ctx, None)),
    )
}

/// « Modifier la fiche » and « Supprimer la fiche » of one sheet.
pub fn sheet_tools(sheet: &ActionSheet, ctx: ContractCtx) -> AnyView {
    let current = sheet.clone();
    view! {
        <div class="fr-btns-group--inline">
            {form::drafted_panel("Modifier la fiche", "edit-sheet", &sheet_form_name(ctx, Some(sheet.id)),
                ViewFn::from(move || sheet_form(ctx, Some(current.clone()))))}
            {form::delete_button("la fiche et ses objectifs", ctx.path(&format!("action-sheets/{}", sheet.id)), ctx.reload)}
        </div>
    }
    .into_any()
}

/// The draft name of the form of a sheet (a new one when `None`).
fn sheet_form_name(ctx: ContractCtx, sheet: Option<i64>) -> String {
    match sheet {
        Some(id) => format!("contrat:{}:fiche:{id}", ctx.id),
        None => format!("contrat:{}:fiche:nouvelle", ctx.id),
    }
}

fn sheet_form(ctx: ContractCtx, sheet: Option<ActionSheet>) -> AnyView {
    let text =
        |f: fn(&ActionSheet) -> Option<String>| RwSignal::new(sheet.as_ref().and_then(f).unwrap_or_default());
    let theme = RwSignal::new(
        sheet
            .as_ref()
            .map_or(ActionTheme::ALL[0], |s| s.theme)
            .code()
            .to_owned(),
    );
    let theme_label = text(|s| (s.theme == ActionTheme::Autre).then(|| s.theme_label.clone()));
    let title = text(|s| Some(s.title.clone()));
    let actions = text(|s| s.actions.clone());
    let owner = text(|s| s.owner.clone());
    let deadline = form::date_field(
        sheet
            .as_ref()
            .and_then(|s| s.deadline.as_deref())
            .unwrap_or_default(),
    );
    let id = sheet.as_ref().map(|s| s.id);
    let draft = FormDraft::new(&sheet_form_name(ctx, id), ctx.version);
    for (name, signal) in [
        ("theme", theme),
        ("theme_label", theme_label),
        ("title", title),
        ("actions", actions),
        ("owner", owner),
        ("deadline", deadline),
    ] {
        draft.field(name, signal);
    }
    draft.start();
    let submit = Submit::drafted(draft);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let theme = ActionTheme::from_code(&theme.get_untracked()).unwrap_or(ActionTheme::Autre);
        let body = ActionSheetCreate {
            theme,
            theme_label: (theme == ActionTheme::Autre)
                .then(|| form::non_blank(theme_label.get_untracked()))
                .flatten(),
            title: title.get_untracked(),
            actions: form::non_blank(actions.get_untracked()),
            owner: form::non_blank(owner.get_untracked()),
            deadline: form::non_blank(form::iso(deadline)),
        };
        let (verb, path, version) = match id {
            Some(sheet) => (
                Verb::Put,
                ctx.path(&format!("action-sheets/{sheet}")),
                Some(ctx.version),
            ),
            None => (Verb::Post, ctx.path("action-sheets"), None),
        };
        submit.write(verb, path, version, form::json(&body), ctx.done());
    };
    let themes = ActionTheme::ALL
        .iter()
        .map(|t| (t.code().to_owned(), t.label().to_owned()))
        .collect();
    view! {
        <form on:submit=on_submit data-testid="sheet-form">
            {draft.notice()}
            {draft.around("theme", form::select("theme", "Thème", themes, theme))}
            {move || (theme.get() == ActionTheme::Autre.code())
                .then(|| draft.around("theme_label", form::input("theme_label", "Libellé du thème", "text", theme_label)))}
            {draft.around("title", form::input("title", "Titre (objectif de la fiche)", "text", title))}
            {draft.around("actions", form::text_area("actions", "Actions prévues", actions))}
            {draft.around("owner", form::input("owner", "Pilote", "text", owner))}
            {draft.around("deadline", form::input("deadline", "Échéance", "date", deadline))}
            {form::problem(submit)}
            {form::submit_button(if id.is_some() { "Enregistrer la fiche" } else { "Ajouter la fiche" }, submit)}
        </form>
    }
    .into_any()
}
