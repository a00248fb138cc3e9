"""GB/T 28181-2016 device identifiers of video cameras (Appendix D).

An id is 20 decimal digits: the centre code (digits 1-8: the GB/T 2260 administrative division
and a base-unit number), the industry code (9-10), the device type (11-13), the network
identifier (14) and a serial number (15-20). Types 111-199 are front-end devices (131 a camera,
132 an IP camera); 200-299 are platform devices, which are not cameras.
"""

from __future__ import annotations

PATTERN = "^[0-9]{20}$"
FRONT_END_TYPES = range(111, 200)


def camera_id_problem(value: object) -> str | None:
    """``None`` when ``value`` is a 20-digit GB/T 28181 id of a front-end device."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return f"摄像机编码应为20位数字 / a GB/T 28181 camera id is 20 digits, got {value!r}"
    if len(value) != 20:
        return (
            f"摄像机编码应为20位，实为{len(value)}位 / a GB/T 28181 camera id is 20 digits, "
            f"{value!r} has {len(value)}"
        )
    device_type = int(value[10:13])
    if device_type not in FRONT_END_TYPES:
        return (
            f"编码第11-13位设备类型{device_type:03d}不是前端设备（111-199）/ digits 11-13 of "
            f"{value} give device type {device_type:03d}, not a front-end device (111-199)"
        )
    return None
