"""Stage 5, runs: the whole solve job from scenario file to output folder, and batches of runs
(compare, sweep) in a process pool or on Dask, with their comparison tables and plots."""
