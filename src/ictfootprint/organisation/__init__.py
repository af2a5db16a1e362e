"""An organisation's own footprint (issue 19): facilities and business travel.

``flights_file`` and ``inventory_file`` read what organisations already fill (a travel
agency's flight list, a yearly inventory in the UN Greening the Blue categories);
``inventory`` computes with :mod:`ictfootprint.compute.travel` and the facility calculations
of :mod:`ictfootprint.compute.scope1` and stores the figures; ``summary`` reads them back by
scope, category, haul and cabin, with the year-on-year change and its causes.
"""
