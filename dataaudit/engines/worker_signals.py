"""Imported where `--jobs` workers start: they leave Ctrl-C and SIGTERM to the parent.

A terminal sends Ctrl-C's SIGINT to the whole process group, and a container's stop may send
SIGTERM to every process. A worker ended by one, even between its fork and its first chunk,
leaves its siblings blocked handing back results nobody reads, and the run hangs (Python 3.11's
process pool). The fork server imports this module before it saves the signal handlers its
children restore, so every worker ignores both from its first instruction, and the parent
alone stops the pass and shuts the pool down in order; a spawned worker imports it first thing.
Nowhere else: importing it changes the importing process's handlers.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
