{#
  Data tests of an incremental build test the rows that build changed; a full build (--full-refresh: the first
  build, a changed project or corrections, the daily schedule's forced run) tests every row.

  An incremental model (incremental_by_region.sql) changes only the rows of its meta.publish_rows_by groups that
  hold a row of a pending region (raw.pending_regions, emptied after a complete build); without publish_rows_by
  the group is the region itself. The rows of every other region were tested by the build that wrote them and
  have not changed since. So in an incremental build a generic test on such a model reads only those groups:
  dbt hands a generic test its model through get_where_subquery, overridden here (dbt's own version only applies
  the test's `where` config, which still applies, and names the subquery `dbt_subquery`, which would clash with
  the alias the project's generic tests give their model: DuckDB needs no alias). Tests on seeds, views and table
  models, and singular tests, always read the whole relation.

  What this leaves to the next full build: a key duplicated across a changed and an unchanged region (the fact
  and report ids are hashes of the report's content, so only a loader fault could make one), the comparison
  groups of fct_cross_region that a pending region left, and the rows of other regions that fct_target_escalation
  rebuilt in a pending region's target groups (it has no publish_rows_by: tested by region).
#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set changed = changed_rows_condition(relation) -%}
    {%- if changed -%}
        {%- do conditions.append(changed) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return("(select * from " ~ relation ~ " as tested where " ~ conditions | join(" and ") ~ ")") -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#
  The condition on alias `tested` that keeps the rows an incremental build changed in the model under test, or
  '' when the test must read every row (full build, or the tested node is not an incremental model).
#}
{% macro changed_rows_condition(relation) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if tested is none or tested.resource_type != 'model' or tested.config.materialized != 'incremental' -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set journal = graph.sources['source.' ~ project_name ~ '.raw.pending_regions'] -%}
    {%- set pending -%}
        (select region, region_level from {{ journal.relation_name }})
    {%- endset -%}
    {%- set by = (tested.config.get('meta') or {}).get('publish_rows_by') or ['region', 'region_level'] -%}
    {%- if by | list == ['region', 'region_level'] -%}
        {%- do return("(tested.region, tested.region_level) in " ~ pending) -%}
    {%- endif -%}
    {%- set same_group = [] -%}
    {%- for column in by -%}
        {%- do same_group.append("changed." ~ column ~ " is not distinct from tested." ~ column) -%}
    {%- endfor -%}
    {%- do return("exists (select 1 from " ~ relation ~ " as changed where (changed.region, changed.region_level) in "
                  ~ pending ~ " and " ~ same_group | join(" and ") ~ ")") -%}
{%- endmacro %}
