//! Territory dashboard of an ARS, a CD or the national administration for one campaign: completion
//! and validation by département, the regions ranked by completion, and the structures of the
//! scope with their dialogue-level indicators in a table sorted by clicking a column header
//! (`aria-sort`), filtered by category and département (named: the catalogue's French category labels,
//! the départements' names), exported as XLSX with the same filters.

use std::cmp::Ordering;
use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{CampaignProgress, IndicatorRow, IndicatorTable};
use tdb_domain::display::format_indicator;

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::components::progress::{department_names, progress_table};
use crate::download;
use crate::format;
use crate::labels;
use crate::pages::restitution::frozen_notice;

/// `/territoire/:year`.
#[component]
pub fn TerritoryPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || params.with(|p| p.get("year").and_then(|y| y.parse::<i32>().ok()));
    let loaded = LocalResource::new(move || {
        let year = year();
        async move {
            let year = year.ok_or(UiError::Status(404))?;
            let (departments, regions, table, categories) = futures::join!(
                api::progress_by_department(year),
                api::progress_by_region(year),
                api::indicator_table(year, ""),
                api::category_labels(year)
            );
            let departments = departments?;
            let names = Names {
                // Without the catalogue, the filter falls back to the codes.
                categories: categories.unwrap_or_default().into_iter().collect(),
                departments: department_names(&departments),
            };
            Ok::<_, UiError>((year, departments, regions?, table?, names))
        }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement du tableau de bord…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((year, departments, regions, table, names)) => view! {
                        <div data-testid="territory-page">
                            <h1>{format!("Tableau de bord territorial — campagne {year}")}</h1>
                            <h2>"Complétude et validation par département"</h2>
                            {progress_table(departments)}
                            <h2 class="fr-mt-4w">"Classement des régions par complétude"</h2>
                            {region_ranking(regions)}
                            <h2 class="fr-mt-4w">"Indicateurs des structures"</h2>
                            <Structures year table names/>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <h1>"Tableau de bord territorial"</h1> {error_alert(&error)} }.into_any(),
                }
            })}
        </Transition>
    }
}

/// French names of the codes the structures' table shows.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Catalogue label by category code.
    pub categories: HashMap<String, String>,
    /// Name by département code.
    pub departments: HashMap<String, String>,
}

impl Names {
    /// The label of a category, else its code in capitals.
    pub fn category(&self, code: &str) -> String {
        self.categories
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_uppercase())
    }

    /// The short form of a category's label, before its « – » (« EHPAD », « CRP / ESRP »), for the
    /// table's rows.
    pub fn short_category(&self, code: &str) -> String {
        let label = self.category(code);
        label
            .split_once(" – ")
            .map_or_else(|| label.clone(), |(short, _)| short.to_owned())
    }

    /// The name of a département, else its code.
    pub fn department(&self, code: &str) -> String {
        self.departments
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }
}

fn region_ranking(progress: CampaignProgress) -> impl IntoView {
    let rate = |r: Option<f64>| r.map_or_else(|| "—".to_owned(), format::percent);
    let mut regions = progress.territories;
    regions.sort_by_key(|r| (r.rank.unwrap_or(u32::MAX), r.name.clone()));
    view! {
        <div class="fr-table" data-testid="region-ranking">
            <table>
                <caption>"Régions classées par complétude moyenne (1 = la plus avancée)"</caption>
                <thead><tr>
                    <th scope="col">"Rang"</th>
                    <th scope="col">"Région"</th>
                    <th scope="col">"Structures"</th>
                    <th scope="col">"Complétude moyenne"</th>
                    <th scope="col">"Part au seuil"</th>
                    <th scope="col">"Part validée"</th>
                </tr></thead>
                <tbody>
                    {regions.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.rank.map(|n| n.to_string()).unwrap_or_default()}</td>
                            <th scope="row">{r.name}</th>
                            <td>{r.structures}</td>
                            <td>{rate(r.mean_completion_rate)}</td>
                            <td>{rate(r.share_threshold_reached)}</td>
                            <td>{rate(r.share_validated)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A sortable column of the structures' table.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Name,
    Department,
    State,
    Completion,
    Indicator(String),
}

/// Orders two rows by `column`; empty values always last.
fn compare(a: &IndicatorRow, b: &IndicatorRow, column: &Column, ascending: bool) -> Ordering {
    let directed = |o: Ordering| if ascending { o } else { o.reverse() };
    match column {
        Column::Name => directed(a.name.cmp(&b.name)),
        Column::Department => directed(a.department.cmp(&b.department)),
        Column::State => directed(labels::state(a.state).cmp(labels::state(b.state))),
        Column::Completion => directed(a.completion_rate.total_cmp(&b.completion_rate)),
        Column::Indicator(code) => {
            let value = |r: &IndicatorRow| r.values.get(code).copied().flatten();
            match (value(a), value(b)) {
                (Some(x), Some(y)) => directed(x.total_cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
    }
}

/// The query of the filters, for the table's scope and the export: `category=…&department=…`.
fn filter_query(category: &str, department: &str) -> String {
    [("category", category), ("department", department)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn Structures(year: i32, table: IndicatorTable, names: Names) -> impl IntoView {
    let columns = StoredValue::new(table.columns.clone());
    let rows = StoredValue::new(table.rows.clone());
    let mut categories: Vec<String> = table.rows.iter().map(|r| r.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let names = StoredValue::new(names);
    // The category with the most structures, so that the first view compares like with like.
    let first = categories
        .iter()
        .max_by_key(|c| table.rows.iter().filter(|r| &r.category == *c).count())
        .cloned()
        .unwrap_or_default();
    let mut departments: Vec<String> = table.rows.iter().map(|r| r.department.clone()).collect();
    departments.sort();
    departments.dedup();
    // Options in the order of their labels.
    let mut category_options: Vec<(String, String)> = categories
        .into_iter()
        .map(|c| {
            let label = names.with_value(|n| n.category(&c));
            (c, label)
        })
        .collect();
    category_options.sort_by(|a, b| a.1.cmp(&b.1));
    let mut department_options: Vec<(String, String)> = departments
        .into_iter()
        .map(|d| {
            let name = names.with_value(|n| n.department(&d));
            (d, name)
        })
        .collect();
    department_options.sort_by(|a, b| a.1.cmp(&b.1));
    let category = RwSignal::new(first);
    let department = RwSignal::new(String::new());
    let sort = RwSignal::new((Column::Name, true));
    let export_status = RwSignal::new(None::<Result<(), UiError>>);
    let exporting = RwSignal::new(false);

    let shown_rows = Memo::new(move |_| {
        let (category, department) = (category.get(), department.get());
        let (column, ascending) = sort.get();
        let mut list: Vec<IndicatorRow> = rows.with_value(|rows| {
            rows.iter()
                .filter(|r| category.is_empty() || r.category == category)
                .filter(|r| department.is_empty() || r.department == department)
                .cloned()
                .collect()
        });
        list.sort_by(|a, b| compare(a, b, &column, ascending).then_with(|| a.finess.cmp(&b.finess)));
        list
    });
    // Columns with at least one value among the rows shown (a category's own indicators).
    let shown_columns = Memo::new(move |_| {
        let list = shown_rows.get();
        columns.with_value(|columns| {
            columns
                .iter()
                .filter(|c| {
                    list.iter()
                        .any(|r| r.values.get(&c.code).copied().flatten().is_some())
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    let header = move |column: Column, label: String| {
        let key = column.clone();
        let aria = move || {
            let (current, ascending) = sort.get();
            match (current == key, ascending) {
                (false, _) => "none",
                (true, true) => "ascending",
                (true, false) => "descending",
            }
        };
        let click = {
            let column = column.clone();
            move |_| {
                sort.update(|(current, ascending)| {
                    if *current == column {
                        *ascending = !*ascending;
                    } else {
                        *current = column.clone();
                        *ascending = true;
                    }
                });
            }
        };
        let code = match &column {
            Column::Indicator(code) => code.clone(),
            Column::Name => "name".to_owned(),
            Column::Department => "department".to_owned(),
            Column::State => "state".to_owned(),
            Column::Completion => "completion".to_owned(),
        };
        view! {
            <th scope="col" aria-sort=aria data-column=code>
                <button type="button" class="tdb-sort" on:click=click>{label}</button>
            </th>
        }
    };

    let export = move |_| {
        let query = filter_query(&category.get_untracked(), &department.get_untracked());
        exporting.set(true);
        spawn_local(async move {
            let result = api::export_xlsx(year, &query).await.and_then(|bytes| {
                if download::save(&bytes, &format!("tdb-{year}-wide.xlsx"), download::XLSX) {
                    Ok(())
                } else {
                    Err(UiError::Decode("blob".to_owned()))
                }
            });
            exporting.set(false);
            export_status.set(Some(result));
        });
    };

    view! {
        <p class="fr-text--sm">{frozen_notice(table.frozen_at.as_deref())}</p>
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
            <div class="fr-col-12 fr-col-md-4 fr-select-group">
                <label class="fr-label" for="filter-category">"Catégorie"</label>
                <select class="fr-select" id="filter-category" data-testid="filter-category"
                    on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="" selected=move || category.get().is_empty()>"Toutes les catégories"</option>
                    {category_options.into_iter().map(|(c, label)| {
                        let value = c.clone();
                        view! { <option value=c selected=move || category.get() == value>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-col-12 fr-col-md-4 fr-select-group">
                <label class="fr-label" for="filter-department">"Département"</label>
                <select class="fr-select" id="filter-department" data-testid="filter-department"
                    on:change=move |ev| department.set(event_target_value(&ev))>
                    <option value="">"Tous les départements"</option>
                    {department_options.into_iter().map(|(d, name)| view! {
                        <option value=d>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-col-12 fr-col-md-4">
                <button class="fr-btn fr-btn--secondary" type="button" data-testid="export"
                    disabled=move || exporting.get() on:click=export>
                    "Exporter (xlsx)"
                </button>
            </div>
        </div>
        {move || export_status.get().map(|status| match status {
            Ok(()) => view! { <p role="status" data-testid="export-done">"L'export est téléchargé."</p> }.into_any(),
            Err(error) => error_alert(&error).into_any(),
        })}
        <div class="fr-table fr-table--no-scroll tdb-wide-table" data-testid="structures-table">
            <table>
                <caption>{move || format!(
                    "Structures du périmètre ({}) — cliquez sur un en-tête pour trier",
                    shown_rows.with(Vec::len)
                )}</caption>
                <thead>
                    {move || view! {
                        <tr>
                            {header(Column::Name, "Structure".to_owned())}
                            {header(Column::Department, "Département".to_owned())}
                            {header(Column::State, "État".to_owned())}
                            {header(Column::Completion, "Complétude".to_owned())}
                            {shown_columns.get().into_iter().map(|c| header(Column::Indicator(c.code.clone()), c.label)).collect_view()}
                        </tr>
                    }}
                </thead>
                <tbody>
                    {move || {
                        let columns = shown_columns.get();
                        shown_rows.get().into_iter().map(|r| {
                            let cells = columns.iter().map(|c| {
                                let value = r.values.get(&c.code).copied().flatten();
                                let text = value.map_or_else(
                                    || "—".to_owned(),
                                    |v| format!("{}{}", format_indicator(v, c.unit), labels::indicator_unit(c.unit)),
                                );
                                view! { <td data-value=value.map(|v| v.to_string()).unwrap_or_default()>{text}</td> }
                            }).collect_view();
                            view! {
                                <tr data-finess=r.finess.clone()>
                                    <th scope="row">
                                        <a class="fr-link" href=format!("/restitution/{year}/{}", r.finess)>{r.name.clone()}</a>
                                        <br/><span class="fr-hint-text">{format!("FINESS {} — {}", r.finess, names.with_value(|n| n.short_category(&r.category)))}</span>
                                    </th>
                                    <td>{names.with_value(|n| n.department(&r.department))}</td>
                                    <td>{labels::state(r.state)}</td>
                                    <td data-value=r.completion_rate.to_string()>{format::percent(r.completion_rate)}</td>
                                    {cells}
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}
