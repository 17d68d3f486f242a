"""The ``legal-status`` command line: a thin layer over the library.

Exit codes: 0 all good; 1 expectation mismatches (``test``); 2 invalid input or usage;
3 an internal error (a bug: please report it). No Python traceback reaches the user.
"""

from __future__ import annotations

import click

from engine.interfaces._cmd_evaluate import compare, evaluate
from engine.interfaces._cmd_explain import explain
from engine.interfaces._cmd_info import readings, schema, validate
from engine.interfaces._cmd_serve import serve
from engine.interfaces._cmd_test import check_cmd, test_cmd
from engine.interfaces._term import no_color_option


@click.group()
@click.version_option(package_name="legal-status", prog_name="legal-status")
def main() -> None:
    """How each reading of the 9/10 November 2020 statement and GC III classifies a detainee."""


main.params.append(no_color_option())
for _command in (evaluate, compare, explain, readings, validate, test_cmd, check_cmd, schema,
                 serve):
    _command.params.append(no_color_option())
    main.add_command(_command)


if __name__ == "__main__":
    main()
