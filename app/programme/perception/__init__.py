"""Customer perception (issue 11), pure: the rules that turn the business system's
transactions into a send list of rating texts, the gateway's replies into satisfaction,
intercept surveys into perception per hall, and hold the inspections against both; and
the comparison with competitors. No database, no files, no clock: bytes and rows in,
results with their reasons out (docs/perception.md).

- `settings`      every rule's setting and its default (PerceptionSettings)
- `clock`         local seconds, the time every rule counts in
- `hashing`       the keyed hash of customer numbers; where the plain number may exist
- `transactions`  the transaction export (read_transactions)
- `sendlist`      the send list (build_send_list) and its independent check (violations)
- `gateway`       the SmsGateway interface, the texts and the CSV export rows
- `replies`       the reply file, matching replies to sends, satisfaction
- `intercept`     intercept records per hall and period, SERVQUAL gap, importance
- `alignment`     inspection composite against customer figures; section weights
- `competitors`   our outlets against competitors' of the same tier
"""

from app.programme.perception.alignment import align, outlet_figures, yaml_hint
from app.programme.perception.competitors import compare, compare_all
from app.programme.perception.gateway import CsvExport, SmsGateway, outgoing
from app.programme.perception.hashing import Contacts, CustomerHasher, normalise_number
from app.programme.perception.intercept import aggregate, check_response, intercept_aggregates
from app.programme.perception.replies import (
    match_replies,
    read_replies,
    satisfaction,
    sms_aggregates,
)
from app.programme.perception.sendlist import SendHistory, build_send_list, violations
from app.programme.perception.settings import PerceptionSettings
from app.programme.perception.stats import spearman
from app.programme.perception.transactions import read_transactions

__all__ = ["Contacts", "CsvExport", "CustomerHasher", "PerceptionSettings", "SendHistory",
           "SmsGateway", "aggregate", "align", "build_send_list", "check_response",
           "compare", "compare_all", "intercept_aggregates", "match_replies",
           "normalise_number", "outgoing", "outlet_figures", "read_replies",
           "read_transactions", "satisfaction", "sms_aggregates", "spearman", "violations",
           "yaml_hint"]
