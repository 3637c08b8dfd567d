from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.core.admin import AuditedModelAdmin

from . import services
from .models import Campaign


class CampaignAdminForm(forms.ModelForm):
    """The admin validates the JSON structures with the same rules as the API (apps.campaigns.services)."""

    class Meta:
        model = Campaign
        fields = ["slug", "name", "region", "department", "issuer", "document_no", "start", "end", "preset",
                  "phases", "duties", "sign_offs", "schedule", "sector_rows", "focus", "deadlines"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {key: data.get(key) for key in ("name", "start", "end", "region", "department",
                                                 *services.JSON_FIELDS)}
        try:
            cleaned = services.clean_campaign(values)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return data
        for key in services.JSON_FIELDS:
            data[key] = cleaned[key]
        return data


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    form = CampaignAdminForm
    list_display = ["slug", "name", "region", "department", "start", "end", "preset", "version"]
    list_filter = ["preset"]
    search_fields = ["slug", "name", "document_no", "region__name"]
    autocomplete_fields = ["region", "department"]
    list_select_related = ["region", "department"]
    readonly_fields = ["version"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["slug", "preset"] if obj is not None else fields

