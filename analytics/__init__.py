"""Receptor screening and source tracing on the park model in PostGIS.

Each analysis is a module with a typed, bounded parameter model and a function; the registry
(:mod:`analytics.registry`) lists them for the Python API, the CLI and the OGC API Processes.
"""
