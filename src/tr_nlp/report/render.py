"""Render a run folder as one self-contained, offline HTML file."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from tr_nlp import __version__
from tr_nlp.agreement.stats import MIN_INTERVIEWS
from tr_nlp.agreement.tables import rounded, without_interval
from tr_nlp.export.tables import write_text
from tr_nlp.privacy import Pseudonymiser
from tr_nlp.report import sections
from tr_nlp.report.rundata import RunData, load_run, pseudonymise_run
from tr_nlp.report.transcripts import to_script_json, viewer_data
from tr_nlp.topics import undiscovered


#: Interviews the transcript viewer holds by default (about 1-2 MB of text per 200 interviews).
MAX_INTERVIEWS = 2000


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("tr_nlp.report", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v, digits=0: "n/a" if v is None else f"{v:.{digits}%}"
    env.filters["num"] = rounded
    env.globals["ci"] = interval
    env.globals["signed_ci"] = signed_interval
    # long code names wrap after their underscores, not mid-word
    env.filters["breakable"] = lambda v: Markup("_<wbr>").join(escape(part) for part in str(v).split("_"))
    return env


def interval(lo: float | None, hi: float | None, percent: bool = False) -> Markup:
    """`` [0.48, 0.72]`` after a figure (of a share, with ``percent``: `` [48%, 72%]``), or
    nothing where it has no interval (no resamples, or a code in too few interviews:
    :func:`~tr_nlp.agreement.t_interval`).

    >>> str(interval(0.481, 0.72)), str(interval(None, 0.72)), str(interval(float("nan"), float("nan")))
    (' <span class="ci">[0.48, 0.72]</span>', '', '')
    >>> str(interval(0.19, 0.684, percent=True))
    ' <span class="ci">[19%, 68%]</span>'
    """
    if rounded(lo) == "n/a" or rounded(hi) == "n/a":
        return Markup("")
    if percent:
        return Markup(' <span class="ci">[{:.0%}, {:.0%}]</span>').format(lo, hi)
    return Markup(' <span class="ci">[{}, {}]</span>').format(rounded(lo), rounded(hi))


def signed_interval(value: float | None, lo: float | None, hi: float | None, points: bool = False) -> Markup:
    """``-0.38 <span class="ci">[-0.49, -0.28]</span>``: a difference, signed, with its
    interval where it has one; nothing without a value. With ``points``, a difference of
    shares in percentage points (``-5 [-11, +1]``).

    >>> str(signed_interval(-0.381, -0.49, -0.28)), str(signed_interval(0.05, None, None)), str(signed_interval(None, 0, 1))
    ('-0.38 <span class="ci">[-0.49, -0.28]</span>', '+0.05', '')
    >>> str(signed_interval(-0.05, -0.112, -0.004, points=True))
    '-5 <span class="ci">[-11, +0]</span>'
    """
    def form(x: float) -> str:  # whole points: -0.4 is +0, not -0
        return f"{round(100 * x):+d}" if points else f"{x:+.2f}"

    if rounded(value) == "n/a":
        return Markup("")
    if rounded(lo) == "n/a" or rounded(hi) == "n/a":
        return Markup(form(value))
    return Markup('{} <span class="ci">[{}, {}]</span>').format(form(value), form(lo), form(hi))


def _asset(name: str) -> Markup:
    return Markup(resources.files("tr_nlp.report").joinpath("templates", name).read_text(encoding="utf-8"))


def _reason(failed: dict[str, str]) -> str:
    """A failed input's message without the file and code it begins with (shown beside it)."""
    return failed["message"].removeprefix(f"{failed['file']}: ").removeprefix(f"[{failed['code']}] ")


def report_context(data: RunData, quotes: bool = True, max_interviews: int | None = MAX_INTERVIEWS) -> dict[str, Any]:
    """Everything the template shows, as plain data."""
    codes = data.codes
    styles = sections.code_styles(codes)
    prescreen = sections.prescreen(data, codes, quotes)
    disagreements = sections.disagreements(data, codes, quotes)
    candidates = sections.candidates(data, quotes)
    crossings = sections.crossings(data, quotes)
    linked = ([e["interview_id"] for r in crossings.get("mix_ups", []) for e in r["examples"]]  # in the page's order
              + [s["interview_id"] for p in prescreen for s in p["segments"]]
              + [r["interview_id"] for d in disagreements for r in d["rows"]]
              + [q["interview_id"] for c in candidates for q in c["quotes"]])
    viewer = viewer_data(data, codes, max_interviews, linked) if quotes else None
    return {
        "title": f"tr_nlp report: {data.folder.name}",
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "model": {k: data.card.get(k) for k in ("name", "version", "objective", "features")} if data.card else None,
        "styles": styles,
        "quotes": quotes,
        "held_out": data.held_out,
        "protocol": data.protocol,
        "scoring": data.scoring,
        "overview": sections.overview(data, codes),
        # a reading warning may quote the transcript (a running header, say): without quotes, only their number
        "failed": [{**f, "message": _reason(f) if quotes else ""} for f in data.failed],
        "warnings": data.warnings if quotes else [],
        "n_warnings": len(data.warnings),
        "agreement": sections.agreement(data),
        "without_interval": without_interval(data.agreement) if not data.agreement.empty else {},
        "too_few": sections.too_few_sentence(data),
        "min_interviews": MIN_INTERVIEWS,
        "learning_gains": sections.learning_gains(data),
        "prescreen_intervals": ("read_share_lo" in data.prescreen.columns
                                and bool(data.prescreen["read_share_lo"].notna().any())),
        "characters": sections.character_agreement(data),
        "on_interviews": sections.interview_agreement(data),
        "group": sections.group_alpha(data),
        "subgroups": sections.subgroups(data),
        "subgroups_too_few": sections.subgroups_too_few_sentence(data),
        "against": sections.against(data),
        "crossings": crossings,
        "by": data.by,
        "plots": sections.plots(data, styles),
        "prescreen": prescreen,
        "disagreements": disagreements,
        "candidates": candidates,
        "discovery": data.discovery,
        "undiscovered": undiscovered(data.discovery, data.texts),  # coded by a later batch
        "viewer_json": Markup(to_script_json(viewer)) if viewer else None,
        "viewer_left_out": viewer["left_out"] if viewer else 0,
        "css": _asset("report.css"),
        "js": _asset("report.js"),
    }


def build_report(run_dir: str | Path, quotes: bool = True, pseudonymiser: Pseudonymiser | None = None,
                 max_interviews: int | None = MAX_INTERVIEWS) -> str:
    """The report of the run in ``run_dir`` as an HTML string.

    Parameters
    ----------
    run_dir
        A folder written by ``tr-nlp demo``, ``tr-nlp batch`` or ``tr-nlp evaluate -o`` (it
        holds ``run.json``).
    quotes
        Include transcript text (viewer, ranked segments, quotes). Without it the report
        shows only figures, codes and positions, so it can be shared more widely.
    pseudonymiser
        When given, names, contact details and dates are replaced everywhere in the report.
    max_interviews
        Most interviews the transcript viewer holds (those the report links to first), so
        a batch over thousands of interviews still gives a file a browser opens quickly.
    """
    data = load_run(run_dir)
    if pseudonymiser is not None:
        data = pseudonymise_run(data, pseudonymiser)
    return _environment().get_template("report.html.j2").render(**report_context(data, quotes, max_interviews))


def write_report(run_dir: str | Path, output: str | Path, quotes: bool = True,
                 pseudonymiser: Pseudonymiser | None = None, max_interviews: int | None = MAX_INTERVIEWS) -> Path:
    """Write :func:`build_report` to ``output`` atomically and return its path."""
    return write_text(build_report(run_dir, quotes, pseudonymiser, max_interviews), output)
