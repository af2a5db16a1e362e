"""National surveys set beside the collection: a survey's lines mapped onto the catalogue
(``mapping``), the figures a survey's publisher published (``published``), their comparison
with the sum of the country's accepted submissions (``compare``), and the national focal
points' answers on their monitoring arrangements (``arrangements``)."""
