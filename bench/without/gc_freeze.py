"""MkDocs hook for bench/mechanisms.py: the garbage collector runs as usual while bibcite
makes its bibliography, and scans it afterwards, instead of being paused and frozen."""

from contextlib import nullcontext

from bibcite.bibliography import disk_cache, load

load.long_lived = disk_cache.long_lived = nullcontext
