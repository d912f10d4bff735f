"""The scenario and technology-catalog schema: pydantic models, unknown keys rejected, numbers finite.

A number is never a boolean (YAML's true is not 1), and a yes/no setting is never a text or
a number (`Flag`: 'yes' or 1 is not true). A number written as text ('1000', '1e6') is read as the
number it spells (`number_text`, `whole_number_text`), as the JSON schema says. Every figure that
enters the model has an upper bound, shown as `maximum` in the JSON schema: MAX_YUAN (1e15) for
money, MAX_QUANTITY (1e12) for capacities, land, distances, ratios and targets; beyond them HiGHS's
tolerances cannot tell the plan's figures apart. `file_json_schema` gives the JSON schema of each
file (scenario, catalog, committed projects) for editors."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pyproj
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    TypeAdapter,
    field_validator,
    model_validator,
)
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from siting.config.urls import is_url, url_words

#: Largest money figure (yuan) and largest other figure (capacity, land, supply, distance,
#: ratio) that may enter the model: beyond them HiGHS's tolerances (about 1e-6 relative, 1e-9
#: absolute) cannot distinguish the figures of one plan, so a bigger value gives a wrong "optimal"
#: plan or none. Costs can be given in yuan up to 1e15 (a thousand trillion).
MAX_YUAN = 1e15
MAX_QUANTITY = 1e12
#: Names that become file and column names (scenario name, cell id prefix): the letters A-Z and a-z,
#: digits, _ . -
NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"


def not_yes_no(value: Any) -> Any:
    """Refuse a YAML boolean (true/false) where a number is wanted: Python counts it as 1 or 0."""
    if isinstance(value, bool):
        raise PydanticCustomError("bool_not_number", "must be a number, not true/false")
    return value


#: A number as YAML 1.2 writes it ('1000', '1.5e9', '-.5', '2E+2'), digits grouped by `_`
#: (1_000_000) as YAML 1.1 allows: the pattern of a number written as text (`NUMBER_TEXT`), and of
#: an unquoted float the scenario files are read with (siting/config/load.py `_Loader`: PyYAML
#: alone, on YAML 1.1, reads 1e3 or 1.5e1 as text, an editor on YAML 1.2 as a number).
_BLANKS = r"[ \t\n\r]*"
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
NUMBER = rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?"
#: A number written as text ('1000', '1.5e9', ' 0.5 '): read as the number it spells
#: (`number_text`); blanks (space, tab, line break) around it are dropped. The same pattern is the
#: JSON schema's `QuotedNumber` (`quoted_numbers`), so an editor takes the texts the loader takes.
NUMBER_TEXT = rf"^{_BLANKS}{NUMBER}{_BLANKS}$"
#: Text naming a number that is not finite (inf, -Infinity, nan): refused as such, not as no number.
NOT_FINITE_TEXT = rf"{_BLANKS}[+-]?(?:inf|infinity|nan){_BLANKS}"
#: A whole number written as text: digits with at most a fraction of zeros ('2024', '3.0'), or a
#: number with an exponent not below 0 ('1e3', '2.50E+2', '1.5e9'), which `whole_number_text`
#: takes when the number it spells is whole (250, not '2.5e0'); the JSON schema's
#: `QuotedWholeNumber`, which cannot tell the whole ones of the second kind apart.
WHOLE_NUMBER_TEXT = (rf"^{_BLANKS}[+-]?(?:{_DIGITS}(?:\.0*)?|(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})"
                     rf"[eE]\+?{_DIGITS}){_BLANKS}$")


def number_text(value: Any) -> Any:
    """`value`, where a number is wanted: a text of NUMBER_TEXT is the number it spells, one of
    NOT_FINITE_TEXT is left for the finite check to refuse ("finite_number"), any other text is
    refused as no number ("float_parsing"), a boolean too (`not_yes_no`), and a whole number of
    more digits than any float holds (a 1 and 400 zeros) as too large ("number_too_large"), not
    as no number."""
    value = not_yes_no(value)
    if isinstance(value, int) and abs(value) > sys.float_info.max:  # digits no float holds
        raise PydanticCustomError("number_too_large", "too large for a number")
    if isinstance(value, str) and not re.fullmatch(NOT_FINITE_TEXT, value, re.IGNORECASE):
        if not re.fullmatch(NUMBER_TEXT, value):
            raise PydanticCustomError("float_parsing", "Input should be a valid number, unable to parse string as a "
                                      "number")
        return float(value.replace("_", ""))
    return value


def whole_number_text(value: Any) -> Any:
    """`value`, where a whole number is wanted: a text of WHOLE_NUMBER_TEXT is the number it spells
    (exactly, '12345678901234567890' too) when that is whole ('2.50E+2': 250); one that is not
    ('2.5e0') is refused as a fraction ("int_from_float", as the unquoted 2.5 is), any other text
    as no whole number ("int_parsing"), a boolean too (`not_yes_no`)."""
    value = not_yes_no(value)
    if isinstance(value, str):
        if not re.fullmatch(WHOLE_NUMBER_TEXT, value):
            raise PydanticCustomError("int_parsing", "Input should be a valid integer, unable to parse string as an "
                                      "integer")
        number = Decimal(value.replace("_", "").strip(" \t\n\r"))
        if number.adjusted() >= 400:  # no int of a million digits
            return float(number)
        if number != number.to_integral_value():
            raise PydanticCustomError("int_from_float", "Input should be a valid integer, got a number with a "
                                      "fractional part")
        return int(number)
    return value


def too_large_message(limit: float) -> str:
    """What is wrong with a figure above MAX_YUAN or MAX_QUANTITY, and why."""
    what = "yuan is the largest money figure" if limit == MAX_YUAN else "is the largest quantity"
    return (f"must be at most {limit:g} ({limit:.0e} {what} the model takes): beyond it the solver's tolerances "
            "cannot tell the plan's figures apart").replace("e+", "e")


def share_example(value: float) -> str:
    """How a share is written for `value` given as a percent: "0.025 for 2.5 %"; for a value above
    100, which no percent share is, the example "e.g. 0.05 for 5 %"."""
    return f"{value / 100:g} for {value:g} %" if value <= 100 else "e.g. 0.05 for 5 %"


#: JSON Schema's words for pydantic's bounds (`Field(ge=...)` and the like). Pydantic writes its
#: own words (`ge`, ...) into the JSON schema for a bound it checks after a validator of ours
#: (`Number`, `Count`), which no editor reads: `BoundsJsonSchema` puts JSON Schema's in their place.
JSON_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}
#: The JSON Schema keywords of a lower bound and of an upper bound, each with whether it is exclusive.
LOWER_BOUNDS = {"minimum": False, "exclusiveMinimum": True}
UPPER_BOUNDS = {"maximum": False, "exclusiveMaximum": True}


def _tighter(lower: bool, candidate: tuple[float, bool], current: tuple[float, bool]) -> bool:
    """Whether the bound `candidate` (value, exclusive) refuses more than `current` does."""
    (value, exclusive), (held, held_exclusive) = candidate, current
    if value != held:
        return value > held if lower else value < held
    return exclusive and not held_exclusive


def bounded(node: dict[str, Any], keyword: str, value: float) -> dict[str, Any]:
    """`node`, a JSON schema, with the bound `keyword` (a JSON Schema word, or pydantic's: `ge`
    ...) at `value` added in place, keeping only the tightest lower and upper bound."""
    keyword = JSON_BOUNDS.get(keyword, keyword)
    lower = keyword in LOWER_BOUNDS
    kinds = LOWER_BOUNDS if lower else UPPER_BOUNDS
    candidate = (value, kinds[keyword])
    held = [(k, (node[k], kinds[k])) for k in kinds if k in node]
    if all(_tighter(lower, candidate, bound) for _, bound in held):
        for k, _ in held:
            del node[k]
        node[keyword] = value
    return node


def json_bounds(node: dict[str, Any]) -> dict[str, Any]:
    """`node`, a JSON schema, with pydantic's words for its bounds (`ge` ...) replaced, in place,
    by JSON Schema's (JSON_BOUNDS), the tightest of each side kept."""
    if node.get("type") in ("number", "integer"):
        for word in [word for word in JSON_BOUNDS if word in node]:
            bounded(node, word, node.pop(word))
    return node


#: The JSON schema of a number, and of a whole number, written as text, which the loader reads as
#: the number it spells (`number_text`, `whole_number_text`): each number of a file's schema
#: takes one beside itself (`quoted_numbers`).
QUOTED_NUMBERS: dict[str, dict[str, Any]] = {
    "number": {"QuotedNumber": {
        "type": "string", "pattern": NUMBER_TEXT, "title": "Number in quotes",
        "description": "A number written as text, e.g. '1000' or '1.5e9', read as the number it spells; its range is "
                       "checked when the file is loaded"}},
    "integer": {"QuotedWholeNumber": {
        "type": "string", "pattern": WHOLE_NUMBER_TEXT, "title": "Whole number in quotes",
        "description": "A whole number written as text, e.g. '2024' or '1e3', read as the number it spells; its range "
                       "is checked when the file is loaded"}},
}
#: The keywords of a number's own schema (its type and range), which go with it into an `anyOf`
#: beside its text (`quoted_numbers`); the others (title, description, default) stay outside.
NUMBER_KEYWORDS = frozenset({"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
#: Keywords whose value is data, not a schema.
DATA_KEYWORDS = frozenset({"default", "const", "enum", "examples"})


def _number_type(node: Any) -> str | None:
    """"number" or "integer" when `node` is the schema of a number of that type, else None."""
    kind = node.get("type") if isinstance(node, dict) else None
    return kind if isinstance(kind, str) and kind in QUOTED_NUMBERS else None


def quoted_numbers(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, a whole JSON schema, with each number beside the text of it the loader also reads
    (QUOTED_NUMBERS): `{type: number, minimum: 0}` becomes `anyOf: [{type: number, minimum: 0},
    {$ref: QuotedNumber}]`, a number among the branches of an `anyOf` gets its text as the next
    branch, and the definitions used are added to `$defs`."""
    used: set[str] = set()

    def quoted(kind: str) -> dict[str, str]:
        name = next(iter(QUOTED_NUMBERS[kind]))
        used.add(kind)
        return {"$ref": f"#/$defs/{name}"}

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        kind = _number_type(node)
        if kind is not None:
            number = {k: v for k, v in node.items() if k in NUMBER_KEYWORDS}
            return {"anyOf": [number, quoted(kind)], **{k: v for k, v in node.items() if k not in NUMBER_KEYWORDS}}
        made: dict[str, Any] = {}
        for key, value in node.items():
            if key in DATA_KEYWORDS:
                made[key] = value
            elif key in ("properties", "$defs"):
                made[key] = {name: walk(inner) for name, inner in value.items()}
            elif key == "anyOf":
                branches: list[Any] = []
                for branch in value:
                    kind = _number_type(branch)
                    branches += [branch, quoted(kind)] if kind is not None else [walk(branch)]
                made[key] = branches
            else:
                made[key] = walk(value)
        return made

    made = walk(schema)
    for kind in sorted(used):
        made.setdefault("$defs", {}).update(QUOTED_NUMBERS[kind])
    return made


class BoundsJsonSchema(GenerateJsonSchema):
    """Pydantic's JSON schema with every bound the models check in JSON Schema's words
    (`json_bounds`), and each number beside its text, which the loader reads as the number
    (`quoted_numbers`)."""

    def generate_inner(self, schema: Any) -> JsonSchemaValue:
        made = super().generate_inner(schema)
        return json_bounds(made) if isinstance(made, dict) else made

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        return quoted_numbers(super().generate(schema, mode))


@dataclass(frozen=True)
class Limit:
    """An upper limit on a number, checked after its type, refused with a message of its own
    (`refuse(value, limit)`), and shown in the JSON schema from the same figure: `maximum`, or
    `exclusiveMaximum` when the limit itself is refused (`inclusive` false)."""

    limit: float
    inclusive: bool
    refuse: Callable[[float, float], PydanticCustomError]

    def check(self, value: float) -> float:
        """`value` when within the limit; the error of `refuse` otherwise."""
        if value > self.limit or (value == self.limit and not self.inclusive):
            raise self.refuse(value, self.limit)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        made = handler(schema)
        return bounded(made, "maximum" if self.inclusive else "exclusiveMaximum", self.limit)


@dataclass(frozen=True)
class OffOrAtLeast:
    """A factor that is 0 (off) or at least `least`, checked after its type and its other bounds,
    a value between refused with the message of `refuse(value)`; shown in the JSON schema from the
    same figure: `anyOf: [{const: 0}, {type: number, minimum: <least>, ...}]`."""

    least: float
    refuse: Callable[[float], PydanticCustomError]

    def check(self, value: float) -> float:
        """`value` when 0 or at least `least`; the error of `refuse` otherwise."""
        if 0 < value < self.least:
            raise self.refuse(value)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        number = bounded(json_bounds(dict(handler(schema))), "minimum", self.least)
        return {"anyOf": [{"const": 0}, number]}


def _ceiling_below_one(value: float) -> PydanticCustomError:
    """PydanticCustomError "ceiling_below_one" for a capacity ceiling factor between 0 and 1."""
    return PydanticCustomError("ceiling_below_one", "must be 0 (no ceiling) or at least 1 (got {got}); a ceiling "
                               "below the target contradicts it", {"got": value})


#: A capacity ceiling factor: 0 (no ceiling) or at least 1 (a ceiling below the target contradicts it).
CEILING_FACTOR = OffOrAtLeast(1, _ceiling_below_one)


def _not_a_percent(kind: str, bound: str, value: float, limit: float) -> PydanticCustomError:
    return PydanticCustomError(kind, "must be {bound} {limit}: a share, not a percent (got {got}); give {example}",
                               {"bound": bound, "limit": f"{limit:g}", "got": f"{value:g}",
                                "example": share_example(value)})


def _share_above_one(value: float, limit: float) -> PydanticCustomError:
    """PydanticCustomError "share_above_one" for a share above 1, saying that a share is not a
    percent and how the share of that percent is written."""
    return _not_a_percent("share_above_one", "at most", value, limit)


def _share_not_below_one(value: float, limit: float) -> PydanticCustomError:
    """PydanticCustomError "share_not_below_one" for a share below 1 (a rate or a gap) given as 1
    or more, saying that a share is not a percent and how the share of that percent is written."""
    return _not_a_percent("share_not_below_one", "less than", value, limit)


#: A share is at most 1 (`Share`); a rate or a gap is less than 1 (`ShareBelowOne`).
AT_MOST_ONE = Limit(1, True, _share_above_one)
BELOW_ONE = Limit(1, False, _share_not_below_one)


def at_most_one(value: float) -> float:
    """`value`, a share (from 0 to 1); PydanticCustomError "share_above_one" when it is above 1,
    saying that a share is not a percent and how the share of that percent is written."""
    return AT_MOST_ONE.check(value)


def below_one(value: float) -> float:
    """`value`, a share below 1 (a rate or a gap); PydanticCustomError "share_not_below_one" when
    it is 1 or more, saying that a share is not a percent and how the share of that percent is
    written."""
    return BELOW_ONE.check(value)


def crs_label(crs: pyproj.CRS) -> str:
    """A CRS's name as people read it: pyproj's name ("WGS 84 / UTM zone 48N"); for a CRS given as
    a PROJ string or WKT without one (pyproj names it "unknown"), its projection's name ("UTM zone
    48N") or method ("Albers Equal Area"), and the ellipsoid or datum it stands on where that is
    known ("Albers Equal Area on Krassovsky, 1942"); "a CRS without a name" when none of these is."""
    if crs.name and crs.name.strip().lower() != "unknown":
        return crs.name
    def named(name: str | None) -> bool:  # PROJ says "unknown", or "Unknown based on GRS 1980 ellipsoid"
        return bool(name) and not str(name).strip().lower().startswith("unknown")

    operation = crs.coordinate_operation
    known = [name for name in ((operation.name, operation.method_name) if operation is not None else ())
             if named(name)]
    base = crs.datum.name if crs.datum is not None and named(crs.datum.name) else (
        crs.ellipsoid.name if crs.ellipsoid is not None and named(crs.ellipsoid.name) else "")
    if known:
        return f"{known[0]} on {base}" if base else known[0]
    return base or "a CRS without a name"


def projected_crs_in_metres(value: str) -> pyproj.CRS:
    """The working CRS `value` names: one pyproj knows, projected, with axes in metres (areas in
    ha, distances in km). ValueError saying what is wrong and how to fix it otherwise; the scenario
    schema and the preprocessing of a CRS given in Python both check it here."""
    try:
        crs = pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError:
        raise ValueError("must be a CRS pyproj knows, given as an EPSG code such as EPSG:32648 (UTM zone 48N) "
                         "for Yunnan") from None
    if not crs.is_projected:
        raise ValueError("must be a projected CRS in metres, such as EPSG:32648 (UTM zone 48N) for Yunnan, not "
                         "a geographic one")
    units = {axis.unit_name for axis in crs.axis_info}
    if not units <= {"metre", "meter"}:
        raise ValueError(f"must have its axes in metres (this one is in {', '.join(sorted(units))}); use a "
                         "projected CRS in metres such as EPSG:32648 (UTM zone 48N) for Yunnan")
    return crs


def not_blank_path(value: Any) -> Any:
    """Refuse an empty path ("" or spaces only): read as a path it is `.`, the folder of the file
    that names it, which nobody means (an output folder there would be the scenario's own); a
    path holding a NUL character, which no file name can hold; and a URL (`is_url`), which the
    tool does not read (a Path would make https://host/x of it https:/host/x)."""
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("path_empty", "must not be empty")
    if isinstance(value, str) and "\0" in value:  # no file name holds one; every look at the path would fail
        raise PydanticCustomError("path_nul", "must not hold a NUL character (\\0): no file name can")
    if is_url(value):
        raise PydanticCustomError("path_url", "{words}", {"words": url_words(value)})
    return value


def local_folder(value: Any) -> Any:
    """`not_blank_path` for the folder the outputs are written to: a URL is told that the outputs
    go to a local folder only."""
    if is_url(value):
        raise PydanticCustomError("path_url", "{words}", {"words": url_words(value, folder=True)})
    return not_blank_path(value)


#: A path a scenario gives (a file, a layer, the output folder): never empty.
GivenPath = Annotated[Path, BeforeValidator(not_blank_path)]
#: The output folder a scenario gives: never empty, never a URL (`local_folder`).
GivenFolder = Annotated[Path, BeforeValidator(local_folder)]
#: A number; text holding one is read as it ('1e6': `number_text`), true/false is refused.
Number = Annotated[float, BeforeValidator(number_text)]
#: A whole number; text holding one is read as it ('1e3': `whole_number_text`), true/false is refused.
Count = Annotated[int, BeforeValidator(whole_number_text)]
#: A yes/no setting: true or false only, as YAML writes them; a text ('yes', "true") or a number
#: (1) is refused, as a boolean is where a number is wanted.
Flag = StrictBool
PositiveFloat = Annotated[Number, Field(gt=0)]
NonNegativeFloat = Annotated[Number, Field(ge=0)]
#: A share from 0 to 1 (0.8 is 80 %): one above 1 is refused as a percent given for a share
#: (`at_most_one`); the JSON schema says `maximum` 1.
Share = Annotated[Number, Field(ge=0), AT_MOST_ONE]
#: A share below 1 (a discount rate, a relative gap): 1 or more is refused as a percent given for
#: a share (`below_one`); the JSON schema says `exclusiveMaximum` 1.
ShareBelowOne = Annotated[Number, Field(ge=0), BELOW_ONE]
#: A quantity that enters the model: capacity, land, supply, distance, ratio (at most MAX_QUANTITY).
Quantity = Annotated[NonNegativeFloat, Field(le=MAX_QUANTITY)]
PositiveQuantity = Annotated[PositiveFloat, Field(le=MAX_QUANTITY)]
#: A money figure that enters the model (at most MAX_YUAN yuan).
Yuan = Annotated[NonNegativeFloat, Field(le=MAX_YUAN)]


class Strict(BaseModel):
    """A settings block: unknown keys are errors, numbers must be finite (no .inf, .nan, "inf").

    Its JSON schema (`siting schema`) gives every bound checked here in JSON Schema's words, and
    each number's text (`BoundsJsonSchema`), so that an editor refuses what the loader refuses."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @classmethod
    def model_json_schema(cls, by_alias: bool | None = None, ref_template: str = DEFAULT_REF_TEMPLATE,
                          schema_generator: type[GenerateJsonSchema] = BoundsJsonSchema,
                          mode: JsonSchemaMode = "validation", **kwargs: Any) -> dict[str, Any]:
        """Pydantic's JSON schema, made by BoundsJsonSchema unless told otherwise."""
        return super().model_json_schema(by_alias, ref_template, schema_generator, mode, **kwargs)


# ---------------------------------------------------------------------------------------------
# technology catalog


class Module(Strict):
    """One module size: a plant of fixed capacity, cost and footprint."""

    id: str = Field(description="Id of the module size, unique in the catalog, e.g. lfp_50kt")
    capacity: PositiveQuantity = Field(description="Capacity of one module, in units of the product, at most 1e12 "
                                       "(units/yr)")
    capex_yuan: Yuan = Field(description="capex of one module, at most 1e15 (yuan)")
    fixed_opex_yuan_per_yr: Yuan = Field(default=0.0, description="Fixed opex of one module (yuan/yr)")
    land_ha: PositiveQuantity = Field(description="Land one module takes (ha)")
    lifetime_yr: Annotated[PositiveFloat, Field(le=1000)] = Field(
        description="Economic lifetime over which capex is recovered by the capital recovery factor (yr)")
    sources: dict[str, str] = Field(default_factory=dict, description="field -> source id or 'assumption: ...'")


#: The years a catalog's figures by year (prices, sales and import caps, national demand) may be
#: given for, as a committed project's `online_year` may (`EARLIEST_ONLINE_YEAR`): a run reads those
#: of its plan's years and of the steady-state year after them, so a year far outside any plan (1e9,
#: 0, 20224) is a slip whose figure no run reads.
CATALOG_YEARS = (1950, 2200)


def catalog_year(value: int) -> int:
    """`value`, a year a catalog gives a figure for (a price, a sales or import cap, national
    demand), when within CATALOG_YEARS; else the custom error "catalog_year", saying why such a
    year is refused."""
    if not CATALOG_YEARS[0] <= value <= CATALOG_YEARS[1]:
        raise PydanticCustomError(
            "catalog_year", "must be a calendar year from {least} to {most} (got {got}): a run reads a catalog's "
            "figures by year (prices, sales and import caps, national demand) for its plan's years and the "
            "steady-state year after them, so no run reads one for this year; write the year it is meant for, "
            "e.g. 2024", {"least": CATALOG_YEARS[0], "most": CATALOG_YEARS[1], "got": value})
    return value


def plan_year(value: int) -> int:
    """`value`, one of a scenario's own `years`, when within CATALOG_YEARS; else the custom error
    "plan_year", naming the range by both ends as `catalog_year` does."""
    if not CATALOG_YEARS[0] <= value <= CATALOG_YEARS[1]:
        raise PydanticCustomError(
            "plan_year", "must be a calendar year from {least} to {most} (got {got}), the years a catalog gives its "
            "figures for; give a year in that range",
            {"least": CATALOG_YEARS[0], "most": CATALOG_YEARS[1], "got": value})
    return value


#: A year key written in hexadecimal, octal or binary (0x7E8, 0o3750, 0b11111101000), which
#: `year_key` refuses as typed: a year is written as digits. The files' loader keeps such a key,
#: unquoted, as its text (load.py `_based_keys_as_text`), as the command line's does.
BASED_YEAR = r"[-+]?0[bBoOxX][0-9a-fA-F_]+"


def year_key(value: Any) -> Any:
    """`value`, a year given as a mapping's key (a catalog's figure by year, a scenario's target or
    budget by year), unless it is true/false or null, which Python would count as the year 1 or 0,
    or take for no number, or is written in another base (`BASED_YEAR`: 0x7E8, which would pass as
    2024): the custom error "year_key", naming it as YAML writes it, or as typed. A text that
    spells a whole number ('2024', '2.024e3': a quoted key, or one given with `--set`, whose reader
    takes 2.024e3 for text) is that number (`whole_number_text`), as `year_of_key` reads it."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and re.fullmatch(BASED_YEAR, value)):
        shown = "null" if value is None else value if isinstance(value, str) else str(value).lower()
        raise PydanticCustomError("year_key", "must be a whole number, a calendar year (got {got}); write the year "
                                  "as digits, e.g. 2024", {"got": shown})
    if isinstance(value, str):
        try:
            return whole_number_text(value)
        except PydanticCustomError:
            return value  # the schema refuses it as no whole number, naming it as given
    return value


def year_of_key(key: Any) -> int | None:
    """The year a mapping's key `key` names as the schema reads it (2024, 2024.0, '2024',
    '2.024e3': 2024); None for one it reads as no year."""
    if isinstance(key, bool) or not isinstance(key, (int, float, str)):
        return None
    if isinstance(key, str):
        try:
            key = whole_number_text(key)
        except PydanticCustomError:
            return None
    return int(key) if isinstance(key, int) or (isinstance(key, float) and key.is_integer()) else None


def one_key_a_year(value: Any) -> Any:
    """`value`, a mapping by year, unless two of its keys name one year (2024 and '2024', which
    YAML reads as two keys and the schema as one, keeping only the last): the custom error
    "year_repeated", naming both as YAML writes them."""
    if not isinstance(value, dict):
        return value
    seen: dict[int, Any] = {}
    for key in value:
        year = year_of_key(key)
        if year is None:
            continue
        if year in seen:
            raise PydanticCustomError(
                "year_repeated", "gives the year {year} twice (got {first} and {second}): the two keys name one "
                "year, of which only the last would be kept; keep one of them",
                {"year": year, "first": repr(seen[year]) if isinstance(seen[year], str) else str(seen[year]),
                 "second": repr(key) if isinstance(key, str) else str(key)})
        seen[year] = key
    return value


#: A year given as a mapping's key: true/false and null are refused (`year_key`).
YearKey = Annotated[int, BeforeValidator(year_key)]
#: A year of a catalog's figure by year (`CATALOG_YEARS`, `catalog_year`).
CatalogYear = Annotated[YearKey, AfterValidator(catalog_year)]
#: Yuan (or t, or units) by price path and year: {<path>: {<year>: value}}; each year once.
ByPathAndYear = dict[str, Annotated[dict[CatalogYear, Yuan], BeforeValidator(one_key_a_year)]]


class MarketShare(Strict):
    """The most a product sells out of the region: a share of national demand, per year."""

    national_demand_units: Annotated[dict[CatalogYear, Quantity], BeforeValidator(one_key_a_year)] = Field(
        description="Year -> national demand for the product (units/yr)")
    max_share: Share = Field(description="Most of the national demand the region's sales may take (share)")


class Product(Strict):
    """One product of the chain: its modules, inputs, costs, prices and market."""

    name: str = Field(description="Name of the product, shown in the outputs")
    unit: str = Field(description="Unit the product is counted in, e.g. t or GWh; its capacity is in this unit per "
                      "year")
    utilisation: Share = Field(default=1.0, description="Most production per unit of capacity (share)")
    lead_time_yr: Annotated[Count, Field(ge=0, le=50)] = Field(
        default=0, description="Years from the build decision to the first production year; 0: the same year (yr)")
    ramp_up_share: Share = Field(
        default=1.0, description="Share of nameplate capacity available in a module's first production year (share)")
    energy_kwh_per_unit: Quantity = Field(default=0.0, description="Electricity per unit of product (kWh/unit)")
    other_variable_cost_yuan_per_unit: Yuan = Field(
        default=0.0, description="Variable cost per unit, inputs and electricity excluded (yuan/unit)")
    transport_t_per_unit: Quantity = Field(default=0.0, description="Mass shipped per unit of product (t/unit)")
    price_yuan_per_unit: ByPathAndYear = Field(
        description="Price path -> year -> price at the plant gate, which is also the output value (yuan/unit)")
    import_premium_share: Share | None = Field(
        default=None, description="Import price = price x (1 + this), delivered to the gateway, from 0 to 1 (0.1: "
        "10 % above the price); null: not importable (share)")
    sales_cap_units: Annotated[dict[CatalogYear, Quantity], BeforeValidator(one_key_a_year)] | None = Field(
        default=None, description="Year -> most sold out of the region; a year left out has no cap (units/yr)")
    market: MarketShare | None = Field(
        default=None, description="Sales cap as a share of national demand (instead of sales_cap_units)")
    modules: list[Module] = Field(min_length=1, description="The module sizes a site may build, at least one")
    inputs: dict[str, Quantity] = Field(
        default_factory=dict, description="Input product -> units of it per unit of this product (units per unit)")
    resources_t_per_unit: dict[str, Quantity] = Field(
        default_factory=dict, description="Raw resource -> t of it per unit of this product (t/unit)")
    sources: dict[str, str] = Field(default_factory=dict, description="field -> source id or 'assumption: ...'")


class Resource(Strict):
    """A raw resource: its price at an in-province source and its import terms.

    A resource with `price_yuan_per_t: null` is on the map only: the sources layer holds it, the
    catalog names it (so the layer's value is not taken for an unknown resource), it has no price
    and no import terms, no product may draw on it, and `sources.price_yuan_per_t` says what it is
    and why no product draws on it (`siting.config.load.check_catalog` holds these rules)."""

    unit: Literal["t"] = Field(default="t", description="Unit of the resource: t")
    price_yuan_per_t: Yuan | None = Field(
        description="Price paid at an in-province source; null: on the map only, not priced, and no product may "
        "draw on it (sources.price_yuan_per_t says why) (yuan/t)")
    import_price_yuan_per_t: ByPathAndYear | None = Field(
        default=None, description="Price path -> year -> price delivered to the gateway; null: not importable "
        "(yuan/t)")
    import_cap_t_per_yr: Annotated[dict[CatalogYear, Quantity], BeforeValidator(one_key_a_year)] | None = Field(
        default=None, description="Year -> most imported; a year left out, or null, has no cap (t/yr)")
    sources: dict[str, str] = Field(default_factory=dict, description="field -> source id or 'assumption: ...'")


class Catalog(Strict):
    """A technology catalog file: its price paths, raw resources and products."""

    description: str = Field(default="", description="What the catalog holds, in words")
    capex_price_basis: str = Field(default="", description="The price basis of the capex figures, e.g. a year's "
                                   "prices")
    price_paths: dict[str, str] = Field(min_length=1, description="price path id -> what it means")
    resources: dict[str, Resource] = Field(
        default_factory=dict, description="Raw resource -> its price and import terms; every resource a product "
        "needs has an entry, and a resource of the sources layer that no product draws on may have one with "
        "price_yuan_per_t: null")
    products: dict[str, Product] = Field(min_length=1, description="Product id -> its modules, inputs, costs, "
                                         "prices and market")


# ---------------------------------------------------------------------------------------------
# scenario
#
# Every field has a description (shown by editors through the JSON schema, `siting schema`); a
# number's description ends with its unit in parentheses.


class LayerRef(Strict):
    """A layer file; `layer` names the layer to read in a file holding several (a GeoPackage).

    `name_field` gives the features' names shown in the outputs; when the default `name` is
    absent from the layer, the ids stand in for names."""

    path: GivenPath = Field(description="Layer file (GeoJSON, GeoPackage, Shapefile), relative to the scenario file")
    layer: str | None = Field(default=None, description="Layer to read from a file holding several, e.g. a "
                              "GeoPackage; null for a file holding one")
    id_field: str = Field(default="id", description="Column with each feature's unique id")
    name_field: str = Field(default="name", description="Column with each feature's name, shown in the outputs")


class SitesLayer(LayerRef):
    """Candidate sites, as points or polygons, with their usable land and existing capacity."""

    id_field: str = Field(default="site_id", description="Column with each site's unique id")
    usable_area_field: str = Field(
        default="usable_area_ha", description="Column with each site's usable land in ha (required when set here); "
        "a polygon may leave it empty to use its drawn area, and a layer of polygons without the default column "
        "uses every polygon's drawn area")
    existing_prefix: str = Field(
        default="existing_", description="Prefix of the columns `<prefix><product>` holding existing capacity in "
        "units/yr; a prefix set here must start some column of the layer, the default may start none (no "
        "existing capacity)")
    land_price_field: str | None = Field(
        default="land_price_yuan_per_ha", description="Column with each site's price of land-use rights in yuan/ha, "
        "taken when the layer has it (required when set here); null: land costs nothing")
    tariff_field: str | None = Field(
        default="power_tariff_yuan_per_kwh", description="Column with a site's own power tariff in yuan/kWh, "
        "overriding its cluster's (an empty value keeps the cluster's), taken when the layer has it (required when "
        "set here); null: no override")


class ClustersLayer(LayerRef):
    """Cluster polygons: the industrial areas sites belong to."""

    id_field: str = Field(default="cluster_id", description="Column with each cluster's unique id")
    tariff_field: str | None = Field(
        default="power_tariff_yuan_per_kwh", description="Column with each cluster's power tariff in yuan/kWh, "
        "taken when the layer has it (required when set here); without it, or null: power costs nothing")
    hub_lon_field: str | None = Field(
        default="hub_lon", description="Column with the longitude of each cluster's hub (WGS84 degrees), taken with "
        "hub_lat_field when the layer has both (required when set here); else the hub is the cluster polygon's "
        "representative point")
    hub_lat_field: str | None = Field(
        default="hub_lat", description="Column with the latitude of each cluster's hub (WGS84 degrees)")


class RedlineLayer(LayerRef):
    """Red-line polygons, each with a category that the red-line rule refers to."""

    id_field: str = Field(default="zone_id", description="Column with each red-line polygon's unique id")
    category_field: str = Field(
        default="category", description="Column with each polygon's category, which constraints.redline refers to")


class SourcesLayer(LayerRef):
    """Raw-material sources as points, with the resource and the supply of each."""

    id_field: str = Field(default="source_id", description="Column with each source's unique id")
    resource_field: str = Field(
        default="resource", description="Column naming the resource each source gives, e.g. phosphate_rock")
    supply_field: str = Field(
        default="supply_t_per_yr", description="Column with the supply each source can give, in t/yr")
    status_field: str | None = Field(
        default="status", description="Column with `producing` or `prospective`; null: every source is producing")


class Layers(Strict):
    """The input layers."""

    clusters: ClustersLayer = Field(description="Cluster polygons")
    sites: SitesLayer = Field(description="Candidate sites, as points or polygons")
    redline: RedlineLayer | None = Field(default=None, description="Red-line polygons; leave out for no red line")
    sources: SourcesLayer | None = Field(
        default=None, description="Raw-material sources as points; leave out when no product needs a raw resource")
    context: LayerRef | None = Field(
        default=None, description="Context polygons drawn and named on map.png, e.g. counties, which also name "
        "the candidate cells (the polygon each overlaps most); the plan does not use them; leave out for none")


class AllowedZone(Strict):
    """A polygon layer that limits where cells may lie: industrial land, or the counties named."""

    path: GivenPath = Field(description="Layer file (GeoJSON, GeoPackage, Shapefile), relative to the scenario file")
    layer: str | None = Field(default=None, description="Layer to read from a file holding several; null for one")
    field: str | None = Field(default=None, description="Column whose values select the allowed polygons; null: "
                              "every polygon of the layer is allowed")
    values: list[str] | None = Field(default=None, min_length=1, description="Values of `field` that are allowed, "
                                     "e.g. a list of county codes (whole numbers are read as their digits)")

    @field_validator("values", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        """County codes are often written unquoted (530101): a whole number is taken as its digits;
        a boolean or a fractional number is left for the type check to refuse."""
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="after")
    def _field_and_values(self) -> AllowedZone:
        if self.field is not None and self.values is None:
            raise ValueError(f"give `field` and `values` together, or neither (every polygon allowed) (got field "
                             f"{self.field!r} without values); list the values of {self.field!r} that are allowed, "
                             "or leave field out")
        if self.field is None and self.values is not None:
            raise ValueError("give `field` and `values` together, or neither (every polygon allowed) (got values "
                             "without field); name the field they are values of, or leave values out")
        return self


class CandidatesSpec(Strict):
    """Candidate cells: a grid of squares or H3 hexagons over the clusters, less the parks.

    The cells become candidate sites beside the sites layer's: each belongs to the cluster it was
    drawn in, is its land less the sites layer's polygons (a park's land is offered once, as the
    park's), has the usable land left of that after the red line and the setbacks, pays
    `land_price_yuan_per_ha` and its cluster's power tariff, and has no existing or committed
    capacity."""

    shape: Literal["square", "hexagon"] = Field(default="square", description="Cell shape: square cells of "
                                                "`cell_size_m`, or H3 hexagons of `h3_resolution`")
    cell_size_m: PositiveQuantity | None = Field(default=None, description="Side of a square cell (m)")
    h3_resolution: Annotated[Count, Field(ge=0, le=15)] | None = Field(
        default=None, description="H3 resolution of hexagonal cells: 7 is about 5.2 km2 a cell, 8 about 0.74 km2; "
        "needs the h3 package (no unit)")
    min_usable_ha: Quantity = Field(default=0.0, description="Cells with less usable land than this, for every "
                                    "product, are dropped (ha)")
    allowed_zone: AllowedZone | None = Field(default=None, description="Polygons cells must lie in; null: the "
                                             "clusters alone")
    id_prefix: Annotated[str, Field(pattern=NAME_PATTERN)] = Field(
        default="cell", description="First part of every cell's id, `<prefix>-<cluster>-<column>-<row>` (the "
        "letters A-Z and a-z, digits, _ . and -); hexagons: `<prefix>-<cluster>-<H3 index>`")
    land_price_yuan_per_ha: Yuan = Field(
        default=0.0, description="Price of a cell's land-use rights per ha its modules take, greenfield land "
        "outside today's parks; 0: land costs nothing (yuan/ha)")

    @model_validator(mode="after")
    def _size_matches_shape(self) -> CandidatesSpec:
        size = f"cell_size_m {self.cell_size_m:g}" if self.cell_size_m is not None else "no cell_size_m"
        resolution = f"h3_resolution {self.h3_resolution}" if self.h3_resolution is not None else "no h3_resolution"
        if self.shape == "square" and (self.cell_size_m is None or self.h3_resolution is not None):
            raise ValueError(f"square cells need `cell_size_m` (m) and no `h3_resolution` (got {size} and "
                             f"{resolution})")
        if self.shape == "hexagon" and (self.h3_resolution is None or self.cell_size_m is not None):
            raise ValueError(f"hexagonal cells need `h3_resolution` (0-15) and no `cell_size_m` (got {resolution} "
                             f"and {size})")
        return self


class Spatial(Strict):
    """The working coordinate system and how geometry is handled."""

    working_crs: str = Field(
        default="EPSG:32648", description="Projected CRS in metres in which distances and areas are measured, "
        "e.g. EPSG:32648 (UTM zone 48N)")
    sites_outside_clusters: Literal["error", "drop"] = Field(
        default="error", description="`error`: refuse a site outside every cluster; `drop`: leave it out, with a "
        "notice")
    invalid_geometry: Literal["repair", "reject"] = Field(
        default="repair", description="`repair` invalid geometries (reported as notices) or `reject` them")
    detour_factor: Annotated[Number, Field(ge=1, le=100)] = Field(
        default=1.3, description="Road distance per straight-line distance, at least 1 (km per km)")
    include_prospective_sources: Flag = Field(
        default=False, description="Whether prospective sources may supply raw material, as producing ones do")

    @field_validator("working_crs")
    @classmethod
    def _projected_in_metres(cls, value: str) -> str:
        """A CRS pyproj knows, projected, with axes in metres (`projected_crs_in_metres`)."""
        projected_crs_in_metres(value)
        return value


class Targets(Strict):
    """Capacity and output-value targets."""

    strict: Flag = Field(
        default=False, description="true: every target must be met; false: a shortfall is allowed, at a penalty")
    capacity_ceiling_factor: Annotated[Number, Field(ge=0, le=MAX_QUANTITY), CEILING_FACTOR] = Field(
        default=0.0, description="Caps each targeted group's capacity at this multiple of its target; 0: no "
        "ceiling, else at least 1 (factor)")
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="Target group -> the products whose capacity it sums (of one unit)")
    capacity: dict[str, Annotated[dict[YearKey, Quantity], BeforeValidator(one_key_a_year)]] = Field(
        default_factory=dict, description="Target group or product -> year -> capacity to reach (units/yr)")
    output_value_yuan: Annotated[dict[YearKey, Yuan], BeforeValidator(one_key_a_year)] = Field(
        default_factory=dict, description="Year -> industry output value to reach (yuan/yr)")


class Family(Strict):
    """A rule family: `enabled` switches it on or off."""

    enabled: Flag = Field(default=True, description="Whether the rule applies")


class RedlineRule(Family):
    """Ecological red line: exclusion buffers around red-line polygons and per-product setbacks."""

    buffer_m: Quantity = Field(
        default=0.0, description="Exclusion distance around every counted red-line polygon, for every product (m)")
    categories: list[str] | None = Field(
        default=None, description="Red-line categories the rule counts; null: every category")
    setbacks_m: dict[str, dict[str, Quantity]] = Field(
        default_factory=dict, description="Product -> category -> exclusion distance for that product, raised to "
        "at least buffer_m (m)")
    official_share_pct: Annotated[Number, Field(gt=0, le=100)] | None = Field(
        default=None, description="Share of the region under the official red line, which the report and map "
        "compare with the share the red-line layer covers (%)")
    official_share_source: str = Field(default="", description="The region that share is of, and its source")


class ProximityRule(Family):
    """Products that need a raw resource are built only near a source of it."""

    max_distance_km: dict[str, PositiveQuantity] = Field(
        default_factory=dict, description="Resource -> largest road distance from a site to its nearest source (km)")


class SupplyRule(Family):
    """Raw material shipped from sources, within their supply."""

    transport_yuan_per_t_km: Yuan = Field(
        default=0.5, description="Transport cost of raw material (yuan per t and km)")


class ChainRule(Family):
    """Upstream products made in the region for its downstream products."""

    min_local_share: dict[str, Share] = Field(
        default_factory=dict, description="Upstream product -> least share of the region's need for it made in "
        "the region (share)")


class DifferentiationRule(Family):
    """Cluster specialisation: hosting limits, lead products, portfolio differences, value shares."""

    max_clusters_per_product: dict[str, Annotated[Count, Field(ge=0)]] = Field(
        default_factory=dict, description="Product -> most clusters that may host it (count)")
    lead_products: dict[str, list[str]] = Field(default_factory=dict, description="Cluster -> its lead products")
    lead_share_min: Share = Field(
        default=0.0, description="Least share of each cluster's added output value from its lead products (share)")
    min_portfolio_difference: Annotated[Count, Field(ge=0)] = Field(
        default=0, description="Least number of products by which any two clusters' portfolios differ (count)")
    min_cluster_value_share: Share = Field(
        default=0.0, description="Least share of the region's added output value in each cluster (share)")


class AgglomerationRule(Family):
    """Opening a site costs a fixed amount, needs a least investment, and clusters cap open sites."""

    site_fixed_cost_yuan: Yuan = Field(
        default=0.0, description="Cost of opening a site, charged (discounted) in the year it opens (yuan)")
    min_investment_per_site_yuan: Yuan = Field(
        default=0.0, description="Least capex at a site that opens (yuan)")
    max_open_sites_per_cluster: dict[str, Annotated[Count, Field(ge=0)]] = Field(
        default_factory=dict, description="Cluster -> most sites that may open in it (count)")


class BudgetRule(Family):
    """A yearly capex budget (off unless switched on)."""

    enabled: Flag = Field(default=False, description="Whether the rule applies (off unless switched on)")
    capex_yuan_per_yr: Annotated[dict[YearKey, Yuan], BeforeValidator(one_key_a_year)] = Field(
        default_factory=dict, description="Year -> most capex spent in that year, undiscounted (yuan)")


class RecyclingDemoRule(Family):
    """Recycling only at a few demonstration sites, each of a least size."""

    product: str = Field(default="recycling", description="The product built only at demonstration sites")
    min_size: PositiveQuantity = Field(
        default=50_000.0, description="Least capacity of the product at each demonstration site (units/yr)")
    min_sites: Annotated[Count, Field(ge=0)] = Field(default=1, description="Least number of demonstration sites "
                                                   "(count)")
    max_sites: Annotated[Count, Field(ge=0)] = Field(default=2, description="Most demonstration sites (count)")
    max_size: PositiveQuantity | None = Field(
        default=None, description="Most capacity of the product added at each demonstration site; null: no upper "
        "size (units/yr)")
    min_run_share: Share | None = Field(
        default=None, description="Least production of each demonstration site, as a share of its usable capacity "
        "(available x utilisation), in every year of the plan and the steady state; null: a demonstration need not "
        "run (share)")


class MarketRule(Family):
    """Sales out of the region are capped per product and year (the catalog's market caps)."""


class UtilisationRule(Family):
    """Capacity runs at least at a least share of what is available (off unless switched on)."""

    enabled: Flag = Field(default=False, description="Whether the rule applies (off unless switched on)")
    min_share: dict[str, Share] = Field(
        default_factory=dict, description="Product -> least production per unit of available capacity (share)")


class BuildRateRule(Family):
    """A maximum build rate: the most one site may decide in one year, of any product (off unless
    switched on). Existing and committed plants do not count; a limit left out does not apply,
    and at least one is given when the rule is on."""

    enabled: Flag = Field(default=False, description="Whether the rule applies (off unless switched on)")
    max_modules_per_site_per_yr: Annotated[Count, Field(ge=1, le=MAX_QUANTITY)] | None = Field(
        default=None, description="Most modules, of any product and size, decided at one site in one year; null: "
        "no limit on modules (count)")
    max_capex_yuan_per_site_per_yr: Annotated[PositiveFloat, Field(le=MAX_YUAN)] | None = Field(
        default=None, description="Most capex decided at one site in one year, undiscounted, counted in the year "
        "the modules are decided; null: no limit on capex (yuan/yr)")

    @model_validator(mode="after")
    def _a_limit_when_enabled(self) -> BuildRateRule:
        if self.enabled and self.max_modules_per_site_per_yr is None and self.max_capex_yuan_per_site_per_yr is None:
            raise ValueError("the rule is on but gives no limit (got neither max_modules_per_site_per_yr nor "
                             "max_capex_yuan_per_site_per_yr); give one or both, e.g. max_modules_per_site_per_yr: "
                             "10, or set enabled: false")
        return self


class Constraints(Strict):
    """The rule families, each with `enabled` and its settings (docs/FORMULATION.md)."""

    targets: Family = Field(default=Family(), description="Capacity targets, and the capacity ceiling")
    output_value: Family = Field(default=Family(), description="Yearly industry output-value targets")
    land: Family = Field(default=Family(), description="Modules fit on each site's usable land")
    redline: RedlineRule = Field(
        default=RedlineRule(), description="Ecological red line: exclusion buffers and per-product setbacks")
    proximity: ProximityRule = Field(
        default=ProximityRule(), description="Products that need a raw resource only near a source of it")
    supply: SupplyRule = Field(default=SupplyRule(), description="Raw material shipped from sources, within their "
                               "supply")
    chain_balance: ChainRule = Field(
        default=ChainRule(), description="Upstream products made in the region for its downstream products")
    differentiation: DifferentiationRule = Field(
        default=DifferentiationRule(), description="Cluster specialisation: hosting limits, lead products, "
        "portfolio differences")
    agglomeration: AgglomerationRule = Field(
        default=AgglomerationRule(), description="Site opening cost, least investment and most open sites per "
        "cluster")
    budget: BudgetRule = Field(default=BudgetRule(), description="Yearly capex budget (off unless switched on)")
    recycling_demo: RecyclingDemoRule = Field(
        default=RecyclingDemoRule(enabled=False), description="Recycling only at a few demonstration sites (off "
        "unless switched on)")
    market: MarketRule = Field(default=MarketRule(), description="Sales out of the region capped per product and year")
    utilisation: UtilisationRule = Field(
        default=UtilisationRule(), description="Least utilisation of available capacity (off unless switched on)")
    build_rate: BuildRateRule = Field(
        default=BuildRateRule(), description="Most modules or capex one site may decide in one year (off unless "
        "switched on)")


class ObjectiveSettings(Strict):
    """Discounting and the penalty for falling short of a target."""

    discount_rate: ShareBelowOne = Field(
        default=0.06, description="Yearly discount rate of costs; 0.06 is 6 % (share)")
    years_after_horizon: Annotated[Count, Field(ge=0, le=100)] = Field(
        default=0, description="Years after the plan's last year T that a steady-state year T + 1 stands for in "
        "the objective, discounted: in it every module of the plan runs at full rate beside the committed "
        "projects online by T + N, at T's prices and caps where the catalog gives none for T + 1; its annuities, "
        "running costs and sales count for each of those years, and so does a shortfall of T "
        "(models/inputs.py `STEADY_YEAR`, `year_weight`); 0: no steady-state year, nothing after T counts (year)")
    shortfall_penalty_factor: Annotated[Number, Field(gt=1, le=1e6)] = Field(
        default=3.0, description="Penalty per unit of capacity short and per target year, as a multiple of the "
        "dearest yearly cost of a unit of capacity of the group (capital recovery factor x capex plus fixed opex, "
        "per unit; models.costs); per yuan of output value short, this many yuan; at most 1e6, so that penalties "
        "stay within the solver's tolerances (factor)")


#: The most HiGHS threads a scenario may ask for. HiGHS starts a thread for each (on any machine:
#: 50 on two cores start 50), so an absurd count would exhaust the machine's threads or memory
#: before the solve; the limit is fixed, not the machine's cores, so that a scenario is refused
#: or accepted alike everywhere.
MAX_THREADS = 1024

#: The most near-optimal alternatives a run makes (`--alternatives`, Python's `alternatives=` and
#: `n=`): each is written in `altNN/`, two digits, which the output folder's path check counts
#: (siting/deliver/folders.py DEEPEST_DATABASE, `alt01/plan.gpkg`); each is a MIP solve of its own.
MOST_ALTERNATIVES = 99


def _threads_too_many(value: float, limit: float) -> PydanticCustomError:
    """PydanticCustomError "threads_too_many" for a count of HiGHS threads above `limit`."""
    return PydanticCustomError(
        "threads_too_many", "must be at most {limit} (got {got}): HiGHS starts a thread for each, and more "
        "threads than the machine has cores only slow the solve; give the number of cores to use, from 1 to "
        "{limit}, e.g. 2", {"limit": int(limit), "got": value})


#: At most MAX_THREADS HiGHS threads.
THREADS_LIMIT = Limit(MAX_THREADS, True, _threads_too_many)


def threads_within_limit(value: int) -> int:
    """`value`, a count of HiGHS threads; PydanticCustomError "threads_too_many" above MAX_THREADS."""
    return int(THREADS_LIMIT.check(value))


def highs_bounds(schema: dict[str, Any]) -> None:
    """The JSON schema of `solver:` (`schema`, changed in place) with HiGHS's own ranges: each
    named setting's (`NAMED_SETTINGS`), where tighter than the model's, and the type and range
    of each option `solver.options` may set (`options_json_schema`). Both are what the loader
    asks of HiGHS (`siting.config.load.ReferenceCheck.solver`)."""
    from siting.config.highs import NAMED_SETTINGS, option_json_schema, options_json_schema

    properties = schema.get("properties", {})
    for setting, option in NAMED_SETTINGS.items():
        node = properties.get(setting)
        if node is None:
            continue
        for keyword, value in option_json_schema(option).items():
            if keyword in LOWER_BOUNDS or keyword in UPPER_BOUNDS:
                bounded(node, keyword, value)
    if "options" in properties:
        properties["options"].update(options_json_schema())


class SolverSettingsModel(Strict):
    """HiGHS settings."""

    model_config = ConfigDict(json_schema_extra=highs_bounds)

    time_limit_s: PositiveFloat = Field(default=60.0, description="Solver time limit (s)")
    rel_gap: ShareBelowOne = Field(
        default=1e-4, description="Relative gap within which HiGHS proves the plan optimal; 0.01 is 1 % (share)")
    abs_gap_bn_yuan: NonNegativeFloat | None = Field(
        default=None, description="Absolute gap (the objective less the proven bound) within which the plan is "
        "proven optimal too, whatever its relative gap: for a net objective near zero, where a relative gap "
        "means little; null: none (bn yuan)")
    threads: Annotated[Count, Field(ge=1), THREADS_LIMIT] = Field(
        default=1, description=f"Solver threads, from 1 to {MAX_THREADS}; HiGHS starts a thread for each (count)")
    random_seed: Annotated[Count, Field(ge=0)] = Field(default=0, description="HiGHS random seed (no unit)")
    options: dict[str, Any] = Field(
        default_factory=dict, description="Further HiGHS options by name, checked against HiGHS's own types and "
        "ranges")


class Gateway(Strict):
    """Where imports arrive and sales leave the region."""

    name: str = Field(min_length=1, description="Name of the gateway, e.g. a city")
    lon: Annotated[Number, Field(ge=-180, le=180)] = Field(description="Longitude, WGS84 (degrees)")
    lat: Annotated[Number, Field(ge=-90, le=90)] = Field(description="Latitude, WGS84 (degrees)")
    source: str = Field(min_length=1, description="Where the point comes from")


class Network(Strict):
    """The hub network: each site ships to its cluster's hub, hubs to each other and to the gateway."""

    gateway: Gateway = Field(description="Where imports arrive and sales leave the region")
    hubs: None = Field(
        default=None, description="null: hubs from the clusters layer's hub_lon_field/hub_lat_field, else each "
        "cluster polygon's representative point")


#: The earliest first production year a committed project may give: an earlier one (1900) is
#: taken for a typo rather than a plant that old.
EARLIEST_ONLINE_YEAR = 1950


class CommittedProject(Strict):
    """A project signed, under construction or producing: capacity the plan starts from and keeps."""

    id: str = Field(min_length=1, description="Unique id of the project")
    name: str = Field(min_length=1, description="Name of the project")
    site: str = Field(min_length=1, description="Id of its site in the sites layer")
    product: str = Field(min_length=1, description="Catalog product it makes")
    capacity: PositiveQuantity = Field(description="Nameplate capacity (the product's units/yr)")
    online_year: Annotated[Count, Field(ge=EARLIEST_ONLINE_YEAR, le=2200)] = Field(
        description="First production year (year); a year before the plan's first counts from that year")
    status: Literal["signed", "construction", "producing"] = Field(description="signed, construction or producing")
    source: str = Field(min_length=1, description="Where the figures come from")


class Calibration(Strict):
    """How the scenario is compared with the real plants (issue 10, part 9): `fixed` takes the
    committed projects in `plants` as the plan; `choose` lets the model choose and scores it against
    the plants in `reference`, within `distance_km` of each."""

    mode: Literal["fixed", "choose"] = Field(description="fixed: the real plants are the plan; choose: the model "
                                             "chooses and is scored against them")
    plants: GivenPath | None = Field(default=None, description="Committed-projects file of the plants fixed by site "
                                "(mode fixed), relative to this file")
    reference: GivenPath | None = Field(default=None, description="Committed-projects file of the plants the choice is "
                                   "scored against (mode choose), relative to this file")
    distance_km: PositiveQuantity | None = Field(
        default=None, description="Capacity within this distance of a real plant of its product counts as placed "
                                  "like it (km)")


class Output(Strict):
    """Where the outputs go."""

    folder: GivenFolder = Field(description="Output folder, relative to the scenario file; each run replaces it whole, "
                        "while it holds only the files an earlier run wrote there")


class Scenario(Strict):
    """A scenario file: the plan's years and targets, the layers, the rules and the solver settings."""

    extends: GivenPath | None = Field(
        default=None, description="Base scenario file that this file overrides, relative to this file")
    name: Annotated[str, Field(pattern=NAME_PATTERN)] = Field(
        description="Scenario name (the letters A-Z and a-z, digits and _ . -), "
        "which names the outputs and comparison columns")
    description: str = Field(default="", description="What the scenario asks, in words; copied into the report")
    # plan_year says the range by both ends; the bounds after it give an editor's schema its minimum and maximum
    years: list[Annotated[Count, AfterValidator(plan_year), Field(ge=CATALOG_YEARS[0], le=CATALOG_YEARS[1])]] = Field(
        min_length=1, description="The plan's calendar years, strictly increasing, e.g. [2022, 2023, 2024], each "
        "from 1950 to 2200, the years a catalog gives its figures for (year)")
    catalog: GivenPath = Field(description="Technology catalog file (YAML), relative to this file")
    price_path: str = Field(
        description="The catalog's price path that sets yearly prices and output values, e.g. observed")
    committed_projects: GivenPath | None = Field(
        default=None, description="File (YAML list) of the projects signed, under construction or producing, "
        "relative to this file; null: none")
    layers: Layers = Field(description="The input layers: clusters, candidate sites, red line, sources")
    network: Network = Field(description="The hub network and its gateway")
    calibration: Calibration | None = Field(
        default=None, description="Comparison with the real plants; null: none")
    candidates: CandidatesSpec | None = Field(
        default=None, description="Candidate cells generated over the clusters outside the parks, planned "
        "beside the sites layer's sites; null: the sites layer alone")
    spatial: Spatial = Field(default=Spatial(), description="Working coordinate system and geometry handling")
    targets: Targets = Field(default=Targets(), description="Capacity and output-value targets")
    constraints: Constraints = Field(
        default=Constraints(), description="The rule families, each with `enabled` and its settings")
    objective: ObjectiveSettings = Field(
        default=ObjectiveSettings(), description="Discounting and the penalty for falling short of a target")
    solver: SolverSettingsModel = Field(default=SolverSettingsModel(), description="HiGHS settings")
    output: Output = Field(description="Where the outputs go")
    variants: dict[str, dict[str, Any] | None] = Field(
        default_factory=dict, description="Named sets of overrides, each a scenario of its own (`--variant NAME`): "
        "one file describes a family of scenarios")


# ---------------------------------------------------------------------------------------------
# the JSON schema of each file, for editors (`siting schema`)

#: The files `siting schema --of` describes: kind -> what the file is called.
SCHEMA_FILES = {"scenario": "scenario", "catalog": "technology catalog", "committed": "committed-projects"}

#: Where the JSON schema says it comes from (draft of the JSON Schema standard pydantic writes).
JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_comment(of: str, partial: bool = False) -> str:
    """The `$comment` of the JSON schema of a file of kind `of` (SCHEMA_FILES): what it describes,
    that `siting schema` wrote it, and siting's version."""
    from siting import __version__

    if of == "scenario":
        kind = "partial: no key required, for a file that extends a base" if partial else "complete"
        return f"JSON schema of a siting scenario file, written by `siting schema` ({kind}), siting {__version__}"
    return (f"JSON schema of a siting {SCHEMA_FILES[of]} file, written by `siting schema --of {of}`, siting "
            f"{__version__}")


def is_schema_comment(text: str) -> bool:
    """Whether `text`, a JSON schema's `$comment`, says `siting schema` wrote it (`schema_comment`)."""
    return re.match(r"JSON schema of a siting [a-z -]+ file, written by `siting schema", text) is not None


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_without_required(v) for v in node]
    return node


def file_json_schema(of: str = "scenario", partial: bool = False) -> dict[str, Any]:
    """The JSON schema of a file of kind `of` (SCHEMA_FILES), for editors to complete and check it,
    made from the models the loader validates it with (BoundsJsonSchema: every bound in JSON
    Schema's words, every number also as text): a scenario (`Scenario`), the technology catalog
    (`Catalog`) or the committed-projects file (a list of `CommittedProject`; an empty file is no
    project). What the loader checks between files (catalog products, sites, ids used once) is
    not in it.

    Args:
        of: "scenario", "catalog" or "committed".
        partial: drop every `required` list, for a scenario that `extends:` a base and so need
            not repeat the base's required keys; a scenario's only (ValueError otherwise).
    """
    if partial and of != "scenario":
        raise ValueError(f"a partial schema is a scenario's only (got {of!r})")
    made: dict[str, Any]
    if of == "scenario":
        made = Scenario.model_json_schema()
    elif of == "catalog":
        made = Catalog.model_json_schema()
    elif of == "committed":
        made = {"title": "Committed projects",
                "description": "The projects signed, under construction or producing, one '- id: ...' entry each; "
                "their ids are unique, their products in the catalog, their sites in the sites layer",
                **TypeAdapter(list[CommittedProject]).json_schema(schema_generator=BoundsJsonSchema)}
        made["type"] = ["array", "null"]
    else:
        raise ValueError(f"no schema of {of!r} files; give one of {', '.join(SCHEMA_FILES)}")
    schema = {"$schema": JSON_SCHEMA_DRAFT, "$comment": schema_comment(of, partial), **made}
    return _without_required(schema) if partial else schema
