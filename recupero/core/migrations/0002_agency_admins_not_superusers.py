"""Agency administrators were Django superusers, which let them see and edit every agency's rows in /admin/.
Their role's `core.admin_site` capability now opens a tenant-scoped admin: the superuser flag goes."""

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("core", "User")
    User.objects.filter(tenant__isnull=False, is_superuser=True).update(is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
