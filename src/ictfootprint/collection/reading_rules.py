"""Reading rules: what can be wrong with a file or one of its values before the values are
looked at together. Readers and normalisation raise findings with these ids."""

from __future__ import annotations

from ictfootprint.collection.findings import Severity
from ictfootprint.collection.registry import reading_rule

E, W = Severity.ERROR, Severity.WARNING
for _id, _sev, _title, _doc in (
    (
        "unusable-file",
        E,
        "File cannot be read",
        "The file is not of a format we read, is damaged, encrypted, macro-enabled, too large or a "
        "zip bomb. Nothing in it is read; the submission is kept, rejected, with this finding.",
    ),
    ("no-values", E, "No values", "A file with no value at all is rejected."),
    (
        "required-field",
        E,
        "Required field missing",
        "Every value needs its indicator, year and value (and a unit for quantities).",
    ),
    (
        "entity-match",
        E,
        "Row for another entity",
        "A row's entity_id must be the entity the file is submitted for.",
    ),
    (
        "indicator-known",
        E,
        "Unknown indicator",
        "The indicator id must be one of the catalogue (`ictfootprint catalogue`).",
    ),
    (
        "year-range",
        E,
        "Year not a year, in the future or too early",
        "The year must be a whole number between `earliest_year` (defaults.toml) and this year.",
    ),
    (
        "not-available",
        W,
        "Value marked not available",
        "`n/a`, `—`, `-`, `nd` and the like mean no value: the cell is left out and listed.",
    ),
    (
        "number-format",
        E,
        "Number not readable in the file's number format",
        "Text that is not a number, a decimal mark other than the file's (mixed decimal marks), or "
        "a number that could be read two ways (`1,234`) when neither the file nor a declared "
        "locale decides. Never guessed.",
    ),
    ("value-readable", E, "Value not readable", "A value that cannot be read for its indicator."),
    (
        "value-magnitude",
        E,
        "Value not finite or beyond any plausible magnitude",
        "Infinity, NaN, and any value whose size in the indicator's canonical unit exceeds "
        "`max_abs_value` (defaults.toml, 1e15: in MWh some 30,000 times the world's "
        "electricity use) are refused, as received and after unit conversion, so no "
        "infinity ever reaches a payload or an export.",
    ),
    (
        "text-characters",
        E,
        "Text with characters no database keeps",
        "Control characters (NUL and the other C0 codes except tab, line feed and carriage "
        "return) and lone UTF-16 surrogates are refused in every text field; the finding names "
        "the character (`U+0000`) and where it is, never the character itself.",
    ),
    (
        "digits-converted",
        W,
        "Digits of another script read",
        "Arabic-Indic, Persian, full-width and other decimal digits are read as the number they "
        "write (`٢٠٢٣` is 2023, `١٢٣٫٥` is 123.5); the report says so at the cell. "
        "Superscripts and other digit-like signs are not numbers.",
    ),
    (
        "category-known",
        E,
        "Unknown category",
        "A category indicator's value must be one of its categories (see the catalogue).",
    ),
    (
        "unit-known",
        E,
        "Unknown or ambiguous unit",
        "The unit must be known to the unit registry; `C`, `mt`, `MT`, `ton` and `MBtu` are "
        "refused as ambiguous. Energy may be given in Wh, J, toe, tce (29.3076 GJ, GB/T 2589), "
        "Btu, MMBtu or therm, with prefixes (GWh, TJ, ktoe, Mtce).",
    ),
    (
        "unit-compatible",
        E,
        "Unit not of the indicator's kind",
        "The unit must convert to the indicator's canonical unit (energy for energy, CO2e mass for "
        "emissions; a mass of another gas converts with the GWP set, which is recorded).",
    ),
    (
        "country-known",
        E,
        "Unknown country",
        "Country codes are ISO 3166 (alpha-3, alpha-2 or numeric).",
    ),
    ("subsector-known", E, "Unknown sub-sector", "Sub-sector codes are those of the catalogue."),
    ("method-known", E, "Unknown method", "Method is reported, estimated or statistical."),
    ("csv-columns", E, "Row with the wrong number of columns", "The row is not read."),
    ("json-entry", E, "JSON entry not an object", "Each value is an object."),
    (
        "json-duplicate-key",
        E,
        "JSON key given twice in one entry",
        'A key given twice (`"value": 1, "value": 999999`) leaves unclear which is meant: '
        "the entry is refused rather than one of them silently kept. Nesting deeper than 32 "
        "levels and a key twice at the top level make the file unusable.",
    ),
    (
        "json-type",
        E,
        "JSON field of the wrong type",
        "Text fields are strings; value a number or text.",
    ),
    (
        "xlsx-formula",
        E,
        "Formula in a data cell",
        "Formulas are never evaluated: enter the value itself.",
    ),
    (
        "xlsx-merged-cells",
        E,
        "Merged cells in the data area",
        "Merged cells hide which value belongs where; unmerge them.",
    ),
    ("xlsx-hidden-sheet", W, "Hidden sheet ignored", "Hidden sheets are never read."),
    (
        "xlsx-external-links",
        W,
        "External links not followed",
        "Links to other workbooks are ignored.",
    ),
    (
        "xlsx-header",
        E,
        "Unknown or missing column in the sheet's header",
        "The data sheet's header must be the template's or the long layout's.",
    ),
):
    reading_rule(_id, _sev, _title, _doc)
