//! Long lists drawn a few items per browser task: the first batch with the page, each next one in a
//! task of its own (`setTimeout(0)`), so that a slow PC paints the top of the page at once and stays
//! responsive (input, scrolling) while the rest is drawn, instead of freezing for the whole list.
//!
//! A page makes one [`Stagger`], hands it each of its lists ([`Stagger::list`]), then starts it
//! ([`Stagger::start`]); the signal it answers says when everything is drawn (the page's « ready »
//! marker for the browser tests).

use std::time::Duration;

use leptos::prelude::*;

/// The batches of the lists of one page, drawn one per task in the order they were handed over.
#[derive(Debug)]
pub struct Stagger {
    /// How many batches are drawn.
    drawn: RwSignal<usize>,
    /// How many batches there are.
    total: usize,
}

impl Default for Stagger {
    fn default() -> Self {
        Self::new()
    }
}

impl Stagger {
    /// A stagger with no list yet.
    pub fn new() -> Self {
        Self {
            drawn: RwSignal::new(0),
            total: 0,
        }
    }

    /// The view of `items`, `per_task` at a time: each batch appears in its turn (once, never drawn
    /// again when the next ones come).
    pub fn list<T, V>(
        &mut self,
        items: Vec<T>,
        per_task: usize,
        render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
    ) -> AnyView
    where
        T: Send + Sync + 'static,
        V: IntoView + 'static,
    {
        let drawn = self.drawn;
        let mut batches = Vec::new();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let batch: Vec<T> = items.by_ref().take(per_task.max(1)).collect();
            let index = self.total;
            self.total += 1;
            let batch = StoredValue::new(Some(batch));
            let shown = Memo::new(move |_| drawn.get() > index);
            let render = render.clone();
            batches.push(move || {
                shown.get().then(|| {
                    batch
                        .try_update_value(Option::take)
                        .flatten()
                        .map(|batch| batch.into_iter().map(render.clone()).collect_view())
                })
            });
        }
        batches.into_iter().collect_view().into_any()
    }

    /// Draws the first batch now and each next one in a task of its own; the signal turns true when
    /// every batch is drawn.
    pub fn start(self) -> Signal<bool> {
        let Self { drawn, total } = self;
        drawn.set(1);
        Effect::new(move || {
            if drawn.get() < total {
                set_timeout(move || drawn.update(|n| *n += 1), Duration::ZERO);
            }
        });
        Signal::derive(move || drawn.get() >= total)
    }
}
