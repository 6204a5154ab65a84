from django.db import migrations

# The specialties Jiangbei's 温暖星期五 teams and the city's volunteer network group people by.
SPECIALTIES = [
    ("medical", "医疗"),
    ("arts", "文艺"),
    ("education", "教育"),
    ("legal", "法律援助"),
    ("psychology", "心理"),
    ("repair", "维修"),
    ("photography", "摄影"),
    ("elderly", "助老助残"),
    ("environment", "环境整治"),
    ("patrol", "治安巡逻"),
    ("policy", "政策宣传"),
    ("mediation", "矛盾调解"),
]


def add_specialties(apps, schema_editor):
    Specialty = apps.get_model("volunteers", "Specialty")
    for order, (code, name) in enumerate(SPECIALTIES):
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_specialties, migrations.RunPython.noop)]
