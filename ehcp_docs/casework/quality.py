"""Plan-quality checks across the store: runs the pure lint rules on each plan in force, with its year group."""
from __future__ import annotations

from datetime import date
from typing import Any

from ehcp_docs.model import lint
from ehcp_docs import statutory
from ehcp_docs.store import Store
from ehcp_docs.store.paths import check_id


def lint_one(plan: dict, today: date) -> dict[str, Any]:
    dob = date.fromisoformat(plan["child"]["date_of_birth"])
    return lint.lint_plan(plan, today, statutory.nc_year(dob, today, plan.get("year_group"))).as_json()


def lint_store(store: Store, ids: list[str] | None, today: date) -> list[dict[str, Any]]:
    return [lint_one(store.plan(check_id(pid)), today) for pid in (ids or store.plan_ids())]


def warnings(plan: dict, on: date) -> list[str]:
    """Plan-quality findings as warnings for the caseworker when a review is scheduled or amendments are
    proposed. Never blocking: a lint failure must not stop a statutory step."""
    try:
        return [f"plan quality: {f['message']}" for f in lint_one(plan, on)["findings"]]
    except Exception:  # noqa: BLE001
        return []
