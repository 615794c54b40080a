{#-
    Stop-the-line (docs/kpis.md section 5): a current alert fails the build at the severity the
    operator sets: var('stop_the_line_severity'), from AGENT_KPIS_STOP_THE_LINE_SEVERITY,
    'warn' by default; set 'error' in production to stop the line.
-#}
{{ config(severity=var('stop_the_line_severity'), tags=['stop_the_line']) }}

select *
from {{ ref('kpi_alerts') }}
where is_current
