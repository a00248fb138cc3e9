"""Pollution-source supervision (Jiangsu 7.4): discharge loads per outfall, permitted totals
and their warnings, and the registers enterprises declare themselves.

Reads the park model through ``layers`` and the judgement's limits through
``monitoring.quality``; nothing below imports this package.
"""
