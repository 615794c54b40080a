{#- SHA-256 of text (its UTF-8 bytes) as 64 lowercase hex digits. ANSI has no hash function. -#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('sha256_hex')) }}
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}
