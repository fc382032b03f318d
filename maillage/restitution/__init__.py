"""What is shown to others: the council dashboard, the comparison of councils and the elected officials'
summary, with their PDF, XLSX and HTML renderings."""

from maillage.core.exports import lazy_exports

_EXPORTS = {
    "MAX_COUNCILS": "comparison",
    "comparable_councils": "comparison",
    "comparable_networks": "comparison",
    "compare_councils": "comparison",
    "compare_network": "comparison",
    "comparison_years": "comparison",
    "default_network": "comparison",
    "network_by_name": "comparison",
    "network_council_ids": "comparison",
    "SHARING_NOTE": "comparison_document",
    "comparison_pdf": "comparison_document",
    "subtitle": "comparison_document",
    "all_action_records": "comparison_tables",
    "cell_records": "comparison_tables",
    "definition_text": "comparison_tables",
    "indicator_records": "comparison_tables",
    "matrix_records": "comparison_tables",
    "missing_records": "comparison_tables",
    "ranking_records": "comparison_tables",
    "INDICATOR_COLUMNS": "comparison_workbook",
    "XLSX_MIME": "comparison_workbook",
    "column_labels": "comparison_workbook",
    "comparison_filename": "comparison_workbook",
    "comparison_xlsx": "comparison_workbook",
    "council_overview": "dashboard",
    "list_councils": "dashboard",
    "BY_CODE": "indicators",
    "CHARTED": "indicators",
    "INDICATORS": "indicators",
    "ordinal": "indicators",
    "ranks": "indicators",
    "as_of_for": "period",
    "check_year": "period",
    "offered_years": "period",
    "ran_during": "period",
    "ran_on": "period",
    "gap_phrase": "sentences",
    "ReportGap": "summary",
    "council_report": "summary",
    "report_years": "summary",
    "report_html": "summary_html",
    "report_filename": "summary_pdf",
    "report_pdf": "summary_pdf",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
