"""The pure core: rules, dates and scoring over loaded customers. No file, git or terminal I/O."""
