"""One declaration per report kind (collected in :data:`reports.REGISTRY`)."""
