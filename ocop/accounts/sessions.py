"""Sessions kept in the database (the engine without a shared cache), read by one plain statement.

Django's database store reads the session through the ORM on every signed-in request: building and compiling
that one query cost a tenth of a list page's Python, more than the database takes to answer it (issue 19).
The statement is the ORM's own query written once: the data of this key while its expiry is ahead. Writing,
expiring and clearing sessions stay Django's.
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone


@functools.cache
def _read_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    column = {field.name: quote(field.column) for field in Session._meta.fields}
    return (
        f"SELECT {column['session_data']} FROM {quote(Session._meta.db_table)} "  # noqa: S608 (names from the model)
        f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        alias = router.db_for_read(Session)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_read_sql(alias), [self.session_key, now])
            found = cursor.fetchone()
        if found is None:  # as Django's store: an unknown or expired key is no session
            self._session_key = None
            return {}
        return self.decode(found[0])
