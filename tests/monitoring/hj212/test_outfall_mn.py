from __future__ import annotations

import pytest
import sqlalchemy as sa

from monitoring.hj212.codec import FrameError
from monitoring.hj212.store import MnDirectory


def test_outfall_mn_maps_to_its_online_station_or_is_unknown(station_engine: sa.Engine) -> None:
    with station_engine.begin() as c:
        (lon, lat) = c.execute(
            sa.text("SELECT ST_X(geom), ST_Y(geom) FROM stations WHERE code = 'OL-01'")
        ).one()
        c.execute(sa.text("ALTER TABLE outfalls DISABLE TRIGGER ALL"))
        for code, mn, dlon in (("X-DW001", "A0000000000001", 0.0002), ("X-DW002", "A02", 0.01)):
            c.execute(
                sa.text(
                    "INSERT INTO outfalls (code, credit_code, kind, mn, geom) VALUES "
                    "(:code, '91321283MA25XRUQ2P', 'wastewater', :mn, "
                    "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
                ),
                {"code": code, "mn": mn, "lon": lon + dlon, "lat": lat},
            )
    directory = MnDirectory(station_engine)
    assert directory.station_for("32128332608426") == "OL-01"  # a station's own MN
    assert directory.station_for("A0000000000001") == "OL-01"  # ~19 m from OL-01
    with pytest.raises(FrameError, match="X-DW002"):
        directory.station_for("A02")  # ~950 m away: no online station at that outfall
