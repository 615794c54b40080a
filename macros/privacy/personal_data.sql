{#- Personal data (KPIS.md section 9): salted hash for ids, masking for free text. -#}

{% macro hash_personal_id(expression) -%}
    {{ return(adapter.dispatch('hash_personal_id', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__hash_personal_id(expression) -%}
    case
        when {{ expression }} is not null
            then sha256({{ dbt.concat(["'" ~ var('pii_salt') ~ "'", "'|'", expression]) }})
    end
{%- endmacro %}

{% macro postgres__hash_personal_id(expression) -%}
    case
        when {{ expression }} is not null
            then encode(sha256(convert_to({{ dbt.concat(["'" ~ var('pii_salt') ~ "'", "'|'", expression]) }}, 'UTF8')), 'hex')
    end
{%- endmacro %}

{% macro spark__hash_personal_id(expression) -%}
    case
        when {{ expression }} is not null
            then sha2({{ dbt.concat(["'" ~ var('pii_salt') ~ "'", "'|'", expression]) }}, 256)
    end
{%- endmacro %}

{#-
    E-mail addresses become <email>; phone numbers in international form (+ and 7+ digits)
    or 3-3-4 form become <phone>. Dates and timestamps are left alone.
-#}
{% macro mask_personal_text(expression) -%}
    {{ return(adapter.dispatch('mask_personal_text', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__mask_personal_text(expression) -%}
    regexp_replace(
        regexp_replace(
            {{ expression }},
            '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', '<email>', 'g'
        ),
        '(\+[0-9][0-9 ().-]{6,}[0-9])|(\(?[0-9]{3}\)?[ .][0-9]{3}[ .-][0-9]{4})', '<phone>', 'g'
    )
{%- endmacro %}

{#- A raw record for the quarantine: free text masked and the customer id value hidden. -#}
{% macro mask_raw_record(expression) -%}
    regexp_replace(
        {{ agent_kpis.mask_personal_text(expression) }},
        '("customer_id"\s*:\s*)"[^"]*"', '\1"<hashed>"', 'g'
    )
{%- endmacro %}
