{#-
    Where raw files land: var('raw_root') if set, else $AGENT_KPIS_RAW_ROOT, else data/raw.
    Read when the run starts, never while parsing: a raw root is a setting of the run, and
    an environment variable read in dbt_project.yml would make every change of it a full
    re-parse of the project.
-#}
{% macro raw_root() -%}
    {{ return(var('raw_root') or env_var('AGENT_KPIS_RAW_ROOT', 'data/raw')) }}
{%- endmacro %}
