"""Fields that mean the same thing in several layers, declared once."""

from __future__ import annotations

from layers.spec import Field, FieldType

#: HJ 212-2017 device identifier (MN): up to 24 characters (6.3.2).
DEVICE_MN = Field(
    "mn",
    FieldType.TEXT,
    "设备MN号",
    "Device MN (HJ 212)",
    pattern="^[0-9A-Za-z]{1,24}$",
    aliases=("MN", "MN号"),
)

#: GB/T 2260 administrative division code: six digits.
ADMIN_CODE = Field(
    "admin_code",
    FieldType.TEXT,
    "行政区编码",
    "Administrative division code",
    pattern="^[0-9]{6}$",
    aliases=("行政区划代码",),
)
