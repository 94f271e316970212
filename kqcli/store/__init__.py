"""The store: everything that touches the disk or git for kq, one module per job.

``root`` finds the repository, ``clock`` reads the wall clock, ``settings`` reads kq.yaml and
caches its verdict, ``files`` scans ``customers/`` and signs each file, ``index`` keeps the
incremental SQLite index and ``agenda``/``cards``/``warm`` what is kept in it (kq due's
reminders, month-end cards, whole answers), ``yamlread``/``validate`` read a file into models and
located problems, ``yamledit``/``writer`` write one back byte-preserving, atomically and
committed, ``gitlog`` runs git, ``names`` turns what a user typed into a customer id, and
``schema_file`` keeps ``.kq/schema.json`` for editors. ``repo.Repo`` puts them together for the
commands (:mod:`kqcli.cli`).
"""
