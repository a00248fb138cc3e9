"""The park model, generated from the layer registry (layers.schema).

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 07:55:12.765002
"""

from __future__ import annotations

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table('enterprises',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False, comment='企业名称 / Enterprise name'),
    sa.Column('credit_code', sa.Text(), nullable=False, comment='统一社会信用代码 / Unified social credit code'),
    sa.Column('address', sa.Text(), nullable=True, comment='生产经营场所地址 / Site address'),
    sa.Column('industry_code', sa.Text(), nullable=True, comment='行业代码 / Industry code (GB/T 4754)'),
    sa.Column('industry_name', sa.Text(), nullable=True, comment='行业类别 / Industry'),
    sa.Column('env_contact', sa.Text(), nullable=True, comment='环保负责人 / Environmental contact'),
    sa.Column('phone', sa.Text(), nullable=True, comment='联系方式 / Phone'),
    sa.Column('risk_level', sa.Text(), nullable=True, comment='环境风险等级 / Environmental risk level (HJ 941)'),
    sa.Column('hazard_level', sa.Integer(), nullable=True, comment='重大危险源等级 / Major hazard level (GB 18218)'),
    sa.Column('key_discharger', sa.Boolean(), nullable=True, comment='重点排污单位 / Key discharger'),
    sa.Column('inspection_class', sa.Text(), nullable=True, comment='监管类别 / Inspection class (A/B/C)'),
    sa.Column('permit_no', sa.Text(), nullable=True, comment='排污许可证编号 / Discharge permit number'),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"credit_code" ~ \'^[0-9A-HJ-NPQRTUW-Y]{18}$\'', name=op.f('ck_enterprises_credit_code_pattern')),
    sa.CheckConstraint('"hazard_level" IN (0, 1, 2, 3, 4)', name=op.f('ck_enterprises_hazard_level_enum')),
    sa.CheckConstraint('"industry_code" ~ \'^[A-T]?[0-9]{2,4}$\'', name=op.f('ck_enterprises_industry_code_pattern')),
    sa.CheckConstraint('"inspection_class" IN (\'A\', \'B\', \'C\')', name=op.f('ck_enterprises_inspection_class_enum')),
    sa.CheckConstraint('"risk_level" IN (\'general\', \'larger\', \'major\')', name=op.f('ck_enterprises_risk_level_enum')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_enterprises_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_enterprises_credit_code'))
    )
    op.create_geospatial_index('idx_enterprises_geom', 'enterprises', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('park',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False, comment='园区编码 / Park code'),
    sa.Column('name', sa.Text(), nullable=False, comment='园区名称 / Park name'),
    sa.Column('admin_code', sa.Text(), nullable=True, comment='行政区编码 / Administrative division code'),
    sa.Column('address', sa.Text(), nullable=True, comment='详细地址 / Address'),
    sa.Column('level', sa.Text(), nullable=True, comment='园区级别 / Park level'),
    sa.Column('park_class', sa.Text(), nullable=True, comment='园区类别 / Park class'),
    sa.Column('planned_area_ha', sa.Double(), nullable=True, comment='规划面积 / Planned area'),
    sa.Column('developed_area_ha', sa.Double(), nullable=True, comment='开发面积 / Developed area'),
    sa.Column('boundary_desc', sa.Text(), nullable=True, comment='四至说明 / Four-boundary description'),
    sa.Column('industry_positioning', sa.Text(), nullable=True, comment='产业定位 / Industry positioning'),
    sa.Column('established', sa.Date(), nullable=True, comment='设立时间 / Date established'),
    sa.Column('plan_eia_name', sa.Text(), nullable=True, comment='规划环评名称 / Plan EIA name'),
    sa.Column('plan_eia_date', sa.Date(), nullable=True, comment='规划环评批复时间 / Plan EIA approval date'),
    sa.Column('plan_eia_authority', sa.Text(), nullable=True, comment='规划环评批复部门 / Plan EIA approval authority'),
    sa.Column('plan_eia_no', sa.Text(), nullable=True, comment='规划环评批复文号 / Plan EIA approval number'),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"admin_code" ~ \'^[0-9]{6}$\'', name=op.f('ck_park_admin_code_pattern')),
    sa.CheckConstraint('"developed_area_ha" >= 0', name=op.f('ck_park_developed_area_ha_min')),
    sa.CheckConstraint('"level" IN (\'national\', \'provincial\', \'municipal\', \'county\')', name=op.f('ck_park_level_enum')),
    sa.CheckConstraint('"park_class" IN (\'I\', \'II\', \'III\')', name=op.f('ck_park_park_class_enum')),
    sa.CheckConstraint('"planned_area_ha" >= 0', name=op.f('ck_park_planned_area_ha_min')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_park_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_park')),
    sa.UniqueConstraint('code', name=op.f('uq_park_code'))
    )
    op.create_geospatial_index('idx_park_geom', 'park', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('receptors',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False, comment='名称 / Name'),
    sa.Column('category', sa.Text(), nullable=False, comment='类别 / Category'),
    sa.Column('population', sa.Integer(), nullable=True, comment='人口 / Population'),
    sa.Column('air_sensitive', sa.Boolean(), nullable=True, comment='大气敏感 / Air sensitive'),
    sa.Column('water_sensitive', sa.Boolean(), nullable=True, comment='水敏感 / Water sensitive'),
    sa.Column('address', sa.Text(), nullable=True, comment='地址 / Address'),
    sa.Column('geom', Geometry(srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint("GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')", name=op.f('ck_receptors_geom_type')),
    sa.CheckConstraint('"category" IN (\'residential\', \'school\', \'hospital\', \'office\', \'water_intake\', \'ecological\', \'other\')', name=op.f('ck_receptors_category_enum')),
    sa.CheckConstraint('"population" >= 0', name=op.f('ck_receptors_population_min')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_receptors_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receptors')),
    sa.UniqueConstraint('name', name=op.f('uq_receptors_name'))
    )
    op.create_geospatial_index('idx_receptors_geom', 'receptors', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('rivers',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False, comment='河流名称 / River name'),
    sa.Column('reach_code', sa.Text(), nullable=False, comment='河段编码 / Reach code'),
    sa.Column('target_class', sa.Text(), nullable=True, comment='水质目标 / Target class (GB 3838)'),
    sa.Column('velocity_ms', sa.Double(), nullable=True, comment='平均流速 / Mean velocity'),
    sa.Column('geom', Geometry(geometry_type='LINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"target_class" IN (\'I\', \'II\', \'III\', \'IV\', \'V\')', name=op.f('ck_rivers_target_class_enum')),
    sa.CheckConstraint('"velocity_ms" <= 10', name=op.f('ck_rivers_velocity_ms_max')),
    sa.CheckConstraint('"velocity_ms" >= 0', name=op.f('ck_rivers_velocity_ms_min')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_rivers_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rivers')),
    sa.UniqueConstraint('reach_code', name=op.f('uq_rivers_reach_code'))
    )
    op.create_geospatial_index('idx_rivers_geom', 'rivers', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('sewer_nodes',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False, comment='节点编号 / Node code'),
    sa.Column('kind', sa.Text(), nullable=False, comment='节点类型 / Node kind'),
    sa.Column('invert_m', sa.Double(), nullable=True, comment='井底高程 / Invert elevation'),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"invert_m" <= 9000', name=op.f('ck_sewer_nodes_invert_m_max')),
    sa.CheckConstraint('"invert_m" >= -100', name=op.f('ck_sewer_nodes_invert_m_min')),
    sa.CheckConstraint('"kind" IN (\'manhole\', \'connection_well\', \'monitoring_well\', \'pump_station\', \'wwtp_inlet\', \'river_outfall\')', name=op.f('ck_sewer_nodes_kind_enum')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_sewer_nodes_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sewer_nodes')),
    sa.UniqueConstraint('code', name=op.f('uq_sewer_nodes_code'))
    )
    op.create_geospatial_index('idx_sewer_nodes_geom', 'sewer_nodes', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_table('standard_limits',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('standard', sa.Text(), nullable=False, comment='标准编号 / Standard number'),
    sa.Column('edition', sa.Text(), nullable=False, comment='版本 / Edition'),
    sa.Column('title', sa.Text(), nullable=True, comment='标准名称 / Standard title'),
    sa.Column('parameter', sa.Text(), nullable=False, comment='监测因子 / Parameter (HJ 212 code)'),
    sa.Column('quality_class', sa.Text(), nullable=False, comment='类别 / Class'),
    sa.Column('period', sa.Text(), nullable=False, comment='平均时间 / Averaging period'),
    sa.Column('bound', sa.Text(), nullable=False, comment='限值方向 / Bound'),
    sa.Column('limit_value', sa.Double(), nullable=False, comment='限值 / Limit'),
    sa.Column('unit', sa.Text(), nullable=False, comment='单位 / Unit'),
    sa.Column('valid_from', sa.Date(), nullable=False, comment='生效日期 / Valid from'),
    sa.Column('valid_to', sa.Date(), nullable=True, comment='失效日期 / Valid to'),
    sa.Column('clause', sa.Text(), nullable=True, comment='出处条款 / Source clause'),
    sa.Column('confirmed', sa.Boolean(), nullable=True, comment='已核实 / Confirmed against the text'),
    sa.CheckConstraint('"bound" IN (\'upper\', \'lower\')', name=op.f('ck_standard_limits_bound_enum')),
    sa.CheckConstraint('"edition" ~ \'^[0-9]{4}$\'', name=op.f('ck_standard_limits_edition_pattern')),
    sa.CheckConstraint('"parameter" ~ \'^[a-z][0-9]{5}$\'', name=op.f('ck_standard_limits_parameter_pattern')),
    sa.CheckConstraint('"period" IN (\'1h\', \'8h\', \'24h\', \'annual\', \'sample\')', name=op.f('ck_standard_limits_period_enum')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_limits')),
    sa.UniqueConstraint('standard', 'edition', 'parameter', 'quality_class', 'period', 'valid_from', name=op.f('uq_standard_limits_standard_edition_parameter_quality_class_period_valid_from')),
    comment='标准限值 / Standard limits'
    )
    op.create_geospatial_table('stations',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False, comment='站点编码 / Station code'),
    sa.Column('name', sa.Text(), nullable=False, comment='站点名称 / Station name'),
    sa.Column('type', sa.Text(), nullable=False, comment='站点类型 / Station type'),
    sa.Column('mn', sa.Text(), nullable=True, comment='设备MN号 / Device MN (HJ 212)'),
    sa.Column('admin_code', sa.Text(), nullable=True, comment='行政区编码 / Administrative division code'),
    sa.Column('built', sa.Date(), nullable=True, comment='建站时间 / Date built'),
    sa.Column('address', sa.Text(), nullable=True, comment='安装地址 / Address'),
    sa.Column('department', sa.Text(), nullable=True, comment='管理部门 / Managing department'),
    sa.Column('level', sa.Text(), nullable=True, comment='管理级别 / Management level'),
    sa.Column('contact', sa.Text(), nullable=True, comment='站长 / Station head'),
    sa.Column('phone', sa.Text(), nullable=True, comment='联系电话 / Phone'),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"admin_code" ~ \'^[0-9]{6}$\'', name=op.f('ck_stations_admin_code_pattern')),
    sa.CheckConstraint('"level" IN (\'national\', \'provincial\', \'municipal\', \'park\')', name=op.f('ck_stations_level_enum')),
    sa.CheckConstraint('"mn" ~ \'^[0-9A-Za-z]{1,24}$\'', name=op.f('ck_stations_mn_pattern')),
    sa.CheckConstraint('"type" IN (\'air\', \'surface_water\', \'groundwater\', \'soil\', \'noise\', \'met\', \'hydro\', \'source_online\', \'fugitive\')', name=op.f('ck_stations_type_enum')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_stations_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stations')),
    sa.UniqueConstraint('code', name=op.f('uq_stations_code'))
    )
    op.create_geospatial_index('idx_stations_geom', 'stations', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('zones',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False, comment='分区类型 / Zone kind'),
    sa.Column('name', sa.Text(), nullable=False, comment='名称 / Name'),
    sa.Column('level', sa.Text(), nullable=True, comment='级别 / Level'),
    sa.Column('note', sa.Text(), nullable=True, comment='说明 / Note'),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"kind" IN (\'functional\', \'ecological_control\', \'industrial_control_belt\', \'water_source_protection\')', name=op.f('ck_zones_kind_enum')),
    sa.CheckConstraint('"level" IN (\'level1\', \'level2\', \'quasi\')', name=op.f('ck_zones_level_enum')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_zones_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_zones_kind_name'))
    )
    op.create_geospatial_index('idx_zones_geom', 'zones', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_table('observations',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('station_code', sa.Text(), nullable=False, comment='站点编码 / Station code'),
    sa.Column('time', postgresql.TIMESTAMP(timezone=True), nullable=False, comment='监测时间 / Time'),
    sa.Column('parameter', sa.Text(), nullable=False, comment='监测因子 / Parameter (HJ 212 code)'),
    sa.Column('value', sa.Double(), nullable=True, comment='监测值 / Value'),
    sa.Column('unit', sa.Text(), nullable=True, comment='单位 / Unit'),
    sa.Column('flag', sa.Text(), nullable=True, comment='数据标记 / Data flag'),
    sa.CheckConstraint('"flag" IN (\'N\', \'F\', \'M\', \'S\', \'D\', \'C\', \'T\', \'B\')', name=op.f('ck_observations_flag_enum')),
    sa.CheckConstraint('"parameter" ~ \'^[a-z][0-9]{5}$\'', name=op.f('ck_observations_parameter_pattern')),
    sa.ForeignKeyConstraint(['station_code'], ['stations.code'], name=op.f('fk_observations_station_code'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations')),
    sa.UniqueConstraint('station_code', 'parameter', 'time', name=op.f('uq_observations_station_code_parameter_time')),
    comment='监测数据 / Observations'
    )
    op.create_geospatial_table('outfalls',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False, comment='排放口编号 / Outfall code'),
    sa.Column('credit_code', sa.Text(), nullable=False, comment='统一社会信用代码 / Enterprise credit code'),
    sa.Column('kind', sa.Text(), nullable=False, comment='排放口类型 / Outfall kind'),
    sa.Column('height_m', sa.Double(), nullable=True, comment='排气筒高度 / Stack height'),
    sa.Column('online', sa.Boolean(), nullable=True, comment='在线监测 / Online monitoring'),
    sa.Column('mn', sa.Text(), nullable=True, comment='设备MN号 / Device MN (HJ 212)'),
    sa.Column('sewer_node', sa.Text(), nullable=True, comment='接入管网节点 / Receiving sewer node'),
    sa.Column('river_reach', sa.Text(), nullable=True, comment='受纳河段 / Receiving river reach'),
    sa.Column('pollutants', sa.ARRAY(sa.Text()), nullable=True, comment='排放污染物 / Pollutants (HJ 212 codes)'),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"height_m" <= 400', name=op.f('ck_outfalls_height_m_max')),
    sa.CheckConstraint('"height_m" >= 0', name=op.f('ck_outfalls_height_m_min')),
    sa.CheckConstraint('"kind" IN (\'wastewater\', \'rainwater\', \'stack\', \'fugitive\')', name=op.f('ck_outfalls_kind_enum')),
    sa.CheckConstraint('"mn" ~ \'^[0-9A-Za-z]{1,24}$\'', name=op.f('ck_outfalls_mn_pattern')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_outfalls_geom_valid')),
    sa.ForeignKeyConstraint(['credit_code'], ['enterprises.credit_code'], name=op.f('fk_outfalls_credit_code'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['river_reach'], ['rivers.reach_code'], name=op.f('fk_outfalls_river_reach'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sewer_node'], ['sewer_nodes.code'], name=op.f('fk_outfalls_sewer_node'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outfalls')),
    sa.UniqueConstraint('code', name=op.f('uq_outfalls_code'))
    )
    op.create_geospatial_index('idx_outfalls_geom', 'outfalls', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('sewer_pipes',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False, comment='管线编号 / Pipe code'),
    sa.Column('system', sa.Text(), nullable=False, comment='管网系统 / System'),
    sa.Column('diameter_mm', sa.Integer(), nullable=True, comment='管径 / Diameter'),
    sa.Column('material', sa.Text(), nullable=True, comment='材质 / Material'),
    sa.Column('length_m', sa.Double(), nullable=True, comment='长度 / Length'),
    sa.Column('from_node', sa.Text(), nullable=False, comment='起点节点 / From node'),
    sa.Column('to_node', sa.Text(), nullable=False, comment='终点节点 / To node'),
    sa.Column('geom', Geometry(geometry_type='LINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('"diameter_mm" <= 6000', name=op.f('ck_sewer_pipes_diameter_mm_max')),
    sa.CheckConstraint('"diameter_mm" >= 50', name=op.f('ck_sewer_pipes_diameter_mm_min')),
    sa.CheckConstraint('"length_m" >= 0', name=op.f('ck_sewer_pipes_length_m_min')),
    sa.CheckConstraint('"system" IN (\'sewage\', \'rain\', \'combined\')', name=op.f('ck_sewer_pipes_system_enum')),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_sewer_pipes_geom_valid')),
    sa.ForeignKeyConstraint(['from_node'], ['sewer_nodes.code'], name=op.f('fk_sewer_pipes_from_node'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_node'], ['sewer_nodes.code'], name=op.f('fk_sewer_pipes_to_node'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sewer_pipes')),
    sa.UniqueConstraint('code', name=op.f('uq_sewer_pipes_code'))
    )
    op.create_geospatial_index('idx_sewer_pipes_geom', 'sewer_pipes', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    # geoalchemy2's geospatial-table writer drops table comments; set them here.
    op.create_table_comment('park', '园区边界 / Park boundary')
    op.create_table_comment('zones', '功能分区与管控区 / Zones and control areas')
    op.create_table_comment('enterprises', '企业 / Enterprises')
    op.create_table_comment('rivers', '河流水系 / Rivers')
    op.create_table_comment('sewer_nodes', '排水管网节点 / Sewer nodes')
    op.create_table_comment('sewer_pipes', '排水管线 / Sewer pipes')
    op.create_table_comment('outfalls', '排放口 / Outfalls and stacks')
    op.create_table_comment('receptors', '环境敏感目标 / Sensitive receptors')
    op.create_table_comment('stations', '监测站点 / Monitoring stations')

def downgrade() -> None:
    op.drop_geospatial_index('idx_sewer_pipes_geom', table_name='sewer_pipes', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('sewer_pipes')
    op.drop_geospatial_index('idx_outfalls_geom', table_name='outfalls', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('outfalls')
    op.drop_table('observations')
    op.drop_geospatial_index('idx_zones_geom', table_name='zones', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('zones')
    op.drop_geospatial_index('idx_stations_geom', table_name='stations', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('stations')
    op.drop_table('standard_limits')
    op.drop_geospatial_index('idx_sewer_nodes_geom', table_name='sewer_nodes', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('sewer_nodes')
    op.drop_geospatial_index('idx_rivers_geom', table_name='rivers', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('rivers')
    op.drop_geospatial_index('idx_receptors_geom', table_name='receptors', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('receptors')
    op.drop_geospatial_index('idx_park_geom', table_name='park', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('park')
    op.drop_geospatial_index('idx_enterprises_geom', table_name='enterprises', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('enterprises')
