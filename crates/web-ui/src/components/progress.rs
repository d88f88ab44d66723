//! The progress of a campaign by territory, shared by the officers' home and the territory dashboard.

use std::collections::HashMap;

use leptos::prelude::*;
use tdb_domain::contract::CampaignProgress;

use crate::format;

/// The progress of a campaign by territory, with a total row.
pub fn progress_table(progress: CampaignProgress) -> impl IntoView {
    let rate = |r: Option<f64>| r.map(format::percent).unwrap_or_else(|| "—".to_owned());
    let rows = progress
        .territories
        .into_iter()
        .chain(std::iter::once(progress.total))
        .map(|t| {
            view! {
                <tr>
                    <th scope="row">{t.name}</th>
                    <td>{t.structures}</td>
                    <td>{t.states.non_commence}</td>
                    <td>{t.states.en_cours}</td>
                    <td>{t.states.soumis}</td>
                    <td>{t.states.correction_demandee}</td>
                    <td>{t.states.valide}</td>
                    <td>{rate(t.mean_completion_rate)}</td>
                    <td>{rate(t.share_threshold_reached)}</td>
                    <td>{rate(t.share_validated)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table" data-testid="progress">
            <table>
                <caption>{format!("Seuil de complétude : {} %", progress.threshold_percent)}</caption>
                <thead><tr>
                    <th scope="col">"Département"</th>
                    <th scope="col">"Structures"</th>
                    <th scope="col">"Non commencés"</th>
                    <th scope="col">"En cours"</th>
                    <th scope="col">"Soumis"</th>
                    <th scope="col">"Correction demandée"</th>
                    <th scope="col">"Validés"</th>
                    <th scope="col">"Complétude moyenne"</th>
                    <th scope="col">"Part au seuil"</th>
                    <th scope="col">"Part validée"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Name by département code, from the progress by département (the départements of the scope).
pub fn department_names(progress: &CampaignProgress) -> HashMap<String, String> {
    progress
        .territories
        .iter()
        .filter_map(|t| t.code.clone().map(|code| (code, t.name.clone())))
        .collect()
}
