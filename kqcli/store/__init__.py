"""The store: everything that touches the disk for kq, one module per job.

``root`` finds the repository (and today), ``settings`` reads kq.yaml and caches its verdict,
``names`` turns what a user typed into a customer id and a path, ``schema_file`` keeps
``.kq/schema.json`` for editors, ``progress`` draws the indexing bar. The index, the writer,
YAML reading and editing and git still live beside it (``kqcli/index.py``, ``writer.py``,
``yamlread.py``, ``yamledit.py``, ``gitlog.py``); ``kqcli.repo.Repo`` puts them together.
"""
