"""The ``legal-status`` command line: a thin layer over the library.

Exit codes: 0 all good; 1 expectation mismatches (``test``); 2 invalid input or usage;
3 an internal error (a bug: please report it); 130 interrupted (Ctrl-C). No Python traceback
reaches the user.

Each command's module is imported when that command is looked up (run, completed or listed in
``--help``), so ``legal-status evaluate`` does not wait for the imports of ``compare``'s search,
``check``'s verifier, the HTML report or the service.
"""

from __future__ import annotations

import importlib

import click

from engine.interfaces._term import no_color_option

#: Each command's name, and the module and attribute that define it.
COMMANDS: dict[str, tuple[str, str]] = {
    "evaluate": ("_cmd_evaluate", "evaluate"),
    "compare": ("_cmd_compare", "compare"),
    "explain": ("_cmd_explain", "explain"),
    "readings": ("_cmd_info", "readings"),
    "validate": ("_cmd_info", "validate"),
    "test": ("_cmd_test", "test_cmd"),
    "check": ("_cmd_test", "check_cmd"),
    "schema": ("_cmd_info", "schema"),
    "serve": ("_cmd_serve", "serve"),
}


class _Commands(click.Group):
    """A group whose commands are imported on first look-up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, sorted as click sorts them, none imported."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, its module imported the first time it is asked for."""
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attr = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"engine.interfaces.{module}"), attr)
            command.params.append(no_color_option())
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands)
@click.version_option(package_name="legal-status", prog_name="legal-status")
def main() -> None:
    """How each reading of the 9/10 November 2020 statement and GC III classifies a detainee."""


main.params.append(no_color_option())


if __name__ == "__main__":
    main()
