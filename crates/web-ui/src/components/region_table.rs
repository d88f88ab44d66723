//! Table of regions.

use leptos::prelude::*;
use tdb_domain::contract::Region;

/// The regions with their INSEE code, as a DSFR table.
#[component]
pub fn RegionTable(
    /// The regions to list, in display order.
    regions: Vec<Region>,
) -> impl IntoView {
    let count = regions.len();
    view! {
        <div class="fr-table" data-testid="regions">
            <table>
                <caption>{format!("Régions ({count})")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Code INSEE"</th>
                        <th scope="col">"Région"</th>
                    </tr>
                </thead>
                <tbody>
                    {regions
                        .into_iter()
                        .map(|region| view! {
                            <tr>
                                <td>{region.code}</td>
                                <td>{region.name}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
