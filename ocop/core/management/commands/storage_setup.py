"""Prepare the file storage once per installation: a private, versioned bucket (or the local folder),
then prove a write, a read and a delete work with the configured credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from ocop.core.storage import is_signed_url_storage


class Command(BaseCommand):
    help = "Create (with --create) and check the storage for uploaded files, certificates and reports."

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="create the bucket when it does not exist")

    def handle(self, *args, create, **options):
        if is_signed_url_storage():
            self._bucket(create)
        else:
            settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
            settings.MEDIA_ROOT.chmod(0o750)
            self.stdout.write(f"local storage: {settings.MEDIA_ROOT.name}/ under OCOP_DATA_DIR")
        name = default_storage.save("health/storage-setup.txt", ContentFile(b"ok"))
        try:
            with default_storage.open(name, "rb") as handle:
                if handle.read() != b"ok":
                    raise CommandError("The storage did not read back what was written.")
        finally:
            default_storage.delete(name)
        self.stdout.write("storage: write, read and delete work")

    def _bucket(self, create: bool) -> None:
        from botocore.exceptions import ClientError

        storage: Any = default_storage  # an S3Storage here
        client = storage.connection.meta.client
        bucket = storage.bucket_name
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket"} or not create:
                raise CommandError(f"Bucket {bucket!r} is not reachable: {error}") from error
            region = client.meta.region_name
            extra = (
                {}
                if region in (None, "us-east-1")
                else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            )
            client.create_bucket(Bucket=bucket, **extra)
            self.stdout.write(f"bucket {bucket}: created")
        # Private whatever an object's ACL says, and versioned so an overwrite or delete can be undone.
        for label, call in [
            (
                "public access blocked",
                lambda: client.put_public_access_block(
                    Bucket=bucket,
                    PublicAccessBlockConfiguration={
                        "BlockPublicAcls": True,
                        "IgnorePublicAcls": True,
                        "BlockPublicPolicy": True,
                        "RestrictPublicBuckets": True,
                    },
                ),
            ),
            (
                "versioning on",
                lambda: client.put_bucket_versioning(
                    Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
                ),
            ),
        ]:
            try:
                call()
            except ClientError as error:  # some S3-compatible servers lack one API or the other
                self.stderr.write(f"bucket {bucket}: could not set {label} ({error}); set it on the server")
            else:
                self.stdout.write(f"bucket {bucket}: {label}")
