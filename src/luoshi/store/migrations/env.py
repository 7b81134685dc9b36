"""Alembic environment. Runs on the engine that ``luoshi.store.open`` hands over in
``config.attributes["engine"]``; else on the ``sqlalchemy.url`` option, else LUOSHI_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from luoshi.store.db import create
from luoshi.store.models import Base
from luoshi.store.models.search import include_name

config = context.config
target_metadata = Base.metadata

# any number; the key of the advisory lock that serialises concurrent upgrades on PostgreSQL
LOCK_KEY = 0x6C756F73


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given: Engine | None = config.attributes.get("engine")
    engine = given or create(config.get_main_option("sqlalchemy.url") or None)
    own = given is None
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=conn.dialect.name == "sqlite", include_name=include_name)
            with context.begin_transaction():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
                context.run_migrations()
    finally:
        if own:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
