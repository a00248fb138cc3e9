"""Telling people, whatever about: recipients, channels (e-mail, webhook), delivery with
retries, and the log of every attempt.

The rooms that have something to tell (``monitoring``: alerts; ``cases``: assignments and
deadlines) say *what* and *to whom*; this package says *how*. It imports only ``accounts``'
tables and ``layers``' naming convention, so every room may use it.
"""
