"""Bridges to the tools a team already uses: pandera schemas, Great Expectations suites.

Each bridge imports its library only inside its own module, so the core audit and the
command line start without them; they are the optional extras `pandera` and `gx`.
"""
