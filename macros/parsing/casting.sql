{#-
    Raw text to typed values (docs/decisions.md, "Values no column can hold"). Each returns
    null for text that is not a valid value of its type; the parser counts or rejects it.
-#}

{#- Cast that returns null instead of failing (not named safe_cast: dbt's own would be shadowed). -#}
{% macro try_cast_or_null(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_or_null', 'agent_kpis')(expression, data_type)) }}
{%- endmacro %}

{#- ANSI has no error-free cast: the default is the target's own safe cast (dbt.safe_cast). -#}
{% macro default__try_cast_or_null(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast_or_null(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro postgres__try_cast_or_null(expression, data_type) -%}
    {%- set names = {} -%}
    {%- for name, type in agent_kpis._postgres_try_types().items() -%}{%- do names.update({type: name}) -%}{%- endfor -%}
    {%- set wanted = data_type | trim | lower -%}
    {%- if wanted not in names -%}
        {{ exceptions.raise_compiler_error("try_cast_or_null on PostgreSQL takes " ~ (names.keys() | list) ~ ", not " ~ data_type) }}
    {%- endif -%}
    {{ agent_kpis.engine_function('try_' ~ names[wanted]) }}({{ expression }})
{%- endmacro %}

{#- Spark (ANSI mode off, as dbt-spark sets it): a failed cast is null; its timestamps follow the session time zone, UTC -#}
{% macro spark__try_cast_or_null(expression, data_type) -%}
    cast({{ expression }} as {{ 'timestamp' if (data_type | trim | lower) == 'timestamptz' else data_type }})
{%- endmacro %}

{#-
    ISO-8601 text to a UTC timestamp without time zone: YYYY-MM-DD, optionally with a time
    (T or space, seconds and up to 9 fractional digits optional) and an offset (Z, +hh,
    +hhmm, +hh:mm). Text with an offset is converted to UTC; text without one is UTC already
    (contract). Anything else is not a timestamp: named zones ('15:30 Asia/Kolkata'), year
    0000, other formats. The result does not depend on the session time zone.
-#}
{% macro parse_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(expression) -%}
    {%- set utc_timestamp_pattern = '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?)?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)?' -%}
    {%- set utc_offset_pattern = '[0-9]{2}:[0-9]{2}.*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$' -%}
    case
        when {{ agent_kpis.regex_full_match(expression, utc_timestamp_pattern) }}
            and substring({{ expression }} from 1 for 4) <> '0000'
            then case
                when {{ agent_kpis.regex_contains(expression, utc_offset_pattern) }}
                    then {{ agent_kpis.timestamptz_to_utc(agent_kpis.try_cast_or_null(expression, 'timestamptz')) }}
                else {{ agent_kpis.try_cast_or_null(expression, 'timestamp') }}
            end
    end
{%- endmacro %}

{#- Whole numbers only: 7, -7, 7.0 and 7e2 are integers; 1.5, NaN and Infinity are not. -#}
{% macro parse_integer(expression) -%}
    {%- set number = agent_kpis.try_cast_or_null(expression, agent_kpis.type_double()) -%}
    case
        when {{ agent_kpis.regex_full_match(expression, '[+-]?[0-9]+') }}
            then {{ agent_kpis.try_cast_or_null(expression, api.Column.translate_type('bigint')) }}
        when {{ agent_kpis.is_finite(number) }} and {{ number }} = floor({{ number }}) and abs({{ number }}) < 9007199254740992
            then cast({{ number }} as {{ api.Column.translate_type('bigint') }})
    end
{%- endmacro %}

{#-
    Finite numbers below 10^8 in magnitude: NaN, Infinity and overflow (1e308) are not
    decimals here, because money is summed exactly with 8 integer digits (exact_sum_cast).
-#}
{% macro parse_decimal(expression) -%}
    {{ agent_kpis.decimal_in_range(agent_kpis.try_cast_or_null(expression, agent_kpis.type_double())) }}
{%- endmacro %}

{% macro decimal_in_range(number) -%}
    case when {{ agent_kpis.is_finite(number) }} and abs({{ number }}) < 1e8 then {{ number }} end
{%- endmacro %}
