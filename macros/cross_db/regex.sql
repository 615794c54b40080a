{#-
    Regular expressions, dispatched: standard SQL has none that engines share. Patterns are
    RE2/POSIX-extended text without backslash classes that differ between engines (a
    pattern needing \b goes through mask_personal_text's per-engine translation).
-#}

{#- The whole of expression matches pattern. -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'agent_kpis')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('regex_full_match')) }}
{%- endmacro %}

{% macro duckdb__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ agent_kpis.sql_literal(pattern) }})
{%- endmacro %}

{% macro postgres__regex_full_match(expression, pattern) -%}
    ({{ expression }} ~ {{ agent_kpis.sql_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern) -%}
    ({{ expression }} rlike {{ agent_kpis.sql_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{#- Some part of expression matches pattern. -#}
{% macro regex_contains(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'agent_kpis')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_contains(expression, pattern) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('regex_contains')) }}
{%- endmacro %}

{% macro duckdb__regex_contains(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ agent_kpis.sql_literal(pattern) }})
{%- endmacro %}

{% macro postgres__regex_contains(expression, pattern) -%}
    ({{ expression }} ~ {{ agent_kpis.sql_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_contains(expression, pattern) -%}
    ({{ expression }} rlike {{ agent_kpis.sql_literal(pattern) }})
{%- endmacro %}

{#-
    Every match of pattern replaced by replacement, where \1 refers to the first group.
    PostgreSQL's regular expressions spell a word boundary \y (\b is a backspace there).
-#}
{% macro regex_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'agent_kpis')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(expression, pattern, replacement) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('regex_replace_all')) }}
{%- endmacro %}

{% macro duckdb__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ agent_kpis.sql_literal(pattern) }}, {{ agent_kpis.sql_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro postgres__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace(
        {{ expression }},
        {{ agent_kpis.sql_literal(pattern | replace('\\b', '\\y')) }},
        {{ agent_kpis.sql_literal(replacement) }},
        'g'
    )
{%- endmacro %}

{#- Spark (Java regular expressions): a group in the replacement is $1 -#}
{% macro spark__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace(
        {{ expression }},
        {{ agent_kpis.sql_literal(pattern) }},
        {{ agent_kpis.sql_literal(replacement | replace('$', '\\$') | replace('\\1', '$1')) }}
    )
{%- endmacro %}

{#- The first group of pattern's first match in expression; '' when nothing matches. -#}
{% macro regex_first_group(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_first_group', 'agent_kpis')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_first_group(expression, pattern) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('regex_first_group')) }}
{%- endmacro %}

{% macro duckdb__regex_first_group(expression, pattern) -%}
    regexp_extract({{ expression }}, {{ agent_kpis.sql_literal(pattern) }}, 1)
{%- endmacro %}

{#- substring(... from pattern) gives the first parenthesised group, or null -#}
{% macro postgres__regex_first_group(expression, pattern) -%}
    coalesce(substring({{ expression }} from {{ agent_kpis.sql_literal(pattern) }}), '')
{%- endmacro %}

{% macro spark__regex_first_group(expression, pattern) -%}
    regexp_extract({{ expression }}, {{ agent_kpis.sql_literal(pattern) }}, 1)
{%- endmacro %}
