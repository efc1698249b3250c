from django.contrib import admin

from recupero.core.admin import TenantScopedAdmin
from recupero.strategies.models import StepExecution, StrategyRun


@admin.register(StrategyRun)
class StrategyRunAdmin(TenantScopedAdmin):
    list_display = ("run_date", "tenant", "status", "started_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("report",)


@admin.register(StepExecution)
class StepExecutionAdmin(TenantScopedAdmin):
    list_display = ("scheduled_for", "case", "strategy_code", "step_code", "action", "channel", "status")
    list_filter = ("status", "strategy_code", "action")
    raw_id_fields = ("case", "run")
    show_full_result_count = False
