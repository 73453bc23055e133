"""Default candidate e-mail templates per stage kind (recruitment/defaults.py)."""
from django.db import migrations

from recruitment.defaults import email_templates_install


def forwards(apps, schema_editor):
    email_templates_install(apps)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
