"""The timeline stores codes and names, not translated sentences: existing rows are parsed back.

Labels were stored as rendered ("审核人 王*梅", "居民 王*梅", "平台（代居民 王*梅 提交）", "居民") and so
were the portal's own notes (the expiry reason, "认领人放弃认领。", "修改了：标题、心愿描述"), in Chinese or,
for whoever used the English pages, in English. Both spellings are recognised; a row that matches
none keeps its text and shows it as it is. The reverse writes the Chinese sentences back.
"""

import re

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Concat, Substr
from django.utils import translation
from django.utils.translation import gettext

BATCH = 2000


def _texts() -> list[dict[str, str]]:
    """The sentences as they were stored: the Chinese msgids, then their English translations."""
    found = []
    for language in (None, "en"):
        with translation.override(language):
            found.append(
                {
                    "moderator": gettext("审核人 %(name)s"),
                    "resident": gettext("居民 %(name)s"),
                    "partner": gettext("%(partner)s（代居民 %(name)s 提交）"),
                    "resident_alone": gettext("居民"),
                    "expired": gettext("超过完成期限未完成，自动释放回心愿墙。"),
                    "given_up": gettext("认领人放弃认领。"),
                    "edited": gettext("修改了：%(fields)s"),
                }
            )
    return found


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$")


def _field_names(Wish) -> dict[str, str]:
    names = {}
    for language in (None, "en"):
        with translation.override(language):
            # A historical model's verbose names are the plain msgids: translate them here.
            fields = [f for f in Wish._meta.get_fields() if hasattr(f, "verbose_name")]
            names.update({gettext(str(f.verbose_name)): f.name for f in fields})
    return names


def forward(apps, schema_editor):
    WishEvent = apps.get_model("wishes", "WishEvent")
    WishClaim = apps.get_model("wishes", "WishClaim")
    Wish = apps.get_model("wishes", "Wish")
    blank = WishEvent.objects.filter(actor_kind="")
    for texts in _texts():
        for kind in ("moderator", "resident"):
            prefix = texts[kind].split("%(name)s")[0]
            blank.filter(actor_label__startswith=prefix).update(
                actor_kind=kind, actor_label=Substr("actor_label", len(prefix) + 1)
            )
        partner = _pattern(texts["partner"])
        changed = []
        for event in blank.filter(kind="submitted").exclude(actor_label="").only("actor_label").iterator():
            match = partner.match(event.actor_label)
            if match:
                event.actor_kind = "partner"
                event.actor_label, event.actor_via = match["name"][:100], match["partner"][:100]
                changed.append(event)
        WishEvent.objects.bulk_update(changed, ["actor_kind", "actor_label", "actor_via"], batch_size=BATCH)
        blank.filter(kind="confirmed", actor__isnull=True, actor_label=texts["resident_alone"]).update(
            actor_kind="resident", actor_label=""
        )
        for code in ("expired", "given_up"):
            WishEvent.objects.filter(kind="released", note_code="", note=texts[code]).update(
                note_code=code, note=""
            )
        edited, names, changed = _pattern(texts["edited"]), _field_names(Wish), []
        for event in WishEvent.objects.filter(kind="edited", note_code="").only("note").iterator():
            match = edited.match(event.note)
            labels = re.split(r"[、,]\s*", match["fields"]) if match else []
            if labels and all(label in names for label in labels):
                event.note_code, event.note = "edited", ",".join(names[label] for label in labels)
                changed.append(event)
        WishEvent.objects.bulk_update(changed, ["note_code", "note"], batch_size=BATCH)
    # The rest follows from the step itself.
    blank.filter(kind__in=["claimed", "fulfilled"]).update(actor_kind="claimant")
    blank.filter(kind="submitted").update(actor_kind="resident")  # the demo's rows: the masked name alone
    blank.filter(kind="confirmed", actor__isnull=False).update(actor_kind="staff")
    WishEvent.objects.filter(kind="released", note_code="expired", actor__isnull=True).update(
        actor_kind="system"
    )
    own = WishClaim.objects.filter(wish=OuterRef("wish"), claimed_by=OuterRef("actor"))
    blank.filter(kind="released", actor__isnull=False).filter(Exists(own)).update(actor_kind="claimant")
    blank.filter(kind="released", actor__isnull=False).update(actor_kind="staff")


def backward(apps, schema_editor):
    WishEvent = apps.get_model("wishes", "WishEvent")
    Wish = apps.get_model("wishes", "Wish")
    [texts] = _texts()[:1]
    for kind in ("moderator", "resident"):
        prefix = texts[kind].split("%(name)s")[0]
        WishEvent.objects.filter(actor_kind=kind).exclude(actor_label="").update(
            actor_label=Concat(Value(prefix), "actor_label")
        )
    WishEvent.objects.filter(actor_kind="resident", actor_label="").update(
        actor_label=texts["resident_alone"]
    )
    changed = []
    for event in WishEvent.objects.filter(actor_kind="partner").iterator():
        event.actor_label = (texts["partner"] % {"partner": event.actor_via, "name": event.actor_label})[:100]
        changed.append(event)
    for code in ("expired", "given_up"):
        WishEvent.objects.filter(note_code=code).update(note=texts[code])
    with translation.override(None):
        labels = {f.name: str(f.verbose_name) for f in Wish._meta.get_fields() if hasattr(f, "verbose_name")}
    for event in WishEvent.objects.filter(note_code="edited").iterator():
        fields = "、".join(labels.get(name, name) for name in event.note.split(",") if name)
        event.note = (texts["edited"] % {"fields": fields})[:500]
        changed.append(event)
    WishEvent.objects.bulk_update(changed, ["actor_label", "note"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("wishes", "0003_wgap_submit_tokens_team_participants"),
    ]

    operations = [
        migrations.AddField(
            model_name="wishevent",
            name="actor_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("resident", "居民"),
                    ("partner", "合作系统代居民"),
                    ("moderator", "审核人"),
                    ("claimant", "认领方"),
                    ("staff", "工作人员"),
                    ("system", "系统"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="wishevent",
            name="actor_via",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="wishevent",
            name="note_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("expired", "超过完成期限未完成，自动释放回心愿墙。"),
                    ("given_up", "认领人放弃认领。"),
                    ("edited", "修改"),
                ],
                max_length=10,
            ),
        ),
        migrations.RunPython(forward, backward, elidable=True),
    ]
