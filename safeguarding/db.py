"""The triggers that make concerns and their entries append-only (lib.append_only), as for
audit events."""

from lib.append_only import AppendOnly

GUARDS = AppendOnly(
    name="safeguarding",
    tables=("safeguarding_concern", "safeguarding_entry"),
    what="safeguarding records",
)
install_guards = GUARDS.install
drop_guards = GUARDS.drop
