"""What a run page shows of an outlook or a network: tables (the figures by year and the build
plan of each case; each demand level's sites, assignment and turnaround) and plotly.js figures
(patients needing vs treated by year, the build plan as a timeline, cost per dose by year; the
turnaround's distribution). Only layout: every figure comes from the stored result."""

from __future__ import annotations

from typing import Any

from genofab.views.web.charts import number, spread_text


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _money(value: float | None, currency: str) -> str:
    return "–" if value is None else f"{number(value)} {currency}"


def outlook_views(result: dict[str, Any]) -> dict[str, Any]:
    """Each case's figures by year and build plan as tables, and the three charts."""
    currency = result.get("currency", "")
    tables = []
    for case in result.get("cases", []):
        resources = sorted({name for year in case["years"] for name in year["utilisation"]})
        tables.append(
            {
                "id": f"by-year-{case['name']}",
                "title": f"Case {case['name']}: by year"
                + (f" ({case['description']})" if case.get("description") else ""),
                "head": [
                    "year",
                    "patients needing",
                    "treated",
                    "waiting",
                    *[f"utilisation {name}" for name in resources],
                    f"cost per dose ({currency})",
                    f"capital spent ({currency})",
                ],
                "rows": [
                    [
                        str(year["year"]),
                        number(year["patients_needing"]),
                        number(year["patients_treated"]),
                        number(year["patients_waiting"]),
                        *[_percent(year["utilisation"].get(name)) for name in resources],
                        number(year["cost_per_dose"]),
                        number(year["capital_spent"]),
                    ]
                    for year in case["years"]
                ],
                "note": f"status {case['status']}; discounted cost"
                f" {_money(case['discounted_cost'], currency)};"
                f" {number(case['patient_years_waiting'])} patient-years waited;"
                f" {number(case['patients_untreated_at_end'])} still waiting at the end",
            }
        )
        spread = case.get("spread")
        if spread:
            tables.append(
                {
                    "id": f"spread-{case['name']}",
                    "title": f"Case {case['name']}: the build plan over {spread['samples']:,}"
                    f" samples of demand (seed {spread['seed']})",
                    "head": [
                        "year",
                        "P(demand met)",
                        "needing P50 [P5–P95]",
                        "treated",
                        "waiting",
                    ],
                    "rows": [
                        [
                            str(year["year"]),
                            _percent(year["probability_demand_met"]),
                            spread_text(year["patients_needing"]),
                            spread_text(year["patients_treated"]),
                            spread_text(year["patients_waiting"]),
                        ]
                        for year in spread["years"]
                    ],
                    "note": f"discounted cost {spread_text(spread['discounted_cost'])} {currency};"
                    f" patient-years waited {spread_text(spread['patient_years_waiting'])};"
                    f" {spread['method']}",
                }
            )
        tables.append(
            {
                "id": f"build-plan-{case['name']}",
                "title": f"Case {case['name']}: build plan",
                "head": ["candidate", "type", "decided", "ready", "retired", "units", "capital"],
                "rows": [
                    [
                        row["candidate"],
                        row["type"],
                        str(row["year"]),
                        f"{row['ready_year']:g}",
                        f"{row['end_year']:g}",
                        f"{row['units']:.2f}",
                        _money(row["capital"], currency),
                    ]
                    for row in case["build_plan"]
                ]
                or [["nothing built", "", "", "", "", "", ""]],
                "note": "",
            }
        )
    return {
        "rows": [],
        "tables": tables,
        "charts": [
            patients_by_year(result),
            build_timeline(result),
            cost_per_dose_by_year(result),
        ],
    }


def patients_by_year(result: dict[str, Any]) -> dict[str, Any]:
    """Patients needing the therapy (the first case's demand) and treated in each case."""
    cases = result.get("cases", [])
    data = []
    if cases:
        years = [year["year"] for year in cases[0]["years"]]
        data.append(
            {
                "type": "bar",
                "x": years,
                "y": [year["patients_needing"] for year in cases[0]["years"]],
                "name": "needing",
                "marker": {"color": "#c8d3df"},
            }
        )
    for case in cases:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [year["year"] for year in case["years"]],
                "y": [year["patients_treated"] for year in case["years"]],
                "name": f"treated, {case['name']}",
            }
        )
    return {
        "data": data,
        "layout": {
            "title": {"text": "Patients needing and treated by year"},
            "yaxis": {"title": {"text": "patients"}},
            "height": 340,
            "margin": {"t": 40},
        },
    }


def build_timeline(result: dict[str, Any]) -> dict[str, Any]:
    """The build plan as a timeline: each build from its decision to its retirement, the part
    before it is ready lighter."""
    lead, service = [], []
    labels = []
    for case in result.get("cases", []):
        for row in case["build_plan"]:
            label = f"{case['name']}: {row['candidate']} ({row['units']:.2f})"
            labels.append(label)
            lead.append((label, row["year"], row["ready_year"]))
            service.append((label, row["ready_year"], row["end_year"]))
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": [label for label, _, _ in bars],
            "x": [max(end - start, 0.0) for _, start, end in bars],
            "base": [start for _, start, _ in bars],
            "marker": {"color": color},
        }
        for name, bars, color in (
            ("building", lead, "#f0c36d"),
            ("in service", service, "#2e7d5b"),
        )
    ]
    return {
        "data": data,
        "layout": {
            "title": {"text": "Build plan" + ("" if labels else ": nothing built")},
            "barmode": "overlay",
            "xaxis": {"title": {"text": "year"}},
            # the labels ("case: candidate (units)") set the left margin: never cut
            "yaxis": {"automargin": True},
            "height": 160 + 26 * max(len(labels), 1),
            "margin": {"l": 10, "t": 40, "r": 10, "b": 40},
        },
    }


def cost_per_dose_by_year(result: dict[str, Any]) -> dict[str, Any]:
    """Cost per dose given, by year, in each case."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [year["year"] for year in case["years"]],
                "y": [year["cost_per_dose"] for year in case["years"]],
                "name": case["name"],
            }
            for case in result.get("cases", [])
        ],
        "layout": {
            "title": {"text": "Cost per dose by year"},
            "yaxis": {"title": {"text": result.get("currency", "")}},
            "height": 320,
            "margin": {"t": 40},
        },
    }


def network_views(result: dict[str, Any]) -> dict[str, Any]:
    """Each demand level's sites and figures, its assignment (routes) and the turnaround."""
    currency = result.get("currency", "")
    levels = result.get("levels", [])
    summary = {
        "id": "network-levels",
        "title": "Demand levels",
        "head": [
            "patients a year",
            "patients",
            "status",
            "sites opened",
            "served",
            "unserved",
            f"cost per therapy ({currency})",
            "turnaround mean (days)",
            "P95",
            "max",
        ],
        "rows": [
            [
                number(level["patients_per_year"]),
                str(level["patients"]),
                level["status"],
                ", ".join(level["sites_opened"]),
                str(level["patients_served"]),
                str(level["patients_unserved"]),
                number(level["cost_per_therapy"]),
                *(
                    [
                        f"{level['turnaround']['mean_days']:.1f}",
                        number(level["turnaround"]["p95_days"]),
                        str(level["turnaround"]["max_days"]),
                    ]
                    if level.get("turnaround")
                    else ["–", "–", "–"]
                ),
            ]
            for level in levels
        ],
        "note": f"vein to vein at most {result.get('vein_to_vein_max_days')} days over"
        f" {result.get('horizon_days')} days; when full: {result.get('when_full')}",
    }
    tables = [summary]
    spreads = [(level, level["spread"]) for level in levels if level.get("spread")]
    if spreads:
        tables.append(
            {
                "id": "network-spread",
                "title": f"Over {spreads[0][1]['samples']:,} samples of lot times, failures and"
                f" demand (seed {spreads[0][1]['seed']}): P50 [P5–P95]",
                "head": [
                    "patients a year",
                    "patients served",
                    "share within the limit",
                    "lost waiting",
                    f"cost per therapy ({currency})",
                    "turnaround (days)",
                ],
                "rows": [
                    [
                        number(level["patients_per_year"]),
                        spread_text(spread["patients_served"]),
                        spread_text(spread["share_within_limit"]),
                        spread_text(spread["patients_lost_waiting"]),
                        spread_text(spread["cost_per_therapy"]),
                        spread_text(spread["turnaround_days"]),
                    ]
                    for level, spread in spreads
                ],
                "note": spreads[0][1]["method"],
            }
        )
    for number_, level in enumerate(levels, start=1):
        tables.append(
            {
                "id": f"assignment-{number_}",
                "title": f"Level {number_} ({number(level['patients_per_year'])} a year):"
                " which site makes which centre's lots",
                "head": [
                    "centre",
                    "site",
                    "there",
                    "back",
                    "patients",
                    "turnaround (days)",
                    f"cost per patient ({currency})",
                ],
                "rows": [
                    [
                        route["centre"],
                        route["site"],
                        route["mode_there"],
                        route["mode_back"],
                        str(route["patients"]),
                        str(route["turnaround_days"]),
                        number(route["cost_per_patient"]),
                    ]
                    for route in level["routes"]
                ],
                "note": "",
            }
        )
    chart = {
        "data": [
            {
                "type": "bar",
                "name": f"{number(level['patients_per_year'])} a year",
                "x": [int(days) for days in level["turnaround"]["patients_by_days"]],
                "y": list(level["turnaround"]["patients_by_days"].values()),
            }
            for level in levels
            if level.get("turnaround")
        ],
        "layout": {
            "title": {"text": "Turnaround: patients by days, vein to vein"},
            "xaxis": {"title": {"text": "days"}},
            "yaxis": {"title": {"text": "patients"}},
            "barmode": "group",
            "height": 320,
            "margin": {"t": 40},
        },
    }
    return {"rows": [], "tables": tables, "charts": [chart]}
