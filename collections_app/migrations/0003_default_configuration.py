"""Default buckets, risk-tier rules and result codes (collections_app/defaults.py)."""
from django.db import migrations

from collections_app.defaults import configuration_defaults_install


def forwards(apps, schema_editor):
    configuration_defaults_install(apps)


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
