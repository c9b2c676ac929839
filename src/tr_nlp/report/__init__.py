"""The offline HTML report of a run: agreement, calibration, pre-screening, candidates, transcripts."""

from tr_nlp.report.render import build_report, report_context, write_report
from tr_nlp.report.rundata import RunData, load_run, pseudonymise_run

__all__ = ["RunData", "build_report", "load_run", "pseudonymise_run", "report_context", "write_report"]
