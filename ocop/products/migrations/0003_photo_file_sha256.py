from django.db import migrations


class Migration(migrations.Migration):
    """The checksum beside a FileField is named `<field>_sha256`, so `manage.py files_verify` checks it."""

    dependencies = [("products", "0002_productphoto_product_gtin_product_ip_status_and_more")]

    operations = [migrations.RenameField("productphoto", "sha256", "file_sha256")]
