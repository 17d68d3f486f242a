"""What the ``legal-status`` commands share: their common options, the notes they print on
standard error, and the guard that turns errors into exit codes without a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import click

from engine.base.errors import EngineError, OutputError
from engine.base.pool import WorkerCrash, default_jobs
from engine.cases.claims import UNCONTESTED, check_party
from engine.cases.load import CaseBatch
from engine.interfaces._output import silence_stdout
from engine.readings.load import ReadingSet
from engine.run.evaluate import (
    OWN,
    EngineChoice,
    durable_missing_note,
    fallback_warnings,
)

P = ParamSpec("P")
R = TypeVar("R")


#: The exit code after Ctrl-C: 128 + SIGINT, as a shell reports a command it interrupted.
INTERRUPTED = 130


def guard(fn: Callable[P, R]) -> Callable[P, R]:
    """Map engine errors to exit 2, anything unexpected to exit 3 and Ctrl-C to exit 130,
    without a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:  # the reader left early (`| head -1`): not an error at all
            silence_stdout()
            sys.exit(0)
        except OutputError as exc:
            silence_stdout()
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except EngineError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(2)
        except WorkerCrash as exc:  # not the input's fault: a bug or the system
            click.echo(f"internal error: {exc}", err=True)
            sys.exit(3)
        except KeyboardInterrupt:  # Ctrl-C: not "1" (mismatches), which click would say
            click.echo("interrupted: the run was stopped; its output is incomplete.", err=True)
            sys.exit(INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: say so plainly, never dump a traceback on the user
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in legal-status; please report it with the input.", err=True)
            sys.exit(3)

    return wrapper


def engine_note(engine: EngineChoice, rs: ReadingSet,
                 reading_ids: Sequence[str] = ()) -> None:
    if missing := durable_missing_note(engine):
        click.echo(f"note: {missing}.", err=True)
    for line in fallback_warnings(rs, reading_ids, engine):
        click.echo(f"warning: {line}", err=True)


rules_opt = click.option("--rules", "rules_dir", metavar="DIR",  # checked by load_readings
                          help="Folder of readings to use instead of the bundled ones.")
reading_opt = click.option("--reading", "-r", "reading_ids", multiple=True, metavar="ID",
                            help="Restrict to this reading (repeatable).")
engine_opt = click.option("--engine", type=click.Choice(["durable", "reference"]),
                           default="durable", show_default=True,
                           help="durable_rules (Rete) or the pure-Python reference evaluator "
                                "(which serves where durable_rules is not installed: Python "
                                "3.13+).")


def _check_account(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value in (OWN, UNCONTESTED):
        return value
    try:
        return check_party(value)
    except ValueError as exc:
        raise click.BadParameter(f"expected own, uncontested, or a party's id: {exc}") from None


#: Whose account of disputed facts to use; shared by every command that evaluates cases.
account_opt = click.option(
    "--account", default=OWN, show_default=True, metavar="own|uncontested|PARTY",
    callback=_check_account,
    help="Whose account of disputed facts each reading uses: its own declared account (its "
         "holder's, or the uncontested one), the uncontested one, or that of PARTY (AM, ICRC).")


def account_note(batch: CaseBatch | bool, account: str) -> None:
    """Say so when a party's account is asked for and that party claims nothing here
    (``batch``: the cases, or whether that party claims anything in them)."""
    if account in (OWN, UNCONTESTED):
        return
    claimed = batch if isinstance(batch, bool) else any(
        account in loaded.record.claimants() for loaded in batch.cases)
    if not claimed:
        click.echo(f"note: {account} makes no claim in the cases given; its account is the "
                   "uncontested one.", err=True)


#: Worker processes; the output is the same whatever the number.
jobs_opt = click.option(
    "--jobs", "-j", default=default_jobs(), show_default="the number of cores",
    type=click.IntRange(1, 1024),
    help="Processes to evaluate on; the output is the same, in the same order, as with 1.")
#: How case inputs are read.
input_format_opt = click.option(
    "--input-format", type=click.Choice(["auto", "yaml", "jsonl"]), default="auto",
    show_default=True,
    help="yaml: YAML or JSON documents; jsonl: JSON Lines, one case per line, read as a stream;"
         " auto: jsonl for *.jsonl files and for standard input whose first line is a JSON "
         "object, yaml otherwise.")

