"""Stage 4, delivery: turn a solved plan into files: typed output layers, GeoJSON, GeoPackage,
QGIS styles and project, the map, CSV and Markdown tables, the manifest and the report, written
into an output folder all at once and only where the run may write."""
