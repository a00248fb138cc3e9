"""HJ 212-2017 online-monitoring data transmission: the frame codec, captured packet logs,
and the TCP listener that stores device data in ``observations``."""
