"""Domain knowledge shared by ingest and extract: one home for each rule about the reports' language.

* :mod:`numerals` – Chinese numerals (三千五百, 二〇二四) and years written with them;
* :mod:`plans` – five-year plans (“十四五” ends in 2025) and NPC session years;
* :mod:`years` – the session year a report states about itself;
* :mod:`script` – traditional -> simplified characters (OpenCC) and full-width ASCII folding;
* :mod:`seeds` – the vocabularies kept as dbt seeds (units, measures, qualifiers, kinds), read by
  Python and dbt alike.

Pure Python: nothing here imports from the rest of the project.
"""
