{#-
    Lower-cases and trims an enum value; a value outside `accepted` becomes 'unknown'
    (contract: unknown values are kept as unknown and flagged). Null stays null unless
    null_is_unknown.
-#}
{% macro normalize_enum(expression, accepted, null_is_unknown=false) -%}
    case
        when lower(trim({{ expression }})) in ('{{ accepted | join("', '") }}')
            then lower(trim({{ expression }}))
        {%- if not null_is_unknown %}
        when {{ expression }} is null then null
        {%- endif %}
        else 'unknown'
    end
{%- endmacro %}

{#- True when the raw value was present but not one of `accepted`. -#}
{% macro is_unknown_enum(expression, accepted, null_is_unknown=false) -%}
    (
        {%- if null_is_unknown %}{{ expression }} is null or {% endif -%}
        coalesce(lower(trim({{ expression }})) not in ('{{ accepted | join("', '") }}'), false)
    )
{%- endmacro %}
