"""The chain moves from plain SHA-256 to HMAC-SHA256 with a key kept outside the database.

Existing rows are re-signed here, in one pass: the old chain is checked first and what the
check found is written into the trail itself (an "audit.upgrade" row), so a chain that was
already broken before the upgrade does not become silently valid.
"""

from django.db import migrations, models
from django.utils import timezone

from dangvien.audit import chain


def _resign(apps, schema_editor, *, to_hmac: bool):
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditHead")
    db = schema_editor.connection.alias
    rows = Event.objects.using(db).order_by("id")
    if not rows.exists():
        return
    key = chain.audit_key() if to_hmac else None
    old = chain.legacy_hash if to_hmac else (lambda p, e: chain.row_hash(p, e, key=chain.audit_key()))
    new = (lambda p, e: chain.row_hash(p, e, key=key)) if to_hmac else chain.legacy_hash

    problem = ""
    old_prev = new_prev = chain.GENESIS
    count = 0
    last = None
    batch = []
    for event in rows.iterator(chunk_size=2000):
        if not problem:
            if event.prev_hash != old_prev:
                problem = f"dòng #{event.pk} không nối tiếp dòng trước"
            elif old(old_prev, event) != event.hash:
                problem = f"dòng #{event.pk} đã bị sửa"
        old_prev = event.hash
        event.prev_hash = new_prev
        event.hash = new(new_prev, event)
        new_prev = event.hash
        batch.append(event)
        count += 1
        last = event
        if len(batch) >= 2000:
            Event.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        Event.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
    if to_hmac:
        note = Event(
            at=timezone.now(), actor=None, actor_name="hệ thống", action="audit.upgrade",
            object_type="audit", object_id="", unit_path="", before=None,
            after={"rows": count, "from": "sha256", "to": "hmac-sha256",
                   "old_chain": f"hỏng: {problem}" if problem else "toàn vẹn"},
            prev_hash=new_prev,
        )
        note.hash = new(new_prev, note)
        note.save(using=db)
        last, count = note, count + 1
    Head.objects.using(db).update_or_create(
        id=1, defaults={"last_id": last.pk, "last_hash": last.hash, "count": count})


def forwards(apps, schema_editor):
    _resign(apps, schema_editor, to_hmac=True)


def backwards(apps, schema_editor):
    _resign(apps, schema_editor, to_hmac=False)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="epoch",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(forwards, backwards),
    ]
