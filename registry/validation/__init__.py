"""The publication validator: checks an edition against the statutory requirements of
210-FZ art. 14 (read from the ``regulations`` records) and the registry's own rules.

    report = validate_edition(edition)
    report.is_publishable, report.errors, report.warnings, report.completeness
"""

from registry.validation.engine import validate_edition
from registry.validation.findings import Finding, Severity, ValidationReport

__all__ = ["Finding", "Severity", "ValidationReport", "validate_edition"]
