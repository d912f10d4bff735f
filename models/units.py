"""Units shared by the rows of the formulation."""

#: Money enters constraint rows and the objective in million yuan: yuan figures reach 1e11
#: (output-value targets), which HiGHS's tolerances cannot handle well. Cost expressions and
#: reported figures stay in yuan.
MONEY_UNIT_YUAN = 1e6
