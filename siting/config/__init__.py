"""Stage 1, configuration: read a scenario and its technology catalog from YAML (bases it extends,
variants, `--set` overrides), validate them against the pydantic schema, check every reference
and HiGHS option, and report every problem at once as an `InputError` naming the file, line and key."""
