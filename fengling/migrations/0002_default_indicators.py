from django.db import migrations


def load_defaults(apps, schema_editor):
    from fengling.defaults import load

    load(apps.get_model("fengling", "IndicatorSet"), apps.get_model("fengling", "Behaviour"))


class Migration(migrations.Migration):
    dependencies = [("fengling", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
