import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    """Certificates issued before this field keep their producer's unit as it is now (the best there is)."""
    Certificate = apps.get_model("certification", "Certificate")
    Product = apps.get_model("products", "Product")
    unit = Product.objects.filter(pk=OuterRef("product_id")).values("producer__unit_id")[:1]
    Certificate.objects.filter(producer_unit__isnull=True).update(producer_unit_id=Subquery(unit))


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_paper_origin"),
        ("geo", "0001_initial"),
        ("products", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="producer_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.adminunit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
