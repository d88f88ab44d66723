//! The table layouts of an export as rows of cells: `long` (`finess,item,value`), `wide` (`finess` then
//! one column per item code, catalogue order) and `regional` (see [`super::regional`]).

use tdb_domain::Catalogue;

use super::cells::Cell;
use super::{Layout, Plan, StructureData, regional};

/// Builds the rows of a table layout.
pub struct Table<'p> {
    plan: &'p Plan,
    items: Vec<&'p str>,
}

impl<'p> Table<'p> {
    /// The table of `plan` (its layout must be `long`, `wide` or `regional`).
    pub fn new(plan: &'p Plan) -> Self {
        let items = items(plan.catalogue);
        Self { plan, items }
    }

    /// The header line.
    pub fn header(&self) -> Vec<String> {
        match self.plan.request.layout {
            Layout::Long => ["finess", "item", "value"].map(str::to_owned).to_vec(),
            Layout::Regional => regional::header(),
            _ => std::iter::once("finess")
                .chain(self.items.iter().copied())
                .map(str::to_owned)
                .collect(),
        }
    }

    /// The lines of one structure (one line, or one per value in the long layout).
    pub fn rows(&self, data: StructureData<'_>, mut line: impl FnMut(Vec<Cell>)) {
        let finess = || Cell::Text(data.structure.finess.clone());
        match self.plan.request.layout {
            Layout::Long => {
                for (_, item, json, ..) in data.values {
                    line(vec![finess(), Cell::Text(item.clone()), Cell::of_json(json)]);
                }
            }
            Layout::Regional => line(regional::row(self.plan, data)),
            _ => {
                let mut row = Vec::with_capacity(self.items.len() + 1);
                row.push(finess());
                row.resize(self.items.len() + 1, Cell::Empty);
                for (_, item, json, ..) in data.values {
                    if let Some(index) = self.plan.catalogue.item_index(item) {
                        row[index + 1] = Cell::of_json(json);
                    }
                }
                line(row);
            }
        }
    }
}

/// Item codes in catalogue order.
fn items(catalogue: &Catalogue) -> Vec<&str> {
    catalogue.items().iter().map(|i| i.code.as_str()).collect()
}
