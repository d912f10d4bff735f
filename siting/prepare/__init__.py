"""Stage 2, preparation: load the GIS layers a scenario names, check them against the scenario,
preprocess them in the working CRS (red-line zones, proximity, distances), and build the model's
inputs; the result is a `Prepared` problem ready to solve."""
