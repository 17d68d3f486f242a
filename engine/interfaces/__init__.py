"""Layer 6, interfaces: the front ends through which people and programs drive the engine.

Owns the ``legal-status`` command line (:mod:`.cli`, with its shared options, notes and exit-code
guard in :mod:`._shared`, its output in :mod:`._output` and ``check``'s work per reading in
:mod:`._check`; the only modules that import click) and
the pytest plugin that collects case files with ``expect`` blocks (:mod:`.pytest_plugin`, registered
as the ``legal_status`` entry point, the only module that imports pytest). Each reads input,
calls the layers below, writes what a renderer returns, and maps errors to exit codes.

May import: every layer below.
"""
