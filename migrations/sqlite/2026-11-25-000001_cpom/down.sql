DROP TABLE cpom_committees;
DROP TABLE cpom_objective_values;
DROP TABLE cpom_objectives;
DROP TABLE cpom_action_sheets;
DROP TABLE cpom_perimeter;
DROP TABLE cpom_amendments;
DROP TABLE cpom_contracts;
