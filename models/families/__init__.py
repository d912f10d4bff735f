"""One module per rule family of the siting MIP; `models.registry` lists them.

A family module holds the `add_<family>` functions that state the family's rows in a built
model, or, for the red line and proximity, which act through the sparse index sets, the
eligibility arithmetic that `models.index.derive_index` applies.
"""
