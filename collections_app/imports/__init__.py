"""Placement and status-feed import: readers (CSV/XLSX, encodings), typed parsers, declarative
mapping profiles, set-based writers and the engine that applies a file in committed chunks.
The entry points are the services in :mod:`collections_app.services.placements`."""
