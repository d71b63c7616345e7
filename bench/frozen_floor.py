"""The MkDocs hook of the benchmark's frozen floor: MkDocs with no citation plugin, doing only
the one thing bibcite does to the whole process, at the same event.

When bibcite loads its bibliography (on_config, `bibliography.long_lived`), it sets every object
then alive aside from the cyclic garbage collector's scans (`gc.freeze`): its own, and MkDocs',
Material's and every imported module's too. The collector then has less to scan in each full
collection and at exit, which makes the rest of the build faster by an amount that does not grow
with the site. Over this floor, bibcite's overhead is its own work without that saving.
"""

import gc


def on_config(config):
    gc.freeze()
    return config
