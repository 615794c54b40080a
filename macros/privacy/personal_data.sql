{#-
    Personal data (docs/decisions.md, "Personal data"): a salted hash for customer ids,
    masking for free text. The patterns and keys are dbt vars (personal_data_patterns,
    personal_data_keys), which the publishing check reads too.
-#}

{% macro hash_personal_id(expression) -%}
    case
        when {{ expression }} is not null
            then {{ agent_kpis.sha256_hex(dbt.concat([agent_kpis.pii_salt(), "'|'", expression])) }}
    end
{%- endmacro %}

{#- Every match of a personal_data_patterns entry becomes <name> (<email>, <phone>, <ssn>, <card>). -#}
{% macro mask_personal_text(expression) -%}
    {{ return(adapter.dispatch('mask_personal_text', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__mask_personal_text(expression) -%}
    {%- set masked = namespace(sql=expression) -%}
    {%- for name, pattern in var('personal_data_patterns').items() -%}
        {%- set masked.sql = agent_kpis.regex_replace_all(masked.sql, pattern, '<' ~ name ~ '>') -%}
    {%- endfor -%}
    {{ masked.sql }}
{%- endmacro %}

{#-
    A JSON key as a regex that also matches its \uXXXX-escaped spellings, character by
    character ("customer\u005fid" is customer_id to every JSON parser).
-#}
{% macro _json_key_pattern(key) -%}
    {%- set codes = {'_': '5[fF]', '-': '2[dD]'} -%}
    {%- for c in '0123456789' -%}{%- do codes.update({c: '3' ~ c}) -%}{%- endfor -%}
    {%- for c in 'abcdefghijklmnopqrstuvwxyz' -%}
        {%- set h = '%x' | format(97 + loop.index0) -%}
        {%- do codes.update({c: h[0] ~ '[' ~ h[1] ~ (h[1] | upper) ~ ']'}) -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- for c in key -%}
        {%- do parts.append('(?:' ~ c ~ '|\\\\u00' ~ codes[c] ~ ')' if c in codes else c) -%}
    {%- endfor -%}
    {{ return(parts | join('')) }}
{%- endmacro %}

{#-
    A raw record for the quarantine: the value of every personal_data_keys key (string,
    number or literal; escaped keys too) becomes "<masked>", then free text is masked.
-#}
{% macro mask_raw_record(expression) -%}
    {%- set keys = [] -%}
    {%- for key in var('personal_data_keys') -%}{%- do keys.append(agent_kpis._json_key_pattern(key)) -%}{%- endfor -%}
    {%- set key_value = '"((?:' ~ keys | join('|') ~ '))"\\s*:\\s*(?:"(?:[^"\\\\]|\\\\.)*"?|[^\\s,}\\]]+)' -%}
    {{ agent_kpis.mask_personal_text(
        agent_kpis.regex_replace_all(expression, key_value, '"\\1":"<masked>"')
    ) }}
{%- endmacro %}
