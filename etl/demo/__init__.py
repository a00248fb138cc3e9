"""A deterministic demo industrial park: every layer's file, generated from a seed.

:func:`etl.demo.generate.generate` writes the park, its zones, enterprises, rivers, sewers,
outfalls, receptors, stations, a year of observations, the truth of injected pollution episodes,
a DEM and a population grid. ``onemap demo generate`` and ``onemap demo load`` drive it.
"""
