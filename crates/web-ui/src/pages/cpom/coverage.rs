//! `/cpom/couverture`: share of managing bodies and of structures under CPOM by department, the
//! pooled mean and the departmental minimum and maximum, and the EHPAD still without a CPOM.

use leptos::prelude::*;
use tdb_domain::contract::{Coverage, ShareSummary};

use crate::api;
use crate::components::alert::error_alert;
use crate::format;

/// The coverage page.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let coverage = LocalResource::new(api::cpom_coverage);
    view! {
        <h1>"Couverture des territoires par les CPOM"</h1>
        <Transition fallback=|| view! { <p role="status">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match coverage.await {
                    Ok(c) => coverage_view(c).into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), format::percent)
}

fn summary(label: &str, s: &ShareSummary) -> String {
    format!(
        "{label} : moyenne {}, minimum {}, maximum {}",
        share(s.mean),
        share(s.min),
        share(s.max)
    )
}

fn coverage_view(c: Coverage) -> impl IntoView {
    view! {
        <p class="fr-text--lead">{format!("Contrats en cours au {}", format::date(&c.on))}</p>
        <ul data-testid="coverage-summary">
            <li>{summary("Organismes gestionnaires sous CPOM", &c.organisation_share)}</li>
            <li>{summary("Structures sous CPOM", &c.structure_share)}</li>
        </ul>
        <div class="fr-table" data-testid="coverage">
            <table>
                <caption>"Couverture par département"</caption>
                <thead><tr>
                    <th scope="col">"Département"</th>
                    <th scope="col">"Organismes sous CPOM"</th>
                    <th scope="col">"Part des organismes"</th>
                    <th scope="col">"Structures sous CPOM"</th>
                    <th scope="col">"Part des structures"</th>
                </tr></thead>
                <tbody>
                    {c.territories.iter().map(|t| view! {
                        <tr>
                            <td>{format!("{} {}", t.code, t.name)}</td>
                            <td>{format!("{} / {}", t.organisations_under_cpom, t.organisations)}</td>
                            <td>{share(t.organisation_share)}</td>
                            <td>{format!("{} / {}", t.structures_under_cpom, t.structures)}</td>
                            <td>{share(t.structure_share)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{format!("EHPAD sans CPOM au-delà de l'échéance légale ({})", c.missing.len())}</h2>
        <p>"Obligation de l'article L. 313-12 IV ter du CASF, programmation 2017-2021 (échéance au 31/12/2021)."</p>
        <ul data-testid="missing">
            {c.missing.iter().take(200).map(|m| view! {
                <li>{format!("{} — {} ({})", m.finess, m.name, m.department_code)}</li>
            }).collect_view()}
        </ul>
    }
}
