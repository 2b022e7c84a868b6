{#
  dbt never drops a relation it no longer builds. A warehouse built before the schema-per-layer
  change still holds stg_/int_ copies in `main`, and the published snapshot (which carries `main`)
  would go on serving them to BI tools. After every run, drop each table or view in `schema` that
  no model or seed of this project builds there.
#}
{% macro drop_stale_relations(schema) %}
  {% if execute %}
    {% set keep = [] %}
    {% for node in graph.nodes.values() %}
      {% if node.resource_type in ('model', 'seed', 'snapshot') and node.schema == schema %}
        {% do keep.append((node.alias or node.name) | lower) %}
      {% endif %}
    {% endfor %}
    {% set found = run_query(
      "select table_name, table_type from information_schema.tables "
      ~ "where table_catalog = current_database() and table_schema = '" ~ schema ~ "'") %}
    {% for row in found.rows %}
      {% if row[0] | lower not in keep %}
        {% set kind = 'view' if row[1] == 'VIEW' else 'table' %}
        {% do log("dropping " ~ kind ~ " " ~ schema ~ "." ~ row[0] ~ ": no model or seed builds it any more", info=True) %}
        {% do run_query("drop " ~ kind ~ " if exists " ~ schema ~ "." ~ adapter.quote(row[0])) %}
      {% endif %}
    {% endfor %}
  {% endif %}
{% endmacro %}
