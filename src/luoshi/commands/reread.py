"""``luoshi reread ID… | --all``: read stored reports again with today's reader (track.reread),
one transaction per report; ``--dry-run`` says what would change and changes nothing."""

from __future__ import annotations

import json
import sys

import click

from ..track.cliutil import DB_OPTION, fail


class _Undo(Exception):
    """Raised out of a dry run's transaction so that it rolls back, carrying what it found."""

    def __init__(self, result) -> None:
        self.result = result


def _line(r) -> str:
    """One line per report, for people."""
    from ..labels import zh

    head = (f"report {r.report_id}: {r.status}{' (dry run)' if r.dry_run else ''}; figures "
            f"{r.figures[0]} → {r.figures[1]} (+{len(r.added)} −{len(r.removed)} ~{len(r.changed)}), "
            f"outline nodes {r.nodes[0]} → {r.nodes[1]}, qualitative targets {r.qualitative[0]} → {r.qualitative[1]}; "
            f"tasks re-anchored {len(r.anchored)}, not re-anchored {len(r.loose)}")
    lines = [head]
    lines += [f"  metadata {k}: {old!r} → {new!r}" for k, (old, new) in r.metadata.items()]
    lines += [f"  + figure {f.id} {f.indicator} {f.value:g}{f.unit} [{f.start}:{f.end}]" for f in r.added]
    lines += [f"  − figure {f.id} {f.indicator} {f.value:g}{f.unit} [{f.start}:{f.end}]" for f in r.removed]
    lines += [f"  ~ figure {c.id} [{c.start}:{c.end}] " + ", ".join(f"{k}: {a!r} → {b!r}" for k, (a, b) in c.fields.items())
              for c in r.changed]
    lines += [f"  ! task {t.task_id} (no. {t.number}) not re-anchored: {zh('reread_loose', t.reason)} — "
              f"{t.text if len(t.text) <= 40 else t.text[:39] + '…'}" for t in r.loose]
    return "\n".join(lines)


@click.command("reread")
@click.argument("report_ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every stored report (each version).")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@DB_OPTION
def command(report_ids: tuple[int, ...], every: bool, dry_run: bool, fmt: str, db_url: str | None) -> None:
    """Read stored reports again with this luoshi's reader: their outline, figures, qualitative
    targets, search rows and read metadata are replaced; tasks and all tracking stay, re-anchored
    to the new reading (those that cannot be are listed). One transaction per report."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from .. import store
    from ..cli import _open_db
    from ..errors import LuoshiError
    from ..store import Report
    from ..track.actor import SYSTEM
    from ..track.reread import reread

    if bool(report_ids) == every:
        fail("give report ids or --all (not both)")
    _url, sessions = _open_db(db_url)
    failed = 0
    try:
        with sessions() as s:
            known = set(s.scalars(select(Report.id)))
        ids = sorted(known) if every else list(dict.fromkeys(report_ids))
        unknown = [i for i in ids if i not in known]
        if unknown:  # before anything is read: nothing changes
            fail(f"no report {', '.join(map(str, unknown))} (see `luoshi search` or the library for ids)")
        for rid in ids:
            try:
                with store.write_transaction(sessions) as s:
                    r = reread(s, rid, SYSTEM, dry_run=dry_run)
                    if dry_run:  # done and undone: the transaction rolls back
                        raise _Undo(r)
            except _Undo as u:
                r = u.result
            except LuoshiError as e:
                failed += 1
                click.echo(f"luoshi: error: {e}", err=True)
                continue
            except SQLAlchemyError as e:
                failed += 1
                click.echo(f"luoshi: error: report {rid}: database: "
                           + str(getattr(e, "orig", None) or e).strip().splitlines()[0], err=True)
                continue
            click.echo(json.dumps(r.to_dict(), ensure_ascii=False) if fmt == "jsonl" else _line(r))
    finally:
        store.close(sessions)
    if failed:
        click.echo(f"luoshi: {failed} of {len(ids)} report(s) could not be read again (left as they were)", err=True)
        sys.exit(1)
