"""What the mirror tells the rest of idvdash, without knowing who listens."""

from django.dispatch import Signal

# Sent by the one write path (sync.write_plan) inside its transaction, after rows were
# created or changed: `pks` are their ids, `new` those of the rows it created, `now` the
# time the write used. A re-scan in which nothing changed writes no row and sends nothing.
mirror_written = Signal()
