{#- Keeps one row per key: the latest by `order_by` (ties broken by the remaining columns). -#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    select * from (
        select
            *,
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as dedup_row_number
        from {{ relation }}
    ) as ranked
    where dedup_row_number = 1
{%- endmacro %}

{#-
    The rows of a parsed base model that staging keeps: not rejected, and one per
    event_id (at-least-once delivery): the copy with the latest _emitted_at, ties broken
    deterministically by file and content (content_key). Copies of one event_id that disagree on an
    identity column (`identity`: the task, call or release the event belongs to) are kept
    the same way but flagged has_identity_conflict, never moved in silence. An incremental
    run re-decides only the event_ids that arrived since the target's newest loaded_at
    (any, when the target is still empty), from every copy of them (old and new), so it
    keeps exactly the copy a full refresh would keep.
-#}
{% macro valid_deduplicated_rows(parsed, identity=['task_id']) -%}
    {%- set arrived = '' -%}
    {%- if is_incremental() -%}
        {%- set arrived = ' and event_id in (select arrived.event_id from ' ~ parsed ~ ' as arrived'
            ~ ' where arrived.reject_reason is null and arrived.loaded_at > (select coalesce(max(staged.loaded_at), '
            ~ "cast('1900-01-01' as " ~ api.Column.translate_type('timestamp') ~ ')) from ' ~ this ~ ' as staged))' -%}
    {%- endif -%}
    {%- set conflicts = [] -%}
    {%- for column in identity -%}
        {%- do conflicts.append('min(' ~ column ~ ') over (partition by event_id) <> max(' ~ column ~ ') over (partition by event_id)') -%}
    {%- endfor -%}
    {{ agent_kpis.deduplicate(
        '(select *, ' ~ conflicts | join(' or ') ~ ' as has_identity_conflict from ' ~ parsed
        ~ ' where reject_reason is null' ~ arrived ~ ') as valid_rows',
        'event_id',
        'emitted_at desc nulls last, source_file desc, content_key'
    ) }}
{%- endmacro %}
