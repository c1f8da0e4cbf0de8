"""The triggers that make issued statements, their lines and the changes of fees
append-only (lib.append_only), as for audit events."""

from lib.append_only import AppendOnly

GUARDS = AppendOnly(
    name="finance",
    tables=("finance_statement", "finance_statementline", "finance_feechange"),
    what="issued statements and fee changes",
)
install_guards = GUARDS.install
drop_guards = GUARDS.drop
