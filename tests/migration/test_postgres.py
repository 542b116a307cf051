"""PostgreSQL for the migration, on two real servers: copy, ordered-row digests, freeze, default logins."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

from network.lab.systems.cluster import Cluster
from network.lab.systems.data import fill_database
from network.migration import postgres
from network.migration.endpoints import Database
from tests.migration.conftest import have_postgres

PASSWORD = "pg-test-Pw-3"
REF = "env:EGOV_TEST_PG_PASSWORD"
ROWS = 292  # 0.3 MB of 1 kB cases


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Cluster, Cluster]]:
    if not have_postgres():
        pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql")
    os.environ["EGOV_TEST_PG_PASSWORD"] = PASSWORD
    source, target = Cluster("src", "127.0.83.1", PASSWORD), Cluster("tgt", "127.0.83.2", PASSWORD)
    try:
        source.start()
        target.start()
        yield source, target
    finally:
        source.stop()
        target.stop()
        os.environ.pop("EGOV_TEST_PG_PASSWORD", None)


def _db(cluster: Cluster, name: str) -> Database:
    return Database(
        host=cluster.address, port=cluster.port, dbname=name, user=name, password=REF,
        admin_user="egov_admin", admin_password=REF,
    )  # fmt: skip


@pytest.fixture
def pair(servers: tuple[Cluster, Cluster], request: pytest.FixtureRequest) -> tuple[Database, Database]:
    """A fresh source database with data, and its (empty) target; same role on both sides."""
    source, target = servers
    name = "t_" + request.node.name.split("[")[0].removeprefix("test_")[:40]
    for cluster in servers:
        cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'DROP ROLE IF EXISTS "{name}"')
        cluster.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{PASSWORD}'")
    assert fill_database(source, name, name, 0.3) == ROWS
    return _db(source, name), _db(target, name)


def _sql(db: Database, *statements: str) -> None:
    with psycopg.connect(
        host=db.host, port=db.port, dbname=db.dbname, user=db.user, password=PASSWORD, autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement.encode())


def test_a_copy_has_the_same_tables_rows_and_sequences(pair: tuple[Database, Database]) -> None:
    source, target = pair
    copied = postgres.copy_database(source, target)
    assert copied.bytes > 0
    a, b = postgres.table_digests(source), postgres.table_digests(target)
    assert set(a["tables"]) == {"public.cases", "public.attachments", "public.audit"}
    assert a["tables"]["public.cases"]["rows"] == ROWS
    assert a["sequences"] == {"public.cases_id_seq": ROWS}
    assert postgres.compare_digests(a, b) == []
    assert a == {**b, "database": a["database"]}


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (f"DELETE FROM cases WHERE id = {ROWS - 1}",  # a case without attachments (they go every third)
         f"table public.cases: {ROWS} rows on the source, {ROWS - 1} on the target"),
        ("UPDATE cases SET amount = amount + 0.01 WHERE id = 17",
         f"table public.cases: same row count ({ROWS}), different rows"),
        ("UPDATE audit SET what = 'edited' WHERE at = (SELECT min(at) FROM audit)",  # a table without a key
         f"table public.audit: same row count ({ROWS // 10}), different rows"),
        ("SELECT setval('cases_id_seq', 999)",
         f"sequence public.cases_id_seq: {ROWS} on the source, 999 on the target"),
        ("CREATE TABLE extra (x int)", "table public.extra only on the target"),
    ],
)  # fmt: skip
def test_every_damage_on_the_target_is_found(
    pair: tuple[Database, Database], damage: str, expected: str
) -> None:
    source, target = pair
    postgres.copy_database(source, target)
    _sql(target, damage)
    problems = postgres.compare_digests(postgres.table_digests(source), postgres.table_digests(target))
    assert problems == [expected]


def test_digests_do_not_depend_on_physical_order_or_server_settings(pair: tuple[Database, Database]) -> None:
    source, target = pair
    postgres.copy_database(source, target)
    # Rewrite the keyless table in another physical order, and give the target another time zone.
    _sql(target, "CREATE TABLE audit2 AS SELECT * FROM audit ORDER BY what DESC", "DELETE FROM audit",
         "INSERT INTO audit SELECT * FROM audit2", "DROP TABLE audit2")  # fmt: skip
    admin = Database(**{**target.model_dump(), "user": "egov_admin"})
    _sql(admin, f"ALTER DATABASE \"{target.dbname}\" SET timezone TO 'Asia/Shanghai'")
    assert postgres.compare_digests(postgres.table_digests(source), postgres.table_digests(target)) == []


def test_freeze_refuses_writes_until_unfrozen(pair: tuple[Database, Database]) -> None:
    source, _ = pair
    postgres.freeze(source)
    assert postgres.is_frozen(source)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        _sql(source, "UPDATE cases SET title = 'x' WHERE id = 1")
    postgres.unfreeze(source)
    assert not postgres.is_frozen(source)
    _sql(source, "UPDATE cases SET title = title WHERE id = 1")


def test_default_logins_are_found(servers: tuple[Cluster, Cluster], pair: tuple[Database, Database]) -> None:
    source, _ = servers
    assert postgres.accepted_defaults(pair[0]) == []  # the lab's superuser is egov_admin, no postgres role
    source.execute("CREATE ROLE postgres LOGIN PASSWORD 'postgres'")
    try:
        assert postgres.accepted_defaults(pair[0]) == ["postgres/postgres"]
    finally:
        source.execute("DROP ROLE postgres")


def test_a_failed_copy_names_the_database_and_the_tool(
    pair: tuple[Database, Database], servers: tuple[Cluster, Cluster]
) -> None:
    source, target = pair
    broken = Database(**{**target.model_dump(), "user": "no_such_role"})
    with pytest.raises(postgres.DatabaseError, match="no_such_role"):
        postgres.copy_database(source, broken)
    assert postgres.drop(target) is False  # nothing half-made was left behind under the real name


def test_drop_removes_the_target(pair: tuple[Database, Database]) -> None:
    source, target = pair
    postgres.copy_database(source, target)
    assert postgres.size(target) > 0
    assert postgres.drop(target) is True and postgres.size(target) == 0
