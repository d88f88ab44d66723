//! The values of one form, one slot per catalogue item, validated on the way in.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::validate::{unknown_item, validate_json, validate_typed};
use super::{Value, ValueError};
use crate::catalogue::{Catalogue, Layout};

/// What a slot holds, for the engine (kept beside the values so evaluation reads two small arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    Empty,
    SansObjet,
    Value,
}

/// The values of one form: one slot per catalogue item, `None` when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct FormValues {
    layout: Arc<Layout>,
    slots: Vec<Option<Value>>,
    /// Per slot: empty, sans objet or a value.
    pub(crate) kinds: Vec<SlotKind>,
    /// Per slot: the number the value stands for in expressions (0 when empty).
    pub(crate) numbers: Vec<f64>,
}

impl FormValues {
    /// An empty form for the items of `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Self {
        let n = catalogue.items().len();
        Self {
            layout: Arc::clone(&catalogue.layout),
            slots: vec![None; n],
            kinds: vec![SlotKind::Empty; n],
            numbers: vec![0.0; n],
        }
    }

    fn put(&mut self, index: usize, value: Option<Value>) {
        let (kind, number) = match &value {
            None => (SlotKind::Empty, 0.0),
            Some(Value::SansObjet) => (SlotKind::SansObjet, 0.0),
            Some(v) => (SlotKind::Value, v.number()),
        };
        self.kinds[index] = kind;
        self.numbers[index] = number;
        self.slots[index] = value;
    }

    /// Validates every value; fails with every rejected item (unknown codes included), in code order.
    pub fn from_json(
        catalogue: &Catalogue,
        values: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Self, Vec<ValueError>> {
        let (form, errors) = Self::from_json_lenient(catalogue, values);
        if errors.is_empty() { Ok(form) } else { Err(errors) }
    }

    /// Validates every value, keeping the valid ones; rejected values are left empty and returned.
    pub fn from_json_lenient(
        catalogue: &Catalogue,
        values: &BTreeMap<String, serde_json::Value>,
    ) -> (Self, Vec<ValueError>) {
        let mut form = Self::new(catalogue);
        let mut errors = Vec::new();
        for (code, json) in values {
            let Some(index) = catalogue.item_index(code) else {
                errors.push(unknown_item(code));
                continue;
            };
            match validate_json(&catalogue.items()[index], json) {
                Ok(value) => form.put(index, value),
                Err(e) => errors.push(e),
            }
        }
        (form, errors)
    }

    /// Sets (or, with `None`, empties) one item after validating the value; `unknown_item` when the code
    /// is not an item of the catalogue this form was made for.
    pub fn set(&mut self, catalogue: &Catalogue, code: &str, value: Option<Value>) -> Result<(), ValueError> {
        let index = catalogue
            .item_index(code)
            .filter(|_| self.layout == catalogue.layout);
        let index = index.ok_or_else(|| unknown_item(code))?;
        if let Some(v) = &value {
            validate_typed(&catalogue.items()[index], v)?;
        }
        self.put(index, value);
        Ok(())
    }

    /// The value of an item, if any.
    pub fn get(&self, code: &str) -> Option<&Value> {
        let index = self.layout.codes.iter().position(|c| &**c == code)?;
        self.slots[index].as_ref()
    }

    /// The non-empty values, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.layout
            .codes
            .iter()
            .zip(&self.slots)
            .filter_map(|(c, v)| Some((&**c, v.as_ref()?)))
    }

    /// Number of non-empty values.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// True when no item has a value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// These values in the layout of `catalogue`; values of items it does not have are dropped.
    pub(crate) fn in_layout_of(&self, catalogue: &Catalogue) -> Cow<'_, FormValues> {
        if Arc::ptr_eq(&self.layout, &catalogue.layout) || *self.layout == *catalogue.layout {
            return Cow::Borrowed(self);
        }
        let mut form = Self::new(catalogue);
        for (code, value) in self.layout.codes.iter().zip(&self.slots) {
            if let (Some(i), Some(v)) = (catalogue.item_index(code), value) {
                form.put(i, Some(v.clone()));
            }
        }
        Cow::Owned(form)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::catalogue::catalogue_for;
    use crate::contract::ValueErrorCode;

    #[test]
    fn form_values_report_every_bad_item() {
        let cat = catalogue_for(2024).unwrap();
        let input: BTreeMap<String, serde_json::Value> = [
            ("admissions".to_owned(), json!(3)),
            ("zzz".to_owned(), json!(1)),
            ("sorties_deces".to_owned(), json!(-2)),
        ]
        .into_iter()
        .collect();
        let errors = FormValues::from_json(cat, &input).unwrap_err();
        let items: Vec<_> = errors.iter().map(|e| (e.item.as_str(), e.code)).collect();
        assert_eq!(
            items,
            vec![
                ("sorties_deces", ValueErrorCode::Negative),
                ("zzz", ValueErrorCode::UnknownItem)
            ]
        );
        let (form, _) = FormValues::from_json_lenient(cat, &input);
        assert_eq!(form.get("admissions"), Some(&Value::Number(3.0)));
        assert_eq!(form.len(), 1);
    }

    #[test]
    fn typed_values_are_checked_too() {
        let cat = catalogue_for(2024).unwrap();
        let mut form = FormValues::new(cat);
        assert!(form.set(cat, "admissions", Some(Value::Number(4.0))).is_ok());
        assert_eq!(
            form.set(cat, "admissions", Some(Value::Bool(true)))
                .unwrap_err()
                .code,
            ValueErrorCode::WrongType
        );
        assert_eq!(
            form.set(cat, "gmp_valide", Some(Value::Number(1200.0)))
                .unwrap_err()
                .code,
            ValueErrorCode::OutOfBounds
        );
        assert_eq!(
            form.iter().collect::<Vec<_>>(),
            vec![("admissions", &Value::Number(4.0))]
        );
    }

    #[test]
    fn values_move_to_another_layout_by_code() {
        let cat = catalogue_for(2024).unwrap();
        let mut doc = cat.document().clone();
        doc.items.retain(|i| i.code != "statut_juridique");
        let other = Catalogue::from_json(serde_json::to_string(&doc).unwrap()).unwrap();
        let mut form = FormValues::new(cat);
        form.set(cat, "statut_juridique", Some(Value::Enum("public".into())))
            .unwrap();
        form.set(cat, "admissions", Some(Value::Number(7.0))).unwrap();
        assert!(matches!(
            form.in_layout_of(catalogue_for(2023).unwrap()),
            Cow::Borrowed(_)
        ));
        let moved = form.in_layout_of(&other);
        assert!(matches!(moved, Cow::Owned(_)));
        assert_eq!(
            moved.iter().collect::<Vec<_>>(),
            vec![("admissions", &Value::Number(7.0))]
        );
        let index = other.item_index("admissions").unwrap();
        assert_eq!((moved.kinds[index], moved.numbers[index]), (SlotKind::Value, 7.0));
        assert_eq!(
            form.set(&other, "admissions", None).unwrap_err().code,
            ValueErrorCode::UnknownItem,
            "a form only takes values through the catalogue it was made for"
        );
    }
}
