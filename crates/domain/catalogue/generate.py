#!/usr/bin/env python3
"""Generate the per-campaign catalogue files of tdb-domain from the normative data dictionary.

Usage: python3 generate.py [path/to/catalogue.md]

The default source is shared/spec/catalogue.md beside the repository clone
(<repo>/../shared/spec/catalogue.md). One file per campaign year (FIRST_CAMPAIGN..LAST_CAMPAIGN) is
written next to this script as <year>.json.

Catalogue 1.1 (additions_1_1.json, next to this script) adds items and controls to the 1.0 of
catalogue.md, which stays normative and untouched: each addition is inserted right after the item or
control it names (`after`). Campaigns before its `from_campaign` get catalogue 1.0 exactly; from it on,
the files carry version 1.1, the added items with `first_campaign` = `from_campaign`, counted in the
completion rate (`required`) only from `required_from_campaign` (docs/catalogue.md, « Catalogue 1.1 »).
Otherwise the files differ only in their campaign and completion rule (§5.1). Python 3 standard
library only.
"""
import json
import os
import re
import sys

FIRST_CAMPAIGN = 2019
LAST_CAMPAIGN = 2026
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "..", "..", "shared", "spec", "catalogue.md")
ADDITIONS = os.path.join(HERE, "additions_1_1.json")
ITEM_TYPES = ("count", "days", "etp", "eur", "bool", "date", "enum", "score", "mesure")


def fail(message):
    sys.exit(f"generate.py: {message}")


def code_of(cell):
    """`code` -> code; checks the §1.2 shape."""
    m = re.fullmatch(r"`([a-z_][a-z0-9_]*)`", cell.strip())
    if not m:
        fail(f"not a code cell: {cell!r}")
    return m.group(1)


def codes_in(cell):
    return re.findall(r"`([^`]+)`", cell)


def optional(cell):
    cell = cell.strip()
    return None if cell in ("—", "") else cell


def expr_of(cell):
    cell = optional(cell)
    if cell is None:
        return None
    m = re.fullmatch(r"`([^`]+)`", cell)
    if not m:
        fail(f"not an expression cell: {cell!r}")
    return m.group(1)


def split_row(line):
    cells = line.strip().strip("|").split(" | ")
    return [c.strip() for c in cells]


def tables(lines):
    """Yield (section heading, header cells, rows) for every markdown table."""
    section = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header = split_row(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            yield section, header, rows
            continue
        i += 1


def parse_categories(rows):
    out = []
    for r in rows:
        if len(r) != 8:
            fail(f"category row with {len(r)} cells: {r}")
        out.append({
            "code": code_of(r[0]),
            "label": r[1],
            "finess": codes_in(r[2])[0],
            "aliases": codes_in(r[3]),
            "public": codes_in(r[4])[0],
            "type": codes_in(r[5])[0],
            "seances": {"true": True, "false": False}[r[6]],
            "funder": codes_in(r[7])[0],
        })
    return out


def parse_scopes(rows):
    return [{"code": code_of(r[0]), "definition": r[1], "members": codes_in(r[2])} for r in rows]


def parse_item(r, axis):
    if len(r) != 8:
        fail(f"item row with {len(r)} cells: {r}")
    code = code_of(r[0])
    type_cell = r[2]
    item_type = codes_in(type_cell)[0]
    may_be_negative = "(may be negative)" in type_cell
    unit = None
    m = re.search(r"\(([^)]*)\)", type_cell)
    if m and item_type == "mesure":
        unit = m.group(1)
    notes = r[7]
    first_campaign = FIRST_CAMPAIGN
    m = re.search(r"from campaign (\d{4})", notes)
    if m:
        first_campaign = int(m.group(1))
    values = None
    m = re.search(r"values: (.*)$", notes)
    if m:
        values = codes_in(m.group(1))
    minimum = maximum = None
    m = re.search(r"(\d+) ≤ x ≤ (\d+)", notes)
    if m:
        minimum, maximum = int(m.group(1)), int(m.group(2))
    m = re.search(r"(?<!x )≤ (\d+)(?!\d)", notes)
    if m and maximum is None:
        maximum = int(m.group(1))
    if item_type == "score" and (minimum is None or maximum is None):
        fail(f"score item {code} without bounds")
    if item_type == "enum" and not values:
        fail(f"enum item {code} without values")
    if may_be_negative != ("any sign" in notes):
        fail(f"item {code}: 'may be negative' and 'any sign' disagree")
    if item_type in ("count",) and "integer" not in notes:
        fail(f"count item {code} not marked integer")
    if item_type in ("days", "etp", "eur", "mesure") and "2 decimals max" not in notes:
        fail(f"item {code} of type {item_type} not marked '2 decimals max'")
    prefill = optional(r[6])
    return {
        "code": code,
        "label": r[1],
        "axis": axis,
        "type": item_type,
        "unit": unit,
        "scope": code_of(r[3]),
        "required": {"yes": True, "no": False}[r[4]],
        "condition": expr_of(r[5]),
        "prefill": code_of(prefill) if prefill else None,
        "min": minimum,
        "max": maximum,
        "may_be_negative": may_be_negative,
        "sans_objet_allowed": "`sans_objet` allowed" in notes,
        "values": values,
        "first_campaign": first_campaign,
    }


# French labels of the enum codes (the dictionary gives codes only, §1.2): shown instead of the codes
# (docs/catalogue.md, « Libellés des options »). Every code of every enum item must have one.
OPTION_LABELS = {
    "public": "Public",
    "prive_non_lucratif": "Privé non lucratif",
    "prive_commercial": "Privé commercial",
    "m22": "M22",
    "m22bis": "M22 bis",
    "m21": "M21",
    "m4": "M4",
    "m14": "M14",
    "m57": "M57",
    "autre": "Autre nomenclature",
    "partiel_sans_pui": "Tarif partiel, sans pharmacie à usage intérieur",
    "partiel_avec_pui": "Tarif partiel, avec pharmacie à usage intérieur",
    "global_sans_pui": "Tarif global, sans pharmacie à usage intérieur",
    "global_avec_pui": "Tarif global, avec pharmacie à usage intérieur",
    "oui": "Oui",
    "non": "Non",
    "pas_d_hebergement_externe": "Pas d'hébergement externe des données",
}


def labelled(item):
    """The item with `value_labels` right after `values` when it is an enum."""
    if not item["values"]:
        return item
    missing = [v for v in item["values"] if v not in OPTION_LABELS]
    if missing:
        fail(f"enum item {item['code']}: no French label for {missing}")
    out = {}
    for key, value in item.items():
        out[key] = value
        if key == "values":
            out["value_labels"] = {v: OPTION_LABELS[v] for v in item["values"]}
    return out


def parse_indicator(r, axis):
    if len(r) != 9:
        fail(f"indicator row with {len(r)} cells: {r}")
    scope_cell = r[5]
    first_campaign = FIRST_CAMPAIGN
    m = re.search(r"from campaign (\d{4})", scope_cell)
    if m:
        first_campaign = int(m.group(1))
    return {
        "code": code_of(r[0]),
        "label": r[1],
        "axis": axis,
        "level": code_of(r[2]),
        "unit": code_of(r[3]),
        "direction": code_of(r[4]),
        "scope": codes_in(scope_cell)[0],
        "condition": expr_of(r[6]),
        "formula": expr_of(r[7]),
        "basis": "choice" if "choice" in r[8] else "confirmed",
        "first_campaign": first_campaign,
    }


def parse_control(r):
    if len(r) != 6:
        fail(f"control row with {len(r)} cells: {r}")
    code = code_of(r[0])
    per_indicator = code == "variation_annuelle"
    return {
        "code": code,
        "severity": code_of(r[1]),
        "scope": None if per_indicator else code_of(r[2]),
        "condition": None if per_indicator else expr_of(r[3]),
        "expression": None if per_indicator else expr_of(r[4]),
        "message": r[5],
        "year_over_year": per_indicator,
    }


def completion_rule(campaign):
    """§5.1, as a function of the campaign."""
    if campaign == 2019:
        return {"threshold_percent": 70, "finance_counted": False,
                "legal_basis": "arrêté du 10 avril 2019, art. 9 (transitional rate)"}
    if campaign <= 2022:
        return {"threshold_percent": 80, "finance_counted": False,
                "legal_basis": "arrêté du 10 avril 2019, art. 8"}
    return {"threshold_percent": 90, "finance_counted": True, "legal_basis": "arrêté du 11 août 2022"}


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    version = None
    for line in lines:
        m = re.match(r"# .*\(catalogue (\d+\.\d+)\)", line)
        if m:
            version = m.group(1)
            break
    if version is None:
        fail("no catalogue version in the title")
    categories = scopes = None
    items, indicators, controls = [], [], []
    for section, header, rows in tables(lines):
        if section.startswith("2.1"):
            categories = parse_categories(rows)
        elif section.startswith("2.2"):
            scopes = parse_scopes(rows)
        elif re.match(r"3\.(\d) ", section) and header[0] == "Code":
            axis = int(re.match(r"3\.(\d) ", section).group(1))
            items += [parse_item(r, axis) for r in rows]
        elif re.match(r"4\.(\d) ", section) and header[0] == "Code":
            axis = int(re.match(r"4\.(\d) ", section).group(1))
            indicators += [parse_indicator(r, axis) for r in rows]
        elif section.startswith("6.2"):
            controls = [parse_control(r) for r in rows]
    counts = (len(categories or []), len(items), len(indicators), len(controls))
    if counts != (20, 169, 114, 25):
        fail(f"unexpected counts (categories, items, indicators, controls): {counts}")
    return version, categories, scopes, items, indicators, controls


def dump(doc):
    """JSON with one line per category, scope, item, indicator and control: compact and diff-friendly."""
    def one(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    parts = []
    for key, value in doc.items():
        if isinstance(value, list):
            body = ",\n".join("  " + one(v) for v in value)
            parts.append(f" {one(key)}:[\n{body}\n ]")
        else:
            parts.append(f" {one(key)}:{one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def load_additions(path, base_version, scopes, items, controls):
    """The catalogue 1.1 additions, checked against the 1.0 they extend."""
    with open(path, encoding="utf-8") as f:
        additions = json.load(f)
    if base_version != "1.0":
        fail(f"additions_1_1.json extends catalogue 1.0, the source is {base_version}")
    first, required_from = additions["from_campaign"], additions["required_from_campaign"]
    if not FIRST_CAMPAIGN < first <= required_from:
        fail("additions: need FIRST_CAMPAIGN < from_campaign <= required_from_campaign")
    codes = {i["code"] for i in items} | {c["code"] for c in controls}
    scope_codes = {s["code"] for s in scopes}
    for entry in additions["items"] + additions["controls"]:
        code_of(f"`{entry['code']}`")
        if entry["code"] in codes:
            fail(f"addition {entry['code']}: code already used")
        codes.add(entry["code"])
    for item in additions["items"]:
        if item["type"] not in ITEM_TYPES or item["axis"] not in (0, 1, 2, 3, 4):
            fail(f"addition {item['code']}: bad type or axis")
        if item["type"] in ("enum", "score", "mesure", "eur"):
            fail(f"addition {item['code']}: type {item['type']} needs attributes the additions do not carry")
    for entry in additions["items"] + additions["controls"]:
        if entry["scope"] not in scope_codes:
            fail(f"addition {entry['code']}: unknown scope {entry['scope']}")
    return additions


def insert_after(rows, entry, row):
    """`rows` with `row` inserted right after the row whose code is entry['after']."""
    for i, existing in enumerate(rows):
        if existing["code"] == entry["after"]:
            return rows[:i + 1] + [row] + rows[i + 1:]
    fail(f"addition {entry['code']}: nothing named {entry['after']} to follow")


def with_additions(additions, campaign, items, controls):
    """Items and controls of catalogue 1.1 for a campaign at or after its from_campaign."""
    items, controls = list(items), list(controls)
    for entry in additions["items"]:
        items = insert_after(items, entry, {
            "code": entry["code"],
            "label": entry["label"],
            "axis": entry["axis"],
            "type": entry["type"],
            "unit": None,
            "scope": entry["scope"],
            "required": campaign >= additions["required_from_campaign"],
            "condition": None,
            "prefill": None,
            "min": None,
            "max": None,
            "may_be_negative": False,
            "sans_objet_allowed": entry["sans_objet_allowed"],
            "values": None,
            "first_campaign": additions["from_campaign"],
        })
    for entry in additions["controls"]:
        controls = insert_after(controls, entry, {
            "code": entry["code"],
            "severity": entry["severity"],
            "scope": entry["scope"],
            "condition": entry["condition"],
            "expression": entry["expression"],
            "message": entry["message"],
            "year_over_year": False,
        })
    return items, controls


def with_indicator_scopes(additions, indicators):
    """Indicators of catalogue 1.1: the scopes narrowed by `indicator_scopes` (docs/catalogue.md,
    decision 21)."""
    narrowed = {e["code"]: e["scope"] for e in additions.get("indicator_scopes", [])}
    known = {i["code"] for i in indicators}
    for code in narrowed:
        if code not in known:
            fail(f"indicator_scopes: unknown indicator {code}")
    return [dict(i, scope=narrowed.get(i["code"], i["scope"])) for i in indicators]


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    version, categories, scopes, items, indicators, controls = parse(source)
    additions = load_additions(ADDITIONS, version, scopes, items, controls)
    for campaign in range(FIRST_CAMPAIGN, LAST_CAMPAIGN + 1):
        doc_version, doc_source = version, "shared/spec/catalogue.md"
        doc_items, doc_controls, doc_indicators = items, controls, indicators
        if campaign >= additions["from_campaign"]:
            doc_indicators = with_indicator_scopes(additions, indicators)
            doc_version = additions["version"]
            doc_source = "shared/spec/catalogue.md + crates/domain/catalogue/additions_1_1.json"
            doc_items, doc_controls = with_additions(additions, campaign, items, controls)
        doc = {
            "catalogue_version": doc_version,
            "campaign": campaign,
            "source": doc_source,
            "completion": completion_rule(campaign),
            "categories": categories,
            "scopes": scopes,
            "items": [labelled(i) for i in doc_items],
            "indicators": doc_indicators,
            "controls": doc_controls,
        }
        out = os.path.join(HERE, f"{campaign}.json")
        with open(out, "w", encoding="utf-8") as f:
            f.write(dump(doc))
    print(f"catalogue {version}: {len(items)} items, {len(indicators)} indicators, "
          f"{len(controls)} controls, campaigns {FIRST_CAMPAIGN}-{additions['from_campaign'] - 1}; "
          f"catalogue {additions['version']}: +{len(additions['items'])} items, "
          f"+{len(additions['controls'])} controls, campaigns {additions['from_campaign']}-{LAST_CAMPAIGN} "
          f"(required from {additions['required_from_campaign']})")


if __name__ == "__main__":
    main()
