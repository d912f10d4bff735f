"""Checks after the geodata is loaded: references between scenario, catalog and layers, and
targets that cannot be reached even in principle (explained in domain terms before solving)."""

from __future__ import annotations

from models import ModelInputs, derive_index
from siting.config.load import LoadedScenario, shown_path, unknown_value
from siting.prepare.layers import LayerSet, close_match

#: How like a category of the red-line layer a category the scenario names must be for "did you
#: mean" (difflib's ratio, as `unknown_value` asks; or one edit apart: `close_match`).
SUGGESTION_LIKENESS = 0.6


def check_against_layers(loaded: LoadedScenario, layers: LayerSet, faulty: frozenset[str] = frozenset()
                         ) -> tuple[list[str], list[str]]:
    """Return (problems, notices) for ids the scenario names that the layers do not define.

    A proximity limit may name any resource of the catalog's `resources`; one on a resource no
    product draws is said in a notice, while the rule is on, since it limits nothing.

    `loaded` may be what passed of a scenario with problems (`siting.config.load.Salvage`): its
    mappings hold only the entries that passed the schema, so each is checked as it is. Nothing
    is checked against a layer in `faulty` (a layer with problems of its own: its ids are not
    known), so that no problem is a mere echo of one already reported."""
    c = loaded.scenario.constraints
    problems: list[str] = []
    if "clusters" not in faulty:
        problems += cluster_problems(loaded, layers)
    if "redline" not in faulty:
        problems += category_problems(loaded, layers)
    needed = sorted({r for p in loaded.catalog.products.values() for r, a in p.resources_t_per_unit.items() if a > 0})
    # A limit may name any resource the catalog defines; a resource a product draws without an
    # entry in the catalog's resources is the catalog's problem, never a name to suggest.
    defined = list(loaded.catalog.resources)
    for resource in c.proximity.max_distance_km:
        if resource not in defined:
            problems.append(unknown_value(*loaded.at("constraints", "proximity", "max_distance_km", resource),
                                          resource, defined, "resource"))
    if "sites" not in faulty:
        problems += committed_site_problems(loaded, layers)
    notices: list[str] = []
    for resource in c.proximity.max_distance_km:
        if resource in defined and resource not in needed and c.proximity.enabled:
            key = loaded.at("constraints", "proximity", "max_distance_km", resource)[1]
            notices.append(f"{key}: no product draws on '{resource}': the limit keeps nothing near its sources")
    if "sources" in faulty:  # which resources the sources offer is not known
        return problems, notices
    offered = set(layers.sources["resource"]) if len(layers.sources) else set()
    resources = loaded.catalog.resources
    for resource in needed:
        importable = resource in resources and resources[resource].import_price_yuan_per_t is not None
        if resource not in offered and not importable and c.supply.enabled:
            notices.append(f"no source in the sources layer offers '{resource}' and the catalog gives no import "
                           "price for it: products that need it cannot produce while the supply rule is on")
    return problems, notices


def cluster_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """Clusters named in lead_products and max_open_sites_per_cluster that the clusters layer does not define."""
    c = loaded.scenario.constraints
    clusters = list(dict.fromkeys(layers.clusters["id"]))  # a repeated id is the layer's problem, named once here
    problems = []
    for cluster in c.differentiation.lead_products:
        if cluster not in clusters:
            problems.append(unknown_value(*loaded.at("constraints", "differentiation", "lead_products", cluster),
                                          cluster, clusters, "cluster"))
    for cluster in c.agglomeration.max_open_sites_per_cluster:
        if cluster not in clusters:
            problems.append(unknown_value(*loaded.at("constraints", "agglomeration", "max_open_sites_per_cluster",
                                                     cluster), cluster, clusters, "cluster"))
    return problems


def category_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """Red-line categories named in setbacks_m and categories that the red-line layer does not hold.

    A category like one the layer holds (`SUGGESTION_LIKENESS`, or one edit apart: `close_match`)
    gets "did you mean" with the other way round beside it: the misspelling may be the layer's."""
    r = loaded.scenario.constraints.redline
    categories = sorted(set(layers.redline["category"])) if len(layers.redline) else []
    layer = shown_path(layers.paths["redline"]) if "redline" in layers.paths else "the red-line layer"

    def unknown(where: str, key: str, category: str) -> str:
        close = close_match(category, categories, SUGGESTION_LIKENESS)
        if close is None:
            return unknown_value(where, key, category, categories, "red-line category")
        return (f"{where}: {key} | unknown red-line category (got {category!r}); did you mean '{close}'? (if "
                f"'{close}' is the misspelling, correct it in {layer})")

    problems = []
    for product, by_category in r.setbacks_m.items():
        for category in by_category:
            if category not in categories:
                problems.append(unknown(*loaded.at("constraints", "redline", "setbacks_m", product, category),
                                        category))
    for category in r.categories or []:
        if category not in categories:
            problems.append(unknown(*loaded.at("constraints", "redline", "categories"), category))
    return problems


def committed_site_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """A committed project at a site the sites layer does not define, named at its file and line."""
    site_ids = list(dict.fromkeys(layers.sites["id"])) if "id" in layers.sites.columns else []
    committed = loaded.committed
    return [unknown_value(committed.where(i), f"[{i}].site", project.site, site_ids, "site")
            for i, project in enumerate(committed.projects) if project.site not in site_ids]


def nothing_buildable(inputs: ModelInputs) -> str | None:
    """When no site can take a single module of any product, say so and name the exclusions
    (per site: the products excluded by the red line, by proximity and for lack of land, with
    counts per reason); None when something can be built."""
    index = derive_index(inputs)
    if index.build_pairs:
        return None
    if not inputs.SITES:
        return "nothing can be built: no candidate site lies inside a cluster"
    redline_on = "redline" in inputs.enabled_families
    proximity_on = "proximity" in inputs.enabled_families
    counts = {"red line": 0, "proximity": 0, "land": 0}
    lines = []
    for site in inputs.SITES:
        reasons: dict[str, list[str]] = {"red line": [], "proximity": [], "land": []}
        for product in inputs.PRODUCTS:
            if redline_on and (site, product) in inputs.REDLINE_EXCLUDED:
                reasons["red line"].append(product)
            elif proximity_on and (site, product) in inputs.PROXIMITY_EXCLUDED:
                reasons["proximity"].append(product)
            else:
                reasons["land"].append(product)
        parts = []
        for reason, products in reasons.items():
            if products:
                counts[reason] += 1
                parts.append(f"{reason} ({', '.join(products)})")
        lines.append(f"{site}: {'; '.join(parts)}")
    shown = lines[:20] + ([f"... and {len(lines) - 20} more sites"] if len(lines) > 20 else [])
    summary = ", ".join(f"{reason} at {n} site{'s' if n != 1 else ''}" for reason, n in counts.items() if n)
    if counts["land"]:
        summary += "; land: too little usable land for one module" + (" after the red line" if redline_on else "")
    return (f"nothing can be built: every candidate site is excluded for every product ({summary}):\n"
            + "\n".join(f"    {line}" for line in shown)
            + "\n    Relax constraints.redline or constraints.proximity, or add sites or usable land")
