"""The command line: the console script, the Typer app, one module per command, and what prints
(render, tables as text, labels, the pager). Empty, so that the console script imports nothing
heavy on its way to a kept answer."""
