"""How an ingestion report reads, in the window and on the command line alike: a headline and the rejections."""

from __future__ import annotations

from app.records import IngestReport

REJECTIONS_SHOWN = 200  # lines of rejections shown; every rejection is in the run log and in `--json`


def headline(report: IngestReport) -> str:
    """What happened, in one or two sentences: the outcome, then the Pool hit / Pool insert summary."""
    live = report.source.startswith("apify")
    if report.served_from_pool:
        head = f"Served from the pool — no Apify call. {report.fetched:,} jobs."
    elif report.status == "succeeded":
        head = f"Done: {report.fetched:,} items read{' from Apify' if live else ''}."
    elif report.status == "cancelled":
        stopped = "Cancelled: the Apify run was aborted" if live else "Cancelled"
        kept = f"the {report.fetched:,} items received before were kept" if report.fetched else "no items had arrived"
        head = f"{stopped}; {kept}."
    else:
        head = f"Stopped: {report.error}" if report.error else "Stopped."
    detected = f"\n{report.detected}." if report.detected else ""
    return f"{head}{detected}\n{report.summary}."


def outcome_kind(report: IngestReport) -> str:
    """ "success", "error" or "" (cancelled): how a window colours the headline."""
    return {"succeeded": "success", "failed": "error"}.get(report.status, "")


def rejection_lines(report: IngestReport, limit: int = REJECTIONS_SHOWN) -> list[str]:
    """One line per rejected item, at most `limit`, then how many more there were."""
    shown = report.rejected[:limit]
    lines = [f"Item {r.get('index', '?')}: {r.get('reason', '')}" for r in shown]
    if len(report.rejected) > len(shown):
        lines.append(f"… and {len(report.rejected) - len(shown):,} more (all are in Jobs → Ingestion history).")
    return lines
