"""Printed reports: the world, a country and a collection round as PDF, HTML or a zip with data.

- :mod:`.pdf`: HTML to tagged, reproducible PDF (WeasyPrint), shared with the guide;
"""
