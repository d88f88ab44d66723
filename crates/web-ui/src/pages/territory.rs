//! Territory dashboard of an ARS, a CD or the national administration for one campaign: completion
//! and validation by département, the regions ranked by completion, and the structures of the
//! scope with their dialogue-level indicators in a table sorted by clicking a column header
//! (`aria-sort`), filtered by category and département (named: the catalogue's French category labels,
//! the départements' names), shown [`PER_PAGE`] rows at a time, exported as XLSX with the same filters.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use tdb_domain::contract::{CampaignProgress, CategoryCount, IndicatorRow, PageMeta};
use tdb_domain::display::format_indicator;

use crate::api::{self, UiError};
use crate::components::alert::error_alert;
use crate::components::pager::{page_count, pager};
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
            let (departments, regions) =
                futures::join!(api::progress_by_department(year), api::progress_by_region(year));
            let departments = departments?;
            let names = Names {
                categories: departments
                    .categories
                    .iter()
                    .map(|c| (c.code.clone(), c.label.clone()))
                    .collect(),
                departments: department_names(&departments),
            };
            Ok::<_, UiError>((year, departments, regions?, names))
        }
    });
    // The title depends on the address only: it paints before the figures arrive.
    let title = move || match year() {
        Some(year) => format!("Tableau de bord territorial — campagne {year}"),
        None => "Tableau de bord territorial".to_owned(),
    };
    view! {
        <h1>{title}</h1>
        <Transition fallback=|| view! { <p role="status">"Chargement du tableau de bord…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((year, departments, regions, names)) => {
                        let categories = departments.categories.clone();
                        view! {
                            <div data-testid="territory-page">
                                <h2>"Complétude et validation par département"</h2>
                                {progress_table(departments)}
                                <h2 class="fr-mt-4w">"Classement des régions par complétude"</h2>
                                {region_ranking(regions)}
                                <h2 class="fr-mt-4w">"Indicateurs des structures"</h2>
                                <Structures year categories names/>
                            </div>
                        }.into_any()
                    }
                    Err(error) => error_alert(&error).into_any(),
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

/// Rows of the structures' table on one page: a region's hundreds of structures are sorted and filtered
/// whole, and drawn a page at a time (drawing them all blocked a slow PC's page for a second).
pub const PER_PAGE: u32 = 20;

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
fn Structures(year: i32, categories: Vec<CategoryCount>, names: Names) -> impl IntoView {
    // The category with the most structures (the first in the catalogue's order on a tie), so that the
    // first view compares like with like.
    let first = categories
        .iter()
        .fold(None::<&CategoryCount>, |best, c| match best {
            Some(b) if b.structures >= c.structures => Some(b),
            _ => Some(c),
        })
        .map(|c| c.code.clone())
        .unwrap_or_default();
    // Options in the order of their labels.
    let mut category_options: Vec<(String, String)> =
        categories.into_iter().map(|c| (c.code, c.label)).collect();
    category_options.sort_by(|a, b| a.1.cmp(&b.1));
    let mut department_options: Vec<(String, String)> = names
        .departments
        .iter()
        .map(|(code, name)| (code.clone(), name.clone()))
        .collect();
    department_options.sort_by(|a, b| a.1.cmp(&b.1));
    let names = StoredValue::new(names);
    let category = RwSignal::new(first);
    let department = RwSignal::new(String::new());
    let sort = RwSignal::new((Column::Name, true));
    // The page shown, from 1; back to the first when the filters or the order change.
    let page = RwSignal::new(1_u32);
    let export_status = RwSignal::new(None::<Result<(), UiError>>);
    let exporting = RwSignal::new(false);
    // The rows of the category shown (every structure for « Toutes les catégories »), fetched when it
    // changes: a region's whole table is hundreds of kilobytes the first view does not need.
    let query = move || filter_query(&category.get(), "");
    let table = LocalResource::new(move || {
        let query = query();
        async move {
            let table = api::indicator_table(year, &query).await?;
            Ok::<_, UiError>((query, Arc::new(table)))
        }
    });
    // The last table fetched (the previous category's while the next one is on its way).
    let loaded = move || table.get().and_then(Result::ok).map(|(_, table)| table);
    let failed = move || table.get().and_then(Result::err);
    let pending = move || match table.get() {
        None => true,
        Some(Ok((fetched, _))) => fetched != query(),
        Some(Err(_)) => false,
    };

    let shown_rows = Memo::new(move |_| {
        let (category, department) = (category.get(), department.get());
        let (column, ascending) = sort.get();
        let mut list: Vec<IndicatorRow> = loaded().map_or_else(Vec::new, |table| {
            table
                .rows
                .iter()
                .filter(|r| category.is_empty() || r.category == category)
                .filter(|r| department.is_empty() || r.department == department)
                .cloned()
                .collect()
        });
        list.sort_by(|a, b| compare(a, b, &column, ascending).then_with(|| a.finess.cmp(&b.finess)));
        list
    });
    let meta = move || PageMeta {
        total: shown_rows.with(Vec::len) as u64,
        page: page.get(),
        per_page: PER_PAGE,
    };
    let page_rows = Memo::new(move |_| {
        let skip = (page.get().max(1) - 1) as usize * PER_PAGE as usize;
        shown_rows.with(|rows| {
            rows.iter()
                .skip(skip)
                .take(PER_PAGE as usize)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    // Columns with at least one value among the rows shown (a category's own indicators).
    let shown_columns = Memo::new(move |_| {
        let list = shown_rows.get();
        loaded().map_or_else(Vec::new, |table| {
            table
                .columns
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
                page.set(1);
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
        <p class="fr-text--sm">{move || loaded().map(|t| frozen_notice(t.frozen_at.as_deref()))}</p>
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
            <div class="fr-col-12 fr-col-md-4 fr-select-group">
                <label class="fr-label" for="filter-category">"Catégorie"</label>
                <select class="fr-select" id="filter-category" data-testid="filter-category"
                    on:change=move |ev| { page.set(1); category.set(event_target_value(&ev)); }>
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
                    on:change=move |ev| { page.set(1); department.set(event_target_value(&ev)); }>
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
        {move || failed().map(|error| error_alert(&error))}
        {move || pending().then(|| view! {
            <p class="tdb-loading" role="status" aria-busy="true">"Chargement des structures…"</p>
        })}
        <div class="fr-table fr-table--no-scroll tdb-wide-table" data-testid="structures-table">
            <table>
                <caption>{move || {
                    let meta = meta();
                    let pages = page_count(meta.total, meta.per_page);
                    let shown = if pages > 1 { format!(", page {} sur {pages}", meta.page) } else { String::new() };
                    format!("Structures du périmètre ({}{shown}) — cliquez sur un en-tête pour trier", meta.total)
                }}</caption>
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
                        page_rows.get().into_iter().map(|r| {
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
        {move || pager(meta(), "Pages des structures du périmètre", Callback::new(move |p| page.set(p)))}
    }
}
