"""The triggers that make the event table append-only (lib.append_only)."""

from lib.append_only import AppendOnly

GUARDS = AppendOnly(name="audit_event", tables=("audit_event",), what="audit events")
install_guards = GUARDS.install
drop_guards = GUARDS.drop
