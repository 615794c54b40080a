{{ agent_kpis.otel_per_trace_config() }}
{#-
    One evaluation per evaluation result of a task's spans, shaped like
    stg_telemetry__evaluations: each span event named in var('otel_evaluation_events')
    (OpenTelemetry GenAI: gen_ai.evaluation.result, attached to the evaluated span) and
    each span of role evaluator (OpenInference EVALUATOR, strands-evals' evaluator spans).
    Name, score, label and an explicit pass come through the aliases evaluation_name,
    evaluation_score, evaluation_label and evaluation_passed (an explanation is free text:
    not kept); an evaluator span without a name is named after the span. A result belongs
    to the task of its span, else (an evaluator run beside the agent) to the only task of
    its branch of the trace. Passed: the explicit pass, else by the seed
    otel_evaluation_rules: the label's rule for the evaluation, else the label's rule for
    every evaluation ('*'), else the score against the evaluation's minimum passing score,
    else against the one for every evaluation; else unknown (null).
-#}
{%- set aliases = agent_kpis.seed_rows('otel_attribute_aliases', 'contract_field, priority') -%}
{%- set event_attributes = [agent_kpis.otel_event_part('events.span_event', 'attributes')] -%}
{%- set event_time = agent_kpis.otel_event_part('events.span_event', 'time_unix_nano') -%}
{%- set event_fields = {} -%}
{%- for field in ['evaluation_name', 'evaluation_score', 'evaluation_label', 'evaluation_passed'] -%}
{%- do event_fields.update({field: agent_kpis.otel_first_attribute(event_attributes, agent_kpis.otel_alias_keys(aliases, field))}) -%}
{%- endfor %}
-- depends_on: {{ ref('otel_attribute_aliases') }}

with

staged_spans as (

    select * from {{ ref('stg_otel__spans') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

evaluator_spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }} and span_role = 'evaluator'

),

assignments as (

    select * from {{ ref('int_otel_span_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

tasks as (

    select * from {{ ref('int_otel_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

branch_tasks as (

    -- the task of a branch of a trace that holds exactly one
    select
        trace_id,
        root_span_id,
        min(task_span_key) as task_span_key
    from assignments
    where task_span_key is not null
    group by trace_id, root_span_id
    having count(distinct task_span_key) = 1

),

rules as (

    select * from {{ ref('otel_evaluation_rules') }}

),

events as (

    {{ agent_kpis.otel_unnest_events('staged_spans', 'evaluation_events') }}

),

results as (

    select
        events.span_key,
        events.trace_id,
        events.source_file,
        'event' as result_source,
        {{ event_fields.evaluation_name }} as evaluation_name,
        {{ agent_kpis.parse_decimal(event_fields.evaluation_score) }} as score,
        {{ event_fields.evaluation_label }} as score_label,
        lower({{ event_fields.evaluation_passed }}) as passed_text,
        {{ agent_kpis.timestamp_from_unix_nanos(agent_kpis.parse_integer(event_time)) }} as evaluated_at
    from events

    union all

    select
        span_key,
        trace_id,
        source_file,
        'span' as result_source,
        coalesce(evaluation_name, span_name) as evaluation_name,
        evaluation_score as score,
        evaluation_label as score_label,
        lower(evaluation_passed) as passed_text,
        ended_at as evaluated_at
    from evaluator_spans

),

numbered as (

    select
        results.*,
        row_number() over (
            partition by results.span_key, results.result_source
            order by results.evaluated_at, results.evaluation_name, results.score_label, results.score
        ) as result_number
    from results

),

judged as (

    select
        numbered.*,
        coalesce(
            case
                when numbered.passed_text in ('true', '1', 'yes') then true
                when numbered.passed_text in ('false', '0', 'no') then false
            end,
            named_labels.is_passed,
            any_labels.is_passed,
            numbered.score >= named_scores.min_passing_score,
            numbered.score >= any_scores.min_passing_score
        ) as is_passed
    from numbered
    left join rules as named_labels
        on numbered.evaluation_name = named_labels.evaluation_name and lower(numbered.score_label) = named_labels.score_label
    left join rules as any_labels
        on any_labels.evaluation_name = '*' and lower(numbered.score_label) = any_labels.score_label
    left join rules as named_scores
        on
            numbered.evaluation_name = named_scores.evaluation_name
            and named_scores.score_label is null and named_scores.min_passing_score is not null
    left join rules as any_scores
        on
            any_scores.evaluation_name = '*'
            and any_scores.score_label is null and any_scores.min_passing_score is not null

),

final as (

    select
        'otel-' || judged.span_key || '-' || judged.result_source || '-' || cast(judged.result_number as {{ dbt.type_string() }})
            as event_id,
        tasks.task_id,
        cast(null as {{ dbt.type_string() }}) as evaluator_type,
        false as is_unknown_evaluator_type,
        judged.evaluation_name as rubric,
        case when judged.score between 0 and 1 then judged.score end as score,
        coalesce(judged.score not between 0 and 1, false) as has_out_of_range_score,
        judged.is_passed,
        judged.evaluated_at,
        false as has_unparseable_field,
        false as has_identity_conflict,
        cast(null as {{ api.Column.translate_type('timestamp') }}) as emitted_at,
        tasks.loaded_at,
        judged.source_file,
        judged.trace_id

    from judged
    inner join assignments
        on judged.span_key = assignments.span_key
    left join branch_tasks
        on
            assignments.trace_id = branch_tasks.trace_id
            and assignments.root_span_id = branch_tasks.root_span_id
    inner join tasks
        on coalesce(assignments.task_span_key, branch_tasks.task_span_key) = tasks.task_span_key

)

select * from final
