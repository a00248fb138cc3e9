"""Exceedances layer; derived station status fields (generated from the registry, reviewed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:48:23.218179
"""

from __future__ import annotations

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table('exceedances',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('station_code', sa.Text(), nullable=False, comment='站点编码 / Station code'),
    sa.Column('parameter', sa.Text(), nullable=False, comment='监测因子 / Parameter (HJ 212 code)'),
    sa.Column('period', sa.Text(), nullable=False, comment='平均时间 / Averaging period'),
    sa.Column('start_time', postgresql.TIMESTAMP(timezone=True), nullable=False, comment='开始时间 / Start'),
    sa.Column('end_time', postgresql.TIMESTAMP(timezone=True), nullable=False, comment='结束时间 / End (last value)'),
    sa.Column('peak', sa.Double(), nullable=True, comment='峰值 / Peak'),
    sa.Column('peak_time', postgresql.TIMESTAMP(timezone=True), nullable=True, comment='峰值时间 / Peak time'),
    sa.Column('limit_value', sa.Double(), nullable=True, comment='限值 / Limit'),
    sa.Column('unit', sa.Text(), nullable=True, comment='单位 / Unit'),
    sa.Column('standard', sa.Text(), nullable=False, comment='执行标准 / Standard'),
    sa.Column('edition', sa.Text(), nullable=True, comment='版本 / Edition'),
    sa.Column('quality_class', sa.Text(), nullable=True, comment='类别 / Class'),
    sa.Column('trace_process', sa.Text(), nullable=True, comment='建议溯源分析 / Suggested trace (OGC API process)'),
    sa.Column('trace_inputs', sa.Text(), nullable=True, comment='溯源参数 / Trace inputs (JSON)'),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"parameter" ~ \'^[a-z][0-9]{5}$\'', name=op.f('ck_exceedances_parameter_pattern')),
    sa.CheckConstraint('"period" IN (\'1h\', \'8h\', \'24h\', \'annual\', \'sample\')', name=op.f('ck_exceedances_period_enum')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_exceedances_geom_valid')),
    sa.ForeignKeyConstraint(['station_code'], ['stations.code'], name=op.f('fk_exceedances_station_code'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exceedances')),
    sa.UniqueConstraint('station_code', 'parameter', 'period', 'start_time', 'standard', name=op.f('uq_exceedances_station_code_parameter_period_start_time_standard'))
    )
    op.create_geospatial_index('idx_exceedances_geom', 'exceedances', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.add_column('stations', sa.Column('status', sa.Text(), nullable=True, comment='站点状态 / Status'))
    op.add_column('stations', sa.Column('status_time', postgresql.TIMESTAMP(timezone=True), nullable=True, comment='状态时间 / Status as of'))
    op.add_column('stations', sa.Column('latest_time', postgresql.TIMESTAMP(timezone=True), nullable=True, comment='最新数据时间 / Latest data'))
    op.add_column('stations', sa.Column('exceeding_parameters', sa.Text(), nullable=True, comment='超标因子 / Exceeding parameters'))
    op.add_column('stations', sa.Column('latest_values', sa.Text(), nullable=True, comment='最新监测值 / Latest values'))
    # Autogenerate sees neither CHECK constraints nor geospatial table comments.
    op.create_check_constraint(
        op.f("ck_stations_status_enum"),
        "stations",
        "\"status\" IN ('normal', 'exceeding', 'offline', 'no_data')",
    )
    op.create_table_comment("exceedances", "超标事件 / Exceedance events")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_stations_status_enum"), "stations", type_="check")
    op.drop_column('stations', 'latest_values')
    op.drop_column('stations', 'exceeding_parameters')
    op.drop_column('stations', 'latest_time')
    op.drop_column('stations', 'status_time')
    op.drop_column('stations', 'status')
    op.drop_geospatial_index('idx_exceedances_geom', table_name='exceedances', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('exceedances')
