"""Write batches (lô ghi): many short transactions whose rows become visible together.

    batch = batch_start(label="import.members #12", tables=[Person, Membership, MembershipEvent])
    ... each chunk: with transaction.atomic(): INSERT … batch_id = batch.pk
    with transaction.atomic(): ...; batch_finish(batch)     # every row appears at once
    on any failure: batch_discard(batch)                       # its rows are deleted

The default managers of the batched tables (`core.models.BatchedManager`) hide the rows of
a pending batch, so readers see the database as it was until the last transaction
commits. A writer that dies leaves a pending batch: `batches_sweep` (run when a job
worker starts and when a page finds a job's worker dead) discards it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from django.db import connection, transaction
from django.utils import timezone

from .models import BatchState, WriteBatch
from .processes import host, pid_gone

log = logging.getLogger(__name__)

#: A pending batch of a process on another machine is taken for dead after this long.
FOREIGN_TIMEOUT = dt.timedelta(hours=6)
#: Rows deleted per transaction when a batch is discarded.
DELETE_CHUNK = 20_000


def _owner() -> str:
    return f"{host()}:{os.getpid()}"


def _max_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0]


def batch_start(*, label: str, tables: list) -> WriteBatch:
    """A new pending batch for rows of these models (written in tables' order: parents
    first); committed at once so other connections know to hide its rows."""
    with transaction.atomic():
        return WriteBatch.objects.create(
            label=label[:100], owner=_owner(),
            after_ids={m._meta.label: _max_id(m) for m in tables})


def batch_finish(batch: WriteBatch) -> None:
    """Inside the writer's last transaction: the batch's rows become visible with it."""
    updated = WriteBatch.objects.filter(pk=batch.pk, state=BatchState.PENDING).update(
        state=BatchState.DONE, finished_at=timezone.now())
    if not updated:
        raise RuntimeError(f"Lô ghi #{batch.pk} không còn ở trạng thái đang ghi.")


def batch_discard(batch: WriteBatch) -> int:
    """Delete the rows of a pending batch (children first, in short transactions) and mark
    it discarded; returns the rows deleted."""
    from django.apps import apps

    deleted = 0
    q = connection.ops.quote_name
    for label in reversed(list(batch.after_ids)):
        model = apps.get_model(label)
        table = q(model._meta.db_table)
        floor = int(batch.after_ids[label])
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608
                    "WHERE id > %s AND batch_id = %s LIMIT %s)", [floor, batch.pk, DELETE_CHUNK])
                count = cursor.rowcount
            deleted += count
            if count < DELETE_CHUNK:
                break
    WriteBatch.objects.filter(pk=batch.pk, state=BatchState.PENDING).update(
        state=BatchState.DISCARDED, finished_at=timezone.now())
    if deleted:
        log.warning("Đã hủy lô ghi #%s (%s): xóa %s dòng chưa hoàn tất.", batch.pk, batch.label,
                    deleted)
    return deleted


def _owner_dead(batch: WriteBatch) -> bool:
    machine, _, pid = batch.owner.rpartition(":")
    if machine == host() and pid.isdigit():
        return int(pid) != os.getpid() and pid_gone(int(pid))
    return batch.created_at < timezone.now() - FOREIGN_TIMEOUT


def batches_sweep() -> int:
    """Discard the pending batches whose writer died; returns how many."""
    swept = 0
    for batch in WriteBatch.objects.filter(state=BatchState.PENDING):
        if _owner_dead(batch):
            batch_discard(batch)
            swept += 1
    return swept
