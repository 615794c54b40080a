{#- Casts that return null instead of failing, and timestamp text to UTC. -#}

{% macro safe_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('safe_cast', 'agent_kpis')(expression, data_type)) }}
{%- endmacro %}

{% macro default__safe_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#-
    ISO-8601 text to a UTC timestamp without time zone. Text with an offset (Z, +hh,
    +hh:mm, +hhmm) is converted to UTC; text without one is UTC already (contract). The
    result does not depend on the session time zone. Unparseable text gives null.
-#}
{% macro parse_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(expression) -%}
    case
        when regexp_matches({{ expression }}, '([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('UTC', try_cast({{ expression }} as timestamptz))
        else try_cast({{ expression }} as timestamp)
    end
{%- endmacro %}
