"""Privacy: find people in tables before they are published, and stop them being published.

- `suppress_counts`, `round_to_base`: small-cell suppression for count tables;
- `gate`, `GateResult`: the check every publish step runs last;
- `scan_table`, `ScanResult` (in `daas.privacy.scan`): the full scan behind `daas privacy scan`;
- `anonymity`: k-anonymity, unique records, l-diversity; `fairness`: coverage by group.
"""

from daas.privacy.gate import GateResult, gate, is_count_column
from daas.privacy.suppression import round_to_base, suppress_counts

__all__ = ["GateResult", "gate", "is_count_column", "round_to_base", "suppress_counts"]
