"""Data collection: templates, reading submitted files, validation, review (ITU-T L.1472 pilots).

Reading a file gives :class:`~.raw.RawFile` (values as found, each with where it was found);
normalising and validating gives a :class:`~.findings.Report`; the submission service
(:mod:`.service`) stores the submission with its report and, once a reviewer accepts it, its
observations as new revisions, all or none.
"""
