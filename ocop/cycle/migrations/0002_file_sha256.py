from django.db import migrations


class Migration(migrations.Migration):
    """The checksum beside a FileField is named `<field>_sha256`, so `manage.py files_verify` checks it."""

    dependencies = [("cycle", "0001_initial")]

    operations = [
        migrations.RenameField("document", "sha256", "file_sha256"),
        migrations.RenameField("planattachment", "sha256", "file_sha256"),
    ]
