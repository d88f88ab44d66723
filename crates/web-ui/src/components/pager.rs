//! The DSFR pagination of a paged list of the API (`fr-pagination`): « Page précédente »,
//! « Page n sur m », « Page suivante ». (The conditions of `disabled` are in braces: a bare `>=` in
//! `view!` ends the tag.)

use leptos::prelude::*;
use tdb_domain::contract::PageMeta;

/// Number of pages of `total` items (at least 1).
pub fn page_count(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page.max(1))).max(1)
}

/// The pagination of the page `meta` describes, named `label` for assistive technologies; nothing when
/// everything fits on one page. `go` receives the page asked for.
pub fn pager(meta: PageMeta, label: &'static str, go: Callback<u32>) -> AnyView {
    let pages = page_count(meta.total, meta.per_page);
    let page = u64::from(meta.page);
    if pages <= 1 {
        return ().into_any();
    }
    view! {
        <nav role="navigation" class="fr-pagination" aria-label=label data-testid="pager">
            <ul class="fr-pagination__list">
                <li>
                    <button type="button" class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
                        data-testid="pager-prev" disabled={page <= 1}
                        on:click=move |_| go.run(meta.page.saturating_sub(1))>"Page précédente"</button>
                </li>
                <li><span class="fr-pagination__link" aria-current="page" data-testid="pager-current">
                    {format!("Page {page} sur {pages}")}
                </span></li>
                <li>
                    <button type="button" class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                        data-testid="pager-next" disabled={page >= pages}
                        on:click=move |_| go.run(meta.page + 1)>"Page suivante"</button>
                </li>
            </ul>
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_a_total() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(41, 20), 3);
    }
}
