"""Stage 3, optimisation: build the model of a prepared problem, solve it with HiGHS, read the plan
back, and re-solve with rule families relaxed, both to name the rules behind an infeasible plan
and to price each rule."""
