//! Table definitions shared by both backends (common SQL type subset only).

diesel::table! {
    /// French regions (INSEE codes).
    regions (code) {
        /// INSEE region code.
        code -> Text,
        /// Official name.
        name -> Text,
    }
}

diesel::table! {
    /// French departments (INSEE codes).
    departments (code) {
        /// INSEE department code.
        code -> Text,
        /// Official name.
        name -> Text,
        /// Region of the department.
        region_code -> Text,
    }
}

diesel::joinable!(departments -> regions (region_code));
diesel::allow_tables_to_appear_in_same_query!(regions, departments);
