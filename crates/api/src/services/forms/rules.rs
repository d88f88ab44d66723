//! The workflow rules of a form, without I/O: when the structure may write, which transitions each
//! state allows, which authorities must validate.

use tdb_domain::contract::{Authority, FormState};

use crate::auth::Role;
use crate::error::{ApiError, ProblemCode};

/// Shortest accepted reason, justification or comment of an override (characters, trimmed).
pub const MIN_TEXT_CHARS: usize = 10;

/// Campaign phase of the collection.
pub const COLLECTE: &str = "collecte";
/// Campaign phase of the review by the authorities.
pub const FIABILISATION: &str = "fiabilisation";

/// Whether `text` is long enough once trimmed.
pub fn long_enough(text: &str) -> bool {
    text.trim().chars().count() >= MIN_TEXT_CHARS
}

fn conflict(code: ProblemCode, detail: String) -> ApiError {
    ApiError::Conflict { code, detail }
}

/// The structure may write values and justifications: in `collecte` while the form is not submitted,
/// and in `fiabilisation` only when corrections were asked.
pub fn check_editable(phase: &str, state: FormState) -> Result<(), ApiError> {
    let open_state = matches!(
        state,
        FormState::NonCommence | FormState::EnCours | FormState::CorrectionDemandee
    );
    if !open_state {
        return Err(conflict(
            ProblemCode::FormNotEditable,
            format!(
                "Le formulaire est à l'état « {} » : il n'est plus modifiable par la structure.",
                state.as_str()
            ),
        ));
    }
    match phase {
        COLLECTE => Ok(()),
        FIABILISATION if state == FormState::CorrectionDemandee => Ok(()),
        FIABILISATION => Err(conflict(
            ProblemCode::CampaignPhase,
            "La campagne est en fiabilisation : seuls les formulaires dont une correction est demandée \
             sont modifiables."
                .to_owned(),
        )),
        other => Err(conflict(
            ProblemCode::CampaignPhase,
            format!("La campagne est en phase « {other} » : la saisie est fermée."),
        )),
    }
}

/// The state of a form after the structure changed it: one not started is then in progress; any other
/// state stays.
pub fn after_change(state: FormState) -> FormState {
    match state {
        FormState::NonCommence => FormState::EnCours,
        state => state,
    }
}

/// Whether [`check_editable`] passes.
pub fn is_editable(phase: &str, state: FormState) -> bool {
    check_editable(phase, state).is_ok()
}

/// The structure may submit from `en_cours` (in `collecte`) or `correction_demandee` (in `collecte` or
/// `fiabilisation`); readiness is checked apart.
pub fn check_submittable(phase: &str, state: FormState) -> Result<(), ApiError> {
    if !matches!(state, FormState::EnCours | FormState::CorrectionDemandee) {
        return Err(invalid_transition(state, "soumis"));
    }
    check_editable(phase, state)
}

/// The authorities may review (validate, ask corrections) a submitted form during the collection or
/// the review phase.
pub fn check_reviewable(phase: &str, state: FormState) -> Result<(), ApiError> {
    if state != FormState::Soumis {
        return Err(conflict(
            ProblemCode::FormNotSubmitted,
            format!(
                "Seul un formulaire soumis peut être examiné ; celui-ci est à l'état « {} ».",
                state.as_str()
            ),
        ));
    }
    check_review_phase(phase)
}

/// An authority may reopen a submitted or validated form during the collection or the review phase.
pub fn check_reopenable(phase: &str, state: FormState) -> Result<(), ApiError> {
    if !matches!(state, FormState::Soumis | FormState::Valide) {
        return Err(invalid_transition(state, "en_cours"));
    }
    check_review_phase(phase)
}

fn check_review_phase(phase: &str) -> Result<(), ApiError> {
    if phase == COLLECTE || phase == FIABILISATION {
        Ok(())
    } else {
        Err(conflict(
            ProblemCode::CampaignPhase,
            format!("La campagne est en phase « {phase} » : les formulaires ne sont plus examinés."),
        ))
    }
}

fn invalid_transition(from: FormState, to: &str) -> ApiError {
    conflict(
        ProblemCode::InvalidTransition,
        format!(
            "Le formulaire est à l'état « {} » : il ne peut pas passer à l'état « {to} ».",
            from.as_str()
        ),
    )
}

/// The authorities that validate a structure of `competence` (`ARS`, `CD`, `ARS_CD`).
pub fn required_authorities(competence: &str) -> Vec<Authority> {
    match competence {
        "ARS" => vec![Authority::Ars],
        "CD" => vec![Authority::Cd],
        _ => vec![Authority::Ars, Authority::Cd],
    }
}

/// The authority a reviewer acts for.
pub fn authority_of(role: Role) -> Option<Authority> {
    match role {
        Role::Ars => Some(Authority::Ars),
        Role::Cd => Some(Authority::Cd),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_starts_a_form_not_started_and_keeps_any_other_state() {
        assert_eq!(after_change(FormState::NonCommence), FormState::EnCours);
        for state in [
            FormState::EnCours,
            FormState::CorrectionDemandee,
            FormState::Soumis,
        ] {
            assert_eq!(after_change(state), state);
        }
    }

    #[test]
    fn the_structure_writes_during_collection_until_it_submits() {
        for state in [
            FormState::NonCommence,
            FormState::EnCours,
            FormState::CorrectionDemandee,
        ] {
            assert!(is_editable(COLLECTE, state));
        }
        for state in [FormState::Soumis, FormState::Valide, FormState::Cloture] {
            assert_eq!(
                check_editable(COLLECTE, state).map_err(|e| e.code().as_str()),
                Err("form_not_editable")
            );
        }
    }

    #[test]
    fn in_fiabilisation_only_forms_sent_back_are_editable() {
        assert!(is_editable(FIABILISATION, FormState::CorrectionDemandee));
        assert_eq!(
            check_editable(FIABILISATION, FormState::EnCours).map_err(|e| e.code().as_str()),
            Err("campaign_phase")
        );
        for phase in ["preparation", "restitution", "archivee"] {
            assert_eq!(
                check_editable(phase, FormState::EnCours).map_err(|e| e.code().as_str()),
                Err("campaign_phase")
            );
        }
    }

    #[test]
    fn transitions_start_from_the_right_states() {
        assert!(check_submittable(COLLECTE, FormState::EnCours).is_ok());
        assert!(check_submittable(FIABILISATION, FormState::CorrectionDemandee).is_ok());
        assert_eq!(
            check_submittable(COLLECTE, FormState::NonCommence).map_err(|e| e.code().as_str()),
            Err("invalid_transition")
        );
        assert!(check_reviewable(FIABILISATION, FormState::Soumis).is_ok());
        assert_eq!(
            check_reviewable(COLLECTE, FormState::Valide).map_err(|e| e.code().as_str()),
            Err("form_not_submitted")
        );
        assert!(check_reopenable(COLLECTE, FormState::Valide).is_ok());
        assert_eq!(
            check_reopenable("restitution", FormState::Valide).map_err(|e| e.code().as_str()),
            Err("campaign_phase")
        );
    }

    #[test]
    fn joint_structures_need_both_authorities() {
        assert_eq!(required_authorities("ARS"), [Authority::Ars]);
        assert_eq!(required_authorities("CD"), [Authority::Cd]);
        assert_eq!(required_authorities("ARS_CD"), [Authority::Ars, Authority::Cd]);
        assert_eq!(authority_of(Role::Og), None);
    }

    #[test]
    fn texts_are_counted_in_characters_once_trimmed() {
        assert!(long_enough("  déjà vérifié  "));
        assert!(!long_enough("   court    "));
    }
}
