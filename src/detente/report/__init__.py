"""The report: one self-contained HTML page with the figures of every part of the toolkit.

* :mod:`~detente.report.data` — the numbers behind each figure (pure functions, frames out);
* :mod:`~detente.report.figures` — the figures (Matplotlib, Agg canvas);
* :mod:`~detente.report.page` — the sections, the Jinja2 template and the atomic write.

``detente report --out DIR`` writes ``DIR/report.html`` (see :func:`write_report`).
"""

from detente.report.page import ReportOptions, Section, build_sections, write_report

__all__ = ["ReportOptions", "Section", "build_sections", "write_report"]
