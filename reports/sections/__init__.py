"""The sections of the periodic reports: each a pure function of a
:class:`reports.gather.PeriodData` returning a :class:`reports.model.Section`."""
