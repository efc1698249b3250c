"""Pure rules of payments: methods and states, imputation to the books, RF references, statements, matching."""
