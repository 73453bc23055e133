"""People pages under /people/ (namespace ``people``), one module per sub-domain."""
