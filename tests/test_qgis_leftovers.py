"""The print layouts of plan.qgs and compare.qgs as QGIS 3.22 draws them: every lake of the red
line drawn and named, every source named (with a leader where it stands out of a crowd, or said
to be unnamed in the layout's note), each run's sheet in compare.qgs showing the layers its
plan.qgs shows, in the same styles; and the hubs' label texts said once.

On the shipped scenario's plan.qgs QGIS drew the Fuxian and Xingyun lakes but left their names
out: its label engine placed them, at low priority, only inside each lake, and every such
position lay on a site's or a source's name or under a site's mark. The copper smelter's and
the Haikou phosphate mines' names were left out for want of a free position within 15 mm, with
nothing on the sheet saying so. compare.qgs's sheets showed a run's sites, clusters and red line
only: no hubs, no flows, no sources.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver import styles
from siting.deliver.layer import make_layer, read_layer
from siting.deliver.qgisproject import (
    COMPARE_ORDER,
    SOURCE_FAR_STEPS_MM,
    SOURCE_LABEL_STEPS_MM,
    SOURCE_NARROW_WRAP,
    layout_label_spots,
    layout_note,
    plan_layer_id,
    plan_layout_extent,
    project_text,
    unnamed_note,
)
from siting.deliver.styles import WATER, hub_label_expression, hub_label_texts, redline_colour, sites_style
from tests.conftest import MadeRun, plan_layout_spots

PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsLayoutItemMap, QgsMapRendererSequentialJob, QgsProject,
                       QgsRenderedFeatureHandlerInterface)
from qgis.PyQt.QtCore import QSizeF

class Drawn(QgsRenderedFeatureHandlerInterface):
    """The features a map draws: (their layer's fields, id)."""
    def __init__(self):
        super().__init__()
        self.seen = set()
    def handleRenderedFeature(self, feature, geometry, context):
        self.seen.add((",".join(feature.fields().names()), str(feature["id"])))
    def usedAttributes(self, layer, context):
        return {"id"}

app = QgsApplication([], False)
app.initQgis()
result = {}
for path in sys.argv[1:]:
    project = QgsProject.instance()
    project.read(path)
    layers = project.mapLayers()
    for layout in project.layoutManager().printLayouts():
        frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
        handler = Drawn()
        settings = frame.mapSettings(frame.extent(), QSizeF(600, 550), 48, True)
        settings.addRenderedFeatureHandler(handler)
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        drawn = {}
        for layer in settings.layers():
            fields = ",".join(layer.fields().names())
            drawn[layer.id()] = sorted(i for f, i in handler.seen if f == fields)
        labels = []
        for label in job.takeLabelingResults().allLabels():
            if label.isDiagram or not label.labelText:
                continue
            box = label.labelRect
            labels.append([label.layerID, str(layers[label.layerID].getFeature(label.featureId)["id"]),
                           label.labelText, label.isUnplaced,
                           [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()]])
        note = next((i.text() for i in layout.items() if getattr(i, "id", lambda: "")() == "note"), None)
        result[f"{os.path.basename(path)}:{layout.name()}"] = {"drawn": drawn, "labels": labels, "note": note,
            "layers": [layer.id() for layer in settings.layers()]}
    project.clear()
print(json.dumps(result))
app.exitQgis()
'''


@pytest.fixture(scope="module")
def drawn(qgis: None, shipped_first_node_run: MadeRun, small_compare_run: MadeRun,  # noqa: F811
          tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each print layout of the shipped plan.qgs (stopped after its first node) and of the small
    comparison's compare.qgs as QGIS 3.22 draws it ("plan.qgs:Plan", "compare.qgs:b", ...): the
    features its map draws by layer id (their `id`s), its labels (layer id, feature id, text,
    unplaced, box in map units), its note's text (None without one) and the layers it draws."""
    folder = tmp_path_factory.mktemp("leftovers")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder / "xdg")}
    (folder / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(shipped_first_node_run.out / "plan.qgs"),
                           str(small_compare_run.out / "compare.qgs")],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def placed(labels: list, layer_id: str) -> dict[str, str]:
    """The labels QGIS drew of the layer `layer_id`: feature id -> text (lines joined by spaces)."""
    return {feature: text.replace("\n", " ") for layer, feature, text, unplaced, _box in labels
            if layer == layer_id and not unplaced}


def overlaps(labels: list, layer_id: str) -> list[tuple[str, str]]:
    """The pairs of drawn labels whose boxes overlap, one of them of the layer `layer_id`."""
    boxes = {(layer, feature, text): box for layer, feature, text, unplaced, box in labels if not unplaced}
    found = []
    keys = sorted(boxes)
    for n, a in enumerate(keys):
        for b in keys[n + 1:]:
            if layer_id in (a[0], b[0]):
                one, two = boxes[a], boxes[b]
                if not (one[2] <= two[0] or two[2] <= one[0] or one[3] <= two[1] or two[3] <= one[1]):
                    found.append((a[2], b[2]))
    return found


def test_qgis_draws_and_names_every_lake_of_the_plan_s_layout(drawn: dict, shipped_first_node_run: MadeRun):
    """The shipped plan's layout draws the five plateau lakes of its red line (Dianchi, Fuxian,
    Xingyun, Qilu, Yangzonghai) and names each it finds room for, over no other name: the layout
    places the water names itself (`layout_label_spots`), as it does the sites', the hubs' and
    the sources'. QGIS's own placement, inside each lake at low priority, left Fuxian (抚仙湖)
    and Xingyun (星云湖) unnamed. The lakes are named after the sites and the hubs but before
    the sources, whose names would otherwise take their room (the Haikou phosphate mines' took
    Fuxian's, and with Anning Qilin's name over Dianchi, left Dianchi and Fuxian unnamed): on the
    current plan, the names keeping off the eligible sites' dots too (Anning Qilin's name then
    left of its moved pie), Dianchi, Fuxian and Yangzonghai are named beside their points, and
    Xingyun (beside Jiangchuan's dot) and Qilu (under Tonghai county's pie and name) farther out,
    with a leader to their shore (tests/test_lake_leader_shore.py). All five are named; the
    layout's note lists no lake."""
    redline = read_layer(shipped_first_node_run.out / "redline.geojson")
    frame = redline.frame
    lakes = {i: name for i, name, category in zip(frame["id"], frame["name"], frame["category"], strict=True)
             if redline_colour(category) == WATER}
    assert sorted(lakes) == ["dianchi", "fuxian", "qilu", "xingyun", "yangzonghai"]
    found = drawn["plan.qgs:Plan"]
    layer = plan_layer_id("redline")
    assert set(lakes) <= set(found["drawn"][layer])
    _layers, spots = plan_layout_spots(shipped_first_node_run.out)
    assert sorted(spots.lakes) == ["dianchi", "fuxian", "qilu", "xingyun", "yangzonghai"]
    assert {i: spot.leader for i, spot in spots.lakes.items()} == {
        "dianchi": False, "fuxian": False, "qilu": True, "xingyun": True, "yangzonghai": False}
    assert not [name for name in spots.unnamed if name.endswith(" (lake)")]
    assert " (lake)" not in found["note"]
    assert placed(found["labels"], layer) == {i: lakes[i] for i in spots.lakes}
    assert overlaps(found["labels"], layer) == []


def test_qgis_names_the_plan_s_sources_or_says_which_it_leaves_out(drawn: dict, shipped_first_node_run: MadeRun):
    """The shipped plan's layout moves Anning Qilin's pie aside, south of Caopu's, as map.png
    does (tests/test_qgis_pies_aside.py); its pie and name, and the lakes' names (named before
    the sources), then take the room about the Anning sites where the copper smelter's and the
    Haikou phosphate mines' names stood: those two, and the Xiaoshiqiao lithium's (where Anning
    Qilin's name stands, left of its pie, its names keeping off the eligible sites' dots by
    Dianchi), find no free position, in their plain block or the narrower one
    (SOURCE_NARROW_WRAP); nor does Yimen's copper deposit's, under Yimen county's pie (its spot
    above left of it, on an earlier plan, now too near that larger pie; farther out its leader
    would cross a site's name: tests/test_layout_leaders_uncrossed.py). The four are listed in
    the layout's note, not drawn over another name. Every other source is named in its plain
    block, with a leader: the Kunyang phosphate mine's at a site name's sixth ring, the Anning
    phosphate deposits' and the Anning refinery's petroleum coke's at its fourth, the Zhanyi
    aluminium park's at its third and the Wenshan manganese's at its second. QGIS draws exactly
    the names placed, over no other name, and the note the layout lists."""
    out = shipped_first_node_run.out
    layers, spots = plan_layout_spots(out)
    frame = layers["sources"].frame
    names = dict(zip(frame["id"], frame["name"], strict=True))
    crowded = ("copper_southwest_smelter", "copper_yimen", "lithium_xiaoshiqiao", "phosphate_haikou")
    assert sorted(set(names) - set(spots.sources)) == list(crowded)
    assert sorted(spots.unnamed) == sorted(f"{names[i]} (source)" for i in crowded)
    assert [i for i, spot in spots.sources.items() if spot.wrap_chars] == []
    assert (SOURCE_NARROW_WRAP, SOURCE_FAR_STEPS_MM) == (16, (35.0,))
    for source, ring in (("phosphate_kunyang", 5), ("phosphate_anning", 3), ("petcoke_anning_refinery", 3),
                         ("aluminium_zhanyi", 2), ("manganese_wenshan", 1)):
        spot = spots.sources[source]
        assert (spot.leader, spot.wrap_chars) == (True, 0), source
        assert math.hypot(*spot.offset_mm) == pytest.approx(spot.anchor_mm + SOURCE_LABEL_STEPS_MM[ring],
                                                            abs=0.02), source
    found = drawn["plan.qgs:Plan"]
    assert placed(found["labels"], plan_layer_id("sources")) == {i: names[i] for i in spots.sources}
    assert overlaps(found["labels"], plan_layer_id("sources")) == []
    assert found["note"] == layout_note(spots) != ""
    assert found["note"].endswith(unnamed_note(spots.unnamed))


def crowded_layers() -> list:
    """A built site of 1 bn yuan capex at the centre of a 2 x 2 km view with two sources beside
    it and a red line of two lakes east of it, one source and one lake of a name of one word
    wider than the map: they find no free position."""
    sites = make_layer("sites", "Sites", gpd.GeoDataFrame(
        {"id": ["s"], "name": ["Site s"], "status": ["built"], "capex_yuan": [1e9], "added_lfp": [1.0]},
        geometry=[shapely.Point(500_000, 2_700_000)], crs="EPSG:32648").to_crs("EPSG:4326"),
        ["id", "name", "status", "capex_yuan", "added_lfp"])
    sources = make_layer("sources", "Sources", gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["Aa", "Unbreakable" * 40],
         "resource": ["copper", "copper"], "supply_t_per_yr": [1.0, 2.0]},
        geometry=[shapely.Point(500_000, 2_700_000), shapely.Point(500_010, 2_700_000)],
        crs="EPSG:32648").to_crs("EPSG:4326"), ["id", "name", "resource", "supply_t_per_yr"])
    redline = make_layer("redline", "Red line", gpd.GeoDataFrame(
        {"id": ["l1", "l2"], "name": ["Small lake", "Waterless" * 40], "category": ["lake", "lake"],
         "used": [True, True], "buffer_m": [100.0, 100.0], "max_distance_m": [100.0, 100.0]},
        geometry=[shapely.box(500_500, 2_700_500, 500_700, 2_700_700), shapely.box(500_500, 2_699_300, 500_700,
                                                                                  2_699_500)],
        crs="EPSG:32648").to_crs("EPSG:4326"), ["id", "name", "category", "used", "buffer_m", "max_distance_m"])
    return [sites, sources, redline]


def test_a_source_or_lake_left_unnamed_is_said_so_in_the_layout_s_note():
    """Where a source's or a lake's name finds no free position, the layout leaves it out and its
    note says so, by name and kind (`unnamed_note`), in the order placed (the lakes before the
    sources): a sheet does not drop a name silently. The other lake's name stands over it,
    centred (quadrant 4, no offset)."""
    sites, sources, redline = crowded_layers()
    extent = (499_000.0, 2_699_000.0, 501_000.0, 2_701_000.0)
    spots = layout_label_spots([sites, sources, redline], sites_style(sites), "EPSG:32648",
                               *plan_layout_extent(extent))
    source, lake = sources.frame["name"][1], redline.frame["name"][1]
    assert spots.unnamed == (f"{lake} (lake)", f"{source} (source)")
    assert sorted(spots.sources) == ["a"]
    assert spots.lakes == {"l1": styles.LabelSpot((0.0, 0.0), 4)}
    note = unnamed_note(spots.unnamed)
    assert note == f"Not named on this map for want of room:\n{lake} (lake)\n{source} (source)"
    styles_ = {"sites": sites_style(sites), "sources": styles.sources_style(sources, ["copper"]),
               "redline": styles.redline_style(redline)}
    root = ET.fromstring(project_text([sites, sources, redline], styles_, "t", "EPSG:32648", extent).split("\n", 1)[1])
    notes = [item.get("labelText") for item in root.iter("LayoutItem") if item.get("id") == "note"]
    assert notes == [note]


def kinds(root: ET.Element, suffix: str) -> list[str]:
    """The kinds of a project's layers (the first part of their ids, before `suffix`), in order."""
    return [node.findtext("id", "").removesuffix(suffix) for node in root.findall("projectlayers/maplayer")]


def test_compare_layouts_show_each_run_s_layers_as_its_plan_does(drawn: dict, small_compare_run: MadeRun):
    """Each run's sheet in compare.qgs draws the layers its plan.qgs draws (its hubs, product
    flows, raw-material flows and sources among them, which it left out), in the same order and
    styles (each layer's renderer as in the run's plan.qgs; the sites' on the comparison's one
    capex scale), the compared run's changes over them; and QGIS draws its hubs and sources and
    names them."""
    out = small_compare_run.out
    compare = ET.parse(out / "compare.qgs").getroot()
    by_id = {node.findtext("id"): node for node in compare.findall("projectlayers/maplayer")}
    for label, sub in (("small", "small"), ("b", "b")):
        plan = ET.parse(out / sub / "plan.qgs").getroot()
        plan_kinds = [kind.removesuffix("_plan") for kind in kinds(plan, "_layer") if kind != "context"]
        assert {"hubs", "sources", "flows", "product_flows"} <= set(plan_kinds)
        theme = next(t for t in compare.iter("visibility-preset") if t.get("name", "").startswith(label))
        shown = [layer.get("id", "") for layer in theme.findall("layer") if layer.get("visible") == "1"]
        own = [i.removesuffix(f"_{sub}_layer") for i in shown if i.endswith(f"_{sub}_layer")]
        assert sorted(own) == sorted([*plan_kinds, *(["diff"] if sub == "b" else [])])
        assert sorted(own, key=COMPARE_ORDER.index) == [k for k in COMPARE_ORDER if k in own]
        for kind in plan_kinds:
            if kind == "sites":
                continue
            ours = ET.tostring(by_id[f"{kind}_{sub}_layer"].find("renderer-v2"), encoding="unicode")
            theirs = ET.tostring(next(n for n in plan.findall("projectlayers/maplayer")
                                      if n.findtext("id") == plan_layer_id(kind)).find("renderer-v2"),
                                 encoding="unicode")
            assert ours == theirs, kind
        found = drawn[f"compare.qgs:{theme.get('name')}"]
        hubs = read_layer(out / sub / "hubs.geojson").frame
        sources = read_layer(out / sub / "sources.geojson").frame
        assert found["drawn"][f"hubs_{sub}_layer"] == sorted(hubs["id"])
        assert found["drawn"][f"sources_{sub}_layer"] == sorted(sources["id"])
        texts = hub_label_texts(read_layer(out / sub / "hubs.geojson"))
        assert placed(found["labels"], f"hubs_{sub}_layer") == {i: t.replace("\n", " ") for i, t in texts.items() if t}
        named = placed(found["labels"], f"sources_{sub}_layer")
        noted = (found["note"] or "").split("\n")
        assert named and all(f"{name} (source)" in noted for i, name in zip(sources["id"], sources["name"], strict=True)
                             if i not in named)


def test_the_hubs_label_expression_says_what_hub_label_texts_says(monkeypatch: pytest.MonkeyPatch):
    """The hubs' labels are worked out once, by `hub_label_texts` (which a gateway at a hub shares
    its label): the label expression of the hubs style gives each hub whose label is not its
    plain name that text, and blanks what it blanks."""
    frame = gpd.GeoDataFrame({"id": ["h1", "h2", "g"], "kind": ["hub", "hub", "gateway"],
                              "name": ["One", "Two", "Gate"]},
                             geometry=[shapely.Point(102.0, 25.0), shapely.Point(103.0, 25.0),
                                       shapely.Point(104.0, 25.0)], crs="EPSG:4326")
    layer = make_layer("hubs", "Hubs", frame, ["id", "kind", "name"])
    monkeypatch.setattr(styles, "hub_label_texts", lambda _layer: {"h1": "One", "h2": "Two\n(hub and port)", "g": ""})
    assert hub_label_expression(layer) == (
        "CASE WHEN \"id\" = 'h2' THEN 'Two' || '\\n' || '(hub and port)' WHEN \"kind\" = 'gateway' THEN '' "
        "ELSE \"name\" END")
